-- Service levels (sqlite; app/src/server/sla/): the admin's policies, and each clock's warning
-- and breach noted once. A ticket's clocks are folded from its log when read (sla::clock). The
-- working week, holidays and warning share are `settings` rows (sla_hours, sla_holidays as
-- JSON; sla_warn_percent).

CREATE TABLE sla_policies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- tickets.priority's rank (tickets::Priority).
    priority INTEGER NOT NULL,
    -- NULL: tickets of this priority in a category without a policy of its own.
    category_id INTEGER REFERENCES categories (id),
    first_response_minutes INTEGER NOT NULL,
    next_response_minutes INTEGER,
    resolution_minutes INTEGER NOT NULL,
    -- 1: counted in the working week's hours; 0: every hour.
    business_hours INTEGER NOT NULL
);
-- One policy per priority and category (or none).
CREATE UNIQUE INDEX sla_policies_one_each ON sla_policies (priority, COALESCE(category_id, 0));

-- Each clock's warning and breach, noted once (sla::watch) in the transaction of its ticket
-- event: by ticket, target (first_response, next_response, resolution), the moment its wait
-- began (a next response waits anew after each message of the client) and which (1: breach).
CREATE TABLE sla_alerts (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    target TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    breached INTEGER NOT NULL,
    -- The moment it happened, as computed.
    at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, target, started_at, breached)
);
