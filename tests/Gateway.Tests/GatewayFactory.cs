using System.Net;
using Kaikukortti.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Kaikukortti.Gateway.Tests;

/// <summary>The gateway in memory in front of the stub services, validating tokens on the test key ring.</summary>
public sealed class GatewayFactory(StubServices stubs, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (service, url) in stubs.Urls) builder.UseSetting($"services:{service}:http:0", url);
        builder.UseSetting(AuthExtensions.KeyRingPathKey, Tokens.ForTests.KeyRingPath);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
    }

    /// <summary>A request from the given remote address, which the in-memory client cannot set.</summary>
    public async Task<HttpResponse> SendFromAsync(IPAddress address, string method, string path) =>
        (await Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = address;
            context.Request.Method = method;
            context.Request.Path = path;
        })).Response;
}
