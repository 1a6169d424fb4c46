using Kaikukortti.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ (<c>ConnectionStrings:rabbitmq</c>, an <c>amqp://user:pass@host:port/vhost</c> URI), the
    /// outbox relay, and one queue named after the service for the events its inbox handlers consume. A message that
    /// still fails after the retries is moved to that queue's <c>_error</c> queue; one that fails because the database
    /// is unavailable is held until the database is back (see <see cref="InboxConsumer{TMessage, THandler}"/>).
    /// Call after <see cref="DataExtensions.AddNpgsqlDataSource"/>.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder, Action<InboxRegistrations>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("Connection string 'rabbitmq' is missing: set ConnectionStrings__rabbitmq.");
        var broker = new Uri(connectionString);
        var inbox = new InboxRegistrations(builder.Services);
        configure?.Invoke(inbox);
        var queueName = builder.ServiceName();

        builder.Services.AddMassTransit(bus =>
        {
            foreach (var register in inbox.Consumers) register.Add(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)(broker.IsDefaultPort ? 5672 : broker.Port), VirtualHost(broker), host =>
                {
                    var credentials = Uri.UnescapeDataString(broker.UserInfo).Split(':', 2);
                    host.Username(credentials.ElementAtOrDefault(0) is { Length: > 0 } user ? user : "guest");
                    host.Password(credentials.ElementAtOrDefault(1) ?? "guest");
                    host.PublisherConfirmation = true;
                });
                if (inbox.Consumers.Count == 0) return;
                rabbit.ReceiveEndpoint(queueName, endpoint =>
                {
                    endpoint.UseMessageRetry(retry => retry.Exponential(6, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
                    foreach (var register in inbox.Consumers) register.Configure(endpoint, context);
                });
            });
        });
        // Without waiting, a publish right after start can be lost before the service's queue is bound.
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StopTimeout = TimeSpan.FromSeconds(15);
            // A consumer waiting out a database outage hands its message back to the queue when the service stops,
            // instead of holding up the stop for the whole StopTimeout.
            options.ConsumerStopTimeout = TimeSpan.FromSeconds(5);
        });
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }

    private static string VirtualHost(Uri broker) =>
        broker.AbsolutePath.Trim('/') is { Length: > 0 } vhost ? Uri.UnescapeDataString(vhost) : "/";
}

/// <summary>The events a service consumes, each applied by an <see cref="IInboxHandler{TMessage}"/>.</summary>
public sealed class InboxRegistrations(IServiceCollection services)
{
    /// <summary>The most events of one type applied in one transaction.</summary>
    public const int BatchSize = 100;

    /// <summary>How long a batch waits for more events after its first: the least lag it adds when events are few.</summary>
    public static readonly TimeSpan BatchWait = TimeSpan.FromMilliseconds(10);

    internal List<(Action<IBusRegistrationConfigurator> Add, Action<IReceiveEndpointConfigurator, IBusRegistrationContext> Configure)> Consumers { get; } = [];

    public InboxRegistrations Handle<TMessage, THandler>()
        where TMessage : class
        where THandler : class, IInboxHandler<TMessage>
    {
        services.AddScoped<THandler>();
        Consumers.Add((
            bus => bus.AddConsumer<InboxConsumer<TMessage, THandler>>(consumer => consumer.Options<BatchOptions>(batch => batch
                .SetMessageLimit(BatchSize).SetTimeLimit(BatchWait).SetConcurrencyLimit(1))),
            (endpoint, context) => endpoint.ConfigureConsumer<InboxConsumer<TMessage, THandler>>(context)));
        return this;
    }
}
