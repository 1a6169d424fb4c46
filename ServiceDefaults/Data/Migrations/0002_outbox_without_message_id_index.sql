-- Nothing looks an outbox row up by its message id (consumers deduplicate on it in their inbox), and the writer makes
-- it (UUIDv7), so its unique index only cost every event written a third index insert at the same right-most page.
ALTER TABLE outbox DROP CONSTRAINT outbox_message_id_key;
