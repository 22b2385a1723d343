-- PostgreSQL twin of migrations/0001: same tables and columns, PostgreSQL's types.
CREATE TABLE user_settings (
    user_id    BIGINT      PRIMARY KEY,
    locale     TEXT        NOT NULL CHECK (locale IN ('en', 'ru', 'uz')),
    updated_at TIMESTAMPTZ NOT NULL
);
