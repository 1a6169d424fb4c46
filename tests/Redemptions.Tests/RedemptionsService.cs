using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.Contracts;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// The Redemptions service on a database of its own. Cards, venues and offerings reach it as they do in production:
/// as events through the broker, which it applies to its replicas.
/// </summary>
public sealed class RedemptionsService : IAsyncDisposable
{
    private RedemptionsService(ServiceFactory<Program> factory) => Factory = factory;

    public ServiceFactory<Program> Factory { get; }

    /// <param name="replaceServices">For a <see cref="TestClock"/>.</param>
    public static async Task<RedemptionsService> StartAsync(PostgresFixture postgres, RabbitMqFixture rabbitMq, Action<IServiceCollection>? replaceServices = null) =>
        new(await ServiceFactory<Program>.CreateAsync(postgres, rabbitMq, "redemptionsdb", replaceServices: replaceServices));

    public HttpClient As(SiteClient client, TimeSpan? lifetime = null) => Factory.CreateClient().As(Tokens.ForTests.Issue(client, lifetime));

    /// <summary>A venue's own client; its id is unique so idempotency keys of different tests never meet.</summary>
    public HttpClient AsVenue(Guid venueId, TimeSpan? lifetime = null) =>
        As(new SiteClient($"venue-{Guid.NewGuid():N}"[..20], Roles.Venue, null, null, [venueId]), lifetime);

    public Task PublishAsync<T>(T message) where T : class => Factory.Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>Publishes the events and waits until the replicas reflect them (checked with <paramref name="arrived"/>).</summary>
    public async Task ApplyAsync(string what, Func<NpgsqlConnection, Task<bool>> arrived, params object[] events)
    {
        var bus = Factory.Services.GetRequiredService<IBus>();
        foreach (var message in events) await bus.Publish(message, message.GetType());
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await OpenAsync();
            return await arrived(connection);
        }, TimeSpan.FromSeconds(15), what);
    }

    public static string NewCardNumber()
    {
        var payload = string.Concat(Enumerable.Range(0, 11).Select(i => i == 0 ? (char)('1' + Random.Shared.Next(9)) : (char)('0' + Random.Shared.Next(10))));
        return payload + CardNumber.CheckDigit(payload);
    }

    /// <summary>A card as the Cards service announces it, valid from <paramref name="issuedOn"/> for a year unless told otherwise.</summary>
    public static CardIssued Card(string area, DateOnly issuedOn, int children = 2, string kind = "personal", int? groupSize = null, DateOnly? validUntil = null) => new()
    {
        CardId = Guid.NewGuid(), CardNumber = NewCardNumber(), Kind = kind, AreaCode = area, DistributorId = Guid.NewGuid(), IssuedOn = issuedOn,
        ValidUntil = validUntil ?? issuedOn.AddYears(1), Children = kind == "personal" ? children : 0, GroupSize = groupSize, AgeBand = kind == "personal" ? "30-64" : null,
    };

    public static VenueRegistered Venue(string area, string category = "culture", bool acceptsOtherAreas = true, bool active = true) => new()
    {
        VenueId = Guid.NewGuid(), AreaCode = area, Name = new LocalizedName { Fi = "Teatteri" }, Category = category, Municipality = area,
        AcceptsOtherAreas = acceptsOtherAreas, Active = active, RegisteredAt = DateTimeOffset.UtcNow,
    };

    public static OfferingPublished Offering(Guid venueId, string kind = "admission", int? tickets = null, string per = "event") => new()
    {
        OfferingId = Guid.NewGuid(), VenueId = venueId, Title = "Näytös", Kind = kind, Quota = tickets is { } t ? new Quota { Tickets = t, Per = per } : null,
        PublishedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>Publishes a card, a venue and offerings and waits until all are in the replicas.</summary>
    public Task ApplyAsync(CardIssued? card = null, VenueRegistered? venue = null, params OfferingPublished[] offerings)
    {
        List<object> events = [.. new object?[] { card, venue }.OfType<object>(), .. offerings];
        return ApplyAsync("the replicas", async connection =>
            (card is null || await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM cards WHERE id = @CardId AND issued_on IS NOT NULL)", card))
            && (venue is null || await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM venues WHERE id = @VenueId)", venue))
            && await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM offerings WHERE id = ANY(@ids)", new { ids = offerings.Select(o => o.OfferingId).ToArray() }) == offerings.Length,
            [.. events]);
    }

    public static async Task<HttpResponseMessage> RecordAsync(HttpClient client, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions") { Content = JsonContent(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = Factory.Services.GetRequiredService<NpgsqlDataSource>().CreateConnection();
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The outbox in order: each event's type name and JSON body.</summary>
    public async Task<List<(string Type, JsonElement Body)>> EventsAsync()
    {
        await using var connection = await OpenAsync();
        var rows = await connection.QueryAsync<(string, string)>("SELECT message_type, body::text FROM outbox ORDER BY id");
        return [.. rows.Select(r => (r.Item1.Split(',')[0].Split('.').Last(), JsonDocument.Parse(r.Item2).RootElement))];
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}
