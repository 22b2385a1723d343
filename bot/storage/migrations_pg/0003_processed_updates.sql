-- PostgreSQL twin of migrations/0003. With several workers the primary key is
-- what makes an update applied once: the second worker's INSERT waits for the
-- first one's transaction and then finds its row.
CREATE TABLE processed_updates (
    bot_id       BIGINT      NOT NULL,
    update_id    BIGINT      NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (bot_id, update_id)
);
CREATE INDEX processed_updates_by_age ON processed_updates (processed_at);
