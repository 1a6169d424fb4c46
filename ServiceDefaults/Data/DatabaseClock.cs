namespace Kaikukortti.ServiceDefaults.Data;

/// <summary>
/// The system clock at PostgreSQL's resolution (microseconds), so a time a service answers with is the time it stored:
/// a later read, or an idempotent replay, gives back exactly the same value. Times clients send go through <see cref="Stored"/>.
/// </summary>
public sealed class DatabaseClock(TimeProvider inner) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => Stored(inner.GetUtcNow());

    /// <summary><paramref name="time"/> as PostgreSQL keeps it: in UTC, to the microsecond.</summary>
    public static DateTimeOffset Stored(DateTimeOffset time) => time.ToUniversalTime().AddTicks(-(time.Ticks % 10));

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;
}
