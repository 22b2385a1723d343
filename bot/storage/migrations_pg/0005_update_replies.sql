-- PostgreSQL twin of migrations/0005: what an update's reply said, kept with its mark.
ALTER TABLE processed_updates ADD COLUMN reply TEXT;
