using Dapper;
using Kaikukortti.ServiceDefaults.Data;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Tests;

public sealed class MigrationRunnerTests(PostgresFixture postgres)
{
    private static readonly Migration[] Migrations =
    [
        new("test/0001_cards", "CREATE TABLE cards (id int PRIMARY KEY)"),
        new("test/0002_uses", "CREATE TABLE uses (id int PRIMARY KEY, card_id int NOT NULL REFERENCES cards)"),
    ];

    [Fact]
    public async Task Applies_pending_migrations_in_order_and_records_them()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        var applied = await Runner(dataSource).ApplyAsync(Migrations);

        applied.ShouldBe(["test/0001_cards", "test/0002_uses"]);
        (await AppliedIdsAsync(dataSource)).ShouldBe(["test/0001_cards", "test/0002_uses"]);
        await dataSource.CreateCommand("INSERT INTO cards VALUES (1); INSERT INTO uses VALUES (1, 1)").ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Running_again_applies_only_new_migrations()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await Runner(dataSource).ApplyAsync(Migrations[..1]);

        (await Runner(dataSource).ApplyAsync(Migrations)).ShouldBe(["test/0002_uses"]);
        (await Runner(dataSource).ApplyAsync(Migrations)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Concurrent_starts_apply_each_migration_exactly_once()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        // Without the advisory lock the losers would fail on "relation already exists".
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Runner(dataSource).ApplyAsync(Migrations))));

        results.Sum(r => r.Count).ShouldBe(2);
        (await AppliedIdsAsync(dataSource)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_failing_migration_leaves_nothing_behind_and_stops_the_start()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        Migration[] migrations =
        [
            Migrations[0],
            new("test/0002_broken", "CREATE TABLE half_done (id int); SELECT * FROM no_such_table"),
            new("test/0003_later", "CREATE TABLE later (id int)"),
        ];

        await Should.ThrowAsync<PostgresException>(() => Runner(dataSource).ApplyAsync(migrations));

        (await AppliedIdsAsync(dataSource)).ShouldBe(["test/0001_cards"]);
        (await TableExistsAsync(dataSource, "half_done")).ShouldBeFalse();
        (await TableExistsAsync(dataSource, "later")).ShouldBeFalse();
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await Runner(dataSource).ApplyAsync(Migrations);

        var edited = Migrations[1] with { Sql = "CREATE TABLE uses (id bigint PRIMARY KEY)" };
        var error = await Should.ThrowAsync<InvalidOperationException>(() => Runner(dataSource).ApplyAsync([Migrations[0], edited]));

        error.Message.ShouldContain("test/0002_uses");
    }

    [Fact]
    public void Embedded_migrations_are_found_in_name_order_with_their_scope()
    {
        var shared = Migration.FromAssembly(typeof(MigrationRunner).Assembly, "kaiku");
        var own = Migration.FromAssembly(typeof(MigrationRunnerTests).Assembly, "tests");

        shared.Select(m => m.Id).ShouldBe(["kaiku/0001_messaging", "kaiku/0002_outbox_without_message_id_index"]);
        shared[0].Sql.ShouldContain("CREATE TABLE outbox");
        own.Select(m => m.Id).ShouldBe(["tests/0001_pings"]);
    }

    private static MigrationRunner Runner(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<MigrationRunner>.Instance);

    private static async Task<List<string>> AppliedIdsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("SELECT id FROM schema_migrations ORDER BY id")).ToList();
    }

    private static async Task<bool> TableExistsAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT to_regclass(@table) IS NOT NULL", new { table });
    }
}
