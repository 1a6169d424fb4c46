namespace Kaikukortti.AppHost.Hosting;

/// <summary>Something the system needs is not installed or not built; the message says how to get it.</summary>
public sealed class PrerequisiteMissingException(string message) : Exception(message);
