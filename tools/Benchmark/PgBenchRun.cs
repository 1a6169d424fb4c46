using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Kaikukortti.Benchmark;

/// <param name="Transactions">Transactions completed, each one recorded use.</param>
public sealed record PgBenchResult(int Connections, string CommandLine, long Transactions, long Failed, double Tps, double P50Ms, double P95Ms, double P99Ms);

/// <summary>
/// The physical reference: pgbench making exactly the reads and writes of one recorded use (see <see cref="ScriptFile"/>)
/// against a scratch copy of the Redemptions database on the same server. Never the live database: its outbox relay
/// would publish pgbench's rows to Statistics.
/// </summary>
public sealed partial class PgBenchRun : IAsyncDisposable
{
    public const string Database = "pgbench_redemptions";
    public const string ScriptFile = "record-use.sql";
    private const string SchemaFile = "redemptions-schema.sql";
    private const string LiveDatabase = "redemptionsdb";

    private readonly string _adminConnectionString;
    private readonly string _binDirectory;
    private readonly string _workDirectory;
    private readonly NpgsqlConnectionStringBuilder _server;

    private PgBenchRun(string adminConnectionString, string binDirectory, string workDirectory)
    {
        _adminConnectionString = adminConnectionString;
        _binDirectory = binDirectory;
        _workDirectory = workDirectory;
        _server = new NpgsqlConnectionStringBuilder(adminConnectionString);
    }

    /// <summary>Every command that set up the scratch database, in order.</summary>
    public List<string> SetupCommands { get; } = [];

    public string Script { get; private set; } = "";

    /// <summary>
    /// Creates the scratch database with the live one's schema (pg_dump --schema-only) and copies in the benchmark area's
    /// cards, venues and offerings, plus the newest real UseRecorded outbox row as the event body to write.
    /// </summary>
    public static async Task<PgBenchRun> CreateAsync(string adminConnectionString, string binDirectory, string workDirectory, string area, CancellationToken ct)
    {
        var run = new PgBenchRun(adminConnectionString, binDirectory, workDirectory);
        try
        {
            await run.CreateDatabaseAsync(area, ct);
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    public async Task<PgBenchResult> RunAsync(int connections, TimeSpan duration, CancellationToken ct)
    {
        var logPrefix = $"pgbench-c{connections}";
        foreach (var old in Directory.EnumerateFiles(_workDirectory, logPrefix + ".*")) File.Delete(old);
        // -M prepared: the services' Npgsql prepares the statements it sends often (Max Auto Prepare, ServiceDefaults'
        // DataExtensions). -n: there are no pgbench tables to vacuum. -l: per-transaction latencies.
        var command = Tool("pgbench",
            ["-n", "-M", "prepared", "-c", $"{connections}", "-j", $"{Math.Min(2, connections)}", "-T", $"{(int)duration.TotalSeconds}",
             "-f", ScriptFile, "-l", $"--log-prefix={logPrefix}", .. ConnectionArguments(), Database]);
        var output = await command.RunCheckedAsync(ct);
        var latencies = Directory.EnumerateFiles(_workDirectory, logPrefix + ".*")
            .SelectMany(File.ReadLines)
            // client_id transaction_no time script_no time_epoch time_us: time is the latency in µs, or "failed".
            .Select(line => double.TryParse(line.Split(' ')[2], CultureInfo.InvariantCulture, out var microseconds) ? microseconds / 1000 : double.NaN)
            .Where(ms => !double.IsNaN(ms))
            .ToArray();
        return new PgBenchResult(connections, command.Display, Number(ProcessedPattern(), output), Number(FailedPattern(), output, orZero: true),
            double.Parse(TpsPattern().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95), Percentiles.Of(latencies, 99));
    }

    /// <summary>Drops the scratch database.</summary>
    public async ValueTask DisposeAsync()
    {
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private async Task CreateDatabaseAsync(string area, CancellationToken ct)
    {
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE); CREATE DATABASE {Database}", admin);
            await create.ExecuteNonQueryAsync(ct);
            SetupCommands.Add($"psql -c 'CREATE DATABASE {Database}'");
        }

        foreach (var command in new[]
        {
            Tool("pg_dump", ["--schema-only", "--no-owner", "-f", SchemaFile, .. ConnectionArguments(), LiveDatabase]),
            Tool("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", SchemaFile, .. ConnectionArguments(), Database]),
        })
        {
            await command.RunCheckedAsync(ct);
            SetupCommands.Add(command.Display);
        }

        await using var live = new NpgsqlConnection(ConnectionStringTo(LiveDatabase));
        await using var scratch = new NpgsqlConnection(ConnectionStringTo(Database));
        await Task.WhenAll(live.OpenAsync(ct), scratch.OpenAsync(ct));
        // The area code is our own (benchmark-<time stamp>), safe to put in the text: COPY takes no parameters.
        var venues = $"SELECT id FROM venues WHERE area_code = '{area}'";
        foreach (var (table, rows) in new[]
        {
            ("cards", $"SELECT * FROM cards WHERE area_code = '{area}'"),
            ("venues", $"SELECT * FROM venues WHERE id IN ({venues})"),
            ("offerings", $"SELECT * FROM offerings WHERE venue_id IN ({venues})"),
        })
        {
            await CopyAsync(live, rows, scratch, table, ct);
            SetupCommands.Add($"COPY ({rows}) TO STDOUT (FORMAT binary) on {LiveDatabase} → COPY {table} FROM STDIN (FORMAT binary) on {Database}");
        }

        await using var outbox = new NpgsqlCommand(
            "SELECT message_type, body::text, trace_parent FROM outbox WHERE message_type LIKE 'Kaikukortti.Contracts.Redemptions.UseRecorded,%' ORDER BY id DESC LIMIT 1", live);
        await using var reader = await outbox.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The Redemptions outbox holds no UseRecorded event to copy.");
        var (type, body, traceParent) = (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        await reader.DisposeAsync();

        await using var picks = new NpgsqlCommand("""
            -- UUIDv7 as Guid.CreateVersion7() makes them: new rows go to the right edge of the primary key's index.
            CREATE FUNCTION pgbench_uuid7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
                SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid $$;
            -- pgbench can only draw numbers: these turn a number into the card, venue and offering a request would name.
            CREATE TABLE pgbench_cards AS SELECT row_number() OVER (ORDER BY card_number)::int AS n, card_number FROM cards;
            ALTER TABLE pgbench_cards ADD PRIMARY KEY (n);
            CREATE TABLE pgbench_sites AS SELECT row_number() OVER (ORDER BY id)::int AS n, venue_id, id AS offering_id FROM offerings;
            ALTER TABLE pgbench_sites ADD PRIMARY KEY (n);
            ANALYZE;
            SELECT (SELECT count(*) FROM pgbench_cards)::int, (SELECT count(*) FROM pgbench_sites)::int;
            """, scratch);
        await using var counts = await picks.ExecuteReaderAsync(ct);
        await counts.ReadAsync(ct);
        Script = WriteScript(counts.GetInt32(0), counts.GetInt32(1), type, body, traceParent);
        await File.WriteAllTextAsync(Path.Combine(_workDirectory, ScriptFile), Script, ct);
    }

    /// <summary>
    /// One recorded use as RedemptionsApi.RecordAsync makes it through Npgsql, statement for statement: Npgsql sends BEGIN
    /// with the first statement, the key's claim with the three replica reads, and the use, its outbox row and the key's
    /// answer as one batch each, then COMMIT. pgbench cannot keep a row's values (\gset) inside a pipeline, so the reads
    /// (one SELECT here) take a round trip of their own: four round trips here, three in the service.
    /// </summary>
    private static string WriteScript(int cards, int sites, string type, string body, string? traceParent) => $$"""
        \set card random(1, {{cards}})
        \set site random(1, {{sites}})
        \set key random(1, 1000000000000000)
        \startpipeline
        BEGIN;
        INSERT INTO idempotency_keys (client_id, key, request_hash, created_at) VALUES ('pgbench', 'pgbench-' || :client_id::text || '-' || :key::text, '{{new string('A', 64)}}', now()) ON CONFLICT DO NOTHING;
        \endpipeline
        SELECT c.id AS card_id, c.card_number, c.kind AS card_kind, c.area_code AS card_area, c.distributor_id, c.issued_on, c.valid_until, c.children, c.closed_at IS NULL AS open, v.id AS venue_id, v.area_code AS venue_area, v.category, v.accepts_other_areas, v.active, o.id AS offering_id, o.kind AS offering_kind, pgbench_uuid7() AS use_id, pgbench_uuid7() AS message_id FROM pgbench_cards pc JOIN cards c ON c.card_number = pc.card_number, pgbench_sites ps JOIN venues v ON v.id = ps.venue_id JOIN offerings o ON o.id = ps.offering_id WHERE pc.n = :card AND ps.n = :site
        \gset
        \startpipeline
        INSERT INTO uses (id, client_id, card_id, card_number, card_kind, card_area, distributor_id, venue_id, venue_area, category, offering_id, offering_kind, quota_period, adults, children, assistants, occurred_at, recorded_at, cancelled_at) VALUES (:use_id, 'pgbench', :card_id, :card_number, :card_kind, :card_area, :distributor_id, :venue_id, :venue_area, :category, :offering_id, :offering_kind, NULL, 1, 0, 0, now(), now(), NULL);
        INSERT INTO outbox (message_id, message_type, body, trace_parent) VALUES (:message_id, {{Literal(type)}}, {{Literal(body)}}::jsonb, {{(traceParent is null ? "NULL" : Literal(traceParent))}});
        UPDATE idempotency_keys SET use_id = :use_id, refusal_code = NULL, refusal_args = NULL WHERE client_id = 'pgbench' AND key = 'pgbench-' || :client_id::text || '-' || :key::text;
        \endpipeline
        COMMIT;

        """;

    private static string Literal(string text) => $"'{text.Replace("'", "''")}'";

    private static async Task CopyAsync(NpgsqlConnection from, string rows, NpgsqlConnection to, string table, CancellationToken ct)
    {
        await using var source = await from.BeginRawBinaryCopyAsync($"COPY ({rows}) TO STDOUT (FORMAT binary)", ct);
        await using var target = await to.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT binary)", ct);
        await source.CopyToAsync(target, ct);
    }

    private Command Tool(string name, IReadOnlyList<string> arguments) => new(Path.Combine(_binDirectory, name), arguments, _workDirectory);

    private string[] ConnectionArguments() => ["-h", _server.Host!, "-p", $"{_server.Port}", "-U", _server.Username!];

    private string ConnectionStringTo(string database) => new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database, Pooling = false }.ConnectionString;

    private static long Number(Regex pattern, string output, bool orZero = false) =>
        pattern.Match(output) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
        : orZero ? 0 : throw new InvalidOperationException($"pgbench printed no '{pattern}':\n{output}");

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex ProcessedPattern();

    [GeneratedRegex(@"number of failed transactions: (\d+)")]
    private static partial Regex FailedPattern();

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex TpsPattern();
}
