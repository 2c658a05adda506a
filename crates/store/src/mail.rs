//! The mail outbox: every message is queued in the transaction of the write that
//! causes it (a notification, a password reset) and sent later by the app's mail job,
//! never on the request path. A message is pending until it is sent or given up; a
//! failed attempt is counted, keeps its error and says when the next one is due.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Get, Result, with_conn, with_pool};

/// A message in the outbox and where its delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The last attempt's error.
    pub error: Option<String>,
    /// When a pending message may be tried again (unset: at once).
    pub next_attempt_at: Option<String>,
    pub sent_at: Option<String>,
    /// When it was given up.
    pub failed_at: Option<String>,
}

/// Where a failed attempt leaves a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Pending again, due at this time.
    RetryAt(DateTime<Utc>),
    /// Given up: never tried again.
    GiveUp,
}

/// Time stamps in the outbox compare as text, so they are written in one form.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Queues a message inside the caller's transaction.
pub(crate) async fn queue_mail(
    c: &mut impl crate::AsConn,
    to: &str,
    (subject, body): (&str, &str),
    now: &str,
) -> Result<()> {
    with_conn!(c => {
        sqlx::query(
            "INSERT INTO mail_outbox (to_email, subject, body, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(to)
        .bind(subject)
        .bind(body)
        .bind(now)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

fn outbox_mail(r: &impl Get) -> Result<OutboxMail> {
    Ok(OutboxMail {
        id: r.col("id")?,
        to: r.col("to_email")?,
        subject: r.col("subject")?,
        body: r.col("body")?,
        created_at: r.col("created_at")?,
        attempts: r.col("attempts")?,
        error: r.col("error")?,
        next_attempt_at: r.col("next_attempt_at")?,
        sent_at: r.col("sent_at")?,
        failed_at: r.col("failed_at")?,
    })
}

impl crate::inbox::Inbox<'_> {
    /// Pending messages whose next attempt is due at `now`, oldest first.
    pub async fn due_mail(self, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutboxMail>> {
        with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT * FROM mail_outbox
                  WHERE sent_at IS NULL AND failed_at IS NULL
                    AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
                  ORDER BY id LIMIT $2",
            )
            .bind(stamp(now))
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter().map(outbox_mail).collect()
        })
    }

    /// The newest messages of the outbox, whatever their state.
    pub async fn outbox(self, limit: i64) -> Result<Vec<OutboxMail>> {
        with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM mail_outbox ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(outbox_mail).collect()
        })
    }

    pub async fn mark_mail_sent(self, id: i64, at: DateTime<Utc>) -> Result<()> {
        with_pool!(self.store, pool => {
            sqlx::query("UPDATE mail_outbox SET sent_at = $1, next_attempt_at = NULL WHERE id = $2")
                .bind(stamp(at))
                .bind(id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Counts a failed attempt at `at` with its error, and either sets the next one or
    /// gives the message up.
    pub async fn record_mail_failure(
        self,
        id: i64,
        error: &str,
        at: DateTime<Utc>,
        then: AfterFailure,
    ) -> Result<()> {
        let (next_attempt_at, failed_at) = match then {
            AfterFailure::RetryAt(t) => (Some(stamp(t)), None),
            AfterFailure::GiveUp => (None, Some(stamp(at))),
        };
        with_pool!(self.store, pool => {
            sqlx::query(
                "UPDATE mail_outbox
                    SET attempts = attempts + 1, error = $1, next_attempt_at = $2, failed_at = $3
                  WHERE id = $4",
            )
            .bind(error)
            .bind(next_attempt_at)
            .bind(failed_at)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[tokio::test]
    async fn a_failed_message_waits_for_its_next_attempt_and_a_given_up_one_for_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&crate::testing::fresh_database(dir.path(), "m.db"))
            .await
            .unwrap();
        // no such user: no inbox entry, but the mail is queued all the same
        s.inbox()
            .notify(
                "a@example.kr",
                "test",
                ("안녕", "hello"),
                None,
                Some(("hi", "body")),
            )
            .await
            .unwrap();
        let t0: DateTime<Utc> = "2026-11-26T10:00:00Z".parse().unwrap();
        let due = s.inbox().due_mail(t0, 10).await.unwrap();
        assert_eq!(due.len(), 1, "{due:?}");
        let id = due[0].id;

        let retry = t0 + chrono::Duration::minutes(1);
        s.inbox()
            .record_mail_failure(id, "421 busy", t0, AfterFailure::RetryAt(retry))
            .await
            .unwrap();
        assert!(
            s.inbox().due_mail(t0, 10).await.unwrap().is_empty(),
            "not before"
        );
        let again = s.inbox().due_mail(retry, 10).await.unwrap();
        assert_eq!(
            (again[0].attempts, again[0].error.as_deref()),
            (1, Some("421 busy"))
        );

        s.inbox()
            .record_mail_failure(id, "550 no such user", retry, AfterFailure::GiveUp)
            .await
            .unwrap();
        let later = retry + chrono::Duration::days(30);
        assert!(s.inbox().due_mail(later, 10).await.unwrap().is_empty());
        let row = &s.inbox().outbox(10).await.unwrap()[0];
        assert_eq!(row.attempts, 2);
        assert_eq!(row.failed_at.as_deref(), Some("2026-11-26T10:01:00Z"));
        assert_eq!(row.sent_at, None);
    }
}
