using System.Diagnostics;
using System.Net;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>An HTTP service run as a child process; running once <c>GET /health</c> answers 200.</summary>
public sealed class ServiceProcess(ServiceProcessOptions options) : ProcessResource
{
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HealthProbeTimeout = TimeSpan.FromSeconds(2);

    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false });

    private ChildProcess? _process;

    public override string Name => options.Name;

    public override string Url => options.Url;

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    private protected override LogSink Log => options.Log;

    private protected override bool AnyProcessExited => _process?.HasExited ?? false;

    private protected override async Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string?>(options.Environment) { ["ASPNETCORE_URLS"] = options.Url };
        _process = await ChildProcess.StartAsync(
            new ProcessSpec(Name, options.FileName, options.Arguments)
            {
                Environment = environment,
                WorkingDirectory = options.WorkingDirectory,
                PidFile = options.PidFile,
            },
            Log);
        await WaitUntilHealthyAsync(_process, cancellationToken);
    }

    /// <summary>
    /// Ends the service at once with SIGKILL, as a crash or a power cut would: no graceful shutdown, requests and
    /// messages in flight are cut off. It is then Stopped and can be started again.
    /// </summary>
    public Task KillAsync() => EndAsync(() => EndProcessAsync(Posix.SigKill));

    private protected override Task StopProcessesAsync() => EndProcessAsync(Posix.SigTerm);

    private async Task EndProcessAsync(int signal)
    {
        if (_process is null)
        {
            return;
        }

        await _process.StopAsync(signal, StopGracePeriod);
        _process.Dispose();
        _process = null;
    }

    private async Task WaitUntilHealthyAsync(ChildProcess process, CancellationToken cancellationToken)
    {
        var health = $"{options.Url.TrimEnd('/')}/health";
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new ResourceStartException(
                    Name, $"exited with code {await process.Exit} before {health} answered 200", process.RecentOutput);
            }

            if (clock.Elapsed > options.StartTimeout)
            {
                throw new ResourceStartException(
                    Name, $"{health} did not answer 200 within {options.StartTimeout.TotalSeconds:0} s", process.RecentOutput);
            }

            if (await AnswersOkAsync(health, cancellationToken))
            {
                return;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static async Task<bool> AnswersOkAsync(string url, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(HealthProbeTimeout);
        try
        {
            using var response = await Http.GetAsync(url, attempt.Token);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
