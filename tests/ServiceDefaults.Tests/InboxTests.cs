using Kaikukortti.TestSupport;
using MassTransit;
using static Kaikukortti.ServiceDefaults.Tests.MessagingHost;

namespace Kaikukortti.ServiceDefaults.Tests;

public sealed class InboxTests(PostgresFixture postgres, RabbitMqFixture rabbitMq)
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_redelivered_message_is_applied_once()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();
        var ping = new Pinged { Run = run, Text = "once" };
        var messageId = NewId.NextGuid();

        // The same message delivered again and again, one after another and side by side.
        for (var i = 0; i < 3; i++) await PublishAsync(host, ping, messageId);
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PublishAsync(host, ping, messageId)));
        await PublishAsync(host, ping with { Text = "marker" }, NewId.NextGuid());

        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Contains("marker"), Delivery, "the marker");
        await Task.Delay(1000);
        (await host.PingsAsync(run)).ShouldBe(["marker", "once"]);
    }

    [Fact]
    public async Task A_failed_attempt_leaves_nothing_and_the_retry_applies_it_once()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();
        PingRecorder.FailuresToInject[run] = 2;

        await host.EnqueueAsync(new Pinged { Run = run, Text = "after-two-failures" });

        await Eventually.TrueAsync(async () => (await host.PingsAsync(run)).Count > 0, Delivery, "the retried ping");
        await Task.Delay(500);
        (await host.PingsAsync(run)).ShouldBe(["after-two-failures"]);
        PingRecorder.FailuresToInject[run].ShouldBe(0);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_ends_in_the_error_queue_without_effect()
    {
        await using var host = await StartAsync(await postgres.CreateDatabaseAsync(), rabbitMq.ConnectionString);
        var run = Guid.NewGuid();
        PingRecorder.FailuresToInject[run] = int.MaxValue;
        var deadLetter = new TaskCompletionSource<Pinged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errorQueueReader = await StartBusAsync(rabbit => ReadErrorQueue(rabbit, host.Queue, run, ping => deadLetter.TrySetResult(ping)));
        try
        {
            await host.EnqueueAsync(new Pinged { Run = run, Text = "poison" });

            (await deadLetter.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken)).Text.ShouldBe("poison");
            (await host.PingsAsync(run)).ShouldBeEmpty();
        }
        finally
        {
            await errorQueueReader.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_that_keeps_failing_keeps_none_of_its_batch_out()
    {
        var database = await postgres.CreateDatabaseAsync();
        var run = Guid.NewGuid();
        PingRecorder.AlwaysFailing[run] = "poison";
        string queue;
        await using (var first = await StartAsync(database, rabbitMq.ConnectionString)) queue = first.Queue;
        var deadLetters = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var bus = await StartBusAsync(rabbit => ReadErrorQueue(rabbit, queue, run, ping => deadLetters.Enqueue(ping.Text)));
        try
        {
            // Queued while no service consumes them, so that they reach the next one in one batch; sent to its queue
            // rather than published, so that no other test's service gets the poison.
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
            foreach (var text in new[] { "before", "poison", "after" }) await endpoint.Send(new Pinged { Run = run, Text = text });
            await using var next = await StartAsync(database, rabbitMq.ConnectionString, queue);

            // The batch goes to the error queue whole, copies of the applied messages with it (the inbox skips those
            // should the queue be replayed), but only the poison is kept out of the service's state.
            await Eventually.TrueAsync(() => Task.FromResult(deadLetters.Contains("poison")), TimeSpan.FromSeconds(60), "the poison in the error queue");
            (await next.PingsAsync(run)).ShouldBe(["after", "before"]);
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    [Fact]
    public async Task A_batch_handler_is_given_the_new_messages_of_its_batches_each_once_in_order_without_the_redelivered_ones()
    {
        var database = await postgres.CreateDatabaseAsync();
        var run = Guid.NewGuid();
        var handledBefore = NewId.NextGuid();
        // A bus of its own sends, so that messages can be queued while no service consumes them. Sent to the one queue
        // rather than published, they reach no other test's service, which would record them under the same run.
        var sender = await StartBusAsync(_ => { });
        try
        {
            string queue;
            await using (var first = await StartAsync(database, rabbitMq.ConnectionString))
            {
                queue = first.Queue;
                await SendAsync(queue, "handled-before", handledBefore);
                await Eventually.TrueAsync(() => Task.FromResult(ChimeRecorder.Batches.ContainsKey(run)), Delivery, "the first chime");
            }

            // Queued while the service is stopped, they reach the next one together: usually one batch, though a busy
            // machine may take longer than the batch waits between two of them. Which calls they come in is not checked.
            await SendAsync(queue, "handled-before", handledBefore);
            foreach (var text in new[] { "one", "two", "three" }) await SendAsync(queue, text, NewId.NextGuid());
            await using var next = await StartAsync(database, rabbitMq.ConnectionString, queue);

            await Eventually.TrueAsync(() => Task.FromResult(ChimeRecorder.Batches[run].Sum(batch => batch.Length) >= 4), Delivery, "the batch");
            await Task.Delay(500);
            var batches = ChimeRecorder.Batches[run].ToList();
            batches[0].ShouldBe(["handled-before"]);
            batches.Skip(1).ShouldAllBe(batch => batch.Length > 0);
            batches.Skip(1).SelectMany(batch => batch).ShouldBe(["one", "two", "three"]);
        }
        finally
        {
            await sender.StopAsync();
        }

        async Task SendAsync(string queue, string text, Guid messageId) =>
            await (await sender.GetSendEndpoint(new Uri($"queue:{queue}"))).Send(new Chimed { Run = run, Text = text }, context => context.MessageId = messageId);
    }

    /// <summary>A bus of the test's own on the broker, started: to send straight to a service's queue or read its error queue.</summary>
    private async Task<IBusControl> StartBusAsync(Action<IRabbitMqBusFactoryConfigurator> configure)
    {
        var broker = new Uri(rabbitMq.ConnectionString);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(broker.Host, (ushort)broker.Port, "/", h => { h.Username("guest"); h.Password("guest"); });
            configure(rabbit);
        });
        await bus.StartAsync(TestContext.Current.CancellationToken);
        return bus;
    }

    /// <summary>Hands the run's pings that reach <paramref name="queue"/>'s error queue to <paramref name="deadLetter"/>.</summary>
    private static void ReadErrorQueue(IRabbitMqBusFactoryConfigurator rabbit, string queue, Guid run, Action<Pinged> deadLetter) =>
        rabbit.ReceiveEndpoint($"{queue}_error", endpoint =>
        {
            endpoint.ConfigureConsumeTopology = false;
            endpoint.Handler<Pinged>(context =>
            {
                if (context.Message.Run == run) deadLetter(context.Message);
                return Task.CompletedTask;
            });
        });

    private static Task PublishAsync(MessagingHost host, Pinged ping, Guid messageId) =>
        host.Bus.Publish(ping, context => context.MessageId = messageId);
}
