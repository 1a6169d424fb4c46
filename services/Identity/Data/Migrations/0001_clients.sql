-- Site clients: a distributor unit, a venue, a partner system, an area coordinator… never a person.
CREATE TABLE clients (
    client_id      text PRIMARY KEY,
    secret_hash    text NOT NULL,
    name           text NOT NULL,
    role           text NOT NULL,
    area_code      text,
    distributor_id uuid,
    venue_ids      uuid[] NOT NULL DEFAULT '{}',
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL,
    revoked_at     timestamptz
);
CREATE INDEX clients_area ON clients (area_code);
CREATE INDEX clients_revoked ON clients (revoked_at) WHERE revoked_at IS NOT NULL;

-- Learned from other services' events, to check that a new client's scope lies where its creator may act.
CREATE TABLE areas (code text PRIMARY KEY);
CREATE TABLE venues (venue_id uuid PRIMARY KEY, area_code text NOT NULL);
CREATE TABLE distributors (distributor_id uuid PRIMARY KEY, area_code text NOT NULL);
