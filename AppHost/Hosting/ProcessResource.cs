using System.Diagnostics;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>The life cycle shared by every resource that runs as child processes: start, stop, start again.</summary>
/// <remarks>Start and stop one at a time; they are not meant to be called concurrently.</remarks>
public abstract class ProcessResource : IResource, IAsyncDisposable
{
    private volatile ResourceState _state = ResourceState.NotStarted;
    private DirectoryLock? _lock;

    public abstract string Name { get; }

    public abstract string? Url { get; }

    public ResourceState State => _state == ResourceState.Running && AnyProcessExited ? ResourceState.Exited : _state;

    private protected abstract LogSink Log { get; }

    private protected abstract bool AnyProcessExited { get; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var state = State;
        if (state is ResourceState.Starting or ResourceState.Running or ResourceState.Stopping)
        {
            throw new InvalidOperationException($"{Name} is {state}.");
        }

        if (state is ResourceState.Exited)
        {
            await StopProcessesAsync();
        }

        _state = ResourceState.Starting;
        var clock = Stopwatch.StartNew();
        try
        {
            await StartProcessesAsync(cancellationToken);
        }
        catch
        {
            await StopProcessesAsync();
            _state = ResourceState.FailedToStart;
            throw;
        }

        _state = ResourceState.Running;
        Log.Write(Name, $"running at {Url} (started in {clock.Elapsed.TotalSeconds:0.0} s)");
    }

    public Task StopAsync() => EndAsync(StopProcessesAsync);

    /// <summary>Ends the processes through <paramref name="endProcesses"/> (gracefully or not); the resource is then Stopped.</summary>
    private protected async Task EndAsync(Func<Task> endProcesses)
    {
        if (_state is ResourceState.NotStarted or ResourceState.Stopped or ResourceState.FailedToStart)
        {
            return;
        }

        _state = ResourceState.Stopping;
        await endProcesses();
        _state = ResourceState.Stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _lock?.Dispose();
    }

    /// <summary>Starts a new resource; one that fails to start is disposed before the exception propagates.</summary>
    private protected static async Task<T> StartNewAsync<T>(T resource, CancellationToken cancellationToken) where T : ProcessResource
    {
        try
        {
            await resource.StartAsync(cancellationToken);
            return resource;
        }
        catch
        {
            await resource.DisposeAsync();
            throw;
        }
    }

    /// <summary>Claims <paramref name="directory"/> for this resource until it is disposed (kept across restarts).</summary>
    private protected void LockDataDirectory(string directory) => _lock ??= DirectoryLock.Acquire(directory, Name);

    private protected abstract Task StartProcessesAsync(CancellationToken cancellationToken);

    /// <summary>Stops whatever processes are running; must cope with some or all of them never having started or having exited.</summary>
    private protected abstract Task StopProcessesAsync();
}
