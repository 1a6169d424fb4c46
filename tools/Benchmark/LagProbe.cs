using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kaikukortti.Benchmark;

/// <param name="Unseen">Uses not seen in statistics within <see cref="LagProbe.Patience"/>.</param>
/// <param name="Refused">Probe uses that were not answered 201.</param>
/// <param name="Polls">Statistics requests the probe made: load of its own on the gateway, Statistics and PostgreSQL.</param>
public sealed record LagResult(string Load, int Samples, int Unseen, int Refused, int Polls, double P50Ms, double P99Ms, double MaxMs);

/// <summary>
/// Event lag from a use's 201 to the use counting in statistics. While the load runs, each of <see cref="Lanes"/> lanes
/// records one use at a time at its own probe venue and waits until statistics count it; one poller asks the statistics
/// API as the national admin (exact counts) every <see cref="PollInterval"/> for all the probe venues at once. Lanes give
/// more samples when the lag is long; sharing the poller keeps the probe's own load down.
/// </summary>
public sealed class LagProbe(HttpClient probeDesk, HttpClient admin, BenchData data)
{
    public const int Lanes = 4;

    /// <summary>
    /// The resolution: a lag is measured to the answer of the first poll that sees the use. Every poll costs the gateway,
    /// Statistics and PostgreSQL CPU that the load then lacks, so not every 1 ms.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A lane's use waiting to be counted: the count that includes it, when its 201 came, and its lag (null: not seen in time).</summary>
    private sealed record Waiter(int Count, long RecordedAt, TaskCompletionSource<double?> Lag);

    /// <summary>Probes until <paramref name="stop"/>; the uses in flight then are still awaited, for at most <see cref="Patience"/>.</summary>
    public async Task<LagResult> RunAsync(string load, CancellationToken stop, CancellationToken ct)
    {
        var counts = await CountsAsync(ct);
        ConcurrentDictionary<Guid, Waiter> waiting = [];
        var runId = Guid.NewGuid().ToString("N")[..8];
        var lanes = data.ProbeSites.Select((site, lane) => LaneAsync(site, $"probe-{runId}-{lane}", counts.GetValueOrDefault(site.VenueId), waiting, stop, ct)).ToList();
        var polls = await PollAsync(waiting, Task.WhenAll(lanes), ct);
        var results = await Task.WhenAll(lanes);
        var lags = results.SelectMany(r => r.Lags).ToList();
        return new LagResult(load, lags.Count, results.Sum(r => r.Unseen), results.Sum(r => r.Refused), polls,
            Percentiles.Of(lags, 50), Percentiles.Of(lags, 99), lags.Count > 0 ? lags.Max() : double.NaN);
    }

    private async Task<(List<double> Lags, int Unseen, int Refused)> LaneAsync(
        Site site, string keyPrefix, int counted, ConcurrentDictionary<Guid, Waiter> waiting, CancellationToken stop, CancellationToken ct)
    {
        List<double> lags = [];
        int unseen = 0, refused = 0, sample = 0;
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions")
            {
                Content = JsonContent.Create(new { cardNumber = data.Cards[Random.Shared.Next(data.Cards.Count)], venueId = site.VenueId, offeringId = site.OfferingId }),
                Headers = { { "Idempotency-Key", $"{keyPrefix}-{++sample}" } },
            };
            using var response = await probeDesk.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                refused++;
                // Not a tight loop of refusals beside the load.
                await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                continue;
            }

            var waiter = new Waiter(++counted, Stopwatch.GetTimestamp(), new(TaskCreationOptions.RunContinuationsAsynchronously));
            waiting[site.VenueId] = waiter;
            if (await waiter.Lag.Task is { } lag) lags.Add(lag);
            else unseen++;
        }
        return (lags, unseen, refused);
    }

    /// <returns>How many polls it made.</returns>
    private async Task<int> PollAsync(ConcurrentDictionary<Guid, Waiter> waiting, Task lanes, CancellationToken ct)
    {
        var polls = 0;
        try
        {
            while (!lanes.IsCompleted)
            {
                if (!waiting.IsEmpty)
                {
                    polls++;
                    var counts = await CountsAsync(ct);
                    foreach (var (venue, waiter) in waiting)
                    {
                        var elapsed = Stopwatch.GetElapsedTime(waiter.RecordedAt);
                        var seen = counts.GetValueOrDefault(venue) >= waiter.Count;
                        if ((seen || elapsed > Patience) && waiting.TryRemove(KeyValuePair.Create(venue, waiter)))
                            waiter.Lag.SetResult(seen ? elapsed.TotalMilliseconds : null);
                    }
                }
                await Task.Delay(PollInterval, ct);
            }
            return polls;
        }
        finally
        {
            // Should polling fail, no lane is left waiting for it.
            foreach (var waiter in waiting.Values) waiter.Lag.TrySetCanceled(CancellationToken.None);
        }
    }

    /// <summary>The probe venues' uses as statistics count them.</summary>
    private async Task<Dictionary<Guid, int>> CountsAsync(CancellationToken ct)
    {
        var answer = await admin.GetFromJsonAsync<JsonElement>($"/api/statistics/uses?groupBy=venue&area={data.ProbeArea}", ct);
        return answer.GetProperty("rows").EnumerateArray().ToDictionary(row => Guid.Parse(row.GetProperty("key").GetString()!), row => row.GetProperty("uses").GetInt32());
    }
}
