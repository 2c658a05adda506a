//! Overseas growth centers' applications (admitted within capacity) and the outcomes
//! admitted startups record abroad.

use chrono::NaiveDate;
use domain::overseas::{CenterApplication, CenterOutcome};
use domain::{
    ApplicationStatus, CenterOutcomeKind, Currency, FieldError, Money, OnExisting, Recorded,
};
use sqlx::Row;

use crate::records::{Write, already_recorded, date};
use crate::{Result, Store, StoreError, corrupt, list, now_text};

const APPLICATION_SELECT: &str = "SELECT a.id, c.code AS center, s.ext_id AS startup_id, s.name AS startup_name,
        a.target_markets, a.plan, a.status, a.applied_on, a.decided_on
     FROM center_applications a JOIN centers c ON c.id = a.center_id JOIN startups s ON s.id = a.startup_id";

fn application_from_row(r: &impl crate::Get) -> Result<CenterApplication> {
    let status: String = r.col("status")?;
    let markets: String = r.col("target_markets")?;
    let applied: String = r.col("applied_on")?;
    let decided: Option<String> = r.col("decided_on")?;
    Ok(CenterApplication {
        id: r.col("id")?,
        center: r.col("center")?,
        startup_id: r.col("startup_id")?,
        startup_name: r.col("startup_name")?,
        target_markets: domain::text::split_list(&markets),
        plan: r.col("plan")?,
        status: ApplicationStatus::parse(&status).map_err(|e| corrupt("status", e))?,
        applied_on: date(&applied).map_err(|e| corrupt("applied_on", e))?,
        decided_on: decided
            .map(|d| date(&d).map_err(|e| corrupt("decided_on", e)))
            .transpose()?,
    })
}

impl crate::overseas::Centers<'_> {
    /// A startup applies to a center (again, after withdrawing or being declined).
    pub async fn apply_to_center(
        self,
        center: &str,
        startup: &str,
        markets: &[String],
        plan: Option<&str>,
        on: NaiveDate,
    ) -> Result<domain::CenterApplicationId> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let row = sqlx::query(
                "INSERT INTO center_applications (center_id, startup_id, target_markets, plan, applied_on)
             SELECT c.id, s.id, $1, $2, $3 FROM centers c, startups s WHERE c.code = $4 AND s.ext_id = $5
             ON CONFLICT (center_id, startup_id) DO UPDATE SET status = 'applied',
                target_markets = excluded.target_markets, plan = excluded.plan,
                applied_on = excluded.applied_on, decided_on = NULL, decided_by = NULL
                WHERE center_applications.status IN ('withdrawn', 'declined')
             RETURNING id",
            )
            .bind(list(markets))
            .bind(plan)
            .bind(on.to_string())
            .bind(center)
            .bind(startup)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = row else {
                let (known,): (i64,) = sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM centers WHERE code = $1) * (SELECT COUNT(*) FROM startups WHERE ext_id = $2)",
                )
                .bind(center)
                .bind(startup)
                .fetch_one(&mut *tx)
                .await?;
                if known == 0 {
                    return Err(StoreError::NotFound(format!(
                        "no center '{center}' or startup '{startup}'"
                    )));
                }
                return Err(StoreError::Refused(FieldError::new(
                    "center",
                    "this startup has already applied to this center",
                )));
            };
            let id: domain::CenterApplicationId = row.try_get("id")?;
            crate::admin::audit(
                &mut tx,
                startup,
                "center.apply",
                "center",
                center,
                serde_json::json!({"startup": startup}),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Applications to one center or from one startup (or all), oldest first.
    pub async fn center_applications(
        self,
        center: Option<&str>,
        startup: Option<&str>,
    ) -> Result<Vec<CenterApplication>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{APPLICATION_SELECT} WHERE ($1 IS NULL OR c.code = $2) AND ($3 IS NULL OR s.ext_id = $4) ORDER BY a.applied_on, a.id"
            )))
            .bind(center)
            .bind(center)
            .bind(startup)
            .bind(startup)
            .fetch_all(pool)
            .await?;
            rows.iter().map(application_from_row).collect()
        })
    }

    pub async fn center_application(
        self,
        id: domain::CenterApplicationId,
    ) -> Result<Option<CenterApplication>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{APPLICATION_SELECT} WHERE a.id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?;
            row.as_ref().map(application_from_row).transpose()
        })
    }

    /// Decides an application; admitting never takes a center past its capacity (the
    /// count and the change are one transaction).
    pub async fn decide_application(
        self,
        id: domain::CenterApplicationId,
        to: ApplicationStatus,
        on: NaiveDate,
        actor: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let row: Option<(i64, i64, String)> = sqlx::query_as(
                "SELECT c.id, CAST(c.capacity AS BIGINT), a.status FROM center_applications a JOIN centers c ON c.id = a.center_id WHERE a.id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((center_id, capacity, status)) = row else {
                return Err(StoreError::NotFound(format!("no application {id}")));
            };
            if status == to.as_str() {
                return Ok(());
            }
            if to == ApplicationStatus::Admitted {
                let (admitted,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM center_applications WHERE center_id = $1 AND status = 'admitted'",
                )
                .bind(center_id)
                .fetch_one(&mut *tx)
                .await?;
                if admitted >= capacity {
                    return Err(StoreError::Refused(FieldError::new(
                        "status",
                        format!("the center is full: {admitted} of {capacity} places taken"),
                    )));
                }
            }
            sqlx::query("UPDATE center_applications SET status = $1, decided_on = $2, decided_by = $3 WHERE id = $4")
                .bind(to.as_str())
                .bind(on.to_string())
                .bind(actor)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "center.decide",
                "center_application",
                &id.to_string(),
                serde_json::json!({"status": to.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records what an admitted startup achieved abroad. The same kind on the same day
    /// is one outcome: recorded again with other figures it is refused unless `existing`
    /// is [`OnExisting::Replace`] (a correction, audited with the figures it replaced).
    pub async fn record_center_outcome(
        self,
        o: &CenterOutcome,
        existing: OnExisting,
        actor: &str,
    ) -> Result<Recorded> {
        crate::with_pool!(self.store, pool => {
            if let Err(e) = o.validate(chrono::Local::now().date_naive()) {
                return Err(StoreError::Refused(e));
            }
            let mut tx = crate::Begin::begin_write(pool).await?;
            let admitted: Option<(i64, i64)> = sqlx::query_as(
                "SELECT a.center_id, a.startup_id FROM center_applications a JOIN centers c ON c.id = a.center_id
                 JOIN startups s ON s.id = a.startup_id WHERE c.code = $1 AND s.ext_id = $2 AND a.status = 'admitted'",
            )
            .bind(&o.center)
            .bind(&o.startup_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((center_id, startup_id)) = admitted else {
                return Err(StoreError::Refused(FieldError::new(
                    "startup_id",
                    "outcomes are recorded for startups the center admitted",
                )));
            };
            let figures = (
                o.amount.map(|m| m.minor),
                o.amount.map(|m| m.currency.code().to_string()),
                o.count,
                o.note.clone(),
            );
            // a concurrent insert of the same key waits here and then conflicts: one of
            // two simultaneous recordings is new, the other sees it
            let inserted =
                write_center_outcome(&mut tx, (center_id, startup_id), o, Write::Insert).await?;
            let recorded = if inserted == 1 {
                Recorded::New
            } else {
                let stored: (Option<i64>, Option<String>, Option<i64>, Option<String>) = sqlx::query_as(
                    "SELECT amount_minor, currency, count, note FROM center_outcomes
                     WHERE center_id = $1 AND startup_id = $2 AND kind = $3 AND date = $4",
                )
                .bind(center_id)
                .bind(startup_id)
                .bind(o.kind.as_str())
                .bind(o.date.to_string())
                .fetch_one(&mut *tx)
                .await?;
                if stored == figures {
                    return Ok(Recorded::Unchanged);
                }
                if existing == OnExisting::Refuse {
                    return Err(already_recorded(
                        format!("the {} outcome of {} on {}", o.kind.as_str(), o.startup_id, o.date),
                        (stored.0, stored.1.as_deref(), stored.2),
                    ));
                }
                write_center_outcome(&mut tx, (center_id, startup_id), o, Write::Upsert).await?;
                crate::admin::audit(
                    &mut tx,
                    actor,
                    "center.outcome.replace",
                    "center",
                    &o.center,
                    serde_json::json!({"startup": o.startup_id, "kind": o.kind.as_str(),
                        "date": o.date.to_string(), "replaced": {"amount_minor": stored.0,
                        "currency": stored.1, "count": stored.2, "note": stored.3}}),
                )
                .await?;
                Recorded::Replaced
            };
            crate::admin::audit(
                &mut tx,
                actor,
                "center.outcome",
                "center",
                &o.center,
                serde_json::json!({"startup": o.startup_id, "kind": o.kind.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok(recorded)
        })
    }

    pub async fn center_outcomes(self, center: Option<&str>) -> Result<Vec<CenterOutcome>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT c.code AS center, s.ext_id AS startup_id, o.kind, o.date, o.amount_minor, o.currency, o.count, o.note
             FROM center_outcomes o JOIN centers c ON c.id = o.center_id JOIN startups s ON s.id = o.startup_id
             WHERE ($1 IS NULL OR c.code = $2) ORDER BY o.date, o.id",
            )
            .bind(center)
            .bind(center)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let kind: String = r.try_get("kind")?;
                    let d: String = r.try_get("date")?;
                    let minor: Option<i64> = r.try_get("amount_minor")?;
                    let cur: Option<String> = r.try_get("currency")?;
                    let amount = match (minor, cur) {
                        (Some(m), Some(c)) => Some(Money {
                            minor: m,
                            currency: Currency::parse(&c).map_err(|e| corrupt("currency", e))?,
                        }),
                        _ => None,
                    };
                    Ok(CenterOutcome {
                        center: r.try_get("center")?,
                        startup_id: r.try_get("startup_id")?,
                        kind: CenterOutcomeKind::parse(&kind).map_err(|e| corrupt("kind", e))?,
                        date: date(&d).map_err(|e| corrupt("date", e))?,
                        amount,
                        count: r.try_get("count")?,
                        note: r.try_get("note")?,
                    })
                })
                .collect()
        })
    }
}

/// Overseas growth centers, their applications, decisions and outcomes.
#[derive(Clone, Copy)]
pub struct Centers<'a> {
    pub(crate) store: &'a Store,
}

/// Writes a center outcome: only when its key is new (`Insert`), or over the one
/// stored (`Upsert`); the rows written.
async fn write_center_outcome(
    c: &mut impl crate::AsConn,
    (center_id, startup_id): (i64, i64),
    o: &CenterOutcome,
    write: Write,
) -> Result<u64> {
    let on_conflict = match write {
        Write::Insert => "DO NOTHING",
        Write::Upsert => {
            "DO UPDATE SET amount_minor = excluded.amount_minor, currency = excluded.currency,
             count = excluded.count, note = excluded.note"
        }
    };
    let sql = format!(
        "INSERT INTO center_outcomes (center_id, startup_id, kind, date, amount_minor, currency, count, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (center_id, startup_id, kind, date) {on_conflict}"
    );
    crate::with_conn!(c => {
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(center_id)
            .bind(startup_id)
            .bind(o.kind.as_str())
            .bind(o.date.to_string())
            .bind(o.amount.map(|m| m.minor))
            .bind(o.amount.map(|m| m.currency.code()))
            .bind(o.count)
            .bind(&o.note)
            .bind(now_text())
            .execute(&mut *c)
            .await?
            .rows_affected())
    })
}
