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
            .Add("venue-name-required", "Kohteen suomenkielinen nimi puuttuu.", "Besöksmålets finska namn saknas.", "The venue's Finnish name (name.fi) is required.")
            .Add("venue-category-invalid", "Luokka '{0}' ei kelpaa: culture, education, science tai sport.", "Kategorin '{0}' är ogiltig: culture, education, science eller sport.", "The category '{0}' is not valid: culture, education, science or sport.")
            .Add("venue-municipality-not-in-area", "Kunta '{0}' ei kuulu alueeseen.", "Kommunen '{0}' hör inte till området.", "The municipality '{0}' is not in the area.")
            .Add("text-too-long", "Kenttä {0} on liian pitkä (enintään {1} merkkiä).", "Fältet {0} är för långt (högst {1} tecken).", "The field {0} is too long (at most {1} characters).")
            .Add("contact-email-invalid", "Sähköpostiosoite '{0}' ei kelpaa.", "E-postadressen '{0}' är ogiltig.", "The e-mail address '{0}' is not valid.")
            .Add("venue-not-found", "Kohdetta {0} ei löydy.", "Besöksmålet {0} hittades inte.", "There is no venue {0}.")
            .Add("venue-area-immutable", "Kohteen aluetta ({0}) ei voi vaihtaa.", "Besöksmålets område ({0}) kan inte ändras.", "A venue's area ({0}) cannot change.")
            .Add("offering-title-required", "Tarjouksen otsikko puuttuu.", "Erbjudandets rubrik saknas.", "The offering's title is required.")
            .Add("offering-kind-invalid", "Laji '{0}' ei kelpaa: admission, course tai season-pass.", "Typen '{0}' är ogiltig: admission, course eller season-pass.", "The kind '{0}' is not valid: admission, course or season-pass.")
            .Add("quota-tickets-invalid", "Kiintiön lippumäärän on oltava vähintään 1.", "Kvotens antal biljetter måste vara minst 1.", "A quota must be at least 1 ticket.")
            .Add("quota-period-invalid", "Kiintiön jakso '{0}' ei kelpaa: event, day, week tai month.", "Kvotens period '{0}' är ogiltig: event, day, week eller month.", "The quota period '{0}' is not valid: event, day, week or month.")
            .Add("offering-ends-before-start", "Päättymisaika on ennen alkamisaikaa.", "Sluttiden är före starttiden.", "The end is before the start.")
            .Add("offering-not-found", "Tarjousta {0} ei löydy.", "Erbjudandet {0} hittades inte.", "There is no offering {0}.")
            .Add("area-code-taken", "Alue tunnuksella '{0}' on jo olemassa.", "Det finns redan ett område med koden '{0}'.", "An area with the code '{0}' already exists."));
        return builder;
    }

    public static WebApplication MapVenuesApi(this WebApplication app)
    {
        app.MapAreasApi();
        app.MapVenuesEndpoints();
        return app;
    }
}
