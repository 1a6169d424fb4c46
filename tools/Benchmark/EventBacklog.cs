using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kaikukortti.Benchmark;

/// <summary>
/// The UseRecorded events still on their way to Statistics: the uses the Redemptions service has recorded less the uses
/// statistics count (both national, as the admin sees them).
/// </summary>
public sealed class EventBacklog(HttpClient admin)
{
    /// <summary>How long statistics may count nothing more before a wait gives up: a big backlog keeps moving, a failing consumer does not.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Statistics that disagree with Redemptions for good (a failing consumer, an inconsistent data directory) would make
    // every wait run out of patience: once one has, the difference left is taken as standing.
    private int _standingDifference;

    /// <summary>Uses recorded by Redemptions (national).</summary>
    public async Task<int> RecordedAsync(CancellationToken ct) =>
        (await admin.GetFromJsonAsync<JsonElement>("/api/redemptions/totals", ct)).GetProperty("uses").GetInt32();

    /// <summary>Waits until statistics count every recorded use, or have counted nothing more for <see cref="Patience"/>.</summary>
    /// <returns>The uses recorded by then, and whether statistics caught up.</returns>
    public async Task<(int Recorded, bool Drained)> WaitUntilDrainedAsync(CancellationToken ct)
    {
        var sinceProgress = Stopwatch.StartNew();
        var lastCounted = int.MinValue;
        while (true)
        {
            var recorded = await RecordedAsync(ct);
            var counted = (await admin.GetFromJsonAsync<JsonElement>("/api/statistics/summary", ct)).GetProperty("uses").GetInt32();
            if (counted - recorded >= _standingDifference) return (recorded, true);
            if (counted != lastCounted)
            {
                lastCounted = counted;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > Patience)
            {
                _standingDifference = counted - recorded;
                return (recorded, false);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }
}
