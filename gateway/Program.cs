using Kaikukortti.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGateway();

var app = builder.Build();
// Ahead of the defaults' authorization, which would treat a bad token on a public route as no token at all.
app.UseTokenChecks();
app.UseServiceDefaults();
app.MapGateway();
app.Run();
