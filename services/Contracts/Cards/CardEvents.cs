namespace Kaikukortti.Contracts.Cards;

// Card events carry numbers and codes only: never a birth year, postal code or anything else personal.

public sealed record DistributorRegistered
{
    public required Guid DistributorId { get; init; }
    public required string AreaCode { get; init; }
    public required string Name { get; init; }
    public required string UnitType { get; init; }
    public required bool Active { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>A distributor was deactivated or activated again: an inactive one issues and renews no cards.</summary>
public sealed record DistributorChanged
{
    public required Guid DistributorId { get; init; }
    public required string AreaCode { get; init; }
    public required string Name { get; init; }
    public required string UnitType { get; init; }
    public required bool Active { get; init; }
    public required DateTimeOffset ChangedAt { get; init; }
}

public sealed record CardIssued
{
    public required Guid CardId { get; init; }
    public required string CardNumber { get; init; }
    /// <summary>personal or community.</summary>
    public required string Kind { get; init; }
    public required string AreaCode { get; init; }
    public required Guid DistributorId { get; init; }
    public required DateOnly IssuedOn { get; init; }
    public required DateOnly ValidUntil { get; init; }
    public int Children { get; init; }
    public int? GroupSize { get; init; }
    /// <summary>16-17, 18-29, 30-64 or 65+; null for a community card.</summary>
    public string? AgeBand { get; init; }
    /// <summary>The card this one replaces, when it is a replacement.</summary>
    public Guid? ReplacesCardId { get; init; }
}

public sealed record CardRenewed
{
    public required Guid CardId { get; init; }
    public required string CardNumber { get; init; }
    public required string Kind { get; init; }
    public required string AreaCode { get; init; }
    public required Guid DistributorId { get; init; }
    public required DateOnly RenewedOn { get; init; }
    public required DateOnly ValidUntil { get; init; }
    public int Children { get; init; }
    public int? GroupSize { get; init; }
    public string? AgeBand { get; init; }
}

public sealed record CardClosed
{
    public required Guid CardId { get; init; }
    public required string CardNumber { get; init; }
    public required string Kind { get; init; }
    public required string AreaCode { get; init; }
    public required Guid DistributorId { get; init; }
    /// <summary>lost, stolen, damaged, holder-request, not-eligible or other.</summary>
    public required string Reason { get; init; }
    public required DateTimeOffset ClosedAt { get; init; }
    /// <summary>The new card, when the card was closed because it was replaced.</summary>
    public Guid? ReplacedByCardId { get; init; }
    public string? ReplacedByCardNumber { get; init; }
}
