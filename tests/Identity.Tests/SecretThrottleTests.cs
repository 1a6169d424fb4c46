using Kaikukortti.Identity.Domain;

namespace Kaikukortti.Identity.Tests;

public sealed class SecretThrottleTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock clock = new();

    [Fact]
    public void Four_wrong_secrets_are_free_the_fifth_locks_the_client_id_for_30_seconds()
    {
        var throttle = new SecretThrottle(clock);
        for (var i = 0; i < SecretThrottle.FreeAttempts - 1; i++) throttle.Failed("venue-1");
        throttle.RetryAfter("venue-1").ShouldBeNull();

        throttle.Failed("venue-1");

        throttle.RetryAfter("venue-1").ShouldBe(TimeSpan.FromSeconds(30));
        throttle.RetryAfter("venue-2").ShouldBeNull();
        clock.Now += TimeSpan.FromSeconds(30);
        throttle.RetryAfter("venue-1").ShouldBeNull();
    }

    [Fact]
    public void Each_further_failure_doubles_the_lock_up_to_15_minutes()
    {
        var throttle = new SecretThrottle(clock);
        for (var i = 0; i < SecretThrottle.FreeAttempts; i++) throttle.Failed("x");
        throttle.Failed("x");
        throttle.RetryAfter("x").ShouldBe(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 20; i++) throttle.Failed("x");
        throttle.RetryAfter("x").ShouldBe(TimeSpan.FromMinutes(15));
    }

    [Fact]
    public void A_right_secret_starts_the_count_again()
    {
        var throttle = new SecretThrottle(clock);
        for (var i = 0; i < SecretThrottle.FreeAttempts - 1; i++) throttle.Failed("x");
        throttle.Succeeded("x");
        throttle.Failed("x");
        throttle.RetryAfter("x").ShouldBeNull();
    }

    [Fact]
    public void Failures_an_hour_apart_do_not_add_up()
    {
        var throttle = new SecretThrottle(clock);
        for (var i = 0; i < SecretThrottle.FreeAttempts - 1; i++) throttle.Failed("x");
        clock.Now += TimeSpan.FromHours(2);
        throttle.Failed("x");
        throttle.RetryAfter("x").ShouldBeNull();
    }
}
