using System.Net.Http.Json;
using System.Text.Json;
using Kaikukortti.Reconcile;

// Usage: dotnet run --project tools/Reconcile -- [gateway URL] ; the admin secret comes from KAIKU_ADMIN_SECRET.
// Exit 0 when statistics agree with the Cards and Redemptions services' own counts, 1 when a figure differs, 2 on bad use.
var gateway = new Uri(args.FirstOrDefault() ?? "http://localhost:8080");
var clientId = Environment.GetEnvironmentVariable("KAIKU_ADMIN_CLIENT_ID") ?? "kaiku-admin";
if (Environment.GetEnvironmentVariable("KAIKU_ADMIN_SECRET") is not { Length: > 0 } secret)
{
    Console.Error.WriteLine("Set KAIKU_ADMIN_SECRET to the national admin's secret (AppHost prints it on first run).");
    return 2;
}

using var http = new HttpClient { BaseAddress = gateway };
using var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(
    [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", secret)]));
if (!token.IsSuccessStatusCode)
{
    Console.Error.WriteLine($"No token from {gateway}: {(int)token.StatusCode} {await token.Content.ReadAsStringAsync()}");
    return 2;
}
http.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());

var figures = await Reconciliation.CompareUntilAgreedAsync(http, TimeSpan.FromSeconds(10));
Console.WriteLine($"{"figure",-20} {"owner",-12} {"owner's count",14} {"statistics",11}");
foreach (var figure in figures)
    Console.WriteLine($"{figure.Name,-20} {figure.Owner,-12} {figure.OwnerCount,14} {figure.StatisticsCount,11}{(figure.Agrees ? "" : "   DIFFERS")}");
var differing = figures.Count(f => !f.Agrees);
Console.WriteLine(differing == 0 ? "statistics agree with their sources" : $"{differing} figure(s) differ");
return differing == 0 ? 0 : 1;
