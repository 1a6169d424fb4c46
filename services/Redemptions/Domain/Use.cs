using System.Globalization;
using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Redemptions.Domain;

/// <summary>A use to record, as the venue reports it, once its card number has been read.</summary>
public sealed record UseRequest(string CardNumber, Guid VenueId, Guid? OfferingId, int Adults, int Children, int Assistants, DateTimeOffset? OccurredAt);

/// <summary>A recorded use: one visit, counting 1 use per adult and child (assistants get in free and are not uses).</summary>
public sealed record Use(
    Guid Id, string ClientId, CardReplica Card, VenueReplica Venue, OfferingReplica? Offering, string? QuotaPeriod, int Adults, int Children, int Assistants,
    DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, DateTimeOffset? CancelledAt)
{
    /// <summary>Tickets the use takes from a quota: adults and children, never assistants.</summary>
    public int Tickets => Adults + Children;
}

/// <summary>
/// The rules of DESIGN §1 for admitting a card at a venue. Refusals are stable codes a ticket desk can act on; they are
/// checked in the order a person at the desk would want to hear them.
/// </summary>
public static class UseRules
{
    public const int MaxCount = 100;
    /// <summary>Paper records may be keyed in this long afterwards.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(14);
    /// <summary>How far ahead of our clock a venue's clock may run.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    public const int CancelWindowHours = 24;

    /// <summary>Input errors (400): counts that cannot describe a visit.</summary>
    public static DomainError? Malformed(UseRequest request)
    {
        if (request.Adults is < 0 or > MaxCount) return new DomainError("count-invalid", "adults", MaxCount);
        if (request.Children is < 0 or > MaxCount) return new DomainError("count-invalid", "children", MaxCount);
        if (request.Assistants is < 0 or > MaxCount) return new DomainError("count-invalid", "assistants", MaxCount);
        if (request.Adults + request.Children == 0) return new DomainError("nobody-admitted");
        return null;
    }

    /// <summary>Why the use cannot be recorded (a 422), or null when it can.</summary>
    /// <param name="imported">A use from the earlier register's history: any age, every other rule as for a use at the desk.</param>
    public static DomainError? Refusal(
        UseRequest request, DateTimeOffset occurredAt, DateTimeOffset now, CardReplica? card, VenueReplica venue, OfferingReplica? offering, bool imported = false)
    {
        if (occurredAt > now + ClockSkew) return new DomainError("occurred-in-future");
        if (!imported && occurredAt < now - MaxAge) return new DomainError("too-late", MaxAge.Days);
        if (!venue.Active) return new DomainError("venue-inactive", venue.Id);
        if (request.OfferingId is { } offeringId && (offering is null || offering.VenueId != venue.Id)) return new DomainError("offering-unknown", offeringId);
        var day = FinnishTime.DateOf(occurredAt);
        if (card is null || card.IssuedOn is not { } issuedOn || day < issuedOn) return new DomainError("card-unknown", request.CardNumber);
        if (card.ClosedAt is { } closedAt && closedAt <= occurredAt) return new DomainError("card-closed", card.Number);
        if (card.ValidUntil is not { } validUntil || day > validUntil) return new DomainError("card-expired", card.Number, card.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (card.AreaCode != venue.AreaCode && !venue.AcceptsOtherAreas) return new DomainError("other-area-not-accepted", card.AreaCode);
        if (card.Kind == "community")
        {
            if (request.Adults + request.Children > card.GroupSize) return new DomainError("group-too-large", card.GroupSize);
        }
        else
        {
            // A personal card admits its holder, who brings the children.
            if (request.Adults != 1) return new DomainError("adults-not-covered");
            if (request.Children > 0 && offering?.Kind == "course") return new DomainError("children-not-covered");
            if (request.Children > card.Children) return new DomainError("too-many-children", card.Children);
        }
        return null;
    }

    /// <summary>
    /// The quota period a use at <paramref name="occurredAt"/> counts in: the whole event, or the Finnish day, ISO week
    /// (from Monday) or month it falls in. Null when the offering has no quota.
    /// </summary>
    public static string? QuotaPeriod(OfferingReplica? offering, DateTimeOffset occurredAt)
    {
        if (offering?.QuotaPer is not { } per) return null;
        var day = FinnishTime.DateOf(occurredAt);
        return per switch
        {
            "event" => "event",
            "day" => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "week" => "week-" + day.AddDays(-(((int)day.DayOfWeek + 6) % 7)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "month" => day.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            _ => throw new InvalidOperationException($"Unknown quota period '{per}'."),
        };
    }

    /// <summary>A venue may take back a use it recorded for a day after recording it.</summary>
    public static DomainError? CancelRefusal(Use use, DateTimeOffset now) =>
        now - use.RecordedAt > TimeSpan.FromHours(CancelWindowHours) ? new DomainError("cancel-window-passed", CancelWindowHours) : null;
}
