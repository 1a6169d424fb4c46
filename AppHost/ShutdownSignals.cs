using System.Runtime.InteropServices;

namespace Kaikukortti.AppHost;

/// <summary>
/// Turns the first Ctrl+C, SIGTERM or SIGHUP (terminal closed) into an orderly shutdown. A second one is left to its
/// default action, ending AppHost at once for whoever does not want to wait.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly CancellationTokenSource _requested = new();
    private readonly TaskCompletionSource _requestedTask = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignals() =>
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];

    /// <summary>Cancelled when shutdown is requested, e.g. to abandon a start in progress.</summary>
    public CancellationToken Token => _requested.Token;

    public Task Requested => _requestedTask.Task;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _requested.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_requestedTask.TrySetResult())
        {
            context.Cancel = true;
            _requested.Cancel();
        }
    }
}
