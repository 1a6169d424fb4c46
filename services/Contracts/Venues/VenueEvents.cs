namespace Kaikukortti.Contracts.Venues;

public sealed record AreaRegistered
{
    public required string AreaCode { get; init; }
    public required LocalizedName Name { get; init; }
    public required IReadOnlyList<string> Municipalities { get; init; }
    public string? WelfareRegion { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
}

public sealed record VenueRegistered
{
    public required Guid VenueId { get; init; }
    public required string AreaCode { get; init; }
    public required LocalizedName Name { get; init; }
    public required string Category { get; init; }
    public required string Municipality { get; init; }
    public required bool AcceptsOtherAreas { get; init; }
    public required bool Active { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>The venue's state after a change (including deactivation and acceptance of other areas).</summary>
public sealed record VenueChanged
{
    public required Guid VenueId { get; init; }
    public required string AreaCode { get; init; }
    public required LocalizedName Name { get; init; }
    public required string Category { get; init; }
    public required string Municipality { get; init; }
    public required bool AcceptsOtherAreas { get; init; }
    public required bool Active { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}

public sealed record Quota
{
    public required int Tickets { get; init; }
    /// <summary>event, day, week or month.</summary>
    public required string Per { get; init; }
}

public sealed record OfferingPublished
{
    public required Guid OfferingId { get; init; }
    public required Guid VenueId { get; init; }
    public required string Title { get; init; }
    /// <summary>admission, course or season-pass.</summary>
    public required string Kind { get; init; }
    public Quota? Quota { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
}

public sealed record OfferingChanged
{
    public required Guid OfferingId { get; init; }
    public required Guid VenueId { get; init; }
    public required string Title { get; init; }
    public required string Kind { get; init; }
    public Quota? Quota { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}
