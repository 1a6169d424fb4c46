using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

namespace Kaikukortti.AppHost.Tests;

public sealed class PostgresServerTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Starts_on_loopback_only_and_keeps_its_data_across_a_restart_on_the_same_port()
    {
        await using var server = await PostgresServer.StartAsync(Options(), TestContext.Current.CancellationToken);
        var database = await server.EnsureDatabaseAsync("kept", TestContext.Current.CancellationToken);
        await Sql.ExecuteAsync(database, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
        (await Sql.QueryAsync<string>(server.ConnectionString, "SHOW listen_addresses")).ShouldBe("127.0.0.1");
        (await Sql.QueryAsync<string>(server.ConnectionString, "SHOW unix_socket_directories")).ShouldBe("");
        var port = server.Port;
        var processes = ProcessTable.TreeOf(server.ProcessId!.Value);

        await server.StopAsync();

        server.State.ShouldBe(ResourceState.Stopped);
        server.ProcessId.ShouldBeNull();
        await ProcessTable.ShouldAllExitAsync(processes);
        Network.IsPortFree(port).ShouldBeTrue();

        await server.StartAsync(TestContext.Current.CancellationToken);

        server.State.ShouldBe(ResourceState.Running);
        server.Port.ShouldBe(port);
        (await server.EnsureDatabaseAsync("kept", TestContext.Current.CancellationToken)).ShouldBe(database);
        (await Sql.QueryAsync<string>(database, "SELECT value FROM kept")).ShouldBe("still here");
    }

    [Fact]
    public async Task A_stale_postmaster_pid_naming_a_live_process_does_not_stop_the_next_start()
    {
        await using var server = await PostgresServer.StartAsync(Options(), TestContext.Current.CancellationToken);
        await server.StopAsync();
        // What a crash leaves when the old process id has since gone to another process (here: this one), in the
        // cluster directory, data/.
        await File.WriteAllTextAsync(
            Path.Combine(_directory.Path, "postgres", "data", "postmaster.pid"), $"{Environment.ProcessId}\n/elsewhere\n", TestContext.Current.CancellationToken);

        await server.StartAsync(TestContext.Current.CancellationToken);

        server.State.ShouldBe(ResourceState.Running);
        (await Sql.QueryAsync<string>(server.ConnectionString, "SELECT 'up'")).ShouldBe("up");
    }

    [Fact]
    public async Task A_crash_is_reported_loudly_and_the_server_starts_again()
    {
        var log = new RecordingLogSink();
        await using var server = await PostgresServer.StartAsync(Options() with { Log = log }, TestContext.Current.CancellationToken);

        Posix.Signal(server.ProcessId!.Value, Posix.SigKill);

        await Eventually.TrueAsync(
            () => Task.FromResult(server.State == ResourceState.Exited), TimeSpan.FromSeconds(10), "the state to be Exited");
        log.Alerts.ShouldContain("postgres exited unexpectedly with code 137");

        await server.StartAsync(TestContext.Current.CancellationToken);

        server.State.ShouldBe(ResourceState.Running);
        (await Sql.QueryAsync<string>(server.ConnectionString, "SELECT 'up'")).ShouldBe("up");
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _directory.DisposeAsync();

    private PostgresServerOptions Options() =>
        new() { DataDirectory = Path.Combine(_directory.Path, "postgres"), Throwaway = true };
}
