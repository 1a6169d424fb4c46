-- Replicas of other services' state, kept from their events, so a use is decided here alone: no call to Cards or
-- Venues on the request path, and ticket desks keep working while those services are down.
CREATE TABLE cards (
    id             uuid PRIMARY KEY,
    card_number    text NOT NULL UNIQUE,
    kind           text NOT NULL,
    area_code      text NOT NULL,
    distributor_id uuid NOT NULL,
    -- Null until CardIssued arrives, if CardClosed overtook it.
    issued_on      date,
    valid_until    date,
    children       int NOT NULL DEFAULT 0,
    group_size     int,
    closed_at      timestamptz
);

CREATE TABLE venues (
    id                  uuid PRIMARY KEY,
    area_code           text NOT NULL,
    category            text NOT NULL,
    accepts_other_areas boolean NOT NULL,
    active              boolean NOT NULL,
    -- The time of the event the row reflects: an older event arriving late changes nothing.
    as_of               timestamptz NOT NULL
);

CREATE TABLE offerings (
    id            uuid PRIMARY KEY,
    venue_id      uuid NOT NULL,
    kind          text NOT NULL,
    quota_tickets int,
    quota_per     text,
    as_of         timestamptz NOT NULL
);

CREATE TABLE uses (
    id             uuid PRIMARY KEY,
    client_id      text NOT NULL,
    card_id        uuid NOT NULL,
    card_number    text NOT NULL,
    card_kind      text NOT NULL,
    card_area      text NOT NULL,
    distributor_id uuid NOT NULL,
    venue_id       uuid NOT NULL,
    venue_area     text NOT NULL,
    category       text NOT NULL,
    offering_id    uuid,
    offering_kind  text,
    -- The quota period the use counts in (event, or the Finnish day, week or month it began), when the offering has a quota.
    quota_period   text,
    adults         int NOT NULL,
    children       int NOT NULL,
    assistants     int NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    cancelled_at   timestamptz
);
CREATE INDEX uses_venue ON uses (venue_id, occurred_at DESC);

-- Tickets taken per offering and quota period: one row, updated atomically, is what makes a quota exact under concurrency.
CREATE TABLE quota_usage (
    offering_id uuid NOT NULL,
    period      text NOT NULL,
    used        int NOT NULL CHECK (used >= 0),
    PRIMARY KEY (offering_id, period)
);

-- What a client's Idempotency-Key was first answered with: the use it recorded, or the refusal.
CREATE TABLE idempotency_keys (
    client_id      text NOT NULL,
    key            text NOT NULL,
    request_hash   text NOT NULL,
    use_id         uuid,
    refusal_code   text,
    refusal_args   text[],
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (client_id, key)
);
