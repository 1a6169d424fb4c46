using System.Diagnostics;

namespace Kaikukortti.AppHost.Hosting;

/// <summary>The life cycle shared by every resource that runs as child processes: start, stop, start again.</summary>
/// <remarks>Start and stop one at a time; they are not meant to be called concurrently.</remarks>
public abstract class ProcessResource : IResource, IAsyncDisposable
{
    private volatile ResourceState _state = ResourceState.NotStarted;

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

    public async Task StopAsync()
    {
        if (_state is ResourceState.NotStarted or ResourceState.Stopped or ResourceState.FailedToStart)
        {
            return;
        }

        _state = ResourceState.Stopping;
        await StopProcessesAsync();
        _state = ResourceState.Stopped;
    }

    public virtual async ValueTask DisposeAsync() => await StopAsync();

    private protected abstract Task StartProcessesAsync(CancellationToken cancellationToken);

    /// <summary>Stops whatever processes are running; must cope with some or all of them never having started or having exited.</summary>
    private protected abstract Task StopProcessesAsync();
}
