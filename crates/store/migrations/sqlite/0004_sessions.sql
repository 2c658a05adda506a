-- Server-side sessions (the cookie holds a random token; only its SHA-256 is stored)
-- and failed logins, for rate limiting.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    id     INTEGER PRIMARY KEY,
    email  TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures(email, at);
