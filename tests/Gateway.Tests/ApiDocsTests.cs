using System.Net;
using System.Text.Json;
using Kaikukortti.ServiceDefaults.OpenApi;
using Kaikukortti.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.Gateway.Tests;

public sealed class ApiDocsTests(StubServices stubs) : IAsyncLifetime
{
    private readonly GatewayFactory gateway = new(stubs);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => gateway.DisposeAsync();

    [Fact]
    public async Task Docs_serve_swagger_ui_from_the_package_listing_every_service()
    {
        var client = gateway.CreateClient();

        var page = await client.GetAsync("/docs");

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("swagger-ui");
        html.ShouldNotContain("https://");
        var script = await client.GetStringAsync("/docs/index.js");
        foreach (var service in StubServices.Names) script.ShouldContain($"\"url\":\"/docs/{service}/openapi.json\"");
        var bundle = await client.GetAsync("/docs/swagger-ui-bundle.js");
        bundle.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await bundle.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(100_000);
    }

    [Fact]
    public async Task Each_services_document_is_fetched_through_the_gateway_without_a_token()
    {
        foreach (var service in StubServices.Names)
        {
            var document = await (await gateway.CreateClient().GetAsync($"/docs/{service}/openapi.json")).ShouldBeJsonAsync(HttpStatusCode.OK);

            document.GetProperty("info").GetProperty("title").GetString().ShouldBe(service);
        }
    }
}

/// <summary>What <see cref="OpenApiExtensions.AddKaikuOpenApi"/> makes of a service's document.</summary>
public sealed class ServiceOpenApiTests
{
    [Fact]
    public async Task Operations_that_need_a_token_say_so_and_the_internal_server_is_not_listed()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthorization();
        builder.Services.AddKaikuOpenApi();
        await using var app = builder.Build();
        app.MapGet("/things", () => TypedResults.Ok());
        app.MapPost("/things", () => TypedResults.Ok()).RequireAuthorization();
        var group = app.MapGroup("/admin").RequireAuthorization();
        group.MapDelete("/things", () => TypedResults.NoContent());
        group.MapGet("/things", () => TypedResults.Ok()).AllowAnonymous();
        app.MapOpenApi();
        await app.StartAsync();

        var document = await (await app.GetTestClient().GetAsync("/openapi/v1.json")).ShouldBeJsonAsync(HttpStatusCode.OK);

        document.TryGetProperty("servers", out _).ShouldBeFalse();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(OpenApiExtensions.BearerSchemeName);
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        var paths = document.GetProperty("paths");
        Security(paths, "/things", "post").ShouldBe(["Bearer"]);
        Security(paths, "/admin/things", "delete").ShouldBe(["Bearer"]);
        Security(paths, "/things", "get").ShouldBeEmpty();
        Security(paths, "/admin/things", "get").ShouldBeEmpty();
    }

    private static List<string> Security(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).TryGetProperty("security", out var security)
            ? [.. security.EnumerateArray().SelectMany(requirement => requirement.EnumerateObject().Select(p => p.Name))]
            : [];
}
