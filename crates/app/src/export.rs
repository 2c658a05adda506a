//! Exporting every kind of record, the matches and the KPIs to CSV or XLSX. Records
//! are written in the import format, so an export imports back to the same data.

use std::path::Path;

use domain::records::{self, RecordKind};
pub use store::files::Format;
use store::files::{self};

use crate::principal::Principal;
use crate::{App, AppError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    Records(RecordKind),
    Matches,
    Kpi,
}

impl ExportKind {
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "matches" => Ok(ExportKind::Matches),
            "kpi" | "kpis" => Ok(ExportKind::Kpi),
            other => RecordKind::parse(other).map(ExportKind::Records).map_err(|_| {
                AppError::Unusable(format!(
                    "'{s}' is not an export kind; allowed: startups, enterprises, needs, outcomes, matches, kpi"
                ))
            }),
        }
    }
}

pub const MATCH_COLUMNS: &[&str] = &[
    "startup_id",
    "need_id",
    "enterprise_id",
    "round",
    "score",
    "status",
    "origin",
    "accepted_on",
    "reasons",
    "created_at",
];

pub const KPI_COLUMNS: &[&str] = &["scope", "metric", "value", "target", "by_year", "baseline"];

impl App {
    /// The KPI table: one row per KPI in total (with target and baseline), then one row
    /// per KPI and year.
    pub(crate) async fn kpi_rows(&self) -> Result<Vec<Vec<String>>> {
        let k = self.kpi().figures().await?;
        let v = serde_json::to_value(&k).expect("kpis serialize");
        let keys = [
            "startups_discovered",
            "startups_matched",
            "startups_matched_share",
            "enterprises_participating",
            "meetings",
            "ndas",
            "pocs",
            "cooperation_cases",
            "investments",
            "acquisitions",
            "investment_krw",
            "overseas_centers",
            "clusters",
            "convergence_matches",
            "cross_cluster_matches",
        ];
        let mut rows = Vec::new();
        for key in keys {
            let t = k.target_details.iter().find(|t| t.key == key);
            let num = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
            rows.push(vec![
                "total".into(),
                key.into(),
                v[key].to_string(),
                num(t.and_then(|t| t.target)),
                t.and_then(|t| t.by_year)
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                num(t.and_then(|t| t.baseline)),
            ]);
        }
        for (year, fig) in &k.by_year {
            let fv = serde_json::to_value(fig).expect("figures serialize");
            for (key, val) in fv.as_object().expect("object") {
                rows.push(vec![
                    year.to_string(),
                    key.clone(),
                    val.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        Ok(rows)
    }
}

impl crate::records::Records<'_> {
    /// A table as the bytes of a download named `KIND.csv` or `KIND.xlsx`, for `user`
    /// (program managers only).
    pub async fn export_download(
        self,
        who: impl Into<Principal<'_>>,
        file: &str,
    ) -> Result<(crate::export::Format, Vec<u8>)> {
        use crate::export::{ExportKind, Format};
        let who = who.into();
        who.require_program_manager("export the program's tables")?;
        let (kind, ext) = file.rsplit_once('.').ok_or_else(|| {
            AppError::NotFound(format!("'{file}': ask for KIND.csv or KIND.xlsx"))
        })?;
        let format = Format::parse(ext).map_err(AppError::NotFound)?;
        let kind = ExportKind::parse(kind)?;
        let unwritable = |e: std::io::Error| AppError::Unusable(format!("export: {e}"));
        let dir = tempfile::tempdir().map_err(unwritable)?;
        let path = dir.path().join(format!("export.{ext}"));
        self.app.records().export(who, kind, format, &path).await?;
        let bytes = std::fs::read(&path).map_err(unwritable)?;
        Ok((format, bytes))
    }

    /// Writes `kind` to `out` in `format`; returns the number of data rows.
    #[tracing::instrument(skip_all, fields(kind = ?kind, format = ?format))]
    pub async fn export(
        self,
        who: impl Into<Principal<'_>>,
        kind: ExportKind,
        format: Format,
        out: &Path,
    ) -> Result<usize> {
        who.into()
            .require_program_manager("export the program's tables")?;
        let s = &self.app.store;
        let (sheet, headers, rows): (&str, Vec<&str>, Vec<Vec<String>>) = match kind {
            ExportKind::Records(k) => {
                let rows = match k {
                    RecordKind::Startups => s
                        .records()
                        .startups()
                        .await?
                        .iter()
                        .map(records::startup_cells)
                        .collect(),
                    RecordKind::Enterprises => s
                        .records()
                        .enterprises()
                        .await?
                        .iter()
                        .map(records::enterprise_cells)
                        .collect(),
                    RecordKind::Needs => s
                        .records()
                        .needs()
                        .await?
                        .iter()
                        .map(records::need_cells)
                        .collect(),
                    RecordKind::Outcomes => s
                        .pipeline()
                        .outcomes()
                        .await?
                        .iter()
                        .map(records::outcome_cells)
                        .collect(),
                };
                (k.as_str(), k.columns().to_vec(), rows)
            }
            ExportKind::Matches => {
                let rows = s
                    .pipeline()
                    .match_rows()
                    .await?
                    .into_iter()
                    .map(|m| {
                        vec![
                            m.startup_id.into_string(),
                            m.need_id.into_string(),
                            m.enterprise_id.into_string(),
                            m.round.unwrap_or_default(),
                            format!("{:.4}", m.score),
                            m.status,
                            m.origin,
                            m.accepted_on.unwrap_or_default(),
                            m.reasons,
                            m.created_at,
                        ]
                    })
                    .collect();
                ("matches", MATCH_COLUMNS.to_vec(), rows)
            }
            ExportKind::Kpi => ("kpi", KPI_COLUMNS.to_vec(), self.app.kpi_rows().await?),
        };
        let n = files::write_table(out, format, sheet, &headers, rows)
            .map_err(|e| AppError::Unusable(e.to_string()))?;
        Ok(n)
    }
}
