using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Kaikukortti.Contracts;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// Every statistics answer as CSV for <c>Accept: text/csv</c>, for spreadsheets: UTF-8 with a byte order mark, a header
/// row, CRLF line ends, values with commas or quotes quoted; one row per JSON row with the same figures, a withheld
/// figure an empty cell.
/// </summary>
public sealed class CsvTests(StatisticsService service) : IClassFixture<StatisticsService>
{
    private static readonly byte[] ByteOrderMark = [0xEF, 0xBB, 0xBF];

    [Fact]
    public async Task Csv_is_utf8_with_a_byte_order_mark_a_header_row_and_crlf_line_ends()
    {
        var area = await service.NewAreaAsync("Ähtäri");

        var response = await service.GetAsync(Path("summary", ("area", area)), accept: "text/csv");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes[..3].ShouldBe(ByteOrderMark);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        text.ShouldStartWith("area,year,areas,municipalities,distributors,venues,cardsIssued,activeCards,cardsTakenIntoUse,uses,adultUses,childUses\r\n");
        text.ShouldEndWith("\r\n");
        text.Count(c => c == '\n').ShouldBe(2);
        text.Count(c => c == '\r').ShouldBe(2);
    }

    [Fact]
    public async Task The_summary_as_csv_has_the_figures_of_the_json_and_withheld_ones_empty()
    {
        var area = await service.NewAreaAsync("Oulu", "Kempele");
        await FeedAsync(area, area, 2026);

        foreach (var caller in new SiteClient?[] { null, Callers.NationalAdmin })
        {
            foreach (var path in new[] { Path("summary", ("area", area)), Path("summary", ("area", area), ("year", 2026)) })
            {
                var json = await service.JsonAsync(path, caller);
                var csv = await CsvAsync(path, caller);

                csv[0].ShouldBe(["area", "year", "areas", "municipalities", "distributors", "venues", "cardsIssued", "activeCards", "cardsTakenIntoUse", "uses", "adultUses", "childUses"]);
                csv.Count.ShouldBe(2);
                csv[1].ShouldBe(Cells(json, csv[0]), $"{path} as {caller?.Role ?? "anonymous"}");
            }
        }
        var anonymous = await CsvAsync(Path("summary", ("area", area)), null);
        anonymous[1][anonymous[0].IndexOf("childUses")].ShouldBe("", "2 child uses are withheld from the public");
        anonymous[1][anonymous[0].IndexOf("year")].ShouldBe("", "no year asked");
    }

    [Fact]
    public async Task The_annual_table_as_csv_has_a_row_per_json_row_in_the_same_order()
    {
        var area = await service.NewAreaAsync("Kajaani");
        await FeedAsync(area, area, 2025);
        await FeedAsync(area, area, 2026);

        foreach (var caller in new SiteClient?[] { null, Callers.Statistics(area) })
        {
            var json = await service.JsonAsync(Path("annual", ("area", area)), caller);
            var csv = await CsvAsync(Path("annual", ("area", area)), caller);

            csv[0].ShouldBe([
                "year", "cardsRegistered", "cardsTakenIntoUse", "adultUses.culture", "adultUses.education", "adultUses.science", "adultUses.sport",
                "childUses.culture", "childUses.education", "childUses.science", "childUses.sport", "totalUses", "municipalities"]);
            csv.Skip(1).ShouldBe(json.GetProperty("years").EnumerateArray().Select(row => Cells(row, csv[0])), caller?.Role ?? "anonymous");
            csv.Skip(1).Select(r => r[0]).ShouldBe(["2026", "2025"]);
        }
    }

    [Theory]
    [InlineData("month")]
    [InlineData("area")]
    [InlineData("venue")]
    [InlineData("category")]
    [InlineData("homeArea")]
    public async Task Uses_as_csv_have_a_row_per_json_row(string groupBy)
    {
        var (home, area) = (await service.NewAreaAsync(), await service.NewAreaAsync());
        await FeedAsync(home, area, 2026);

        foreach (var caller in new SiteClient?[] { null, Callers.Coordinator(area) })
        {
            var path = Path("uses", ("groupBy", groupBy), ("area", area));
            var json = await service.JsonAsync(path, caller);
            var csv = await CsvAsync(path, caller);

            csv[0].ShouldBe([groupBy, "name", "uses", "adultUses", "childUses", "assistants"]);
            var rows = json.GetProperty("rows").EnumerateArray().ToList();
            rows.Count.ShouldBeGreaterThan(0);
            csv.Skip(1).ShouldBe(rows.Select(row => Cells(row, ["key", "name", "uses", "adultUses", "childUses", "assistants"])), caller?.Role ?? "anonymous");
        }
    }

    [Fact]
    public async Task Flows_as_csv_have_a_row_per_json_row()
    {
        // 2036 is this test's own year, so nothing else adds flows between the two answers.
        var areas = await service.NewAreasAsync(3);
        await FeedAsync(areas[0], areas[1], 2036);
        await FeedAsync(areas[0], areas[2], 2036);
        await service.ApplyAsync(
            Events.Use(areas[2], areas[1], "2036-05-01T10:00:00Z", adults: 5, children: 1),
            Events.Use(areas[1], areas[2], "2036-05-01T10:00:00Z", adults: 2));

        foreach (var caller in new SiteClient?[] { null, Callers.NationalStatistics })
        {
            var json = await service.JsonAsync(Path("flows", ("year", 2036)), caller);
            var csv = await CsvAsync(Path("flows", ("year", 2036)), caller);

            csv[0].ShouldBe(["homeArea", "venueArea", "uses"]);
            var flows = json.GetProperty("flows").EnumerateArray().ToList();
            flows.Count.ShouldBe(4);
            csv.Skip(1).ShouldBe(flows.Select(flow => Cells(flow, csv[0])), caller?.Role ?? "anonymous");
        }
        var shown = await CsvAsync(Path("flows", ("year", 2036)), null);
        shown.Single(r => r[0] == areas[2])[2].ShouldBe("6");
        shown.Single(r => r[0] == areas[1])[2].ShouldBe("", "2 uses are withheld from the public");
    }

    [Fact]
    public async Task A_value_with_commas_or_quotes_is_quoted_and_letters_like_a_umlaut_are_utf8()
    {
        var area = await service.NewAreaAsync();
        const string name = "Teatteri \"Kaiku\", pieni näyttämö";
        var venue = Events.Venue(area, name: new LocalizedName { Fi = name });
        await service.ApplyAsync(venue);
        await service.ApplyAsync(Events.Use(area, area, "2026-03-01T10:00:00Z", adults: 5, venueId: venue.VenueId));

        var response = await service.GetAsync(Path("uses", ("groupBy", "venue"), ("area", area)), accept: "text/csv");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes[3..]);

        text.ShouldContain($"{venue.VenueId},\"Teatteri \"\"Kaiku\"\", pieni näyttämö\",5,5,0,0\r\n");
        bytes.AsSpan().IndexOf("n\u00e4y"u8).ShouldBeGreaterThan(0, "ä as the two UTF-8 bytes C3 A4");
        Parse(text)[1][1].ShouldBe(name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("text/html")]
    public async Task Without_asking_for_csv_the_answer_is_json(string? accept)
    {
        var response = await service.GetAsync(Path("summary"), accept: accept);

        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("areas").GetInt32().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Asking_for_csv_among_other_types_gives_csv()
    {
        var response = await service.GetAsync(Path("annual"), accept: "application/json;q=0.5, text/csv");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
    }

    [Fact]
    public async Task An_error_is_a_problem_even_when_csv_was_asked_for() =>
        await (await service.GetAsync(Path("uses", ("groupBy", "week")), accept: "text/csv")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group-by-invalid");

    /// <summary>
    /// Issues 6 cards in <paramref name="home"/> and records uses of 4 of them at 2 venues of <paramref name="venueArea"/>
    /// in <paramref name="year"/>: some figures at 5 or more, some below.
    /// </summary>
    private async Task FeedAsync(string home, string venueArea, int year)
    {
        var cards = Events.Cards(6, home, $"{year}-01-05");
        var (theatre, hall) = (Events.Venue(venueArea, "culture", new LocalizedName { Fi = "Teatteri" }), Events.Venue(venueArea, "sport", new LocalizedName { Fi = "Uimahalli" }));
        await service.ApplyAsync([theatre, hall, .. cards]);
        await service.ApplyAsync(
            Events.Use(cards[0], theatre, $"{year}-02-01T10:00:00Z", adults: 3, children: 2, assistants: 1),
            Events.Use(cards[1], theatre, $"{year}-02-11T10:00:00Z", adults: 2),
            Events.Use(cards[2], hall, $"{year}-03-01T10:00:00Z", adults: 1, children: 1),
            Events.Use(cards[3], hall, $"{year}-04-01T10:00:00Z", adults: 4));
    }

    /// <summary>The CSV rows of an answer, the header first; also checks the byte order mark and content type.</summary>
    private async Task<List<List<string>>> CsvAsync(string path, SiteClient? caller)
    {
        var response = await service.GetAsync(path, caller, "text/csv");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/csv; charset=utf-8");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes[..3].ShouldBe(ByteOrderMark);
        return Parse(Encoding.UTF8.GetString(bytes[3..]));
    }

    /// <summary>The cells a JSON object gives for <paramref name="columns"/>: "adultUses.culture" is a nested figure, a name its Finnish form.</summary>
    private static List<string> Cells(JsonElement row, IEnumerable<string> columns) =>
    [
        .. columns.Select(column =>
        {
            var value = column.Split('.').Aggregate(row, (element, part) => element.GetProperty(part));
            return value.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.Number => value.GetInt32().ToString(CultureInfo.InvariantCulture),
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Object => value.GetProperty("fi").GetString()!,
                _ => throw new InvalidOperationException($"{column}: {value}"),
            };
        }),
    ];

    /// <summary>RFC 4180: fields separated by commas, records by CRLF, a quoted field may hold commas, quotes ("") and line breaks.</summary>
    private static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') cell.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') cell.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else if (c is '\r' or '\n') throw new FormatException($"A bare line break at {i}: lines must end in CRLF.");
            else cell.Append(c);
        }
        if (quoted) throw new FormatException("An unterminated quoted field.");
        if (cell.Length > 0 || row.Count > 0) throw new FormatException("The last line does not end in CRLF.");
        return rows;
    }
}
