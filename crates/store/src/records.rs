//! Startups, enterprises, needs and outcomes: batch upserts by external id (one
//! transaction a batch) and reading them back as domain entities.

use chrono::NaiveDate;
use domain::inputs::RecordInput;
use domain::records::RecordKind;
use domain::{
    BusinessRegNo, CollaborationType, Currency, Enterprise, FieldError, Money, Need, OnExisting,
    Outcome, OutcomeKind, Recorded, SizeClass, Stage, Startup, Visibility,
};

use crate::{Result, Store, StoreError, codes, corrupt, list, now_text};

/// One record of an import batch, with its row number in the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Startup(Startup),
    Enterprise(Enterprise),
    Need(Need),
    Outcome(Outcome),
}

impl Record {
    /// The record an input gives, or every field that is wrong.
    pub fn read(input: &RecordInput) -> std::result::Result<Record, Vec<FieldError>> {
        match input {
            RecordInput::Startup(s) => s.parse().map(Record::Startup),
            RecordInput::Enterprise(e) => e.parse().map(Record::Enterprise),
            RecordInput::Need(n) => n.parse().map(Record::Need),
            RecordInput::Outcome(o) => o.parse().map(Record::Outcome),
        }
    }

    /// A stored record as an input with every field sent, to lay a partial input over.
    pub fn as_input(&self) -> RecordInput {
        match self {
            Record::Startup(s) => RecordInput::of_startup(s),
            Record::Enterprise(e) => RecordInput::of_enterprise(e),
            Record::Need(n) => RecordInput::of_need(n),
            Record::Outcome(o) => RecordInput::of_outcome(o),
        }
    }

    fn kind(&self) -> RecordKind {
        match self {
            Record::Startup(_) => RecordKind::Startups,
            Record::Enterprise(_) => RecordKind::Enterprises,
            Record::Need(_) => RecordKind::Needs,
            Record::Outcome(_) => RecordKind::Outcomes,
        }
    }
}

/// One row of an import: a whole record, or what a file gives for the record with its
/// id, laid over the stored record inside the batch's transaction so that a column
/// the file leaves out keeps the stored value (a file without `visibility` never
/// makes a confidential need public).
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Whole(Record),
    Over(RecordInput),
}

impl From<Record> for Incoming {
    fn from(record: Record) -> Self {
        Incoming::Whole(record)
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BatchResult {
    pub inserted: u64,
    pub updated: u64,
    /// Rows the database refused (a reference to nothing, an unknown need).
    pub rejected: Vec<(u64, FieldError)>,
    /// Rows taken with a remark: a registration number that names another record
    /// (the row updated that record), likely duplicates flagged for review.
    pub notices: Vec<(u64, FieldError)>,
}

/// Whether a row may replace the record with its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    Upsert,
    /// Only a new record: a row whose id exists is left out (written stays 0).
    Insert,
}

/// How one row went.
pub(crate) enum RowOutcome {
    /// Written; for a startup or an enterprise, the id of the record written (checked
    /// for likely duplicates), with remarks.
    Written(Option<String>, Vec<FieldError>),
    Refused(FieldError),
    /// Not written: a record with its id exists and the write may only insert.
    Kept,
    /// Not written, with the reason why (a startup merged away).
    Skipped(FieldError),
}

fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Startups => "startups",
        RecordKind::Enterprises => "enterprises",
        RecordKind::Needs => "needs",
        RecordKind::Outcomes => "outcomes",
    }
}

async fn count(conn: &mut impl crate::AsConn, kind: RecordKind) -> Result<u64> {
    crate::with_conn!(conn => {
        let sql = format!("SELECT COUNT(*) FROM {}", table(kind));
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await?;
        Ok(n as u64)
    })
}

impl Store {
    /// Writes a batch as [`Store::import_batch`] does; also answers how many rows were
    /// left out because their id exists and `write` only inserts.
    async fn write_batch(
        &self,
        kind: RecordKind,
        batch: Vec<(u64, Incoming)>,
        actor: &str,
        write: Write,
        read: Option<&RecordAsRead>,
    ) -> Result<Option<(BatchResult, u64)>> {
        crate::with_pool!(self, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let lays_over = batch.iter().any(|(_, row)| matches!(row, Incoming::Over(_)));
            if lays_over {
                lock_kind(&mut *tx, kind).await?;
            }
            if let Some(read) = read
                && current(&mut *tx, kind, &read.id).await? != read.record
            {
                return Ok(None);
            }
            let now = now_text();
            let before = count(&mut tx, kind).await?;
            let mut res = BatchResult::default();
            let (first, last) = (batch.first().map(|b| b.0), batch.last().map(|b| b.0));
            let (mut written, mut kept) = (0u64, 0u64);
            // startups and enterprises written, by the row that wrote them last, for
            // duplicate flagging
            let mut written_rows: std::collections::HashMap<String, u64> = Default::default();
            for (row, incoming) in batch {
                let rec = match incoming {
                    Incoming::Whole(rec) => rec,
                    Incoming::Over(input) => {
                        let stored = match (&input, input.id()) {
                            (_, Some(id)) => stored(&mut *tx, kind, id).await?,
                            // an outcome is known by what, with whom and when
                            (RecordInput::Outcome(_), None) => match Record::read(&input) {
                                Ok(Record::Outcome(o)) => stored_outcome(&mut *tx, &o)
                                    .await?
                                    .map(Record::Outcome),
                                _ => None,
                            },
                            _ => None,
                        };
                        let merged = match &stored {
                            Some(base) => input.over(base.as_input()),
                            None => input,
                        };
                        match Record::read(&merged) {
                            Ok(rec) => rec,
                            Err(problems) => {
                                res.rejected.extend(problems.into_iter().map(|e| (row, e)));
                                continue;
                            }
                        }
                    }
                };
                let outcome = match rec {
                    Record::Startup(s) => upsert_startup(&mut tx, &s, &now).await?,
                    Record::Enterprise(e) => upsert_enterprise(&mut tx, &e, &now).await?,
                    Record::Need(n) => upsert_need(&mut tx, &n, &now, write).await?,
                    Record::Outcome(o) => upsert_outcome(&mut tx, &o, actor, &now, write).await?,
                };
                match outcome {
                    RowOutcome::Written(record_id, notes) => {
                        written += 1;
                        if let Some(id) = record_id {
                            written_rows.insert(id, row);
                        }
                        res.notices.extend(notes.into_iter().map(|n| (row, n)));
                    }
                    RowOutcome::Refused(e) => res.rejected.push((row, e)),
                    RowOutcome::Kept => kept += 1,
                    RowOutcome::Skipped(note) => res.notices.push((row, note)),
                }
            }
            let mut written_records: Vec<(String, u64)> = written_rows.into_iter().collect();
            written_records.sort_by_key(|w| w.1);
            res.notices.extend(
                crate::duplicates::flag_batch(&mut tx, kind, &written_records, &now).await?,
            );
            res.notices.sort_by_key(|n| n.0);
            let after = count(&mut tx, kind).await?;
            // on PostgreSQL, rows committed meanwhile by other writers count too: the
            // split is then approximate, never more than what this batch wrote
            res.inserted = after.saturating_sub(before).min(written);
            res.updated = written - res.inserted;
            if written > 0 {
                // a save names the record it wrote; an import, the rows of its batch
                let (action, subject) = match read {
                    Some(read) => ("save", read.id.clone()),
                    None => (
                        "import",
                        format!("rows {}-{}", first.unwrap_or(0), last.unwrap_or(0)),
                    ),
                };
                crate::admin::audit(
                    &mut tx,
                    actor,
                    action,
                    kind.as_str(),
                    &subject,
                    serde_json::json!({"inserted": res.inserted, "updated": res.updated, "rejected": res.rejected.len()}),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(Some((res, kept)))
        })
    }
}

/// One record by its external id, as every read of one record selects it.
const STARTUP_BY_ID: &str = "SELECT * FROM startups WHERE ext_id = $1";
const ENTERPRISE_BY_ID: &str = "SELECT * FROM enterprises WHERE ext_id = $1";
const NEED_BY_ID: &str = "SELECT n.*, e.ext_id AS enterprise_ext FROM needs n JOIN enterprises e ON e.id = n.enterprise_id WHERE n.ext_id = $1";

/// A record as a save read it before building on it: the save writes only if the
/// stored record is still this (`None`: there was none).
pub struct RecordAsRead {
    pub id: String,
    pub record: Option<Record>,
}

/// The stored record of `kind` with `id`, read inside a write. On PostgreSQL the
/// transaction first takes a lock on that id, held until it ends, so that two saves
/// of one record (or a save and a create of its id) take turns; SQLite's write
/// transactions take turns already.
async fn current(c: &mut impl crate::AsConn, kind: RecordKind, id: &str) -> Result<Option<Record>> {
    if let crate::Conn::Postgres(pg) = c.conn() {
        // shared with other saves, exclusive of an import laying rows over this kind
        sqlx::query("SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))")
            .bind(kind.as_str())
            .execute(&mut *pg)
            .await?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(format!("{}:{id}", kind.as_str()))
            .execute(&mut *pg)
            .await?;
    }
    stored(c, kind, id).await
}

/// Takes the lock that keeps every save of a record of `kind` out until the
/// transaction ends (PostgreSQL; SQLite's write transactions take turns already): one
/// lock for an import's whole batch, instead of one per row.
async fn lock_kind(c: &mut impl crate::AsConn, kind: RecordKind) -> Result<()> {
    if let crate::Conn::Postgres(pg) = c.conn() {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(kind.as_str())
            .execute(&mut *pg)
            .await?;
    }
    Ok(())
}

/// Outcomes with their startup's, enterprise's and (through the match) need's ids, as
/// [`outcome_from_row`] reads them.
macro_rules! outcome_rows {
    () => {
        "SELECT o.*, s.ext_id AS startup_ext, e.ext_id AS enterprise_ext, n.ext_id AS need_ext
         FROM outcomes o
         JOIN startups s ON s.id = o.startup_id
         JOIN enterprises e ON e.id = o.enterprise_id
         LEFT JOIN matches m ON m.id = o.match_id
         LEFT JOIN needs n ON n.id = m.need_id"
    };
}

/// The stored outcome with `o`'s key (startup, enterprise, kind, date), read as it is
/// in the transaction.
async fn stored_outcome(c: &mut impl crate::AsConn, o: &Outcome) -> Result<Option<Outcome>> {
    crate::with_conn!(c => {
        let row = sqlx::query(
            concat!(
                outcome_rows!(),
                " WHERE s.ext_id = $1 AND e.ext_id = $2 AND o.kind = $3 AND o.date = $4"
            ),
        )
        .bind(o.startup_id.as_str())
        .bind(o.enterprise_id.as_str())
        .bind(o.kind.as_str())
        .bind(o.date.to_string())
        .fetch_optional(&mut *c)
        .await?;
        row.as_ref().map(outcome_from_row).transpose()
    })
}

/// The stored record of `kind` with `id`, read as it is in the transaction.
async fn stored(c: &mut impl crate::AsConn, kind: RecordKind, id: &str) -> Result<Option<Record>> {
    crate::with_conn!(c => {
        let sql = match kind {
            RecordKind::Startups => STARTUP_BY_ID,
            RecordKind::Enterprises => ENTERPRISE_BY_ID,
            RecordKind::Needs => NEED_BY_ID,
            RecordKind::Outcomes => return Ok(None),
        };
        let row = sqlx::query(sql).bind(id).fetch_optional(&mut *c).await?;
        row.as_ref()
            .map(|r| match kind {
                RecordKind::Startups => startup_from_row(r).map(Record::Startup),
                RecordKind::Enterprises => enterprise_from_row(r).map(Record::Enterprise),
                _ => need_from_row(r).map(Record::Need),
            })
            .transpose()
    })
}

impl crate::records::Records<'_> {
    /// Upserts one batch of records of one kind in a single transaction: either the
    /// whole batch is written or none of it. Rows the database cannot take are
    /// reported, not written, and do not stop the others.
    pub async fn import_batch(
        self,
        kind: RecordKind,
        batch: Vec<(u64, Incoming)>,
        actor: &str,
    ) -> Result<BatchResult> {
        Ok(self
            .store
            .write_batch(kind, batch, actor, Write::Upsert, None)
            .await?
            .map(|written| written.0)
            .unwrap_or_default())
    }

    /// Saves one record built on the stored one as `read` found it, only if it is still
    /// so: `None` (nothing written) when someone else changed, created or deleted it
    /// meanwhile, for the caller to read again and redo its save on the new record.
    pub async fn save_over(
        self,
        record: Record,
        read: RecordAsRead,
        actor: &str,
    ) -> Result<Option<BatchResult>> {
        Ok(self
            .store
            .write_batch(
                record.kind(),
                vec![(1, record.into())],
                actor,
                Write::Upsert,
                Some(&read),
            )
            .await?
            .map(|written| written.0))
    }

    /// Creates one need: an insert that is refused with a conflict when the id is
    /// taken, so a create never overwrites a record, however many run at once.
    pub async fn create_need(self, need: Need, actor: &str) -> Result<BatchResult> {
        let id = need.id.clone();
        let (res, kept) = self
            .store
            .write_batch(
                RecordKind::Needs,
                vec![(1, Record::Need(need).into())],
                actor,
                Write::Insert,
                // as a save's read: on PostgreSQL this takes the id's lock, so a save
                // of the same id waits for the create and then sees its need
                Some(&RecordAsRead {
                    id: id.to_string(),
                    record: None,
                }),
            )
            .await?
            .unwrap_or((BatchResult::default(), 1));
        if kept > 0 {
            return Err(crate::StoreError::Conflict(format!(
                "a need with id '{id}' exists already"
            )));
        }
        Ok(res)
    }

    pub async fn startups(self) -> Result<Vec<Startup>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM startups ORDER BY id")
                .fetch_all(pool)
                .await?;
            rows.iter().map(startup_from_row).collect()
        })
    }

    pub async fn startup(self, ext_id: &str) -> Result<Option<Startup>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(STARTUP_BY_ID)
                .bind(ext_id)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(startup_from_row).transpose()
        })
    }

    pub async fn enterprise(self, ext_id: &str) -> Result<Option<Enterprise>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(ENTERPRISE_BY_ID)
                .bind(ext_id)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(enterprise_from_row).transpose()
        })
    }

    pub async fn enterprises(self) -> Result<Vec<Enterprise>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query("SELECT * FROM enterprises ORDER BY id")
                .fetch_all(pool)
                .await?;
            rows.iter().map(enterprise_from_row).collect()
        })
    }

    pub async fn needs(self) -> Result<Vec<Need>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT n.*, e.ext_id AS enterprise_ext FROM needs n JOIN enterprises e ON e.id = n.enterprise_id ORDER BY n.id",
            )
            .fetch_all(pool)
            .await?;
            rows.iter().map(need_from_row).collect()
        })
    }

    /// One enterprise's needs, newest first.
    pub async fn needs_of(self, enterprise: &str) -> Result<Vec<Need>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                "SELECT n.*, e.ext_id AS enterprise_ext FROM needs n JOIN enterprises e ON e.id = n.enterprise_id
                 WHERE e.ext_id = $1 ORDER BY n.id DESC",
            )
            .bind(enterprise)
            .fetch_all(pool)
            .await?;
            rows.iter().map(need_from_row).collect()
        })
    }

    /// The startups among `ids` that exist (in no particular order).
    pub async fn startups_by_ids(self, ids: &[String]) -> Result<Vec<Startup>> {
        crate::with_pool!(self.store, pool => {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                let marks = crate::marks(chunk.len());
                let sql = format!("SELECT * FROM startups WHERE ext_id IN ({marks})");
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id);
                }
                for row in q.fetch_all(pool).await? {
                    out.push(startup_from_row(&row)?);
                }
            }
            Ok(out)
        })
    }

    /// The needs among `ids` that exist (in no particular order).
    pub async fn needs_by_ids(self, ids: &[String]) -> Result<Vec<Need>> {
        crate::with_pool!(self.store, pool => {
            let mut out = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(500) {
                let marks = crate::marks(chunk.len());
                let sql = format!(
                    "SELECT n.*, e.ext_id AS enterprise_ext FROM needs n JOIN enterprises e ON e.id = n.enterprise_id WHERE n.ext_id IN ({marks})"
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(id);
                }
                for row in q.fetch_all(pool).await? {
                    out.push(need_from_row(&row)?);
                }
            }
            Ok(out)
        })
    }

    pub async fn need(self, ext_id: &str) -> Result<Option<Need>> {
        crate::with_pool!(self.store, pool => {
            let row = sqlx::query(
                NEED_BY_ID,
            )
            .bind(ext_id)
            .fetch_optional(pool)
            .await?;
            row.as_ref().map(need_from_row).transpose()
        })
    }

    /// Enterprise display names by external id, for labelling needs.
    pub async fn enterprise_names(self) -> Result<std::collections::HashMap<String, String>> {
        crate::with_pool!(self.store, pool => {
            let rows: Vec<(String, String)> = sqlx::query_as("SELECT ext_id, name FROM enterprises")
                .fetch_all(pool)
                .await?;
            Ok(rows.into_iter().collect())
        })
    }

    /// Deletes a startup and everything that hangs on it (matches, outcomes,
    /// registrations); the deletion is audited.
    pub async fn delete_startup(self, ext_id: &str, actor: &str) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let r = sqlx::query("DELETE FROM startups WHERE ext_id = $1")
                .bind(ext_id)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM duplicate_flags WHERE kind = 'startup' AND (startup_a = $1 OR startup_b = $2)")
                .bind(ext_id)
                .bind(ext_id)
                .execute(&mut *tx)
                .await?;
            crate::admin::audit(
                &mut tx,
                actor,
                "delete",
                "startup",
                ext_id,
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn delete_need(self, ext_id: &str, actor: &str) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let r = sqlx::query("DELETE FROM needs WHERE ext_id = $1")
                .bind(ext_id)
                .execute(&mut *tx)
                .await?;
            if r.rows_affected() == 0 {
                return Ok(false);
            }
            crate::admin::audit(
                &mut tx,
                actor,
                "delete",
                "need",
                ext_id,
                serde_json::json!({}),
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}

impl crate::pipeline::Pipeline<'_> {
    /// Records one outcome of a match that both sides have accepted, moving the match
    /// to the stage it stands for; refused (nothing written) when the match does not
    /// exist, belongs to another enterprise, or has not been accepted. An outcome of
    /// the same kind and date already recorded for the match with other figures is
    /// refused unless `existing` is [`OnExisting::Replace`].
    pub async fn record_outcome(
        self,
        o: &Outcome,
        existing: OnExisting,
        actor: &str,
    ) -> Result<Recorded> {
        crate::with_pool!(self.store, pool => {
            let Some(need) = &o.need_id else {
                return Err(StoreError::Refused(FieldError::new(
                    "need_id",
                    "an outcome recorded by hand names the need of its match",
                )));
            };
            let mut tx = crate::Begin::begin_write(pool).await?;
            let the_match: Option<(i64, String)> = sqlx::query_as(
                "SELECT m.id, m.status FROM matches m JOIN startups s ON s.id = m.startup_id
                 JOIN needs n ON n.id = m.need_id WHERE s.ext_id = $1 AND n.ext_id = $2",
            )
            .bind(&o.startup_id)
            .bind(need)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((_, status)) = &the_match {
                let st = domain::MatchStatus::parse(status).map_err(|e| corrupt("status", e))?;
                if !st.is_accepted() {
                    return Err(StoreError::Refused(FieldError::new(
                        "need_id",
                        format!(
                            "the match is {}; outcomes are recorded once both sides have accepted it",
                            st.as_str()
                        ),
                    )));
                }
            }
            let now = now_text();
            let recorded = match upsert_outcome(&mut tx, o, actor, &now, Write::Insert).await? {
                RowOutcome::Refused(e) | RowOutcome::Skipped(e) => {
                    return Err(StoreError::Refused(e));
                }
                RowOutcome::Written(..) => Recorded::New,
                RowOutcome::Kept => {
                    let (outcome_id, linked, amount_minor, currency, note): (
                        i64,
                        Option<i64>,
                        Option<i64>,
                        Option<String>,
                        Option<String>,
                    ) = sqlx::query_as(
                        "SELECT o.id, o.match_id, o.amount_minor, o.currency, o.note FROM outcomes o
                         JOIN startups s ON s.id = o.startup_id JOIN enterprises e ON e.id = o.enterprise_id
                         WHERE s.ext_id = $1 AND e.ext_id = $2 AND o.kind = $3 AND o.date = $4",
                    )
                    .bind(&o.startup_id)
                    .bind(&o.enterprise_id)
                    .bind(o.kind.as_str())
                    .bind(o.date.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                    let stored = (amount_minor, currency, note);
                    let given = (
                        o.amount.map(|m| m.minor),
                        o.amount.map(|m| m.currency.code().to_string()),
                        o.note.clone(),
                    );
                    // a note where none was kept only adds to the outcome: taken as a
                    // recording of the same figures with it; a note that would replace
                    // another one is refused as other figures are
                    let same_figures = (&stored.0, &stored.1) == (&given.0, &given.1);
                    let adds_a_note = same_figures && stored.2.is_none() && given.2.is_some();
                    if same_figures && (given.2.is_none() || given.2 == stored.2) {
                        // the same figures, imported before without the need they came
                        // from: recording them on the match links them to it and moves
                        // it on, as a new recording would
                        if let (None, Some((match_id, _))) = (linked, &the_match) {
                            sqlx::query("UPDATE outcomes SET match_id = $1 WHERE id = $2")
                                .bind(match_id)
                                .bind(outcome_id)
                                .execute(&mut *tx)
                                .await?;
                            crate::pipeline::advance_for_outcome(&mut tx, *match_id, o.kind, o.date, actor)
                                .await?;
                            tx.commit().await?;
                        }
                        return Ok(Recorded::Unchanged);
                    }
                    if existing == OnExisting::Refuse && same_figures && !adds_a_note {
                        return Err(StoreError::Refused(FieldError::new(
                            "note",
                            format!(
                                "the {} outcome of {} with {} on {} is already recorded with \
                                 the same figures and another note; to replace the note, \
                                 record it as a correction (replace=true)",
                                o.kind.as_str(),
                                o.startup_id,
                                o.enterprise_id,
                                o.date
                            ),
                        )));
                    }
                    if existing == OnExisting::Refuse && !same_figures {
                        return Err(already_recorded(
                            format!(
                                "the {} outcome of {} with {} on {}",
                                o.kind.as_str(),
                                o.startup_id,
                                o.enterprise_id,
                                o.date
                            ),
                            (stored.0, stored.1.as_deref(), None),
                        ));
                    }
                    upsert_outcome(&mut tx, o, actor, &now, Write::Upsert).await?;
                    crate::admin::audit(
                        &mut tx,
                        actor,
                        "outcome.replace",
                        "match",
                        &format!("{}/{need}", o.startup_id),
                        serde_json::json!({"kind": o.kind.as_str(), "date": o.date.to_string(),
                            "replaced": {"amount_minor": stored.0, "currency": stored.1, "note": stored.2}}),
                    )
                    .await?;
                    Recorded::Replaced
                }
            };
            crate::admin::audit(
                &mut tx,
                actor,
                "outcome.record",
                "match",
                &format!("{}/{need}", o.startup_id),
                serde_json::json!({"kind": o.kind.as_str(), "date": o.date.to_string(),
                    "amount_minor": o.amount.map(|m| m.minor),
                    "currency": o.amount.map(|m| m.currency.code())}),
            )
            .await?;
            tx.commit().await?;
            Ok(recorded)
        })
    }

    pub async fn outcomes(self) -> Result<Vec<Outcome>> {
        crate::with_pool!(self.store, pool => {
            let rows = sqlx::query(
                concat!(outcome_rows!(), " ORDER BY o.id"),
            )
            .fetch_all(pool)
            .await?;
            rows.iter().map(outcome_from_row).collect()
        })
    }
}

/// The refusal of a recording whose key (what, with whom, on which day) is already
/// recorded with other figures: it names the stored figures and how to correct them.
pub(crate) fn already_recorded(
    subject: String,
    (amount_minor, currency, count): (Option<i64>, Option<&str>, Option<i64>),
) -> StoreError {
    let mut parts = Vec::new();
    if let Some(minor) = amount_minor {
        let currency = currency
            .and_then(|c| Currency::parse(c).ok())
            .unwrap_or(Currency::KRW);
        let amount = Money { minor, currency };
        parts.push(format!(
            "amount {} {}",
            amount.to_decimal_string(),
            currency.code()
        ));
    }
    if let Some(n) = count {
        parts.push(format!("count {n}"));
    }
    let figures = if parts.is_empty() {
        "no amount".to_string()
    } else {
        parts.join(", ")
    };
    StoreError::Refused(FieldError::new(
        "date",
        format!(
            "{subject} is already recorded with other figures ({figures}); \
             to replace them, record it as a correction (replace=true)"
        ),
    ))
}

async fn upsert_startup(c: &mut impl crate::AsConn, s: &Startup, now: &str) -> Result<RowOutcome> {
    crate::with_conn!(c => {
        // a startup merged away stays merged: the same row again (a re-import of the
        // file it came from) is read as the record it was merged into, which keeps
        // what the merge made of it
        let merged: Option<(String, String)> = sqlx::query_as(
            "SELECT k.ext_id, m.merged_at FROM startup_merges m JOIN startups k ON k.id = m.kept_id
             WHERE m.merged_ext = $1 AND NOT EXISTS (SELECT 1 FROM startups s WHERE s.ext_id = $1)
             ORDER BY m.id DESC LIMIT 1",
        )
        .bind(&s.id)
        .fetch_optional(&mut *c)
        .await?;
        if let Some((kept, at)) = merged {
            return Ok(RowOutcome::Skipped(FieldError::new(
                "id",
                format!(
                    "startup '{}' was merged into '{kept}' on {}: the row is read as '{kept}' and changes nothing (edit '{kept}' instead)",
                    s.id,
                    at.get(..10).unwrap_or(&at)
                ),
            )));
        }
        let mut notes = Vec::new();
        let mut flagged_pairs: Vec<(String, String, String)> = Vec::new();
        let mut s = std::borrow::Cow::Borrowed(s);
        if let Some(brn) = s.business_reg_no.clone() {
            let owner: Option<(String,)> =
                sqlx::query_as("SELECT ext_id FROM startups WHERE business_reg_no = $1 AND ext_id <> $2")
                    .bind(brn.as_str())
                    .bind(&s.id)
                    .fetch_optional(&mut *c)
                    .await?;
            if let Some((owner,)) = owner {
                // the same registration number: most likely the same company, which a
                // person decides. The row is its own record (nothing of the holder
                // changes) and keeps the number it had, none when new, so the number
                // stays unique until a merge gives it to the record kept.
                let had: Option<(Option<String>,)> =
                    sqlx::query_as("SELECT business_reg_no FROM startups WHERE ext_id = $1")
                        .bind(&s.id)
                        .fetch_optional(&mut *c)
                        .await?;
                let had = had.and_then(|(b,)| b);
                s.to_mut().business_reg_no = had.as_deref().map(BusinessRegNo::parse).transpose()
                    .map_err(|e| corrupt("business_reg_no", e))?;
                let reason = format!("same business registration number {brn} as startup '{owner}'");
                let (a, b) = if s.id.as_str() < owner.as_str() { (s.id.as_str(), owner.as_str()) } else { (owner.as_str(), s.id.as_str()) };
                flagged_pairs.push((a.to_string(), b.to_string(), reason));
                notes.push(FieldError::new(
                    "business_reg_no",
                    format!(
                        "{brn} is registered to startup '{owner}': '{}' is kept as its own record {}, flagged as a likely duplicate for review (a merge keeps the number)",
                        s.id,
                        if had.is_some() { "with the number it had" } else { "without the number" },
                    ),
                ));
            }
        }
        let s = s.as_ref();
        let name_key = domain::dedup::name_key(&s.name);
        let name_en_key = s
            .name_en
            .as_deref()
            .map(domain::dedup::name_key)
            .unwrap_or_default();
        let web_domain = s.website.as_deref().and_then(domain::dedup::web_domain);
        let today = now[..10].to_string();
        sqlx::query(
            "INSERT INTO startups (ext_id, name, name_en, description, description_en, industries,
            technologies, stage, founded_year, employees, city, region, country, funding_minor,
            funding_currency, website, source, clusters, target_markets, business_reg_no,
            discovered_on, created_at, updated_at, name_key, name_en_key, web_domain)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, COALESCE($21, $22), $23, $24, $25, $26, $27)
         ON CONFLICT (ext_id) DO UPDATE SET
            name = excluded.name, name_en = excluded.name_en, description = excluded.description,
            description_en = excluded.description_en, industries = excluded.industries,
            technologies = excluded.technologies, stage = excluded.stage,
            founded_year = excluded.founded_year, employees = excluded.employees,
            city = excluded.city, region = excluded.region, country = excluded.country,
            funding_minor = excluded.funding_minor, funding_currency = excluded.funding_currency,
            website = excluded.website, source = excluded.source, clusters = excluded.clusters,
            target_markets = excluded.target_markets, business_reg_no = excluded.business_reg_no,
            discovered_on = CASE WHEN $28 IS NULL THEN startups.discovered_on ELSE excluded.discovered_on END,
            updated_at = excluded.updated_at, name_key = excluded.name_key,
            name_en_key = excluded.name_en_key, web_domain = excluded.web_domain",
        )
        .bind(&s.id)
        .bind(&s.name)
        .bind(&s.name_en)
        .bind(&s.description)
        .bind(&s.description_en)
        .bind(list(&s.industries))
        .bind(list(&s.technologies))
        .bind(s.stage.map(|x| x.as_str()))
        .bind(s.founded_year)
        .bind(s.employees)
        .bind(&s.city)
        .bind(&s.region)
        .bind(&s.country)
        .bind(s.funding.map(|m| m.minor))
        .bind(s.funding.map(|m| m.currency.code()))
        .bind(&s.website)
        .bind(&s.source)
        .bind(codes(&s.clusters))
        .bind(list(&s.target_markets))
        .bind(s.business_reg_no.as_ref().map(|b| b.as_str()))
        .bind(s.discovered_on.map(|d| d.to_string()))
        .bind(&today)
        .bind(now)
        .bind(now)
        .bind(&name_key)
        .bind(&name_en_key)
        .bind(&web_domain)
        .bind(s.discovered_on.map(|d| d.to_string()))
        .execute(&mut *c)
        .await?;
        for (a, b, reason) in flagged_pairs {
            sqlx::query(
                "INSERT INTO duplicate_flags (startup_a, startup_b, reason, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (startup_a, startup_b) DO NOTHING",
            )
            .bind(a)
            .bind(b)
            .bind(reason)
            .bind(now)
            .execute(&mut *c)
            .await?;
        }

        Ok(RowOutcome::Written(Some(s.id.to_string()), notes))
    })
}

async fn upsert_enterprise(
    c: &mut impl crate::AsConn,
    e: &Enterprise,
    now: &str,
) -> Result<RowOutcome> {
    crate::with_conn!(c => {
        sqlx::query(
            "INSERT INTO enterprises (ext_id, name, name_en, size_class, industries, description, city,
            country, capacity, cvc, ticket_min_krw, ticket_max_krw, clusters, participating_since,
            created_at, updated_at, name_key, name_en_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (ext_id) DO UPDATE SET
            name = excluded.name, name_en = excluded.name_en, size_class = excluded.size_class,
            industries = excluded.industries, description = excluded.description,
            city = excluded.city, country = excluded.country, capacity = excluded.capacity,
            cvc = excluded.cvc, ticket_min_krw = excluded.ticket_min_krw,
            ticket_max_krw = excluded.ticket_max_krw, clusters = excluded.clusters,
            participating_since = excluded.participating_since, updated_at = excluded.updated_at,
            name_key = excluded.name_key, name_en_key = excluded.name_en_key",
        )
        .bind(&e.id)
        .bind(&e.name)
        .bind(&e.name_en)
        .bind(e.size_class.map(|x| x.as_str()))
        .bind(list(&e.industries))
        .bind(&e.description)
        .bind(&e.city)
        .bind(&e.country)
        .bind(e.capacity)
        .bind(e.cvc)
        .bind(e.ticket_min_krw)
        .bind(e.ticket_max_krw)
        .bind(codes(&e.clusters))
        .bind(e.participating_since.map(|d| d.to_string()))
        .bind(now)
        .bind(now)
        .bind(domain::dedup::name_key(&e.name))
        .bind(e.name_en.as_deref().map(domain::dedup::name_key).unwrap_or_default())
        .execute(&mut *c)
        .await?;
        Ok(RowOutcome::Written(Some(e.id.to_string()), vec![]))
    })
}

async fn upsert_need(
    c: &mut impl crate::AsConn,
    n: &Need,
    now: &str,
    write: Write,
) -> Result<RowOutcome> {
    crate::with_conn!(c => {
        // a need stays with the enterprise that posted it: its matches, outcomes and
        // confidential text are that enterprise's, and would be split by a move
        let owner: Option<(String,)> = sqlx::query_as(
            "SELECT e.ext_id FROM needs n JOIN enterprises e ON e.id = n.enterprise_id WHERE n.ext_id = $1",
        )
        .bind(&n.id)
        .fetch_optional(&mut *c)
        .await?;
        if let Some((owner,)) = owner
            && owner != n.enterprise_id.as_str()
            && write == Write::Upsert
        {
            return Ok(RowOutcome::Refused(FieldError::new(
                "enterprise_id",
                format!(
                    "need '{}' is enterprise '{owner}''s: a need stays with the enterprise that \
                     posted it (its matches and outcomes are that enterprise's); post a new \
                     need under '{}' instead",
                    n.id, n.enterprise_id
                ),
            )));
        }
        let on_conflict = match write {
            Write::Upsert => {
                "DO UPDATE SET
            title = excluded.title, title_en = excluded.title_en,
            description = excluded.description, description_en = excluded.description_en,
            technologies = excluded.technologies,
            industries = excluded.industries, collaboration_types = excluded.collaboration_types,
            preferred_stages = excluded.preferred_stages, slots = excluded.slots,
            deadline = excluded.deadline, visibility = excluded.visibility,
            updated_at = excluded.updated_at"
            }
            Write::Insert => "DO NOTHING",
        };
        let sql = format!(
            "INSERT INTO needs (ext_id, enterprise_id, title, description, technologies, industries,
            collaboration_types, preferred_stages, slots, deadline, visibility, created_at, updated_at,
            title_en, description_en)
         SELECT $1, e.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14, $15 FROM enterprises e WHERE e.ext_id = $13
         ON CONFLICT (ext_id) {on_conflict}"
        );
        let r = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&n.id)
        .bind(&n.title)
        .bind(&n.description)
        .bind(list(&n.technologies))
        .bind(list(&n.industries))
        .bind(codes(&n.collaboration_types))
        .bind(codes(&n.preferred_stages))
        .bind(n.slots)
        .bind(n.deadline.map(|d| d.to_string()))
        .bind(n.visibility.as_str())
        .bind(now)
        .bind(now)
        .bind(&n.enterprise_id)
        .bind(&n.title_en)
        .bind(&n.description_en)
        .execute(&mut *c)
        .await?;
        if r.rows_affected() == 0 && write == Write::Insert {
            let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM needs WHERE ext_id = $1")
                .bind(&n.id)
                .fetch_optional(&mut *c)
                .await?;
            if taken.is_some() {
                return Ok(RowOutcome::Kept);
            }
        }
        if r.rows_affected() == 0 {
            return Ok(RowOutcome::Refused(FieldError::new(
                "enterprise_id",
                format!(
                    "no enterprise with id '{}' (import enterprises first)",
                    n.enterprise_id
                ),
            )));
        }
        Ok(RowOutcome::Written(None, vec![]))
    })
}

async fn upsert_outcome(
    c: &mut impl crate::AsConn,
    o: &Outcome,
    actor: &str,
    now: &str,
    write: Write,
) -> Result<RowOutcome> {
    // an outcome is something that happened: dated from 1900 to today
    if let Err(e) = o.validate(chrono::Local::now().date_naive()) {
        return Ok(RowOutcome::Refused(e));
    }
    crate::with_conn!(c => {
        let ids: (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT (SELECT id FROM startups WHERE ext_id = $1), (SELECT id FROM enterprises WHERE ext_id = $2)",
        )
        .bind(&o.startup_id)
        .bind(&o.enterprise_id)
        .fetch_one(&mut *c)
        .await?;
        let (Some(sid), Some(eid)) = ids else {
            let (col, id) = if ids.0.is_none() {
                ("startup_id", o.startup_id.as_str())
            } else {
                ("enterprise_id", o.enterprise_id.as_str())
            };
            let what = if col == "startup_id" {
                "startup"
            } else {
                "enterprise"
            };
            return Ok(RowOutcome::Refused(FieldError::new(
                col,
                format!("no {what} with id '{id}'"),
            )));
        };
        let mut match_id = None;
        if let Some(need) = &o.need_id {
            let m: Option<(i64, i64)> = sqlx::query_as(
                "SELECT m.id, n.enterprise_id FROM matches m JOIN needs n ON n.id = m.need_id
                 WHERE m.startup_id = $1 AND n.ext_id = $2",
            )
            .bind(sid)
            .bind(need)
            .fetch_optional(&mut *c)
            .await?;
            match m {
                None => {
                    return Ok(RowOutcome::Refused(FieldError::new(
                        "need_id",
                        format!("startup '{}' has no match on need '{need}'", o.startup_id),
                    )));
                }
                Some((_, owner)) if owner != eid => {
                    return Ok(RowOutcome::Refused(FieldError::new(
                        "need_id",
                        format!(
                            "need '{need}' does not belong to enterprise '{}'",
                            o.enterprise_id
                        ),
                    )));
                }
                Some((id, _)) => match_id = Some(id),
            }
        }
        let on_conflict = match write {
            Write::Upsert => {
                "DO UPDATE SET match_id = COALESCE(excluded.match_id, outcomes.match_id),
                 amount_minor = excluded.amount_minor, currency = excluded.currency, note = excluded.note"
            }
            Write::Insert => "DO NOTHING",
        };
        let sql = format!(
            "INSERT INTO outcomes (startup_id, enterprise_id, match_id, kind, date, amount_minor, currency, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (startup_id, enterprise_id, kind, date) {on_conflict}"
        );
        let written = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(sid)
        .bind(eid)
        .bind(match_id)
        .bind(o.kind.as_str())
        .bind(o.date.to_string())
        .bind(o.amount.map(|m| m.minor))
        .bind(o.amount.map(|m| m.currency.code()))
        .bind(&o.note)
        .bind(now)
        .execute(&mut *c)
        .await?
        .rows_affected();
        if written == 0 {
            return Ok(RowOutcome::Kept);
        }
        if let Some(mid) = match_id {
            crate::pipeline::advance_for_outcome(c, mid, o.kind, o.date, actor).await?;
        }
        Ok(RowOutcome::Written(None, vec![]))
    })
}

fn get_list(r: &impl crate::Get, col: &str) -> Result<Vec<String>> {
    let s: String = r.col(col)?;
    Ok(domain::text::split_list(&s))
}

fn parse_opt<T>(
    r: &impl crate::Get,
    col: &str,
    f: impl Fn(&str) -> Result<T, domain::ValidationError>,
) -> Result<Option<T>> {
    let v: Option<String> = r.col(col)?;
    v.map(|v| f(&v).map_err(|e| corrupt(col, e))).transpose()
}

fn parse_codes<T>(
    r: &impl crate::Get,
    col: &str,
    f: impl Fn(&str) -> Result<T, domain::ValidationError>,
) -> Result<Vec<T>> {
    get_list(r, col)?
        .iter()
        .map(|v| f(v).map_err(|e| corrupt(col, e)))
        .collect()
}

pub(crate) fn date(s: &str) -> Result<NaiveDate, domain::ValidationError> {
    domain::records::parse_date(s)
}

fn money(r: &impl crate::Get, amount: &str, currency: &str) -> Result<Option<Money>> {
    let minor: Option<i64> = r.col(amount)?;
    let cur = parse_opt(r, currency, Currency::parse)?;
    Ok(minor.map(|minor| Money {
        minor,
        currency: cur.unwrap_or(Currency::KRW),
    }))
}

fn startup_from_row(r: &impl crate::Get) -> Result<Startup> {
    Ok(Startup {
        id: r.col("ext_id")?,
        name: r.col("name")?,
        name_en: r.col("name_en")?,
        description: r.col("description")?,
        description_en: r.col("description_en")?,
        industries: get_list(r, "industries")?,
        technologies: get_list(r, "technologies")?,
        stage: parse_opt(r, "stage", Stage::parse)?,
        founded_year: r.col("founded_year")?,
        employees: r.col("employees")?,
        city: r.col("city")?,
        region: r.col("region")?,
        country: r.col("country")?,
        funding: money(r, "funding_minor", "funding_currency")?,
        website: r.col("website")?,
        source: r.col("source")?,
        clusters: get_list(r, "clusters")?
            .into_iter()
            .map(Into::into)
            .collect(),
        target_markets: get_list(r, "target_markets")?,
        business_reg_no: parse_opt(r, "business_reg_no", BusinessRegNo::parse)?,
        discovered_on: parse_opt(r, "discovered_on", date)?,
    })
}

fn enterprise_from_row(r: &impl crate::Get) -> Result<Enterprise> {
    Ok(Enterprise {
        id: r.col("ext_id")?,
        name: r.col("name")?,
        name_en: r.col("name_en")?,
        size_class: parse_opt(r, "size_class", SizeClass::parse)?,
        industries: get_list(r, "industries")?,
        description: r.col("description")?,
        city: r.col("city")?,
        country: r.col("country")?,
        capacity: r.col("capacity")?,
        cvc: r.col("cvc")?,
        ticket_min_krw: r.col("ticket_min_krw")?,
        ticket_max_krw: r.col("ticket_max_krw")?,
        clusters: get_list(r, "clusters")?
            .into_iter()
            .map(Into::into)
            .collect(),
        participating_since: parse_opt(r, "participating_since", date)?,
    })
}

fn need_from_row(r: &impl crate::Get) -> Result<Need> {
    Ok(Need {
        id: r.col("ext_id")?,
        enterprise_id: r.col("enterprise_ext")?,
        title: r.col("title")?,
        title_en: r.col("title_en")?,
        description: r.col("description")?,
        description_en: r.col("description_en")?,
        technologies: get_list(r, "technologies")?,
        industries: get_list(r, "industries")?,
        collaboration_types: parse_codes(r, "collaboration_types", CollaborationType::parse)?,
        preferred_stages: parse_codes(r, "preferred_stages", Stage::parse)?,
        slots: r.col("slots")?,
        deadline: parse_opt(r, "deadline", date)?,
        visibility: parse_opt(r, "visibility", Visibility::parse)?.unwrap_or(Visibility::Public),
    })
}

fn outcome_from_row(r: &impl crate::Get) -> Result<Outcome> {
    let kind: String = r.col("kind")?;
    let d: String = r.col("date")?;
    Ok(Outcome {
        startup_id: r.col("startup_ext")?,
        enterprise_id: r.col("enterprise_ext")?,
        need_id: r.col("need_ext")?,
        kind: OutcomeKind::parse(&kind).map_err(|e| corrupt("kind", e))?,
        date: date(&d).map_err(|e| corrupt("date", e))?,
        amount: money(r, "amount_minor", "currency")?,
        note: r.col("note")?,
    })
}

/// The program's records: startups, enterprises and needs, written by import batches, read back, deleted, and their duplicate flags.
#[derive(Clone, Copy)]
pub struct Records<'a> {
    pub(crate) store: &'a Store,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn startup(id: &str) -> Incoming {
        Incoming::Whole(Record::Startup(Startup {
            id: id.into(),
            name: format!("name {id}"),
            ..Default::default()
        }))
    }

    #[tokio::test]
    async fn a_failure_mid_batch_leaves_nothing_of_that_batch() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&crate::testing::fresh_database(dir.path(), "t.db"))
            .await
            .unwrap();
        s.records()
            .import_batch(RecordKind::Startups, vec![(2, startup("keep"))], "test")
            .await
            .unwrap();
        // a database failure on the fifth row of the next batch, as a crash would be
        let boom = if s.is_postgres() {
            "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN IF NEW.ext_id = 'b-5' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
             CREATE TRIGGER boom BEFORE INSERT ON startups FOR EACH ROW EXECUTE FUNCTION boom();"
        } else {
            "CREATE TRIGGER boom BEFORE INSERT ON startups WHEN NEW.ext_id = 'b-5' BEGIN SELECT RAISE(ABORT, 'boom'); END"
        };
        s.execute_unchecked(boom).await.unwrap();
        let batch: Vec<(u64, Incoming)> = (1..=10)
            .map(|i| (i + 1, startup(&format!("b-{i}"))))
            .collect();
        let err = s
            .records()
            .import_batch(RecordKind::Startups, batch, "test")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("boom"));
        let ids: Vec<String> = s
            .records()
            .startups()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id.into_string())
            .collect();
        assert_eq!(ids, vec!["keep"]);
        let audits = s.audit_log(10, None).await.unwrap();
        assert_eq!(
            audits.len(),
            1,
            "the failed batch left no audit entry either"
        );
    }
}
