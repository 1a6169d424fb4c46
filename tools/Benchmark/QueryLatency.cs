using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Kaikukortti.Benchmark;

/// <param name="Failures">Answers other than 200.</param>
public sealed record QuerySeries(string Caller, string Path, int Failures, double P50Ms, double P95Ms, double P99Ms);

/// <summary>
/// Latency of the statistics queries through the gateway on a quiet system, one request at a time: national and for the
/// area with the most uses, anonymously (public figures, small counts withheld) and as the national admin (exact).
/// </summary>
public static class QueryLatency
{
    public const int WarmUp = 20;
    public const int Requests = 300;

    public static readonly string[] Queries = ["/api/statistics/summary", "/api/statistics/annual", "/api/statistics/uses?groupBy=month"];

    /// <summary>The area with the most uses, as statistics count them.</summary>
    public static async Task<string> BusiestAreaAsync(HttpClient admin, CancellationToken ct)
    {
        var answer = await admin.GetFromJsonAsync<JsonElement>("/api/statistics/uses?groupBy=area", ct);
        return answer.GetProperty("rows").EnumerateArray().MaxBy(row => row.GetProperty("uses").GetInt32()).GetProperty("key").GetString()!;
    }

    public static async Task<IReadOnlyList<QuerySeries>> MeasureAsync(HttpClient anonymous, HttpClient admin, string area, CancellationToken ct)
    {
        List<QuerySeries> series = [];
        foreach (var (caller, http) in new[] { ("anonymous", anonymous), ("national admin", admin) })
        {
            foreach (var query in Queries)
            {
                foreach (var path in new[] { query, query + (query.Contains('?') ? '&' : '?') + $"area={area}" })
                {
                    series.Add(await MeasureAsync(caller, http, path, ct));
                }
            }
        }
        return series;
    }

    private static async Task<QuerySeries> MeasureAsync(string caller, HttpClient http, string path, CancellationToken ct)
    {
        List<double> latencies = [];
        var failures = 0;
        for (var i = 0; i < WarmUp + Requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, ct);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i < WarmUp) continue;
            latencies.Add(elapsed);
            if (!response.IsSuccessStatusCode) failures++;
        }
        return new QuerySeries(caller, path, failures, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95), Percentiles.Of(latencies, 99));
    }
}
