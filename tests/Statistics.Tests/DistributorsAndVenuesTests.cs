using System.Text.Json;
using static Kaikukortti.Statistics.Tests.Figures;

namespace Kaikukortti.Statistics.Tests;

/// <summary>Distributors and venues count while active; the newest change wins, whatever order the changes arrive in.</summary>
public sealed class DistributorsAndVenuesTests(StatisticsService service) : IClassFixture<StatisticsService>
{
    private static readonly DateTimeOffset Monday = Events.At("2026-03-02T08:00:00Z");

    [Fact]
    public async Task Active_distributors_of_the_area_are_counted()
    {
        var (area, other) = await TwoAreasAsync();
        var leaving = Events.Distributor(area, registeredAt: Monday);
        await service.ApplyAsync(leaving, Events.Distributor(area, registeredAt: Monday), Events.Distributor(area, active: false), Events.Distributor(other));
        (await SummaryAsync(area)).GetProperty("distributors").GetInt32().ShouldBe(2);

        await service.ApplyAsync(Events.Changed(leaving, active: false, Monday.AddDays(1)));
        (await SummaryAsync(area)).GetProperty("distributors").GetInt32().ShouldBe(1);

        await service.ApplyAsync(Events.Changed(leaving, active: true, Monday.AddDays(2)));
        (await SummaryAsync(area)).GetProperty("distributors").GetInt32().ShouldBe(2, "activated again");
        (await SummaryAsync(other)).GetProperty("distributors").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task An_older_distributor_change_that_arrives_late_does_not_overwrite_a_newer_one()
    {
        var area = await service.NewAreaAsync();
        var distributor = Events.Distributor(area, registeredAt: Monday);
        var lateRegistered = Events.Distributor(area, registeredAt: Monday);

        await service.ApplyInOrderAsync(
            distributor,
            Events.Changed(distributor, active: false, Monday.AddDays(2)),
            Events.Changed(distributor, active: true, Monday.AddDays(1)),
            Events.Changed(lateRegistered, active: false, Monday.AddDays(1)),
            lateRegistered);

        (await SummaryAsync(area)).GetProperty("distributors").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Active_venues_of_the_area_are_counted()
    {
        var (area, other) = await TwoAreasAsync();
        var closing = Events.Venue(area, registeredAt: Monday);
        await service.ApplyAsync(closing, Events.Venue(area, "sport", registeredAt: Monday), Events.Venue(area, active: false), Events.Venue(other));
        (await SummaryAsync(area)).GetProperty("venues").GetInt32().ShouldBe(2);

        await service.ApplyAsync(Events.Changed(closing, active: false, Monday.AddDays(1)));
        (await SummaryAsync(area)).GetProperty("venues").GetInt32().ShouldBe(1);

        await service.ApplyAsync(Events.Changed(closing, active: true, Monday.AddDays(2)));
        (await SummaryAsync(area)).GetProperty("venues").GetInt32().ShouldBe(2, "activated again");
        (await SummaryAsync(other)).GetProperty("venues").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task An_older_venue_change_that_arrives_late_does_not_overwrite_a_newer_one()
    {
        var area = await service.NewAreaAsync();
        var venue = Events.Venue(area, registeredAt: Monday);
        var lateRegistered = Events.Venue(area, registeredAt: Monday);

        await service.ApplyInOrderAsync(
            venue,
            Events.Changed(venue, active: false, Monday.AddDays(2)),
            Events.Changed(venue, active: true, Monday.AddDays(1)),
            Events.Changed(lateRegistered, active: false, Monday.AddDays(1)),
            lateRegistered);

        (await SummaryAsync(area)).GetProperty("venues").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task A_redelivered_registration_counts_once()
    {
        var area = await service.NewAreaAsync();
        var (distributor, venue) = (Events.Distributor(area), Events.Venue(area));
        foreach (var message in new object[] { distributor, venue })
        {
            var messageId = await service.PublishAsync(message);
            await service.WaitUntilHandledAsync(messageId);
            await service.RedeliverAsync(message, messageId);
            await service.ApplyAsync(message);
        }

        var summary = await SummaryAsync(area);
        (summary.GetProperty("distributors").GetInt32(), summary.GetProperty("venues").GetInt32()).ShouldBe((1, 1));
    }

    private async Task<(string, string)> TwoAreasAsync()
    {
        var areas = await service.NewAreasAsync(2);
        return (areas[0], areas[1]);
    }

    private Task<JsonElement> SummaryAsync(string area) => service.JsonAsync(Path("summary", ("area", area)));
}
