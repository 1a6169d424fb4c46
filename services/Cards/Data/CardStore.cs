using Dapper;
using Kaikukortti.ServiceDefaults;
using Kaikukortti.Cards.Domain;
using Npgsql;

namespace Kaikukortti.Cards.Data;

/// <summary>A page of a distributor's cards and how many it has in all.</summary>
public sealed record CardPage(IReadOnlyList<Card> Items, int Total);

public static class CardStore
{
    private const string Columns = """
        id, card_number, kind, distributor_id, area_code, birth_year, postal_code, children, group_size, gender, age_group, life_situation,
        issued_on, valid_until, closed_at, close_reason, replaces_card_id, replaces_card_number, replaced_by_card_id, replaced_by_card_number, issued_at, changed_at
        """;

    /// <summary>
    /// Inserts <paramref name="card"/>, drawing a new number for as long as the drawn one is already taken, so the
    /// transaction never aborts on a collision.
    /// </summary>
    /// <returns>The card as stored, with the number it got.</returns>
    public static async Task<Card> InsertAsync(NpgsqlTransaction transaction, Card card, CardNumberGenerator numbers, CancellationToken cancellationToken)
    {
        while (await transaction.Connection!.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO cards ({Columns})
            VALUES (@Id, @Number, @Kind, @DistributorId, @AreaCode, @BirthYear, @PostalCode, @Children, @GroupSize, @Gender, @AgeGroup, @LifeSituation,
                    @IssuedOn, @ValidUntil, @ClosedAt, @CloseReason, @ReplacesCardId, @ReplacesCardNumber, @ReplacedByCardId, @ReplacedByCardNumber, @IssuedAt, @ChangedAt)
            ON CONFLICT (card_number) DO NOTHING
            """, Parameters(card), transaction, cancellationToken: cancellationToken)) == 0)
            card = card with { Number = numbers.Next() };
        return card;
    }

    public static Task UpdateAsync(NpgsqlTransaction transaction, Card card, CancellationToken cancellationToken) =>
        transaction.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE cards SET valid_until = @ValidUntil, closed_at = @ClosedAt, close_reason = @CloseReason, replaced_by_card_id = @ReplacedByCardId,
                replaced_by_card_number = @ReplacedByCardNumber, changed_at = @ChangedAt
            WHERE id = @Id
            """, Parameters(card), transaction, cancellationToken: cancellationToken));

    /// <summary>The card, locked for the rest of <paramref name="transaction"/> when one is given, so changes apply one after another.</summary>
    public static async Task<Card?> FindAsync(NpgsqlConnection connection, string number, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<CardRow>(new CommandDefinition(
            $"SELECT {Columns} FROM cards WHERE card_number = @number {(transaction is null ? "" : "FOR UPDATE")}",
            new { number }, transaction, cancellationToken: cancellationToken));
        return row?.ToCard();
    }

    public static async Task<CardPage> ListAsync(NpgsqlConnection connection, Guid distributorId, Paging paging, CancellationToken cancellationToken)
    {
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT {Columns} FROM cards WHERE distributor_id = @distributorId ORDER BY issued_at DESC, id OFFSET @Offset LIMIT @PageSize;
            SELECT count(*)::int FROM cards WHERE distributor_id = @distributorId;
            """, new { distributorId, paging.Offset, paging.PageSize }, cancellationToken: cancellationToken));
        var items = (await results.ReadAsync<CardRow>()).Select(r => r.ToCard()).ToList();
        return new CardPage(items, await results.ReadSingleAsync<int>());
    }

    public static Task<Api.CardTotals> TotalsAsync(NpgsqlConnection connection, DateOnly today, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<Api.CardTotals>(new CommandDefinition("""
            SELECT count(*) FILTER (WHERE replaces_card_id IS NULL)::int AS cards_issued,
                   count(*) FILTER (WHERE replaces_card_id IS NOT NULL)::int AS replacements,
                   count(*) FILTER (WHERE closed_at IS NULL AND valid_until >= @today)::int AS active_cards
            FROM cards
            """, new { today }, cancellationToken: cancellationToken));

    private static object Parameters(Card card) => new
    {
        card.Id, card.Number, card.Holder.Kind, card.DistributorId, card.AreaCode, card.Holder.BirthYear, card.Holder.PostalCode, card.Holder.Children,
        card.Holder.GroupSize, card.Holder.Gender, card.Holder.AgeGroup, card.Holder.LifeSituation, card.IssuedOn, card.ValidUntil, card.ClosedAt,
        card.CloseReason, ReplacesCardId = card.Replaces?.Id, ReplacesCardNumber = card.Replaces?.Number, ReplacedByCardId = card.ReplacedBy?.Id,
        ReplacedByCardNumber = card.ReplacedBy?.Number, card.IssuedAt, card.ChangedAt,
    };

    private sealed class CardRow
    {
        public Guid Id { get; init; }
        public string CardNumber { get; init; } = "";
        public string Kind { get; init; } = "";
        public Guid DistributorId { get; init; }
        public string AreaCode { get; init; } = "";
        public int? BirthYear { get; init; }
        public string? PostalCode { get; init; }
        public int Children { get; init; }
        public int? GroupSize { get; init; }
        public string? Gender { get; init; }
        public string? AgeGroup { get; init; }
        public string? LifeSituation { get; init; }
        public DateTime IssuedOn { get; init; }
        public DateTime ValidUntil { get; init; }
        public DateTime? ClosedAt { get; init; }
        public string? CloseReason { get; init; }
        public Guid? ReplacesCardId { get; init; }
        public string? ReplacesCardNumber { get; init; }
        public Guid? ReplacedByCardId { get; init; }
        public string? ReplacedByCardNumber { get; init; }
        public DateTime IssuedAt { get; init; }
        public DateTime ChangedAt { get; init; }

        public Card ToCard() => new(
            Id, CardNumber, DistributorId, AreaCode, new CardHolder(Kind, BirthYear, PostalCode, Children, GroupSize, Gender, AgeGroup, LifeSituation),
            DateOnly.FromDateTime(IssuedOn), DateOnly.FromDateTime(ValidUntil), ClosedAt is { } closed ? new DateTimeOffset(closed, TimeSpan.Zero) : null,
            CloseReason, Link(ReplacesCardId, ReplacesCardNumber), Link(ReplacedByCardId, ReplacedByCardNumber), new DateTimeOffset(IssuedAt, TimeSpan.Zero), new DateTimeOffset(ChangedAt, TimeSpan.Zero));

        private static CardLink? Link(Guid? id, string? number) => id is { } linked ? new CardLink(linked, number!) : null;
    }
}
