//! Program administration data: the audit log, users, KPI targets, the KRW rate table
//! and the convergence policy, with the article's defaults written on first use.

use domain::kpi::Target;
use domain::{FxRates, User};
use sqlx::Row;

use crate::{Result, Store, StoreError, now_text};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: serde_json::Value,
}

pub(crate) async fn audit(
    c: &mut impl crate::AsConn,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: serde_json::Value,
) -> Result<()> {
    crate::with_conn!(c => {
        sqlx::query("INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(now_text())
            .bind(actor)
            .bind(action)
            .bind(entity)
            .bind(entity_id)
            .bind(detail.to_string())
            .execute(&mut *c)
            .await?;
        Ok(())
    })
}

impl Store {
    pub(crate) async fn seed_defaults(&self) -> Result<()> {
        crate::with_pool!(self, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            for t in domain::kpi::default_targets() {
                sqlx::query(
                    "INSERT INTO kpi_targets (key, target, by_year, baseline, baseline_note) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(&t.key)
                .bind(t.target)
                .bind(t.by_year)
                .bind(t.baseline)
                .bind(&t.baseline_note)
                .execute(&mut *tx)
                .await?;
            }
            let (rates,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM fx_rates")
                .fetch_one(&mut *tx)
                .await?;
            if rates == 0 {
                for (c, r) in FxRates::default().krw_per_unit {
                    sqlx::query("INSERT INTO fx_rates (currency, krw_per_unit) VALUES ($1, $2)")
                        .bind(c)
                        .bind(r)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let (pairs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM convergence_pairs")
                .fetch_one(&mut *tx)
                .await?;
            if pairs == 0 {
                for (a, b) in domain::industry::DEFAULT_CONVERGENCE_PAIRS {
                    sqlx::query("INSERT INTO convergence_pairs (industry_a, industry_b) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(a)
                        .bind(b)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records who did what outside the batch paths that audit themselves.
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        crate::with_pool!(self, pool => {
            let mut c = pool.acquire().await?;
            audit(&mut c, actor, action, entity, entity_id, detail).await
        })
    }

    /// The newest `limit` entries, older than entry `before` when given (pages).
    pub async fn audit_log(&self, limit: i64, before: Option<i64>) -> Result<Vec<AuditRecord>> {
        crate::with_pool!(self, pool => {
            let rows = sqlx::query("SELECT * FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2")
                .bind(before.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    let detail: String = r.try_get("detail")?;
                    Ok(AuditRecord {
                        id: r.try_get("id")?,
                        at: r.try_get("at")?,
                        actor: r.try_get("actor")?,
                        action: r.try_get("action")?,
                        entity: r.try_get("entity")?,
                        entity_id: r.try_get("entity_id")?,
                        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                    })
                })
                .collect()
        })
    }
}

impl crate::kpi::Kpi<'_> {
    pub async fn targets(self) -> Result<Vec<Target>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM kpi_targets ORDER BY key")
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(Target {
                        key: r.try_get("key")?,
                        target: r.try_get("target")?,
                        by_year: r.try_get("by_year")?,
                        baseline: r.try_get("baseline")?,
                        baseline_note: r.try_get("baseline_note")?,
                    })
                })
                .collect()
        })
    }

    pub async fn set_target(self, t: &Target, actor: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            sqlx::query(
                "INSERT INTO kpi_targets (key, target, by_year, baseline, baseline_note) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET target = excluded.target, by_year = excluded.by_year,
                baseline = excluded.baseline, baseline_note = excluded.baseline_note",
            )
            .bind(&t.key)
            .bind(t.target)
            .bind(t.by_year)
            .bind(t.baseline)
            .bind(&t.baseline_note)
            .execute(&mut *tx)
            .await?;
            audit(
                &mut tx,
                actor,
                "kpi.target",
                "kpi_target",
                &t.key,
                serde_json::to_value(t).unwrap_or_default(),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn rates(self) -> Result<FxRates> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String, f64)> =
                sqlx::query_as("SELECT currency, krw_per_unit FROM fx_rates")
                    .fetch_all(pool)
                    .await?;
            let changes: Vec<(String, String, f64)> = sqlx::query_as(
                "SELECT currency, valid_from, krw_per_unit FROM fx_rate_changes ORDER BY currency, valid_from",
            )
            .fetch_all(pool)
            .await?;
            let mut rates = FxRates {
                krw_per_unit: rows.into_iter().collect(),
                changes: Default::default(),
            };
            for (currency, from, rate) in changes {
                rates
                    .changes
                    .entry(currency)
                    .or_default()
                    .push((
                        crate::records::date(&from).map_err(|e| crate::corrupt("valid_from", e))?,
                        rate,
                    ));
            }
            Ok(rates)
        })
    }

    /// Sets the KRW rate of `currency`: from the beginning when `from` is `None`,
    /// otherwise from that day on (amounts dated earlier keep their rate).
    pub async fn set_rate(
        self,
        currency: &str,
        krw_per_unit: f64,
        from: Option<chrono::NaiveDate>,
        actor: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let c =
                domain::Currency::parse(currency).map_err(|e| StoreError::Conflict(e.to_string()))?;
            if !(krw_per_unit.is_finite() && krw_per_unit > 0.0) {
                return Err(StoreError::Conflict(format!(
                    "{krw_per_unit} is not a positive rate"
                )));
            }
            let mut tx = crate::Begin::begin_write(pool).await?;
            match from {
                None => sqlx::query("INSERT INTO fx_rates (currency, krw_per_unit) VALUES ($1, $2) ON CONFLICT (currency) DO UPDATE SET krw_per_unit = excluded.krw_per_unit")
                    .bind(c.code())
                    .bind(krw_per_unit)
                    .execute(&mut *tx)
                    .await?,
                Some(day) => sqlx::query("INSERT INTO fx_rate_changes (currency, valid_from, krw_per_unit) VALUES ($1, $2, $3) ON CONFLICT (currency, valid_from) DO UPDATE SET krw_per_unit = excluded.krw_per_unit")
                    .bind(c.code())
                    .bind(day.to_string())
                    .bind(krw_per_unit)
                    .execute(&mut *tx)
                    .await?,
            };
            audit(
                &mut tx,
                actor,
                "fx.rate",
                "fx_rate",
                c.code(),
                serde_json::json!({"krw_per_unit": krw_per_unit, "from": from.map(|d| d.to_string())}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

impl crate::clusters::Clusters<'_> {
    pub async fn convergence_pairs(self) -> Result<Vec<(String, String)>> {
        crate::with_pool!(self.store, pool => {
            Ok(
                sqlx::query_as("SELECT industry_a, industry_b FROM convergence_pairs ORDER BY 1, 2")
                    .fetch_all(pool)
                    .await?,
            )
        })
    }
}

impl crate::accounts::Accounts<'_> {
    /// Adds a user; `password_hash` is a PHC string made by the caller (argon2id).
    pub async fn add_user(self, u: &User, password_hash: Option<&str>, actor: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            u.validate()
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
            let mut tx = crate::Begin::begin_write(pool).await?;
            let r = sqlx::query(
                "INSERT INTO users (email, display_name, password_hash, role, enterprise_id, startup_id, center_id, language, created_at)
             VALUES ($1, $2, $3, $4, (SELECT id FROM enterprises WHERE ext_id = $5), (SELECT id FROM startups WHERE ext_id = $6),
                     (SELECT id FROM centers WHERE code = $7), $8, $9)",
            )
            .bind(u.email.trim().to_lowercase())
            .bind(&u.display_name)
            .bind(password_hash)
            .bind(u.role.as_str())
            .bind(&u.enterprise_id)
            .bind(&u.startup_id)
            .bind(&u.center_code)
            .bind(u.language.as_str())
            .bind(now_text())
            .execute(&mut *tx)
            .await;
            match r {
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    return Err(StoreError::Conflict(format!(
                        "a user with e-mail {} exists",
                        u.email
                    )));
                }
                r => {
                    r?;
                }
            }
            audit(
                &mut tx,
                actor,
                "user.add",
                "user",
                &u.email,
                serde_json::json!({"role": u.role.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
