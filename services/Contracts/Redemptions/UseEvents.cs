namespace Kaikukortti.Contracts.Redemptions;

public sealed record UseRecorded
{
    public required Guid UseId { get; init; }
    public required Guid CardId { get; init; }
    public required string CardKind { get; init; }
    public required string CardHomeArea { get; init; }
    public required Guid DistributorId { get; init; }
    public required Guid VenueId { get; init; }
    public required string VenueArea { get; init; }
    public required string Category { get; init; }
    public string? OfferingKind { get; init; }
    public Guid? OfferingId { get; init; }
    public required int Adults { get; init; }
    public required int Children { get; init; }
    public required int Assistants { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

public sealed record UseCancelled
{
    public required Guid UseId { get; init; }
    public required Guid CardId { get; init; }
    public required string CardKind { get; init; }
    public required string CardHomeArea { get; init; }
    public required Guid DistributorId { get; init; }
    public required Guid VenueId { get; init; }
    public required string VenueArea { get; init; }
    public required string Category { get; init; }
    public string? OfferingKind { get; init; }
    public Guid? OfferingId { get; init; }
    public required int Adults { get; init; }
    public required int Children { get; init; }
    public required int Assistants { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset CancelledAt { get; init; }
}
