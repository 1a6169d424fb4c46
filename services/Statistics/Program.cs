using Kaikukortti.Statistics;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddStatistics();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapStatisticsApi();
app.Run();
