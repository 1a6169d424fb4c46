namespace Kaikukortti.AppHost.Seed;

internal sealed record Name(string Fi, string Sv, string En);

internal sealed record DemoArea(string Code, Name Name, string WelfareRegion, IReadOnlyList<string> Municipalities, IReadOnlyList<DemoVenue> Venues);

internal sealed record DemoVenue(Name Name, string Category, string Municipality, IReadOnlyList<DemoOffering> Offerings, bool AcceptsOtherAreas = true);

/// <summary>An offering; one with <see cref="Weeks"/> runs that many weeks from the Monday after seeding.</summary>
internal sealed record DemoOffering(string Title, string Kind, Quota? Quota, int? Weeks);

internal sealed record Quota(int Tickets, string Per);

/// <summary>
/// The demo network a first <c>dotnet run --project AppHost</c> registers: real areas and municipalities, venues named
/// after the kind of places that take the card. Organisations only, no personal data.
/// </summary>
internal static class DemoData
{
    /// <summary>The area whose presence means the demo data is there.</summary>
    public const string MarkerArea = "seinajoki";

    // Seinäjoki comes last: once it exists the seed is skipped, so an interrupted run leaves it missing and the next
    // run registers whatever areas are still missing.
    public static IReadOnlyList<DemoArea> Areas { get; } =
    [
        new("espoo", new("Espoo", "Esbo", "Espoo"), "Länsi-Uudenmaan hyvinvointialue", ["Espoo", "Kauniainen"],
        [
            Culture("Espoo", new("Espoon modernin taiteen museo EMMA", "Esbo moderna konstmuseum EMMA", "Espoo Museum of Modern Art EMMA"),
                Admission("Pääsylippu", PerDay(25)),
                Admission("Opastettu kierros", PerEvent(5))),
            Education("Espoo", new("Espoon työväenopisto", "Esbo arbetarinstitut", "Espoo Adult Education Centre"),
                Course("Keramiikka", weeks: 12, PerEvent(2)),
                Course("Suomea arkeen", weeks: 10, PerEvent(3))) with { AcceptsOtherAreas = false },
            Sport("Espoo", new("Leppävaaran uimahalli", "Alberga simhall", "Leppävaara Swimming Hall"),
                Admission("Uintilippu", PerDay(40)),
                SeasonPass("Uinnin kausikortti", weeks: 20, PerMonth(10))),
        ]),
        new("oulu", new("Oulu", "Uleåborg", "Oulu"), "Pohjois-Pohjanmaan hyvinvointialue", ["Oulu"],
        [
            Science("Oulu", new("Tiedekeskus Tietomaa", "Vetenskapscentret Tietomaa", "Science Centre Tietomaa"),
                Admission("Päivälippu", PerDay(30)),
                Admission("Tiedeshow", PerEvent(10))),
            Culture("Oulu", new("Oulun kaupunginteatteri", "Uleåborgs stadsteater", "Oulu City Theatre"),
                Admission("Näytökset, suuri näyttämö", PerEvent(10)),
                Admission("Näytökset, pieni näyttämö", PerEvent(4))),
            Sport("Oulu", new("Raksilan uimahalli", "Raksila simhall", "Raksila Swimming Hall"),
                Admission("Uintilippu", PerDay(40)),
                SeasonPass("Uinnin kausikortti", weeks: 20, PerMonth(10))),
        ]),
        new("tampere", new("Tampere", "Tammerfors", "Tampere"), "Pirkanmaan hyvinvointialue", ["Tampere"],
        [
            Culture("Tampere", new("Museokeskus Vapriikki", "Museicentret Vapriikki", "Vapriikki Museum Centre"),
                Admission("Pääsylippu", PerDay(30)),
                Admission("Opastettu kierros", PerEvent(6))),
            Education("Tampere", new("Tampereen seudun työväenopisto", "Tammerforsregionens arbetarinstitut", "Tampere Region Adult Education Centre"),
                Course("Valokuvaus", weeks: 10, PerEvent(2)),
                Course("Englannin keskustelukurssi", weeks: 12, PerEvent(2))),
            Sport("Tampere", new("Kalevan uimahalli", "Kaleva simhall", "Kaleva Swimming Hall"),
                Admission("Uintilippu", PerDay(40)),
                SeasonPass("Uinnin kausikortti", weeks: 20, PerMonth(10))),
        ]),
        new("kainuu", new("Kainuu", "Kajanaland", "Kainuu"), "Kainuun hyvinvointialue",
            ["Kajaani", "Sotkamo", "Kuhmo", "Suomussalmi", "Puolanka", "Paltamo", "Ristijärvi", "Hyrynsalmi"],
        [
            Culture("Kajaani", new("Kajaanin kaupunginteatteri", "Kajana stadsteater", "Kajaani City Theatre"),
                Admission("Näytökset, suuri näyttämö", PerEvent(8)),
                Admission("Näytökset, studio", PerEvent(4))),
            Science("Suomussalmi", new("Hossan luontokeskus", "Hossa naturum", "Hossa Visitor Centre"),
                Admission("Luontonäyttely"),
                Admission("Opastettu luontoretki", PerEvent(6))),
            Sport("Sotkamo", new("Sotkamon uimahalli", "Sotkamo simhall", "Sotkamo Swimming Hall"),
                Admission("Uintilippu", PerDay(20)),
                SeasonPass("Uinnin kausikortti", weeks: 20, PerMonth(5))),
        ]),
        new(MarkerArea, new("Seinäjoki ja Etelä-Pohjanmaa", "Seinäjoki och Södra Österbotten", "Seinäjoki and South Ostrobothnia"),
            "Etelä-Pohjanmaan hyvinvointialue",
            [
                "Alajärvi", "Alavus", "Evijärvi", "Ilmajoki", "Isojoki", "Isokyrö", "Karijoki", "Kauhajoki", "Kauhava",
                "Kuortane", "Kurikka", "Lappajärvi", "Lapua", "Seinäjoki", "Soini", "Teuva", "Vimpeli", "Ähtäri",
            ],
        [
            Culture("Seinäjoki", new("Seinäjoen kaupunginteatteri", "Seinäjoki stadsteater", "Seinäjoki City Theatre"),
                Admission("Näytökset, suuri näyttämö", PerEvent(10)),
                Admission("Näytökset, pieni näyttämö", PerEvent(4))),
            Culture("Seinäjoki", new("Aalto-keskus", "Aaltocentret", "Aalto Centre"),
                Admission("Opastettu arkkitehtuurikierros", PerEvent(6)),
                Admission("Näyttelyt")),
            Culture("Seinäjoki", new("Etelä-Pohjanmaan maakuntamuseo", "Södra Österbottens landskapsmuseum", "South Ostrobothnia Provincial Museum"),
                Admission("Pääsylippu"),
                Admission("Opastettu kierros Törnävän museoalueella", PerEvent(8))),
            Culture("Lapua", new("Kulttuurikeskus Vanha Paukku", "Kulturcentret Vanha Paukku", "Vanha Paukku Cultural Centre"),
                Admission("Konsertit ja esitykset", PerEvent(5)),
                Admission("Näyttelyt")),
            Culture("Alajärvi", new("Nelimarkka-museo", "Nelimarkkamuseet", "Nelimarkka Museum"),
                Admission("Pääsylippu"),
                Admission("Taidepaja", PerEvent(6))),
            Education("Seinäjoki", new("Seinäjoen kansalaisopisto", "Seinäjoki medborgarinstitut", "Seinäjoki Adult Education Centre"),
                Course("Kuvataide aikuisille", weeks: 12, PerEvent(2)),
                Course("Espanjan alkeet", weeks: 10, PerEvent(2)),
                Course("Kuorolaulu", weeks: 14, PerEvent(3))),
            Education("Lapua", new("Lapuan kansalaisopisto", "Lappo medborgarinstitut", "Lapua Adult Education Centre"),
                Course("Puutyöt ja entisöinti", weeks: 10, PerEvent(2)),
                Course("Kitaransoiton alkeet", weeks: 8, PerEvent(1))) with { AcceptsOtherAreas = false },
            Education("Ilmajoki", new("Ilmajoen kansalaisopisto", "Ilmola medborgarinstitut", "Ilmajoki Adult Education Centre"),
                Course("Kansantanssi", weeks: 12, PerEvent(3)),
                Course("Digitaidot arkeen", weeks: 6, PerEvent(4))),
            Science("Ähtäri", new("Ähtärin eläinpuisto", "Etseri djurpark", "Ähtäri Zoo"),
                Admission("Päivälippu", PerDay(40)),
                SeasonPass("Kausikortti", weeks: 16, PerMonth(5))),
            Science("Seinäjoki", new("Tiedekeskus Lakeus", "Vetenskapscentret Lakeus", "Lakeus Science Centre"),
                Admission("Näyttelyt ja elämyspisteet", PerDay(20)),
                Admission("Tähtinäytös", PerEvent(6))),
            Sport("Seinäjoki", new("Seinäjoen uimahalli", "Seinäjoki simhall", "Seinäjoki Swimming Hall"),
                Admission("Uintilippu", PerDay(30)),
                SeasonPass("Uinnin kausikortti", weeks: 20, PerMonth(10))),
            Sport("Seinäjoki", new("Seinäjoen jäähalli", "Seinäjoki ishall", "Seinäjoki Ice Hall"),
                Admission("Yleisöluistelu"),
                Admission("Jääkiekon kotiottelut", PerEvent(10))),
            Sport("Kuortane", new("Kuortaneen urheiluopisto", "Kuortane idrottsinstitut", "Kuortane Sports Institute"),
                Admission("Uimahalli ja kuntosali", PerWeek(60)),
                Course("Vesijumppa", weeks: 8, PerEvent(4))),
            Sport("Kurikka", new("Kurikan uimahalli", "Kurikka simhall", "Kurikka Swimming Hall"),
                Admission("Uintilippu", PerDay(15))) with { AcceptsOtherAreas = false },
        ]),
    ];

    private static DemoVenue Culture(string municipality, Name name, params DemoOffering[] offerings) => new(name, "culture", municipality, offerings);

    private static DemoVenue Education(string municipality, Name name, params DemoOffering[] offerings) => new(name, "education", municipality, offerings);

    private static DemoVenue Science(string municipality, Name name, params DemoOffering[] offerings) => new(name, "science", municipality, offerings);

    private static DemoVenue Sport(string municipality, Name name, params DemoOffering[] offerings) => new(name, "sport", municipality, offerings);

    private static DemoOffering Admission(string title, Quota? quota = null) => new(title, "admission", quota, null);

    private static DemoOffering Course(string title, int weeks, Quota quota) => new(title, "course", quota, weeks);

    private static DemoOffering SeasonPass(string title, int weeks, Quota quota) => new(title, "season-pass", quota, weeks);

    private static Quota PerEvent(int tickets) => new(tickets, "event");

    private static Quota PerDay(int tickets) => new(tickets, "day");

    private static Quota PerWeek(int tickets) => new(tickets, "week");

    private static Quota PerMonth(int tickets) => new(tickets, "month");
}
