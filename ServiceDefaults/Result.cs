namespace Kaikukortti.ServiceDefaults;

/// <summary>A broken domain rule: a stable problem code and the values its message is formatted with.</summary>
public sealed record DomainError(string Code, params object?[] Args);

/// <summary>The outcome of a domain operation: a value, or the first rule it broke.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, DomainError? error) => (Value, Error) = (value, error);

    public T? Value { get; }
    public DomainError? Error { get; }

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(DomainError error) => new(default, error);
}
