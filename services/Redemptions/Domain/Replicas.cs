namespace Kaikukortti.Redemptions.Domain;

/// <summary>What Redemptions knows of a card, from the Cards service's events: enough to admit or refuse it.</summary>
public sealed record CardReplica(
    Guid Id, string Number, string Kind, string AreaCode, Guid DistributorId, DateOnly? IssuedOn, DateOnly? ValidUntil, int Children, int? GroupSize,
    DateTimeOffset? ClosedAt);

public sealed record VenueReplica(Guid Id, string AreaCode, string Category, bool AcceptsOtherAreas, bool Active);

public sealed record OfferingReplica(Guid Id, Guid VenueId, string Kind, int? QuotaTickets, string? QuotaPer);
