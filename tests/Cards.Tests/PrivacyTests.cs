using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Dapper;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kaikukortti.Cards.Tests;

/// <summary>
/// DESIGN §1: the birth year and postal code stay in the card register. They never reach an event, a log line (at any
/// level, from any library) or the audit log, whatever happens to the card and however wrong a request is.
/// </summary>
public sealed partial class PrivacyTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private const string BirthYear = "1958";
    private const string PostalCode = "38950";

    private readonly LogCapture log = new();
    private CardsService cards = null!;

    public async ValueTask InitializeAsync() => cards = await CardsService.StartAsync(postgres, rabbitMq, services =>
    {
        services.AddSingleton<ILoggerProvider>(log);
        services.PostConfigure<LoggerFilterOptions>(options =>
        {
            options.Rules.Clear();
            options.MinLevel = LogLevel.Trace;
        });
    });

    public async ValueTask DisposeAsync() => await cards.DisposeAsync();

    [Fact]
    public async Task No_event_log_line_or_audit_entry_holds_a_birth_year_or_postal_code()
    {
        using var distributor = cards.AsDistributor(cards.Distributor);
        var card = new { kind = "personal", birthYear = int.Parse(BirthYear), postalCode = PostalCode, children = 1, gender = "female", lifeSituation = "retired" };
        var number = (await cards.IssueAsync(card, distributor)).GetProperty("cardNumber").GetString()!;
        (await distributor.GetAsync($"/api/cards/{number}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await distributor.GetAsync("/api/cards")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await distributor.PostAsync($"/api/cards/{number}/renew", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var replacement = await (await distributor.PostJsonAsync($"/api/cards/{number}/replace", new { reason = "lost" })).ShouldBeJsonAsync(HttpStatusCode.Created);
        (await distributor.PostJsonAsync($"/api/cards/{replacement.GetProperty("cardNumber").GetString()}/close", new { reason = "holder-request" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        // Refused requests carrying the values, too: a problem must not echo them into anyone's log.
        (await distributor.PostJsonAsync("/api/cards", card with { children = 21 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await distributor.PostJsonAsync("/api/cards", new { kind = "community", birthYear = int.Parse(BirthYear), postalCode = PostalCode, groupSize = 3 }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await distributor.PostRawJsonAsync("/api/cards", $$"""{"kind":"personal","birthYear":"{{BirthYear}}","postalCode":{{PostalCode}},"children":1}"""))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var events = await cards.EventsAsync();
        events.Select(e => e.Type).ShouldContain("CardIssued");
        // Sent through the broker, not only written: the relay's own logging is part of what is checked.
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await cards.OpenAsync();
            return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0;
        }, TimeSpan.FromSeconds(15), "the outbox to be sent");

        foreach (var (type, body) in events)
        {
            var json = body.GetRawText();
            Personal().IsMatch(json).ShouldBeFalse($"{type}: {json}");
            json.ShouldNotContain("birthYear", Case.Insensitive);
            json.ShouldNotContain("postalCode", Case.Insensitive);
        }
        await using (var connection = await cards.OpenAsync())
        {
            var audit = await connection.QueryAsync<string>("SELECT row_to_json(a)::text FROM audit_log a");
            audit.ShouldNotBeEmpty();
            audit.ShouldAllBe(entry => !Personal().IsMatch(entry));
        }
        log.Lines.Count.ShouldBeGreaterThan(20, "the log is recorded at every level");
        log.Lines.Where(l => Personal().IsMatch(l)).ShouldBeEmpty();
    }

    [GeneratedRegex($@"\b({BirthYear}|{PostalCode})\b")]
    private static partial Regex Personal();
}
