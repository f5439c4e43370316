-- Service levels (sqlite; app/src/server/sla/): the admin's policies. A ticket's clocks are
-- folded from its log when read (sla::clock), so nothing here changes as tickets move. The
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
