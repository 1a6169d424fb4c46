namespace Kaikukortti.AppHost.Hosting;

/// <summary>Where the output of every resource goes, one line at a time, tagged with the resource's name.</summary>
public abstract class LogSink
{
    public static LogSink Null { get; } = new NullLogSink();

    public abstract void Write(string source, string line);

    /// <summary>Something the user must notice, such as a resource that exited unexpectedly.</summary>
    public abstract void Alert(string source, string line);

    private sealed class NullLogSink : LogSink
    {
        public override void Write(string source, string line)
        {
        }

        public override void Alert(string source, string line)
        {
        }
    }
}
