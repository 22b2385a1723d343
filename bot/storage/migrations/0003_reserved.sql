-- Reserved: issues 4 and 5 are writing migrations 0003-0005 in parallel. This
-- placeholder keeps the numbering gapless on the production branch; delete it
-- when the real 0003 is merged (a duplicate number fails start-up loudly).
SELECT 1;
