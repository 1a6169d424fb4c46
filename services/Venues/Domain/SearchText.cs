using System.Globalization;
using System.Text;

namespace Kaikukortti.Venues.Domain;

/// <summary>Text folded for searching: lowercase, without accents, so "seinajoki" finds "Seinäjoki" and "Åbo" finds "Abo".</summary>
public static class SearchText
{
    public static string Fold(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(c);
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
