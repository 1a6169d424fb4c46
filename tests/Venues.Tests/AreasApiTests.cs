using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kaikukortti.Venues.Tests;

public sealed class AreasApiTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private ServiceFactory<Program> service = null!;
    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        service = await ServiceFactory<Program>.CreateAsync(postgres, rabbitMq, "venuesdb");
        client = service.CreateClient().As(Tokens.ForTests.Issue(Tokens.NationalAdmin));
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await service.DisposeAsync();
    }

    private static object Seinajoki(string code = "seinajoki") => new
    {
        code,
        name = new { fi = "Seinäjoki", sv = "Seinäjoki", en = "Seinäjoki" },
        municipalities = new[] { "Seinäjoki", "Lapua", "Kauhava" },
        welfareRegion = "Etelä-Pohjanmaa",
    };

    [Fact]
    public async Task A_registered_area_can_be_listed_and_fetched()
    {
        var created = await client.PostJsonAsync("/api/areas", Seinajoki("Seinajoki"));

        var area = await created.ShouldBeJsonAsync(HttpStatusCode.Created);
        created.Headers.Location!.ToString().ShouldBe("/api/areas/seinajoki");
        area.GetProperty("code").GetString().ShouldBe("seinajoki");
        area.GetProperty("name").GetProperty("fi").GetString().ShouldBe("Seinäjoki");
        area.GetProperty("municipalities").EnumerateArray().Select(m => m.GetString()).ShouldBe(["Seinäjoki", "Lapua", "Kauhava"]);

        var listed = await (await client.GetAsync("/api/areas")).ShouldBeJsonAsync(HttpStatusCode.OK);
        listed.EnumerateArray().Select(a => a.GetProperty("code").GetString()).ShouldBe(["seinajoki"]);
        var fetched = await (await client.GetAsync("/api/areas/SEINAJOKI")).ShouldBeJsonAsync(HttpStatusCode.OK);
        fetched.GetProperty("welfareRegion").GetString().ShouldBe("Etelä-Pohjanmaa");
    }

    [Fact]
    public async Task Only_the_national_admin_registers_areas_and_anyone_reads_them()
    {
        await client.PostJsonAsync("/api/areas", Seinajoki());
        using var anonymous = service.CreateClient();
        using var coordinator = service.CreateClient().As(Tokens.ForTests.Issue(Tokens.Coordinator("seinajoki")));
        using var expired = service.CreateClient().As(Tokens.ForTests.Expired(Tokens.NationalAdmin));

        await (await anonymous.PostJsonAsync("/api/areas", Seinajoki("oulu"))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await (await coordinator.PostJsonAsync("/api/areas", Seinajoki("oulu"))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await expired.PostJsonAsync("/api/areas", Seinajoki("oulu"))).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        (await (await anonymous.GetAsync("/api/areas")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetArrayLength().ShouldBe(1);
        (await anonymous.GetAsync("/api/areas/seinajoki")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await OutboxAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Registering_writes_exactly_one_AreaRegistered_to_the_outbox()
    {
        (await client.PostJsonAsync("/api/areas", Seinajoki())).StatusCode.ShouldBe(HttpStatusCode.Created);

        var events = await OutboxAsync();
        events.Count.ShouldBe(1);
        events[0].Type.ShouldStartWith("Kaikukortti.Contracts.Venues.AreaRegistered,");
        var body = JsonDocument.Parse(events[0].Body).RootElement;
        body.GetProperty("areaCode").GetString().ShouldBe("seinajoki");
        body.GetProperty("municipalities").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task A_duplicate_code_is_a_conflict_and_changes_nothing()
    {
        await client.PostJsonAsync("/api/areas", Seinajoki());

        var duplicate = await client.PostJsonAsync("/api/areas", Seinajoki("SEINAJOKI"));

        await duplicate.ShouldBeProblemAsync(HttpStatusCode.Conflict, "area-code-taken");
        (await OutboxAsync()).Count.ShouldBe(1);
    }

    public static TheoryData<string, string> InvalidAreas => new()
    {
        { """{"code":"bad code","name":{"fi":"X"},"municipalities":["A"]}""", "area-code-invalid" },
        { """{"name":{"fi":"X"},"municipalities":["A"]}""", "area-code-invalid" },
        { """{"code":"oulu","municipalities":["Oulu"]}""", "area-name-required" },
        { """{"code":"oulu","name":{"fi":"  ","sv":"Uleåborg"},"municipalities":["Oulu"]}""", "area-name-required" },
        { """{"code":"oulu","name":{"fi":"Oulu"},"municipalities":[]}""", "area-municipalities-required" },
        { """{"code":"oulu","name":{"fi":"Oulu"}}""", "area-municipalities-required" },
        { """{"code":"oulu","name":{"fi":"Oulu"},"municipalities":["Oulu",""]}""", "municipality-invalid" },
        { """{"code":"oulu","name":{"fi":"Oulu"},"municipalities":["Oulu","Kempele","oulu"]}""", "municipality-duplicate" },
        { $$"""{"code":"oulu","name":{"fi":"{{new string('x', 201)}}"},"municipalities":["Oulu"]}""", "name-too-long" },
        { """{"code":"oulu","name":{"fi":"Oulu"},"municipalities":["Oulu"],"unknownField":true}""", "bad-request" },
        { """{"code":42,"name":{"fi":"Oulu"},"municipalities":["Oulu"]}""", "bad-request" },
        { """{"code":"oulu","name":"Oulu","municipalities":["Oulu"]}""", "bad-request" },
        { """{"code":"oulu","name":{"fi":"Oulu"},"municipalities":["Oulu"]""", "bad-request" },
        { "", "bad-request" },
        { "null", "bad-request" },
    };

    [Theory]
    [MemberData(nameof(InvalidAreas))]
    public async Task Invalid_input_is_a_400_with_a_stable_code_and_changes_nothing(string json, string code)
    {
        var response = await client.PostRawJsonAsync("/api/areas", json);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);
        (await (await client.GetAsync("/api/areas")).ShouldBeJsonAsync(HttpStatusCode.OK)).GetArrayLength().ShouldBe(0);
        (await OutboxAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(null, "fi", "Virheellinen pyyntö", "Alueen tunnus 'x y' ei kelpaa")]
    [InlineData("sv-FI,sv;q=0.9", "sv", "Ogiltig begäran", "Områdeskoden 'x y' är ogiltig")]
    [InlineData("de, en;q=0.5", "en", "Bad request", "The area code 'x y' is not valid")]
    public async Task Problems_speak_the_callers_language(string? acceptLanguage, string language, string title, string detail)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/areas")
        {
            Content = JsonContent.Create(new { code = "x y", name = new { fi = "X" }, municipalities = new[] { "X" } }),
        };
        if (acceptLanguage is not null) request.Headers.Add("Accept-Language", acceptLanguage);

        var response = await client.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "area-code-invalid");
        response.Content.Headers.ContentLanguage.ShouldBe([language]);
        problem.GetProperty("title").GetString().ShouldBe(title);
        problem.GetProperty("detail").GetString()!.ShouldStartWith(detail);
    }

    [Fact]
    public async Task An_unknown_area_is_a_404_problem() =>
        await (await client.GetAsync("/api/areas/atlantis")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "area-not-found");

    [Fact]
    public async Task The_areas_endpoints_are_described_in_the_OpenAPI_document()
    {
        var document = await (await client.GetAsync("/openapi/v1.json")).ShouldBeJsonAsync(HttpStatusCode.OK);

        var paths = document.GetProperty("paths");
        paths.GetProperty("/api/areas").GetProperty("post").GetProperty("operationId").GetString().ShouldBe("RegisterArea");
        paths.GetProperty("/api/areas").GetProperty("get").GetProperty("operationId").GetString().ShouldBe("ListAreas");
        paths.GetProperty("/api/areas/{code}").GetProperty("get").GetProperty("responses").TryGetProperty("404", out _).ShouldBeTrue();
    }

    private async Task<List<(string Type, string Body)>> OutboxAsync()
    {
        await using var connection = await service.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        return (await connection.QueryAsync<(string, string)>("SELECT message_type, body::text FROM outbox ORDER BY id")).ToList();
    }
}
