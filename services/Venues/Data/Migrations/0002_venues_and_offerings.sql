CREATE TABLE venues (
    id                  uuid PRIMARY KEY,
    area_code           text NOT NULL REFERENCES areas (code),
    name_fi             text NOT NULL,
    name_sv             text,
    name_en             text,
    category            text NOT NULL,
    municipality        text NOT NULL,
    address             text,
    accessibility       text,
    accepts_other_areas boolean NOT NULL,
    contact_email       text,
    active              boolean NOT NULL,
    -- Names in every language and the municipality, lowercased and without accents (see Domain/SearchText.cs).
    search_text         text NOT NULL,
    registered_at       timestamptz NOT NULL,
    changed_at          timestamptz NOT NULL
);
CREATE INDEX venues_area_category ON venues (area_code, category);

CREATE TABLE offerings (
    id            uuid PRIMARY KEY,
    venue_id      uuid NOT NULL REFERENCES venues (id),
    title         text NOT NULL,
    kind          text NOT NULL,
    quota_tickets integer,
    quota_per     text,
    starts_at     timestamptz,
    ends_at       timestamptz,
    published_at  timestamptz NOT NULL,
    changed_at    timestamptz NOT NULL
);
CREATE INDEX offerings_venue ON offerings (venue_id);
