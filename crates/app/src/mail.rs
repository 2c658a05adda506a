//! Sending the mail outbox. Messages are queued with the write that causes them
//! (`store::mail`); the mail job ([`crate::jobs`]) sends the due ones through an
//! asynchronous transport — lettre's SMTP client on the Tokio runtime in production,
//! so no worker thread waits on the network; a recording stub in tests. A failed send
//! is tried again after a wait that doubles with each attempt; after the last attempt
//! the message is given up and logged as an error.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use store::{AfterFailure, OutboxMail};

use crate::{App, AppError, Result};

/// How many messages one delivery pass sends at most.
pub const BATCH: usize = 50;

/// Where mail goes: anything lettre sends asynchronously, its error as text.
pub trait MailTransport: Send + Sync {
    fn send_mail(
        &self,
        message: lettre::Message,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send + '_>>;
}

impl<T> MailTransport for T
where
    T: lettre::AsyncTransport + Send + Sync,
    T::Error: std::fmt::Display,
{
    fn send_mail(
        &self,
        message: lettre::Message,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send + '_>> {
        Box::pin(async move {
            self.send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
    }
}

/// When a message whose send failed is tried again: `first` after the first failure,
/// twice as long after each further one, never more than `longest`; given up after
/// `max_attempts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailRetry {
    pub first: Duration,
    pub longest: Duration,
    pub max_attempts: u32,
}

impl Default for MailRetry {
    /// 1, 2, 4 … minutes, at most 4 hours apart, ten attempts: about 12 hours in all.
    fn default() -> Self {
        Self {
            first: Duration::from_secs(60),
            longest: Duration::from_secs(4 * 3600),
            max_attempts: 10,
        }
    }
}

impl MailRetry {
    /// What follows the `attempts`-th failed attempt, made at `now`.
    pub fn after(&self, attempts: u32, now: DateTime<Utc>) -> AfterFailure {
        if attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let doublings = attempts.saturating_sub(1).min(31);
        let wait = self.first.saturating_mul(1 << doublings).min(self.longest);
        AfterFailure::RetryAt(
            now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX),
        )
    }
}

/// What a delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time, to be tried again.
    pub retrying: usize,
    /// Failed for the last time (or could never be sent: a recipient that is not an
    /// address).
    pub given_up: usize,
    /// More messages were due than one pass sends.
    pub more_due: bool,
}

/// The mail settings of a serving instance: the transport, the sender and the retry
/// policy.
pub struct MailConfig {
    pub transport: std::sync::Arc<dyn MailTransport>,
    pub from: Mailbox,
    pub retry: MailRetry,
}

impl MailConfig {
    /// From the environment: the SMTP server in `INNOBRIDGE_SMTP_URL` (or the file
    /// `INNOBRIDGE_SMTP_URL_FILE` names), e.g. `smtps://user:pass@mail.example.kr`, the
    /// sender in `INNOBRIDGE_MAIL_FROM` (default `innobridge@localhost`). None when no
    /// server is named: messages then stay in the in-app inbox and the outbox.
    pub fn from_env() -> Result<Option<Self>> {
        let Some(url) =
            crate::secrets::secret("INNOBRIDGE_SMTP_URL").map_err(AppError::Unusable)?
        else {
            return Ok(None);
        };
        let from =
            std::env::var("INNOBRIDGE_MAIL_FROM").unwrap_or_else(|_| "innobridge@localhost".into());
        let from = from
            .parse()
            .map_err(|e| AppError::Unusable(format!("INNOBRIDGE_MAIL_FROM '{from}': {e}")))?;
        Ok(Some(Self {
            transport: std::sync::Arc::new(smtp(&url)?),
            from,
            retry: MailRetry::default(),
        }))
    }
}

/// An SMTP transport from a URL such as `smtps://user:pass@mail.example.kr:465`.
pub fn smtp(url: &str) -> Result<lettre::AsyncSmtpTransport<lettre::Tokio1Executor>> {
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
        .map(|b| b.build())
        .map_err(|e| AppError::Unusable(format!("INNOBRIDGE_SMTP_URL: {e}")))
}

/// The message for an outbox entry; an error when it can never be sent.
fn compose(from: &Mailbox, m: &OutboxMail) -> std::result::Result<lettre::Message, String> {
    let to: Mailbox = m.to.parse().map_err(|e| format!("address: {e}"))?;
    lettre::Message::builder()
        .from(from.clone())
        .to(to)
        .subject(&m.subject)
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| e.to_string())
}

impl App {
    /// Sends the messages due at `now` (at most [`BATCH`]) through `transport`; each is
    /// marked sent, or its failure is counted with its error and it waits for its next
    /// attempt under `retry` — or is given up. Callers hold the outbox's lease, so no
    /// message goes out twice.
    pub async fn deliver_mail(
        &self,
        transport: &dyn MailTransport,
        from: &Mailbox,
        retry: &MailRetry,
        now: DateTime<Utc>,
    ) -> Result<Delivery> {
        let mut due = self.store.inbox().due_mail(now, BATCH as i64 + 1).await?;
        let mut done = Delivery {
            more_due: due.len() > BATCH,
            ..Delivery::default()
        };
        due.truncate(BATCH);
        for m in due {
            let attempt = match compose(from, &m) {
                Ok(message) => transport.send_mail(message).await.map_err(|e| {
                    let attempts = u32::try_from(m.attempts + 1).unwrap_or(u32::MAX);
                    (e, retry.after(attempts, now))
                }),
                Err(e) => Err((e, AfterFailure::GiveUp)),
            };
            match attempt {
                Ok(()) => {
                    self.store.inbox().mark_mail_sent(m.id, now).await?;
                    done.sent += 1;
                }
                Err((error, then)) => {
                    self.store
                        .inbox()
                        .record_mail_failure(m.id, &error, now, then)
                        .await?;
                    if then == AfterFailure::GiveUp {
                        tracing::error!(
                            "mail {} (mail_outbox) given up after {} attempts: {error}",
                            m.id,
                            m.attempts + 1
                        );
                        done.given_up += 1;
                    } else {
                        tracing::warn!("mail {}: {error}; will try again", m.id);
                        done.retrying += 1;
                    }
                }
            }
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_its_longest_and_the_last_attempt_gives_up() {
        let retry = MailRetry::default();
        let t0: DateTime<Utc> = "2026-11-26T10:00:00Z".parse().unwrap();
        let wait = |n| match retry.after(n, t0) {
            AfterFailure::RetryAt(t) => Some((t - t0).num_minutes()),
            AfterFailure::GiveUp => None,
        };
        let waits: Vec<_> = (1..=10).map(wait).collect();
        assert_eq!(
            waits,
            [
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(64),
                Some(128),
                Some(240),
                None
            ]
        );
        assert_eq!(wait(u32::MAX), None);
    }
}
