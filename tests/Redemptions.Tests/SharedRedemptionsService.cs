using System.Collections.Concurrent;
using Kaikukortti.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kaikukortti.Redemptions.Tests;

/// <summary>
/// One Redemptions service for all the tests of a class, on a clock the tests set. Starting a service per test would
/// make the suite several times slower, so the tests share it and keep out of each other's way instead: each works
/// with venues, offerings, cards and clients of its own and asserts only on what concerns them. Tests of one class
/// run one after another, so each may move <see cref="Clock"/>; the test class puts it back in its constructor.
/// </summary>
public sealed class SharedRedemptionsService(PostgresFixture postgres, RabbitMqFixture rabbitMq) : IAsyncLifetime
{
    /// <summary>Thursday 12 March 2026, noon in Helsinki (UTC+2).</summary>
    public static readonly DateTimeOffset Noon = RedemptionsService.At("2026-03-12T10:00:00Z");

    /// <summary>
    /// Tokens are minted on the real clock and checked against <see cref="Clock"/>: they must outlive every move of it.
    /// </summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromDays(30);

    public TestClock Clock { get; } = new(Noon);

    public RedemptionsService Service { get; private set; } = null!;

    /// <summary>Everything the service logs, for assertions on what it did with a message.</summary>
    public LogCapture Log { get; } = new();

    public async ValueTask InitializeAsync() => Service = await RedemptionsService.StartAsync(postgres, rabbitMq, services =>
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<ILoggerProvider>(Log);
    });

    public async ValueTask DisposeAsync() => await Service.DisposeAsync();

    /// <summary>A new area code, so a test's cards and venues share an area with nobody else's.</summary>
    public static string NewArea() => $"area-{Guid.NewGuid():N}"[..16];
}
