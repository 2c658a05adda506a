-- Forum 1:1 meetings (requests, availability, the schedule) and overseas growth
-- centers' applications and outcomes.

ALTER TABLE events ADD COLUMN starts_at TEXT NOT NULL DEFAULT '14:00';
ALTER TABLE events ADD COLUMN slot_minutes INTEGER NOT NULL DEFAULT 20;
ALTER TABLE events ADD COLUMN scheduled_at TEXT;
ALTER TABLE events ADD COLUMN schedule_stats TEXT NOT NULL DEFAULT '{}';

-- Slots (0-based, comma separated) the participant cannot make.
ALTER TABLE event_participants ADD COLUMN unavailable TEXT NOT NULL DEFAULT '';

CREATE TABLE meeting_requests (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    startup_id    INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    requested_by  TEXT NOT NULL CHECK (requested_by IN ('startup', 'enterprise')),
    status        TEXT NOT NULL DEFAULT 'requested',
    fit           REAL NOT NULL DEFAULT 0,
    note          TEXT,
    slot          INTEGER,
    table_no      INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (event_id, startup_id, enterprise_id),
    CHECK ((slot IS NULL) = (table_no IS NULL))
);
CREATE INDEX meeting_requests_startup ON meeting_requests(startup_id);
CREATE INDEX meeting_requests_enterprise ON meeting_requests(enterprise_id);

CREATE TABLE center_applications (
    id             INTEGER PRIMARY KEY,
    center_id      INTEGER NOT NULL REFERENCES centers(id) ON DELETE CASCADE,
    startup_id     INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    target_markets TEXT NOT NULL DEFAULT '',
    plan           TEXT,
    status         TEXT NOT NULL DEFAULT 'applied',
    applied_on     TEXT NOT NULL,
    decided_on     TEXT,
    decided_by     TEXT,
    UNIQUE (center_id, startup_id)
);
CREATE INDEX center_applications_startup ON center_applications(startup_id);

CREATE TABLE center_outcomes (
    id           INTEGER PRIMARY KEY,
    center_id    INTEGER NOT NULL REFERENCES centers(id) ON DELETE CASCADE,
    startup_id   INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    date         TEXT NOT NULL,
    amount_minor INTEGER,
    currency     TEXT,
    count        INTEGER,
    note         TEXT,
    created_at   TEXT NOT NULL,
    UNIQUE (center_id, startup_id, kind, date)
);
