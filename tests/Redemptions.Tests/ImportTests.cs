using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Auth;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// The national admin imports the earlier register's history of uses: batches like a venue's paper uploads, at any
/// venue, each with its original time however old — and every other rule of the ticket desk. Nobody else imports, and
/// the desks' own 14 days stand. Today is Thursday 12 March 2026, noon in Helsinki.
/// </summary>
public sealed class ImportTests : IClassFixture<SharedRedemptionsService>
{
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;

    public ImportTests(SharedRedemptionsService shared)
    {
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
    }

    private HttpClient Admin() => service.AsNationalAdmin(SharedRedemptionsService.TokenLifetime);

    private static async Task<List<JsonElement>> ResultsAsync(HttpResponseMessage response) =>
        [.. (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("results").EnumerateArray()];

    private static int Status(JsonElement result) => result.GetProperty("status").GetInt32();

    private static string? Code(JsonElement result) => result.GetProperty("code").GetString();

    private static Guid UseId(JsonElement result) => result.GetProperty("use").GetProperty("id").GetGuid();

    [Fact]
    public async Task The_national_admin_imports_uses_two_and_five_years_old_at_any_venue_with_their_original_time()
    {
        var elsewhere = Venue(SharedRedemptionsService.NewArea());
        var card2021 = Card(area, Date("2021-01-10"));
        var card2023 = Card(area, Date("2023-09-01"));
        await service.ApplyAsync(card2021, venue);
        await service.ApplyAsync(card2023, elsewhere);
        using var admin = Admin();
        var fiveYearsAgo = At("2021-03-12T10:00:00Z");
        var twoYearsAgo = At("2024-03-12T16:30:00Z");

        var results = await ResultsAsync(await ImportAsync(admin, new
        {
            items = new[]
            {
                new BatchItemBody("register-1", card2021.CardNumber, venue.VenueId, OccurredAt: fiveYearsAgo),
                new BatchItemBody("register-2", card2023.CardNumber, elsewhere.VenueId, Children: 1, OccurredAt: twoYearsAgo),
            },
        }));

        results.Select(r => r.GetProperty("idempotencyKey").GetString()).ShouldBe(["register-1", "register-2"]);
        results.Select(Status).ShouldBe([201, 201]);
        var (use2021, use2024) = (results[0].GetProperty("use"), results[1].GetProperty("use"));
        (use2021.GetProperty("status").GetString(), use2021.GetProperty("cardNumber").GetString(), use2021.GetProperty("venueId").GetGuid())
            .ShouldBe(("recorded", card2021.CardNumber, venue.VenueId));
        use2021.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(fiveYearsAgo);
        (use2024.GetProperty("venueId").GetGuid(), use2024.GetProperty("children").GetInt32()).ShouldBe((elsewhere.VenueId, 1));
        use2024.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(twoYearsAgo);

        var recorded = (await service.EventsAsync("UseRecorded", venue.VenueId)).Single();
        (recorded.GetProperty("useId").GetGuid(), recorded.GetProperty("cardId").GetGuid()).ShouldBe((use2021.GetProperty("id").GetGuid(), card2021.CardId));
        recorded.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(fiveYearsAgo);
        var recordedElsewhere = (await service.EventsAsync("UseRecorded", elsewhere.VenueId)).Single();
        (recordedElsewhere.GetProperty("useId").GetGuid(), recordedElsewhere.GetProperty("children").GetInt32()).ShouldBe((use2024.GetProperty("id").GetGuid(), 1));
        recordedElsewhere.GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(twoYearsAgo);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
        (await service.FootprintAsync(elsewhere.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task An_imported_use_falls_within_the_Helsinki_days_its_card_was_issued_valid_and_open()
    {
        var card = Card(area, Date("2022-06-01"));
        var closing = Card(area, Date("2020-01-15"));
        var closedAt = At("2020-08-01T09:00:00Z");
        await service.ApplyAsync(card, venue);
        await service.ApplyAsync(closing);
        await service.ApplyOneAsync(Closed(closing, closedAt));
        using var admin = Admin();

        var results = await ResultsAsync(await ImportAsync(admin, new
        {
            items = new[]
            {
                // Summer: Helsinki midnight is 21:00 UTC. The card's first day is 1 June 2022, its last 1 June 2023.
                new BatchItemBody("before-issue", card.CardNumber, venue.VenueId, OccurredAt: At("2022-05-31T20:59:59Z")),
                new BatchItemBody("first-day", card.CardNumber, venue.VenueId, OccurredAt: At("2022-05-31T21:00:00Z")),
                new BatchItemBody("last-day", card.CardNumber, venue.VenueId, OccurredAt: At("2023-06-01T20:59:59Z")),
                new BatchItemBody("after-expiry", card.CardNumber, venue.VenueId, OccurredAt: At("2023-06-01T21:00:00Z")),
                new BatchItemBody("never-issued", NewCardNumber(), venue.VenueId, OccurredAt: At("2022-09-01T10:00:00Z")),
                new BatchItemBody("before-closing", closing.CardNumber, venue.VenueId, OccurredAt: closedAt.AddSeconds(-1)),
                new BatchItemBody("at-closing", closing.CardNumber, venue.VenueId, OccurredAt: closedAt),
            },
        }));

        results.Select(Status).ShouldBe([422, 201, 201, 422, 422, 201, 422]);
        results.Select(Code).ShouldBe(["card-unknown", null, null, "card-expired", "card-unknown", null, "card-closed"]);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((3, 3, 0));
    }

    [Fact]
    public async Task Imported_uses_keep_the_venues_rules_its_quotas_and_what_the_card_admits()
    {
        var local = Venue(area, acceptsOtherAreas: false);
        var show = Offering(local.VenueId, tickets: 2, per: "day");
        var resident = Card(area, Date("2023-01-01"), children: 1);
        var visitor = Card(SharedRedemptionsService.NewArea(), Date("2023-01-01"));
        await service.ApplyAsync(resident, local, show);
        await service.ApplyAsync(visitor);
        using var admin = Admin();
        var saturday = At("2023-06-10T10:00:00Z");

        var results = await ResultsAsync(await ImportAsync(admin, new
        {
            items = new[]
            {
                new BatchItemBody("visitor", visitor.CardNumber, local.VenueId, OccurredAt: saturday),
                new BatchItemBody("family", resident.CardNumber, local.VenueId, show.OfferingId, Children: 1, OccurredAt: saturday),
                new BatchItemBody("sold-out", resident.CardNumber, local.VenueId, show.OfferingId, OccurredAt: saturday.AddHours(2)),
                new BatchItemBody("next-day", resident.CardNumber, local.VenueId, show.OfferingId, OccurredAt: saturday.AddDays(1)),
                new BatchItemBody("too-many-children", resident.CardNumber, local.VenueId, Children: 2, OccurredAt: saturday),
                new BatchItemBody("ahead-of-the-clock", resident.CardNumber, local.VenueId, OccurredAt: SharedRedemptionsService.Noon.AddMinutes(6)),
                new BatchItemBody("nobody", resident.CardNumber, local.VenueId, Adults: 0, OccurredAt: saturday),
            },
        }));

        results.Select(Status).ShouldBe([422, 201, 422, 201, 422, 422, 400]);
        results.Select(Code).ShouldBe(["other-area-not-accepted", null, "quota-exhausted", null, "too-many-children", "occurred-in-future", "nobody-admitted"]);
        (await service.QuotaUsedAsync(show.OfferingId, "2023-06-10")).ShouldBe(2);
        (await service.QuotaUsedAsync(show.OfferingId, "2023-06-11")).ShouldBe(1);
        (await service.FootprintAsync(local.VenueId)).ShouldBe((2, 2, 3));
    }

    [Fact]
    public async Task An_imported_item_without_its_time_or_venue_is_a_bad_request_of_its_own()
    {
        var card = Card(area, Date("2023-01-01"));
        await service.ApplyAsync(card, venue);
        using var admin = Admin();
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var then = At("2023-06-01T10:00:00Z");

        var results = await ResultsAsync(await ImportAsync(admin, new
        {
            items = new[]
            {
                new BatchItemBody("no-time", card.CardNumber, venue.VenueId),
                new BatchItemBody("no-venue", card.CardNumber, OccurredAt: then),
                new BatchItemBody(null, card.CardNumber, venue.VenueId, OccurredAt: then),
                new BatchItemBody("whole", card.CardNumber, venue.VenueId, OccurredAt: then),
            },
        }));

        results.Select(Status).ShouldBe([400, 400, 400, 201]);
        results.Select(Code).ShouldBe(["occurred-at-required", "redemption-venue-required", "idempotency-key-required", null]);
        results[0].GetProperty("detail").GetString().ShouldBe("Give the time of the use (occurredAt).");
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task An_import_sent_again_gets_the_same_answers_and_records_nothing_more()
    {
        var card = Card(area, Date("2023-09-01"));
        await service.ApplyAsync(card, venue);
        using var admin = Admin();
        var batch = new
        {
            items = Enumerable.Range(0, 3).Select(i => new BatchItemBody($"register-row-{i}", card.CardNumber, venue.VenueId, OccurredAt: At("2024-03-12T10:00:00Z").AddDays(i)))
                .Append(new BatchItemBody("register-row-3", card.CardNumber, venue.VenueId, OccurredAt: At("2024-09-10T10:00:00Z")))
                .ToList(),
        };

        var first = await ResultsAsync(await ImportAsync(admin, batch));
        var again = await ResultsAsync(await ImportAsync(admin, batch));

        first.Select(Status).ShouldBe([201, 201, 201, 422]);
        again.Select(Status).ShouldBe([201, 201, 201, 422]);
        again.Take(3).Select(UseId).ShouldBe(first.Take(3).Select(UseId));
        Code(again[3]).ShouldBe("card-expired");
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((3, 3, 0));

        var changed = await ResultsAsync(await ImportAsync(admin, new { items = new[] { batch.items[0] with { Children = 1 } } }));
        (Status(changed.Single()), Code(changed.Single())).ShouldBe((422, "idempotency-key-reused"));
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((3, 3, 0));
    }

    [Fact]
    public async Task The_import_keys_are_the_national_admins_own()
    {
        var card = Card(area, Date("2026-02-01"));
        await service.ApplyAsync(card, venue);
        using var admin = Admin();
        using var desk = service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);
        var yesterday = SharedRedemptionsService.Noon.AddDays(-1);

        var imported = await ResultsAsync(await ImportAsync(admin, new { items = new[] { new BatchItemBody("row-1", card.CardNumber, venue.VenueId, OccurredAt: yesterday) } }));
        var keyedIn = await ResultsAsync(await RecordBatchAsync(desk, new { items = new[] { new BatchItemBody("row-1", card.CardNumber, OccurredAt: yesterday.AddHours(1)) } }));

        (Status(imported.Single()), Status(keyedIn.Single())).ShouldBe((201, 201));
        UseId(keyedIn.Single()).ShouldNotBe(UseId(imported.Single()));
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((2, 2, 0));
    }

    [Fact]
    public async Task Nobody_but_the_national_admin_imports_not_even_the_venue_itself()
    {
        var card = Card(area, Date("2026-02-01"));
        await service.ApplyAsync(card, venue);
        var item = new BatchItemBody("row-1", card.CardNumber, venue.VenueId, OccurredAt: SharedRedemptionsService.Noon.AddDays(-1));
        SiteClient[] refused =
        [
            new($"venue-{Guid.NewGuid():N}"[..20], Roles.Venue, area, null, [venue.VenueId]),
            new($"partner-{Guid.NewGuid():N}"[..22], Roles.Partner, null, null, [venue.VenueId, Guid.NewGuid()]),
            .. Outsiders(area).Where(client => !client.IsNationalAdmin),
        ];

        foreach (var client in refused)
        {
            using var http = service.As(client, SharedRedemptionsService.TokenLifetime);
            await (await ImportAsync(http, new { items = new[] { item } })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        using var anonymous = service.Factory.CreateClient();
        await (await ImportAsync(anonymous, new { items = new[] { item } })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }

    [Fact]
    public async Task The_national_admin_records_no_use_at_a_desk_neither_one_by_one_nor_in_a_batch()
    {
        var card = Card(area, Date("2023-01-01"), validUntil: Date("2027-01-01"));
        await service.ApplyAsync(card, venue);
        using var admin = Admin();

        var results = await ResultsAsync(await RecordBatchAsync(admin, new
        {
            items = new[]
            {
                new BatchItemBody("old", card.CardNumber, venue.VenueId, OccurredAt: At("2023-06-01T10:00:00Z")),
                new BatchItemBody("yesterday", card.CardNumber, venue.VenueId, OccurredAt: SharedRedemptionsService.Noon.AddDays(-1)),
            },
        }));
        await (await RecordAsync(admin, new UseBody(card.CardNumber, venue.VenueId))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        results.Select(Status).ShouldBe([403, 403]);
        results.Select(Code).ShouldBe(["forbidden", "forbidden"]);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }

    [Fact]
    public async Task A_use_fifteen_days_old_is_still_too_late_at_the_desk_though_the_national_admin_may_import_it()
    {
        var card = Card(area, Date("2026-01-01"));
        await service.ApplyAsync(card, venue);
        using var desk = service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);
        using var admin = Admin();
        var fifteenDaysAgo = SharedRedemptionsService.Noon.AddDays(-15);

        var keyedIn = await ResultsAsync(await RecordBatchAsync(desk, new { items = new[] { new BatchItemBody("paper-1", card.CardNumber, OccurredAt: fifteenDaysAgo) } }));
        (Status(keyedIn.Single()), Code(keyedIn.Single())).ShouldBe((422, "too-late"));
        await service.ShouldRefuseAsync(desk, venue.VenueId, new UseBody(card.CardNumber, OccurredAt: fifteenDaysAgo), "too-late");

        var imported = await ResultsAsync(await ImportAsync(admin, new { items = new[] { new BatchItemBody("paper-1", card.CardNumber, venue.VenueId, OccurredAt: fifteenDaysAgo) } }));
        Status(imported.Single()).ShouldBe(201);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Theory]
    [MemberData(nameof(BatchTests.BatchesOfTheWrongSize), MemberType = typeof(BatchTests))]
    public async Task An_import_of_no_items_or_more_than_500_is_refused_whole(string json)
    {
        var card = Card(area, Date("2023-01-01"));
        await service.ApplyAsync(card, venue);
        using var admin = Admin();

        await (await admin.PostRawJsonAsync("/api/redemptions/import", json.Replace("{card}", card.CardNumber))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "batch-size-invalid");

        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }

    [Theory]
    [MemberData(nameof(BatchTests.BatchesThatAreNotBatches), MemberType = typeof(BatchTests))]
    public async Task An_import_that_is_not_valid_json_of_a_batch_is_a_400_that_records_nothing(string json)
    {
        var card = Card(area, Date("2023-01-01"));
        await service.ApplyAsync(card, venue);
        using var admin = Admin();

        await (await admin.PostRawJsonAsync("/api/redemptions/import", json.Replace("{card}", card.CardNumber))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");

        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }
}
