using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Venues.Domain;

public static class OfferingKinds
{
    public static readonly IReadOnlyList<string> All = ["admission", "course", "season-pass"];
}

/// <summary>A cap on free tickets: sold out is sold out.</summary>
public sealed record Quota(int Tickets, string Per)
{
    public static readonly IReadOnlyList<string> Periods = ["event", "day", "week", "month"];
}

public sealed record OfferingDetails(string Title, string Kind, Quota? Quota, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt)
{
    public const int MaxTitleLength = 200;

    public static Result<OfferingDetails> Describe(string? title, string? kind, int? quotaTickets, string? quotaPer, bool hasQuota, DateTimeOffset? startsAt, DateTimeOffset? endsAt)
    {
        title = title?.Trim();
        if (string.IsNullOrEmpty(title)) return new DomainError("offering-title-required");
        if (title.Length > MaxTitleLength) return new DomainError("name-too-long", MaxTitleLength);
        if (kind is null || !OfferingKinds.All.Contains(kind)) return new DomainError("offering-kind-invalid", kind);
        Quota? quota = null;
        if (hasQuota)
        {
            if (quotaTickets is not > 0) return new DomainError("quota-tickets-invalid", quotaTickets);
            if (quotaPer is null || !Quota.Periods.Contains(quotaPer)) return new DomainError("quota-period-invalid", quotaPer);
            quota = new Quota(quotaTickets.Value, quotaPer);
        }
        if (startsAt is not null && endsAt is not null && endsAt < startsAt) return new DomainError("offering-ends-before-start");
        // Kept as the same instant in UTC: that is what is stored and compared.
        return new OfferingDetails(title, kind, quota, startsAt?.ToUniversalTime(), endsAt?.ToUniversalTime());
    }
}

/// <summary>Something a venue offers card holders: admission, a course or a season pass.</summary>
public sealed record Offering(Guid Id, Guid VenueId, OfferingDetails Details, DateTimeOffset PublishedAt, DateTimeOffset ChangedAt)
{
    public static Offering Publish(Guid id, Guid venueId, OfferingDetails details, DateTimeOffset now) => new(id, venueId, details, now, now);

    /// <returns>The changed offering, or null when nothing would change.</returns>
    public Offering? Change(OfferingDetails details, DateTimeOffset now) => details == Details ? null : this with { Details = details, ChangedAt = now };
}
