using Kaikukortti.Venues;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddVenues();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapVenuesApi();
app.Run();
