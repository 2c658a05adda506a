-- The whole program: organisations, needs, reference data, rounds, matches, outcomes,
-- users and the audit log. External ids (ext_id) are the keys imports upsert by.
-- List fields hold '|'-joined codes, as in the import format.

CREATE TABLE startups (
    id               INTEGER PRIMARY KEY,
    ext_id           TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    name_en          TEXT,
    description      TEXT,
    description_en   TEXT,
    industries       TEXT NOT NULL DEFAULT '',
    technologies     TEXT NOT NULL DEFAULT '',
    stage            TEXT,
    founded_year     INTEGER,
    employees        INTEGER,
    city             TEXT,
    region           TEXT,
    country          TEXT,
    funding_minor    INTEGER,
    funding_currency TEXT,
    website          TEXT,
    source           TEXT,
    clusters         TEXT NOT NULL DEFAULT '',
    target_markets   TEXT NOT NULL DEFAULT '',
    business_reg_no  TEXT UNIQUE,
    discovered_on    TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE enterprises (
    id                  INTEGER PRIMARY KEY,
    ext_id              TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    name_en             TEXT,
    size_class          TEXT,
    industries          TEXT NOT NULL DEFAULT '',
    description         TEXT,
    city                TEXT,
    country             TEXT,
    capacity            INTEGER,
    cvc                 INTEGER,
    ticket_min_krw      INTEGER,
    ticket_max_krw      INTEGER,
    clusters            TEXT NOT NULL DEFAULT '',
    participating_since TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE needs (
    id                  INTEGER PRIMARY KEY,
    ext_id              TEXT NOT NULL UNIQUE,
    enterprise_id       INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    title               TEXT NOT NULL,
    description         TEXT,
    technologies        TEXT NOT NULL DEFAULT '',
    industries          TEXT NOT NULL DEFAULT '',
    collaboration_types TEXT NOT NULL DEFAULT '',
    preferred_stages    TEXT NOT NULL DEFAULT '',
    slots               INTEGER NOT NULL DEFAULT 1 CHECK (slots >= 1),
    deadline            TEXT,
    visibility          TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'confidential')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX needs_enterprise ON needs(enterprise_id);

CREATE TABLE clusters (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,
    name_ko            TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    location           TEXT,
    theme_industries   TEXT NOT NULL DEFAULT '',
    anchor_enterprises TEXT NOT NULL DEFAULT ''
);

CREATE TABLE centers (
    id        INTEGER PRIMARY KEY,
    code      TEXT NOT NULL UNIQUE,
    name_ko   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    city      TEXT NOT NULL,
    country   TEXT NOT NULL,
    region    TEXT NOT NULL,
    operator  TEXT,
    capacity  INTEGER NOT NULL DEFAULT 0,
    opened_on TEXT,
    closed_on TEXT
);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    title_ko   TEXT NOT NULL,
    title_en   TEXT NOT NULL,
    date       TEXT NOT NULL,
    venue      TEXT,
    online_url TEXT,
    slots      INTEGER NOT NULL DEFAULT 0,
    tables     INTEGER NOT NULL DEFAULT 0,
    capacity   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE event_participants (
    event_id      INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    startup_id    INTEGER REFERENCES startups(id) ON DELETE CASCADE,
    enterprise_id INTEGER REFERENCES enterprises(id) ON DELETE CASCADE,
    status        TEXT NOT NULL DEFAULT 'registered',
    registered_at TEXT NOT NULL,
    CHECK ((startup_id IS NULL) <> (enterprise_id IS NULL))
);
CREATE UNIQUE INDEX event_participant_once
    ON event_participants(event_id, COALESCE(startup_id, 0), COALESCE(enterprise_id, 0));

CREATE TABLE matching_rounds (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    status      TEXT NOT NULL,
    policy      TEXT NOT NULL DEFAULT '{}',
    stats       TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    finished_at TEXT
);

CREATE TABLE matches (
    id          INTEGER PRIMARY KEY,
    startup_id  INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    need_id     INTEGER NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    round_id    INTEGER REFERENCES matching_rounds(id) ON DELETE SET NULL,
    score       REAL NOT NULL DEFAULT 0,
    reasons     TEXT NOT NULL DEFAULT '[]',
    origin      TEXT NOT NULL,
    status      TEXT NOT NULL,
    accepted_on TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (startup_id, need_id)
);
CREATE INDEX matches_need ON matches(need_id);

CREATE TABLE match_history (
    id          INTEGER PRIMARY KEY,
    match_id    INTEGER NOT NULL REFERENCES matches(id) ON DELETE CASCADE,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    at          TEXT NOT NULL,
    by_user     TEXT NOT NULL,
    side        TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX match_history_match ON match_history(match_id);

CREATE TABLE outcomes (
    id            INTEGER PRIMARY KEY,
    startup_id    INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id) ON DELETE CASCADE,
    match_id      INTEGER REFERENCES matches(id) ON DELETE SET NULL,
    kind          TEXT NOT NULL,
    date          TEXT NOT NULL,
    amount_minor  INTEGER,
    currency      TEXT,
    note          TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (startup_id, enterprise_id, kind, date)
);
CREATE INDEX outcomes_enterprise ON outcomes(enterprise_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT,
    role          TEXT NOT NULL,
    enterprise_id INTEGER REFERENCES enterprises(id) ON DELETE SET NULL,
    startup_id    INTEGER REFERENCES startups(id) ON DELETE SET NULL,
    center_id     INTEGER REFERENCES centers(id) ON DELETE SET NULL,
    language      TEXT NOT NULL DEFAULT 'ko',
    created_at    TEXT NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);

CREATE TABLE kpi_targets (
    key           TEXT PRIMARY KEY,
    target        REAL,
    by_year       INTEGER,
    baseline      REAL,
    baseline_note TEXT
);

CREATE TABLE fx_rates (
    currency     TEXT PRIMARY KEY,
    krw_per_unit REAL NOT NULL CHECK (krw_per_unit > 0)
);

CREATE TABLE convergence_pairs (
    industry_a TEXT NOT NULL,
    industry_b TEXT NOT NULL,
    PRIMARY KEY (industry_a, industry_b)
);
