-- A petition's count is petitions.signature_count plus the sum of its slots.
-- Each signature (and each withdrawal, with -1) moves one slot: the first one
-- no other transaction holds (FOR UPDATE SKIP LOCKED), so concurrent signers,
-- whose row locks last until their COMMIT has reached the disk, no longer
-- queue on one counter row. A slot may go below 0 (a withdrawal counted on
-- another slot than its signature); the sum is exact and never negative.
CREATE TABLE petition_count_slots (
    petition   TEXT    NOT NULL REFERENCES petitions (slug),
    slot       INTEGER NOT NULL CHECK (slot >= 0),
    signatures INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (petition, slot)
);
