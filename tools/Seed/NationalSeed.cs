using System.Diagnostics;
using System.Globalization;
using Kaikukortti.AppHost.Seed;
using Kaikukortti.Reconcile;

namespace Kaikukortti.Seed;

/// <summary>
/// Registers a <see cref="NationalNetwork"/> through the gateway's public API as the national admin, the way the
/// earlier register would be carried over: areas, venues and offerings, distributor units, cards with the day the
/// earlier register issued them, and their visits through <c>POST /api/redemptions/import</c>. Every row goes through
/// the same write paths, events and projections as one registered at a desk. Then waits until statistics agree with
/// the Cards and Redemptions services' own counts.
/// </summary>
public static class NationalSeed
{
    /// <summary>Requests in flight at once: enough to keep both cores busy, few enough not to queue in the gateway.</summary>
    private const int Parallelism = 8;

    public static async Task RunAsync(Uri gateway, string adminClientId, string adminSecret, NationalNetwork network, TextWriter log, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var api = new SeedApi(gateway);
        await api.SignInAsync(adminClientId, adminSecret, ct);
        if (await api.AreaExistsAsync(network.Areas[0].Code, ct))
            throw new InvalidOperationException($"Area {network.Areas[0].Code} is registered already: seed a fresh system (an empty data directory).");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seeding a national network (seed {network.Seed}, scale {network.Scale}) through {gateway}: {network.Areas.Count} areas, {network.Venues.Count:N0} venues, {network.Distributors.Count:N0} distributors, {network.Cards.Count:N0} cards, {network.UseCount:N0} uses"));

        using (var progress = new Progress(log, "areas", network.Areas.Count))
        {
            foreach (var area in network.Areas)
            {
                await api.RegisterAreaAsync(area.Code, area.Name, area.Municipalities, area.Name.Fi, ct);
                progress.Advance(1);
            }
        }

        var offerings = new Guid[network.Venues.Count][];
        var venueIds = new Guid[network.Venues.Count];
        await InParallelAsync(log, "venues", network.Venues.Count, async (i, progress) =>
        {
            var venue = network.Venues[i];
            venueIds[i] = await api.RegisterVenueAsync(NationalNetwork.AreaCode(venue.Area), venue.Name, venue.Category, venue.Municipality, venue.AcceptsOtherAreas, ct);
            offerings[i] = new Guid[venue.Offerings.Count];
            for (var o = 0; o < venue.Offerings.Count; o++)
            {
                var offering = venue.Offerings[o];
                offerings[i][o] = await api.PublishOfferingAsync(venueIds[i], offering.Title, offering.Kind, offering.Quota, null, null, ct);
            }
            progress.Advance(1);
        }, ct);

        var distributorIds = new Guid[network.Distributors.Count];
        await InParallelAsync(log, "units", network.Distributors.Count, async (i, progress) =>
        {
            var distributor = network.Distributors[i];
            distributorIds[i] = await api.RegisterDistributorAsync(NationalNetwork.AreaCode(distributor.Area), distributor.Name, distributor.UnitType, ct);
            progress.Advance(1);
        }, ct);

        var cardNumbers = new string[network.Cards.Count];
        await InParallelAsync(log, "cards", network.Cards.Count, async (i, progress) =>
        {
            var card = network.Cards[i];
            cardNumbers[i] = await api.IssueCardAsync(new CardRequest(distributorIds[card.Distributor], card.Kind, card.BirthYear, card.PostalCode, card.Children,
                card.GroupSize, IssuedOn: card.IssuedOn), ct);
            progress.Advance(1);
        }, ct);

        using (var progress = new Progress(log, "uses", network.UseCount))
        {
            var batches = network.Uses().Select((use, n) => new UseItem(
                    string.Create(CultureInfo.InvariantCulture, $"national-{network.Seed}-{network.Scale}-{n}"), cardNumbers[use.Card], venueIds[use.Venue],
                    offerings[use.Venue][use.Offering], use.Adults, use.Children, use.OccurredAt))
                .Chunk(SeedApi.MaxBatch);
            // Each batch is recorded item by item in the Redemptions service; a few side by side keep it busy.
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
                async (batch, token) => await api.RecordAsync("/api/redemptions/import", batch, recorded => progress.Advance(recorded), token));
        }

        log.WriteLine("waiting for statistics to agree with the Cards and Redemptions services");
        var figures = await Reconciliation.CompareUntilAgreedAsync(api.Http, TimeSpan.FromMinutes(30 * network.Scale), ct);
        foreach (var figure in figures) log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {figure.Name,-18} {figure.StatisticsCount,12:N0}{(figure.Agrees ? "" : $"  DIFFERS: {figure.Owner} counts {figure.OwnerCount:N0}")}"));
        if (figures.Any(f => !f.Agrees)) throw new InvalidOperationException("Statistics did not agree with the services' own counts in time.");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded in {clock.Elapsed:h\\:mm\\:ss}"));
    }

    private static async Task InParallelAsync(TextWriter log, string step, int count, Func<int, Progress, Task> register, CancellationToken ct)
    {
        using var progress = new Progress(log, step, count);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (i, _) => await register(i, progress));
    }
}
