using System.Text.RegularExpressions;
using Kaikukortti.ServiceDefaults;

namespace Kaikukortti.Cards.Domain;

public static class CardKinds
{
    public const string Personal = "personal";
    public const string Community = "community";
}

/// <summary>The fixed answers of the voluntary questions (DESIGN §1).</summary>
public static class HolderOptions
{
    public static readonly IReadOnlyList<string> Genders = ["female", "male", "other"];
    public static readonly IReadOnlyList<string> AgeGroups = ["16-17", "18-29", "30-64", "65+"];
    public static readonly IReadOnlyList<string> LifeSituations =
        ["employed", "unemployed", "student", "retired", "disability-pension", "rehabilitation", "family-leave", "other"];
}

/// <summary>What a card holder tells the distributor, before it is checked.</summary>
public sealed record HolderAnswers(
    string? Kind, int? BirthYear, string? PostalCode, int? Children, int? GroupSize, string? Gender, string? AgeGroup, string? LifeSituation);

/// <summary>
/// Everything the register holds about whom a card is for — DESIGN §1's list and nothing more. A personal card: birth
/// year, postal code, own minor children, and three voluntary answers. A community card: only its group size.
/// </summary>
public sealed partial record CardHolder(
    string Kind, int? BirthYear, string? PostalCode, int Children, int? GroupSize, string? Gender, string? AgeGroup, string? LifeSituation)
{
    public const int MinimumAge = 16;
    public const int MaximumAge = 120;
    public const int MaxChildren = 20;
    public const int MaxGroupSize = 30;

    /// <param name="year">The current year in Finland: the holder's age is the age they reach this year.</param>
    public static Result<CardHolder> Describe(HolderAnswers answers, int year) => answers.Kind switch
    {
        CardKinds.Personal => Personal(answers, year),
        CardKinds.Community => Community(answers),
        _ => new DomainError("card-kind-invalid", answers.Kind),
    };

    /// <summary>16–17, 18–29, 30–64 or 65+ in <paramref name="year"/>: what events and statistics may know of the holder's age.</summary>
    public string? AgeBandIn(int year) => BirthYear is { } born ? AgeBand(year - born) : null;

    private static string AgeBand(int age) => age switch { < 18 => "16-17", < 30 => "18-29", < 65 => "30-64", _ => "65+" };

    private static Result<CardHolder> Personal(HolderAnswers answers, int year)
    {
        if (answers.GroupSize is not null) return new DomainError("card-field-not-allowed", "groupSize", CardKinds.Personal);
        if (answers.BirthYear is not { } born) return new DomainError("card-field-required", "birthYear");
        // Values the holder gave are never echoed into a problem: a problem's text can end up in someone's log.
        if (born > year - MinimumAge) return new DomainError("holder-too-young", year - MinimumAge);
        if (born < year - MaximumAge) return new DomainError("birth-year-invalid", year - MaximumAge, year - MinimumAge);
        if (string.IsNullOrWhiteSpace(answers.PostalCode)) return new DomainError("card-field-required", "postalCode");
        var postalCode = answers.PostalCode.Trim();
        if (!PostalCodePattern().IsMatch(postalCode)) return new DomainError("postal-code-invalid");
        if (answers.Children is not { } children) return new DomainError("card-field-required", "children");
        if (children is < 0 or > MaxChildren) return new DomainError("children-invalid", MaxChildren);
        if (Option("gender", answers.Gender, HolderOptions.Genders) is { } genderError) return genderError;
        if (Option("ageGroup", answers.AgeGroup, HolderOptions.AgeGroups) is { } ageGroupError) return ageGroupError;
        if (Option("lifeSituation", answers.LifeSituation, HolderOptions.LifeSituations) is { } situationError) return situationError;
        // Without a birthday the age is the one reached this year or one less; the age group must fit either.
        if (answers.AgeGroup is { } group && group != AgeBand(year - born) && group != AgeBand(year - born - 1))
            return new DomainError("age-group-mismatch", group);
        return new CardHolder(CardKinds.Personal, born, postalCode, children, null, answers.Gender, answers.AgeGroup, answers.LifeSituation);
    }

    private static Result<CardHolder> Community(HolderAnswers answers)
    {
        (string Field, bool Given)[] personal =
        [
            ("birthYear", answers.BirthYear is not null), ("postalCode", answers.PostalCode is not null), ("children", answers.Children is not (null or 0)),
            ("gender", answers.Gender is not null), ("ageGroup", answers.AgeGroup is not null), ("lifeSituation", answers.LifeSituation is not null),
        ];
        if (personal.FirstOrDefault(f => f.Given).Field is { } field) return new DomainError("card-field-not-allowed", field, CardKinds.Community);
        if (answers.GroupSize is not { } groupSize) return new DomainError("card-field-required", "groupSize");
        if (groupSize is < 1 or > MaxGroupSize) return new DomainError("group-size-invalid", MaxGroupSize);
        return new CardHolder(CardKinds.Community, null, null, 0, groupSize, null, null, null);
    }

    private static DomainError? Option(string field, string? value, IReadOnlyList<string> allowed) =>
        value is null || allowed.Contains(value) ? null : new DomainError("card-option-invalid", field, string.Join(", ", allowed));

    [GeneratedRegex("^[0-9]{5}$")]
    private static partial Regex PostalCodePattern();
}
