using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Kaikukortti.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// The public statistics dashboard in a real browser (headless Chromium), through the gateway, against the figures the
/// statistics API gives anyone: what the page shows must be what the API says, in Finnish, Swedish and English.
/// </summary>
public sealed class DashboardTests(SystemFixture system, BrowserFixture browser, DashboardSite site) : IClassFixture<DashboardSite>
{
    /// <summary>The headline figures shown, each the summary's property of the same name.</summary>
    private static readonly string[] Headline =
        ["areas", "municipalities", "distributors", "venues", "cardsIssued", "activeCards", "cardsTakenIntoUse", "uses", "childUses"];

    private static readonly string[] Categories = ["culture", "education", "science", "sport"];

    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(15);

    private string Gateway => system.System.GatewayUrl.TrimEnd('/');

    [Fact]
    public async Task The_national_headline_figures_are_the_apis_with_charts_tables_and_nothing_from_outside()
    {
        await site.CountedAsync();
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);

        // Other tests record uses at the same time: compare a load that happened between two equal answers of the API.
        await ShouldShowSummaryAsync(page, $"{Gateway}/dashboard?lang=fi", area: null, "fi");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fi");
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("Kaikukortin tilastot");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync("Tunnusluvut");
        (await page.TitleAsync()).ShouldBe("Kaikukortin tilastot");
        // The annual table has this year's row; each chart is an SVG with a title and a table alternative behind a toggle.
        await Expect(page.Locator($"#annual-table tr[data-year='{DateTime.Now.Year}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("#monthly-chart svg[role='img'] g.bar")).ToHaveCountAsync(12);
        await Expect(page.Locator("#category-chart svg[role='img'] g.bar")).ToHaveCountAsync(4);
        await Expect(page.Locator("#monthly-chart svg > title")).ToContainTextAsync("käyttökerrat kuukausittain");
        await Expect(page.GetByTestId("monthly-table")).ToBeHiddenAsync();
        await page.GetByTestId("monthly-toggle").ClickAsync();
        await Expect(page.GetByTestId("monthly-table")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("monthly-toggle")).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(page.GetByTestId("monthly-toggle")).ToHaveTextAsync("Piilota taulukko");
        await Expect(page.Locator("#monthly-table tbody tr")).ToHaveCountAsync(12);
        await page.GetByTestId("category-toggle").ClickAsync();
        await Expect(page.Locator("#category-table tbody tr")).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("suppression-note")).ToContainTextAsync("alle 5");

        await ScreenshotAsync(page, "dashboard-fi.png");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task The_area_selector_shows_the_areas_figures()
    {
        await site.CountedAsync();
        await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await OpenAsync(context);
        await page.GotoAsync($"{Gateway}/dashboard?lang=fi");
        await WaitUntilLoadedAsync(page, area: "");

        await page.GetByTestId("area-select").SelectOptionAsync(site.AreaCode);
        await WaitUntilLoadedAsync(page, site.AreaCode);

        page.Url.ShouldContain($"area={site.AreaCode}");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync($"Tunnusluvut: {DashboardSite.AreaNames.Fi}");
        var summary = await GetAsync($"/api/statistics/summary?area={site.AreaCode}");
        Describe(await HeadlineAsync(page)).ShouldBe(Describe(Expected(summary, "fi")));
        // Only this test's data is in the area: these are known and above the suppression limit.
        (await HeadlineAsync(page))["uses"].ShouldBe(DashboardSite.Uses.ToString(CultureInfo.InvariantCulture));
        (await HeadlineAsync(page))["childUses"].ShouldBe(DashboardSite.ChildUses.ToString(CultureInfo.InvariantCulture));
        (await HeadlineAsync(page))["cardsIssued"].ShouldBe(DashboardSite.Cards.ToString(CultureInfo.InvariantCulture));

        // The annual table: the same columns as the scheme's national table, every cell as the API says.
        var annual = await GetAsync($"/api/statistics/annual?area={site.AreaCode}");
        var years = annual.GetProperty("years").EnumerateArray().ToList();
        await Expect(page.Locator("#annual-table tbody tr")).ToHaveCountAsync(years.Count);
        foreach (var year in years)
        {
            var cells = await CellsAsync(page, $"#annual-table tr[data-year='{year.GetProperty("year").GetInt32()}'] > *");
            string[] expected =
            [
                year.GetProperty("year").GetInt32().ToString(CultureInfo.InvariantCulture),
                Shown(year.GetProperty("cardsRegistered"), "fi"), Shown(year.GetProperty("cardsTakenIntoUse"), "fi"),
                .. Categories.Select(c => Shown(year.GetProperty("adultUses").GetProperty(c), "fi")),
                .. Categories.Select(c => Shown(year.GetProperty("childUses").GetProperty(c), "fi")),
                Shown(year.GetProperty("totalUses"), "fi"), Shown(year.GetProperty("municipalities"), "fi"),
            ];
            cells.ShouldBe(expected);
        }
        var thisYear = years.Single(y => y.GetProperty("year").GetInt32() == DateTime.Now.Year);
        thisYear.GetProperty("totalUses").GetInt32().ShouldBe(DashboardSite.Uses);

        // The category split's table alternative, and the months' (the current month holds every use).
        var categories = await GetAsync($"/api/statistics/uses?groupBy=category&area={site.AreaCode}");
        foreach (var row in categories.GetProperty("rows").EnumerateArray())
        {
            var cells = await CellsAsync(page, $"#category-table tr[data-key='{row.GetProperty("key").GetString()}'] > *");
            cells.Skip(1).ShouldBe([Shown(row.GetProperty("adultUses"), "fi"), Shown(row.GetProperty("childUses"), "fi"), Shown(row.GetProperty("uses"), "fi")]);
        }
        var months = await GetAsync($"/api/statistics/uses?groupBy=month&area={site.AreaCode}");
        var month = months.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("uses") is { ValueKind: JsonValueKind.Number } uses && uses.GetInt32() > 0);
        (await CellsAsync(page, $"#monthly-table tr[data-key='{month.GetProperty("key").GetString()}'] > *")).Skip(1)
            .ShouldBe([Shown(month.GetProperty("uses"), "fi"), Shown(month.GetProperty("adultUses"), "fi"), Shown(month.GetProperty("childUses"), "fi")]);

        // Cross-area flows narrowed to the area: its own cardholders at its own venues.
        var flows = await GetAsync("/api/statistics/flows");
        var own = flows.GetProperty("flows").EnumerateArray()
            .Single(f => f.GetProperty("homeArea").GetString() == site.AreaCode && f.GetProperty("venueArea").GetString() == site.AreaCode);
        (await CellsAsync(page, "#flows-table tbody tr > *")).ShouldBe([DashboardSite.AreaNames.Fi, DashboardSite.AreaNames.Fi, Shown(own.GetProperty("uses"), "fi")]);

        // The choice is in the URL: a reload shows the same area, and "whole country" goes back.
        await page.ReloadAsync();
        await WaitUntilLoadedAsync(page, site.AreaCode);
        await Expect(page.GetByTestId("area-select")).ToHaveValueAsync(site.AreaCode);
        await ScreenshotAsync(page, "dashboard-area-fi.png");
        await page.GetByTestId("area-select").SelectOptionAsync("");
        await WaitUntilLoadedAsync(page, area: "");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync("Tunnusluvut");
        page.Url.ShouldNotContain("area=");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task Switching_language_sets_the_lang_attribute_the_headings_and_the_url()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenAsync(context);
        await page.GotoAsync($"{Gateway}/dashboard?lang=fi");
        await WaitUntilLoadedAsync(page, area: "", requireReady: false);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "fi");
        await Expect(page.GetByTestId("lang-fi")).ToHaveAttributeAsync("aria-pressed", "true");

        await page.GetByTestId("lang-sv").ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "sv");
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("Kaikukortets statistik");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync("Nyckeltal");
        await Expect(page.GetByTestId("monthly-heading")).ToHaveTextAsync("Användningar per månad");
        await Expect(page.GetByTestId("annual-heading")).ToHaveTextAsync("Årsstatistik");
        await Expect(page.GetByTestId("area-select").Locator("option[value='']")).ToHaveTextAsync("Hela landet");
        await Expect(page.GetByTestId("lang-sv")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.GetByTestId("lang-fi")).ToHaveAttributeAsync("aria-pressed", "false");
        (await page.TitleAsync()).ShouldBe("Kaikukortets statistik");
        page.Url.ShouldContain("lang=sv");

        await page.GetByTestId("lang-en").ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("Kaiku card statistics");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync("Key figures");
        await Expect(page.GetByTestId("flows-heading")).ToHaveTextAsync("Uses across areas");
        await Expect(page.Locator("#annual-table thead")).ToContainTextAsync("Cards taken into use");
        page.Url.ShouldContain("lang=en");

        // The language is in the URL: a reload keeps it.
        await page.ReloadAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync("Key figures");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task The_areas_figures_and_name_are_shown_in_Swedish_and_English()
    {
        await site.CountedAsync();
        await using var context = await browser.NewContextAsync();
        var page = await OpenAsync(context);

        foreach (var lang in new[] { "sv", "en" })
        {
            await ShouldShowSummaryAsync(page, $"{Gateway}/dashboard?lang={lang}&area={site.AreaCode}", site.AreaCode, lang);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);
        }
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync($"Key figures: {DashboardSite.AreaNames.En}");
        await Expect(page.GetByTestId("area-select").Locator("option:checked")).ToHaveTextAsync(DashboardSite.AreaNames.En);
        page.ShouldHaveStayedLocal();
    }

    [Theory]
    [InlineData("sv-FI", "sv")]
    [InlineData("en-GB", "en")]
    [InlineData("fi-FI", "fi")]
    [InlineData("de-DE", "fi")]
    public async Task Without_lang_the_browsers_language_is_used_and_Finnish_otherwise(string locale, string lang)
    {
        await using var context = await browser.NewContextAsync(new() { Locale = locale });
        var page = await OpenAsync(context);

        await page.GotoAsync($"{Gateway}/dashboard");

        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);
        await Expect(page.GetByTestId($"lang-{lang}")).ToHaveAttributeAsync("aria-pressed", "true");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task An_unknown_area_in_the_url_falls_back_to_the_whole_country()
    {
        await using var context = await browser.NewContextAsync();
        var page = await OpenAsync(context);

        await page.GotoAsync($"{Gateway}/dashboard?lang=en&area=no-such-area");
        await WaitUntilLoadedAsync(page, area: "");

        await Expect(page.GetByTestId("area-select")).ToHaveValueAsync("");
        await Expect(page.GetByTestId("headline-heading")).ToHaveTextAsync("Key figures");
        page.Url.ShouldNotContain("area=");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task The_root_redirects_to_the_dashboard()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Gateway) };
        var response = await http.GetAsync("/");
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/dashboard");

        await using var context = await browser.NewContextAsync();
        var page = await OpenAsync(context);
        await page.GotoAsync($"{Gateway}/?lang=en");

        new Uri(page.Url).AbsolutePath.ShouldBe("/dashboard");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByTestId("page-title")).ToHaveTextAsync("Kaiku card statistics");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task On_a_phone_the_page_fits_the_screen()
    {
        await using var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "fi-FI",
        });
        var page = await OpenAsync(context);
        await page.GotoAsync($"{Gateway}/dashboard");
        await WaitUntilLoadedAsync(page, area: "", requireReady: false);

        // Nothing wider than the screen: wide tables scroll inside their own box, charts are drawn to the screen's width.
        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
        var chartWidth = await page.Locator("#monthly-chart").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        chartWidth.ShouldBeLessThanOrEqualTo(390);
        // The headline figures sit two to a row.
        var figures = await page.Locator("#headline .figure").EvaluateAllAsync<double[]>("list => list.slice(0, 2).map(f => f.getBoundingClientRect().top)");
        if (figures.Length == 2) figures[0].ShouldBe(figures[1]);
        await ScreenshotAsync(page, "dashboard-phone-fi.png");
        page.ShouldHaveStayedLocal();
    }

    [Fact]
    public async Task The_pages_files_have_their_content_types_no_cache_and_a_content_security_policy()
    {
        foreach (var (path, type) in new[] { ("/dashboard", "text/html"), ("/dashboard/dashboard.js", "text/javascript"), ("/dashboard/dashboard.css", "text/css") })
        {
            var response = await system.Gateway.GetAsync(path);

            response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe(type, path);
            response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8", path);
            response.Headers.CacheControl!.NoCache.ShouldBeTrue(path);
            response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'self';", Case.Sensitive, path);
            response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
            var body = await response.Content.ReadAsStringAsync();
            body.ShouldNotContain("https://", Case.Insensitive, path);
            body.ShouldNotContain("//cdn", Case.Insensitive, path);

            // Revalidation is cheap: the same version answers 304.
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            (await system.Gateway.SendAsync(again)).StatusCode.ShouldBe(HttpStatusCode.NotModified, path);
        }

        using var head = await system.Gateway.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/dashboard"));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");

        var html = await system.Gateway.GetStringAsync("/dashboard");
        html.ShouldContain("<link rel=\"icon\" href=\"data:,\">");
        html.ShouldContain("<script src=\"/dashboard/dashboard.js\" defer></script>");
        // The policy allows no inline script or style.
        html.Split("<script").Length.ShouldBe(2);
        html.ShouldNotContain("<style");
        html.ShouldNotContain(" style=");
        await (await system.Gateway.GetAsync("/dashboard/nothing.js")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    /// <summary>A new page that records every request it makes and every console error.</summary>
    private static async Task<IPage> OpenAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout((float)PageTimeout.TotalMilliseconds);
        var watch = PageWatch.Of(page);
        page.Request += (_, request) => watch.Requests.Enqueue(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") watch.Errors.Enqueue($"console: {message.Text} ({message.Location})");
        };
        page.PageError += (_, error) => watch.Errors.Enqueue($"page error: {error}");
        return page;
    }

    /// <summary>Waits until the page has loaded the figures of the area ("" for the whole country).</summary>
    private static async Task WaitUntilLoadedAsync(IPage page, string area, bool requireReady = true)
    {
        var main = page.Locator($"main[data-area='{area}']:not([data-state='loading'])");
        await Expect(main).ToHaveCountAsync(1);
        if (requireReady && await main.GetAttributeAsync("data-state") != "ready")
            throw new InvalidOperationException($"The dashboard failed to load its figures: {await page.GetByTestId("status").TextContentAsync()}; {string.Join(" | ", PageWatch.Of(page).Errors)}");
    }

    /// <summary>
    /// Loads the page until a load falls between two identical answers of the summary API (other tests change the
    /// national figures meanwhile), then checks the headline figures are that answer, formatted in the language.
    /// </summary>
    private async Task ShouldShowSummaryAsync(IPage page, string url, string? area, string lang)
    {
        var path = "/api/statistics/summary" + (area is null ? "" : $"?area={area}");
        for (var attempt = 1; ; attempt++)
        {
            var before = await GetAsync(path);
            await page.GotoAsync(url);
            await WaitUntilLoadedAsync(page, area ?? "");
            var shown = await HeadlineAsync(page);
            var after = await GetAsync(path);
            if (before.GetRawText() == after.GetRawText() || attempt == 5)
            {
                Describe(shown).ShouldBe(Describe(Expected(before, lang)), $"the headline figures in {lang}; the API said {before.GetRawText()}");
                return;
            }
        }
    }

    private async Task<JsonElement> GetAsync(string path) => await (await system.Gateway.GetAsync(path)).ShouldBeJsonAsync(HttpStatusCode.OK);

    /// <summary>The headline figures as shown, by the summary's property names, with no-break spaces as plain spaces.</summary>
    private static async Task<Dictionary<string, string>> HeadlineAsync(IPage page)
    {
        var shown = new Dictionary<string, string>();
        foreach (var key in Headline)
            shown[key] = Normalize(await page.GetByTestId($"headline-{Kebab(key)}").TextContentAsync());
        return shown;
    }

    private static string Describe(Dictionary<string, string> figures) => string.Join("; ", figures.Select(f => $"{f.Key}={f.Value}"));

    private static Dictionary<string, string> Expected(JsonElement summary, string lang) =>
        Headline.ToDictionary(key => key, key => Shown(summary.TryGetProperty(key, out var value) ? value : default, lang));

    /// <summary>A count as the page should show it: formatted in the language, or "–" when suppressed.</summary>
    private static string Shown(JsonElement value, string lang) =>
        value.ValueKind == JsonValueKind.Number
            ? Normalize(value.GetInt32().ToString("N0", CultureInfo.GetCultureInfo(lang)))
            : "–";

    /// <summary>Table cells' text, a suppressed count (its "–" and its hidden explanation) as "–".</summary>
    private static async Task<string[]> CellsAsync(IPage page, string selector) =>
        (await page.Locator(selector).EvaluateAllAsync<string[]>("cells => cells.map(c => c.querySelector('[data-suppressed]') ? '–' : c.textContent.trim())"))
        .Select(Normalize).ToArray();

    private static string Normalize(string? text) => (text ?? "").Replace('\u00A0', ' ').Replace('\u202F', ' ').Trim();

    private static string Kebab(string name) => string.Concat(name.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "screenshots", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
        TestContext.Current.SendDiagnosticMessage($"Dashboard screenshot: {path}");
    }
}

/// <summary>What a page requested and which errors it logged, kept beside the page.</summary>
internal sealed class PageWatch
{
    private static readonly ConditionalWeakTable<IPage, PageWatch> Watches = new();

    public ConcurrentQueue<string> Requests { get; } = new();

    public ConcurrentQueue<string> Errors { get; } = new();

    public static PageWatch Of(IPage page) => Watches.GetValue(page, _ => new PageWatch());
}

internal static class PageAssertions
{
    /// <summary>The page asked nothing of any host but this machine's and logged no error.</summary>
    public static void ShouldHaveStayedLocal(this IPage page)
    {
        var watch = PageWatch.Of(page);
        watch.Requests.ShouldNotBeEmpty();
        watch.Requests.Where(url => !IsLocal(url)).ShouldBeEmpty("requests outside 127.0.0.1/localhost");
        watch.Errors.ShouldBeEmpty("console errors");
    }

    private static bool IsLocal(string url)
    {
        var uri = new Uri(url);
        return uri.Scheme is "data" or "about" or "blob" || uri.Host is "127.0.0.1" or "localhost";
    }
}

/// <summary>
/// An area of the test's own with two venues (culture and sport) and a distributor unit, six cards, and uses recorded
/// at the venues by their own site clients (tokens from the token endpoint) — all through the gateway as the admin
/// would, so the counts that matter are at least 5 and shown to anyone.
/// </summary>
public sealed class DashboardSite(SystemFixture system) : IAsyncLifetime
{
    public const int Cards = 6;
    public const int CultureUses = Cards * 2; // each card: the holder and one child
    public const int SportUses = 5; // five of the holders, alone
    public const int Uses = CultureUses + SportUses;
    public const int ChildUses = Cards;

    public static readonly (string Fi, string Sv, string En) AreaNames = ("Mittarimaa", "Mätarland", "Gaugeland");

    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(20);

    private readonly List<HttpClient> desks = [];
    private Task? counted;

    public string AreaCode { get; } = $"dash-{Guid.NewGuid():N}"[..14];

    public async ValueTask InitializeAsync()
    {
        var admin = system.Admin;
        (await admin.PostAsJsonAsync("/api/areas", new
        {
            code = AreaCode,
            name = new { fi = AreaNames.Fi, sv = AreaNames.Sv, en = AreaNames.En },
            municipalities = new[] { "Mittarila", "Näyttölä" },
        })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var theatre = await VenueAsync("Mittarimaan teatteri", "culture");
        var pool = await VenueAsync("Mittarimaan uimahalli", "sport");
        // The Cards service learns of areas, and Identity of venues, from events: the first attempts may be refused.
        var distributor = await IdAsync(Eventually.MatchAsync(() => admin.PostAsJsonAsync("/api/distributors",
                new { areaCode = AreaCode, name = "Mittarimaan aikuissosiaalityö", unitType = "adult-social-work" }),
            r => r.StatusCode == HttpStatusCode.Created, EventTimeout, "the Cards service to learn of the area"));
        var theatreDesk = await VenueClientAsync(theatre.Venue, "Mittarimaan teatterin lipunmyynti");
        var poolDesk = await VenueClientAsync(pool.Venue, "Mittarimaan uimahallin kassa");

        var cards = new List<string>();
        for (var i = 0; i < Cards; i++)
        {
            var issued = await (await admin.PostAsJsonAsync("/api/cards",
                new { distributorId = distributor, kind = "personal", birthYear = 1980 + i, postalCode = "60100", children = 1 })).ShouldBeJsonAsync(HttpStatusCode.Created);
            cards.Add(issued.GetProperty("cardNumber").GetString()!);
        }
        for (var i = 0; i < Cards; i++)
        {
            // The first use of a card waits for the Redemptions service to learn of it; every use has its own key.
            await Eventually.MatchAsync(() => RecordAsync(theatreDesk, cards[i], theatre, children: 1),
                r => r.StatusCode == HttpStatusCode.Created, EventTimeout, $"a use of card {cards[i]} to be recorded");
            if (i < SportUses) (await RecordAsync(poolDesk, cards[i], pool, children: 0)).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
    }

    /// <summary>Completes once the public summary of the area counts every use (Redemptions → RabbitMQ → Statistics).</summary>
    public Task CountedAsync() => counted ??= Eventually.TrueAsync(async () =>
    {
        var response = await system.Gateway.GetAsync($"/api/statistics/summary?area={AreaCode}");
        if (!response.IsSuccessStatusCode) return false;
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        return summary.TryGetProperty("uses", out var uses) && uses.ValueKind == JsonValueKind.Number && uses.GetInt32() == Uses;
    }, TimeSpan.FromSeconds(30), $"the statistics summary of {AreaCode} to count {Uses} uses");

    public ValueTask DisposeAsync()
    {
        foreach (var desk in desks) desk.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<(Guid Venue, Guid Offering)> VenueAsync(string name, string category)
    {
        var venue = await IdAsync(system.Admin.PostAsJsonAsync("/api/venues",
            new { areaCode = AreaCode, name = new { fi = name }, category, municipality = "Mittarila" }));
        var offering = await IdAsync(system.Admin.PostAsJsonAsync($"/api/venues/{venue}/offerings", new { title = "Vapaa pääsy", kind = "admission" }));
        return (venue, offering);
    }

    private async Task<HttpClient> VenueClientAsync(Guid venue, string name)
    {
        var response = await Eventually.MatchAsync(() => system.Admin.PostAsJsonAsync("/api/clients", new { name, role = "venue", venueIds = new[] { venue } }),
            r => r.StatusCode == HttpStatusCode.Created, EventTimeout, "Identity to learn of the venue");
        var created = await response.ShouldBeJsonAsync(HttpStatusCode.Created);
        var token = await system.TokenAsync(created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);
        var desk = new HttpClient { BaseAddress = new Uri(system.System.GatewayUrl) }.As(token);
        desks.Add(desk);
        return desk;
    }

    private static async Task<HttpResponseMessage> RecordAsync(HttpClient desk, string cardNumber, (Guid Venue, Guid Offering) at, int children)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/redemptions")
        {
            Content = JsonContent.Create(new { cardNumber, venueId = at.Venue, offeringId = at.Offering, adults = 1, children }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await desk.SendAsync(request);
    }

    private static async Task<Guid> IdAsync(Task<HttpResponseMessage> created) =>
        (await (await created).ShouldBeJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
}
