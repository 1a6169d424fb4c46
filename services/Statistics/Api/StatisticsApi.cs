using System.Globalization;
using System.Security.Claims;
using Dapper;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.ServiceDefaults.Problems;
using Kaikukortti.Statistics.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Statistics.Api;

/// <summary>
/// Statistics for everyone, from pre-aggregated tables. Card figures count by the card's home area, use figures by the
/// venue's area. Public answers withhold counts below 5; callers scoped to the data see them exactly
/// (<see cref="Disclosure"/>). Every endpoint answers CSV too, for <c>Accept: text/csv</c>.
/// </summary>
public static class StatisticsApi
{
    public static readonly IReadOnlyList<string> Categories = ["culture", "education", "science", "sport"];
    public static readonly IReadOnlyList<string> Groupings = ["month", "area", "venue", "category", "homeArea"];

    public static RouteGroupBuilder MapStatisticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/statistics").WithTags("Statistics");

        group.MapGet("/summary", GetSummary)
            .WithName("GetSummary")
            .WithSummary("Headline figures")
            .WithDescription("""
                National figures, or one area's with `area`; `year` limits cards issued, cards taken into use and uses to that year.
                `activeCards` are cards valid today. Cards count by their home area, uses by the venue's area.
                """)
            .Produces<SummaryResponse>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/annual", GetAnnual)
            .WithName("GetAnnualTable")
            .WithSummary("The national table: per year cards registered, cards taken into use, adult and child uses by category")
            .WithDescription("Cards registered exclude replacement cards. Newest year first.")
            .Produces<AnnualResponse>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/uses", GetUses)
            .WithName("GetUses")
            .WithSummary("Uses grouped by month, area, venue, category or home area")
            .WithDescription("`groupBy` is month, area (the venue's), venue, category or homeArea (the card's); `from` and `to` are months (YYYY-MM), both included.")
            .Produces<UsesResponse>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/flows", GetFlows)
            .WithName("GetFlows")
            .WithSummary("Uses by the card's home area and the venue's area")
            .Produces<FlowsResponse>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    public static async Task<Results<Ok<SummaryResponse>, ContentHttpResult, ProblemHttpResult>> GetSummary(
        string? area, int? year, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (year is < 2000 or > 2100) return ApiProblem.BadRequest("year-invalid", year);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await UnknownAreaAsync(connection, area, cancellationToken) is { } unknown) return unknown;
        var areaCode = AreaCodes.Read(area);
        var row = await connection.QuerySingleAsync<SummaryRow>(new CommandDefinition("""
            SELECT (SELECT count(*)::int FROM areas WHERE @areaCode::text IS NULL OR code = @areaCode) AS areas,
                   (SELECT count(DISTINCT m)::int FROM areas a, unnest(a.municipalities) m WHERE @areaCode::text IS NULL OR a.code = @areaCode) AS municipalities,
                   (SELECT count(*)::int FROM distributors WHERE active AND (@areaCode::text IS NULL OR area_code = @areaCode)) AS distributors,
                   (SELECT count(*)::int FROM venues WHERE active AND (@areaCode::text IS NULL OR area_code = @areaCode)) AS venues,
                   (SELECT coalesce(sum(cards), 0)::int FROM cards_registered
                     WHERE (@areaCode::text IS NULL OR area_code = @areaCode) AND (@year::int IS NULL OR year = @year)) AS cards_issued,
                   (SELECT coalesce(sum(cards), 0)::int FROM card_validity WHERE (@areaCode::text IS NULL OR area_code = @areaCode) AND valid_until >= @today) AS active_cards,
                   (SELECT coalesce(sum(cards), 0)::int FROM cards_taken_into_use
                     WHERE (@areaCode::text IS NULL OR home_area = @areaCode) AND year = coalesce(@year::int, 0)) AS cards_taken_into_use,
                   coalesce(sum(adult_uses), 0)::int AS adult_uses, coalesce(sum(child_uses), 0)::int AS child_uses
            -- The year as a range of months, which the key's order serves.
            FROM use_area_months WHERE (@areaCode::text IS NULL OR venue_area = @areaCode)
                AND (@year::int IS NULL OR month >= make_date(@year, 1, 1) AND month < make_date(@year + 1, 1, 1))
            """, new { areaCode, year, today = clock.Today() }, cancellationToken: cancellationToken));

        var exact = Disclosure.IsExact(SiteClient.From(user), areaCode);
        var cards = new[] { row.CardsIssued, row.ActiveCards, row.CardsTakenIntoUse }.Select(c => Disclosure.Show(c, exact)).ToArray();
        var (uses, parts) = Disclosure.ShowWithParts(row.AdultUses + row.ChildUses, [row.AdultUses, row.ChildUses], exact);
        var summary = new SummaryResponse(areaCode, year, row.Areas, row.Municipalities, row.Distributors, row.Venues,
            cards[0], cards[1], cards[2], uses, parts[0], parts[1], cards.Append(uses).Concat(parts).Any(c => c is null));
        if (!Csv.IsWanted(http)) return TypedResults.Ok(summary);
        return Csv.Write(
            ["area", "year", "areas", "municipalities", "distributors", "venues", "cardsIssued", "activeCards", "cardsTakenIntoUse", "uses", "adultUses", "childUses"],
            [[summary.Area, summary.Year, summary.Areas, summary.Municipalities, summary.Distributors, summary.Venues, summary.CardsIssued, summary.ActiveCards,
              summary.CardsTakenIntoUse, summary.Uses, summary.AdultUses, summary.ChildUses]]);
    }

    public static async Task<Results<Ok<AnnualResponse>, ContentHttpResult, ProblemHttpResult>> GetAnnual(
        string? area, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await UnknownAreaAsync(connection, area, cancellationToken) is { } unknown) return unknown;
        var areaCode = AreaCodes.Read(area);
        using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            SELECT year, sum(cards)::int AS count FROM cards_registered WHERE @areaCode::text IS NULL OR area_code = @areaCode GROUP BY year;
            SELECT year, sum(cards)::int AS count FROM cards_taken_into_use WHERE year > 0 AND (@areaCode::text IS NULL OR home_area = @areaCode) GROUP BY year;
            SELECT extract(year FROM month)::int AS year, category, sum(adult_uses)::int AS adult_uses, sum(child_uses)::int AS child_uses
            FROM use_area_months WHERE @areaCode::text IS NULL OR venue_area = @areaCode GROUP BY 1, 2;
            SELECT count(DISTINCT m)::int FROM areas a, unnest(a.municipalities) m WHERE @areaCode::text IS NULL OR a.code = @areaCode;
            """, new { areaCode }, cancellationToken: cancellationToken));
        var registered = (await results.ReadAsync<YearCount>()).ToDictionary(r => r.Year, r => r.Count);
        var taken = (await results.ReadAsync<YearCount>()).ToDictionary(r => r.Year, r => r.Count);
        var uses = (await results.ReadAsync<CategoryUses>()).ToList();
        var municipalities = await results.ReadSingleAsync<int>();

        var exact = Disclosure.IsExact(SiteClient.From(user), areaCode);
        var years = registered.Keys.Union(taken.Keys).Union(uses.Select(u => u.Year)).OrderDescending().Select(y =>
        {
            var ofYear = uses.Where(u => u.Year == y).ToList();
            int Sum(string category, bool children) => ofYear.Where(u => u.Category == category).Sum(u => children ? u.ChildUses : u.AdultUses);
            var cards = new[] { registered.GetValueOrDefault(y), taken.GetValueOrDefault(y) }.Select(c => Disclosure.Show(c, exact)).ToArray();
            var (total, cells) = Disclosure.ShowWithParts(ofYear.Sum(u => u.AdultUses + u.ChildUses),
                [.. Categories.Select(c => Sum(c, false)), .. Categories.Select(c => Sum(c, true))], exact);
            return new AnnualRow(y, cards[0], cards[1], new CategoryCounts(cells[0], cells[1], cells[2], cells[3]),
                new CategoryCounts(cells[4], cells[5], cells[6], cells[7]), total, municipalities, cards.Append(total).Concat(cells).Any(c => c is null));
        }).ToList();

        if (!Csv.IsWanted(http)) return TypedResults.Ok(new AnnualResponse(areaCode, years));
        return Csv.Write(
            ["year", "cardsRegistered", "cardsTakenIntoUse", .. Categories.Select(c => $"adultUses.{c}"), .. Categories.Select(c => $"childUses.{c}"), "totalUses", "municipalities"],
            years.Select(r => (IReadOnlyList<object?>)[r.Year, r.CardsRegistered, r.CardsTakenIntoUse, .. r.AdultUses.InOrder(), .. r.ChildUses.InOrder(), r.TotalUses, r.Municipalities]));
    }

    public static async Task<Results<Ok<UsesResponse>, ContentHttpResult, ProblemHttpResult>> GetUses(
        string? groupBy, string? area, string? from, string? to, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (groupBy is null || !Groupings.Contains(groupBy)) return ApiProblem.BadRequest("group-by-invalid", groupBy);
        if (!TryMonth(from, out var first) || !TryMonth(to, out var last)) return ApiProblem.BadRequest("month-invalid");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await UnknownAreaAsync(connection, area, cancellationToken) is { } unknown) return unknown;
        var areaCode = AreaCodes.Read(area);
        const string where = "(@areaCode::text IS NULL OR venue_area = @areaCode) AND (@first::date IS NULL OR month >= @first) AND (@last::date IS NULL OR month <= @last)";
        // Single venues from use_totals, their names added once summed; the rest from rollups whose size does not grow with the
        // number of venues (ADR 0007).
        var sql = groupBy switch
        {
            "month" => Grouped("use_area_months", "month", "to_char(month, 'YYYY-MM')"),
            "area" => Grouped("use_area_months", "venue_area"),
            "category" => Grouped("use_area_months", "category"),
            "homeArea" => Grouped("use_flow_months", "home_area"),
            _ => $"""
                SELECT t.venue_id::text AS key, v.name_fi, v.name_sv, v.name_en, t.adult_uses, t.child_uses, t.assistants
                FROM (SELECT venue_id, sum(adult_uses)::int AS adult_uses, sum(child_uses)::int AS child_uses, sum(assistants)::int AS assistants
                      FROM use_totals WHERE {where} GROUP BY venue_id) t
                LEFT JOIN venues v ON v.id = t.venue_id
                ORDER BY 1
                """,
        };
        static string Grouped(string table, string column, string? key = null) => $"""
            SELECT {key ?? column} AS key, sum(adult_uses)::int AS adult_uses, sum(child_uses)::int AS child_uses, sum(assistants)::int AS assistants
            FROM {table} WHERE {where} GROUP BY {column} ORDER BY 1
            """;
        var rows = await connection.QueryAsync<GroupRow>(new CommandDefinition(sql, new { areaCode, first, last }, cancellationToken: cancellationToken));

        var exact = Disclosure.IsExact(SiteClient.From(user), areaCode);
        var shown = rows.Select(r =>
        {
            var (uses, parts) = Disclosure.ShowWithParts(r.AdultUses + r.ChildUses, [r.AdultUses, r.ChildUses], exact);
            var assistants = Disclosure.Show(r.Assistants, exact);
            var name = r.NameFi is null ? null : new Contracts.LocalizedName { Fi = r.NameFi, Sv = r.NameSv, En = r.NameEn };
            return new UsesRow(r.Key, name, uses, parts[0], parts[1], assistants, uses is null || assistants is null);
        }).ToList();
        if (!Csv.IsWanted(http)) return TypedResults.Ok(new UsesResponse(groupBy, shown));
        return Csv.Write([groupBy, "name", "uses", "adultUses", "childUses", "assistants"],
            shown.Select(r => (IReadOnlyList<object?>)[r.Key, r.Name?.Fi, r.Uses, r.AdultUses, r.ChildUses, r.Assistants]));
    }

    public static async Task<Results<Ok<FlowsResponse>, ContentHttpResult, ProblemHttpResult>> GetFlows(
        int? year, HttpRequest http, ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        if (year is < 2000 or > 2100) return ApiProblem.BadRequest("year-invalid", year);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<FlowRow>(new CommandDefinition("""
            SELECT home_area, venue_area, sum(adult_uses + child_uses)::int AS uses FROM use_flow_years
            WHERE @year::int IS NULL OR year = @year GROUP BY 1, 2 ORDER BY 1, 2
            """, new { year }, cancellationToken: cancellationToken));
        var caller = SiteClient.From(user);
        // An area's coordinator or statistics client sees exactly the flows out of and into its own area.
        var flows = rows.Select(r =>
        {
            var uses = Disclosure.Show(r.Uses, Disclosure.IsExact(caller, r.HomeArea) || Disclosure.IsExact(caller, r.VenueArea));
            return new Flow(r.HomeArea, r.VenueArea, uses, uses is null);
        }).ToList();
        if (!Csv.IsWanted(http)) return TypedResults.Ok(new FlowsResponse(year, flows));
        return Csv.Write(["homeArea", "venueArea", "uses"], flows.Select(f => (IReadOnlyList<object?>)[f.HomeArea, f.VenueArea, f.Uses]));
    }

    private static async Task<ProblemHttpResult?> UnknownAreaAsync(NpgsqlConnection connection, string? area, CancellationToken cancellationToken) =>
        AreaCodes.Read(area) is { } code && !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM areas WHERE code = @code)", new { code }, cancellationToken: cancellationToken))
            ? ApiProblem.NotFound("area-not-found", area)
            : null;

    private static bool TryMonth(string? text, out DateOnly? month)
    {
        month = null;
        if (string.IsNullOrWhiteSpace(text)) return true;
        if (!DateOnly.TryParseExact(text.Trim() + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        month = parsed;
        return true;
    }

    private sealed class SummaryRow
    {
        public int Areas { get; init; }
        public int Municipalities { get; init; }
        public int Distributors { get; init; }
        public int Venues { get; init; }
        public int CardsIssued { get; init; }
        public int ActiveCards { get; init; }
        public int CardsTakenIntoUse { get; init; }
        public int AdultUses { get; init; }
        public int ChildUses { get; init; }
    }

    private sealed class YearCount
    {
        public int Year { get; init; }
        public int Count { get; init; }
    }

    private sealed class CategoryUses
    {
        public int Year { get; init; }
        public string Category { get; init; } = "";
        public int AdultUses { get; init; }
        public int ChildUses { get; init; }
    }

    private sealed class GroupRow
    {
        public string Key { get; init; } = "";
        public string? NameFi { get; init; }
        public string? NameSv { get; init; }
        public string? NameEn { get; init; }
        public int AdultUses { get; init; }
        public int ChildUses { get; init; }
        public int Assistants { get; init; }
    }

    private sealed class FlowRow
    {
        public string HomeArea { get; init; } = "";
        public string VenueArea { get; init; } = "";
        public int Uses { get; init; }
    }
}

/// <summary>A withheld count is null, and <c>suppressed</c> says some count here was withheld.</summary>
public sealed record SummaryResponse(
    string? Area, int? Year, int Areas, int Municipalities, int Distributors, int Venues, int? CardsIssued, int? ActiveCards, int? CardsTakenIntoUse,
    int? Uses, int? AdultUses, int? ChildUses, bool Suppressed);

public sealed record CategoryCounts(int? Culture, int? Education, int? Science, int? Sport)
{
    public IEnumerable<object?> InOrder() => [Culture, Education, Science, Sport];
}

public sealed record AnnualRow(
    int Year, int? CardsRegistered, int? CardsTakenIntoUse, CategoryCounts AdultUses, CategoryCounts ChildUses, int? TotalUses, int Municipalities, bool Suppressed);

public sealed record AnnualResponse(string? Area, IReadOnlyList<AnnualRow> Years);

public sealed record UsesRow(string Key, Contracts.LocalizedName? Name, int? Uses, int? AdultUses, int? ChildUses, int? Assistants, bool Suppressed);

public sealed record UsesResponse(string GroupBy, IReadOnlyList<UsesRow> Rows);

public sealed record Flow(string HomeArea, string VenueArea, int? Uses, bool Suppressed);

public sealed record FlowsResponse(int? Year, IReadOnlyList<Flow> Flows);
