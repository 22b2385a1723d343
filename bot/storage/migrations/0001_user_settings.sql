-- The reader's language choice: the only thing the foundation stores about a person.
CREATE TABLE user_settings (
    user_id    INTEGER PRIMARY KEY,
    locale     TEXT    NOT NULL CHECK (locale IN ('en', 'ru', 'uz')),
    updated_at TEXT    NOT NULL
) WITHOUT ROWID;
