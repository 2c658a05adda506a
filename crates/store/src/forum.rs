//! Events and their 1:1 meetings: registrations with capacity and waitlist, each
//! participant's availability, meeting requests and their answers, and the schedule.

use domain::forum::{MeetingRequest, Participant, ScheduleStats};
use domain::{Event, EventKind, FieldError, Registration, RequestStatus};
use sqlx::Row;

use crate::records::date;
use crate::{Result, Store, StoreError, corrupt, now_text};

/// One request's place after a scheduling run (None: not placed).
pub type Placement = (domain::MeetingRequestId, Option<(i32, i32)>);

fn event_from_row(r: &impl crate::Get) -> Result<Event> {
    let kind: String = r.col("kind")?;
    let d: String = r.col("date")?;
    let t: String = r.col("starts_at")?;
    Ok(Event {
        code: r.col("code")?,
        kind: EventKind::parse(&kind).map_err(|e| corrupt("kind", e))?,
        title_ko: r.col("title_ko")?,
        title_en: r.col("title_en")?,
        date: date(&d).map_err(|e| corrupt("date", e))?,
        venue: r.col("venue")?,
        online_url: r.col("online_url")?,
        slots: r.col("slots")?,
        tables: r.col("tables")?,
        capacity: r.col("capacity")?,
        starts_at: chrono::NaiveTime::parse_from_str(&t, "%H:%M")
            .map_err(|e| corrupt("starts_at", e))?,
        slot_minutes: r.col("slot_minutes")?,
    })
}

fn slots_text(slots: &[i32]) -> String {
    slots
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn slots_of(s: &str) -> Vec<i32> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

const REQUEST_SELECT: &str =
    "SELECT r.id, e.code AS event, s.ext_id AS startup_id, s.name AS startup_name,
        n.ext_id AS enterprise_id, n.name AS enterprise_name, r.requested_by, r.status, r.fit,
        r.note, r.slot, r.table_no
     FROM meeting_requests r JOIN events e ON e.id = r.event_id
     JOIN startups s ON s.id = r.startup_id JOIN enterprises n ON n.id = r.enterprise_id";

fn request_from_row(r: &impl crate::Get) -> Result<MeetingRequest> {
    let status: String = r.col("status")?;
    Ok(MeetingRequest {
        id: r.col("id")?,
        event: r.col("event")?,
        startup_id: r.col("startup_id")?,
        startup_name: r.col("startup_name")?,
        enterprise_id: r.col("enterprise_id")?,
        enterprise_name: r.col("enterprise_name")?,
        requested_by: r.col("requested_by")?,
        status: RequestStatus::parse(&status).map_err(|e| corrupt("status", e))?,
        fit: r.col("fit")?,
        note: r.col("note")?,
        slot: r.col("slot")?,
        table: r.col("table_no")?,
    })
}

/// Which organisation a participant is: `("startup", id)` or `("enterprise", id)`.
/// Counts the collisions in an event's stored schedule ($1 = event code): for each
/// startup, enterprise and table, the accepted meetings placed in one slot beyond the
/// first.
const DOUBLE_BOOKINGS: &str = "WITH placed AS (
        SELECT r.startup_id, r.enterprise_id, r.slot, r.table_no
        FROM meeting_requests r JOIN events e ON e.id = r.event_id
        WHERE e.code = $1 AND r.status = 'accepted' AND r.slot IS NOT NULL),
    excess AS (
        SELECT COUNT(*) - 1 AS n FROM placed GROUP BY startup_id, slot HAVING COUNT(*) > 1
        UNION ALL
        SELECT COUNT(*) - 1 FROM placed GROUP BY enterprise_id, slot HAVING COUNT(*) > 1
        UNION ALL
        SELECT COUNT(*) - 1 FROM placed GROUP BY slot, table_no HAVING COUNT(*) > 1)
    SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM excess";

fn org_column(side: &str) -> Result<(&'static str, &'static str)> {
    match side {
        "startup" => Ok(("startup_id", "startups")),
        "enterprise" => Ok(("enterprise_id", "enterprises")),
        other => Err(StoreError::Corrupt(format!("'{other}' is not a side"))),
    }
}

impl crate::forum::Forum<'_> {
    pub async fn upsert_event(self, e: &Event) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "INSERT INTO events (code, kind, title_ko, title_en, date, venue, online_url, slots, tables, capacity, starts_at, slot_minutes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, title_ko = excluded.title_ko,
                title_en = excluded.title_en, date = excluded.date, venue = excluded.venue,
                online_url = excluded.online_url, slots = excluded.slots, tables = excluded.tables,
                capacity = excluded.capacity, starts_at = excluded.starts_at,
                slot_minutes = excluded.slot_minutes",
            )
            .bind(&e.code)
            .bind(e.kind.as_str())
            .bind(&e.title_ko)
            .bind(&e.title_en)
            .bind(e.date.to_string())
            .bind(&e.venue)
            .bind(&e.online_url)
            .bind(e.slots)
            .bind(e.tables)
            .bind(e.capacity)
            .bind(e.starts_at.format("%H:%M").to_string())
            .bind(e.slot_minutes)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    pub async fn events(self) -> Result<Vec<Event>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM events ORDER BY date, id")
                .fetch_all(pool)
                .await?;
            rows.iter().map(event_from_row).collect()
        })
    }

    pub async fn event(self, code: &str) -> Result<Option<Event>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query("SELECT * FROM events WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(event_from_row).transpose()
        })
    }

    /// Registers a startup or an enterprise (`side`) for an event: registered while
    /// there is room, waitlisted after. Registering again changes nothing.
    pub async fn register(self, event: &str, side: &str, org: &str) -> Result<Registration> {
        crate::with_pool!(self.store, pool => {
            let (col, table) = org_column(side)?;
            let mut tx = crate::Begin::begin_write(pool).await?;
            let ev: Option<(i64, i32)> =
                sqlx::query_as("SELECT id, capacity FROM events WHERE code = $1")
                    .bind(event)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((event_id, capacity)) = ev else {
                return Err(StoreError::NotFound(format!("no event '{event}'")));
            };
            let capacity = i64::from(capacity);
            let org_id: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT id FROM {table} WHERE ext_id = $1"
            )))
            .bind(org)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((org_id,)) = org_id else {
                return Err(StoreError::NotFound(format!("no {side} '{org}'")));
            };
            let existing: Option<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT status FROM event_participants WHERE event_id = $1 AND {col} = $2"
            )))
            .bind(event_id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((st,)) = &existing
                && st != "cancelled"
            {
                return Registration::parse(st).map_err(|e| corrupt("status", e));
            }
            let (taken,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM event_participants WHERE event_id = $1 AND status = 'registered'",
            )
            .bind(event_id)
            .fetch_one(&mut *tx)
            .await?;
            let status = if capacity > 0 && taken >= capacity {
                Registration::Waitlisted
            } else {
                Registration::Registered
            };
            if existing.is_some() {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE event_participants SET status = $1, registered_at = $2 WHERE event_id = $3 AND {col} = $4"
                )))
                .bind(status.as_str())
                .bind(now_text())
                .bind(event_id)
                .bind(org_id)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO event_participants (event_id, {col}, status, registered_at) VALUES ($1, $2, $3, $4)"
                )))
                .bind(event_id)
                .bind(org_id)
                .bind(status.as_str())
                .bind(now_text())
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(status)
        })
    }

    /// Cancels a registration; the longest-waiting participant takes the freed place,
    /// and the organisation's open and accepted meeting requests at the event are
    /// withdrawn (nobody can meet a participant who is not coming). Answers the
    /// requests so withdrawn, as they stood before.
    pub async fn cancel_registration(
        self,
        event: &str,
        side: &str,
        org: &str,
        actor: &str,
    ) -> Result<Vec<MeetingRequest>> {
        let open = self
            .store
            .forum()
            .meeting_requests(event, Some((side, org)))
            .await?
            .into_iter()
            .filter(|r| matches!(r.status, RequestStatus::Requested | RequestStatus::Accepted))
            .collect::<Vec<_>>();
        crate::with_pool!(self.store, pool => {
            let (col, table) = org_column(side)?;
            let mut tx = crate::Begin::begin_write(pool).await?;
            let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE event_participants SET status = 'cancelled'
             WHERE event_id = (SELECT id FROM events WHERE code = $1)
               AND {col} = (SELECT id FROM {table} WHERE ext_id = $2) AND status = 'registered'"
            )))
            .bind(event)
            .bind(org)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                sqlx::query(
                    "UPDATE event_participants SET status = 'registered'
                 WHERE (event_id, COALESCE(startup_id, 0), COALESCE(enterprise_id, 0)) = (
                    SELECT p.event_id, COALESCE(p.startup_id, 0), COALESCE(p.enterprise_id, 0)
                    FROM event_participants p JOIN events e ON e.id = p.event_id
                    WHERE e.code = $1 AND p.status = 'waitlisted'
                    ORDER BY p.registered_at, COALESCE(p.startup_id, 0), COALESCE(p.enterprise_id, 0) LIMIT 1)",
                )
                .bind(event)
                .execute(&mut *tx)
                .await?;
                let mut withdrawn = Vec::with_capacity(open.len());
                for r in open {
                    let done = sqlx::query(
                        "UPDATE meeting_requests SET status = 'withdrawn', slot = NULL, table_no = NULL,
                            updated_at = $1
                         WHERE id = $2 AND status IN ('requested', 'accepted')",
                    )
                    .bind(now_text())
                    .bind(r.id)
                    .execute(&mut *tx)
                    .await?;
                    if done.rows_affected() > 0 {
                        withdrawn.push(r);
                    }
                }
                crate::admin::audit(
                    &mut tx,
                    actor,
                    "event.cancel",
                    "event",
                    event,
                    serde_json::json!({"side": side, "id": org, "requests_withdrawn": withdrawn.len()}),
                )
                .await?;
                tx.commit().await?;
                return Ok(withdrawn);
            }
            tx.commit().await?;
            Ok(Vec::new())
        })
    }

    pub async fn participants(self, event: &str) -> Result<Vec<Participant>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT CASE WHEN p.startup_id IS NULL THEN 'enterprise' ELSE 'startup' END AS side,
                    COALESCE(s.ext_id, n.ext_id) AS id, COALESCE(s.name, n.name) AS name,
                    COALESCE(s.industries, n.industries) AS industries, p.status, p.unavailable
             FROM event_participants p JOIN events e ON e.id = p.event_id
             LEFT JOIN startups s ON s.id = p.startup_id
             LEFT JOIN enterprises n ON n.id = p.enterprise_id
             WHERE e.code = $1 ORDER BY side DESC, name",
            )
            .bind(event)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let st: String = r.try_get("status")?;
                    let ind: String = r.try_get("industries")?;
                    let un: String = r.try_get("unavailable")?;
                    Ok(Participant {
                        side: r.try_get("side")?,
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        industries: domain::text::split_list(&ind),
                        status: Registration::parse(&st).map_err(|e| corrupt("status", e))?,
                        unavailable: slots_of(&un),
                    })
                })
                .collect()
        })
    }

    /// Sets the slots a registered participant cannot make.
    pub async fn set_unavailable(
        self,
        event: &str,
        side: &str,
        org: &str,
        slots: &[i32],
    ) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let (col, table) = org_column(side)?;
            let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE event_participants SET unavailable = $1
             WHERE event_id = (SELECT id FROM events WHERE code = $2)
               AND {col} = (SELECT id FROM {table} WHERE ext_id = $3)"
            )))
            .bind(slots_text(slots))
            .bind(event)
            .bind(org)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    /// Asks for a 1:1 meeting; both sides must be registered (not waitlisted).
    pub async fn request_meeting(
        self,
        event: &str,
        startup: &str,
        enterprise: &str,
        by: &str,
        fit: f64,
        note: Option<&str>,
    ) -> Result<domain::MeetingRequestId> {
        crate::with_pool!(self.store, pool => {
            org_column(by)?;
            let mut tx = crate::Begin::begin_write(pool).await?;
            let (registered,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM event_participants p JOIN events e ON e.id = p.event_id
             LEFT JOIN startups s ON s.id = p.startup_id LEFT JOIN enterprises n ON n.id = p.enterprise_id
             WHERE e.code = $1 AND p.status = 'registered' AND (s.ext_id = $2 OR n.ext_id = $3)",
            )
            .bind(event)
            .bind(startup)
            .bind(enterprise)
            .fetch_one(&mut *tx)
            .await?;
            if registered < 2 {
                return Err(StoreError::Refused(FieldError::new(
                    "with",
                    "both sides must be registered for the event (not waitlisted) to meet",
                )));
            }
            let now = now_text();
            let done = sqlx::query(
                "INSERT INTO meeting_requests (event_id, startup_id, enterprise_id, requested_by, fit, note, created_at, updated_at)
             SELECT e.id, s.id, n.id, $1, $2, $3, $4, $5 FROM events e, startups s, enterprises n
             WHERE e.code = $6 AND s.ext_id = $7 AND n.ext_id = $8
             ON CONFLICT (event_id, startup_id, enterprise_id) DO UPDATE
                SET status = 'requested', requested_by = excluded.requested_by, note = excluded.note,
                    updated_at = excluded.updated_at
                WHERE meeting_requests.status IN ('withdrawn', 'declined')
             RETURNING id",
            )
            .bind(by)
            .bind(fit)
            .bind(note)
            .bind(&now)
            .bind(&now)
            .bind(event)
            .bind(startup)
            .bind(enterprise)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = done else {
                return Err(StoreError::Refused(FieldError::new(
                    "with",
                    "this pair has already asked to meet at this event",
                )));
            };
            let id: domain::MeetingRequestId = row.try_get("id")?;
            crate::admin::audit(
                &mut tx,
                by,
                "meeting.request",
                "event",
                event,
                serde_json::json!({"startup": startup, "enterprise": enterprise}),
            )
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn meeting_request(
        self,
        id: domain::MeetingRequestId,
    ) -> Result<Option<MeetingRequest>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{REQUEST_SELECT} WHERE r.id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?;
            row.as_ref().map(request_from_row).transpose()
        })
    }

    /// An event's requests, narrowed to one organisation's when `org` is given.
    pub async fn meeting_requests(
        self,
        event: &str,
        org: Option<(&str, &str)>,
    ) -> Result<Vec<MeetingRequest>> {
        crate::with_pool!(self.store, pool => {
            let (filter, id) = match org {
                Some(("startup", id)) => ("AND s.ext_id = $2", id),
                Some((_, id)) => ("AND n.ext_id = $2", id),
                None => ("AND CAST($2 AS TEXT) IS NULL", ""),
            };
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "{REQUEST_SELECT} WHERE e.code = $1 {filter} ORDER BY r.slot IS NULL, r.slot, r.table_no, r.id"
            )))
            .bind(event)
            .bind(if org.is_some() { Some(id) } else { None })
            .fetch_all(pool)
            .await?;
            rows.iter().map(request_from_row).collect()
        })
    }

    /// Moves a request to `to` (answers and withdrawals); a request leaving `accepted`
    /// loses its place in the schedule.
    pub async fn set_request_status(
        self,
        id: domain::MeetingRequestId,
        to: RequestStatus,
        actor: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            sqlx::query(
                "UPDATE meeting_requests SET status = $1, updated_at = $2,
                slot = CASE WHEN $3 = 'accepted' THEN slot END,
                table_no = CASE WHEN $4 = 'accepted' THEN table_no END
             WHERE id = $5",
            )
            .bind(to.as_str())
            .bind(now_text())
            .bind(to.as_str())
            .bind(to.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "meeting.answer",
                "meeting_request",
                &id.to_string(),
                serde_json::json!({"status": to.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Writes a scheduling run's places and figures at once. `double_booked` is not
    /// taken from the caller: it is counted in the stored schedule after the places are
    /// written (see [`DOUBLE_BOOKINGS`]), and the figures saved are answered.
    pub async fn save_schedule(
        self,
        event: &str,
        places: &[Placement],
        stats: &ScheduleStats,
        actor: &str,
    ) -> Result<ScheduleStats> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            for (id, place) in places {
                sqlx::query("UPDATE meeting_requests SET slot = $1, table_no = $2 WHERE id = $3")
                    .bind(place.map(|p| p.0))
                    .bind(place.map(|p| p.1))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            let (conflicts,): (i64,) = sqlx::query_as(DOUBLE_BOOKINGS)
                .bind(event)
                .fetch_one(&mut *tx)
                .await?;
            let stats = &ScheduleStats {
                double_booked: usize::try_from(conflicts).unwrap_or(0),
                ..stats.clone()
            };
            let stats_json = serde_json::to_string(stats).map_err(|e| corrupt("stats", e))?;
            sqlx::query("UPDATE events SET scheduled_at = $1, schedule_stats = $2 WHERE code = $3")
                .bind(now_text())
                .bind(&stats_json)
                .bind(event)
                .execute(&mut *tx)
                .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "event.schedule",
                "event",
                event,
                serde_json::to_value(stats).unwrap_or_default(),
            )
            .await?;
            tx.commit().await?;
            Ok(stats.clone())
        })
    }

    /// The last scheduling run's figures, if the event has been scheduled.
    pub async fn schedule_stats(self, event: &str) -> Result<Option<ScheduleStats>> {
        crate::with_pool!(self.store, pool => {
            let row: Option<(Option<String>, String)> =
                sqlx::query_as("SELECT scheduled_at, schedule_stats FROM events WHERE code = $1")
                    .bind(event)
                    .fetch_optional(pool)
                    .await?;
            match row {
                Some((Some(_), s)) => Ok(Some(
                    serde_json::from_str(&s).map_err(|e| corrupt("schedule_stats", e))?,
                )),
                _ => Ok(None),
            }
        })
    }

    /// Writes many answered requests at once (the demo's generated program).
    pub async fn seed_meeting_requests(
        self,
        rows: &[(&str, &str, &str, &str, RequestStatus, f64)],
        actor: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let now = now_text();
            for (event, startup, enterprise, by, status, fit) in rows {
                sqlx::query(
                    "INSERT INTO meeting_requests (event_id, startup_id, enterprise_id, requested_by, status, fit, created_at, updated_at)
                 SELECT e.id, s.id, n.id, $1, $2, $3, $4, $5 FROM events e, startups s, enterprises n
                 WHERE e.code = $6 AND s.ext_id = $7 AND n.ext_id = $8 ON CONFLICT DO NOTHING",
                )
                .bind(by)
                .bind(status.as_str())
                .bind(fit)
                .bind(&now)
                .bind(&now)
                .bind(event)
                .bind(startup)
                .bind(enterprise)
                .execute(&mut *tx)
                .await?;
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "meeting.seed",
                "event",
                "*",
                serde_json::json!({"requests": rows.len()}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

/// Forum events: registrations, availability, meeting requests and the saved schedule.
#[derive(Clone, Copy)]
pub struct Forum<'a> {
    pub(crate) store: &'a Store,
}
