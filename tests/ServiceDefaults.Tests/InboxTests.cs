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
        var errorQueueReader = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            var broker = new Uri(rabbitMq.ConnectionString);
            rabbit.Host(broker.Host, (ushort)broker.Port, "/", h => { h.Username("guest"); h.Password("guest"); });
            rabbit.ReceiveEndpoint($"{host.Queue}_error", endpoint =>
            {
                endpoint.ConfigureConsumeTopology = false;
                endpoint.Handler<Pinged>(context =>
                {
                    if (context.Message.Run == run) deadLetter.TrySetResult(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await errorQueueReader.StartAsync(TestContext.Current.CancellationToken);
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

    private static Task PublishAsync(MessagingHost host, Pinged ping, Guid messageId) =>
        host.Bus.Publish(ping, context => context.MessageId = messageId);
}
