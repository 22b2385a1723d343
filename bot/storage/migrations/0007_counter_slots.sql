-- A petition's count is petitions.signature_count plus the sum of its rows here.
-- The embedded mode (one writer) never writes these rows: it moves
-- signature_count in the signature's own statement and the sum stays 0. The
-- table is here so both engines have the same tables and columns; PostgreSQL
-- spreads a petition's counter over slots so concurrent signers do not queue
-- on one row (see migrations_pg/0007).
CREATE TABLE petition_count_slots (
    petition   TEXT    NOT NULL REFERENCES petitions (slug),
    slot       INTEGER NOT NULL CHECK (slot >= 0),
    signatures INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (petition, slot)
) WITHOUT ROWID;
