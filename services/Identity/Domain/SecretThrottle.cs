using System.Collections.Concurrent;

namespace Kaikukortti.Identity.Domain;

/// <summary>
/// Slows down guessing of client secrets: after <see cref="FreeAttempts"/> wrong secrets in a row for one client id,
/// that id is locked for 30 s, doubling with every further failure up to 15 minutes. A right secret resets it.
/// Kept in memory: one Identity instance, and a restart only gives an attacker the free attempts back.
/// </summary>
public sealed class SecretThrottle(TimeProvider clock)
{
    public const int FreeAttempts = 5;
    private static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> failures = new(StringComparer.Ordinal);

    /// <returns>How long the caller must wait before trying this client id again, or null if it may try now.</returns>
    public TimeSpan? RetryAfter(string clientId)
    {
        if (!failures.TryGetValue(clientId, out var state)) return null;
        var wait = state.LockedUntil - clock.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string clientId)
    {
        var now = clock.GetUtcNow();
        failures.AddOrUpdate(clientId,
            _ => new Failures(1, DateTimeOffset.MinValue, now),
            (_, state) =>
            {
                var count = now - state.LastFailure > Forget ? 1 : state.Count + 1;
                var lockedUntil = count < FreeAttempts
                    ? DateTimeOffset.MinValue
                    : now + TimeSpan.FromTicks(Math.Min(FirstLockout.Ticks << Math.Min(count - FreeAttempts, 10), MaxLockout.Ticks));
                return new Failures(count, lockedUntil, now);
            });
        if (failures.Count > PruneAbove)
            foreach (var (key, state) in failures)
                if (now - state.LastFailure > Forget) failures.TryRemove(key, out _);
    }

    public void Succeeded(string clientId) => failures.TryRemove(clientId, out _);

    private sealed record Failures(int Count, DateTimeOffset LockedUntil, DateTimeOffset LastFailure);
}
