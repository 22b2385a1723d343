-- The release demand. Signers may be at risk, so a signature row never holds a
-- Telegram id: `signer` is HMAC-SHA256(user id) under a key kept outside the
-- database. The count lives in `petitions` and changes in the same transaction
-- as the row it counts, so reading it is O(1) and always exact.
CREATE TABLE petitions (
    slug            TEXT    PRIMARY KEY,
    signature_count INTEGER NOT NULL DEFAULT 0 CHECK (signature_count >= 0),
    closed_at       TEXT
) WITHOUT ROWID;

CREATE TABLE signatures (
    id           INTEGER PRIMARY KEY,
    petition     TEXT    NOT NULL REFERENCES petitions (slug),
    signer       BLOB    NOT NULL CHECK (length(signer) = 32),
    display_name TEXT    CHECK (display_name IS NULL OR length(display_name) BETWEEN 2 AND 100),
    city         TEXT    CHECK (city IS NULL OR length(city) BETWEEN 2 AND 100),
    locale       TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz')),
    signed_at    TEXT    NOT NULL,
    source       TEXT    CHECK (source IS NULL OR length(source) <= 64),
    UNIQUE (petition, signer)
);
CREATE INDEX signatures_by_signer ON signatures (signer);

-- Thresholds crossed (25 %, 50 %, … of the goal, and round numbers), once each.
CREATE TABLE petition_milestones (
    petition   TEXT    NOT NULL REFERENCES petitions (slug),
    threshold  INTEGER NOT NULL,
    reached_at TEXT    NOT NULL,
    PRIMARY KEY (petition, threshold)
) WITHOUT ROWID;

-- Consent to receive a case's news. Kept apart from signatures on purpose: a
-- follower's chat id must be stored to deliver news, a signer's must not.
CREATE TABLE follows (
    chat_id     INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    locale      TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz')),
    followed_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, slug)
) WITHOUT ROWID;
