using System.Collections.Concurrent;
using System.Net;
using Dapper;
using Kaikukortti.Cards.Domain;
using Kaikukortti.Contracts.Cards;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Kaikukortti.Cards.Tests;

/// <summary>Card numbers stay unique when drawn concurrently and when the generator repeats itself.</summary>
public sealed class NumberGenerationTests(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    private readonly ScriptedNumbers numbers = new();
    private CardsService cards = null!;

    public async ValueTask InitializeAsync() =>
        cards = await CardsService.StartAsync(postgres, rabbitMq, services => services.AddSingleton<CardNumberGenerator>(numbers));

    public async ValueTask DisposeAsync() => await cards.DisposeAsync();

    [Fact]
    public async Task Concurrently_issued_cards_all_get_distinct_valid_numbers()
    {
        const int count = 100;
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => cards.IssueAsync(CardsService.Personal(cards.Distributor))));

        var issued = responses.Select(r => r.GetProperty("cardNumber").GetString()!).ToList();
        issued.Distinct().Count().ShouldBe(count);
        issued.ShouldAllBe(n => IsValid(n));
        await using var connection = await cards.OpenAsync();
        (await connection.ExecuteScalarAsync<int>("SELECT count(DISTINCT card_number) FROM cards")).ShouldBe(count);
        (await cards.EventsAsync()).Count(e => e.Type == "CardIssued").ShouldBe(count);
    }

    [Fact]
    public async Task A_number_already_given_out_is_drawn_again_even_when_requests_race_for_it()
    {
        var first = (await cards.IssueAsync(CardsService.Personal(cards.Distributor))).GetProperty("cardNumber").GetString()!;

        // Every request draws the taken number first, and then the same fresh number, which only one of them can have.
        var contested = new CardNumberGenerator().Next();
        numbers.Script(Enumerable.Range(0, 20).SelectMany(_ => new[] { first, contested }));
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => cards.IssueAsync(CardsService.Personal(cards.Distributor))));

        var issued = responses.Select(r => r.GetProperty("cardNumber").GetString()!).Append(first).ToList();
        issued.Distinct().Count().ShouldBe(21);
        issued.Count(n => n == contested).ShouldBeLessThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_replacement_never_reuses_a_number()
    {
        var old = (await cards.IssueAsync(CardsService.Personal(cards.Distributor))).GetProperty("cardNumber").GetString()!;
        var other = (await cards.IssueAsync(CardsService.Personal(cards.Distributor))).GetProperty("cardNumber").GetString()!;

        numbers.Script([old, other]);
        var replacement = await (await cards.Admin.PostJsonAsync($"/api/cards/{old}/replace", new { reason = "damaged" })).ShouldBeJsonAsync(HttpStatusCode.Created);

        replacement.GetProperty("cardNumber").GetString().ShouldNotBeOneOf(old, other);
    }

    /// <summary>Hands out scripted numbers first, then random ones.</summary>
    private sealed class ScriptedNumbers : CardNumberGenerator
    {
        private readonly ConcurrentQueue<string> script = new();

        public void Script(IEnumerable<string> next)
        {
            foreach (var number in next) script.Enqueue(number);
        }

        public override string Next() => script.TryDequeue(out var number) ? number : base.Next();
    }

    private static bool IsValid(string number) => CardNumber.TryRead(number, out _) == CardNumber.Reading.Valid;
}
