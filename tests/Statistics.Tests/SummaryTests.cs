using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.Statistics.Tests;

/// <summary>The summary as fed by AreaRegistered events arriving through the broker and the inbox.</summary>
public sealed class SummaryTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private ServiceFactory<Program> service = null!;
    private HttpClient client = null!;

    public async ValueTask InitializeAsync()
    {
        service = await ServiceFactory<Program>.CreateAsync(postgres, rabbitMq, "statisticsdb");
        client = service.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        await service.DisposeAsync();
    }

    [Fact]
    public async Task Registered_areas_and_their_municipalities_are_counted()
    {
        var code = UniqueCode();
        await PublishAsync(Area(code, "Seinäjoki", "Lapua", "Kauhava"));

        var summary = await EventuallySummaryAsync($"?area={code}", s => s.GetProperty("areas").GetInt32() == 1);

        summary.GetProperty("municipalities").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task National_figures_count_each_municipality_once()
    {
        var before = await SummaryAsync("");
        var (north, south) = (UniqueCode(), UniqueCode());

        await PublishAsync(Area(north, "Kajaani", "Sotkamo"));
        await PublishAsync(Area(south, "Sotkamo", "Kuhmo"));

        var after = await EventuallySummaryAsync("", s => s.GetProperty("areas").GetInt32() == before.GetProperty("areas").GetInt32() + 2);
        after.GetProperty("municipalities").GetInt32().ShouldBe(before.GetProperty("municipalities").GetInt32() + 3);
    }

    [Fact]
    public async Task An_empty_area_filter_means_national_figures() =>
        (await SummaryAsync("?area=")).GetProperty("areas").GetInt32().ShouldBe((await SummaryAsync("")).GetProperty("areas").GetInt32());

    [Fact]
    public async Task A_redelivered_event_is_counted_once()
    {
        var code = UniqueCode();
        var messageId = NewId.NextGuid();
        var bus = service.Services.GetRequiredService<IBus>();

        for (var i = 0; i < 3; i++) await bus.Publish(Area(code, "Oulu"), context => context.MessageId = messageId);
        var marker = UniqueCode();
        await PublishAsync(Area(marker, "Kempele"));
        await EventuallySummaryAsync($"?area={marker}", s => s.GetProperty("areas").GetInt32() == 1);
        await Task.Delay(500);

        var summary = await SummaryAsync($"?area={code}");
        summary.GetProperty("areas").GetInt32().ShouldBe(1);
        summary.GetProperty("municipalities").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task An_unknown_area_is_a_404_problem() =>
        await (await client.GetAsync("/api/statistics/summary?area=atlantis")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "area-not-found");

    private static string UniqueCode() => $"area-{Guid.NewGuid():N}"[..20];

    private static AreaRegistered Area(string code, params string[] municipalities) => new()
    {
        AreaCode = code,
        Name = new LocalizedName { Fi = code },
        Municipalities = municipalities,
        RegisteredAt = DateTimeOffset.UtcNow,
    };

    private Task PublishAsync(AreaRegistered area) => service.Services.GetRequiredService<IBus>().Publish(area);

    private async Task<JsonElement> SummaryAsync(string query) =>
        await (await client.GetAsync($"/api/statistics/summary{query}")).ShouldBeJsonAsync(HttpStatusCode.OK);

    private Task<JsonElement> EventuallySummaryAsync(string query, Func<JsonElement, bool> condition) =>
        Eventually.MatchAsync(async () =>
        {
            var response = await client.GetAsync($"/api/statistics/summary{query}");
            return response.IsSuccessStatusCode ? await response.ShouldBeJsonAsync(HttpStatusCode.OK) : default;
        }, summary => summary.ValueKind == JsonValueKind.Object && condition(summary), TimeSpan.FromSeconds(15), $"summary{query}");
}
