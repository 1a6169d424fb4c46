using System.Globalization;
using Kaikukortti.AppHost.Hosting;

namespace Kaikukortti.Benchmark;

/// <summary>CPU seconds used by each part of the system over a run, so the report can say where the time went.</summary>
/// <param name="Parts">Per part, in the order of <see cref="CpuMeter.Parts"/>.</param>
/// <param name="Others">Everything else on the machine meanwhile (other users' builds and tests share the cores).</param>
public sealed record CpuUse(IReadOnlyList<(string Part, double Seconds)> Parts, double Others, double WallSeconds)
{
    public double Ours => Parts.Sum(p => p.Seconds);
}

/// <summary>
/// Reads /proc. A part is a process with its descendants; PostgreSQL's backends are told apart by their database (their
/// process title names it). Each process counts its own time and that of the children it has reaped, so a child that
/// ends mid-run (wrk, pgbench, a closed connection's backend) is counted with its parent.
/// </summary>
public sealed class CpuMeter(KaikuSystem system)
{
    private const string LoadGenerator = "wrk or pgbench";
    private const string Tool = "this tool (lag probe)";
    private const string OtherServices = "identity, cards, venues";
    private const string PostgresRest = "postgresql: server, other databases";

    public static readonly IReadOnlyList<string> Parts =
    [
        KaikuSystem.GatewayName, "redemptions", "statistics", OtherServices, "postgresql: redemptionsdb", "postgresql: statisticsdb", PostgresRest,
        "rabbitmq", LoadGenerator, Tool,
    ];

    // /proc reports times in USER_HZ, which is 100 on every Linux ABI .NET runs on.
    private const double TicksPerSecond = 100;

    /// <param name="Processes">Each process of a part: its part, CPU ticks and parent.</param>
    public sealed record Snapshot(IReadOnlyDictionary<int, (string Part, double Ticks, int Parent)> Processes, double MachineBusyTicks, DateTimeOffset At);

    public Snapshot Take()
    {
        var processes = ReadProcesses();
        var children = processes.ToLookup(p => p.Value.Parent, p => p.Key);
        Dictionary<int, (string, double, int)> parts = [];
        void Assign(int? root, Func<int, string> part)
        {
            if (root is not { } pid || !processes.TryGetValue(pid, out var process)) return;
            parts[pid] = (part(pid), process.Ticks, process.Parent);
            foreach (var child in children[pid]) Assign(child, part);
        }

        foreach (var name in KaikuSystem.ServiceNames.Append(KaikuSystem.GatewayName))
            Assign((system[name] as ServiceProcess)?.ProcessId, _ => Parts.Contains(name) ? name : OtherServices);
        Assign(system.Postgres?.ProcessId, PostgresPart);
        Assign(system.RabbitMq?.ProcessId, _ => "rabbitmq");
        // wrk and pgbench are this tool's children, reaped when they end: their time is in this process's cutime and cstime,
        // kept apart from its own under two made-up process ids.
        var self = Fields(Environment.ProcessId)!;
        parts[-1] = (LoadGenerator, Number(self, 16) + Number(self, 17), 0);
        parts[-2] = (Tool, Number(self, 14) + Number(self, 15), 0);

        // The first line of /proc/stat: cpu user nice system idle iowait irq softirq steal (guest is counted in user already).
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(value => double.Parse(value, CultureInfo.InvariantCulture)).ToArray();
        return new Snapshot(parts, cpu.Sum() - cpu[3] - cpu[4], DateTimeOffset.UtcNow);
    }

    public static CpuUse Between(Snapshot start, Snapshot end)
    {
        // Per process, so a process that began during the run counts from zero.
        var ticks = Parts.ToDictionary(part => part, _ => 0.0);
        foreach (var (pid, now) in end.Processes) ticks[now.Part] += now.Ticks - (start.Processes.TryGetValue(pid, out var before) ? before.Ticks : 0);
        // One that ended was reaped by its parent, whose children's time now holds all of it: less what the start counted already.
        foreach (var (pid, before) in start.Processes)
        {
            if (!end.Processes.ContainsKey(pid) && end.Processes.TryGetValue(before.Parent, out var parent)) ticks[parent.Part] -= before.Ticks;
        }
        var parts = Parts.Select(part => (part, ticks[part] / TicksPerSecond)).ToList();
        var busy = (end.MachineBusyTicks - start.MachineBusyTicks) / TicksPerSecond;
        return new CpuUse(parts, Math.Max(0, busy - parts.Sum(p => p.Item2)), (end.At - start.At).TotalSeconds);
    }

    /// <summary>A backend's title is "postgres: USER DATABASE HOST(PORT) STATE"; the postmaster and background processes are the rest.</summary>
    private static string PostgresPart(int pid)
    {
        try
        {
            var title = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return title is ["postgres:", _, var database, ..] && Parts.Contains($"postgresql: {database}") ? $"postgresql: {database}" : PostgresRest;
        }
        catch (IOException)
        {
            return PostgresRest;
        }
    }

    /// <returns>Every process's parent and CPU ticks (its own and its reaped children's).</returns>
    private static Dictionary<int, (int Parent, double Ticks)> ReadProcesses()
    {
        Dictionary<int, (int, double)> processes = [];
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || Fields(pid) is not { } fields) continue;
            processes[pid] = ((int)Number(fields, 4), Number(fields, 14) + Number(fields, 15) + Number(fields, 16) + Number(fields, 17));
        }
        return processes;
    }

    /// <summary>The fields of /proc/PID/stat, numbered as in proc(5) from 3 (state) on; null when the process has gone.</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: the fields that matter come after it.
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static double Number(string[] fields, int field) => double.Parse(fields[field - 3], CultureInfo.InvariantCulture);
}
