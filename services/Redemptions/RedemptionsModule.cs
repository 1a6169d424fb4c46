using Kaikukortti.Contracts.Cards;
using Kaikukortti.Contracts.Venues;
using Kaikukortti.Redemptions.Api;
using Kaikukortti.Redemptions.Messaging;
using Kaikukortti.ServiceDefaults.Problems;

namespace Kaikukortti.Redemptions;

public static class RedemptionsModule
{
    public static IHostApplicationBuilder AddRedemptions(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("redemptionsdb");
        builder.AddMessaging(inbox => inbox
            .Handle<CardIssued, CardIssuedHandler>()
            .Handle<CardRenewed, CardRenewedHandler>()
            .Handle<CardClosed, CardClosedHandler>()
            .Handle<VenueRegistered, VenueRegisteredHandler>()
            .Handle<VenueChanged, VenueChangedHandler>()
            .Handle<OfferingPublished, OfferingPublishedHandler>()
            .Handle<OfferingChanged, OfferingChangedHandler>());
        builder.AddKaikuAuthentication();
        builder.Services.Configure<ProblemTextOptions>(texts => texts
            .Add("idempotency-key-required", "Pyynnöltä puuttuu Idempotency-Key-otsake.", "Begäran saknar huvudet Idempotency-Key.", "The request needs an Idempotency-Key header.")
            .Add("idempotency-key-invalid", "Idempotency-Key saa olla enintään {0} merkkiä.", "Idempotency-Key får vara högst {0} tecken.", "An Idempotency-Key is at most {0} characters.")
            .Add("idempotency-key-reused", "Tällä Idempotency-Key-avaimella on jo kirjattu toinen pyyntö.", "En annan begäran har redan registrerats med denna Idempotency-Key.", "Another request was already recorded with this Idempotency-Key.")
            .Add("occurred-at-required", "Kerro käynnin aika (occurredAt).", "Ange besökets tid (occurredAt).", "Give the time of the use (occurredAt).")
            .Add("redemption-venue-required", "Kerro kohde (venueId).", "Ange besöksmålet (venueId).", "Name the venue (venueId).")
            .Add("count-invalid", "Kentän {0} on oltava 0–{1}.", "Fältet {0} ska vara 0–{1}.", "{0} must be 0 to {1}.")
            .Add("nobody-admitted", "Käynnillä on oltava ainakin yksi aikuinen tai lapsi.", "Besöket måste gälla minst en vuxen eller ett barn.", "A use admits at least one adult or child.")
            .Add("batch-size-invalid", "Erässä on oltava 1–{0} kirjausta.", "En sats ska ha 1–{0} registreringar.", "A batch has 1 to {0} items.")
            .Add("card-unknown", "Korttia {0} ei tunneta.", "Kortet {0} är okänt.", "The card {0} is not known.")
            .Add("card-expired", "Kortti {0} ei ollut voimassa (voimassa {1} asti).", "Kortet {0} var inte giltigt (giltigt till {1}).", "The card {0} was not valid (valid until {1}).")
            .Add("adults-not-covered", "Henkilökohtainen kortti oikeuttaa yhden aikuisen, kortinhaltijan, lippuun.", "Ett personligt kort gäller en vuxen, kortinnehavaren.", "A personal card admits one adult, its holder.")
            .Add("too-many-children", "Kortilla voi ottaa mukaan enintään {0} lasta.", "Kortet gäller högst {0} barn.", "The card covers at most {0} children.")
            .Add("children-not-covered", "Kurssipaikat eivät koske lapsia.", "Kursplatser gäller inte barn.", "Course places do not cover children.")
            .Add("group-too-large", "Ryhmässä voi olla enintään {0} henkeä.", "Gruppen får vara högst {0} personer.", "The group may be at most {0} people.")
            .Add("quota-exhausted", "Maksuttomat liput ({0}) on jo jaettu tälle jaksolle.", "De fria biljetterna ({0}) är redan utdelade för perioden.", "The free tickets ({0}) for this period are all taken.")
            .Add("other-area-not-accepted", "Kohde ei ota vastaan muiden alueiden kortteja (kortin alue {0}).", "Besöksmålet tar inte emot kort från andra områden (kortets område {0}).", "The venue does not take cards from other areas (the card's area is {0}).")
            .Add("venue-unknown", "Kohdetta {0} ei tunneta.", "Besöksmålet {0} är okänt.", "The venue {0} is not known.")
            .Add("offering-unknown", "Tarjousta {0} ei ole tässä kohteessa.", "Erbjudandet {0} finns inte vid besöksmålet.", "The venue has no offering {0}.")
            .Add("occurred-in-future", "Käynnin aika on tulevaisuudessa.", "Besökets tid ligger i framtiden.", "The use's time is in the future.")
            .Add("too-late", "Käynti on yli {0} päivää vanha.", "Besöket är över {0} dagar gammalt.", "The use is more than {0} days old.")
            .Add("use-not-found", "Käyntiä {0} ei löydy.", "Besöket {0} hittades inte.", "There is no use {0}.")
            .Add("cancel-window-passed", "Käynnin voi perua vain {0} tunnin kuluessa kirjaamisesta.", "Ett besök kan bara ångras inom {0} timmar efter registreringen.", "A use can only be cancelled within {0} hours of recording it."));
        return builder;
    }

    public static WebApplication MapRedemptionsService(this WebApplication app)
    {
        app.MapRedemptionsApi();
        return app;
    }
}
