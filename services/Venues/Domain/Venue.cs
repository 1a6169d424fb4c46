using System.Net.Mail;
using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Venues.Domain;

/// <summary>Where the card turns into a ticket or a course place.</summary>
public static class Categories
{
    public static readonly IReadOnlyList<string> All = ["culture", "education", "science", "sport"];
}

/// <summary>What a coordinator can say about a venue; everything but its area, which never changes.</summary>
public sealed record VenueDetails(LocalizedName Name, string Category, string Municipality, string? Address, string? Accessibility, bool AcceptsOtherAreas, string? ContactEmail)
{
    public const int MaxAddressLength = 200;
    public const int MaxAccessibilityLength = 2000;
    /// <summary>The longest address SMTP can carry (RFC 5321 §4.5.3.1.3).</summary>
    public const int MaxContactEmailLength = 254;

    public static Result<VenueDetails> Describe(
        LocalizedName name, string? category, string? municipality, string? address, string? accessibility, bool? acceptsOtherAreas, string? contactEmail,
        IReadOnlyList<string> areaMunicipalities)
    {
        if (category is null || !Categories.All.Contains(category)) return new DomainError("venue-category-invalid", category);
        // The area's own spelling is kept, so every venue of a municipality is listed under the same name.
        var known = areaMunicipalities.FirstOrDefault(m => SearchText.Fold(m) == SearchText.Fold(municipality));
        if (known is null) return new DomainError("venue-municipality-not-in-area", municipality);
        address = Optional(address);
        if (address?.Length > MaxAddressLength) return new DomainError("text-too-long", "address", MaxAddressLength);
        accessibility = Optional(accessibility);
        if (accessibility?.Length > MaxAccessibilityLength) return new DomainError("text-too-long", "accessibility", MaxAccessibilityLength);
        contactEmail = Optional(contactEmail);
        if (contactEmail?.Length > MaxContactEmailLength) return new DomainError("text-too-long", "contactEmail", MaxContactEmailLength);
        if (contactEmail is not null && (!MailAddress.TryCreate(contactEmail, out var parsed) || parsed.Address != contactEmail))
            return new DomainError("contact-email-invalid", contactEmail);
        return new VenueDetails(name, category, known, address, accessibility, acceptsOtherAreas ?? true, contactEmail);
    }

    private static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed record Venue(Guid Id, string AreaCode, VenueDetails Details, bool Active, DateTimeOffset RegisteredAt, DateTimeOffset ChangedAt)
{
    public static Venue Register(Guid id, string areaCode, VenueDetails details, DateTimeOffset now) => new(id, areaCode, details, true, now, now);

    /// <returns>The changed venue, or null when nothing would change (and so nothing is published).</returns>
    public Venue? Change(VenueDetails details, DateTimeOffset now) => details == Details ? null : this with { Details = details, ChangedAt = now };

    /// <returns>The venue with its new state, or null when it already is in it.</returns>
    public Venue? SetActive(bool active, DateTimeOffset now) => active == Active ? null : this with { Active = active, ChangedAt = now };

    /// <summary>Names in every language and the municipality, folded for accent-insensitive search.</summary>
    public string SearchText => Domain.SearchText.Fold(string.Join(' ', new[] { Details.Name.Fi, Details.Name.Sv, Details.Name.En, Details.Municipality }.Where(t => t is not null)));
}
