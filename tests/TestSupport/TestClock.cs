namespace Kaikukortti.TestSupport;

/// <summary>A clock the test sets: for rules that depend on today's date (validity, renewals, age).</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
