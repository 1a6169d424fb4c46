namespace Kaikukortti.ServiceDefaults.Data;

/// <summary>
/// The system clock at PostgreSQL's resolution (microseconds), so a time a service answers with is the time it stored:
/// a later read, or an idempotent replay, gives back exactly the same value.
/// </summary>
public sealed class DatabaseClock(TimeProvider inner) : TimeProvider
{
    public override DateTimeOffset GetUtcNow()
    {
        var now = inner.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;
}
