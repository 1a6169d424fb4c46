using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Kaikukortti.Gateway.Tests;

/// <summary>The gateway's front page is the public statistics dashboard, served by the Statistics service.</summary>
public sealed class DashboardRedirectTests(StubServices stubs) : IAsyncLifetime
{
    private readonly GatewayFactory gateway = new(stubs);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => gateway.DisposeAsync();

    [Theory]
    [InlineData("GET", "/", "/dashboard")]
    [InlineData("HEAD", "/", "/dashboard")]
    [InlineData("GET", "/?lang=sv&area=seinajoki", "/dashboard?lang=sv&area=seinajoki")]
    public async Task The_root_redirects_anyone_to_the_dashboard(string method, string path, string location)
    {
        using var client = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe(location);
    }

    [Fact]
    public async Task Following_the_redirect_reaches_the_statistics_service_without_a_token()
    {
        var response = await gateway.CreateClient().GetAsync("/");

        var echo = await response.Content.ReadFromJsonAsync<Echo>();
        echo.ShouldBe(new Echo("statistics", "GET", "/dashboard", ""));
    }

    [Fact]
    public async Task Only_reads_are_redirected()
    {
        using var client = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/", null);

        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
    }
}
