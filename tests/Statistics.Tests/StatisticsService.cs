using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Kaikukortti.Statistics.Tests;

/// <summary>
/// One Statistics service for all the tests of a class, on a clock the tests set, fed through its real inbox by events
/// published on the broker. A publish reaches every service bound to the event's exchange, so these services talk
/// through a virtual host of their own: on the broker's default one they would register areas under
/// <see cref="SummaryTests"/>, which counts national areas as exact deltas. Among themselves every service receives
/// every event, so tests keep out of each other's way with areas of their own, and with years of their own where they
/// read national figures. Tests of one class run one after another, so each may move <see cref="Clock"/>; the test
/// class puts it back in its constructor.
/// </summary>
public sealed class StatisticsService(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private const string VirtualHost = "statistics-projections";
    private static readonly SemaphoreSlim VirtualHostLock = new(1, 1);
    private static bool virtualHostCreated;

    /// <summary>Thursday 12 March 2026, noon in Helsinki (UTC+2).</summary>
    public static readonly DateTimeOffset Noon = Events.At("2026-03-12T10:00:00Z");

    /// <summary>Tokens are minted on the real clock and checked against <see cref="Clock"/>: they must outlive every move of it.</summary>
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(3 * 365);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public TestClock Clock { get; } = new(Noon);

    public LogCapture Log { get; } = new();

    public ServiceFactory<Program> Factory { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // As ServiceFactory.CreateAsync, on the virtual host.
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:statisticsdb"] = await postgres.CreateDatabaseAsync(),
            ["ConnectionStrings:rabbitmq"] = await VirtualHostAsync(rabbitMq),
            ["OTEL_SERVICE_NAME"] = $"statisticsdb-{Guid.NewGuid():N}",
            [AuthExtensions.KeyRingPathKey] = Tokens.ForTests.KeyRingPath,
        };
        Factory = new ServiceFactory<Program>(settings, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILoggerProvider>(Log);
        });
        _ = Factory.Server;     // starts the service: migrations, the bus and its queue, before a test publishes
    }

    private static async Task<string> VirtualHostAsync(RabbitMqFixture rabbitMq)
    {
        await VirtualHostLock.WaitAsync();
        try
        {
            if (!virtualHostCreated)
            {
                await rabbitMq.Server.ControlAsync(["add_vhost", VirtualHost]);
                await rabbitMq.Server.ControlAsync(["set_permissions", "-p", VirtualHost, "guest", ".*", ".*", ".*"]);
                virtualHostCreated = true;
            }
            return rabbitMq.ConnectionString + VirtualHost;
        }
        finally
        {
            VirtualHostLock.Release();
        }
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>Publishes one event with a message id of the caller's choosing (a new one unless given).</summary>
    public async Task<Guid> PublishAsync(object message, Guid? messageId = null)
    {
        var id = messageId ?? NewId.NextGuid();
        await Factory.Services.GetRequiredService<IBus>().Publish(message, message.GetType(), context => context.MessageId = id);
        return id;
    }

    /// <summary>Publishes the events together (the service may handle them in any order) and waits until its inbox has applied each.</summary>
    public async Task ApplyAsync(params object[] events)
    {
        var ids = new List<Guid>();
        foreach (var message in events) ids.Add(await PublishAsync(message));
        await WaitUntilHandledAsync([.. ids]);
    }

    /// <summary>Publishes the events one at a time, each once the one before has been applied: the order they are handled in.</summary>
    public async Task ApplyInOrderAsync(params object[] events)
    {
        foreach (var message in events) await WaitUntilHandledAsync(await PublishAsync(message));
    }

    /// <summary>Delivers <paramref name="message"/> again under <paramref name="messageId"/> and waits until the inbox has turned it away.</summary>
    public async Task RedeliverAsync(object message, Guid messageId)
    {
        var before = Redeliveries(messageId);
        await PublishAsync(message, messageId);
        await Eventually.TrueAsync(() => Task.FromResult(Redeliveries(messageId) > before), Patience, $"the redelivery of {messageId} to be ignored");
    }

    public Task WaitUntilHandledAsync(params Guid[] messageIds) =>
        Eventually.TrueAsync(async () =>
        {
            await using var connection = await Factory.OpenDatabaseAsync();
            return await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM inbox WHERE message_id = ANY(@messageIds)", new { messageIds }) == messageIds.Length;
        }, Patience, $"{messageIds.Length} message(s) to be handled");

    /// <summary>Registers a new area (so that <c>?area=</c> finds it) and returns its code.</summary>
    public async Task<string> NewAreaAsync(params string[] municipalities)
    {
        var code = Events.NewAreaCode();
        await ApplyAsync(Events.Area(code, municipalities.Length == 0 ? [$"Kunta {code}"] : municipalities));
        return code;
    }

    public async Task<string[]> NewAreasAsync(int count)
    {
        var codes = Enumerable.Range(0, count).Select(_ => Events.NewAreaCode()).ToArray();
        await ApplyAsync([.. codes.Select(code => Events.Area(code, $"Kunta {code}"))]);
        return codes;
    }

    /// <summary>GETs <paramref name="path"/> as <paramref name="caller"/> (anonymous when null).</summary>
    public async Task<HttpResponseMessage> GetAsync(string path, SiteClient? caller = null, string? accept = null)
    {
        using var client = Factory.CreateClient();
        if (caller is not null) client.As(Tokens.ForTests.Issue(caller, TokenLifetime));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return await client.SendAsync(request);
    }

    public async Task<JsonElement> JsonAsync(string path, SiteClient? caller = null) => await (await GetAsync(path, caller)).ShouldBeJsonAsync(HttpStatusCode.OK);

    /// <summary>Polls <paramref name="path"/> until <paramref name="condition"/> holds, for figures fed by events still on their way.</summary>
    public Task<JsonElement> EventuallyJsonAsync(string path, SiteClient? caller, Func<JsonElement, bool> condition) =>
        Eventually.MatchAsync(() => JsonAsync(path, caller), condition, Patience, path);

    private int Redeliveries(Guid messageId) => Log.Lines.Count(line => line.Contains(messageId.ToString()) && line.Contains("already handled"));
}

/// <summary>The callers whose view of the figures differs.</summary>
public static class Callers
{
    public static SiteClient NationalAdmin => Tokens.NationalAdmin;

    public static SiteClient NationalStatistics { get; } = new("test-statistics-national", Roles.Statistics, null, null, []);

    public static SiteClient Statistics(string area) => new($"test-statistics-{area}", Roles.Statistics, area, null, []);

    public static SiteClient Coordinator(string area) => Tokens.Coordinator(area);

    public static SiteClient Venue(string area) => new($"test-venue-{area}", Roles.Venue, null, null, [Guid.NewGuid()]);

    public static SiteClient Distributor(string area) => new($"test-distributor-{area}", Roles.Distributor, area, Guid.NewGuid(), []);
}

/// <summary>Reading figures from an answer: a withheld figure is JSON null.</summary>
public static class Figures
{
    public static int? Count(this JsonElement element, string name) =>
        element.GetProperty(name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : null;

    public static bool Suppressed(this JsonElement element) => element.GetProperty("suppressed").GetBoolean();

    public static JsonElement Row(this JsonElement answer, string key) =>
        answer.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == key);

    public static JsonElement? FindRow(this JsonElement answer, string key) =>
        answer.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("key").GetString() == key).Cast<JsonElement?>().SingleOrDefault();

    public static JsonElement Year(this JsonElement annual, int year) =>
        annual.GetProperty("years").EnumerateArray().Single(r => r.GetProperty("year").GetInt32() == year);

    public static JsonElement? Flow(this JsonElement flows, string homeArea, string venueArea) =>
        flows.GetProperty("flows").EnumerateArray()
            .Where(f => f.GetProperty("homeArea").GetString() == homeArea && f.GetProperty("venueArea").GetString() == venueArea)
            .Cast<JsonElement?>().SingleOrDefault();

    public static string Path(string endpoint, params (string Name, object? Value)[] query)
    {
        var given = query.Where(q => q.Value is not null).Select(q => $"{q.Name}={Uri.EscapeDataString(Convert.ToString(q.Value, CultureInfo.InvariantCulture)!)}").ToList();
        return $"/api/statistics/{endpoint}{(given.Count == 0 ? "" : "?" + string.Join('&', given))}";
    }
}
