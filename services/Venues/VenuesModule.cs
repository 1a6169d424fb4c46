using Kaikukortti.ServiceDefaults.Problems;
using Kaikukortti.Venues.Api;

namespace Kaikukortti.Venues;

public static class VenuesModule
{
    public static IHostApplicationBuilder AddVenues(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("venuesdb");
        builder.AddMessaging();
        builder.AddKaikuAuthentication();
        builder.Services.Configure<ProblemTextOptions>(texts => texts
            .Add("area-code-invalid",
                "Alueen tunnus '{0}' ei kelpaa: käytä pieniä kirjaimia a–z, numeroita ja väliviivoja (2–40 merkkiä).",
                "Områdeskoden '{0}' är ogiltig: använd små bokstäver a–z, siffror och bindestreck (2–40 tecken).",
                "The area code '{0}' is not valid: use lowercase letters a–z, digits and hyphens (2–40 characters).")
            .Add("area-name-required", "Alueen suomenkielinen nimi puuttuu.", "Områdets finska namn saknas.", "The area's Finnish name (name.fi) is required.")
            .Add("area-municipalities-required", "Alueeseen on kuuluttava vähintään yksi kunta.", "Området måste omfatta minst en kommun.", "An area must have at least one municipality.")
            .Add("area-too-many-municipalities", "Alueessa voi olla enintään {0} kuntaa.", "Ett område kan ha högst {0} kommuner.", "An area can have at most {0} municipalities.")
            .Add("municipality-invalid", "Kunnan nimi ei saa olla tyhjä eikä yli {0} merkkiä.", "Kommunens namn får inte vara tomt eller över {0} tecken.", "A municipality name must not be empty or longer than {0} characters.")
            .Add("municipality-duplicate", "Kunta '{0}' on listassa kahdesti.", "Kommunen '{0}' finns två gånger i listan.", "The municipality '{0}' is listed twice.")
            .Add("area-code-taken", "Alue tunnuksella '{0}' on jo olemassa.", "Det finns redan ett område med koden '{0}'.", "An area with the code '{0}' already exists."));
        return builder;
    }

    public static WebApplication MapVenuesApi(this WebApplication app)
    {
        app.MapAreasApi();
        return app;
    }
}
