//! Importing startups, enterprises, needs and outcomes from CSV or XLSX: every row is
//! validated, good rows are upserted in batches of one transaction each, and each bad
//! row is reported with its row number, column and reason.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use domain::FieldError;
use domain::records::{self, RecordKind};
use store::files::{self, Format};
use store::{Incoming, Record};

use crate::principal::Principal;
use crate::{AppError, Result};

/// Rows per transaction: large enough to be fast, small enough that a crash loses
/// at most one batch's work (and never half of one).
pub const BATCH_ROWS: usize = 2000;

/// One refused row (or, with row 1, a note about the header).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub row: u64,
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportReport {
    pub kind: RecordKind,
    pub file: String,
    pub rows: u64,
    pub accepted: u64,
    pub inserted: u64,
    pub updated: u64,
    pub rejected: Vec<RowProblem>,
    /// Rows taken with a remark: likely duplicates flagged for review, an industry
    /// label read as its code.
    pub notices: Vec<RowProblem>,
    pub unknown_columns: Vec<String>,
    pub seconds: f64,
}

impl ImportReport {
    /// Distinct rows refused.
    pub fn rejected_rows(&self) -> u64 {
        let mut rows: Vec<u64> = self.rejected.iter().map(|p| p.row).collect();
        rows.dedup();
        rows.len() as u64
    }

    /// Writes the problems as CSV (`row,column,reason`), or the whole report as JSON
    /// when the path ends in `.json`.
    pub fn write(&self, path: &Path) -> Result<()> {
        let io = |e: std::io::Error| AppError::Unusable(format!("{}: {e}", path.display()));
        if path.extension().is_some_and(|e| e == "json") {
            let s = serde_json::to_string_pretty(self).expect("report serializes");
            return std::fs::write(path, s).map_err(io);
        }
        let rows = self
            .rejected
            .iter()
            .map(|p| vec![p.row.to_string(), p.column.clone(), p.reason.clone()]);
        files::write_table(
            path,
            Format::Csv,
            "report",
            &["row", "column", "reason"],
            rows,
        )?;
        Ok(())
    }
}

fn problem(row: u64, e: FieldError) -> RowProblem {
    RowProblem {
        row,
        column: e.field,
        reason: e.reason,
    }
}

/// One table row as a record of `kind` with remarks on how its cells were read (an
/// industry label read as its code), or what is wrong with it (row, column, reason).
/// A row with an id is what the file gives for that record: the batch lays it over
/// the stored record, so a column the file leaves out keeps its stored value.
pub fn read_row(
    kind: RecordKind,
    headers: &[String],
    row: &files::Row,
) -> Result<(Incoming, Vec<RowProblem>), Vec<RowProblem>> {
    let n = row.number;
    let cells = row.cells.as_ref().map_err(|e| {
        vec![RowProblem {
            row: n,
            column: "*".into(),
            reason: e.clone(),
        }]
    })?;
    if cells.len() > headers.len() && cells[headers.len()..].iter().any(|c| !c.trim().is_empty()) {
        return Err(vec![RowProblem {
            row: n,
            column: "*".into(),
            reason: format!(
                "the row has {} cells but the header names {} columns",
                cells.len(),
                headers.len()
            ),
        }]);
    }
    let map: HashMap<String, String> = headers.iter().cloned().zip(cells.iter().cloned()).collect();
    let errs = |v: Vec<FieldError>| v.into_iter().map(|e| problem(n, e)).collect::<Vec<_>>();
    let input = domain::inputs::RecordInput::from_cells(kind, &map);
    let notes = errs(records::reading_notes(&input));
    // an outcome's key is checked on the row alone: without a valid one there is no
    // stored outcome to lay the row over
    let incoming = match (&input, input.id()) {
        (_, Some(_)) => Incoming::Over(input),
        (domain::inputs::RecordInput::Outcome(_), None) => {
            Record::read(&input).map_err(errs)?;
            Incoming::Over(input)
        }
        _ => Incoming::Whole(Record::read(&input).map_err(errs)?),
    };
    Ok((incoming, notes))
}

impl crate::records::Records<'_> {
    /// Imports `path` as `kind`. `progress` is told (rows done, rows total) after each
    /// batch. Unusable input (no file, no header, a required column missing) is an
    /// error; bad rows are not: they are in the report.
    #[tracing::instrument(skip_all, fields(kind = kind.as_str()))]
    pub async fn import_file(
        self,
        who: impl Into<Principal<'_>>,
        kind: RecordKind,
        path: &Path,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<ImportReport> {
        let who = who.into();
        who.require_program_manager("import records")?;
        let actor = who.audit_name();
        let started = Instant::now();
        let table = files::read_table(path)?;
        let known = kind.columns();
        let missing: Vec<&str> = kind
            .required()
            .iter()
            .copied()
            .filter(|c| !table.headers.iter().any(|h| h == c))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::Unusable(format!(
                "{}: missing required column(s): {} (a {} file needs {})",
                path.display(),
                missing.join(", "),
                kind.as_str(),
                kind.required().join(", ")
            )));
        }
        let unknown_columns: Vec<String> = table
            .headers
            .iter()
            .filter(|h| !h.is_empty() && !known.contains(&h.as_str()))
            .cloned()
            .collect();
        let total = table.rows.len() as u64;
        let mut report = ImportReport {
            kind,
            file: path.display().to_string(),
            rows: total,
            accepted: 0,
            inserted: 0,
            updated: 0,
            rejected: Vec::new(),
            notices: Vec::new(),
            unknown_columns,
            seconds: 0.0,
        };
        let mut done = 0u64;
        // the first row of each id: a later one is laid over it, which is said
        let mut first_rows: HashMap<String, u64> = HashMap::new();
        for chunk in table.rows.chunks(BATCH_ROWS) {
            let mut batch = Vec::with_capacity(chunk.len());
            for row in chunk {
                match read_row(kind, &table.headers, row) {
                    Ok((rec, notes)) => {
                        report.notices.extend(notes);
                        if let Incoming::Over(input) = &rec
                            && let Some(id) = input.id()
                        {
                            match first_rows.get(id) {
                                Some(first) => report.notices.push(RowProblem {
                                    row: row.number,
                                    column: "id".into(),
                                    reason: format!(
                                        "'{id}' is also on row {first}: this row is laid over that one"
                                    ),
                                }),
                                None => {
                                    first_rows.insert(id.to_string(), row.number);
                                }
                            }
                        }
                        batch.push((row.number, rec));
                    }
                    Err(problems) => report.rejected.extend(problems),
                }
            }
            let candidates = batch.len() as u64;
            let res = self
                .app
                .store
                .records()
                .import_batch(kind, batch, actor)
                .await?;
            let mut refused: Vec<u64> = res.rejected.iter().map(|(row, _)| *row).collect();
            refused.dedup();
            report.accepted += candidates - refused.len() as u64;
            report.inserted += res.inserted;
            report.updated += res.updated;
            report
                .rejected
                .extend(res.rejected.into_iter().map(|(r, e)| problem(r, e)));
            report
                .notices
                .extend(res.notices.into_iter().map(|(r, e)| problem(r, e)));
            done += chunk.len() as u64;
            progress(done, total);
        }
        // the index follows once the rows are in (a crash before this leaves it behind,
        // and the next start catches it up from the change log)
        let rows_done = started.elapsed().as_secs_f64();
        let sync = self.app.discovery().sync_search().await?;
        tracing::info!(
            rows_s = rows_done,
            total_s = started.elapsed().as_secs_f64(),
            ?sync,
            "import written and indexed"
        );
        report.rejected.sort_by_key(|p| p.row);
        report.notices.sort_by_key(|p| p.row);
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }
}
