namespace Kaikukortti.AppHost.Hosting;

/// <summary>Writes <c>[source] line</c> to standard output, each source in its own colour on a terminal, alerts in red.</summary>
public sealed class ConsoleLogSink : LogSink
{
    private const string Reset = "\e[0m";
    private const string Red = "\e[1;31m";

    // Red is left out: it is reserved for alerts.
    private static readonly string[] Palette =
        ["\e[36m", "\e[32m", "\e[33m", "\e[35m", "\e[34m", "\e[96m", "\e[92m", "\e[93m", "\e[95m", "\e[94m"];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _colours = [];
    private readonly bool _useColour =
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public override void Write(string source, string line) =>
        WriteLine(_useColour ? $"{ColourOf(source)}[{source}]{Reset} {line}" : $"[{source}] {line}");

    public override void Alert(string source, string line) =>
        WriteLine(_useColour ? $"{Red}!! {line}{Reset}" : $"!! {line}");

    private string ColourOf(string source)
    {
        lock (_lock)
        {
            if (!_colours.TryGetValue(source, out var colour))
            {
                colour = Palette[_colours.Count % Palette.Length];
                _colours[source] = colour;
            }

            return colour;
        }
    }

    private void WriteLine(string text)
    {
        lock (_lock)
        {
            try
            {
                Console.Out.WriteLine(text);
            }
            catch (IOException)
            {
                // The terminal went away (e.g. it was closed); shutting down must go on without it.
            }
        }
    }
}
