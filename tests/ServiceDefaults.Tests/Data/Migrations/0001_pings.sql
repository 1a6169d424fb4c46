-- What the test inbox handler records: one row per applied message.
CREATE TABLE pings (
    message_id uuid NOT NULL,
    run        uuid NOT NULL,
    text       text NOT NULL
);
