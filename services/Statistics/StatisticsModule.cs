using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Redemptions;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Problems;
using Kaikukortti.Statistics.Api;
using Kaikukortti.Statistics.Dashboard;
using Kaikukortti.Statistics.Messaging;

namespace Kaikukortti.Statistics;

public static class StatisticsModule
{
    public static IHostApplicationBuilder AddStatistics(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("statisticsdb");
        builder.AddMessaging(inbox => inbox
            .Handle<AreaRegistered, AreaRegisteredHandler>()
            .Handle<DistributorRegistered, DistributorRegisteredHandler>()
            .Handle<DistributorChanged, DistributorChangedHandler>()
            .Handle<VenueRegistered, VenueRegisteredHandler>()
            .Handle<VenueChanged, VenueChangedHandler>()
            .Handle<CardIssued, CardIssuedHandler>()
            .Handle<CardRenewed, CardRenewedHandler>()
            .Handle<CardClosed, CardClosedHandler>()
            .Handle<UseRecorded, UseRecordedHandler>()
            .Handle<UseCancelled, UseCancelledHandler>());
        // Statistics are public; a token only decides whether the caller sees small counts exactly.
        builder.AddKaikuAuthentication();
        builder.Services.Configure<ProblemTextOptions>(texts => texts
            .Add("year-invalid", "Vuosi {0} ei kelpaa.", "Året {0} är ogiltigt.", "The year {0} is not valid.")
            .Add("month-invalid", "Kuukausi annetaan muodossa VVVV-KK.", "En månad anges som ÅÅÅÅ-MM.", "A month is written YYYY-MM.")
            .Add("group-by-invalid", "Ryhmittely '{0}' ei kelpaa: month, area, venue, category tai homeArea.", "Grupperingen '{0}' är ogiltig: month, area, venue, category eller homeArea.", "The grouping '{0}' is not valid: month, area, venue, category or homeArea."));
        return builder;
    }

    public static WebApplication MapStatisticsApi(this WebApplication app)
    {
        app.MapStatisticsEndpoints();
        app.MapDashboard();
        return app;
    }
}
