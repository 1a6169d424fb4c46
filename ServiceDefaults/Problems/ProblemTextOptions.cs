using System.Globalization;

namespace Kaikukortti.ServiceDefaults.Problems;

/// <summary>A problem's detail text in Finnish, Swedish and English; may hold {0}-style placeholders.</summary>
public sealed record ProblemText(string Fi, string Sv, string En)
{
    public string In(string language) => language switch { "sv" => Sv, "en" => En, _ => Fi };
}

/// <summary>The detail texts of every problem code a service can answer with.</summary>
public sealed class ProblemTextOptions
{
    public Dictionary<string, ProblemText> Texts { get; } = new(StringComparer.Ordinal)
    {
        ["bad-request"] = new(
            "Pyyntö ei ole kelvollinen: tarkista JSON-muoto, kenttien nimet ja tyypit.",
            "Begäran är ogiltig: kontrollera JSON-formatet, fältens namn och typer.",
            "The request is not valid: check the JSON syntax, field names and types."),
        ["unauthorized"] = new("Pyyntö vaatii tunnistautumisen.", "Begäran kräver autentisering.", "The request requires authentication."),
        ["forbidden"] = new("Sinulla ei ole oikeutta tähän.", "Du har inte behörighet till detta.", "You are not allowed to do this."),
        ["not-found"] = new("Pyydettyä kohdetta ei löytynyt.", "Det begärda hittades inte.", "The requested resource was not found."),
        ["method-not-allowed"] = new("Tätä menetelmää ei voi käyttää tähän osoitteeseen.", "Metoden kan inte användas för denna adress.", "This method is not allowed for this address."),
        ["conflict"] = new("Pyyntö on ristiriidassa nykyisen tilan kanssa.", "Begäran står i konflikt med nuvarande tillstånd.", "The request conflicts with the current state."),
        ["payload-too-large"] = new("Pyynnön sisältö on liian suuri.", "Begärans innehåll är för stort.", "The request body is too large."),
        ["unsupported-media-type"] = new("Sisältötyyppiä ei tueta; käytä application/json.", "Medietypen stöds inte; använd application/json.", "Unsupported media type; use application/json."),
        ["too-many-requests"] = new("Liian monta pyyntöä; yritä hetken päästä uudelleen.", "För många förfrågningar; försök igen om en stund.", "Too many requests; try again shortly."),
        ["internal-error"] = new("Odottamaton virhe. Yritä uudelleen; jos virhe toistuu, ota yhteys ylläpitoon.", "Ett oväntat fel. Försök igen; kontakta förvaltningen om felet upprepas.", "An unexpected error. Try again; if it persists, contact the operators."),
        ["name-too-long"] = new("Nimi on liian pitkä (enintään {0} merkkiä).", "Namnet är för långt (högst {0} tecken).", "The name is too long (at most {0} characters)."),
        // Areas are known to several services (Venues owns them; the others learn them from events).
        ["area-not-found"] = new("Aluetta '{0}' ei löydy.", "Området '{0}' hittades inte.", "There is no area '{0}'."),
        ["area-unknown"] = new("Aluetta '{0}' ei tunneta.", "Området '{0}' är okänt.", "The area '{0}' is not known."),
        ["paging-invalid"] = new("Sivun on oltava vähintään 1 ja sivukoon 1–{0}.", "Sidan måste vara minst 1 och sidstorleken 1–{0}.", "page must be at least 1 and pageSize 1 to {0}."),
        // Card numbers are read by Cards and Redemptions alike.
        ["card-number-invalid"] = new(
            "Kortin numerossa on oltava 12 numeroa (välilyönnit ja väliviivat sallitaan).",
            "Kortnumret ska ha 12 siffror (mellanslag och bindestreck tillåts).",
            "A card number has 12 digits (spaces and hyphens are allowed)."),
        ["card-number-mistyped"] = new(
            "Kortin numero on kirjoitettu väärin: tarkistusnumero ei täsmää. Tarkista numero kortista.",
            "Kortnumret är felskrivet: kontrollsiffran stämmer inte. Kontrollera numret på kortet.",
            "The card number is mistyped: its check digit does not match. Check the number on the card."),
        ["card-closed"] = new("Kortti {0} on suljettu.", "Kortet {0} är stängt.", "The card {0} is closed."),
        // Venues are deactivated in Venues and refuse uses in Redemptions.
        ["venue-inactive"] = new("Kohde {0} ei ole toiminnassa.", "Besöksmålet {0} är inte aktivt.", "The venue {0} is not active."),
        ["unavailable"] = new("Palvelu ei ole juuri nyt käytettävissä.", "Tjänsten är inte tillgänglig just nu.", "The service is unavailable right now."),
        ["database-unavailable"] = new(
            "Tietokantaan ei juuri nyt saada yhteyttä. Yritä hetken päästä uudelleen.",
            "Databasen går inte att nå just nu. Försök igen om en stund.",
            "The database cannot be reached right now. Try again shortly."),
    };

    /// <summary>The detail of <paramref name="code"/> in <paramref name="language"/>, formatted with <paramref name="args"/>; null for an unknown code.</summary>
    public string? Detail(string code, string language, object?[] args) =>
        Texts.TryGetValue(code, out var text) ? string.Format(CultureInfo.InvariantCulture, text.In(language), args) : null;

    public ProblemTextOptions Add(string code, string fi, string sv, string en)
    {
        Texts[code] = new ProblemText(fi, sv, en);
        return this;
    }
}
