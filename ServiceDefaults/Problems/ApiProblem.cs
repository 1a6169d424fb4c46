using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Kaikukortti.ServiceDefaults.Problems;

/// <summary>
/// Problems with a stable <c>code</c>. The title and detail are written later, in the caller's language,
/// from the texts registered for the code (see <see cref="ProblemTextOptions"/>).
/// </summary>
public static class ApiProblem
{
    public static ProblemHttpResult Create(int status, string code, params object?[] args) =>
        TypedResults.Problem(new CodedProblemDetails(args) { Status = status, Extensions = { ["code"] = code } });

    public static ProblemHttpResult BadRequest(string code, params object?[] args) => Create(StatusCodes.Status400BadRequest, code, args);

    /// <summary>The caller is known but the resource lies outside its scope (DESIGN §2).</summary>
    public static ProblemHttpResult Forbidden() => Create(StatusCodes.Status403Forbidden, "forbidden");

    public static ProblemHttpResult NotFound(string code, params object?[] args) => Create(StatusCodes.Status404NotFound, code, args);

    public static ProblemHttpResult Conflict(string code, params object?[] args) => Create(StatusCodes.Status409Conflict, code, args);

    public static ProblemHttpResult Unprocessable(string code, params object?[] args) => Create(StatusCodes.Status422UnprocessableEntity, code, args);
}

/// <summary>Carries the values the localized detail text is formatted with; they are not serialized.</summary>
internal sealed class CodedProblemDetails(object?[] args) : ProblemDetails
{
    [JsonIgnore]
    public object?[] Args { get; } = args;
}

public static class DomainErrorExtensions
{
    public static ProblemHttpResult ToProblem(this DomainError error, int status = StatusCodes.Status400BadRequest) =>
        ApiProblem.Create(status, error.Code, error.Args);
}
