-- Learned from AreaRegistered: a distributor can only be registered in an area that exists.
CREATE TABLE areas (code text PRIMARY KEY);

CREATE TABLE distributors (
    id            uuid PRIMARY KEY,
    area_code     text NOT NULL REFERENCES areas (code),
    name          text NOT NULL,
    unit_type     text NOT NULL,
    active        boolean NOT NULL,
    registered_at timestamptz NOT NULL,
    changed_at    timestamptz NOT NULL
);
-- One name per unit in an area: a second registration of the same unit (a double submit) is refused.
CREATE UNIQUE INDEX distributors_area_name ON distributors (area_code, lower(name));

-- DESIGN §1: no name, identity code, date of birth or address — ever. Cards are never deleted, so the unique number
-- is never given out twice.
CREATE TABLE cards (
    id                      uuid PRIMARY KEY,
    card_number             text NOT NULL UNIQUE CHECK (card_number ~ '^[0-9]{12}$'),
    kind                    text NOT NULL CHECK (kind IN ('personal', 'community')),
    distributor_id          uuid NOT NULL REFERENCES distributors (id),
    area_code               text NOT NULL,
    birth_year              int,
    postal_code             text CHECK (postal_code ~ '^[0-9]{5}$'),
    children                int NOT NULL CHECK (children BETWEEN 0 AND 20),
    group_size              int CHECK (group_size BETWEEN 1 AND 30),
    gender                  text,
    age_group               text,
    life_situation          text,
    issued_on               date NOT NULL,
    valid_until             date NOT NULL,
    closed_at               timestamptz,
    close_reason            text,
    replaces_card_id        uuid REFERENCES cards (id),
    replaces_card_number    text,
    replaced_by_card_id     uuid REFERENCES cards (id),
    replaced_by_card_number text,
    issued_at               timestamptz NOT NULL,
    changed_at              timestamptz NOT NULL,
    -- A personal card has its holder's answers and no group; a community card a group and no answers.
    CHECK ((kind = 'personal') = (birth_year IS NOT NULL AND postal_code IS NOT NULL AND group_size IS NULL)),
    CHECK ((kind = 'community') = (group_size IS NOT NULL AND birth_year IS NULL AND postal_code IS NULL AND children = 0
                                   AND gender IS NULL AND age_group IS NULL AND life_situation IS NULL))
);
CREATE INDEX cards_distributor ON cards (distributor_id, issued_at DESC);

-- Who read or changed what, when: a site client and a card number or distributor, never anything about the holder.
CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL,
    client_id      text NOT NULL,
    role           text NOT NULL,
    action         text NOT NULL,
    area_code      text NOT NULL,
    distributor_id uuid,
    card_number    text
);
CREATE INDEX audit_log_area ON audit_log (area_code, id DESC);
CREATE INDEX audit_log_card ON audit_log (card_number, id DESC) WHERE card_number IS NOT NULL;
