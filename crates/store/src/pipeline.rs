//! The program's own records: clusters, overseas centers, matching rounds, matches with their dated status history, and the
//! rows exported for matches.

use chrono::{DateTime, NaiveDate, Utc};
use domain::match_state::Action;
use domain::{Actor, Center, Cluster, Match, MatchStatus, OutcomeKind, Side, StatusChange};
use sqlx::Row;

use crate::records::date;
use crate::{Result, Store, StoreError, corrupt, list};

/// A match as exported and listed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MatchRow {
    pub startup_id: domain::StartupId,
    pub need_id: domain::NeedId,
    pub enterprise_id: domain::EnterpriseId,
    pub round: Option<String>,
    pub score: f64,
    pub origin: String,
    pub status: String,
    pub accepted_on: Option<String>,
    pub reasons: String,
    pub created_at: String,
}

/// Which matches to list; unset fields select everything.
#[derive(Debug, Clone, Default)]
pub struct MatchFilter {
    pub startup: Option<domain::StartupId>,
    pub enterprise: Option<domain::EnterpriseId>,
    pub need: Option<domain::NeedId>,
    pub round: Option<String>,
    /// Any of these statuses (none: every status).
    pub statuses: Vec<MatchStatus>,
    /// Leave out proposals of rounds not yet published.
    pub published_only: bool,
    pub newest_first: bool,
    pub limit: Option<i64>,
}

/// A match with the names and reasons pages and the API show.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatchView {
    pub startup_id: domain::StartupId,
    pub startup_name: String,
    pub startup_name_en: Option<String>,
    pub need_id: domain::NeedId,
    pub need_title: String,
    pub need_title_en: Option<String>,
    pub enterprise_id: domain::EnterpriseId,
    pub enterprise_name: String,
    pub enterprise_name_en: Option<String>,
    pub round: Option<String>,
    /// False while the match is a proposal of a round not yet published.
    pub round_published: bool,
    pub score: f64,
    pub origin: String,
    pub status: MatchStatus,
    pub accepted_on: Option<String>,
    pub reasons: Vec<domain::Reason>,
    pub created_at: String,
    pub updated_at: String,
}

/// An outcome with the names a report shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutcomeRow {
    pub startup_id: domain::StartupId,
    pub enterprise_id: domain::EnterpriseId,
    pub kind: String,
    pub date: String,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn side_str(s: Side) -> &'static str {
    match s {
        Side::Startup => "startup",
        Side::Enterprise => "enterprise",
        Side::Program => "program",
    }
}

impl crate::clusters::Clusters<'_> {
    pub async fn upsert_cluster(self, c: &Cluster) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "INSERT INTO clusters (code, name_ko, name_en, location, theme_industries, anchor_enterprises)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (code) DO UPDATE SET name_ko = excluded.name_ko, name_en = excluded.name_en,
                location = excluded.location, theme_industries = excluded.theme_industries,
                anchor_enterprises = excluded.anchor_enterprises",
            )
            .bind(&c.code)
            .bind(&c.name_ko)
            .bind(&c.name_en)
            .bind(&c.location)
            .bind(list(&c.theme_industries))
            .bind(list(&c.anchor_enterprises))
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    pub async fn all(self) -> Result<Vec<Cluster>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM clusters ORDER BY id")
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(Cluster {
                        code: r.try_get("code")?,
                        name_ko: r.try_get("name_ko")?,
                        name_en: r.try_get("name_en")?,
                        location: r.try_get("location")?,
                        theme_industries: domain::text::split_list(
                            &r.try_get::<String, _>("theme_industries")?,
                        ),
                        anchor_enterprises: domain::text::split_list(
                            &r.try_get::<String, _>("anchor_enterprises")?,
                        ),
                    })
                })
                .collect()
        })
    }
}

impl crate::overseas::Centers<'_> {
    pub async fn upsert_center(self, c: &Center) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "INSERT INTO centers (code, name_ko, name_en, city, country, region, operator, capacity, opened_on, closed_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (code) DO UPDATE SET name_ko = excluded.name_ko, name_en = excluded.name_en,
                city = excluded.city, country = excluded.country, region = excluded.region,
                operator = excluded.operator, capacity = excluded.capacity,
                opened_on = excluded.opened_on, closed_on = excluded.closed_on",
            )
            .bind(&c.code)
            .bind(&c.name_ko)
            .bind(&c.name_en)
            .bind(&c.city)
            .bind(&c.country)
            .bind(&c.region)
            .bind(&c.operator)
            .bind(c.capacity)
            .bind(c.opened_on.map(|d| d.to_string()))
            .bind(c.closed_on.map(|d| d.to_string()))
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    pub async fn all(self) -> Result<Vec<Center>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM centers ORDER BY id")
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    let d = |col: &str| -> Result<Option<NaiveDate>> {
                        let v: Option<String> = r.try_get(col)?;
                        v.map(|v| date(&v).map_err(|e| corrupt(col, e))).transpose()
                    };
                    Ok(Center {
                        code: r.try_get("code")?,
                        name_ko: r.try_get("name_ko")?,
                        name_en: r.try_get("name_en")?,
                        city: r.try_get("city")?,
                        country: r.try_get("country")?,
                        region: r.try_get("region")?,
                        operator: r.try_get("operator")?,
                        capacity: r.try_get("capacity")?,
                        opened_on: d("opened_on")?,
                        closed_on: d("closed_on")?,
                    })
                })
                .collect()
        })
    }
}

impl crate::rounds::Rounds<'_> {
    /// Creates a round (or returns the existing one's key).
    pub async fn create_round(self, r: &domain::MatchingRound) -> Result<i64> {
        crate::with_pool!(self.store, pool => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO matching_rounds (name, status, policy, created_at, finished_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (name) DO UPDATE SET status = excluded.status, policy = excluded.policy,
                finished_at = excluded.finished_at
             RETURNING id",
            )
            .bind(&r.name)
            .bind(r.status.as_str())
            .bind(r.policy.to_string())
            .bind(ts(r.created_at))
            .bind(r.finished_at.map(ts))
            .fetch_one(pool)
            .await?;
            Ok(id)
        })
    }
}

impl crate::pipeline::Pipeline<'_> {
    /// Writes matches with their history in one transaction. Each match is keyed by
    /// (startup, need); a match that exists is left as it is.
    pub async fn insert_matches(self, matches: &[Match]) -> Result<u64> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let mut rounds: std::collections::HashMap<String, Option<i64>> = Default::default();
            let mut n = 0;
            for m in matches {
                let round_id = match &m.round {
                    None => None,
                    Some(name) => match rounds.get(name) {
                        Some(id) => *id,
                        None => {
                            let id: Option<(i64,)> =
                                sqlx::query_as("SELECT id FROM matching_rounds WHERE name = $1")
                                    .bind(name)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                            let id = id.map(|x| x.0);
                            rounds.insert(name.clone(), id);
                            id
                        }
                    },
                };
                if insert_match(&mut tx, m, round_id).await? {
                    n += 1;
                }
            }
            tx.commit().await?;
            Ok(n)
        })
    }

    /// Applies an action to the match of `startup` on `need`, recording the dated,
    /// attributed move; refused moves change nothing and say why.
    pub async fn transition_match(
        self,
        startup: &str,
        need: &str,
        action: Action,
        actor: &Actor,
        note: Option<String>,
    ) -> Result<StatusChange> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT m.id, m.status FROM matches m JOIN startups s ON s.id = m.startup_id
                 JOIN needs n ON n.id = m.need_id WHERE s.ext_id = $1 AND n.ext_id = $2",
            )
            .bind(startup)
            .bind(need)
            .fetch_optional(&mut *tx)
            .await?;
            let (id, status) = row.ok_or_else(|| {
                StoreError::NotFound(format!("no match of startup '{startup}' on need '{need}'"))
            })?;
            let from = MatchStatus::parse(&status).map_err(|e| corrupt("status", e))?;
            let to = match from.apply(action, actor.side) {
                Ok(to) => to,
                Err(e) => return Err(StoreError::Transition(e)),
            };
            let change = StatusChange {
                from,
                to,
                at: Utc::now(),
                by: actor.user.clone(),
                side: actor.side,
                note,
            };
            set_status(&mut tx, id, &change).await?;
            crate::admin::audit(
                &mut tx,
                &actor.user,
                "match.transition",
                "match",
                &format!("{startup}/{need}"),
                serde_json::json!({"from": from.as_str(), "to": to.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok(change)
        })
    }

    pub async fn match_history(self, startup: &str, need: &str) -> Result<Vec<StatusChange>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT h.* FROM match_history h JOIN matches m ON m.id = h.match_id
             JOIN startups s ON s.id = m.startup_id JOIN needs n ON n.id = m.need_id
             WHERE s.ext_id = $1 AND n.ext_id = $2 ORDER BY h.id",
            )
            .bind(startup)
            .bind(need)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let st = |c: &str| -> Result<MatchStatus> {
                        MatchStatus::parse(&r.try_get::<String, _>(c)?).map_err(|e| corrupt(c, e))
                    };
                    let at: String = r.try_get("at")?;
                    let side: String = r.try_get("side")?;
                    Ok(StatusChange {
                        from: st("from_status")?,
                        to: st("to_status")?,
                        at: DateTime::parse_from_rfc3339(&at)
                            .map_err(|e| corrupt("at", e))?
                            .to_utc(),
                        by: r.try_get("by_user")?,
                        side: match side.as_str() {
                            "startup" => Side::Startup,
                            "enterprise" => Side::Enterprise,
                            _ => Side::Program,
                        },
                        note: r.try_get("note")?,
                    })
                })
                .collect()
        })
    }

    /// The startups (external ids) entitled to a confidential `need`'s details: a live
    /// match on it (not declined or withdrawn) that its parties may see — a proposal
    /// of a published round, one made outside rounds (a routed application, a call's
    /// finalist), or a match already moved past proposed. A proposal of a round not
    /// yet published entitles no one.
    pub async fn startups_entitled_to(self, need: &str) -> Result<Vec<String>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT s.ext_id FROM matches m JOIN startups s ON s.id = m.startup_id
             JOIN needs n ON n.id = m.need_id
             LEFT JOIN matching_rounds r ON r.id = m.round_id
             WHERE n.ext_id = $1 AND m.status NOT IN ('declined', 'withdrawn')
               AND (m.status <> 'proposed' OR r.status IS NULL OR r.status = 'published')
             ORDER BY s.ext_id",
            )
            .bind(need)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        })
    }

    /// The reasons kept with the match of `startup` on `need` (empty when none).
    pub async fn match_reasons(self, startup: &str, need: &str) -> Result<Vec<domain::Reason>> {
        crate::with_pool!(self.store, pool => {
            let row: Option<(String,)> = sqlx::query_as(
                "SELECT m.reasons FROM matches m JOIN startups s ON s.id = m.startup_id
                 JOIN needs n ON n.id = m.need_id WHERE s.ext_id = $1 AND n.ext_id = $2",
            )
            .bind(startup)
            .bind(need)
            .fetch_optional(pool)
            .await?;
            match row {
                None => Ok(Vec::new()),
                Some((r,)) => serde_json::from_str(&r).map_err(|e| corrupt("reasons", e)),
            }
        })
    }

    /// Every match, as exported.
    pub async fn match_rows(self) -> Result<Vec<MatchRow>> {
        Ok(self
            .store
            .pipeline()
            .matches_where(&MatchFilter::default())
            .await?
            .into_iter()
            .map(|m| MatchRow {
                reasons: m
                    .reasons
                    .iter()
                    .map(|x| x.en.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                startup_id: m.startup_id,
                need_id: m.need_id,
                enterprise_id: m.enterprise_id,
                round: m.round,
                score: m.score,
                origin: m.origin,
                status: m.status.as_str().to_string(),
                accepted_on: m.accepted_on,
                created_at: m.created_at,
            })
            .collect())
    }

    /// The matches the filter selects (all of its set fields must hold).
    pub async fn matches_where(self, f: &MatchFilter) -> Result<Vec<MatchView>> {
        crate::with_pool!(self.store, pool => {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT s.ext_id AS startup_id, s.name AS startup_name, s.name_en AS startup_name_en,
                    n.ext_id AS need_id, n.title AS need_title, n.title_en AS need_title_en,
                    e.ext_id AS enterprise_id, e.name AS enterprise_name, e.name_en AS enterprise_name_en,
                    r.name AS round, r.status AS round_status, m.score, m.origin, m.status,
                    m.accepted_on, m.reasons, m.created_at, m.updated_at
             FROM matches m JOIN startups s ON s.id = m.startup_id JOIN needs n ON n.id = m.need_id
             JOIN enterprises e ON e.id = n.enterprise_id LEFT JOIN matching_rounds r ON r.id = m.round_id
             WHERE 1 = 1",
            );
            if let Some(v) = &f.startup {
                q.push(" AND s.ext_id = ").push_bind(v.clone());
            }
            if let Some(v) = &f.enterprise {
                q.push(" AND e.ext_id = ").push_bind(v.clone());
            }
            if let Some(v) = &f.need {
                q.push(" AND n.ext_id = ").push_bind(v.clone());
            }
            if let Some(v) = &f.round {
                q.push(" AND r.name = ").push_bind(v.clone());
            }
            if !f.statuses.is_empty() {
                q.push(" AND m.status IN (");
                let mut sep = q.separated(", ");
                for st in &f.statuses {
                    sep.push_bind(st.as_str());
                }
                q.push(")");
            }
            if f.published_only {
                q.push(" AND (r.status IS NULL OR r.status = 'published')");
            }
            q.push(if f.newest_first {
                " ORDER BY m.updated_at DESC, m.id DESC"
            } else {
                " ORDER BY m.id"
            });
            if let Some(n) = f.limit {
                q.push(" LIMIT ").push_bind(n);
            }
            let rows = q.build().fetch_all(pool).await?;
            rows.iter()
                .map(|r| {
                    let reasons: String = r.try_get("reasons")?;
                    let status: String = r.try_get("status")?;
                    let round_status: Option<String> = r.try_get("round_status")?;
                    Ok(MatchView {
                        startup_id: r.try_get("startup_id")?,
                        startup_name: r.try_get("startup_name")?,
                        startup_name_en: r.try_get("startup_name_en")?,
                        need_id: r.try_get("need_id")?,
                        need_title: r.try_get("need_title")?,
                        need_title_en: r.try_get("need_title_en")?,
                        enterprise_id: r.try_get("enterprise_id")?,
                        enterprise_name: r.try_get("enterprise_name")?,
                        enterprise_name_en: r.try_get("enterprise_name_en")?,
                        round: r.try_get("round")?,
                        round_published: round_status.is_none_or(|s| s == "published"),
                        score: r.try_get("score")?,
                        origin: r.try_get("origin")?,
                        status: MatchStatus::parse(&status).map_err(|e| corrupt("status", e))?,
                        accepted_on: r.try_get("accepted_on")?,
                        reasons: serde_json::from_str(&reasons).map_err(|e| corrupt("reasons", e))?,
                        created_at: r.try_get("created_at")?,
                        updated_at: r.try_get("updated_at")?,
                    })
                })
                .collect()
        })
    }
}

/// Inserts one match with its history unless the pair has a match already; says
/// whether it did.
pub(crate) async fn insert_match(
    c: &mut impl crate::AsConn,
    m: &Match,
    round_id: Option<i64>,
) -> Result<bool> {
    crate::with_conn!(c => {
        let created = m.history.first().map(|h| h.at).unwrap_or_else(Utc::now);
        let accepted_on = m
            .history
            .iter()
            .find(|h| h.to == MatchStatus::Accepted)
            .map(|h| h.at.date_naive().to_string());
        let id: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO matches (startup_id, need_id, round_id, score, reasons, origin, status, accepted_on, created_at, updated_at)
         SELECT s.id, n.id, $1, $2, $3, $4, $5, $6, $7, $8
         FROM startups s, needs n WHERE s.ext_id = $9 AND n.ext_id = $10
         ON CONFLICT (startup_id, need_id) DO NOTHING
         RETURNING id",
        )
        .bind(round_id)
        .bind(m.score)
        .bind(serde_json::to_string(&m.reasons).map_err(|e| corrupt("reasons", e))?)
        .bind(m.origin.as_str())
        .bind(m.status.as_str())
        .bind(accepted_on)
        .bind(ts(created))
        .bind(ts(m.history.last().map(|h| h.at).unwrap_or(created)))
        .bind(&m.startup_id)
        .bind(&m.need_id)
        .fetch_optional(&mut *c)
        .await?;
        let Some((id,)) = id else { return Ok(false) };
        for h in &m.history {
            insert_history(c, id, h).await?;
        }
        Ok(true)
    })
}

async fn insert_history(c: &mut impl crate::AsConn, match_id: i64, h: &StatusChange) -> Result<()> {
    crate::with_conn!(c => {
        sqlx::query(
            "INSERT INTO match_history (match_id, from_status, to_status, at, by_user, side, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(match_id)
        .bind(h.from.as_str())
        .bind(h.to.as_str())
        .bind(ts(h.at))
        .bind(&h.by)
        .bind(side_str(h.side))
        .bind(&h.note)
        .execute(&mut *c)
        .await?;
        Ok(())
    })
}

async fn set_status(c: &mut impl crate::AsConn, match_id: i64, h: &StatusChange) -> Result<()> {
    crate::with_conn!(c => {
        sqlx::query(
            "UPDATE matches SET status = $1, updated_at = $2,
            accepted_on = CASE WHEN $3 = 'accepted' AND accepted_on IS NULL THEN $4 ELSE accepted_on END
         WHERE id = $5",
        )
        .bind(h.to.as_str())
        .bind(ts(h.at))
        .bind(h.to.as_str())
        .bind(h.at.date_naive().to_string())
        .bind(match_id)
        .execute(&mut *c)
        .await?;
        insert_history(c, match_id, h).await
    })
}

/// Moves a match forward to the stage an outcome stands for, when that is a legal
/// move; an outcome that does not move it (already further, not yet accepted) is
/// recorded all the same.
pub(crate) async fn advance_for_outcome(
    c: &mut impl crate::AsConn,
    match_id: i64,
    kind: OutcomeKind,
    on: NaiveDate,
    actor: &str,
) -> Result<()> {
    crate::with_conn!(c => {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM matches WHERE id = $1")
            .bind(match_id)
            .fetch_one(&mut *c)
            .await?;
        let from = MatchStatus::parse(&status).map_err(|e| corrupt("status", e))?;
        if let Ok(to) = from.apply(
            Action::Advance(MatchStatus::for_outcome(kind)),
            Side::Program,
        ) {
            let at = on.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
            let change = StatusChange {
                from,
                to,
                at,
                by: actor.to_string(),
                side: Side::Program,
                note: Some(format!("outcome: {}", kind.as_str())),
            };
            set_status(c, match_id, &change).await?;
        }
        Ok(())
    })
}

/// Matches and what follows them: states and their history, entitlement to confidential needs, reasons, and outcomes.
#[derive(Clone, Copy)]
pub struct Pipeline<'a> {
    pub(crate) store: &'a Store,
}
