//! Jobs that only one instance may run at a time, across every process on the
//! database: a matching round, sending the mail outbox, deadline reminders. The job
//! holds a lease in the database while it runs, renewed by a task that lives exactly as
//! long as the job (it ends with it, also when the job is dropped half-way); a process
//! killed mid-job loses it when the lease runs out.

use std::future::Future;

use chrono::Utc;
use store::{LockAttempt, LockHolder};

use crate::{App, Result};

/// What became of a job asked to run under a lease.
#[derive(Debug)]
pub enum Exclusive<T> {
    Ran(T),
    /// Another holder has the lease; nothing ran.
    HeldBy(LockHolder),
}

/// How long a lease lasts without renewal (`INNOBRIDGE_LEASE_SECS`, default 30 s): a
/// process killed mid-job blocks the next run at most this long.
fn lease() -> chrono::Duration {
    let secs = std::env::var("INNOBRIDGE_LEASE_SECS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(30);
    chrono::Duration::seconds(secs)
}

fn stamp(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// This process, as a lease holder: host, process id and a random part.
fn holder_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "localhost".into());
    let mut r = [0u8; 4];
    let _ = getrandom::fill(&mut r);
    format!(
        "{host}:{}:{:08x}",
        std::process::id(),
        u32::from_be_bytes(r)
    )
}

impl App {
    /// Runs `job` while holding the lease `name`; when another holder has it, returns
    /// who without running anything.
    pub async fn exclusively<T>(
        &self,
        name: &str,
        job: impl Future<Output = Result<T>>,
    ) -> Result<Exclusive<T>> {
        let holder = holder_id();
        let lease = lease();
        let now = Utc::now();
        if let LockAttempt::HeldBy(h) = self
            .store
            .try_lock(name, &holder, &stamp(now), &stamp(now + lease))
            .await?
        {
            return Ok(Exclusive::HeldBy(h));
        }
        let keeper = tokio_util::task::AbortOnDropHandle::new({
            let store = self.store.clone();
            let (holder, name) = (holder.clone(), name.to_string());
            tokio::spawn(async move {
                let every = (lease / 3)
                    .to_std()
                    .unwrap_or(std::time::Duration::from_secs(10));
                loop {
                    tokio::time::sleep(every).await;
                    let until = stamp(Utc::now() + lease);
                    if !matches!(store.renew_lock(&name, &holder, &until).await, Ok(true)) {
                        tracing::warn!("the lease on {name} could not be renewed");
                    }
                }
            })
        });
        let result = job.await;
        drop(keeper);
        self.store.unlock(name, &holder).await?;
        result.map(Exclusive::Ran)
    }
}
