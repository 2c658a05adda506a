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

    /// The change log's span: the newest change number no longer in it (the oldest's
    /// minus one — [`Store::prune_changes`] deletes from the oldest end, so an index
    /// that has seen less than this cannot catch up from the log) and the newest
    /// change's number; both 0 when the log is empty.
    pub async fn change_span(&self) -> Result<(i64, i64)> {
        crate::with_pool!(self, pool => {
            let (oldest, newest): (Option<i64>, Option<i64>) =
                sqlx::query_as("SELECT MIN(seq), MAX(seq) FROM change_log")
                    .fetch_one(pool)
                    .await?;
            Ok((oldest.map_or(0, |o| o - 1), newest.unwrap_or(0)))
        })
    }

    /// The newest change's sequence number (0 when none).
    pub async fn last_change(&self) -> Result<i64> {
        Ok(self.change_span().await?.1)
    }

    /// The newest change number pruned from the log (see [`Store::change_span`]).
    pub async fn pruned_through(&self) -> Result<i64> {
        Ok(self.change_span().await?.0)
    }

    /// Deletes all but the newest `keep` changes, once there are twice that many (so
    /// it deletes in batches, not on every call). Returns how many were deleted.
    pub async fn prune_changes(&self, keep: i64) -> Result<u64> {
        let (pruned, newest) = self.change_span().await?;
        if newest - pruned < 2 * keep.max(1) {
            return Ok(0);
        }
        crate::with_pool!(self, pool => {
            Ok(sqlx::query("DELETE FROM change_log WHERE seq <= $1")
                .bind(newest - keep)
                .execute(pool)
                .await?
                .rows_affected())
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
