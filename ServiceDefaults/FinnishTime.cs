namespace Kaikukortti.ServiceDefaults;

/// <summary>Local dates and periods are Europe/Helsinki (DESIGN §5), wherever the server runs.</summary>
public static class FinnishTime
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Helsinki");

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    public static DateOnly Today(this TimeProvider clock) => DateOf(clock.GetUtcNow());
}
