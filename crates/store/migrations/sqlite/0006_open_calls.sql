-- Open calls and their selection: tracks, application forms with attachments, staged
-- screening by evaluators (conflicts, assignments, blind scores, decisions), and the
-- in-app inbox with its mail outbox.

CREATE TABLE calls (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    track         TEXT NOT NULL CHECK (track IN ('top-down', 'bottom-up', 'on-demand')),
    need_id       INTEGER REFERENCES needs(id) ON DELETE SET NULL,
    -- the enterprise running it (top-down, bottom-up intake); NULL: the program office
    enterprise_id INTEGER REFERENCES enterprises(id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    description   TEXT,
    deadline      TEXT NOT NULL,
    questions     TEXT NOT NULL DEFAULT '[]',
    attachments   TEXT NOT NULL DEFAULT '[]',
    rubric        TEXT NOT NULL,
    stages        TEXT NOT NULL,
    stage         INTEGER NOT NULL DEFAULT 0,
    stage_open    INTEGER NOT NULL DEFAULT 1,
    reviews_per_application INTEGER NOT NULL DEFAULT 2,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- the enterprises an on-demand call is run for
CREATE TABLE call_enterprises (
    call_id       INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    PRIMARY KEY (call_id, enterprise_id)
);

CREATE TABLE call_evaluators (
    call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (call_id, user_id)
);

CREATE TABLE applications (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    startup_id   INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    status       TEXT NOT NULL DEFAULT 'draft',
    -- the stage it has reached (index into the call's stages)
    stage        INTEGER NOT NULL DEFAULT 0,
    answers      TEXT NOT NULL DEFAULT '{}',
    submitted_at TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (call_id, startup_id)
);

CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    key            TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size           INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    data           BLOB NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (application_id, key)
);

CREATE TABLE evaluator_conflicts (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    startup_id  INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    reason      TEXT,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (user_id, startup_id)
);

CREATE TABLE reviews (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    stage          INTEGER NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scores         TEXT,
    weighted       REAL,
    comment        TEXT,
    submitted_at   TEXT,
    UNIQUE (application_id, stage, user_id)
);

CREATE TABLE stage_decisions (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    stage          INTEGER NOT NULL,
    advanced       INTEGER NOT NULL,
    -- set when the organiser went against the ranking
    override_reason TEXT,
    by_user        TEXT NOT NULL,
    at             TEXT NOT NULL,
    PRIMARY KEY (application_id, stage)
);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    text_ko    TEXT NOT NULL,
    text_en    TEXT NOT NULL,
    link       TEXT,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications(user_id, id);

CREATE TABLE mail_outbox (
    id         INTEGER PRIMARY KEY,
    to_email   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at    TEXT,
    error      TEXT
);

ALTER TABLE matches ADD COLUMN track TEXT NOT NULL DEFAULT 'top-down';
