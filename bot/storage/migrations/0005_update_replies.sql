-- What an update's reply said, in a word, kept with its processed mark in the
-- same transaction as its effects: a copy re-delivered after a crash between
-- the COMMIT and the reply is answered as a second tap would be, instead of
-- with silence. '<kind>:<slug>' (bot/storage/repositories.py ReplyNote: a
-- signature, a withdrawal, a follow or unfollow, an erasure); NULL otherwise.
ALTER TABLE processed_updates ADD COLUMN reply TEXT;
