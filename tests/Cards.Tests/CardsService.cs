using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.Contracts;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kaikukortti.Cards.Tests;

/// <summary>
/// The Cards service on a database of its own, with areas <see cref="Area"/> and <see cref="OtherArea"/> announced through the
/// broker as Venues would, and a distributor unit registered in each.
/// </summary>
public sealed class CardsService : IAsyncDisposable
{
    private CardsService(ServiceFactory<Program> factory, string area, string otherArea) => (Factory, Area, OtherArea) = (factory, area, otherArea);

    public ServiceFactory<Program> Factory { get; }
    public string Area { get; }
    public string OtherArea { get; }
    public Guid Distributor { get; private set; }
    public Guid OtherDistributor { get; private set; }
    public HttpClient Admin { get; private set; } = null!;

    /// <param name="replaceServices">For a <see cref="TestClock"/> or a scripted <c>CardNumberGenerator</c>.</param>
    public static async Task<CardsService> StartAsync(PostgresFixture postgres, RabbitMqFixture rabbitMq, Action<IServiceCollection>? replaceServices = null)
    {
        var service = new CardsService(await ServiceFactory<Program>.CreateAsync(postgres, rabbitMq, "cardsdb", replaceServices: replaceServices), UniqueArea(), UniqueArea());
        service.Admin = service.As(Tokens.NationalAdmin);
        await service.AnnounceAreaAsync(service.Area);
        await service.AnnounceAreaAsync(service.OtherArea);
        service.Distributor = await service.RegisterDistributorAsync(service.Area);
        service.OtherDistributor = await service.RegisterDistributorAsync(service.OtherArea);
        return service;
    }

    public static string UniqueArea() => $"area-{Guid.NewGuid():N}"[..16];

    public HttpClient As(SiteClient client) => Factory.CreateClient().As(Tokens.ForTests.Issue(client));

    public HttpClient AsDistributor(Guid distributorId, string? area = null) =>
        As(new SiteClient($"distributor-{distributorId:N}"[..24], Roles.Distributor, area ?? Area, distributorId, []));

    public HttpClient AsCoordinator(string area) => As(Tokens.Coordinator(area));

    /// <summary>Publishes AreaRegistered as Venues does and waits until the area is known here.</summary>
    public async Task AnnounceAreaAsync(string code)
    {
        await Factory.Services.GetRequiredService<IBus>().Publish(new AreaRegistered
        {
            AreaCode = code, Name = new LocalizedName { Fi = code }, Municipalities = [code], RegisteredAt = DateTimeOffset.UtcNow,
        });
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await OpenAsync();
            return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM areas WHERE code = @code)", new { code });
        }, TimeSpan.FromSeconds(15), $"area {code} to arrive");
    }

    /// <summary>A unit with a name of its own: names are unique in an area.</summary>
    public async Task<Guid> RegisterDistributorAsync(string area, string unitType = "adult-social-work") =>
        (await (await Admin.PostJsonAsync("/api/distributors", new { areaCode = area, name = $"Aikuissosiaalityö {Guid.NewGuid():N}"[..26], unitType }))
            .ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public static object Personal(Guid distributorId, int birthYear = 1980, string postalCode = "60100", int children = 2) =>
        new { distributorId, kind = "personal", birthYear, postalCode, children };

    public static object Community(Guid distributorId, int groupSize = 12) => new { distributorId, kind = "community", groupSize };

    public async Task<JsonElement> IssueAsync(object card, HttpClient? issuer = null) =>
        await (await (issuer ?? Admin).PostJsonAsync("/api/cards", card)).ShouldBeJsonAsync(HttpStatusCode.Created);

    public Task<NpgsqlConnection> OpenAsync() => Factory.OpenDatabaseAsync();

    /// <summary>The outbox in order: each event's type name and JSON body.</summary>
    public Task<List<(string Type, JsonElement Body)>> EventsAsync() => Factory.OutboxAsync();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Factory.DisposeAsync();
    }
}
