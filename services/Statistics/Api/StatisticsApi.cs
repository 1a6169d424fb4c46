using Dapper;
using Kaikukortti.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Kaikukortti.Statistics.Api;

public static class StatisticsApi
{
    public static RouteGroupBuilder MapStatisticsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/statistics").WithTags("Statistics");

        group.MapGet("/summary", GetSummary)
            .WithName("GetSummary")
            .WithSummary("Headline figures")
            .WithDescription("National headline figures, or one area's with ?area=CODE. Counts areas and the municipalities in them.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return group;
    }

    public static async Task<Results<Ok<SummaryResponse>, ProblemHttpResult>> GetSummary(string? area, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var areaCode = string.IsNullOrWhiteSpace(area) ? null : area.Trim().ToLowerInvariant();
        var summary = await connection.QuerySingleAsync<SummaryResponse>(new CommandDefinition("""
            SELECT count(*)::int AS areas,
                   (SELECT count(DISTINCT m)::int FROM areas a, unnest(a.municipalities) m WHERE @areaCode::text IS NULL OR a.code = @areaCode) AS municipalities
            FROM areas WHERE @areaCode::text IS NULL OR code = @areaCode
            """, new { areaCode }, cancellationToken: cancellationToken));
        if (areaCode is not null && summary.Areas == 0) return ApiProblem.NotFound("area-not-found", area);
        return TypedResults.Ok(summary);
    }
}

public sealed record SummaryResponse(int Areas, int Municipalities);
