namespace Kaikukortti.AppHost.Hosting;

/// <summary>A resource did not start; the message includes the last lines it wrote.</summary>
public sealed class ResourceStartException : Exception
{
    public ResourceStartException(string resourceName, string reason, IReadOnlyList<string> recentOutput, Exception? inner = null)
        : base(Describe(resourceName, reason, recentOutput), inner)
    {
        ResourceName = resourceName;
        RecentOutput = recentOutput;
    }

    public string ResourceName { get; }

    public IReadOnlyList<string> RecentOutput { get; }

    private static string Describe(string resourceName, string reason, IReadOnlyList<string> recentOutput) =>
        recentOutput.Count == 0
            ? $"{resourceName}: {reason}"
            : $"{resourceName}: {reason}{Environment.NewLine}Last output of {resourceName}:{Environment.NewLine}"
              + string.Join(Environment.NewLine, recentOutput.Select(line => "  " + line));
}
