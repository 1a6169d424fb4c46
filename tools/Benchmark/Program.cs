using System.Globalization;
using System.Runtime.InteropServices;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.Benchmark;

// Usage: dotnet run -c Release --project tools/Benchmark -- [--data-dir DIR] [--duration 20s] [--concurrency 16,64] [--report FILE]
// Starts its own system (on DIR, default a temporary directory), measures, and prints a Markdown report; progress goes to stderr.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n{BenchmarkOptions.Usage}");
    return 2;
}

using var cancel = new CancellationTokenSource();
// The first Ctrl+C or SIGTERM stops the load and then the whole system in order; wrk and pgbench get SIGINT.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
try
{
    var report = Report.Render(await BenchmarkRun.RunAsync(options, Console.Error, cancel.Token));
    Console.Write(report);
    if (options.ReportFile is { } file) await File.WriteAllTextAsync(file, report);
    return 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
catch (PrerequisiteMissingException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (ResourceStartException e)
{
    Console.Error.WriteLine($"could not start {e.Message}");
    return 1;
}

void Cancel(PosixSignalContext context)
{
    if (cancel.IsCancellationRequested) return;
    context.Cancel = true;
    cancel.Cancel();
}
