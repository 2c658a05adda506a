//! Loads what the KPI formulas of `domain::kpi` are computed from.

use domain::kpi::{
    CenterFact, CenterOutcomeFact, EnterpriseFact, KpiFacts, MatchFact, OutcomeFact, StartupFact,
};
use domain::{Currency, Money, OutcomeKind};

use crate::records::date;
use crate::{Result, Store, corrupt};

fn d(s: &str, what: &str) -> Result<chrono::NaiveDate> {
    date(s).map_err(|e| corrupt(what, e))
}

impl crate::kpi::Kpi<'_> {
    /// A value that changes whenever committed data under the KPIs may have changed,
    /// whoever wrote it: on SQLite the counter that migration 0009's triggers bump on
    /// every write to those tables; on PostgreSQL the transaction snapshot, which any
    /// write transaction on the server changes (so other instances' writes count too).
    /// Read it *before* the facts: facts read after it are at least as new.
    pub async fn data_version(self) -> Result<String> {
        match &self.store.pool {
            crate::Pool::Sqlite(p) => {
                let (v,): (i64,) = sqlx::query_as("SELECT version FROM data_version WHERE id = 1")
                    .fetch_one(p)
                    .await?;
                Ok(v.to_string())
            }
            crate::Pool::Postgres(p) => {
                let (v,): (String,) = sqlx::query_as("SELECT pg_current_snapshot()::text")
                    .fetch_one(p)
                    .await?;
                Ok(v)
            }
        }
    }

    pub async fn kpi_facts(self) -> Result<KpiFacts> {
        crate::with_pool!(self.store, pool => {
            let p = pool;
            let startups = sqlx::query_as::<_, (i64, String)>("SELECT id, discovered_on FROM startups")
                .fetch_all(p)
                .await?
                .into_iter()
                .map(|(key, on)| {
                    Ok(StartupFact {
                        key,
                        discovered_on: d(&on, "discovered_on")?,
                    })
                })
                .collect::<Result<_>>()?;
            let enterprises = sqlx::query_as::<_, (i64, Option<String>)>(
                "SELECT id, participating_since FROM enterprises",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|(key, since)| {
                Ok(EnterpriseFact {
                    key,
                    participating_since: since.map(|s| d(&s, "participating_since")).transpose()?,
                })
            })
            .collect::<Result<_>>()?;
            let matches = sqlx::query_as::<_, (i64, i64, String, String, String, String, String, String, String)>(
                "SELECT m.startup_id, n.enterprise_id, m.accepted_on, s.industries, n.industries, e.industries,
                    s.clusters, e.clusters, m.track
             FROM matches m JOIN needs n ON n.id = m.need_id JOIN startups s ON s.id = m.startup_id
             JOIN enterprises e ON e.id = n.enterprise_id
             WHERE m.accepted_on IS NOT NULL",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|(startup, enterprise, on, si, ni, ei, sc, ec, track)| {
                let split = |s: &str| domain::text::split_list(s);
                Ok(MatchFact {
                    startup,
                    enterprise,
                    accepted_on: d(&on, "accepted_on")?,
                    startup_industries: split(&si),
                    partner_industries: if ni.is_empty() { split(&ei) } else { split(&ni) },
                    track,
                    startup_clusters: split(&sc),
                    enterprise_clusters: split(&ec),
                })
            })
            .collect::<Result<_>>()?;
            let outcomes = sqlx::query_as::<_, (i64, i64, String, String, Option<i64>, Option<String>)>(
                "SELECT startup_id, enterprise_id, kind, date, amount_minor, currency FROM outcomes",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|(startup, enterprise, kind, on, amount, cur)| {
                let currency = match cur {
                    Some(c) => Currency::parse(&c).map_err(|e| corrupt("currency", e))?,
                    None => Currency::KRW,
                };
                Ok(OutcomeFact {
                    startup,
                    enterprise,
                    kind: OutcomeKind::parse(&kind).map_err(|e| corrupt("kind", e))?,
                    date: d(&on, "date")?,
                    amount: amount.map(|minor| Money { minor, currency }),
                })
            })
            .collect::<Result<_>>()?;
            let mut centers = sqlx::query_as::<_, (i64, String, i64, Option<String>, Option<String>, i64, i64)>(
                "SELECT c.id, c.code, CAST(c.capacity AS BIGINT), c.opened_on, c.closed_on,
                (SELECT COUNT(*) FROM center_applications a WHERE a.center_id = c.id),
                (SELECT COUNT(*) FROM center_applications a WHERE a.center_id = c.id AND a.status = 'admitted')
             FROM centers c ORDER BY c.id",
            )
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|(id, code, capacity, o, c, applications, admitted)| {
                Ok((
                    id,
                    CenterFact {
                        code,
                        capacity,
                        opened_on: o.map(|x| d(&x, "opened_on")).transpose()?,
                        closed_on: c.map(|x| d(&x, "closed_on")).transpose()?,
                        applications: applications as u64,
                        admitted: admitted as u64,
                        outcomes: vec![],
                    },
                ))
            })
            .collect::<Result<Vec<_>>>()?;
            let center_outcomes =
                sqlx::query_as::<_, (i64, String, String, Option<i64>, Option<String>, Option<i64>)>(
                    "SELECT center_id, kind, date, amount_minor, currency, count FROM center_outcomes",
                )
                .fetch_all(p)
                .await?;
            for (center, kind, date, minor, currency, count) in center_outcomes {
                let amount = match (minor, currency) {
                    (Some(minor), Some(c)) => Some(Money {
                        minor,
                        currency: domain::Currency::parse(&c).map_err(|e| corrupt("currency", e))?,
                    }),
                    _ => None,
                };
                if let Some((_, fact)) = centers.iter_mut().find(|(id, _)| *id == center) {
                    fact.outcomes.push(CenterOutcomeFact {
                        kind: domain::CenterOutcomeKind::parse(&kind)
                            .map_err(|e| corrupt("kind", e))?,
                        date: d(&date, "date")?,
                        amount,
                        count,
                    });
                }
            }
            let centers = centers.into_iter().map(|(_, c)| c).collect();
            let (clusters,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM clusters")
                .fetch_one(p)
                .await?;
            Ok(KpiFacts {
                startups,
                enterprises,
                matches,
                outcomes,
                centers,
                clusters: clusters as usize,
                convergence_pairs: self.store.clusters().convergence_pairs().await?,
                rates: self.store.kpi().rates().await?,
                targets: self.store.kpi().targets().await?,
                today: None,
            })
        })
    }
}

/// What the KPIs are computed from: the facts, their data version, targets and exchange rates.
#[derive(Clone, Copy)]
pub struct Kpi<'a> {
    pub(crate) store: &'a Store,
}
