using System.Collections;
using Kaikukortti.TestSupport;
using Microsoft.Playwright;

[assembly: AssemblyFixture(typeof(Kaikukortti.EndToEnd.Tests.BrowserFixture))]

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// One headless Chromium for the whole test assembly, driven by Playwright: Debian's <c>/usr/bin/chromium</c> (installed
/// by scripts/prerequisites.sh; Playwright downloads no browser here). It is launched on the first browser test, so the
/// other end-to-end tests never depend on it. Each test gets a fresh context (cookies, storage, locale, viewport).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>
    /// No DNS lookup leaves the machine: every host but the loopback ones resolves to nothing, so a page that tried to
    /// load anything from the internet would fail loudly instead of quietly depending on the network.
    /// </summary>
    public const string HostResolverRules = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost";

    private readonly SemaphoreSlim launching = new(1, 1);
    private readonly TempDirectory home = new();
    private IPlaywright? playwright;
    private IBrowser? browser;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>A new, isolated browser context; dispose it at the end of the test.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null) =>
        await (await BrowserAsync()).NewContextAsync(options ?? new BrowserNewContextOptions());

    private async Task<IBrowser> BrowserAsync()
    {
        await launching.WaitAsync();
        try
        {
            if (browser is not null) return browser;
            if (!File.Exists(ChromiumPath))
                throw new InvalidOperationException($"{ChromiumPath} is missing: run scripts/prerequisites.sh (it installs Debian's chromium).");
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = [HostResolverRules],
                // Env replaces the browser's environment instead of adding to it: start from the current one.
                Env = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                    .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "")
                    .Concat(new Dictionary<string, string>
                    {
                        // Chromium's own configuration and cache go to a throwaway directory, never under $HOME.
                        ["XDG_CONFIG_HOME"] = Path.Combine(home.Path, "config"),
                        ["XDG_CACHE_HOME"] = Path.Combine(home.Path, "cache"),
                    })
                    .GroupBy(e => e.Key).Select(g => g.Last())
                    .ToDictionary(e => e.Key, e => e.Value),
            });
            return browser;
        }
        finally
        {
            launching.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
        launching.Dispose();
        await home.DisposeAsync();
    }
}
