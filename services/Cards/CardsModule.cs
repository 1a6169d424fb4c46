using Kaikukortti.Cards.Api;
using Kaikukortti.Cards.Domain;
using Kaikukortti.Cards.Messaging;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.ServiceDefaults.Problems;

namespace Kaikukortti.Cards;

public static class CardsModule
{
    public static IHostApplicationBuilder AddCards(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("cardsdb");
        builder.AddMessaging(inbox => inbox.Handle<AreaRegistered, AreaRegisteredHandler>());
        builder.AddKaikuAuthentication();
        builder.Services.AddSingleton<CardNumberGenerator>();
        builder.Services.Configure<ProblemTextOptions>(texts => texts
            .Add("distributor-name-required", "Jakajan nimi puuttuu.", "Utdelarens namn saknas.", "The distributor's name is required.")
            .Add("unit-type-invalid",
                "Yksikön tyyppi '{0}' ei kelpaa: adult-social-work, mental-health, employment, substance-abuse, outreach-youth, parish-diaconal, child-and-family tai other.",
                "Enhetstypen '{0}' är ogiltig: adult-social-work, mental-health, employment, substance-abuse, outreach-youth, parish-diaconal, child-and-family eller other.",
                "The unit type '{0}' is not valid: adult-social-work, mental-health, employment, substance-abuse, outreach-youth, parish-diaconal, child-and-family or other.")
            .Add("distributor-area-required", "Jakajan alue (areaCode) puuttuu.", "Utdelarens område (areaCode) saknas.", "The distributor's area (areaCode) is required.")
            .Add("distributor-name-taken", "Alueella on jo jakaja nimeltä '{0}'.", "Området har redan en utdelare med namnet '{0}'.", "The area already has a distributor named '{0}'.")
            .Add("distributor-not-found", "Jakajaa {0} ei löydy.", "Utdelaren {0} hittades inte.", "There is no distributor {0}.")
            .Add("distributor-unknown", "Jakajaa {0} ei tunneta.", "Utdelaren {0} är okänd.", "The distributor {0} is not known.")
            .Add("distributor-inactive", "Jakaja {0} ei ole toiminnassa: se ei myönnä eikä uusi kortteja.", "Utdelaren {0} är inte aktiv: den utfärdar eller förnyar inga kort.", "The distributor {0} is not active: it issues and renews no cards.")
            .Add("card-kind-invalid", "Kortin laji '{0}' ei kelpaa: personal tai community.", "Korttypen '{0}' är ogiltig: personal eller community.", "The card kind '{0}' is not valid: personal or community.")
            .Add("card-field-required", "Kenttä {0} puuttuu.", "Fältet {0} saknas.", "The field {0} is required.")
            .Add("card-field-not-allowed", "Kenttää {0} ei anneta {1}-kortille.", "Fältet {0} anges inte för ett {1}-kort.", "The field {0} is not given for a {1} card.")
            .Add("issued-on-invalid", "Myöntöpäivä ei voi olla tulevaisuudessa eikä yli {0} vuotta sitten.", "Utfärdandedagen kan inte ligga i framtiden eller mer än {0} år tillbaka.", "The issue date cannot be in the future or more than {0} years back.")
            .Add("holder-too-young", "Kortin saa se, joka täyttää tänä vuonna vähintään 16 vuotta (syntynyt {0} tai aiemmin).", "Kortet ges till den som fyller minst 16 år i år (född {0} eller tidigare).", "The holder must turn 16 this year or be older (born in {0} or earlier).")
            .Add("birth-year-invalid", "Syntymävuoden on oltava välillä {0}–{1}.", "Födelseåret ska vara mellan {0} och {1}.", "The birth year must be between {0} and {1}.")
            .Add("postal-code-invalid", "Postinumerossa on oltava viisi numeroa.", "Postnumret ska ha fem siffror.", "A postal code has five digits.")
            .Add("children-invalid", "Lasten määrän on oltava 0–{0}.", "Antalet barn ska vara 0–{0}.", "The number of children must be 0 to {0}.")
            .Add("group-size-invalid", "Ryhmän koon on oltava 1–{0}.", "Gruppstorleken ska vara 1–{0}.", "The group size must be 1 to {0}.")
            .Add("card-option-invalid", "Kentän {0} arvo ei kelpaa: {1}.", "Värdet för fältet {0} är ogiltigt: {1}.", "The value of {0} is not valid: {1}.")
            .Add("age-group-mismatch", "Ikäryhmä {0} ei sovi syntymävuoteen.", "Åldersgruppen {0} stämmer inte med födelseåret.", "The age group {0} does not fit the birth year.")
            .Add("card-not-found", "Korttia {0} ei löydy.", "Kortet {0} hittades inte.", "There is no card {0}.")
            .Add("close-reason-invalid", "Sulkemisen syy '{0}' ei kelpaa: lost, stolen, damaged, holder-request, not-eligible tai other.", "Orsaken '{0}' är ogiltig: lost, stolen, damaged, holder-request, not-eligible eller other.", "The reason '{0}' is not valid: lost, stolen, damaged, holder-request, not-eligible or other.")
            .Add("replace-reason-invalid", "Korvaamisen syy '{0}' ei kelpaa: lost, damaged tai stolen.", "Orsaken '{0}' till ersättning är ogiltig: lost, damaged eller stolen.", "The reason '{0}' for a replacement is not valid: lost, damaged or stolen."));
        return builder;
    }

    public static WebApplication MapCardsService(this WebApplication app)
    {
        app.MapDistributorsApi();
        app.MapCardsApi();
        return app;
    }
}
