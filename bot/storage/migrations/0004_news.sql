-- Case news: what admins publish, the outbox that delivers it to followers,
-- and the persistent FSM storage the admin dialogues need to survive a restart.

-- A follower whose chat refused a delivery (403: blocked the bot, account
-- deleted) is kept, not deleted: following again or /following reactivates.
ALTER TABLE follows ADD COLUMN inactive_at TEXT;

-- One published update of a case: news, or a new stage (kind = 'status').
-- A language without a text (NULL) is served the `fallback` language's text.
-- `draft_key` is unique so that a double tap on "Publish" stores one update.
CREATE TABLE case_updates (
    id                  INTEGER PRIMARY KEY,
    slug                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('news', 'status')),
    text_en             TEXT,
    text_ru             TEXT,
    text_uz             TEXT,
    fallback            TEXT    NOT NULL CHECK (fallback IN ('en', 'ru', 'uz')),
    stage               TEXT,
    stage_date          TEXT,
    announced           INTEGER NOT NULL DEFAULT 1 CHECK (announced IN (0, 1)),
    author_id           INTEGER NOT NULL,
    author_locale       TEXT    NOT NULL CHECK (author_locale IN ('en', 'ru', 'uz')),
    created_at          TEXT    NOT NULL,
    draft_key           TEXT    NOT NULL UNIQUE,
    -- The admin's progress message, edited by the broadcast worker.
    progress_chat_id    INTEGER,
    progress_message_id INTEGER,
    completed_at        TEXT,
    CHECK (kind = 'news' OR (stage IS NOT NULL AND stage_date IS NOT NULL)),
    CHECK (COALESCE(text_en, text_ru, text_uz) IS NOT NULL OR kind = 'status')
);
CREATE INDEX case_updates_by_case ON case_updates (slug, id);

-- The outbox: one row per (update, chat), pending -> sending -> sent | failed.
-- A row is claimed ('sending') before the request and settled after it, each
-- an UPDATE of that one row; on start, rows left 'sending' go back to 'pending'.
CREATE TABLE deliveries (
    id            INTEGER PRIMARY KEY,
    update_id     INTEGER NOT NULL REFERENCES case_updates (id),
    chat_id       INTEGER NOT NULL,
    locale        TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz')),
    status        TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    REAL    NOT NULL DEFAULT 0,
    migrated_from INTEGER,
    reason        TEXT,
    settled_at    TEXT,
    UNIQUE (update_id, chat_id)
);
-- The worker reads pending rows in id order, and asks when the earliest one is due.
CREATE INDEX deliveries_pending ON deliveries (id) WHERE status = 'pending';
CREATE INDEX deliveries_due ON deliveries (not_before) WHERE status = 'pending';
CREATE INDEX deliveries_in_flight ON deliveries (id) WHERE status = 'sending';
CREATE INDEX deliveries_by_chat ON deliveries (chat_id);
CREATE INDEX deliveries_by_update ON deliveries (update_id, status);

-- aiogram FSM state and data (a dialogue in progress), one row per key.
-- Rows are deleted when a dialogue ends and purged when left untouched.
CREATE TABLE fsm_states (
    storage_key TEXT PRIMARY KEY,
    state       TEXT,
    data        TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL
) WITHOUT ROWID;
