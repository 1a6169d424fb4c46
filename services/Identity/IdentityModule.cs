using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.Identity.Api;
using Kaikukortti.Identity.Domain;
using Kaikukortti.Identity.Messaging;
using Kaikukortti.ServiceDefaults.Problems;

namespace Kaikukortti.Identity;

public static class IdentityModule
{
    public static IHostApplicationBuilder AddIdentityService(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("identitydb");
        builder.AddMessaging(inbox => inbox
            .Handle<AreaRegistered, AreaRegisteredHandler>()
            .Handle<VenueRegistered, VenueRegisteredHandler>()
            .Handle<VenueChanged, VenueChangedHandler>()
            .Handle<DistributorRegistered, DistributorRegisteredHandler>());
        builder.AddKaikuAuthentication(issuesTokens: true);
        builder.Services.AddSingleton<SecretThrottle>();
        builder.Services.AddHostedService<BootstrapAdmin>();
        builder.Services.Configure<ProblemTextOptions>(texts => texts
            .Add("client-name-required", "Asiakkaan nimi puuttuu.", "Klientens namn saknas.", "The client's name is required.")
            .Add("client-role-invalid",
                "Rooli '{0}' ei kelpaa: national-admin, area-coordinator, distributor, venue, partner tai statistics.",
                "Rollen '{0}' är ogiltig: national-admin, area-coordinator, distributor, venue, partner eller statistics.",
                "The role '{0}' is not valid: national-admin, area-coordinator, distributor, venue, partner or statistics.")
            .Add("client-scope-invalid", "Roolille {0} annettiin kenttiä, jotka eivät kuulu sille.", "Fält som inte hör till rollen {0} angavs.", "Fields that do not belong to the role {0} were given.")
            .Add("client-area-required", "Roolille {0} on annettava alue (areaCode).", "Rollen {0} kräver ett område (areaCode).", "The role {0} needs an area (areaCode).")
            .Add("client-distributor-required", "Jakajan asiakkaalle on annettava jakaja (distributorId).", "En utdelarklient kräver en utdelare (distributorId).", "A distributor client needs a distributorId.")
            .Add("client-venues-invalid",
                "Roolille {0} annetut kohteet (venueIds) eivät kelpaa: venue-asiakkaalla täsmälleen yksi, partnerilla 1–{1}.",
                "Besöksmålen (venueIds) för rollen {0} är ogiltiga: en venue-klient har exakt ett, en partner 1–{1}.",
                "The venueIds for the role {0} are not valid: a venue client has exactly one, a partner 1 to {1}.")
            .Add("client-area-mismatch", "Annettu alue ei vastaa kohteen tai jakajan aluetta '{0}'.", "Det angivna området motsvarar inte områdets '{0}'.", "The given areaCode does not match the area '{0}' of the venue or distributor.")
            .Add("venue-unknown", "Kohdetta {0} ei tunneta.", "Besöksmålet {0} är okänt.", "The venue {0} is not known.")
            .Add("distributor-unknown", "Jakajaa {0} ei tunneta.", "Utdelaren {0} är okänd.", "The distributor {0} is not known.")
            .Add("client-role-not-allowed", "Aluekoordinaattori ei voi luoda roolin {0} asiakasta.", "En områdeskoordinator kan inte skapa en klient med rollen {0}.", "An area coordinator cannot create a {0} client.")
            .Add("client-scope-outside-area", "Asiakkaan on kuuluttava omaan alueeseesi ({0}).", "Klienten måste höra till ditt eget område ({0}).", "The client must belong to your own area ({0}).")
            .Add("client-not-found", "Asiakasta '{0}' ei löydy.", "Klienten '{0}' hittades inte.", "There is no client '{0}'.")
            .Add("client-revoke-self", "Et voi perua omaa asiakastasi.", "Du kan inte återkalla din egen klient.", "You cannot revoke your own client."));
        return builder;
    }

    public static WebApplication MapIdentityEndpoints(this WebApplication app)
    {
        app.MapTokenEndpoint();
        app.MapClientsApi();
        app.MapRevocationsEndpoint();
        return app;
    }
}
