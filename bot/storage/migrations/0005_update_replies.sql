-- What an update's reply said, in a word, kept with its processed mark in the
-- same transaction as its effects: a copy re-delivered after a crash between
-- the COMMIT and the reply is answered as a second tap would be, instead of
-- with silence. 'signed:<slug>' for a new signature; NULL for everything else.
ALTER TABLE processed_updates ADD COLUMN reply TEXT;
