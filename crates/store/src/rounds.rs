//! Matching rounds as stored: a round's proposals are replaced as a whole while it is
//! unpublished (one transaction, so a failed write leaves the previous proposals), a
//! published round is never changed, and the preferences users stated for stable rounds.

use domain::{Match, MatchStatus, MatchingRound, RoundStatus};

use crate::{Result, Store, StoreError, corrupt, now_text};

/// What replacing a round's proposals did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Replaced {
    /// Earlier unpublished proposals of the round that were removed.
    pub removed: u64,
    pub inserted: u64,
}

/// A stated preference: who ranks (`startup` ranks needs, `need` ranks startups).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    pub side: String,
    pub startup_id: domain::StartupId,
    pub need_id: domain::NeedId,
    pub rank: u32,
}

/// A round's key and status, read inside the transaction that acts on it.
async fn round_status(c: &mut impl crate::AsConn, name: &str) -> Result<Option<(i64, String)>> {
    crate::with_conn!(c => {
        Ok(
            sqlx::query_as("SELECT id, status FROM matching_rounds WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *c)
                .await?,
        )
    })
}

type RoundRow = (String, String, String, String, Option<String>);

fn round_from_row((name, status, policy, created, finished): RoundRow) -> Result<MatchingRound> {
    let at = |t: &str| {
        chrono::DateTime::parse_from_rfc3339(t)
            .map(|d| d.to_utc())
            .map_err(|e| corrupt("round time", e))
    };
    Ok(MatchingRound {
        name,
        status: RoundStatus::parse(&status).map_err(|e| corrupt("round status", e))?,
        policy: serde_json::from_str(&policy).map_err(|e| corrupt("round policy", e))?,
        created_at: at(&created)?,
        finished_at: finished.as_deref().map(at).transpose()?,
    })
}

impl crate::rounds::Rounds<'_> {
    pub async fn round(self, name: &str) -> Result<Option<MatchingRound>> {
        crate::with_pool!(self.store, pool => {
            let row: Option<RoundRow> = sqlx::query_as(
                "SELECT name, status, policy, created_at, finished_at FROM matching_rounds WHERE name = $1",
            )
            .bind(name)
            .fetch_optional(pool)
            .await?;
            row.map(round_from_row).transpose()
        })
    }

    /// Every round, newest first.
    pub async fn all(self) -> Result<Vec<MatchingRound>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<RoundRow> = sqlx::query_as(
                "SELECT name, status, policy, created_at, finished_at FROM matching_rounds ORDER BY id DESC",
            )
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(round_from_row).collect()
        })
    }

    /// Replaces the round's engine proposals that nobody has acted on with `matches`,
    /// and records the round as finished with its policy and summary — all in one
    /// transaction. A published round is refused; a pair that already has a match
    /// (from another round, an application, or acted on in this one) keeps it.
    pub async fn replace_round_proposals(
        self,
        name: &str,
        policy: &serde_json::Value,
        stats: &serde_json::Value,
        matches: &[Match],
        actor: &str,
    ) -> Result<Replaced> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            if let Some((_, status)) = &round_status(&mut tx, name).await?
                && status == RoundStatus::Published.as_str()
            {
                return Err(StoreError::Conflict(format!(
                    "round '{name}' is published: its proposals are not changed; run a new round under another name"
                )));
            }
            let now = now_text();
            let (round_id,): (i64,) = sqlx::query_as(
                "INSERT INTO matching_rounds (name, status, policy, stats, created_at, finished_at)
             VALUES ($1, 'finished', $2, $3, $4, $5)
             ON CONFLICT (name) DO UPDATE SET status = 'finished', policy = excluded.policy,
                stats = excluded.stats, finished_at = excluded.finished_at
             RETURNING id",
            )
            .bind(name)
            .bind(policy.to_string())
            .bind(stats.to_string())
            .bind(&now)
            .bind(&now)
            .fetch_one(&mut *tx)
            .await?;
            let removed = sqlx::query(
                "DELETE FROM matches WHERE round_id = $1 AND status = $2 AND origin = 'engine'",
            )
            .bind(round_id)
            .bind(MatchStatus::Proposed.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let mut inserted = 0;
            for m in matches {
                if crate::pipeline::insert_match(&mut tx, m, Some(round_id)).await? {
                    inserted += 1;
                }
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "round.run",
                "round",
                name,
                serde_json::json!({"removed": removed, "inserted": inserted, "stats": stats}),
            )
            .await?;
            tx.commit().await?;
            Ok(Replaced { removed, inserted })
        })
    }

    /// Publishes a finished round: its proposals reach the startups and enterprises and
    /// are never replaced again.
    pub async fn publish_round(self, name: &str, actor: &str) -> Result<u64> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let Some((id, status)) = round_status(&mut tx, name).await? else {
                return Err(StoreError::NotFound(format!("no round named '{name}'")));
            };
            if status == RoundStatus::Published.as_str() {
                return Err(StoreError::Conflict(format!(
                    "round '{name}' is already published"
                )));
            }
            sqlx::query("UPDATE matching_rounds SET status = 'published' WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM matches WHERE round_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "round.publish",
                "round",
                name,
                serde_json::json!({"matches": n}),
            )
            .await?;
            tx.commit().await?;
            Ok(n as u64)
        })
    }

    /// Records (or moves) a stated preference.
    pub async fn set_preference(self, p: &Preference, actor: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            if p.side != "startup" && p.side != "need" {
                return Err(StoreError::Conflict(format!(
                    "'{}' is not a side: use startup or need",
                    p.side
                )));
            }
            let mut tx = crate::Begin::begin_write(pool).await?;
            let done = sqlx::query(
                "INSERT INTO preferences (side, startup_id, need_id, rank, stated_at)
             SELECT $1, s.id, n.id, $2, $3 FROM startups s, needs n WHERE s.ext_id = $4 AND n.ext_id = $5
             ON CONFLICT (side, startup_id, need_id) DO UPDATE SET rank = excluded.rank, stated_at = excluded.stated_at",
            )
            .bind(&p.side)
            .bind(p.rank.max(1) as i64)
            .bind(now_text())
            .bind(&p.startup_id)
            .bind(&p.need_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(StoreError::NotFound(format!(
                    "no startup '{}' or no need '{}'",
                    p.startup_id, p.need_id
                )));
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "preference.set",
                "preference",
                &format!("{}/{}", p.startup_id, p.need_id),
                serde_json::json!({"side": p.side, "rank": p.rank}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn preferences(self) -> Result<Vec<Preference>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
                "SELECT p.side, s.ext_id, n.ext_id, p.rank FROM preferences p
             JOIN startups s ON s.id = p.startup_id JOIN needs n ON n.id = p.need_id
             ORDER BY p.side, s.ext_id, p.rank",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(side, startup_id, need_id, rank)| Preference {
                    side,
                    startup_id: startup_id.into(),
                    need_id: need_id.into(),
                    rank: rank.max(1) as u32,
                })
                .collect())
        })
    }
}

/// Matching rounds: their proposals, publication, and the preferences stable rounds read.
#[derive(Clone, Copy)]
pub struct Rounds<'a> {
    pub(crate) store: &'a Store,
}
