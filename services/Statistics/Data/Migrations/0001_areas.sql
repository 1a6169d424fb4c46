-- Areas as learned from AreaRegistered: only what statistics need.
CREATE TABLE areas (
    code           text PRIMARY KEY,
    municipalities text[] NOT NULL
);
