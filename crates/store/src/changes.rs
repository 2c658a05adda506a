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
