using System.Globalization;
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

    /// <summary>A partner (a ticketing or course-registration system) acting for each of <paramref name="venueIds"/>.</summary>
    public HttpClient AsPartner(IReadOnlyList<Guid> venueIds, TimeSpan? lifetime = null) =>
        As(new SiteClient($"partner-{Guid.NewGuid():N}"[..22], Roles.Partner, null, null, venueIds), lifetime);

    public HttpClient AsCoordinator(string area, TimeSpan? lifetime = null) => As(Tokens.Coordinator(area), lifetime);

    /// <summary>The national admin under a client id of its own, so its idempotency keys meet no other test's.</summary>
    public HttpClient AsNationalAdmin(TimeSpan? lifetime = null) =>
        As(new SiteClient($"admin-{Guid.NewGuid():N}"[..20], Roles.NationalAdmin, null, null, []), lifetime);

    /// <summary>Clients that may neither record nor cancel uses at a venue of <paramref name="area"/> they do not act for.</summary>
    public static IReadOnlyList<SiteClient> Outsiders(string area) =>
    [
        new($"venue-{Guid.NewGuid():N}"[..20], Roles.Venue, null, null, [Guid.NewGuid()]),
        new($"partner-{Guid.NewGuid():N}"[..22], Roles.Partner, null, null, [Guid.NewGuid(), Guid.NewGuid()]),
        new($"statistics-{Guid.NewGuid():N}"[..24], Roles.Statistics, area, null, []),
        new($"distributor-{Guid.NewGuid():N}"[..24], Roles.Distributor, area, Guid.NewGuid(), []),
        // Coordinators and the national admin oversee venues; they do not stand at a venue's ticket desk.
        Tokens.Coordinator(area),
        Tokens.NationalAdmin,
    ];

    public Task PublishAsync<T>(T message) where T : class => Factory.Services.GetRequiredService<IBus>().Publish(message);

    /// <summary>Publishes with a message id of the test's choosing: a second publish with the same id is a redelivery.</summary>
    public Task PublishAsync<T>(T message, Guid messageId) where T : class =>
        Factory.Services.GetRequiredService<IBus>().Publish(message, context => context.MessageId = messageId);

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

    /// <summary>Publishes <paramref name="message"/> and waits until the service's inbox has applied it.</summary>
    public async Task ApplyOneAsync<T>(T message) where T : class
    {
        var messageId = Guid.NewGuid();
        await PublishAsync(message, messageId);
        await WaitUntilHandledAsync(messageId);
    }

    /// <summary>Waits until <paramref name="sql"/> (a boolean query) holds in the service's database.</summary>
    public Task WaitUntilAsync(string what, string sql, object? parameters = null) =>
        Eventually.TrueAsync(async () =>
        {
            await using var connection = await OpenAsync();
            return await connection.ExecuteScalarAsync<bool>(sql, parameters);
        }, TimeSpan.FromSeconds(15), what);

    /// <summary>Waits until the service's inbox has applied (or, for a newer row, deliberately ignored) the message <paramref name="messageId"/>.</summary>
    public Task WaitUntilHandledAsync(Guid messageId) =>
        WaitUntilAsync($"message {messageId} to be handled", "SELECT EXISTS (SELECT 1 FROM inbox WHERE message_id = @messageId)", new { messageId });

    public static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    public static DateOnly Date(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);

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

    public static CardClosed Closed(CardIssued card, DateTimeOffset closedAt, string reason = "lost") => new()
    {
        CardId = card.CardId, CardNumber = card.CardNumber, Kind = card.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId, Reason = reason,
        ClosedAt = closedAt,
    };

    /// <summary>The card renewed on <paramref name="renewedOn"/>, valid a year from then.</summary>
    public static CardRenewed Renewed(CardIssued card, DateOnly renewedOn) => new()
    {
        CardId = card.CardId, CardNumber = card.CardNumber, Kind = card.Kind, AreaCode = card.AreaCode, DistributorId = card.DistributorId,
        RenewedOn = renewedOn, ValidUntil = renewedOn.AddYears(1), Children = card.Children, GroupSize = card.GroupSize, AgeBand = card.AgeBand,
    };

    public static VenueRegistered Venue(string area, string category = "culture", bool acceptsOtherAreas = true, bool active = true) => new()
    {
        VenueId = Guid.NewGuid(), AreaCode = area, Name = new LocalizedName { Fi = "Teatteri" }, Category = category, Municipality = area,
        AcceptsOtherAreas = acceptsOtherAreas, Active = active, RegisteredAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The venue's state after a change at <paramref name="changedAt"/>: as registered unless told otherwise.</summary>
    public static VenueChanged Changed(VenueRegistered venue, DateTimeOffset changedAt, bool? active = null, bool? acceptsOtherAreas = null) => new()
    {
        VenueId = venue.VenueId, AreaCode = venue.AreaCode, Name = venue.Name, Category = venue.Category, Municipality = venue.Municipality,
        AcceptsOtherAreas = acceptsOtherAreas ?? venue.AcceptsOtherAreas, Active = active ?? venue.Active, ChangedAt = changedAt,
    };

    public static OfferingPublished Offering(Guid venueId, string kind = "admission", int? tickets = null, string per = "event") => new()
    {
        OfferingId = Guid.NewGuid(), VenueId = venueId, Title = "Näytös", Kind = kind, Quota = tickets is { } t ? new Quota { Tickets = t, Per = per } : null,
        PublishedAt = DateTimeOffset.UtcNow,
    };

    public static OfferingChanged Changed(OfferingPublished offering, DateTimeOffset changedAt, int? tickets, string per = "event") => new()
    {
        OfferingId = offering.OfferingId, VenueId = offering.VenueId, Title = offering.Title, Kind = offering.Kind,
        Quota = tickets is { } t ? new Quota { Tickets = t, Per = per } : null, ChangedAt = changedAt,
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

    /// <summary>Publishes cards and waits until every one is in the replicas.</summary>
    public Task ApplyCardsAsync(IReadOnlyList<CardIssued> cards) =>
        ApplyAsync($"{cards.Count} cards", async connection =>
            await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM cards WHERE id = ANY(@ids) AND issued_on IS NOT NULL", new { ids = cards.Select(c => c.CardId).ToArray() }) == cards.Count,
            [.. cards]);

    public static async Task<HttpResponseMessage> RecordAsync(HttpClient client, object body, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions") { Content = JsonContent(body) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return await client.SendAsync(request);
    }

    /// <summary>Records a use that must be accepted and returns its id.</summary>
    public static async Task<Guid> RecordedAsync(HttpClient client, object body, string? key = null) =>
        (await (await RecordAsync(client, body, key)).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    public static Task<HttpResponseMessage> RecordBatchAsync(HttpClient client, object body) => client.PostAsync("/api/redemptions/batch", JsonContent(body));

    /// <summary>Imports uses from the earlier register's history: a batch's body, at any venue and of any age.</summary>
    public static Task<HttpResponseMessage> ImportAsync(HttpClient client, object body) => client.PostAsync("/api/redemptions/import", JsonContent(body));

    public static Task<HttpResponseMessage> CancelAsync(HttpClient client, Guid useId) => client.PostAsync($"/api/redemptions/{useId}/cancel", null);

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), System.Text.Encoding.UTF8, "application/json");

    /// <summary>
    /// Asserts that recording <paramref name="body"/> is refused with 422 <paramref name="code"/>, and that the refusal left
    /// no use, no event and no taken ticket at <paramref name="venueId"/>.
    /// </summary>
    public async Task<JsonElement> ShouldRefuseAsync(HttpClient client, Guid venueId, object body, string code)
    {
        var before = await FootprintAsync(venueId);
        var problem = await (await RecordAsync(client, body)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, code);
        (await FootprintAsync(venueId)).ShouldBe(before, $"a {code} refusal records nothing");
        return problem;
    }

    /// <summary>What recording has left at a venue: its uses, their events and the tickets taken from its quotas.</summary>
    public async Task<(int Uses, int Events, int TicketsTaken)> FootprintAsync(Guid venueId)
    {
        await using var connection = await OpenAsync();
        return await connection.QuerySingleAsync<(int, int, int)>("""
            SELECT (SELECT count(*)::int FROM uses WHERE venue_id = @venueId),
                   (SELECT count(*)::int FROM outbox WHERE body->>'venueId' = @venue),
                   (SELECT COALESCE(sum(q.used), 0)::int FROM quota_usage q JOIN offerings o ON o.id = q.offering_id WHERE o.venue_id = @venueId)
            """, new { venueId, venue = venueId.ToString() });
    }

    /// <summary>Tickets taken from an offering's quota in a period ("event", "2026-03-10", "week-2026-03-09", "2026-03").</summary>
    public async Task<int> QuotaUsedAsync(Guid offeringId, string period)
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<int?>(
            "SELECT used FROM quota_usage WHERE offering_id = @offeringId AND period = @period", new { offeringId, period }) ?? 0;
    }

    public Task<NpgsqlConnection> OpenAsync() => Factory.OpenDatabaseAsync();

    /// <summary>The outbox in order: each event's type name and JSON body.</summary>
    public Task<List<(string Type, JsonElement Body)>> EventsAsync() => Factory.OutboxAsync();

    /// <summary>The outbox events of one type about uses at <paramref name="venueId"/>, in order.</summary>
    public async Task<List<JsonElement>> EventsAsync(string type, Guid venueId) =>
        [.. (await EventsAsync()).Where(e => e.Type == type && e.Body.GetProperty("venueId").GetGuid() == venueId).Select(e => e.Body)];

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

/// <summary>A <c>POST /api/redemptions</c> body. Null fields go out as null, which the service reads as "take the default".</summary>
public sealed record UseBody(
    string? CardNumber, Guid? VenueId = null, Guid? OfferingId = null, int? Adults = null, int? Children = null, int? Assistants = null,
    DateTimeOffset? OccurredAt = null);

/// <summary>One item of a <c>POST /api/redemptions/batch</c> body.</summary>
public sealed record BatchItemBody(
    string? IdempotencyKey, string? CardNumber, Guid? VenueId = null, Guid? OfferingId = null, int? Adults = null, int? Children = null,
    int? Assistants = null, DateTimeOffset? OccurredAt = null);
