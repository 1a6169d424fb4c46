using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Kaikukortti.TestSupport;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>Through the gateway, across real processes: gateway → Venues → RabbitMQ → Statistics → gateway.</summary>
public sealed class GatewayTests(SystemFixture system)
{
    private HttpClient Gateway => system.Gateway;

    [Fact]
    public async Task The_gateway_reports_every_service_healthy()
    {
        var health = await (await Gateway.GetAsync("/health")).ShouldBeJsonAsync(HttpStatusCode.OK);

        health.GetProperty("status").GetString().ShouldBe("Healthy");
        var services = health.GetProperty("services");
        foreach (var service in new[] { "identity", "cards", "venues", "redemptions", "statistics" })
            services.GetProperty(service).GetProperty("status").GetString().ShouldBe("Healthy", service);
    }

    [Fact]
    public async Task An_area_registered_through_the_gateway_is_counted_by_statistics()
    {
        var code = $"e2e-{Guid.NewGuid():N}"[..16];

        var created = await system.Admin.PostAsJsonAsync("/api/areas", new
        {
            code,
            name = new { fi = "Kainuu", sv = "Kajanaland", en = "Kainuu" },
            municipalities = new[] { "Kajaani", "Sotkamo", "Kuhmo", "Suomussalmi" },
        });
        await created.ShouldBeJsonAsync(HttpStatusCode.Created);

        var summary = await Eventually.MatchAsync(
            async () => await Gateway.GetAsync($"/api/statistics/summary?area={code}") is { IsSuccessStatusCode: true } ok
                ? await ok.ShouldBeJsonAsync(HttpStatusCode.OK)
                : default,
            s => s.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(10), "the area in the statistics summary");
        summary.GetProperty("areas").GetInt32().ShouldBe(1);
        summary.GetProperty("municipalities").GetInt32().ShouldBe(4);
        var area = await (await Gateway.GetAsync($"/api/areas/{code}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        area.GetProperty("name").GetProperty("sv").GetString().ShouldBe("Kajanaland");
    }

    [Fact]
    public async Task Bad_input_through_the_gateway_is_the_services_problem()
    {
        var response = await system.Admin.PostAsync("/api/areas", new StringContent("""{"code":"x","name":{"fi":"X"},"municipalities":["X"],"surprise":1}""", null, "application/json"));

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request")).GetProperty("field").GetString().ShouldBe("surprise");
    }

    [Fact]
    public async Task The_gateway_forwards_the_callers_trace_context()
    {
        var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/areas/no-such-area");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        var problem = await (await Gateway.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "area-not-found");

        // The traceId comes from the Venues service: the trace continued across the gateway hop.
        problem.GetProperty("traceId").GetString()!.ShouldContain(traceId);
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_problem() =>
        await (await Gateway.GetAsync("/api/nothing-here")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");

    [Fact]
    public async Task An_oversized_body_is_refused_before_it_reaches_a_service()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/areas")
        {
            Content = new StringContent(new string('x', 2 * 1024 * 1024), null, "application/json"),
        };
        // Like curl: wait for the server's go-ahead, so the refusal is read instead of a reset mid-upload.
        request.Headers.ExpectContinue = true;

        var response = await system.Admin.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }
}

[Collection(nameof(StopsServices))]
public sealed class GatewayOutageTests(SystemFixture system)
{
    private HttpClient Gateway => system.Gateway;

    [Fact]
    public async Task A_stopped_service_shows_in_the_gateway_health_until_it_is_back()
    {
        var statistics = system.System["statistics"];
        await statistics.StopAsync();
        try
        {
            var health = await (await Gateway.GetAsync("/health")).ShouldBeJsonAsync(HttpStatusCode.ServiceUnavailable);
            health.GetProperty("services").GetProperty("statistics").GetProperty("status").GetString().ShouldBe("Unreachable");
            health.GetProperty("services").GetProperty("venues").GetProperty("status").GetString().ShouldBe("Healthy");
        }
        finally
        {
            await statistics.StartAsync();
        }
        await (await Gateway.GetAsync("/health")).ShouldBeJsonAsync(HttpStatusCode.OK);
    }
}
