//! The change log that search indexes follow: which startups and needs changed since a
//! sequence number, and the id of this database.

use crate::{Result, Store};

/// One changed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// `startup` or `need`
    pub entity: String,
    pub ext_id: String,
}

impl Store {
    /// The random id this database got when it was created.
    pub async fn database_id(&self) -> Result<String> {
        crate::with_pool!(self, pool => {
            let (id,): (String,) = sqlx::query_as("SELECT value FROM meta WHERE key = 'database_id'")
                .fetch_one(pool)
                .await?;
            Ok(id)
        })
    }

    /// The newest change's sequence number (0 when none).
    pub async fn last_change(&self) -> Result<i64> {
        crate::with_pool!(self, pool => {
            let (seq,): (Option<i64>,) = sqlx::query_as("SELECT MAX(seq) FROM change_log")
                .fetch_one(pool)
                .await?;
            Ok(seq.unwrap_or(0))
        })
    }

    /// Deletes all but the newest `keep` changes, once there are twice that many (so
    /// it deletes in batches, not on every call), and records the newest deleted number
    /// (see [`Store::pruned_through`]). Returns how many were deleted.
    pub async fn prune_changes(&self, keep: i64) -> Result<u64> {
        crate::with_pool!(self, pool => {
            let (oldest, newest): (Option<i64>, Option<i64>) =
                sqlx::query_as("SELECT MIN(seq), MAX(seq) FROM change_log")
                    .fetch_one(pool)
                    .await?;
            let (Some(oldest), Some(newest)) = (oldest, newest) else {
                return Ok(0);
            };
            if newest - oldest + 1 < 2 * keep.max(1) {
                return Ok(0);
            }
            let through = newest - keep;
            let mut tx = crate::Begin::begin_write(pool).await?;
            let deleted = sqlx::query("DELETE FROM change_log WHERE seq <= $1")
                .bind(through)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('changes_pruned_through', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(through.to_string())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(deleted)
        })
    }

    /// The newest change number [`Store::prune_changes`] has deleted (0 when none): an
    /// index that has seen less than this cannot catch up from the log.
    pub async fn pruned_through(&self) -> Result<i64> {
        crate::with_pool!(self, pool => {
            let v: Option<(String,)> =
                sqlx::query_as("SELECT value FROM meta WHERE key = 'changes_pruned_through'")
                    .fetch_optional(pool)
                    .await?;
            Ok(v.and_then(|(s,)| s.parse().ok()).unwrap_or(0))
        })
    }

    /// Changes after `seq`, oldest first, at most `limit`.
    pub async fn changes_since(&self, seq: i64, limit: i64) -> Result<Vec<Change>> {
        crate::with_pool!(self, pool => {
            let rows: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT seq, entity, ext_id FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(seq)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(seq, entity, ext_id)| Change {
                    seq,
                    entity,
                    ext_id,
                })
                .collect())
        })
    }
}
