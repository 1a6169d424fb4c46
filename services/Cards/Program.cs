using Kaikukortti.Cards;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCards();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapCardsService();
app.Run();
