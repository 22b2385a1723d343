-- Updates already handled, so a re-delivered update (same update_id: a webhook
-- retry, or a polling batch confirmed only after a crash) has no second effect
-- and no second reply. A row is written in the same transaction as the
-- handler's effects; rows older than a few days are pruned (Telegram gives up
-- re-delivering after 24 hours). bot_id: a new token on the same database starts
-- a new sequence of update ids.
CREATE TABLE processed_updates (
    bot_id       INTEGER NOT NULL,
    update_id    INTEGER NOT NULL,
    processed_at TEXT    NOT NULL,
    PRIMARY KEY (bot_id, update_id)
) WITHOUT ROWID;
CREATE INDEX processed_updates_by_age ON processed_updates (processed_at);
