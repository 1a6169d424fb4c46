namespace Kaikukortti.AppHost.Seed;

internal sealed record DemoArea(
    string Code, Name Name, string WelfareRegion, IReadOnlyList<string> Municipalities, IReadOnlyList<DemoVenue> Venues, IReadOnlyList<DemoDistributor> Distributors);

internal sealed record DemoVenue(Name Name, string Category, string Municipality, IReadOnlyList<DemoOffering> Offerings, bool AcceptsOtherAreas = true);

/// <summary>An offering; one with <see cref="Weeks"/> runs that many weeks from the Monday after seeding.</summary>
internal sealed record DemoOffering(string Title, string Kind, Quota? Quota, int? Weeks);

/// <summary>A distributor unit and the cards it has issued.</summary>
internal sealed record DemoDistributor(string Name, string UnitType, IReadOnlyList<DemoCard> Cards);

/// <summary>
/// A card as the Cards service takes it: for a personal card only what DESIGN §1 allows (birth year, postal code,
/// children, and the voluntary answers); for a community card only its group size.
/// </summary>
internal sealed record DemoCard(
    string Kind, int? BirthYear, string? PostalCode, int? Children, int? GroupSize, string? Gender = null, string? AgeGroup = null, string? LifeSituation = null);

/// <summary>
/// The demo network a first <c>dotnet run --project AppHost</c> registers: real areas and municipalities, venues named
/// after the kind of places that take the card, distributor units named after the kind of services that give it, and a
/// few cards each. Organisations only; the cards carry made-up birth years and real postal codes of the area.
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
        ],
        [
            Unit("Espoon aikuissosiaalityö", "adult-social-work",
                Personal(1974, "02770", 2, "female", lifeSituation: "unemployed"), Personal(1989, "02600", 0, "male"), Personal(1962, "02230", 1), Community(6)),
            Unit("Espoon mielenterveyspalvelut", "mental-health",
                Personal(1995, "02100", 0, lifeSituation: "rehabilitation"), Personal(1981, "02320", 3, "female"), Personal(2003, "02700", 0), Community(8)),
            Unit("Espoon seurakuntien diakoniatyö", "parish-diaconal",
                Personal(1955, "02770", 0, "female", "65+", "retired"), Personal(1986, "02600", 2), Personal(1970, "02320", 1, "male", lifeSituation: "unemployed"),
                Community(12)),
            Unit("Etsivä nuorisotyö, Espoo", "outreach-youth",
                Personal(2006, "02230", 0, "male", lifeSituation: "unemployed"), Personal(2008, "02770", 0), Personal(2004, "02100", 1, "female"), Community(10)),
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
        ],
        [
            Unit("Oulun aikuissosiaalityö", "adult-social-work",
                Personal(1978, "90100", 3, "female", lifeSituation: "family-leave"), Personal(1966, "90500", 0, "male", lifeSituation: "unemployed"),
                Personal(1992, "90230", 1), Community(8)),
            Unit("Oulun työllisyyspalvelut", "employment",
                Personal(1984, "90570", 2, "male", lifeSituation: "unemployed"), Personal(1999, "90100", 0), Personal(1971, "90800", 1, "female"), Community(6)),
            Unit("Oulun A-klinikka", "substance-abuse",
                Personal(1968, "90100", 0, "male", lifeSituation: "rehabilitation"), Personal(1990, "90500", 1), Personal(1959, "90230", 0, lifeSituation: "disability-pension"),
                Community(5)),
            Unit("Oulun seurakuntien diakoniatyö", "parish-diaconal",
                Personal(1950, "90570", 0, "female", "65+", "retired"), Personal(1987, "90800", 4, "female"), Personal(1976, "90100", 2), Community(12)),
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
        ],
        [
            Unit("Tampereen aikuissosiaalityö", "adult-social-work",
                Personal(1983, "33100", 2, "female", lifeSituation: "unemployed"), Personal(1961, "33500", 0, "male"), Personal(1997, "33720", 1), Community(8)),
            Unit("Tampereen mielenterveyspalvelut", "mental-health",
                Personal(1993, "33580", 0, "other", lifeSituation: "rehabilitation"), Personal(1975, "33820", 1, "female"), Personal(2001, "33100", 0), Community(6)),
            Unit("Etsivä nuorisotyö, Tampere", "outreach-youth",
                Personal(2007, "33500", 0, "male"), Personal(2005, "33720", 0, "female", lifeSituation: "student"), Personal(2009, "33580", 0), Community(10)),
            Unit("Tampereen seurakuntien diakoniatyö", "parish-diaconal",
                Personal(1953, "33820", 0, "female", "65+", "retired"), Personal(1988, "33100", 3), Personal(1972, "33500", 1, "male"), Community(15)),
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
        ],
        [
            Unit("Kainuun aikuissosiaalityö", "adult-social-work",
                Personal(1969, "87100", 1, "male", lifeSituation: "unemployed"), Personal(1985, "88600", 2, "female"), Personal(1998, "87200", 0), Community(6)),
            Unit("Kainuun mielenterveys- ja päihdepalvelut", "mental-health",
                Personal(1979, "87100", 0, "male", lifeSituation: "rehabilitation"), Personal(1964, "89600", 0, lifeSituation: "disability-pension"),
                Personal(1994, "88900", 1, "female"), Community(5)),
            Unit("Kajaanin seurakunnan diakoniatyö", "parish-diaconal",
                Personal(1948, "87100", 0, "female", "65+", "retired"), Personal(1982, "87200", 3, "female"), Personal(1973, "88600", 0), Community(10)),
            Unit("Etsivä nuorisotyö, Kuhmo", "outreach-youth",
                Personal(2006, "88900", 0, "male"), Personal(2003, "88900", 1, "female", lifeSituation: "unemployed"), Personal(2008, "89600", 0), Community(8)),
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
        ],
        [
            Unit("Seinäjoen aikuissosiaalityö", "adult-social-work",
                Personal(1976, "60100", 2, "female", lifeSituation: "unemployed"), Personal(1963, "60320", 0, "male"), Personal(1990, "60200", 1),
                Personal(2002, "60100", 0, lifeSituation: "student"), Community(8)),
            Unit("Mielenterveyspalvelut, Seinäjoki", "mental-health",
                Personal(1987, "60200", 0, "male", lifeSituation: "rehabilitation"), Personal(1971, "60100", 1, "female"), Personal(1996, "60800", 0), Community(6)),
            Unit("Seinäjoen A-klinikka", "substance-abuse",
                Personal(1967, "60100", 0, "male", lifeSituation: "disability-pension"), Personal(1984, "62100", 2), Personal(1992, "60320", 0, "female"), Community(5)),
            Unit("Etsivä nuorisotyö, Seinäjoki", "outreach-youth",
                Personal(2007, "60100", 0, "male", lifeSituation: "unemployed"), Personal(2005, "60200", 0, "female"), Personal(2009, "61300", 0), Community(10)),
            Unit("Seinäjoen seurakunnan diakoniatyö", "parish-diaconal",
                Personal(1951, "60100", 0, "female", "65+", "retired"), Personal(1980, "60320", 4, "female"), Personal(1958, "63700", 0, "male", "65+", "retired"),
                Community(12)),
            Unit("Seinäjoen työllisyyspalvelut", "employment",
                Personal(1981, "60100", 3, "male", lifeSituation: "unemployed"), Personal(1973, "61800", 1, "female", lifeSituation: "unemployed"),
                Personal(1999, "62900", 0), Community(6)),
            Unit("Lapuan perhekeskus", "child-and-family",
                Personal(1991, "62100", 2, "female", lifeSituation: "family-leave"), Personal(1986, "62100", 3, "male"), Personal(1995, "63100", 1), Community(12)),
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

    private static DemoDistributor Unit(string name, string unitType, params DemoCard[] cards) => new(name, unitType, cards);

    private static DemoCard Personal(int birthYear, string postalCode, int children, string? gender = null, string? ageGroup = null, string? lifeSituation = null) =>
        new("personal", birthYear, postalCode, children, null, gender, ageGroup, lifeSituation);

    /// <summary>A unit's community card, for taking a group of clients under 16; <paramref name="groupSize"/> people at most.</summary>
    private static DemoCard Community(int groupSize) => new("community", null, null, null, groupSize);
}
