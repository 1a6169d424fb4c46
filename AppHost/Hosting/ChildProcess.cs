using System.Diagnostics;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>
/// A child process whose output goes, line by line, to the log sink, keeping the last lines for error messages.
/// An exit nobody asked for is reported as an alert.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    public const string SetsidPath = "/usr/bin/setsid";

    private const int RecentLineCapacityWhileRunning = 50;
    private static readonly TimeSpan OutputDrainTimeout = TimeSpan.FromSeconds(2);

    private readonly ProcessSpec _spec;
    private readonly LogSink _log;
    private readonly Process _process;
    private readonly Queue<string> _recentLines = new();
    private readonly TaskCompletionSource _readingStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _recentLineCapacity;
    private volatile bool _exitExpected;

    private ChildProcess(ProcessSpec spec, LogSink log, bool exitExpected, int recentLineCapacity)
    {
        _spec = spec;
        _log = log;
        _exitExpected = exitExpected;
        _recentLineCapacity = recentLineCapacity;
        _process = new Process { StartInfo = CreateStartInfo(spec), EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ = ObserveExitAsync();
    }

    public string Name => _spec.Name;

    public int Id { get; private set; }

    /// <summary>Completes with the exit code once the process has exited and its output has been read.</summary>
    public Task<int> Exit => _exit.Task;

    public bool HasExited => _exit.Task.IsCompleted;

    public IReadOnlyList<string> RecentOutput
    {
        get
        {
            lock (_recentLines)
            {
                return [.. _recentLines];
            }
        }
    }

    /// <summary>Starts a long-running process, first stopping one an earlier run left behind (see <see cref="ProcessSpec.PidFile"/>).</summary>
    public static async Task<ChildProcess> StartAsync(ProcessSpec spec, LogSink log)
    {
        if (spec.PidFile is { } pidFile)
        {
            await LeftoverProcess.StopAsync(pidFile, spec.CommandLineMarker, Posix.SigTerm, log, spec.Name);
        }

        var child = new ChildProcess(spec, log, exitExpected: false, RecentLineCapacityWhileRunning);
        child.Start();
        return child;
    }

    /// <summary>Runs a short-lived process to completion and returns its exit code and all its output.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunAsync(
        ProcessSpec spec, LogSink log, CancellationToken cancellationToken)
    {
        using var child = new ChildProcess(spec, log, exitExpected: true, int.MaxValue);
        child.Start();
        try
        {
            return (await child.Exit.WaitAsync(cancellationToken), child.RecentOutput);
        }
        catch (OperationCanceledException)
        {
            await child.StopAsync(Posix.SigTerm, TimeSpan.FromSeconds(5));
            throw;
        }
    }

    /// <summary>Sends <paramref name="signal"/>, and SIGKILL if the process has not exited after <paramref name="gracePeriod"/>.</summary>
    public async Task StopAsync(int signal, TimeSpan gracePeriod)
    {
        _exitExpected = true;
        if (!_process.HasExited)
        {
            Posix.Signal(Id, signal);
            if (await Task.WhenAny(_exit.Task, Task.Delay(gracePeriod)) != _exit.Task)
            {
                _log.Write(_spec.Name, $"did not stop within {gracePeriod.TotalSeconds:0} s; killing it");
                Posix.Signal(Id, Posix.SigKill);
            }
        }

        await _exit.Task;
    }

    public void Dispose() => _process.Dispose();

    // setsid gives the child its own session: Ctrl+C in the terminal then reaches only AppHost, which stops the
    // children in order, instead of every process at once. setsid execs, so the process id is the program's own.
    private static ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var startInfo = new ProcessStartInfo(SetsidPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory,
        };
        startInfo.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    private void Start()
    {
        _process.Start();
        Id = _process.Id;
        if (_spec.PidFile is { } pidFile)
        {
            File.WriteAllText(pidFile, $"{Id}\n");
        }

        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _readingStarted.SetResult();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recentLines)
        {
            if (_recentLines.Count == _recentLineCapacity)
            {
                _recentLines.Dequeue();
            }

            _recentLines.Enqueue(line);
        }

        _log.Write(_spec.Name, line);
    }

    private async Task ObserveExitAsync()
    {
        await _readingStarted.Task;
        using (var drain = new CancellationTokenSource(OutputDrainTimeout))
        {
            try
            {
                await _process.WaitForExitAsync(drain.Token);
            }
            catch (OperationCanceledException)
            {
                // A grandchild still holds the output pipes open; the process itself has exited.
            }
        }

        var exitCode = _process.ExitCode;
        DeletePidFile();
        if (!_exitExpected)
        {
            _log.Alert(_spec.Name, $"{_spec.Name} exited unexpectedly with code {exitCode}");
        }

        _exit.SetResult(exitCode);
    }

    private void DeletePidFile()
    {
        try
        {
            if (_spec.PidFile is { } pidFile)
            {
                File.Delete(pidFile);
            }
        }
        catch (IOException)
        {
            // Its directory is gone already (a throwaway directory deleted early): nothing left to clean.
        }
    }
}
