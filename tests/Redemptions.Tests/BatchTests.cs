using System.Net;
using System.Text.Json;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.TestSupport;
using static Kaikukortti.Redemptions.Tests.RedemptionsService;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// Uses written on paper while offline and keyed in later, up to 500 at a time: each item is recorded or refused on its
/// own, with its own Idempotency-Key and its original time, and the answer lists every item in order.
/// </summary>
public sealed class BatchTests : IClassFixture<SharedRedemptionsService>
{
    private readonly RedemptionsService service;
    private readonly string area = SharedRedemptionsService.NewArea();
    private readonly VenueRegistered venue;
    private readonly CardIssued card;

    public BatchTests(SharedRedemptionsService shared)
    {
        service = shared.Service;
        shared.Clock.Now = SharedRedemptionsService.Noon;
        venue = Venue(area);
        card = Card(area, Date("2026-02-01"));
    }

    private HttpClient Desk() => service.AsVenue(venue.VenueId, SharedRedemptionsService.TokenLifetime);

    private static async Task<List<JsonElement>> ResultsAsync(HttpResponseMessage response) =>
        [.. (await response.ShouldBeJsonAsync(HttpStatusCode.OK)).GetProperty("results").EnumerateArray()];

    private static int Status(JsonElement result) => result.GetProperty("status").GetInt32();

    private static string? Code(JsonElement result) => result.GetProperty("code").GetString();

    [Fact]
    public async Task A_batch_answers_every_item_in_order_and_one_bad_item_sinks_nothing_else()
    {
        var show = Offering(venue.VenueId, tickets: 3);
        await service.ApplyAsync(card, venue, show);
        using var desk = Desk();
        desk.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var unknown = NewCardNumber();
        var monday = At("2026-03-09T08:15:00Z");
        var first = new BatchItemBody("paper-1", card.CardNumber, OfferingId: show.OfferingId, OccurredAt: monday);
        BatchItemBody[] items =
        [
            first,
            new("paper-2", unknown, OccurredAt: monday),
            new("paper-3", "1234", OccurredAt: monday),
            first,
            first with { Children = 1 },
            new(null, card.CardNumber, OccurredAt: monday),
            new("paper-4", card.CardNumber, VenueId: Guid.NewGuid(), OccurredAt: monday),
            // 3 tickets wanted, 2 left: refused whole; the next family of 2 still gets in.
            new("paper-5", card.CardNumber, OfferingId: show.OfferingId, Children: 2, OccurredAt: monday),
            new("paper-6", card.CardNumber, OfferingId: show.OfferingId, Children: 1, OccurredAt: monday.AddHours(1)),
            new("paper-7", card.CardNumber, OccurredAt: At("2026-02-20T10:00:00Z")),
            new("paper-8", card.CardNumber, Children: 1, OccurredAt: monday.AddHours(2)),
        ];

        var results = await ResultsAsync(await RecordBatchAsync(desk, new { items }));

        results.Select(r => r.GetProperty("idempotencyKey").GetString()).ShouldBe(items.Select(i => i.IdempotencyKey));
        results.Select(Status).ShouldBe([201, 422, 400, 201, 422, 400, 403, 422, 201, 422, 201]);
        results.Select(Code).ShouldBe(
        [
            null, "card-unknown", "card-number-invalid", null, "idempotency-key-reused", "idempotency-key-required", "forbidden", "quota-exhausted", null,
            "too-late", null,
        ]);
        results[1].GetProperty("detail").GetString().ShouldBe($"The card {unknown} is not known.");
        results.Where(r => Status(r) != 201).ShouldAllBe(r => r.GetProperty("detail").GetString()!.Length > 0 && r.GetProperty("use").ValueKind == JsonValueKind.Null);
        var recorded = results.Where(r => Status(r) == 201).Select(r => r.GetProperty("use")).ToList();
        recorded.ShouldAllBe(use => use.GetProperty("status").GetString() == "recorded" && use.GetProperty("cardNumber").GetString() == card.CardNumber);
        recorded[1].GetProperty("id").GetGuid().ShouldBe(recorded[0].GetProperty("id").GetGuid(), "a key repeated in a batch is a replay");
        recorded[0].GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(monday);
        recorded[3].GetProperty("occurredAt").GetDateTimeOffset().ShouldBe(monday.AddHours(2));
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((3, 3, 3));
    }

    [Fact]
    public async Task A_batch_sent_again_after_a_lost_answer_gets_the_same_answers_and_records_nothing_more()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var batch = new { items = Enumerable.Range(0, 5).Select(i => new BatchItemBody($"sheet-1-row-{i}", card.CardNumber, OccurredAt: At("2026-03-10T08:00:00Z").AddHours(i))).ToList() };

        var first = await ResultsAsync(await RecordBatchAsync(desk, batch));
        var again = await ResultsAsync(await RecordBatchAsync(desk, batch));

        first.Select(Status).ShouldAllBe(status => status == 201);
        again.Select(r => r.GetProperty("use").GetProperty("id").GetGuid()).ShouldBe(first.Select(r => r.GetProperty("use").GetProperty("id").GetGuid()));
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((5, 5, 0));
    }

    [Fact]
    public async Task Keys_are_shared_between_single_uses_and_batches()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var occurredAt = At("2026-03-11T15:00:00Z");
        var id = await RecordedAsync(desk, new UseBody(card.CardNumber, OccurredAt: occurredAt), "desk-42");

        var results = await ResultsAsync(await RecordBatchAsync(desk, new
        {
            items = new[] { new BatchItemBody("desk-42", card.CardNumber, OccurredAt: occurredAt), new BatchItemBody("desk-42", card.CardNumber, Children: 1, OccurredAt: occurredAt) },
        }));

        (Status(results[0]), results[0].GetProperty("use").GetProperty("id").GetGuid()).ShouldBe((201, id));
        (Status(results[1]), Code(results[1])).ShouldBe((422, "idempotency-key-reused"));
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    [Fact]
    public async Task A_null_item_is_a_bad_request_of_its_own()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();

        var results = await ResultsAsync(await desk.PostRawJsonAsync("/api/redemptions/batch",
            $$"""{"items":[null,{"idempotencyKey":"row-2","cardNumber":"{{card.CardNumber}}"}]}"""));

        (Status(results[0]), Code(results[0])).ShouldBe((400, "bad-request"));
        Status(results[1]).ShouldBe(201);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((1, 1, 0));
    }

    public static TheoryData<string> BatchesOfTheWrongSize => new()
    {
        """{"items":[]}""",
        """{}""",
        """{"items":null}""",
        $$"""{"items":[{{string.Join(",", Enumerable.Range(0, 501).Select(i => $$"""{"idempotencyKey":"row-{{i}}","cardNumber":"{card}"}"""))}}]}""",
    };

    [Theory]
    [MemberData(nameof(BatchesOfTheWrongSize))]
    public async Task A_batch_of_no_items_or_more_than_500_is_refused_whole(string json)
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();

        var problem = await (await desk.PostRawJsonAsync("/api/redemptions/batch", json.Replace("{card}", card.CardNumber)))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "batch-size-invalid");

        problem.GetProperty("detail").GetString()!.ShouldContain("500");
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }

    public static TheoryData<string> BatchesThatAreNotBatches => new()
    {
        """{"items":[{"idempotencyKey":"row-1","cardNumber":"{card}"}""",
        """{"items":{"idempotencyKey":"row-1","cardNumber":"{card}"}}""",
        """{"items":[{"idempotencyKey":"row-1","cardNumber":"{card}","extra":true}]}""",
        """{"items":[{"idempotencyKey":1,"cardNumber":"{card}"}]}""",
        """[{"idempotencyKey":"row-1","cardNumber":"{card}"}]""",
    };

    [Theory]
    [MemberData(nameof(BatchesThatAreNotBatches))]
    public async Task A_batch_that_is_not_valid_json_of_a_batch_is_a_400_that_records_nothing(string json)
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();

        await (await desk.PostRawJsonAsync("/api/redemptions/batch", json.Replace("{card}", card.CardNumber))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "bad-request");

        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }

    [Fact]
    public async Task A_batch_of_500_paper_records_is_recorded_whole_with_each_uses_own_time()
    {
        await service.ApplyAsync(card, venue);
        using var desk = Desk();
        var firstDay = At("2026-02-27T08:00:00Z");
        var items = Enumerable.Range(0, 500).Select(i => new BatchItemBody($"archive-{i}", card.CardNumber, Children: i % 3, OccurredAt: firstDay.AddMinutes(37 * i))).ToList();

        var results = await ResultsAsync(await RecordBatchAsync(desk, new { items }));

        results.Count.ShouldBe(500);
        results.Select(Status).ShouldAllBe(status => status == 201);
        results.Select(r => r.GetProperty("use").GetProperty("occurredAt").GetDateTimeOffset()).ShouldBe(items.Select(i => i.OccurredAt!.Value));
        results.Select(r => r.GetProperty("use").GetProperty("id").GetGuid()).Distinct().Count().ShouldBe(500);
        (await service.FootprintAsync(venue.VenueId)).ShouldBe((500, 500, 0));
    }

    [Fact]
    public async Task Only_the_venues_clients_record_its_uses_in_a_batch()
    {
        await service.ApplyAsync(card, venue);

        foreach (var outsider in Outsiders(area))
        {
            using var client = service.As(outsider, SharedRedemptionsService.TokenLifetime);
            var results = await ResultsAsync(await RecordBatchAsync(client, new { items = new[] { new BatchItemBody("row-1", card.CardNumber, venue.VenueId) } }));
            (Status(results.Single()), Code(results.Single())).ShouldBe((403, "forbidden"));
        }
        using var anonymous = service.Factory.CreateClient();
        await (await RecordBatchAsync(anonymous, new { items = new[] { new BatchItemBody("row-1", card.CardNumber, venue.VenueId) } }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");

        (await service.FootprintAsync(venue.VenueId)).ShouldBe((0, 0, 0));
    }
}
