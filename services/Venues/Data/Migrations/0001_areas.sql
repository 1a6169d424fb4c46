CREATE TABLE areas (
    code           text PRIMARY KEY,
    name_fi        text NOT NULL,
    name_sv        text,
    name_en        text,
    municipalities text[] NOT NULL,
    welfare_region text,
    registered_at  timestamptz NOT NULL
);
