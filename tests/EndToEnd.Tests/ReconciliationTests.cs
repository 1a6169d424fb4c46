using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Kaikukortti.Reconcile;
using Kaikukortti.TestSupport;

namespace Kaikukortti.EndToEnd.Tests;

/// <summary>
/// Statistics agree with the Cards and Redemptions services' own counts once events have drained, and the
/// reconciliation says so — or names the figures that differ. Runs with the system to itself, so the totals hold still.
/// </summary>
[Collection(nameof(StopsServices))]
public sealed class ReconciliationTests(SystemFixture system)
{
    [Fact]
    public async Task After_issuing_replacing_recording_and_cancelling_statistics_agree_with_their_sources()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var first = await site.IssueCardAsync(children: 2);
        var second = await site.IssueCardAsync(children: 0);
        await site.IssueCommunityCardAsync(groupSize: 6);
        await site.EventuallyRecordedAsync(first, children: 2);
        await site.EventuallyRecordedAsync(second);
        var cancelled = await site.EventuallyRecordedAsync(second);
        (await site.Venue.PostAsync($"/api/redemptions/{cancelled.GetProperty("id").GetGuid()}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await site.Distributor.PostAsJsonAsync($"/api/cards/{second}/replace", new { reason = "lost" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        var figures = await Reconciliation.CompareUntilAgreedAsync(system.Admin, TimeSpan.FromSeconds(20));

        figures.Where(f => !f.Agrees).ShouldBeEmpty();
        figures.Single(f => f.Name == "uses").OwnerCount.ShouldBeGreaterThanOrEqualTo(4);
        figures.Single(f => f.Name == "cardsTakenIntoUse").OwnerCount.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Uses_recorded_while_statistics_are_down_are_counted_when_they_are_back()
    {
        var site = await RedemptionSite.CreateAsync(system);
        var card = await site.IssueCardAsync(children: 1);
        await site.EventuallyRecordedAsync(card);
        (await Reconciliation.CompareUntilAgreedAsync(system.Admin, TimeSpan.FromSeconds(20))).Where(f => !f.Agrees).ShouldBeEmpty();

        var statistics = system.System["statistics"];
        await statistics.StopAsync();
        try
        {
            await site.EventuallyRecordedAsync(card, children: 1);
            await site.EventuallyRecordedAsync(card);
        }
        finally
        {
            await statistics.StartAsync();
        }

        (await Reconciliation.CompareUntilAgreedAsync(system.Admin, TimeSpan.FromSeconds(20))).Where(f => !f.Agrees).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_figure_statistics_count_differently_is_named()
    {
        using var admin = new HttpClient(new CannedAnswers(new()
        {
            ["/api/cards/totals"] = """{"cardsIssued":10,"replacements":1,"activeCards":9}""",
            ["/api/redemptions/totals"] = """{"uses":30,"adultUses":20,"childUses":10,"assistants":2,"cardsTakenIntoUse":7}""",
            ["/api/statistics/summary"] = """{"cardsIssued":10,"activeCards":9,"uses":29,"adultUses":20,"childUses":9,"cardsTakenIntoUse":7}""",
        })) { BaseAddress = new Uri("http://gateway.test") };

        var figures = await Reconciliation.CompareAsync(admin);

        figures.Where(f => !f.Agrees).Select(f => (f.Name, f.OwnerCount, f.StatisticsCount)).ShouldBe([("uses", 30, 29), ("childUses", 10, 9)]);
    }

    private sealed class CannedAnswers(Dictionary<string, string> answers) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(answers[request.RequestUri!.AbsolutePath], Encoding.UTF8, "application/json") });
    }

    [Fact]
    public async Task The_reconcile_tool_reports_agreement_with_exit_code_0()
    {
        (await Reconciliation.CompareUntilAgreedAsync(system.Admin, TimeSpan.FromSeconds(20))).Where(f => !f.Agrees).ShouldBeEmpty();

        var tool = Process.Start(new ProcessStartInfo("dotnet", [typeof(Reconciliation).Assembly.Location, system.System.GatewayUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["KAIKU_ADMIN_SECRET"] = system.System.AdminSecret },
        })!;
        var output = await tool.StandardOutput.ReadToEndAsync();
        await tool.WaitForExitAsync();

        tool.ExitCode.ShouldBe(0, output + await tool.StandardError.ReadToEndAsync());
        output.ShouldContain("statistics agree with their sources");
        output.ShouldContain("cardsTakenIntoUse");
    }
}
