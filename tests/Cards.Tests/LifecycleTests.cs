using System.Net;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.TestSupport;

namespace Kaikukortti.Cards.Tests;

public sealed class LifecycleTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private CardsService cards = null!;

    public async ValueTask InitializeAsync() => cards = await CardsService.StartAsync(postgres, rabbitMq);

    public async ValueTask DisposeAsync() => await cards.DisposeAsync();

    [Fact]
    public async Task A_card_is_issued_renewed_replaced_and_closed()
    {
        using var distributor = cards.AsDistributor(cards.Distributor);
        var issued = await cards.IssueAsync(new { kind = "personal", birthYear = 1980, postalCode = "60100", children = 2 }, distributor);
        var number = issued.GetProperty("cardNumber").GetString()!;
        CardNumber.TryRead(number, out _).ShouldBe(CardNumber.Reading.Valid);

        var renewed = await (await distributor.PostAsync($"/api/cards/{number}/renew", null)).ShouldBeJsonAsync(HttpStatusCode.OK);
        var replacement = await (await distributor.PostJsonAsync($"/api/cards/{CardNumber.Display(number)}/replace", new { reason = "lost" })).ShouldBeJsonAsync(HttpStatusCode.Created);
        var newNumber = replacement.GetProperty("cardNumber").GetString()!;
        var old = await (await distributor.GetAsync($"/api/cards/{number}")).ShouldBeJsonAsync(HttpStatusCode.OK);
        old.GetProperty("replacedByCardNumber").GetString().ShouldBe(newNumber);
        replacement.GetProperty("replacesCardNumber").GetString().ShouldBe(number);
        await (await distributor.PostJsonAsync($"/api/cards/{newNumber}/close", new { reason = "holder-request" })).ShouldBeJsonAsync(HttpStatusCode.OK);

        (await cards.EventsAsync()).Select(e => e.Type).ShouldBe(
            ["DistributorRegistered", "DistributorRegistered", "CardIssued", "CardRenewed", "CardClosed", "CardIssued", "CardClosed"]);
        renewed.GetProperty("validUntil").GetString().ShouldNotBeNull();
    }

    [Fact]
    public async Task Every_cards_and_distributors_operation_is_named_and_summarized_in_the_OpenAPI_document()
    {
        using var client = cards.Factory.CreateClient();
        var document = await (await client.GetAsync("/openapi/v1.json")).ShouldBeJsonAsync(HttpStatusCode.OK);

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Path: path.Name, Method: operation.Name, operation.Value)))
            .ToList();
        operations.Select(o => o.Value.GetProperty("operationId").GetString()).ShouldBe(
            ["RegisterDistributor", "ListDistributors", "GetDistributor", "DeactivateDistributor", "ActivateDistributor", "IssueCard", "ListCards",
             "ReadCardAuditLog", "GetCardTotals", "GetCard", "CheckCard", "CardQrCode", "RenewCard", "CloseCard", "ReplaceCard"], ignoreOrder: true);
        operations.Where(o => !o.Value.TryGetProperty("summary", out _)).ShouldBeEmpty();
        operations.Single(o => o.Path == "/api/cards/{cardNumber}/status").Value.GetProperty("responses").TryGetProperty("404", out _).ShouldBeTrue();
    }
}
