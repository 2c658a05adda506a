//! Leases on jobs that must not run twice at once across instances (a matching round):
//! a row per job in `job_locks`, taken only when free or expired, renewed while the job
//! runs, removed when it ends. A killed holder's lease simply runs out.

use crate::{Result, Store, with_pool};

/// Who holds a job's lease and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    pub holder: String,
    pub acquired_at: String,
    pub expires_at: String,
}

/// The outcome of asking for a lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockAttempt {
    Acquired,
    HeldBy(LockHolder),
}

impl Store {
    /// Takes the lease on `job` for `holder` until `expires_at` (RFC 3339, UTC), unless
    /// another holder's lease is still running at `now`. On refusal, who holds it.
    pub async fn try_lock(
        &self,
        job: &str,
        holder: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<LockAttempt> {
        with_pool!(self, pool => {
            let taken = sqlx::query(
                "INSERT INTO job_locks (name, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE
                    SET holder = excluded.holder, acquired_at = excluded.acquired_at,
                        expires_at = excluded.expires_at
                    WHERE job_locks.expires_at <= $3 OR job_locks.holder = $2",
            )
            .bind(job)
            .bind(holder)
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected();
            if taken > 0 {
                return Ok(LockAttempt::Acquired);
            }
            let (holder, acquired_at, expires_at): (String, String, String) = sqlx::query_as(
                "SELECT holder, acquired_at, expires_at FROM job_locks WHERE name = $1",
            )
            .bind(job)
            .fetch_one(pool)
            .await?;
            Ok(LockAttempt::HeldBy(LockHolder {
                holder,
                acquired_at,
                expires_at,
            }))
        })
    }

    /// Extends a held lease; false when `holder` no longer holds it.
    pub async fn renew_lock(&self, job: &str, holder: &str, expires_at: &str) -> Result<bool> {
        with_pool!(self, pool => {
            Ok(sqlx::query("UPDATE job_locks SET expires_at = $1 WHERE name = $2 AND holder = $3")
                .bind(expires_at)
                .bind(job)
                .bind(holder)
                .execute(pool)
                .await?
                .rows_affected()
                > 0)
        })
    }

    pub async fn unlock(&self, job: &str, holder: &str) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM job_locks WHERE name = $1 AND holder = $2")
                .bind(job)
                .bind(holder)
                .execute(pool)
                .await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_lease_is_taken_once_renewed_by_its_holder_and_lapses() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&crate::testing::fresh_database(dir.path(), "l.db"))
            .await
            .unwrap();
        let t = |m: u32| format!("2026-11-26T10:{m:02}:00Z");
        assert!(s.try_lock("round", "a", &t(0), &t(1)).await.unwrap() == LockAttempt::Acquired);
        let held = s.try_lock("round", "b", &t(0), &t(1)).await.unwrap();
        assert!(matches!(held, LockAttempt::HeldBy(h) if h.holder == "a"));
        // its holder may take it again; another may not until it lapses
        assert!(s.try_lock("round", "a", &t(0), &t(2)).await.unwrap() == LockAttempt::Acquired);
        assert!(s.renew_lock("round", "a", &t(5)).await.unwrap());
        assert!(!s.renew_lock("round", "b", &t(9)).await.unwrap());
        assert!(s.try_lock("round", "b", &t(4), &t(6)).await.unwrap() != LockAttempt::Acquired);
        assert!(
            s.try_lock("round", "b", &t(5), &t(6)).await.unwrap() == LockAttempt::Acquired,
            "lapsed"
        );
        assert!(
            !s.renew_lock("round", "a", &t(9)).await.unwrap(),
            "a lost it"
        );
        // other jobs are separate; unlocking frees at once
        assert!(s.try_lock("import", "a", &t(5), &t(6)).await.unwrap() == LockAttempt::Acquired);
        s.unlock("round", "b").await.unwrap();
        assert!(s.try_lock("round", "c", &t(5), &t(6)).await.unwrap() == LockAttempt::Acquired);
    }
}
