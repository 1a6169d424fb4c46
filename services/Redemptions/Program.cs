using Kaikukortti.Redemptions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRedemptions();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapRedemptionsService();
app.Run();
