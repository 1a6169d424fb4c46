-- Projections of every event, kept as counters so each query reads a few small tables, never the events.
-- Nothing here identifies a person: cards are ids with an area and dates, uses are counts.

CREATE TABLE distributors (
    id        uuid PRIMARY KEY,
    area_code text NOT NULL,
    active    boolean NOT NULL,
    as_of     timestamptz NOT NULL
);

CREATE TABLE venues (
    id        uuid PRIMARY KEY,
    area_code text NOT NULL,
    name_fi   text NOT NULL,
    name_sv   text,
    name_en   text,
    category  text NOT NULL,
    active    boolean NOT NULL,
    as_of     timestamptz NOT NULL
);

-- Each card's state, so its events can arrive in any order and still count once.
CREATE TABLE cards (
    id          uuid PRIMARY KEY,
    area_code   text NOT NULL,
    issued_on   date,
    replacement boolean NOT NULL DEFAULT false,
    valid_until date,
    closed      boolean NOT NULL DEFAULT false
);

-- Open cards by the last day they are valid: active cards today = the sum from today on.
CREATE TABLE card_validity (
    area_code   text NOT NULL,
    valid_until date NOT NULL,
    cards       int NOT NULL,
    PRIMARY KEY (area_code, valid_until)
);

-- Cards issued per area and year; replacements apart (they are not new cardholders).
CREATE TABLE cards_registered (
    area_code    text NOT NULL,
    year         int NOT NULL,
    cards        int NOT NULL DEFAULT 0,
    replacements int NOT NULL DEFAULT 0,
    PRIMARY KEY (area_code, year)
);

-- Whether a use has been counted and whether it was cancelled, whichever event came first.
CREATE TABLE use_states (
    use_id    uuid PRIMARY KEY,
    recorded  boolean NOT NULL,
    cancelled boolean NOT NULL
);

-- Uses per month (Europe/Helsinki), venue and the card's home area.
CREATE TABLE use_totals (
    month      date NOT NULL,
    venue_id   uuid NOT NULL,
    venue_area text NOT NULL,
    home_area  text NOT NULL,
    category   text NOT NULL,
    adult_uses int NOT NULL,
    child_uses int NOT NULL,
    assistants int NOT NULL,
    PRIMARY KEY (month, venue_id, home_area)
);

-- Uses per card and year (year 0: all time), to know when a card is first taken into use in a period.
CREATE TABLE card_use_years (
    card_id   uuid NOT NULL,
    year      int NOT NULL,
    uses      int NOT NULL,
    PRIMARY KEY (card_id, year)
);

-- Cards with at least one use, per home area and year (year 0: all time).
CREATE TABLE cards_taken_into_use (
    home_area text NOT NULL,
    year      int NOT NULL,
    cards     int NOT NULL,
    PRIMARY KEY (home_area, year)
);
