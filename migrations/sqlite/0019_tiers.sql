-- Support tiers (sqlite; app/src/server/tiers.rs): operators belong to a tier (first line 1,
-- second line 2, …) and tickets are at one; assignment gives a ticket only to operators of its
-- tier. Escalating moves a ticket to the next tier, back to the queue.

-- NULL: tier 1.
ALTER TABLE operator_settings ADD COLUMN tier INTEGER;
ALTER TABLE tickets ADD COLUMN tier INTEGER NOT NULL DEFAULT 1;
