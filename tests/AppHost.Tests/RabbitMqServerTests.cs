using System.Net;
using System.Net.Sockets;
using Kaikukortti.AppHost.Hosting;
using Kaikukortti.TestSupport;

namespace Kaikukortti.AppHost.Tests;

public sealed class RabbitMqServerTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Brokers_run_side_by_side_restart_on_the_same_port_with_their_data_and_leave_nothing_behind()
    {
        var starting = new[] { "first", "second" }
            .Select(name => RabbitMqServer.StartAsync(new RabbitMqServerOptions { DataDirectory = Path.Combine(_directory.Path, name) }, TestContext.Current.CancellationToken))
            .ToList();
        await using var first = await starting[0];
        await using var second = await starting[1];
        (await AnswersAmqpAsync(first.Port)).ShouldBeTrue();
        (await AnswersAmqpAsync(second.Port)).ShouldBeTrue();
        first.ConnectionString.ShouldBe($"amqp://guest:guest@127.0.0.1:{first.Port}/");
        await first.ControlAsync(["add_vhost", "kept"], TestContext.Current.CancellationToken);
        var port = first.Port;
        var processes = ProcessTable.TreeOf(first.ProcessId!.Value).Append(first.EpmdProcessId!.Value).ToList();

        await first.StopAsync();

        first.State.ShouldBe(ResourceState.Stopped);
        await ProcessTable.ShouldAllExitAsync(processes);
        Network.IsPortFree(port).ShouldBeTrue();
        (await AnswersAmqpAsync(second.Port)).ShouldBeTrue("the other broker is not affected");

        await first.StartAsync(TestContext.Current.CancellationToken);

        first.Port.ShouldBe(port);
        (await AnswersAmqpAsync(first.Port)).ShouldBeTrue();
        (await first.ControlAsync(["list_vhosts", "--quiet"], TestContext.Current.CancellationToken)).ShouldContain("kept");
        processes = [.. ProcessTable.TreeOf(first.ProcessId!.Value), first.EpmdProcessId!.Value,
            .. ProcessTable.TreeOf(second.ProcessId!.Value), second.EpmdProcessId!.Value];

        await first.DisposeAsync();
        await second.DisposeAsync();

        await ProcessTable.ShouldAllExitAsync(processes);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _directory.DisposeAsync();

    // A broker answers the AMQP 0-9-1 protocol header with a method frame (type 1): Connection.Start.
    private static async Task<bool> AnswersAmqpAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());
        var frameType = new byte[1];
        await stream.ReadExactlyAsync(frameType).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        return frameType[0] == 1;
    }
}
