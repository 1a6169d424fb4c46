using Kaikukortti.Contracts.Venues;
using Kaikukortti.Statistics.Api;
using Kaikukortti.Statistics.Messaging;

namespace Kaikukortti.Statistics;

public static class StatisticsModule
{
    public static IHostApplicationBuilder AddStatistics(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("statisticsdb");
        builder.AddMessaging(inbox => inbox.Handle<AreaRegistered, AreaRegisteredHandler>());
        return builder;
    }

    public static WebApplication MapStatisticsApi(this WebApplication app)
    {
        app.MapStatisticsEndpoints();
        return app;
    }
}
