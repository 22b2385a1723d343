-- Ўзбекча (uz-Cyrl, Uzbek in Cyrillic script) becomes a locale readers can choose, as in
-- SQLite's 0006. PostgreSQL changes a CHECK in place; case_updates keeps its CHECK (its texts
-- are the written locales: uz-Cyrl is made from uz).
ALTER TABLE user_settings DROP CONSTRAINT user_settings_locale_check,
    ADD CONSTRAINT user_settings_locale_check CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl'));
ALTER TABLE signatures DROP CONSTRAINT signatures_locale_check,
    ADD CONSTRAINT signatures_locale_check CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl'));
ALTER TABLE follows DROP CONSTRAINT follows_locale_check,
    ADD CONSTRAINT follows_locale_check CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl'));
ALTER TABLE deliveries DROP CONSTRAINT deliveries_locale_check,
    ADD CONSTRAINT deliveries_locale_check CHECK (locale IN ('en', 'ru', 'uz', 'uz-Cyrl'));
