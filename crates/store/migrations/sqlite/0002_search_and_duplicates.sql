-- What the search index follows, and what duplicate detection needs.

-- A random id for this database, so an index built from another database (or a
-- restored copy that went another way) is never taken for this one's.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));

-- Every change to a searchable record, in order. Search indexes apply it from the
-- sequence number they last saw; AUTOINCREMENT never reuses a number.
CREATE TABLE change_log (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    entity TEXT NOT NULL,
    ext_id TEXT NOT NULL
);

CREATE TRIGGER startups_logged_insert AFTER INSERT ON startups BEGIN
    INSERT INTO change_log (entity, ext_id) VALUES ('startup', NEW.ext_id);
END;
CREATE TRIGGER startups_logged_update AFTER UPDATE ON startups BEGIN
    INSERT INTO change_log (entity, ext_id) SELECT 'startup', OLD.ext_id WHERE OLD.ext_id <> NEW.ext_id;
    INSERT INTO change_log (entity, ext_id) VALUES ('startup', NEW.ext_id);
END;
CREATE TRIGGER startups_logged_delete AFTER DELETE ON startups BEGIN
    INSERT INTO change_log (entity, ext_id) VALUES ('startup', OLD.ext_id);
END;
CREATE TRIGGER needs_logged_insert AFTER INSERT ON needs BEGIN
    INSERT INTO change_log (entity, ext_id) VALUES ('need', NEW.ext_id);
END;
CREATE TRIGGER needs_logged_update AFTER UPDATE ON needs BEGIN
    INSERT INTO change_log (entity, ext_id) SELECT 'need', OLD.ext_id WHERE OLD.ext_id <> NEW.ext_id;
    INSERT INTO change_log (entity, ext_id) VALUES ('need', NEW.ext_id);
END;
CREATE TRIGGER needs_logged_delete AFTER DELETE ON needs BEGIN
    INSERT INTO change_log (entity, ext_id) VALUES ('need', OLD.ext_id);
END;

-- Duplicate keys of a startup (see domain::dedup).
ALTER TABLE startups ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE startups ADD COLUMN name_en_key TEXT NOT NULL DEFAULT '';
ALTER TABLE startups ADD COLUMN web_domain TEXT;
CREATE INDEX startups_name_key ON startups(name_key);
CREATE INDEX startups_name_en_key ON startups(name_en_key);
CREATE INDEX startups_web_domain ON startups(web_domain);

-- Likely duplicates, flagged for review; never merged silently.
CREATE TABLE duplicate_flags (
    id          INTEGER PRIMARY KEY,
    startup_a   TEXT NOT NULL,
    startup_b   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'dismissed', 'merged')),
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    UNIQUE (startup_a, startup_b),
    CHECK (startup_a < startup_b)
);

-- What a merge removed, so the history of both records is kept.
CREATE TABLE startup_merges (
    id          INTEGER PRIMARY KEY,
    kept_id     INTEGER NOT NULL REFERENCES startups(id) ON DELETE CASCADE,
    merged_ext  TEXT NOT NULL,
    merged_data TEXT NOT NULL,
    merged_at   TEXT NOT NULL,
    merged_by   TEXT NOT NULL
);
