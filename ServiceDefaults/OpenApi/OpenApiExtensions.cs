using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Kaikukortti.ServiceDefaults.OpenApi;

/// <summary>Every service's OpenAPI document, shaped to be read through the gateway's <c>/docs</c>.</summary>
public static class OpenApiExtensions
{
    public const string BearerSchemeName = "Bearer";

    /// <summary>
    /// Adds <c>/openapi/v1.json</c> with the platform's bearer scheme, required on every operation whose endpoint
    /// requires authorization, and without <c>servers</c>: the service's own address is internal, so clients
    /// resolve paths against the gateway the document was fetched from.
    /// </summary>
    public static IServiceCollection AddKaikuOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Servers = [];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerSchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An access token from POST /connect/token (OAuth 2.0 client credentials).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, context.Document)] = [] });
                }
                return Task.CompletedTask;
            });
        });
}
