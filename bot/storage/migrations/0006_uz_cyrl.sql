-- Ўзбекча (uz-Cyrl, Uzbek in Cyrillic script) becomes a locale readers can choose.
-- SQLite cannot change a CHECK constraint, so each table whose locale column had
-- the three-locale CHECK is rebuilt with the same columns, rows and indexes.
-- case_updates keeps its CHECKs: its texts and fallback are the written locales
-- (uz-Cyrl is made from uz), and an author reading uz-Cyrl is stored as uz.

CREATE TABLE user_settings_new (
    user_id    INTEGER PRIMARY KEY,
    locale     TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl')),
    updated_at TEXT    NOT NULL
) WITHOUT ROWID;
INSERT INTO user_settings_new SELECT user_id, locale, updated_at FROM user_settings;
DROP TABLE user_settings;
ALTER TABLE user_settings_new RENAME TO user_settings;

CREATE TABLE signatures_new (
    id           INTEGER PRIMARY KEY,
    petition     TEXT    NOT NULL REFERENCES petitions (slug),
    signer       BLOB    NOT NULL CHECK (length(signer) = 32),
    display_name TEXT    CHECK (display_name IS NULL OR length(display_name) BETWEEN 2 AND 100),
    city         TEXT    CHECK (city IS NULL OR length(city) BETWEEN 2 AND 100),
    locale       TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl')),
    signed_at    TEXT    NOT NULL,
    source       TEXT    CHECK (source IS NULL OR length(source) <= 64),
    UNIQUE (petition, signer)
);
INSERT INTO signatures_new (id, petition, signer, display_name, city, locale, signed_at, source)
    SELECT id, petition, signer, display_name, city, locale, signed_at, source FROM signatures;
DROP TABLE signatures;
ALTER TABLE signatures_new RENAME TO signatures;
CREATE INDEX signatures_by_signer ON signatures (signer);

CREATE TABLE follows_new (
    chat_id     INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    locale      TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl')),
    followed_at TEXT    NOT NULL,
    inactive_at TEXT,
    PRIMARY KEY (chat_id, slug)
) WITHOUT ROWID;
INSERT INTO follows_new (chat_id, slug, locale, followed_at, inactive_at)
    SELECT chat_id, slug, locale, followed_at, inactive_at FROM follows;
DROP TABLE follows;
ALTER TABLE follows_new RENAME TO follows;

CREATE TABLE deliveries_new (
    id            INTEGER PRIMARY KEY,
    update_id     INTEGER NOT NULL REFERENCES case_updates (id),
    chat_id       INTEGER NOT NULL,
    locale        TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl')),
    status        TEXT    NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    not_before    REAL    NOT NULL DEFAULT 0,
    migrated_from INTEGER,
    reason        TEXT,
    settled_at    TEXT,
    UNIQUE (update_id, chat_id)
);
INSERT INTO deliveries_new (id, update_id, chat_id, locale, status, attempts, not_before,
                            migrated_from, reason, settled_at)
    SELECT id, update_id, chat_id, locale, status, attempts, not_before,
           migrated_from, reason, settled_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_pending ON deliveries (id) WHERE status = 'pending';
CREATE INDEX deliveries_due ON deliveries (not_before) WHERE status = 'pending';
CREATE INDEX deliveries_in_flight ON deliveries (id) WHERE status = 'sending';
CREATE INDEX deliveries_by_chat ON deliveries (chat_id);
CREATE INDEX deliveries_by_update ON deliveries (update_id, status);
