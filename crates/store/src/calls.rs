//! Open calls and their selection: calls with their forms, rubrics and stages;
//! applications with answers and attachments; evaluators, their conflicts and reviews;
//! stage decisions; and the in-app inbox (its mail queued in `mail`). Users are named by
//! e-mail, organisations by external id.

use std::collections::{BTreeMap, HashSet};

use domain::screening::{Call, CallApplication, Notification, Review};
use domain::{CallApplicationStatus, Track};
use sqlx::Row;

use crate::{Result, Store, StoreError, corrupt, now_text};

const CALL_SELECT: &str = "SELECT c.*, n.ext_id AS need_ext, e.ext_id AS enterprise_ext,
        (SELECT string_agg(x.ext_id, '|') FROM call_enterprises ce JOIN enterprises x ON x.id = ce.enterprise_id
         WHERE ce.call_id = c.id) AS for_enterprises
     FROM calls c LEFT JOIN needs n ON n.id = c.need_id LEFT JOIN enterprises e ON e.id = c.enterprise_id";

fn json<T: serde::de::DeserializeOwned>(r: &impl crate::Get, col: &str) -> Result<T> {
    let s: String = r.col(col)?;
    serde_json::from_str(&s).map_err(|e| corrupt(col, e))
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serializes")
}

fn call_from_row(r: &impl crate::Get) -> Result<Call> {
    let track: String = r.col("track")?;
    let deadline: String = r.col("deadline")?;
    let stage: i64 = r.col("stage")?;
    let open: i64 = r.col("stage_open")?;
    let per: i64 = r.col("reviews_per_application")?;
    let for_enterprises: Option<String> = r.col("for_enterprises")?;
    Ok(Call {
        code: r.col("code")?,
        track: Track::parse(&track).map_err(|e| corrupt("track", e))?,
        need_id: r.col("need_ext")?,
        enterprise_id: r.col("enterprise_ext")?,
        enterprises: domain::text::split_list(&for_enterprises.unwrap_or_default()),
        title: r.col("title")?,
        description: r.col("description")?,
        deadline: chrono::DateTime::parse_from_rfc3339(&deadline)
            .map_err(|e| corrupt("deadline", e))?
            .to_utc(),
        questions: json(r, "questions")?,
        attachments: json(r, "attachments")?,
        rubric: json(r, "rubric")?,
        stages: json(r, "stages")?,
        stage: stage as usize,
        stage_open: open != 0,
        reviews_per_application: per as usize,
    })
}

const APPLICATION_SELECT: &str =
    "SELECT a.*, c.code AS call_code, s.ext_id AS startup_ext, s.name AS startup_name,
        (SELECT string_agg(t.key, '|') FROM attachments t WHERE t.application_id = a.id) AS attached
     FROM applications a JOIN calls c ON c.id = a.call_id JOIN startups s ON s.id = a.startup_id";

fn application_from_row(r: &impl crate::Get) -> Result<CallApplication> {
    let status: String = r.col("status")?;
    let stage: i64 = r.col("stage")?;
    let attached: Option<String> = r.col("attached")?;
    Ok(CallApplication {
        id: r.col("id")?,
        call: r.col("call_code")?,
        startup_id: r.col("startup_ext")?,
        startup_name: r.col("startup_name")?,
        status: CallApplicationStatus::parse(&status).map_err(|e| corrupt("status", e))?,
        stage: stage as usize,
        answers: json(r, "answers")?,
        submitted_at: r.col("submitted_at")?,
        attached: domain::text::split_list(&attached.unwrap_or_default()),
    })
}

const REVIEW_SELECT: &str = "SELECT r.*, u.email FROM reviews r JOIN users u ON u.id = r.user_id";

fn review_from_row(r: &impl crate::Get) -> Result<Review> {
    let stage: i64 = r.col("stage")?;
    let scores: Option<String> = r.col("scores")?;
    Ok(Review {
        id: r.col("id")?,
        application: r.col("application_id")?,
        stage: stage as usize,
        evaluator: r.col("email")?,
        scores: scores
            .map(|s| serde_json::from_str(&s).map_err(|e| corrupt("scores", e)))
            .transpose()?,
        weighted: r.col("weighted")?,
        comment: r.col("comment")?,
        submitted_at: r.col("submitted_at")?,
    })
}

fn sql(s: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(s)
}

impl crate::calls::Calls<'_> {
    /// Creates or updates a call (by code) with the enterprises it is run for.
    pub async fn save_call(self, c: &Call, actor: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let id: i64 = sqlx::query(
                "INSERT INTO calls (code, track, need_id, enterprise_id, title, description, deadline, questions,
                attachments, rubric, stages, stage, stage_open, reviews_per_application, created_by, created_at)
             VALUES ($1, $2, (SELECT id FROM needs WHERE ext_id = $3), (SELECT id FROM enterprises WHERE ext_id = $4),
                $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
             ON CONFLICT (code) DO UPDATE SET track = excluded.track, need_id = excluded.need_id,
                enterprise_id = excluded.enterprise_id, title = excluded.title, description = excluded.description,
                deadline = excluded.deadline, questions = excluded.questions, attachments = excluded.attachments,
                rubric = excluded.rubric, stages = excluded.stages,
                reviews_per_application = excluded.reviews_per_application
             RETURNING id",
            )
            .bind(&c.code)
            .bind(c.track.as_str())
            .bind(&c.need_id)
            .bind(&c.enterprise_id)
            .bind(&c.title)
            .bind(&c.description)
            .bind(c.deadline.to_rfc3339())
            .bind(to_json(&c.questions))
            .bind(to_json(&c.attachments))
            .bind(to_json(&c.rubric))
            .bind(to_json(&c.stages))
            .bind(c.stage as i64)
            .bind(i64::from(c.stage_open))
            .bind(c.reviews_per_application as i64)
            .bind(actor)
            .bind(now_text())
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            sqlx::query("DELETE FROM call_enterprises WHERE call_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for e in &c.enterprises {
                sqlx::query(
                    "INSERT INTO call_enterprises (call_id, enterprise_id)
                     SELECT $1, id FROM enterprises WHERE ext_id = $2 ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(e)
                .execute(&mut *tx)
                .await?;
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "call.save",
                "call",
                &c.code,
                serde_json::json!({"track": c.track.as_str()}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn call(self, code: &str) -> Result<Option<Call>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(sql(format!("{CALL_SELECT} WHERE c.code = $1")))
                .bind(code)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(call_from_row).transpose()
        })
    }

    /// Every call, newest deadline first.
    pub async fn all(self) -> Result<Vec<Call>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(sql(format!(
                "{CALL_SELECT} ORDER BY c.deadline DESC, c.id DESC"
            )))
            .fetch_all(pool)
            .await?;
            rows.iter().map(call_from_row).collect()
        })
    }

    /// Saves a startup's application (a draft, or submitted) with its answers; a
    /// withdrawn or undecided one may be saved again.
    pub async fn save_application(
        self,
        call: &str,
        startup: &str,
        answers: &BTreeMap<String, String>,
        status: CallApplicationStatus,
    ) -> Result<domain::ApplicationId> {
        crate::with_pool!(self.store, pool => {
            let now = now_text();
            let row = sqlx::query(
                "INSERT INTO applications (call_id, startup_id, status, answers, submitted_at, updated_at)
             SELECT c.id, s.id, $1, $2, CASE WHEN $3 = 'submitted' THEN $4 END, $5 FROM calls c, startups s
             WHERE c.code = $6 AND s.ext_id = $7
             ON CONFLICT (call_id, startup_id) DO UPDATE SET status = excluded.status, answers = excluded.answers,
                submitted_at = COALESCE(excluded.submitted_at, applications.submitted_at), updated_at = excluded.updated_at
                WHERE applications.status IN ('draft', 'submitted', 'withdrawn') AND applications.stage = 0
             RETURNING id",
            )
            .bind(status.as_str())
            .bind(to_json(answers))
            .bind(status.as_str())
            .bind(&now)
            .bind(&now)
            .bind(call)
            .bind(startup)
            .fetch_optional(pool)
            .await?;
            match row {
                Some(r) => Ok(r.try_get("id")?),
                None => Err(StoreError::Conflict(
                    "the application is already being screened and can no longer be changed".into(),
                )),
            }
        })
    }

    pub async fn set_application_status(
        self,
        id: domain::ApplicationId,
        status: CallApplicationStatus,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query("UPDATE applications SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(status.as_str())
                .bind(now_text())
                .bind(id)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    pub async fn call_application(
        self,
        id: domain::ApplicationId,
    ) -> Result<Option<CallApplication>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(sql(format!("{APPLICATION_SELECT} WHERE a.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(application_from_row).transpose()
        })
    }

    /// A call's applications (or a startup's across calls), oldest first.
    pub async fn call_applications(
        self,
        call: Option<&str>,
        startup: Option<&str>,
    ) -> Result<Vec<CallApplication>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(sql(format!(
                "{APPLICATION_SELECT} WHERE ($1 IS NULL OR c.code = $2) AND ($3 IS NULL OR s.ext_id = $4) ORDER BY a.id"
            )))
            .bind(call)
            .bind(call)
            .bind(startup)
            .bind(startup)
            .fetch_all(pool)
            .await?;
            rows.iter().map(application_from_row).collect()
        })
    }

    /// Stores an attachment (replacing one with the same key).
    pub async fn put_attachment(
        self,
        application: domain::ApplicationId,
        key: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "INSERT INTO attachments (application_id, key, file_name, content_type, size, sha256, data, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (application_id, key) DO UPDATE SET file_name = excluded.file_name,
                content_type = excluded.content_type, size = excluded.size, sha256 = excluded.sha256,
                data = excluded.data, created_at = excluded.created_at",
            )
            .bind(application)
            .bind(key)
            .bind(file_name)
            .bind(content_type)
            .bind(bytes.len() as i64)
            .bind(sha256)
            .bind(bytes)
            .bind(now_text())
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// An attachment's file name, media type and bytes.
    pub async fn attachment(
        self,
        application: domain::ApplicationId,
        key: &str,
    ) -> Result<Option<(String, String, Vec<u8>)>> {
        crate::with_pool!(self.store, pool => {
            let row: Option<(String, String, Vec<u8>)> = sqlx::query_as(
                "SELECT file_name, content_type, data FROM attachments WHERE application_id = $1 AND key = $2",
            )
            .bind(application)
            .bind(key)
            .fetch_optional(pool)
            .await?;
            Ok(row)
        })
    }

    pub async fn add_call_evaluator(self, call: &str, email: &str) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let done = sqlx::query(
                "INSERT INTO call_evaluators (call_id, user_id)
                 SELECT c.id, u.id FROM calls c, users u WHERE c.code = $1 AND u.email = $2 ON CONFLICT DO NOTHING",
            )
            .bind(call)
            .bind(email)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    pub async fn call_evaluators(self, call: &str) -> Result<Vec<String>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String,)> = sqlx::query_as(
                "SELECT u.email FROM call_evaluators ce JOIN users u ON u.id = ce.user_id
                 JOIN calls c ON c.id = ce.call_id WHERE c.code = $1 ORDER BY u.email",
            )
            .bind(call)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        })
    }

    pub async fn declare_conflict(
        self,
        email: &str,
        startup: &str,
        reason: Option<&str>,
    ) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let done = sqlx::query(
                "INSERT INTO evaluator_conflicts (user_id, startup_id, reason, declared_at)
                 SELECT u.id, s.id, $1, $2 FROM users u, startups s WHERE u.email = $3 AND s.ext_id = $4 ON CONFLICT DO NOTHING",
            )
            .bind(reason)
            .bind(now_text())
            .bind(email)
            .bind(startup)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    /// (evaluator e-mail, startup id) conflicts.
    pub async fn conflicts(self) -> Result<HashSet<(String, String)>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT u.email, s.ext_id FROM evaluator_conflicts x JOIN users u ON u.id = x.user_id
                 JOIN startups s ON s.id = x.startup_id",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().collect())
        })
    }

    /// Assigns reviews (evaluator e-mail, application) in a stage; existing ones stay.
    pub async fn assign_reviews(
        self,
        stage: usize,
        pairs: &[(String, domain::ApplicationId)],
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            for (email, app) in pairs {
                sqlx::query(
                    "INSERT INTO reviews (application_id, stage, user_id)
                     SELECT $1, $2, id FROM users WHERE email = $3 ON CONFLICT DO NOTHING",
                )
                .bind(app)
                .bind(stage as i64)
                .bind(email)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A call's reviews in a stage (all of them; the app decides who sees what).
    pub async fn stage_reviews(self, call: &str, stage: usize) -> Result<Vec<Review>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(sql(format!(
                "{REVIEW_SELECT} JOIN applications a ON a.id = r.application_id JOIN calls c ON c.id = a.call_id
                 WHERE c.code = $1 AND r.stage = $2 ORDER BY r.application_id, r.id"
            )))
            .bind(call)
            .bind(stage as i64)
            .fetch_all(pool)
            .await?;
            rows.iter().map(review_from_row).collect()
        })
    }

    pub async fn review(self, id: domain::ReviewId) -> Result<Option<Review>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(sql(format!("{REVIEW_SELECT} WHERE r.id = $1")))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(review_from_row).transpose()
        })
    }

    pub async fn submit_review(
        self,
        id: domain::ReviewId,
        scores: &BTreeMap<String, u32>,
        weighted: f64,
        comment: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            sqlx::query("UPDATE reviews SET scores = $1, weighted = $2, comment = $3, submitted_at = $4 WHERE id = $5")
                .bind(to_json(scores))
                .bind(weighted)
                .bind(comment)
                .bind(now_text())
                .bind(id)
                .execute(&mut *tx)
                .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "review.submit",
                "review",
                &id.to_string(),
                serde_json::json!({"weighted": weighted}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Closes or opens a call's current stage for scoring.
    pub async fn set_stage_open(self, call: &str, open: bool) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query("UPDATE calls SET stage_open = $1 WHERE code = $2")
                .bind(i64::from(open))
                .bind(call)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Records the organiser's decisions on a closed stage and moves the call on, all
    /// at once: advanced applications reach the next stage (or are selected after the
    /// last), the others are not advanced.
    pub async fn decide_stage(
        self,
        call: &str,
        stage: usize,
        decisions: &[(domain::ApplicationId, bool, Option<String>)],
        last: bool,
        actor: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let now = now_text();
            for (app, advanced, reason) in decisions {
                sqlx::query(
                    "INSERT INTO stage_decisions (application_id, stage, advanced, override_reason, by_user, at)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(app)
                .bind(stage as i64)
                .bind(i64::from(*advanced))
                .bind(reason)
                .bind(actor)
                .bind(&now)
                .execute(&mut *tx)
                .await?;
                let (status, next) = match (advanced, last) {
                    (true, true) => ("selected", stage),
                    (true, false) => ("submitted", stage + 1),
                    (false, _) => ("not-advanced", stage),
                };
                sqlx::query(
                    "UPDATE applications SET status = $1, stage = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(status)
                .bind(next as i64)
                .bind(&now)
                .bind(app)
                .execute(&mut *tx)
                .await?;
            }
            if !last {
                sqlx::query("UPDATE calls SET stage = $1, stage_open = 1 WHERE code = $2")
                    .bind(stage as i64 + 1)
                    .bind(call)
                    .execute(&mut *tx)
                    .await?;
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "call.decide",
                "call",
                call,
                serde_json::json!({"stage": stage, "decisions": decisions.len()}),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// A match born of a call (an application selected, or a proposal routed to a
    /// need): origin `application`, the call's track, `status` as the decision left it.
    /// An existing match of the pair is left as it is. Answers whether one was made.
    pub async fn create_call_match(
        self,
        startup: &str,
        need: &str,
        track: Track,
        status: domain::MatchStatus,
        actor: &str,
    ) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let now = now_text();
            let today = chrono::Utc::now().date_naive().to_string();
            let id: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO matches (startup_id, need_id, score, reasons, origin, status, accepted_on, created_at, updated_at, track)
             SELECT s.id, n.id, 0, '[]', 'application', $1, CASE WHEN $2 = 'accepted' THEN $3 END, $4, $5, $6
             FROM startups s, needs n WHERE s.ext_id = $7 AND n.ext_id = $8
             ON CONFLICT (startup_id, need_id) DO NOTHING
             RETURNING id",
            )
            .bind(status.as_str())
            .bind(status.as_str())
            .bind(&today)
            .bind(&now)
            .bind(&now)
            .bind(track.as_str())
            .bind(startup)
            .bind(need)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = id else {
                return Ok(false);
            };
            sqlx::query(
                "INSERT INTO match_history (match_id, from_status, to_status, at, by_user, side, note)
                 VALUES ($1, 'proposed', $2, $3, $4, 'enterprise', $5)",
            )
            .bind(id)
            .bind(status.as_str())
            .bind(&now)
            .bind(actor)
            .bind(format!("from a {} call", track.as_str()))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// A call's stage decisions: (application, stage, advanced, override reason, by,
    /// at), in stage and application order.
    pub async fn stage_decisions(
        self,
        call: &str,
    ) -> Result<
        Vec<(
            domain::ApplicationId,
            i64,
            bool,
            Option<String>,
            String,
            String,
        )>,
    > {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(domain::ApplicationId, i64, i64, Option<String>, String, String)> = sqlx::query_as(
                "SELECT d.application_id, d.stage, d.advanced, d.override_reason, d.by_user, d.at
             FROM stage_decisions d JOIN applications a ON a.id = d.application_id JOIN calls c ON c.id = a.call_id
             WHERE c.code = $1 ORDER BY d.stage, d.application_id",
            )
            .bind(call)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(a, stage, advanced, why, by, at)| (a, stage, advanced != 0, why, by, at))
                .collect())
        })
    }
}

impl crate::inbox::Inbox<'_> {
    /// Puts a message in a user's inbox (and in the mail outbox when `mail` is given as
    /// (subject, body)).
    pub async fn notify(
        self,
        email: &str,
        kind: &str,
        text: (&str, &str),
        link: Option<&str>,
        mail: Option<(&str, &str)>,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let now = now_text();
            sqlx::query(
                "INSERT INTO notifications (user_id, kind, text_ko, text_en, link, created_at)
                 SELECT id, $1, $2, $3, $4, $5 FROM users WHERE email = $6",
            )
            .bind(kind)
            .bind(text.0)
            .bind(text.1)
            .bind(link)
            .bind(&now)
            .bind(email)
            .execute(&mut *tx)
            .await?;
            if let Some(mail) = mail {
                crate::mail::queue_mail(&mut tx, email, mail, &now).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A user's newest messages.
    pub async fn messages(self, email: &str, limit: i64) -> Result<Vec<Notification>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT n.* FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.email = $1
                 ORDER BY n.id DESC LIMIT $2",
            )
            .bind(email)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let read: Option<String> = r.try_get("read_at")?;
                    Ok(Notification {
                        id: r.try_get("id")?,
                        kind: r.try_get("kind")?,
                        text_ko: r.try_get("text_ko")?,
                        text_en: r.try_get("text_en")?,
                        link: r.try_get("link")?,
                        created_at: r.try_get("created_at")?,
                        read: read.is_some(),
                    })
                })
                .collect()
        })
    }

    pub async fn mark_read(self, email: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE read_at IS NULL
                   AND user_id = (SELECT id FROM users WHERE email = $2)",
            )
            .bind(now_text())
            .bind(email)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The e-mails of an organisation's members (`startup` or `enterprise`).
    pub async fn members_of(self, side: &str, org: &str) -> Result<Vec<String>> {
        crate::with_pool!(self.store, pool => {
            let q = match side {
                "startup" => {
                    "SELECT u.email FROM users u JOIN startups s ON s.id = u.startup_id WHERE s.ext_id = $1"
                }
                _ => {
                    "SELECT u.email FROM users u JOIN enterprises e ON e.id = u.enterprise_id WHERE e.ext_id = $1"
                }
            };
            let rows: Vec<(String,)> = sqlx::query_as(q).bind(org).fetch_all(pool).await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        })
    }
}

/// Open calls: applications and attachments, evaluators, conflicts, reviews and stage decisions.
#[derive(Clone, Copy)]
pub struct Calls<'a> {
    pub(crate) store: &'a Store,
}
