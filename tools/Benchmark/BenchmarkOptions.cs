using System.Globalization;

namespace Kaikukortti.Benchmark;

/// <summary>The command line: <c>[--data-dir DIR] [--duration 20s] [--concurrency 16,64] [--report FILE]</c>.</summary>
public sealed record BenchmarkOptions
{
    public const string Usage = "Usage: dotnet run -c Release --project tools/Benchmark -- [--data-dir DIR] [--duration 20s] [--concurrency 16,64] [--report FILE]";

    /// <summary>pgbench opens this many server connections next to the services' pools; PostgreSQL allows 300 in all.</summary>
    public const int MaxConcurrency = 200;

    /// <summary>Null: a fresh temporary directory, deleted afterwards.</summary>
    public string? DataDirectory { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public IReadOnlyList<int> Concurrency { get; init; } = [16, 64];

    public string? ReportFile { get; init; }

    /// <summary>The command line as given, for the report.</summary>
    public string CommandLine { get; init; } = "";

    /// <exception cref="ArgumentException">With a message for the user.</exception>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions { CommandLine = string.Join(' ', args) };
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--data-dir" => options with { DataDirectory = Path.GetFullPath(value) },
                "--duration" => options with { Duration = ParseDuration(value) },
                "--concurrency" => options with { Concurrency = ParseLevels(value) },
                "--report" => options with { ReportFile = Path.GetFullPath(value) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
            i++;
        }
        return options;
    }

    /// <summary>Seconds as wrk and pgbench take them: <c>20s</c>, <c>2m</c> or plain seconds.</summary>
    private static TimeSpan ParseDuration(string text)
    {
        var (number, unit) = text.EndsWith('m') ? (text[..^1], 60) : (text.TrimEnd('s'), 1);
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? TimeSpan.FromSeconds(n * unit)
            : throw new ArgumentException($"--duration must be like 20s or 2m, not '{text}'.");
    }

    private static int[] ParseLevels(string text)
    {
        var levels = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return levels.Length > 0 && levels.All(l => int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= MaxConcurrency)
            ? [.. levels.Select(l => int.Parse(l, CultureInfo.InvariantCulture))]
            : throw new ArgumentException($"--concurrency must be a list of connection counts from 1 to {MaxConcurrency} like 16,64, not '{text}'.");
    }
}
