-- Reports the admins saved (sqlite; app/src/server/stats/saved.rs): a name, unique whatever
-- its case, and what to show as JSON (dto::ReportDefinition: measures, breakdown, period,
-- step and filters), computed afresh from the ticket events each time it is run.
CREATE TABLE saved_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    saved_by INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX saved_reports_by_name ON saved_reports (lower(name));
