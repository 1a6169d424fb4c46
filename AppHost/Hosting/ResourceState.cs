namespace Kaikukortti.AppHost.Hosting;

public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    Stopping,
    Stopped,

    /// <summary>The process ended without being asked to.</summary>
    Exited,
    FailedToStart,
}
