using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kaikukortti.Statistics.Api;

/// <summary>
/// Figures as CSV for spreadsheets (RFC 4180): UTF-8 with a byte order mark so Excel reads ä and ö right, a header
/// row, CRLF line ends; a withheld figure is an empty cell.
/// </summary>
public static class Csv
{
    public static bool IsWanted(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase));

    public static ContentHttpResult Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var text = new StringBuilder("\uFEFF");
        Line(text, header);
        foreach (var row in rows) Line(text, row);
        return TypedResults.Text(text.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    }

    private static void Line(StringBuilder text, IEnumerable<object?> cells)
    {
        text.AppendJoin(',', cells.Select(Cell));
        text.Append("\r\n");
    }

    private static string Cell(object? value)
    {
        var cell = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
        // A text starting like a formula (a venue's name, say) is kept as text, never run by the spreadsheet.
        if (value is string && cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@') cell = "'" + cell;
        return cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{cell.Replace("\"", "\"\"")}\"" : cell;
    }
}
