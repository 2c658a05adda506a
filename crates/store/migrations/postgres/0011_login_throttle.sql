-- Login attempts counted per (e-mail, client address) and per client address (e-mail
-- ''), each row a window: one upsert both counts an attempt and says how many the
-- window holds, so parallel attempts cannot all slip under the limit. Replaces the
-- per-e-mail failure log, with which anyone could lock any account.
CREATE TABLE login_attempts (
    email         TEXT NOT NULL,
    client        TEXT NOT NULL,
    window_start  TEXT NOT NULL,
    attempts      BIGINT NOT NULL,
    PRIMARY KEY (email, client)
);

DROP TABLE login_failures;
