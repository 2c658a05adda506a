-- Jobs that must not run twice at once, across every instance on this database (a
-- matching round). A holder keeps its lease alive while it works; a holder that died
-- (a killed process) loses it when the lease runs out.
CREATE TABLE job_locks (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    acquired_at TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
