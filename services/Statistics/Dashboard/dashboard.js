// Kaikukortti's public statistics dashboard: plain JavaScript over the Statistics service's JSON API (same origin,
// through the gateway). No framework, no CDN: charts are inline SVG drawn here, each with a table alternative.
"use strict";

(function () {
  const LANGS = ["fi", "sv", "en"];
  const CATEGORIES = ["culture", "education", "science", "sport"];
  const SVG = "http://www.w3.org/2000/svg";
  const MONTHS_SHOWN = 12;
  const FLOWS_SHOWN = 15;

  const TEXT = {
    fi: {
      title: "Kaikukortin tilastot",
      lede: "Kaikukortin julkiset luvut: alueet, jakajat, kohteet, kortit ja käyttökerrat.",
      skip: "Siirry sisältöön",
      language: "Kieli",
      area: "Alue",
      wholeCountry: "Koko maa",
      headlineHeading: "Tunnusluvut",
      headlineHeadingArea: "Tunnusluvut: {area}",
      areas: "Alueita",
      municipalities: "Kuntia",
      distributors: "Jakavia tahoja",
      venues: "Kohteita",
      cardsIssued: "Kortteja myönnetty",
      activeCards: "Voimassa olevia kortteja",
      cardsTakenIntoUse: "Käyttöön otettuja kortteja",
      uses: "Käyttökertoja",
      childUses: "Lasten käyttökertoja",
      monthlyHeading: "Käyttökerrat kuukausittain",
      monthlyHint: "Viimeiset 12 kuukautta, kohteen alueen mukaan.",
      monthlyChart: "Pylväskaavio: käyttökerrat kuukausittain, {from}–{to}",
      categoryHeading: "Käyttökerrat kohteen toimialan mukaan",
      categoryHint: "Aikuisten ja lasten käyttökerrat yhteensä.",
      categoryChart: "Pylväskaavio: aikuisten ja lasten käyttökerrat toimialoittain",
      annualHeading: "Vuositilasto",
      annualCaption: "Kaikukortti vuosittain: kortit, käyttökerrat toimialoittain ja kunnat",
      flowsHeading: "Käyttö alueiden välillä",
      flowsHint: "Kortinhaltijan kotialue ja kohteen alue, kaikki vuodet.",
      flowsCaption: "Käyttökerrat kotialueen ja kohteen alueen mukaan",
      showTable: "Näytä taulukkona",
      hideTable: "Piilota taulukko",
      showAll: "Näytä kaikki {count}",
      showFewer: "Näytä vain suurimmat",
      month: "Kuukausi",
      category: "Toimiala",
      year: "Vuosi",
      cardsRegistered: "Rekisteröidyt kortit",
      cardsTakenIntoUseColumn: "Käyttöön otetut kortit",
      adultUses: "Aikuisten käyttökerrat",
      childUsesGroup: "Lasten käyttökerrat",
      adults: "Aikuiset",
      children: "Lapset",
      totalUses: "Käyttökerrat yhteensä",
      total: "Yhteensä",
      municipalitiesColumn: "Kunnat",
      homeArea: "Kotialue",
      venueArea: "Kohteen alue",
      usesColumn: "Käyttökerrat",
      culture: "Kulttuuri",
      education: "Koulutus",
      science: "Tiede",
      sport: "Liikunta",
      suppressed: "alle 5",
      suppressionNote: "– = alle 5. Pienet luvut jätetään näyttämättä, jottei yksittäistä kortinhaltijaa voi tunnistaa.",
      source: "Lähde: Kaikukortin rekisteri. Luvut päivittyvät sitä mukaa kuin kortteja myönnetään ja käytetään.",
      noData: "Ei vielä tietoja.",
      loading: "Ladataan lukuja…",
      loadError: "Lukuja ei saatu ladattua. Yritä hetken päästä uudelleen.",
      usesTitle: "{label}: {value} käyttökertaa",
    },
    sv: {
      title: "Kaikukortets statistik",
      lede: "Kaikukortets offentliga siffror: områden, utdelare, besöksmål, kort och användningar.",
      skip: "Hoppa till innehållet",
      language: "Språk",
      area: "Område",
      wholeCountry: "Hela landet",
      headlineHeading: "Nyckeltal",
      headlineHeadingArea: "Nyckeltal: {area}",
      areas: "Områden",
      municipalities: "Kommuner",
      distributors: "Utdelande enheter",
      venues: "Besöksmål",
      cardsIssued: "Utfärdade kort",
      activeCards: "Giltiga kort",
      cardsTakenIntoUse: "Kort som tagits i bruk",
      uses: "Användningar",
      childUses: "Barnens användningar",
      monthlyHeading: "Användningar per månad",
      monthlyHint: "De senaste 12 månaderna, enligt besöksmålets område.",
      monthlyChart: "Stapeldiagram: användningar per månad, {from}–{to}",
      categoryHeading: "Användningar per bransch",
      categoryHint: "Vuxnas och barnens användningar sammanlagt.",
      categoryChart: "Stapeldiagram: vuxnas och barnens användningar per bransch",
      annualHeading: "Årsstatistik",
      annualCaption: "Kaikukortet per år: kort, användningar per bransch och kommuner",
      flowsHeading: "Användning mellan områden",
      flowsHint: "Kortinnehavarens hemområde och besöksmålets område, alla år.",
      flowsCaption: "Användningar enligt hemområde och besöksmålets område",
      showTable: "Visa som tabell",
      hideTable: "Dölj tabellen",
      showAll: "Visa alla {count}",
      showFewer: "Visa bara de största",
      month: "Månad",
      category: "Bransch",
      year: "År",
      cardsRegistered: "Registrerade kort",
      cardsTakenIntoUseColumn: "Kort som tagits i bruk",
      adultUses: "Vuxnas användningar",
      childUsesGroup: "Barnens användningar",
      adults: "Vuxna",
      children: "Barn",
      totalUses: "Användningar totalt",
      total: "Totalt",
      municipalitiesColumn: "Kommuner",
      homeArea: "Hemområde",
      venueArea: "Besöksmålets område",
      usesColumn: "Användningar",
      culture: "Kultur",
      education: "Utbildning",
      science: "Vetenskap",
      sport: "Idrott",
      suppressed: "färre än 5",
      suppressionNote: "– = färre än 5. Små tal visas inte, så att ingen enskild kortinnehavare kan identifieras.",
      source: "Källa: Kaikukortets register. Siffrorna uppdateras när kort utfärdas och används.",
      noData: "Inga uppgifter ännu.",
      loading: "Siffrorna laddas…",
      loadError: "Siffrorna kunde inte laddas. Försök igen om en stund.",
      usesTitle: "{label}: {value} användningar",
    },
    en: {
      title: "Kaiku card statistics",
      lede: "The Kaiku card's public figures: areas, distributors, venues, cards and uses.",
      skip: "Skip to content",
      language: "Language",
      area: "Area",
      wholeCountry: "Whole country",
      headlineHeading: "Key figures",
      headlineHeadingArea: "Key figures: {area}",
      areas: "Areas",
      municipalities: "Municipalities",
      distributors: "Distributing units",
      venues: "Venues",
      cardsIssued: "Cards issued",
      activeCards: "Valid cards",
      cardsTakenIntoUse: "Cards taken into use",
      uses: "Uses",
      childUses: "Child uses",
      monthlyHeading: "Uses per month",
      monthlyHint: "The last 12 months, by the venue's area.",
      monthlyChart: "Bar chart: uses per month, {from}–{to}",
      categoryHeading: "Uses by the venue's field",
      categoryHint: "Adult and child uses combined.",
      categoryChart: "Bar chart: adult and child uses by field",
      annualHeading: "Annual statistics",
      annualCaption: "The Kaiku card per year: cards, uses by field and municipalities",
      flowsHeading: "Uses across areas",
      flowsHint: "The cardholder's home area and the venue's area, all years.",
      flowsCaption: "Uses by home area and venue area",
      showTable: "Show as a table",
      hideTable: "Hide the table",
      showAll: "Show all {count}",
      showFewer: "Show only the largest",
      month: "Month",
      category: "Field",
      year: "Year",
      cardsRegistered: "Cards registered",
      cardsTakenIntoUseColumn: "Cards taken into use",
      adultUses: "Adult uses",
      childUsesGroup: "Child uses",
      adults: "Adults",
      children: "Children",
      totalUses: "Total uses",
      total: "Total",
      municipalitiesColumn: "Municipalities",
      homeArea: "Home area",
      venueArea: "Venue area",
      usesColumn: "Uses",
      culture: "Culture",
      education: "Education",
      science: "Science",
      sport: "Sport",
      suppressed: "fewer than 5",
      suppressionNote: "– = fewer than 5. Small counts are not shown, so that no single cardholder can be identified.",
      source: "Source: the Kaiku card register. The figures update as cards are issued and used.",
      noData: "No figures yet.",
      loading: "Loading the figures…",
      loadError: "The figures could not be loaded. Please try again in a moment.",
      usesTitle: "{label}: {value} uses",
    },
  };

  // The headline figures, in the order shown: the summary's property and its label.
  const HEADLINE = [
    ["areas", "areas"],
    ["municipalities", "municipalities"],
    ["distributors", "distributors"],
    ["venues", "venues"],
    ["cardsIssued", "cardsIssued"],
    ["activeCards", "activeCards"],
    ["cardsTakenIntoUse", "cardsTakenIntoUse"],
    ["uses", "uses"],
    ["childUses", "childUses"],
  ];

  const state = {
    lang: "fi",
    area: "",
    areas: [],
    data: null,
    failed: false,
    loads: 0,
    allFlows: false,
  };

  const $ = (id) => document.getElementById(id);
  const t = (key, values) => {
    let text = (TEXT[state.lang] && TEXT[state.lang][key]) || TEXT.fi[key] || key;
    if (values) for (const [name, value] of Object.entries(values)) text = text.replace("{" + name + "}", value);
    return text;
  };
  const kebab = (name) => name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    setAttributes(node, attributes);
    append(node, children);
    return node;
  }

  function svg(tag, attributes, children) {
    const node = document.createElementNS(SVG, tag);
    setAttributes(node, attributes);
    append(node, children);
    return node;
  }

  function setAttributes(node, attributes) {
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
  }

  function append(node, children) {
    for (const child of [].concat(children || [])) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  // ---- language -------------------------------------------------------------------------------------------------

  function pickLanguage() {
    const requested = new URLSearchParams(location.search).get("lang");
    if (requested && LANGS.includes(requested.toLowerCase())) return requested.toLowerCase();
    for (const tag of navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""]) {
      const primary = String(tag).toLowerCase().split("-")[0];
      if (LANGS.includes(primary)) return primary;
    }
    return "fi";
  }

  function number(value) {
    return new Intl.NumberFormat(state.lang).format(value);
  }

  function monthLabel(key, style) {
    const [year, month] = key.split("-").map(Number);
    const date = new Date(Date.UTC(year, month - 1, 1));
    return new Intl.DateTimeFormat(state.lang, Object.assign({ timeZone: "UTC" }, style)).format(date);
  }

  function areaName(code) {
    const area = state.areas.find((a) => a.code === code);
    if (!area) return code;
    const name = area.name || {};
    return name[state.lang] || name.fi || code;
  }

  function localName(name, fallback) {
    if (!name) return fallback;
    return name[state.lang] || name.fi || fallback;
  }

  /** A count as text and markup: a number, or "–" with its explanation when suppressed (null). */
  function countCell(value) {
    if (value === null || value === undefined) {
      return el("span", { class: "suppressed", title: t("suppressed"), "data-suppressed": "true" }, [
        el("span", { "aria-hidden": "true", text: "–" }),
        el("span", { class: "visually-hidden", text: t("suppressed") }),
      ]);
    }
    return number(value);
  }

  // ---- URL and loading ------------------------------------------------------------------------------------------

  function updateUrl() {
    const params = new URLSearchParams(location.search);
    params.set("lang", state.lang);
    if (state.area) params.set("area", state.area);
    else params.delete("area");
    history.replaceState(null, "", location.pathname + "?" + params.toString());
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.json();
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
    const text = search.toString();
    return text ? "?" + text : "";
  }

  function monthWindow() {
    const now = new Date();
    const months = [];
    for (let i = MONTHS_SHOWN - 1; i >= 0; i--) {
      const d = new Date(now.getFullYear(), now.getMonth() - i, 1);
      months.push(d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0"));
    }
    return months;
  }

  async function loadAreas() {
    try {
      const areas = await getJson("/api/areas");
      state.areas = Array.isArray(areas) ? areas : areas.items || [];
    } catch {
      state.areas = [];
    }
  }

  async function loadFigures() {
    const load = ++state.loads;
    const main = $("main");
    main.dataset.state = "loading";
    main.setAttribute("aria-busy", "true");
    $("status").textContent = t("loading");

    const area = state.area;
    const months = monthWindow();
    const results = await Promise.allSettled([
      getJson("/api/statistics/summary" + query({ area })),
      getJson("/api/statistics/annual" + query({ area })),
      getJson("/api/statistics/uses" + query({ groupBy: "month", area, from: months[0], to: months[months.length - 1] })),
      getJson("/api/statistics/uses" + query({ groupBy: "category", area })),
      getJson("/api/statistics/flows"),
    ]);
    if (load !== state.loads) return; // a newer choice of area has superseded this one
    const value = (result) => (result.status === "fulfilled" ? result.value : null);
    state.data = {
      area,
      months,
      summary: value(results[0]),
      annual: value(results[1]),
      monthly: value(results[2]),
      categories: value(results[3]),
      flows: value(results[4]),
    };
    state.failed = results.some((r) => r.status === "rejected");
    render();
    main.dataset.area = area;
    main.dataset.state = state.failed ? "error" : "ready";
    main.setAttribute("aria-busy", "false");
  }

  // ---- rendering ------------------------------------------------------------------------------------------------

  function render() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    for (const button of document.querySelectorAll("[data-lang]")) button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    for (const toggle of document.querySelectorAll("button.toggle:not(.more)")) {
      toggle.textContent = t(toggle.getAttribute("aria-expanded") === "true" ? "hideTable" : "showTable");
    }
    renderAreaSelect();
    // The figures shown are of the area they were loaded for, even while another one is loading.
    const shownArea = state.data ? state.data.area : state.area;
    $("headline-heading").textContent = shownArea ? t("headlineHeadingArea", { area: areaName(shownArea) }) : t("headlineHeading");
    $("status").textContent = state.failed ? t("loadError") : "";
    $("status").classList.toggle("status--error", state.failed);
    if (!state.data) return;
    renderHeadline(state.data.summary);
    renderMonthly(state.data.monthly, state.data.months);
    renderCategories(state.data.categories);
    renderAnnual(state.data.annual);
    renderFlows(state.data.flows);
  }

  function renderAreaSelect() {
    const select = $("area-select");
    const options = [el("option", { value: "", text: t("wholeCountry") })];
    const sorted = state.areas.slice().sort((a, b) => areaName(a.code).localeCompare(areaName(b.code), state.lang));
    for (const area of sorted) options.push(el("option", { value: area.code, text: areaName(area.code) }));
    select.replaceChildren(...options);
    select.value = state.area;
  }

  function renderHeadline(summary) {
    const list = $("headline");
    if (!summary) {
      list.replaceChildren(el("p", { class: "empty", text: t("loadError") }));
      return;
    }
    list.replaceChildren(...HEADLINE.map(([key, label]) => {
      const value = summary[key];
      const suppressed = value === null || value === undefined;
      return el("div", { class: "figure" + (key === "uses" ? " figure--accent" : "") }, [
        el("dt", { text: t(label) }),
        el("dd", {}, [
          el("span", {
            class: "figure__value",
            id: "headline-" + kebab(key),
            "data-testid": "headline-" + kebab(key),
            "data-suppressed": suppressed ? "true" : null,
            title: suppressed ? t("suppressed") : null,
            text: suppressed ? "–" : number(value),
          }),
          suppressed ? el("span", { class: "figure__note", text: t("suppressed") }) : null,
        ]),
      ]);
    }));
  }

  function emptyChart(container, message) {
    container.replaceChildren(el("p", { class: "empty", text: message }));
  }

  function tableOf(captionText, head, rows) {
    return [
      el("caption", { text: captionText }),
      el("thead", {}, head),
      el("tbody", {}, rows),
    ];
  }

  function renderMonthly(monthly, months) {
    const chart = $("monthly-chart");
    const table = $("monthly-table");
    if (!monthly) {
      emptyChart(chart, t("loadError"));
      table.replaceChildren();
      return;
    }
    const byMonth = new Map((monthly.rows || []).map((row) => [row.key, row]));
    const rows = months.map((key) => byMonth.get(key) || { key, uses: 0, adultUses: 0, childUses: 0, suppressed: false });
    const caption = t("monthlyChart", { from: monthLabel(months[0], { month: "long", year: "numeric" }), to: monthLabel(months[months.length - 1], { month: "long", year: "numeric" }) });

    drawColumns(chart, caption, rows.map((row) => ({
      key: row.key,
      label: monthLabel(row.key, { month: "short" }),
      narrowLabel: monthLabel(row.key, { month: "numeric" }),
      yearLabel: yearLabelAt(months, row.key),
      title: monthLabel(row.key, { month: "long", year: "numeric" }),
      value: row.uses,
    })));

    table.replaceChildren(...tableOf(caption, [
      el("tr", {}, [el("th", { scope: "col", text: t("month") }), el("th", { scope: "col", text: t("usesColumn") }),
        el("th", { scope: "col", text: t("adults") }), el("th", { scope: "col", text: t("children") })]),
    ], rows.map((row) => el("tr", { "data-key": row.key }, [
      el("th", { scope: "row", text: monthLabel(row.key, { month: "long", year: "numeric" }) }),
      el("td", {}, countCell(row.uses)), el("td", {}, countCell(row.adultUses)), el("td", {}, countCell(row.childUses)),
    ]))));
  }

  /** The year under January's bar, and under the first bar unless January is so close that the two would collide. */
  function yearLabelAt(months, key) {
    const january = months.findIndex((m) => m.endsWith("-01"));
    const show = key.endsWith("-01") || (key === months[0] && (january === -1 || january >= 3));
    return show ? key.slice(0, 4) : null;
  }

  function renderCategories(categories) {
    const chart = $("category-chart");
    const table = $("category-table");
    if (!categories) {
      emptyChart(chart, t("loadError"));
      table.replaceChildren();
      return;
    }
    const byKey = new Map((categories.rows || []).map((row) => [row.key, row]));
    const rows = CATEGORIES.map((key) => byKey.get(key) || { key, uses: 0, adultUses: 0, childUses: 0, suppressed: false });
    drawStackedBars(chart, t("categoryChart"), rows.map((row) => ({
      key: row.key, label: t(row.key), total: row.uses, parts: [row.adultUses, row.childUses],
    })), [t("adults"), t("children")]);

    table.replaceChildren(...tableOf(t("categoryChart"), [
      el("tr", {}, [el("th", { scope: "col", text: t("category") }), el("th", { scope: "col", text: t("adults") }),
        el("th", { scope: "col", text: t("children") }), el("th", { scope: "col", text: t("total") })]),
    ], rows.map((row) => el("tr", { "data-key": row.key }, [
      el("th", { scope: "row", text: t(row.key) }),
      el("td", {}, countCell(row.adultUses)), el("td", {}, countCell(row.childUses)), el("td", {}, countCell(row.uses)),
    ]))));
  }

  function renderAnnual(annual) {
    const table = $("annual-table");
    const years = annual ? annual.years || [] : [];
    const head = [
      el("tr", {}, [
        el("th", { scope: "col", rowspan: 2, text: t("year") }),
        el("th", { scope: "col", rowspan: 2, text: t("cardsRegistered") }),
        el("th", { scope: "col", rowspan: 2, text: t("cardsTakenIntoUseColumn") }),
        el("th", { scope: "colgroup", colspan: 4, text: t("adultUses") }),
        el("th", { scope: "colgroup", colspan: 4, text: t("childUsesGroup") }),
        el("th", { scope: "col", rowspan: 2, text: t("totalUses") }),
        el("th", { scope: "col", rowspan: 2, text: t("municipalitiesColumn") }),
      ]),
      el("tr", {}, CATEGORIES.concat(CATEGORIES).map((c) => el("th", { scope: "col", text: t(c) }))),
    ];
    let body;
    if (!annual) body = [el("tr", {}, el("td", { colspan: 13, class: "empty", text: t("loadError") }))];
    else if (years.length === 0) body = [el("tr", {}, el("td", { colspan: 13, class: "empty", text: t("noData") }))];
    else body = years.map((row) => el("tr", { "data-year": row.year }, [
      el("th", { scope: "row", text: String(row.year) }),
      el("td", {}, countCell(row.cardsRegistered)),
      el("td", {}, countCell(row.cardsTakenIntoUse)),
      ...CATEGORIES.map((c) => el("td", {}, countCell((row.adultUses || {})[c]))),
      ...CATEGORIES.map((c) => el("td", {}, countCell((row.childUses || {})[c]))),
      el("td", { class: "total" }, countCell(row.totalUses)),
      el("td", {}, countCell(row.municipalities)),
    ]));
    table.replaceChildren(...tableOf(t("annualCaption"), head, body));
  }

  function renderFlows(flows) {
    const table = $("flows-table");
    const more = $("flows-more");
    let rows = flows ? (flows.flows || []).slice() : [];
    const area = state.data ? state.data.area : state.area;
    if (area) rows = rows.filter((f) => f.homeArea === area || f.venueArea === area);
    rows.sort((a, b) => (b.uses ?? -1) - (a.uses ?? -1) || areaName(a.homeArea).localeCompare(areaName(b.homeArea), state.lang));
    const shown = state.allFlows ? rows : rows.slice(0, FLOWS_SHOWN);
    const head = el("tr", {}, [el("th", { scope: "col", text: t("homeArea") }), el("th", { scope: "col", text: t("venueArea") }),
      el("th", { scope: "col", text: t("usesColumn") })]);
    let body;
    if (!flows) body = [el("tr", {}, el("td", { colspan: 3, class: "empty", text: t("loadError") }))];
    else if (rows.length === 0) body = [el("tr", {}, el("td", { colspan: 3, class: "empty", text: t("noData") }))];
    else body = shown.map((f) => el("tr", { class: f.homeArea === f.venueArea ? "flow--same" : "flow--across", "data-home": f.homeArea, "data-venue": f.venueArea }, [
      el("td", { text: areaName(f.homeArea) }),
      el("td", {}, [f.homeArea === f.venueArea ? null : el("span", { "aria-hidden": "true", class: "arrow", text: "→ " }), areaName(f.venueArea)]),
      el("td", {}, countCell(f.uses)),
    ]));
    table.replaceChildren(...tableOf(t("flowsCaption"), head, body));
    more.hidden = rows.length <= FLOWS_SHOWN;
    more.setAttribute("aria-expanded", String(state.allFlows));
    more.textContent = state.allFlows ? t("showFewer") : t("showAll", { count: number(rows.length) });
  }

  // ---- charts ---------------------------------------------------------------------------------------------------

  /** Whole, round steps for an axis from 0 to at least max. */
  function ticks(max) {
    if (!(max > 0)) return [0, 1];
    const rough = max / 4;
    const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough));
    const result = [];
    for (let v = 0; ; v += step) {
      result.push(v);
      if (v >= max) return result;
    }
  }

  function chartWidth(container) {
    return Math.max(280, Math.min(900, Math.floor(container.clientWidth || 600)));
  }

  /** A column chart of one value per item; suppressed (null) values drawn as "–" on the baseline. */
  function drawColumns(container, label, items) {
    const width = chartWidth(container);
    const height = width < 420 ? 200 : 240;
    const margin = { top: 20, right: 8, bottom: 40, left: 44 };
    const plotWidth = width - margin.left - margin.right;
    const plotHeight = height - margin.top - margin.bottom;
    const values = items.map((i) => i.value).filter((v) => typeof v === "number");
    const axis = ticks(Math.max(0, ...values));
    const top = axis[axis.length - 1] || 1;
    const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;
    const band = plotWidth / Math.max(1, items.length);
    const barWidth = Math.max(4, band * 0.68);
    const narrow = band < 40;

    const titleId = container.id + "-title";
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": titleId, class: "chart__svg" },
      [svg("title", { id: titleId, text: label })]);
    for (const tick of axis) {
      root.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: "grid" }));
      root.append(svg("text", { x: margin.left - 6, y: y(tick), dy: "0.32em", "text-anchor": "end", class: "tick", text: number(tick) }));
    }
    items.forEach((item, i) => {
      const x = margin.left + i * band + (band - barWidth) / 2;
      const center = margin.left + i * band + band / 2;
      const group = svg("g", { class: "bar", "data-key": item.key });
      if (typeof item.value === "number") {
        const barHeight = Math.max(item.value > 0 ? 1 : 0, plotHeight - (y(item.value) - margin.top));
        group.append(svg("rect", { x, y: margin.top + plotHeight - barHeight, width: barWidth, height: barHeight, rx: 2 },
          svg("title", { text: t("usesTitle", { label: item.title, value: number(item.value) }) })));
        if (!narrow && item.value > 0) group.append(svg("text", { x: center, y: margin.top + plotHeight - barHeight - 4, "text-anchor": "middle", class: "value", text: number(item.value) }));
      } else {
        group.append(svg("text", { x: center, y: margin.top + plotHeight - 4, "text-anchor": "middle", class: "value value--suppressed", text: "–" },
          svg("title", { text: item.title + ": " + t("suppressed") })));
      }
      group.append(svg("text", { x: center, y: height - margin.bottom + 16, "text-anchor": "middle", class: "label", text: narrow ? item.narrowLabel : item.label }));
      if (item.yearLabel) group.append(svg("text", { x: center, y: height - margin.bottom + 32, "text-anchor": "middle", class: "label label--year", text: item.yearLabel }));
      root.append(group);
    });
    root.append(svg("line", { x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0), class: "baseline" }));
    container.replaceChildren(root);
  }

  /** Horizontal bars split into parts (adults, children); when a part is suppressed only the total is drawn. */
  function drawStackedBars(container, label, items, partNames) {
    const width = chartWidth(container);
    const labelWidth = width < 420 ? 88 : 110;
    const rowHeight = 34;
    const margin = { top: 30, right: 56, bottom: 8, left: labelWidth };
    const height = margin.top + items.length * rowHeight + margin.bottom;
    const plotWidth = width - margin.left - margin.right;
    const top = Math.max(1, ...items.map((i) => (typeof i.total === "number" ? i.total : 0)));
    const scale = (v) => (v / top) * plotWidth;

    const titleId = container.id + "-title";
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-labelledby": titleId, class: "chart__svg" },
      [svg("title", { id: titleId, text: label })]);
    // Legend
    partNames.forEach((name, p) => {
      const x = margin.left + p * 110;
      root.append(svg("rect", { x, y: 8, width: 12, height: 12, rx: 2, class: "part part--" + p }));
      root.append(svg("text", { x: x + 18, y: 14, dy: "0.32em", class: "legend", text: name }));
    });
    items.forEach((item, i) => {
      const yTop = margin.top + i * rowHeight + 6;
      const barHeight = rowHeight - 12;
      const group = svg("g", { class: "bar", "data-key": item.key });
      group.append(svg("text", { x: margin.left - 8, y: yTop + barHeight / 2, dy: "0.32em", "text-anchor": "end", class: "label", text: item.label }));
      if (typeof item.total === "number") {
        const exactParts = item.parts.every((p) => typeof p === "number");
        let x = margin.left;
        if (exactParts) {
          item.parts.forEach((part, p) => {
            const w = scale(part);
            if (w > 0) group.append(svg("rect", { x, y: yTop, width: w, height: barHeight, class: "part part--" + p },
              svg("title", { text: item.label + ", " + partNames[p].toLowerCase() + ": " + number(part) })));
            x += w;
          });
        } else {
          const w = scale(item.total);
          group.append(svg("rect", { x, y: yTop, width: w, height: barHeight, class: "part part--total" },
            svg("title", { text: t("usesTitle", { label: item.label, value: number(item.total) }) })));
          x += w;
        }
        group.append(svg("text", { x: x + 6, y: yTop + barHeight / 2, dy: "0.32em", class: "value", text: number(item.total) }));
      } else {
        group.append(svg("text", { x: margin.left + 6, y: yTop + barHeight / 2, dy: "0.32em", class: "value value--suppressed", text: "–" },
          svg("title", { text: item.label + ": " + t("suppressed") })));
      }
      root.append(group);
    });
    container.replaceChildren(root);
  }

  // ---- wiring ---------------------------------------------------------------------------------------------------

  function setLanguage(lang) {
    if (!LANGS.includes(lang) || lang === state.lang) return;
    state.lang = lang;
    updateUrl();
    render();
  }

  function wire() {
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => setLanguage(button.dataset.lang));
    }
    $("area-select").addEventListener("change", (event) => {
      state.area = event.target.value;
      updateUrl();
      // The heading names the new area only with its figures: loadFigures renders both at once.
      loadFigures();
    });
    for (const toggle of document.querySelectorAll("button.toggle:not(.more)")) {
      toggle.addEventListener("click", () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = t(open ? "hideTable" : "showTable");
        $(toggle.getAttribute("aria-controls")).hidden = !open;
      });
    }
    $("flows-more").addEventListener("click", () => {
      state.allFlows = !state.allFlows;
      if (state.data) renderFlows(state.data.flows);
    });
    let resizeTimer = 0;
    let lastWidth = window.innerWidth;
    window.addEventListener("resize", () => {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        if (!state.data) return;
        renderMonthly(state.data.monthly, state.data.months);
        renderCategories(state.data.categories);
      }, 150);
    });
  }

  async function start() {
    state.lang = pickLanguage();
    state.area = (new URLSearchParams(location.search).get("area") || "").trim().toLowerCase();
    wire();
    render();
    await loadAreas();
    if (state.area && !state.areas.some((a) => a.code === state.area)) state.area = "";
    updateUrl();
    render();
    await loadFigures();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
