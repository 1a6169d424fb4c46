namespace Kaikukortti.Contracts;

/// <summary>A name shown to people, in Finnish (required), Swedish and English.</summary>
public sealed record LocalizedName
{
    public required string Fi { get; init; }
    public string? Sv { get; init; }
    public string? En { get; init; }
}
