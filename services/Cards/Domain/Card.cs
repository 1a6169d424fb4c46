using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Cards.Domain;

public static class CloseReasons
{
    public static readonly IReadOnlyList<string> All = ["lost", "stolen", "damaged", "holder-request", "not-eligible", "other"];

    /// <summary>Why a card may be replaced by a new number: the holder no longer has a usable card.</summary>
    public static readonly IReadOnlyList<string> Replacement = ["lost", "damaged", "stolen"];
}

/// <summary>The other end of a replacement.</summary>
public sealed record CardLink(Guid Id, string Number);

/// <summary>Whether a card admits its holder today, and if not, why: what a ticket desk needs to know.</summary>
public sealed record CardValidity(bool Valid, string? Reason);

/// <summary>
/// A Kaiku card. It is valid from its issue date through <see cref="ValidUntil"/>, one year later; the issuing
/// distributor (or its coordinator) renews it for a year from the renewal date, closes it, or replaces it with a new
/// number. A closed card stays closed and its number is never given out again.
/// </summary>
public sealed record Card(
    Guid Id, string Number, Guid DistributorId, string AreaCode, CardHolder Holder, DateOnly IssuedOn, DateOnly ValidUntil,
    DateTimeOffset? ClosedAt, string? CloseReason, CardLink? Replaces, CardLink? ReplacedBy, DateTimeOffset IssuedAt, DateTimeOffset ChangedAt)
{
    /// <summary>How many years back a card carried over from the earlier register may be dated.</summary>
    public const int MaxCarriedOverYears = 20;

    /// <param name="issuedOn">The day the earlier register issued a carried-over card; today for a new one.</param>
    public static Card Issue(Guid id, string number, Distributor distributor, CardHolder holder, DateTimeOffset now, DateOnly? issuedOn = null)
    {
        var day = issuedOn ?? FinnishTime.DateOf(now);
        return new Card(id, number, distributor.Id, distributor.AreaCode, holder, day, day.AddYears(1), null, null, null, null, now, now);
    }

    /// <summary>Why a carried-over card cannot be dated <paramref name="issuedOn"/>: it is not after today, nor older than the earlier register.</summary>
    public static DomainError? IssueDateError(DateOnly issuedOn, DateOnly today) =>
        issuedOn > today || issuedOn < today.AddYears(-MaxCarriedOverYears) ? new DomainError("issued-on-invalid", MaxCarriedOverYears) : null;

    public bool Closed => ClosedAt is not null;

    public CardValidity ValidityOn(DateOnly date) =>
        Closed ? new(false, "closed") : date > ValidUntil ? new(false, "expired") : new(true, null);

    public Result<Card> Renew(DateTimeOffset now) =>
        Closed ? new DomainError("card-closed", Number) : this with { ValidUntil = FinnishTime.DateOf(now).AddYears(1), ChangedAt = now };

    public Result<Card> Close(string? reason, DateTimeOffset now)
    {
        if (reason is null || !CloseReasons.All.Contains(reason)) return new DomainError("close-reason-invalid", reason);
        if (Closed) return new DomainError("card-closed", Number);
        return this with { ClosedAt = now, CloseReason = reason, ChangedAt = now };
    }

    /// <summary>
    /// Closes this card and issues its successor: a new number for the same holder answers, distributor and validity
    /// (renewing is a separate act). The two point at each other.
    /// </summary>
    /// <remarks>The replacement's number may still change if it turns out to be taken: link the closed card with <see cref="ReplacedWith"/> once it is stored.</remarks>
    public Result<(Card Closed, Card Replacement)> Replace(string? reason, Guid replacementId, string replacementNumber, DateTimeOffset now)
    {
        if (reason is null || !CloseReasons.Replacement.Contains(reason)) return new DomainError("replace-reason-invalid", reason);
        var closed = Close(reason, now);
        if (closed.Error is { } error) return error;
        var replacement = this with
        {
            Id = replacementId, Number = replacementNumber, IssuedOn = FinnishTime.DateOf(now), Replaces = new CardLink(Id, Number), ReplacedBy = null,
            ClosedAt = null, CloseReason = null, IssuedAt = now, ChangedAt = now,
        };
        return (closed.Value!, replacement);
    }

    public Card ReplacedWith(Card replacement) => this with { ReplacedBy = new CardLink(replacement.Id, replacement.Number) };
}
