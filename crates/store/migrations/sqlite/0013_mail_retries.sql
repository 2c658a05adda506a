-- The mail outbox is retried: a failed send counts an attempt, keeps its error (the
-- last one, in `error`) and waits until `next_attempt_at` (unset: due at once) to be
-- tried again; after the last attempt `failed_at` says it was given up. A message is
-- pending while neither `sent_at` nor `failed_at` is set. Before this a failed
-- message was never tried again: those count as given up.
ALTER TABLE mail_outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mail_outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE mail_outbox ADD COLUMN failed_at TEXT;
UPDATE mail_outbox SET attempts = 1, failed_at = created_at
 WHERE sent_at IS NULL AND error IS NOT NULL;
CREATE INDEX mail_outbox_pending ON mail_outbox(id)
 WHERE sent_at IS NULL AND failed_at IS NULL;
