//! Likely duplicate startups and enterprises: flagged when a row is written (same name
//! once legal forms are stripped, in Korean or English, or for startups the same
//! website domain or registration number), reviewed by a person, and (startups) merged
//! on request keeping what both records carried.

use domain::FieldError;
use domain::records::RecordKind;
use sqlx::Row;

use crate::{Result, StoreError, now_text};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DuplicateFlag {
    /// `startup` or `enterprise`: what the two ids name.
    pub kind: String,
    pub startup_a: String,
    pub startup_b: String,
    pub reason: String,
    pub status: String,
    pub created_at: String,
}

/// Flags each of `written` (startups or enterprises, as `kind` says) against every other
/// record of its kind sharing one of its keys (name or English name with the legal form
/// stripped; for startups also the website domain); returns a note for each new flag,
/// by the row it was found for.
pub(crate) async fn flag_batch(
    c: &mut impl crate::AsConn,
    kind: RecordKind,
    written: &[(String, u64)],
    now: &str,
) -> Result<Vec<(u64, FieldError)>> {
    let (table, noun) = match kind {
        RecordKind::Startups => ("startups", "startup"),
        RecordKind::Enterprises => ("enterprises", "enterprise"),
        RecordKind::Needs | RecordKind::Outcomes => return Ok(Vec::new()),
    };
    crate::with_conn!(c => {
        let row_of: std::collections::HashMap<&str, u64> =
            written.iter().map(|(id, r)| (id.as_str(), *r)).collect();
        let mut notes = Vec::new();
        for chunk in written.chunks(300) {
            let marks = crate::marks(chunk.len());
            // one equality join per pair of keys, each on an index (IN or OR would scan)
            let domain = if table == "startups" { "b.web_domain" } else { "NULL" };
            let join = |cond: &str, why: &str| {
                format!(
                    "SELECT a.ext_id AS id, b.ext_id AS other, '{why}' AS why, CAST({domain} AS TEXT) AS domain
                   FROM {table} a JOIN {table} b ON {cond}
                  WHERE a.ext_id IN ({marks}) AND b.ext_id <> a.ext_id"
                )
            };
            let mut joins = vec![
                join("b.name_key = a.name_key AND a.name_key <> ''", "name"),
                join("b.name_key = a.name_en_key AND a.name_en_key <> ''", "name"),
                join("b.name_en_key = a.name_key AND a.name_key <> ''", "name"),
                join(
                    "b.name_en_key = a.name_en_key AND a.name_en_key <> ''",
                    "name",
                ),
            ];
            if table == "startups" {
                joins.push(join("b.web_domain = a.web_domain", "website"));
            }
            let sql = joins.join(" UNION ");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            // the five joins share the numbered parameters
            for (id, _) in chunk {
                q = q.bind(id);
            }
            let rows = q.fetch_all(&mut *c).await?;
            // a pair found by name and by website is flagged once, by website
            let mut found: Vec<(String, String, String, Option<String>)> = Vec::new();
            for r in rows {
                let (id, other, why, domain): (String, String, String, Option<String>) = (
                    r.try_get("id")?,
                    r.try_get("other")?,
                    r.try_get("why")?,
                    r.try_get("domain")?,
                );
                match found.iter_mut().find(|f| f.0 == id && f.1 == other) {
                    Some(f) if why == "website" => f.2 = why,
                    Some(_) => {}
                    None => found.push((id, other, why, domain)),
                }
            }
            // a pair inside the batch is noted on its later row, as if written one by one
            found.sort_by_key(|f| std::cmp::Reverse(row_of.get(f.0.as_str()).copied().unwrap_or(0)));
            for (id, other, why, domain) in found {
                let (field, reason) = if why == "website" {
                    (
                        "website",
                        format!(
                            "same website domain {} as startup '{other}'",
                            domain.unwrap_or_default()
                        ),
                    )
                } else {
                    (
                        "name",
                        format!("same name (legal form aside) as {noun} '{other}'"),
                    )
                };
                let (a, b) = if id < other {
                    (&id, &other)
                } else {
                    (&other, &id)
                };
                let inserted = sqlx::query(
                    "INSERT INTO duplicate_flags (startup_a, startup_b, reason, created_at, kind) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (startup_a, startup_b) DO NOTHING",
                )
                .bind(a)
                .bind(b)
                .bind(&reason)
                .bind(now)
                .bind(noun)
                .execute(&mut *c)
                .await?;
                if inserted.rows_affected() > 0 {
                    let row = row_of.get(id.as_str()).copied().unwrap_or(0);
                    notes.push((
                        row,
                        FieldError::new(
                            field,
                            format!("likely duplicate, flagged for review: {reason}"),
                        ),
                    ));
                }
            }
        }
        Ok(notes)
    })
}

/// Marks the flag of pair (a, b), a < b, as `status`; the number of flags changed.
async fn resolve(
    c: &mut impl crate::AsConn,
    a: &str,
    b: &str,
    status: &str,
    actor: &str,
) -> Result<u64> {
    crate::with_conn!(c => {
        let r = sqlx::query(
            "UPDATE duplicate_flags SET status = $1, resolved_at = $2, resolved_by = $3 WHERE startup_a = $4 AND startup_b = $5",
        )
        .bind(status)
        .bind(now_text())
        .bind(actor)
        .bind(a)
        .bind(b)
        .execute(&mut *c)
        .await?;
        Ok(r.rows_affected())
    })
}

impl crate::records::Records<'_> {
    /// Flags by status (`open`, `dismissed`, `merged`), or all.
    pub async fn duplicate_flags(self, status: Option<&str>) -> Result<Vec<DuplicateFlag>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT kind, startup_a, startup_b, reason, status, created_at FROM duplicate_flags
                 WHERE CAST($1 AS TEXT) IS NULL OR status = $1 ORDER BY id",
            )
            .bind(status)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(DuplicateFlag {
                        kind: r.try_get("kind")?,
                        startup_a: r.try_get("startup_a")?,
                        startup_b: r.try_get("startup_b")?,
                        reason: r.try_get("reason")?,
                        status: r.try_get("status")?,
                        created_at: r.try_get("created_at")?,
                    })
                })
                .collect()
        })
    }

    /// Marks a pair as not duplicates; it is not flagged again.
    pub async fn dismiss_duplicate(self, a: &str, b: &str, actor: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let (a, b) = if a < b { (a, b) } else { (b, a) };
            let mut tx = crate::Begin::begin_write(pool).await?;
            let r = resolve(&mut tx, a, b, "dismissed", actor).await?;
            if r == 0 {
                return Err(StoreError::NotFound(format!(
                    "no duplicate flag for '{a}' and '{b}'"
                )));
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "duplicate.dismiss",
                "startup",
                &format!("{a}+{b}"),
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Merges startup `drop` into `keep` in one transaction: `keep`'s empty fields take
    /// `drop`'s values, matches (with their history), outcomes, registrations and users
    /// move over, `drop`'s record is kept in `startup_merges`, and `drop` is deleted.
    pub async fn merge_startups(self, keep: &str, drop: &str, actor: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            if keep == drop {
                return Err(StoreError::Conflict(
                    "a startup cannot be merged into itself".into(),
                ));
            }
            let kept = self.store
                .records().startup(keep)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("no startup with id '{keep}'")))?;
            let dropped = self.store
                .records().startup(drop)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("no startup with id '{drop}'")))?;
            let mut tx = crate::Begin::begin_write(pool).await?;
            let (keep_id,): (i64,) = sqlx::query_as("SELECT id FROM startups WHERE ext_id = $1")
                .bind(keep)
                .fetch_one(&mut *tx)
                .await?;
            let (drop_id,): (i64,) = sqlx::query_as("SELECT id FROM startups WHERE ext_id = $1")
                .bind(drop)
                .fetch_one(&mut *tx)
                .await?;

            // matches on a need both have: keep's stays, drop's history joins it
            sqlx::query(
                "UPDATE match_history SET match_id = (SELECT k.id FROM matches k JOIN matches d ON d.need_id = k.need_id
                 WHERE k.startup_id = $1 AND d.id = match_history.match_id)
             WHERE match_id IN (SELECT d.id FROM matches d JOIN matches k ON k.need_id = d.need_id
                 WHERE d.startup_id = $2 AND k.startup_id = $1)",
            )
            .bind(keep_id)
            .bind(drop_id)
            .execute(&mut *tx)
            .await?;
            for sql in [
                // what keep already has stays on drop and goes with it
                "UPDATE matches SET startup_id = $1 WHERE startup_id = $2 AND NOT EXISTS
                    (SELECT 1 FROM matches k WHERE k.startup_id = $1 AND k.need_id = matches.need_id)",
                "UPDATE outcomes SET startup_id = $1 WHERE startup_id = $2 AND NOT EXISTS
                    (SELECT 1 FROM outcomes k WHERE k.startup_id = $1 AND k.enterprise_id = outcomes.enterprise_id
                       AND k.kind = outcomes.kind AND k.date = outcomes.date)",
                "UPDATE event_participants SET startup_id = $1 WHERE startup_id = $2 AND NOT EXISTS
                    (SELECT 1 FROM event_participants k WHERE k.startup_id = $1 AND k.event_id = event_participants.event_id)",
                "UPDATE users SET startup_id = $1 WHERE startup_id = $2",
            ] {
                sqlx::query(sql)
                    .bind(keep_id)
                    .bind(drop_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO startup_merges (kept_id, merged_ext, merged_data, merged_at, merged_by) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(keep_id)
            .bind(drop)
            .bind(serde_json::to_string(&dropped).map_err(|e| crate::corrupt("startup", e))?)
            .bind(now_text())
            .bind(actor)
            .execute(&mut *tx)
            .await?;
            // what is left on drop (the same outcome on both, a registration on both) goes with it
            sqlx::query("DELETE FROM startups WHERE id = $1")
                .bind(drop_id)
                .execute(&mut *tx)
                .await?;
            let fill = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
            sqlx::query(
                "UPDATE startups SET name_en = $1, description = $2, description_en = $3, website = $4, city = $5, region = $6,
                    country = $7, business_reg_no = COALESCE(business_reg_no, $8), updated_at = $9 WHERE id = $10",
            )
            .bind(fill(&kept.name_en, &dropped.name_en))
            .bind(fill(&kept.description, &dropped.description))
            .bind(fill(&kept.description_en, &dropped.description_en))
            .bind(fill(&kept.website, &dropped.website))
            .bind(fill(&kept.city, &dropped.city))
            .bind(fill(&kept.region, &dropped.region))
            .bind(fill(&kept.country, &dropped.country))
            .bind(dropped.business_reg_no.as_ref().map(|b| b.as_str().to_string()))
            .bind(now_text())
            .bind(keep_id)
            .execute(&mut *tx)
            .await?;
            let (a, b) = if keep < drop {
                (keep, drop)
            } else {
                (drop, keep)
            };
            resolve(&mut tx, a, b, "merged", actor).await?;
            sqlx::query("DELETE FROM duplicate_flags WHERE kind = 'startup' AND status <> 'merged' AND (startup_a = $1 OR startup_b = $1)")
                .bind(drop)
                .execute(&mut *tx)
                .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "startup.merge",
                "startup",
                keep,
                serde_json::json!({"merged": drop}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records merged into `keep`, as they were before the merge.
    pub async fn merged_into(self, keep: &str) -> Result<Vec<domain::Startup>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT m.merged_data FROM startup_merges m JOIN startups s ON s.id = m.kept_id WHERE s.ext_id = $1 ORDER BY m.id",
            )
            .bind(keep)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(d,)| serde_json::from_str(&d).map_err(|e| crate::corrupt("merged_data", e)))
                .collect()
        })
    }
}
