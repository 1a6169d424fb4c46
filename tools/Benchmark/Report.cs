using System.Text;

namespace Kaikukortti.Benchmark;

/// <summary>The Markdown report: figures next to their targets, the machine, and every command that produced a figure.</summary>
public static class Report
{
    private const double GatewayTarget = 1000, GatewayP99Target = 50, CeilingShareTarget = 0.5, OverheadTarget = 1, LagP99Target = 1000, QueryP95Target = 50;

    public static string Render(Results r)
    {
        var gateway = r.Loads.Where(l => l.Wrk.Target == "gateway").ToList();
        var direct = r.Loads.Where(l => l.Wrk.Target == "direct").ToDictionary(l => l.Wrk.Connections);
        var pgBench = r.PgBench.Select(p => p.PgBench).ToList();
        var ceiling = pgBench.Max(p => p.Tps);
        var md = new StringBuilder();
        md.AppendLine($"# Kaikukortti benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC").AppendLine();
        md.AppendLine($"`dotnet run -c Release --project tools/Benchmark{(r.Options.CommandLine.Length > 0 ? " -- " + r.Options.CommandLine : "")}` — "
            + $"{r.Options.Duration.TotalSeconds:0} s per run, "
            + $"concurrency {string.Join(", ", r.Options.Concurrency)}; the whole run took {r.Elapsed.TotalMinutes:0.0} minutes.").AppendLine();

        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| target | measured | |").AppendLine("|---|---|---|");
        Target(md, $"≥ {GatewayTarget:N0} uses/s through the gateway with p99 < {GatewayP99Target} ms",
            Each(gateway, l => $"{l.Wrk.UsesPerSecond:N0}/s, p99 {l.Wrk.P99Ms:0.0} ms"),
            gateway.Any(l => l.Wrk.UsesPerSecond >= GatewayTarget && l.Wrk.P99Ms < GatewayP99Target));
        var best = gateway.Max(l => l.Wrk.UsesPerSecond);
        Target(md, $"≥ {CeilingShareTarget:P0} of pgbench's ceiling", $"best {best:N0} uses/s ÷ best {ceiling:N0} tps = {best / ceiling:P0}", best / ceiling >= CeilingShareTarget);
        var unloadedOverhead = r.Unloaded.Where(u => u.Target == "gateway").Average(u => u.P50Ms) - r.Unloaded.Where(u => u.Target == "direct").Average(u => u.P50Ms);
        Target(md, $"gateway overhead < {OverheadTarget} ms at p50",
            $"unloaded (1 connection, nothing else running): {unloadedOverhead:+0.00;-0.00} ms; under load (section 2): "
            + Each(gateway, l => $"{l.Wrk.P50Ms - direct[l.Wrk.Connections].Wrk.P50Ms:+0.00;-0.00} ms"),
            unloadedOverhead < OverheadTarget);
        Target(md, $"event lag p99 < {LagP99Target / 1000:0} s under the gateway load", Each(gateway, l => $"{l.Lag.P99Ms:N0} ms"),
            gateway.All(l => l.Lag.P99Ms < LagP99Target && l.Lag.Unseen == 0));
        var slowest = r.Queries.MaxBy(q => q.P95Ms)!;
        Target(md, $"statistics queries p95 < {QueryP95Target} ms", $"slowest p95 {slowest.P95Ms:0.0} ms (`{slowest.Path}`, {slowest.Caller})",
            r.Queries.All(q => q.P95Ms < QueryP95Target && q.Failures == 0));
        md.AppendLine();

        md.AppendLine("## 1. Recorded uses through the gateway").AppendLine();
        md.AppendLine("wrk, closed loop: each connection sends the next `POST /api/redemptions` when the answer to the last has come. Every request has its own "
            + "`Idempotency-Key` and a random card of the set and venue of the area (personal cards, 1 adult, offerings without a quota), with the partner's "
            + "bearer token. Latencies are wrk's (requests that time out after 10 s would be left out of them, and counted as errors). Redemptions' own "
            + "count of the uses recorded meanwhile checks wrk's: it is a few higher, by the probe's uses and the requests in flight when wrk stopped.").AppendLine();
        md.AppendLine("| connections | uses/s | p50 ms | p95 ms | p99 ms | max ms | answers | non-201 | socket errors, timeouts | uses Redemptions recorded | target |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var l in gateway)
        {
            md.AppendLine($"| {l.Wrk.Connections} | {l.Wrk.UsesPerSecond:N0} | {l.Wrk.P50Ms:0.00} | {l.Wrk.P95Ms:0.00} | {l.Wrk.P99Ms:0.00} | {l.Wrk.MaxMs:0.0} | {l.Wrk.Requests:N0} | "
                + $"{l.Wrk.NonCreated:N0} | {l.Wrk.SocketErrors:N0} | {l.RecordedDuringRun:N0} ({l.Wrk.Requests - l.Wrk.NonCreated:N0} by wrk, {l.Lag.Samples + l.Lag.Unseen} by the probe) | "
                + $"{Mark(l.Wrk.UsesPerSecond >= GatewayTarget && l.Wrk.P99Ms < GatewayP99Target)} |");
        }
        md.AppendLine();

        md.AppendLine("## 2. The same load directly against the Redemptions service").AppendLine();
        md.AppendLine("The same script and token at the service's own address (the gateway's overhead is the difference).").AppendLine();
        md.AppendLine("| connections | uses/s | p50 ms | p95 ms | p99 ms | non-201 | socket errors, timeouts | gateway p50 − direct p50 | gateway ÷ direct throughput | target |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var g in gateway)
        {
            var d = direct[g.Wrk.Connections];
            var overhead = g.Wrk.P50Ms - d.Wrk.P50Ms;
            md.AppendLine($"| {d.Wrk.Connections} | {d.Wrk.UsesPerSecond:N0} | {d.Wrk.P50Ms:0.00} | {d.Wrk.P95Ms:0.00} | {d.Wrk.P99Ms:0.00} | {d.Wrk.NonCreated:N0} | "
                + $"{d.Wrk.SocketErrors:N0} | {overhead:+0.00;-0.00} ms | {g.Wrk.UsesPerSecond / d.Wrk.UsesPerSecond:P0} | {Mark(overhead < OverheadTarget)} |");
        }
        md.AppendLine();

        md.AppendLine("### The gateway's own cost, unloaded").AppendLine();
        md.AppendLine("Under load the difference above is mostly waiting: both cores are busy, and a request through the gateway waits for the CPU "
            + "at one more process. Here one connection records uses back to back at each target with nothing else running (no lag probe): "
            + "the difference is what the gateway itself adds to a request. Each run starts once PostgreSQL has finished what the loads left "
            + "behind (autovacuum, then a checkpoint); four runs each, in the order gateway, direct, direct, gateway, twice, so that whatever "
            + "still varies weighs on both alike.").AppendLine();
        md.AppendLine("| target | uses/s | p50 ms | p95 ms | p99 ms | non-201 | command |").AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var u in r.Unloaded)
            md.AppendLine($"| {u.Target} | {u.UsesPerSecond:N0} | {u.P50Ms:0.00} | {u.P95Ms:0.00} | {u.P99Ms:0.00} | {u.NonCreated:N0} | `{u.CommandLine}` |");
        md.AppendLine().AppendLine($"Gateway p50 − direct p50 (the means of the four runs each): {unloadedOverhead:+0.00;-0.00} ms. {Mark(unloadedOverhead < OverheadTarget)}").AppendLine();

        md.AppendLine("## 3. The physical reference: pgbench").AppendLine();
        md.AppendLine($"pgbench runs the statements of one recorded use (script below) against `{PgBenchRun.Database}`, a scratch database on the same "
            + "PostgreSQL server with the Redemptions schema and the benchmark's cards, venues and offerings — never the live database, whose outbox "
            + "relay would publish pgbench's rows. Mode `-M prepared`: the services' Npgsql prepares the statements it "
            + "sends often (`Max Auto Prepare`). pgbench has no HTTP, JSON, authentication or connection pool to pay for, "
            + "and no outbox relay or inbox writing beside it.").AppendLine();
        md.AppendLine("| connections | tps | p50 ms | p95 ms | p99 ms | failed | gateway uses/s ÷ tps |").AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in pgBench)
        {
            var g = gateway.First(l => l.Wrk.Connections == p.Connections);
            md.AppendLine($"| {p.Connections} | {p.Tps:N0} | {p.P50Ms:0.00} | {p.P95Ms:0.00} | {p.P99Ms:0.00} | {p.Failed:N0} | {g.Wrk.UsesPerSecond / p.Tps:P0} |");
        }
        md.AppendLine().AppendLine($"Ceiling: {ceiling:N0} tps; the gateway's best, {best:N0} uses/s, is {best / ceiling:P0} of it. {Mark(best / ceiling >= CeilingShareTarget)}").AppendLine();

        md.AppendLine("## 4. Event lag: from a use's 201 to the use counting in statistics").AppendLine();
        md.AppendLine($"While each load ran, a probe recorded uses at {LagProbe.Lanes} venues of its own area (`{r.Data.ProbeArea}`), one at a time at "
            + "each, and after each 201 waited until the venue's count in statistics included it; one poller asked "
            + $"`GET /api/statistics/uses?groupBy=venue&area={r.Data.ProbeArea}` as the national admin every {LagProbe.PollInterval.TotalMilliseconds:0} ms "
            + $"for all of them: the resolution is {LagProbe.PollInterval.TotalMilliseconds:0} ms plus one statistics request. The probe's "
            + "uses and polls are load of their own beside wrk's, in the direct runs too (so those compare fairly). "
            + "\"Caught up\" is how long after the load ended statistics counted every use recorded (national totals of both services).").AppendLine();
        md.AppendLine("| load | samples | p50 ms | p99 ms | max ms | not seen within 60 s | probe uses refused | probe's polls/s | statistics caught up after the load | target |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var l in r.Loads)
        {
            var target = l.Wrk.Target == "gateway" ? Mark(l.Lag.P99Ms < LagP99Target && l.Lag.Unseen == 0) : "";
            md.AppendLine($"| {l.Lag.Load} | {l.Lag.Samples} | {l.Lag.P50Ms:N0} | {l.Lag.P99Ms:N0} | {l.Lag.MaxMs:N0} | {l.Lag.Unseen} | {l.Lag.Refused} | {l.Lag.Polls / l.Wrk.Seconds:N0} | "
                + $"{(l.CaughtUp is { } caughtUp ? $"{caughtUp.TotalSeconds:0.0} s" : "**never**: stalled")} | {target} |");
        }
        if (r.Loads.Any(l => l.Lag.Samples < 100)) md.AppendLine().AppendLine("Fewer than 100 samples in a run: a longer `--duration` gives more.");
        md.AppendLine();

        md.AppendLine("## 5. Statistics queries").AppendLine();
        md.AppendLine($"Through the gateway on the quiet system, one request at a time: {QueryLatency.WarmUp} unmeasured, then {QueryLatency.Requests} measured, "
            + $"per query; national and for `{r.QueryArea}`, the area with the most uses; anonymously (public figures) and as the national admin (exact figures).").AppendLine();
        md.AppendLine("| caller | query | p50 ms | p95 ms | p99 ms | non-200 | target |").AppendLine("|---|---|---:|---:|---:|---:|---|");
        foreach (var q in r.Queries)
        {
            md.AppendLine($"| {q.Caller} | `{q.Path}` | {q.P50Ms:0.00} | {q.P95Ms:0.00} | {q.P99Ms:0.00} | {q.Failures} | {Mark(q.P95Ms < QueryP95Target && q.Failures == 0)} |");
        }
        md.AppendLine();

        md.AppendLine("## 6. Where the CPU time went").AppendLine();
        md.AppendLine($"CPU time of each part per recorded use, in ms, from /proc (a part is a process and its descendants; PostgreSQL's backends by "
            + "their database, a backend that ended mid-run with the server): for the loads from their start "
            + "until statistics had caught up, so the events' whole way is in; for pgbench during its run. \"ours\" is all parts together and \"others\" "
            + $"every other process on the machine meanwhile, each as a share of the {Environment.ProcessorCount} cores' capacity over that time.").AppendLine();
        md.AppendLine($"| run | uses | {string.Join(" | ", CpuMeter.Parts)} | ours | others |");
        md.AppendLine($"|---|---:|{string.Concat(CpuMeter.Parts.Select(_ => "---:|"))}---:|---:|");
        foreach (var l in r.Loads) CpuRow(md, l.Lag.Load, l.RecordedDuringRun, l.Cpu);
        foreach (var p in r.PgBench) CpuRow(md, $"pgbench, {p.PgBench.Connections} connections", p.PgBench.Transactions, p.Cpu);
        md.AppendLine();

        md.AppendLine("## Machine and set-up").AppendLine();
        foreach (var (name, value) in r.Machine.Facts) md.AppendLine($"- {name}: {value}");
        md.AppendLine($"- load average at the end: {r.LoadAverageAtEnd}");
        md.AppendLine($"- system: started by `KaikuSystem` (the hosting code of `dotnet run --project AppHost`) on `{r.DataDirectory}`"
            + $"{(r.Options.DataDirectory is null ? " (a fresh temporary directory, deleted afterwards)" : "")}; PostgreSQL durable as in run mode; "
            + $"services and gateway are {r.BuildConfiguration} builds (`{r.RedemptionsAssembly}`, …)");
        md.AppendLine($"- environment given to every service and the gateway: {string.Join(", ", r.Environment.Select(e => $"`{e.Key}={e.Value}`"))} — "
            + "**the per-client rate limit is raised so that it does not cap the load**");
        md.AppendLine($"- benchmark data, registered through the API as the national admin in {r.Data.Elapsed.TotalSeconds:0} s: area `{r.Data.Area}` with "
            + $"{r.Data.Sites.Count} venues (one per category) each with an admission offering without a quota, a partner client acting for them, a distributor unit "
            + $"and {r.Data.Cards.Count:N0} personal cards; one use of each card was recorded before the runs, so every card had reached the Redemptions "
            + $"replica; the lag probe's area `{r.Data.ProbeArea}` with {r.Data.ProbeSites.Count} venues, their offerings and a partner client for them");
        md.AppendLine("- before the measured runs, a short unmeasured run through the gateway and one direct (commands below) let the JIT compile the hot "
            + "paths; after every run the tool waited until statistics had caught up, so no run inherits another's backlog");
        md.AppendLine();

        md.AppendLine("## Commands").AppendLine();
        md.AppendLine("Run in the tool's temporary work directory, which holds `record-use.lua` (a copy of `tools/Benchmark/record-use.lua`), `token` (the partner's "
            + "bearer token), `cards.txt` (the card numbers), `sites.txt` (venue and offering ids) and `record-use.sql` (below); the PostgreSQL server and "
            + "service ports are the run's own.").AppendLine();
        md.AppendLine("```sh");
        md.AppendLine("# warm-up (not measured)");
        foreach (var command in r.WarmUpCommands) md.AppendLine(command);
        md.AppendLine("# 1, 2 and 4: load through the gateway and directly, the lag probe running beside each");
        foreach (var l in r.Loads) md.AppendLine(l.Wrk.CommandLine);
        md.AppendLine("# 3: the scratch database, then pgbench (the scratch database is dropped afterwards)");
        foreach (var command in r.PgBenchSetup) md.AppendLine(command);
        foreach (var p in pgBench) md.AppendLine(p.CommandLine);
        md.AppendLine("```").AppendLine();
        md.AppendLine($"`{PgBenchRun.ScriptFile}`:").AppendLine().AppendLine("```sql").Append(r.PgBenchScript).AppendLine("```");
        return md.ToString();
    }

    private static void CpuRow(StringBuilder md, string run, long uses, CpuUse cpu)
    {
        var capacity = cpu.WallSeconds * Environment.ProcessorCount;
        md.AppendLine($"| {run} | {uses:N0} | {string.Join(" | ", cpu.Parts.Select(p => $"{p.Seconds * 1000 / uses:0.00}"))} | {cpu.Ours / capacity:P0} | {cpu.Others / capacity:P0} |");
    }

    private static void Target(StringBuilder md, string target, string measured, bool pass) => md.AppendLine($"| {target} | {measured} | {Mark(pass)} |");

    private static string Each(IEnumerable<LoadRun> loads, Func<LoadRun, string> figure) => string.Join("; ", loads.Select(l => $"c={l.Wrk.Connections}: {figure(l)}"));

    private static string Mark(bool pass) => pass ? "pass" : "**miss**";
}
