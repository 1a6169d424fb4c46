using System.Net.Http.Json;
using System.Text.Json;

namespace Kaikukortti.Reconcile;

/// <summary>One figure as its owner counts it and as statistics count it.</summary>
public sealed record Figure(string Name, string Owner, int OwnerCount, int StatisticsCount)
{
    public bool Agrees => OwnerCount == StatisticsCount;
}

/// <summary>
/// Compares the statistics with the Cards and Redemptions services' own counts, through the gateway as a national
/// admin (who sees every statistic exactly). Once events have drained, every figure must agree.
/// </summary>
public static class Reconciliation
{
    public static async Task<IReadOnlyList<Figure>> CompareAsync(HttpClient admin, CancellationToken cancellationToken = default)
    {
        var cards = await GetAsync(admin, "/api/cards/totals", cancellationToken);
        var uses = await GetAsync(admin, "/api/redemptions/totals", cancellationToken);
        var statistics = await GetAsync(admin, "/api/statistics/summary", cancellationToken);
        int Count(JsonElement figures, string name) => figures.GetProperty(name).GetInt32();
        return
        [
            new("cardsIssued", "cards", Count(cards, "cardsIssued"), Count(statistics, "cardsIssued")),
            new("activeCards", "cards", Count(cards, "activeCards"), Count(statistics, "activeCards")),
            new("uses", "redemptions", Count(uses, "uses"), Count(statistics, "uses")),
            new("adultUses", "redemptions", Count(uses, "adultUses"), Count(statistics, "adultUses")),
            new("childUses", "redemptions", Count(uses, "childUses"), Count(statistics, "childUses")),
            new("cardsTakenIntoUse", "redemptions", Count(uses, "cardsTakenIntoUse"), Count(statistics, "cardsTakenIntoUse")),
        ];
    }

    /// <summary>Compares until every figure agrees or <paramref name="patience"/> runs out (events may still be on their way).</summary>
    public static async Task<IReadOnlyList<Figure>> CompareUntilAgreedAsync(HttpClient admin, TimeSpan patience, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + patience;
        while (true)
        {
            var figures = await CompareAsync(admin, cancellationToken);
            if (figures.All(f => f.Agrees) || DateTimeOffset.UtcNow >= deadline) return figures;
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient admin, string path, CancellationToken cancellationToken)
    {
        using var response = await admin.GetAsync(path, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }
}
