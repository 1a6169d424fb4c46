using System.Globalization;
using Kaikukortti.Contracts;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Redemptions;
using Kaikukortti.Contracts.Venues;

namespace Kaikukortti.Statistics.Tests;

/// <summary>Events as the Cards, Venues and Redemptions services announce them.</summary>
public static class Events
{
    public static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    public static DateOnly Date(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A code no other test uses: lowercase letters, digits and hyphens, as the Venues service requires.</summary>
    public static string NewAreaCode() => $"t-{Guid.NewGuid():N}"[..14];

    public static string NewCardNumber()
    {
        var payload = string.Concat(Enumerable.Range(0, 11).Select(i => i == 0 ? (char)('1' + Random.Shared.Next(9)) : (char)('0' + Random.Shared.Next(10))));
        return payload + CardNumber.CheckDigit(payload);
    }

    public static AreaRegistered Area(string code, params string[] municipalities) => new()
    {
        AreaCode = code, Name = new LocalizedName { Fi = $"Alue {code}" }, Municipalities = municipalities, RegisteredAt = DateTimeOffset.UtcNow,
    };

    /// <summary>A personal card issued on <paramref name="issuedOn"/>, valid a year unless told otherwise.</summary>
    public static CardIssued Card(string area, string issuedOn, string? validUntil = null, CardIssued? replaces = null)
    {
        var issued = Date(issuedOn);
        return new()
        {
            CardId = Guid.NewGuid(), CardNumber = NewCardNumber(), Kind = "personal", AreaCode = area, DistributorId = replaces?.DistributorId ?? Guid.NewGuid(),
            IssuedOn = issued, ValidUntil = validUntil is null ? issued.AddYears(1) : Date(validUntil), Children = 2, AgeBand = "30-64",
            ReplacesCardId = replaces?.CardId,
        };
    }

    public static CardIssued[] Cards(int count, string area, string issuedOn, string? validUntil = null) =>
        [.. Enumerable.Range(0, count).Select(_ => Card(area, issuedOn, validUntil))];

    public static CardRenewed Renewed(CardIssued card, string renewedOn, string? validUntil = null) => new()
    {
        CardId = card.CardId, CardNumber = card.CardNumber, Kind = card.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId,
        RenewedOn = Date(renewedOn), ValidUntil = validUntil is null ? Date(renewedOn).AddYears(1) : Date(validUntil), Children = card.Children, AgeBand = card.AgeBand,
    };

    public static CardClosed Closed(CardIssued card, string reason = "holder-request", CardIssued? replacedBy = null) => new()
    {
        CardId = card.CardId, CardNumber = card.CardNumber, Kind = card.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId, Reason = reason,
        ClosedAt = DateTimeOffset.UtcNow, ReplacedByCardId = replacedBy?.CardId, ReplacedByCardNumber = replacedBy?.CardNumber,
    };

    public static DistributorRegistered Distributor(string area, bool active = true, DateTimeOffset? registeredAt = null) => new()
    {
        DistributorId = Guid.NewGuid(), AreaCode = area, Name = "Aikuissosiaalityö", UnitType = "adult-social-work", Active = active,
        RegisteredAt = registeredAt ?? At("2026-01-01T08:00:00Z"),
    };

    public static DistributorChanged Changed(DistributorRegistered distributor, bool active, DateTimeOffset changedAt) => new()
    {
        DistributorId = distributor.DistributorId, AreaCode = distributor.AreaCode, Name = distributor.Name, UnitType = distributor.UnitType, Active = active,
        ChangedAt = changedAt,
    };

    public static VenueRegistered Venue(string area, string category = "culture", LocalizedName? name = null, bool active = true, DateTimeOffset? registeredAt = null) => new()
    {
        VenueId = Guid.NewGuid(), AreaCode = area, Name = name ?? new LocalizedName { Fi = "Teatteri" }, Category = category, Municipality = $"Kunta {area}",
        AcceptsOtherAreas = true, Active = active, RegisteredAt = registeredAt ?? At("2026-01-01T08:00:00Z"),
    };

    public static VenueChanged Changed(VenueRegistered venue, bool active, DateTimeOffset changedAt) => new()
    {
        VenueId = venue.VenueId, AreaCode = venue.AreaCode, Name = venue.Name, Category = venue.Category, Municipality = venue.Municipality,
        AcceptsOtherAreas = venue.AcceptsOtherAreas, Active = active, ChangedAt = changedAt,
    };

    /// <summary>A use of a card from <paramref name="homeArea"/> at a venue of <paramref name="venueArea"/>.</summary>
    public static UseRecorded Use(
        string homeArea, string venueArea, string occurredAt, int adults = 1, int children = 0, int assistants = 0, string category = "culture",
        Guid? cardId = null, Guid? venueId = null) => new()
        {
            UseId = Guid.NewGuid(), CardId = cardId ?? Guid.NewGuid(), CardKind = "personal", CardHomeArea = homeArea, DistributorId = Guid.NewGuid(),
            VenueId = venueId ?? Guid.NewGuid(), VenueArea = venueArea, Category = category, OfferingKind = "admission", OfferingId = Guid.NewGuid(),
            Adults = adults, Children = children, Assistants = assistants, OccurredAt = At(occurredAt),
        };

    /// <summary>A use of <paramref name="card"/> at <paramref name="venue"/>.</summary>
    public static UseRecorded Use(CardIssued card, VenueRegistered venue, string occurredAt, int adults = 1, int children = 0, int assistants = 0) =>
        Use(card.AreaCode, venue.AreaCode, occurredAt, adults, children, assistants, venue.Category, card.CardId, venue.VenueId);

    public static UseCancelled Cancelled(UseRecorded use) => new()
    {
        UseId = use.UseId, CardId = use.CardId, CardKind = use.CardKind, CardHomeArea = use.CardHomeArea, DistributorId = use.DistributorId,
        VenueId = use.VenueId, VenueArea = use.VenueArea, Category = use.Category, OfferingKind = use.OfferingKind, OfferingId = use.OfferingId,
        Adults = use.Adults, Children = use.Children, Assistants = use.Assistants, OccurredAt = use.OccurredAt, CancelledAt = use.OccurredAt.AddHours(1),
    };
}
