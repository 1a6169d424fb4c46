using System.Globalization;
using Kaikukortti.Seed;

// Usage: dotnet run -c Release --project tools/Seed -- [gateway URL] [--scale N] [--seed N]
// The national admin's secret comes from KAIKU_ADMIN_SECRET. Progress goes to stderr.
var gateway = new Uri("http://localhost:8080");
int scale = 1, seed = 2026;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--scale" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var s) && s >= 1:
            scale = s;
            i++;
            break;
        case "--seed" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var r):
            seed = r;
            i++;
            break;
        case var url when Uri.TryCreate(url, UriKind.Absolute, out var given) && given.Scheme is "http" or "https":
            gateway = given;
            break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: [gateway URL] [--scale N (1 or more)] [--seed N]");
            return 2;
    }
}
if (Environment.GetEnvironmentVariable("KAIKU_ADMIN_SECRET") is not { Length: > 0 } secret)
{
    Console.Error.WriteLine("Set KAIKU_ADMIN_SECRET to the national admin's secret (AppHost prints it on first run).");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, NationalNetwork.Helsinki).DateTime);
await NationalSeed.RunAsync(gateway, Environment.GetEnvironmentVariable("KAIKU_ADMIN_CLIENT_ID") ?? "kaiku-admin", secret, new NationalNetwork(seed, scale, today),
    Console.Error, cancel.Token);
return 0;
