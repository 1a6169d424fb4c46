using System.Collections.Concurrent;
using Dapper;
using Kaikukortti.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Kaikukortti.ServiceDefaults.Tests;

/// <summary>A test event; <see cref="Run"/> keeps tests that share the broker apart.</summary>
public sealed record Pinged
{
    public required Guid Run { get; init; }
    public required string Text { get; init; }
}

/// <summary>
/// Records every ping it applies; can be told to fail a number of times for a run, or always for one text of a run,
/// after writing.
/// </summary>
public sealed class PingRecorder : IInboxHandler<Pinged>
{
    public static readonly ConcurrentDictionary<Guid, int> FailuresToInject = new();
    public static readonly ConcurrentDictionary<Guid, string> AlwaysFailing = new();

    public async Task HandleAsync(Pinged message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await transaction.Connection!.ExecuteAsync(
            "INSERT INTO pings (message_id, run, text) VALUES (gen_random_uuid(), @Run, @Text)", new { message.Run, message.Text }, transaction);
        if (AlwaysFailing.TryGetValue(message.Run, out var failing) && failing == message.Text) throw new InvalidOperationException("injected poison");
        if (FailuresToInject.TryGetValue(message.Run, out var failures) && failures > 0)
        {
            FailuresToInject[message.Run] = failures - 1;
            throw new InvalidOperationException("injected failure after the write");
        }
    }
}

/// <summary>A test event whose handler takes each batch at once; <see cref="Run"/> keeps tests that share the broker apart.</summary>
public sealed record Chimed
{
    public required Guid Run { get; init; }
    public required string Text { get; init; }
}

/// <summary>
/// Records the texts of each batch it is given, per run, in memory; one message at a time it refuses. Every test's service
/// records here: chimes are sent to one service's queue, never published.
/// </summary>
public sealed class ChimeRecorder : IInboxHandler<Chimed>
{
    public static readonly ConcurrentDictionary<Guid, ConcurrentQueue<string[]>> Batches = new();

    public Task HandleAsync(Chimed message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the inbox hands a batch over whole");

    public Task HandleAsync(IReadOnlyList<Chimed> messages, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var run in messages.Select(m => m.Run).Distinct())
            Batches.GetOrAdd(run, _ => new()).Enqueue([.. messages.Where(m => m.Run == run).Select(m => m.Text)]);
        return Task.CompletedTask;
    }
}

/// <summary>A host with exactly what a service gets from ServiceDefaults' data and messaging, on its own database.</summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly IHost host;

    private MessagingHost(IHost host, string queue) => (this.host, Queue) = (host, queue);

    /// <summary>The host's own queue; failed messages end up in <c>{Queue}_error</c>.</summary>
    public string Queue { get; }

    public NpgsqlDataSource DataSource => host.Services.GetRequiredService<NpgsqlDataSource>();
    public IBus Bus => host.Services.GetRequiredService<IBus>();

    /// <param name="queue">The queue of an earlier host to take over, as a restarted service does; a new one by default.</param>
    public static async Task<MessagingHost> StartAsync(string databaseConnectionString, string rabbitMqConnectionString, string? queue = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = typeof(MessagingHost).Assembly.GetName().Name,
            EnvironmentName = "Testing",
        });
        builder.Configuration["ConnectionStrings:testdb"] = databaseConnectionString;
        builder.Configuration["ConnectionStrings:rabbitmq"] = rabbitMqConnectionString;
        // Each host gets its own queue, like each service does.
        queue ??= $"tests-{Guid.NewGuid():N}";
        builder.Configuration["OTEL_SERVICE_NAME"] = queue;
        builder.AddNpgsqlDataSource("testdb");
        builder.AddMessaging(inbox => inbox.Handle<Pinged, PingRecorder>().Handle<Chimed, ChimeRecorder>());
        var host = builder.Build();
        // MassTransit keeps its log context in an AsyncLocal, which publishing through an earlier host leaves in the
        // caller's flow: started there, this host's bus would log through that host's logger factory, disposed with it.
        var cancellationToken = TestContext.Current.CancellationToken;
        Task starting;
        using (ExecutionContext.SuppressFlow())
        {
            starting = Task.Run(() => host.StartAsync(cancellationToken));
        }

        await starting;
        return new MessagingHost(host, queue);
    }

    public async Task<Guid> EnqueueAsync(Pinged ping, bool commit = true)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var messageId = await Outbox.EnqueueAsync(transaction, ping);
        if (commit) await Outbox.CommitAsync(transaction);
        else await transaction.RollbackAsync();
        return messageId;
    }

    public async Task<IReadOnlyList<string>> PingsAsync(Guid run)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<string>("SELECT text FROM pings WHERE run = @run ORDER BY text", new { run })).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
