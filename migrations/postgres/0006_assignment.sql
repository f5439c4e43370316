-- Fair assignment (postgres): each operator's capacity, break and duty state, weekly working
-- hours, days off and skills; categories only their holders take; the assignment lock.

CREATE TABLE operator_settings (
    operator_id BIGINT PRIMARY KEY REFERENCES users (id),
    -- The most active tickets (assigned + in progress) automatic assignment gives them.
    capacity BIGINT NOT NULL DEFAULT 10 CHECK (capacity BETWEEN 0 AND 1000),
    -- The operator's own break switch.
    on_break BIGINT NOT NULL DEFAULT 0,
    -- The duty state the assignment step saw last: from 1 to 0 hands back unstarted tickets.
    on_duty BIGINT NOT NULL DEFAULT 0,
    -- Unix ms of the operator's last request: "signed in and active".
    last_seen_at BIGINT,
    last_assigned_at BIGINT
);

-- Weekly working hours in the installation's time zone: weekday 1 (Monday) to 7 (Sunday),
-- minutes since midnight, [start, end). An operator without any row has no hour limits.
CREATE TABLE work_hours (
    operator_id BIGINT NOT NULL REFERENCES users (id),
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute BIGINT NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute BIGINT NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    PRIMARY KEY (operator_id, weekday, start_minute)
);

-- Exceptions: a day off, as the date in the installation's time zone ('2026-12-24').
CREATE TABLE days_off (
    operator_id BIGINT NOT NULL REFERENCES users (id),
    day TEXT NOT NULL,
    PRIMARY KEY (operator_id, day)
);

-- The categories an operator holds. None: no limits.
CREATE TABLE operator_skills (
    operator_id BIGINT NOT NULL REFERENCES users (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    PRIMARY KEY (operator_id, category_id)
);

-- 1: the category's tickets go only to operators who hold it.
ALTER TABLE categories ADD COLUMN restricted BIGINT NOT NULL DEFAULT 0;

-- One row that the assignment step locks (PostgreSQL: FOR UPDATE) so that decisions, even
-- from several server processes, happen one at a time. SQLite's single writer does the same.
CREATE TABLE assignment_lock (id BIGINT PRIMARY KEY);
INSERT INTO assignment_lock (id) VALUES (1);

-- The waiting queue in its order (priority, then age), read straight from an index.
CREATE INDEX tickets_waiting ON tickets (priority DESC, id) WHERE status = 'open';
