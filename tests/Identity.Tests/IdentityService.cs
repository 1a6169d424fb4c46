using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.Contracts;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kaikukortti.Identity.Tests;

/// <summary>The Identity service in memory on its own database, with the bootstrap admin and helpers to seed its scope replicas.</summary>
public sealed class IdentityService : IAsyncDisposable
{
    public const string AdminSecret = "correct horse battery staple";

    private IdentityService(ServiceFactory<Program> factory) => Factory = factory;

    public ServiceFactory<Program> Factory { get; }

    public NpgsqlDataSource DataSource => Factory.Services.GetRequiredService<NpgsqlDataSource>();

    public static async Task<IdentityService> StartAsync(PostgresFixture postgres, RabbitMqFixture rabbitMq)
    {
        var factory = await ServiceFactory<Program>.CreateAsync(postgres, rabbitMq, "identitydb",
            new Dictionary<string, string> { ["KAIKU_ADMIN_SECRET"] = AdminSecret });
        factory.CreateClient().Dispose();
        return new IdentityService(factory);
    }

    public HttpClient Anonymous() => Factory.CreateClient();

    public HttpClient As(string token) => Factory.CreateClient().As(token);

    public static Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, params (string Key, string Value)[] form) =>
        client.PostAsync("/connect/token", new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));

    public async Task<string> TokenAsync(string clientId, string secret)
    {
        using var client = Anonymous();
        var response = await RequestTokenAsync(client, ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret));
        return (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("access_token").GetString()!;
    }

    public Task<string> AdminTokenAsync() => TokenAsync("kaiku-admin", AdminSecret);

    /// <summary>Creates a client as <paramref name="token"/>'s holder; returns its id and the secret shown once.</summary>
    public async Task<(string ClientId, string Secret)> CreateClientAsync(string token, object request)
    {
        using var client = As(token);
        var created = await (await client.PostJsonAsync("/api/clients", request)).ShouldBeJsonAsync(HttpStatusCode.Created);
        return (created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
    }

    /// <summary>Publishes the events that tell Identity about an area, its venues and distributors, and waits until they are applied.</summary>
    public async Task LearnAsync(string areaCode, Guid[]? venues = null, Guid[]? distributors = null)
    {
        var bus = Factory.Services.GetRequiredService<IBus>();
        var now = DateTimeOffset.UtcNow;
        await bus.Publish(new AreaRegistered { AreaCode = areaCode, Name = new LocalizedName { Fi = areaCode }, Municipalities = [areaCode], RegisteredAt = now });
        foreach (var venue in venues ?? [])
            await bus.Publish(new VenueRegistered
            {
                VenueId = venue, AreaCode = areaCode, Name = new LocalizedName { Fi = "Venue" }, Category = "culture",
                Municipality = areaCode, AcceptsOtherAreas = true, Active = true, RegisteredAt = now,
            });
        foreach (var distributor in distributors ?? [])
            await bus.Publish(new DistributorRegistered
            {
                DistributorId = distributor, AreaCode = areaCode, Name = "Unit", UnitType = "adult-social-work", Active = true, RegisteredAt = now,
            });
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await DataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM areas WHERE code = @areaCode", new { areaCode }) == 1
                && await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM venues WHERE venue_id = ANY(@v)", new { v = venues ?? [] }) == (venues?.Length ?? 0)
                && await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM distributors WHERE distributor_id = ANY(@d)", new { d = distributors ?? [] }) == (distributors?.Length ?? 0);
        }, TimeSpan.FromSeconds(15), $"Identity to learn area {areaCode}");
    }

    public static string Code(JsonElement problem) => problem.GetProperty("code").GetString()!;

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
