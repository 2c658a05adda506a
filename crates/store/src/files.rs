//! Tabular files: reads CSV and XLSX into rows of text cells (header row first) and
//! writes them back. Row numbers are spreadsheet rows: the header is row 1.

use std::path::Path;

use calamine::{Data, Reader};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {reason}")]
    Unusable { path: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn unusable(path: &Path, reason: impl Into<String>) -> FileError {
    FileError::Unusable {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn from_path(path: &Path) -> Result<Self, FileError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            _ => Err(unusable(path, "the file must end in .csv or .xlsx")),
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(format!("'{other}' is not a format; allowed: csv, xlsx")),
        }
    }
}

/// One data row: its spreadsheet row number and its cells, or why it could not be read.
#[derive(Debug, Clone)]
pub struct Row {
    pub number: u64,
    pub cells: Result<Vec<String>, String>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// Column names, trimmed and lower-cased.
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// Reads a whole CSV or XLSX file (the first sheet). A missing file, a file with no
/// header row or an unreadable workbook is unusable; a single bad row is not.
pub fn read_table(path: &Path) -> Result<Table, FileError> {
    if !path.exists() {
        return Err(unusable(path, "no such file"));
    }
    let table = match Format::from_path(path)? {
        Format::Csv => read_csv(path)?,
        Format::Xlsx => read_xlsx(path)?,
    };
    if table.headers.iter().all(String::is_empty) {
        return Err(unusable(path, "no header row"));
    }
    Ok(table)
}

fn header_name(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

fn read_csv(path: &Path) -> Result<Table, FileError> {
    let io = |source| FileError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_path(path)
        .map_err(|e| unusable(path, e.to_string()))?;
    let mut records = rdr.byte_records();
    let headers = match records.next() {
        None => return Err(unusable(path, "no header row")),
        Some(Err(e)) => return Err(unusable(path, format!("header row unreadable: {e}"))),
        Some(Ok(h)) => h
            .iter()
            .map(|c| std::str::from_utf8(c).map(header_name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| unusable(path, "the header row is not UTF-8 text"))?,
    };
    let mut rows = Vec::new();
    for (i, rec) in records.enumerate() {
        let number = i as u64 + 2;
        let cells = match rec {
            Ok(r) => r
                .iter()
                .enumerate()
                .map(|(col, c)| {
                    String::from_utf8(c.to_vec()).map_err(|_| {
                        format!(
                            "column {} is not UTF-8 text (save the file as UTF-8)",
                            headers.get(col).map(String::as_str).unwrap_or("?")
                        )
                    })
                })
                .collect(),
            Err(e) if e.is_io_error() => {
                if let csv::ErrorKind::Io(err) = e.into_kind() {
                    return Err(io(err));
                }
                unreachable!("checked is_io_error")
            }
            Err(e) => Err(format!("unreadable row: {e}")),
        };
        rows.push(Row { number, cells });
    }
    Ok(Table { headers, rows })
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// calamine 0.38 panics on some malformed cell references where it should answer an
/// error (tafia/calamine#709; found by `scripts/fuzz import_xlsx`): such a workbook is
/// unusable, not a reason to bring the import, or the server, down.
fn read_xlsx(path: &Path) -> Result<Table, FileError> {
    std::panic::catch_unwind(|| read_xlsx_unguarded(path)).unwrap_or_else(|_| {
        Err(unusable(
            path,
            "the workbook is malformed (a cell reference cannot be read)",
        ))
    })
}

fn read_xlsx_unguarded(path: &Path) -> Result<Table, FileError> {
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| unusable(path, e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| unusable(path, "the workbook has no sheet"))?
        .map_err(|e| unusable(path, e.to_string()))?;
    let first_row = range.start().map(|(r, _)| r as u64 + 1).unwrap_or(1);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut it = range.rows();
    let Some(h) = it.next() else {
        return Err(unusable(path, "no header row"));
    };
    // Cells left of the used range are empty columns; keep positions aligned.
    let pad = |r: &[Data]| {
        let mut v = vec![String::new(); first_col];
        v.extend(r.iter().map(cell_text));
        v
    };
    let headers = pad(h).iter().map(|s| header_name(s)).collect();
    let rows = it
        .enumerate()
        .map(|(i, r)| Row {
            number: first_row + 1 + i as u64,
            cells: Ok(pad(r)),
        })
        .filter(|r| {
            r.cells
                .as_ref()
                .is_ok_and(|c| c.iter().any(|x| !x.trim().is_empty()))
        })
        .collect();
    Ok(Table { headers, rows })
}

/// Columns written as numbers in XLSX (everything else is text, so ids like `0042`
/// survive a round trip).
const NUMERIC: &[&str] = &[
    "founded_year",
    "employees",
    "funding_amount",
    "capacity",
    "slots",
    "amount",
    "score",
    "ticket_min_krw",
    "ticket_max_krw",
    "value",
    "target",
    "baseline",
    "year",
];

/// Writes a header row and data rows as CSV or XLSX (one sheet named `sheet`).
pub fn write_table(
    path: &Path,
    format: Format,
    sheet: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<usize, FileError> {
    let fail = |e: &dyn std::fmt::Display| unusable(path, e.to_string());
    let mut n = 0;
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_path(path).map_err(|e| fail(&e))?;
            w.write_record(headers).map_err(|e| fail(&e))?;
            for r in rows {
                w.write_record(&r).map_err(|e| fail(&e))?;
                n += 1;
            }
            w.flush().map_err(|e| fail(&e))?;
        }
        Format::Xlsx => {
            let mut wb = rust_xlsxwriter::Workbook::new();
            n = fill_sheet(&mut wb, sheet, headers, rows, NUMERIC).map_err(|e| fail(&e))?;
            wb.save(path).map_err(|e| fail(&e))?;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_xlsx_round_trip_korean_text_and_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let headers = ["id", "name", "funding_amount", "note"];
        let rows = vec![
            vec![
                "0042".to_string(),
                "딥비전 주식회사".into(),
                "1500000".into(),
                "줄바꿈\n포함, \"따옴표\"".into(),
            ],
            vec![
                "b".to_string(),
                "Robo, Inc.".into(),
                "12.5".into(),
                String::new(),
            ],
        ];
        for f in [Format::Csv, Format::Xlsx] {
            let p = dir
                .path()
                .join(if f == Format::Csv { "t.csv" } else { "t.xlsx" });
            assert_eq!(
                write_table(&p, f, "startups", &headers, rows.clone()).unwrap(),
                2
            );
            let t = read_table(&p).unwrap();
            assert_eq!(t.headers, headers);
            let got: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| {
                    let mut c = r.cells.clone().unwrap();
                    c.resize(4, String::new());
                    c
                })
                .collect();
            assert_eq!(got, rows, "{f:?}");
            assert_eq!(t.rows[0].number, 2);
        }
    }

    #[test]
    fn unusable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            read_table(&dir.path().join("missing.csv"))
                .unwrap_err()
                .to_string()
                .contains("no such file")
        );
        let empty = dir.path().join("empty.csv");
        std::fs::write(&empty, "").unwrap();
        assert!(
            read_table(&empty)
                .unwrap_err()
                .to_string()
                .contains("no header row")
        );
        let txt = dir.path().join("x.txt");
        std::fs::write(&txt, "a,b").unwrap();
        assert!(
            read_table(&txt)
                .unwrap_err()
                .to_string()
                .contains(".csv or .xlsx")
        );
    }

    #[test]
    fn a_row_that_is_not_utf8_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("latin1.csv");
        std::fs::write(&p, b"id,name\n1,ok\n2,caf\xe9\n3,fine\n").unwrap();
        let t = read_table(&p).unwrap();
        assert_eq!(t.rows.len(), 3);
        assert!(t.rows[1].cells.as_ref().unwrap_err().contains("not UTF-8"));
        assert_eq!(t.rows[2].number, 4);
    }
}

/// One worksheet: a bold, frozen header row, then the rows; cells of the `numeric`
/// columns that read as numbers are written as numbers. Answers the rows written.
fn fill_sheet(
    wb: &mut rust_xlsxwriter::Workbook,
    sheet: &str,
    headers: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    numeric: &[&str],
) -> Result<usize, rust_xlsxwriter::XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut n = 0;
    for (i, r) in rows.into_iter().enumerate() {
        let row = i as u32 + 1;
        for (c, v) in r.iter().enumerate() {
            let is_numeric = numeric.contains(&headers.get(c).copied().unwrap_or(""));
            let num = v
                .parse::<f64>()
                .ok()
                .filter(|f| is_numeric && f.is_finite() && f.to_string() == *v);
            match num {
                Some(f) => ws.write_number(row, c as u16, f),
                None if v.is_empty() => continue,
                None => ws.write_string(row, c as u16, v),
            }?;
        }
        n += 1;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(n)
}

/// A sheet of a workbook: its name, headers, rows and which columns are numbers.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub headers: Vec<&'a str>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<&'a str>,
}

/// An XLSX workbook of several sheets, as bytes.
pub fn workbook(sheets: Vec<Sheet>) -> Result<Vec<u8>, FileError> {
    let fail = |e: rust_xlsxwriter::XlsxError| FileError::Unusable {
        path: "workbook".into(),
        reason: e.to_string(),
    };
    let mut wb = rust_xlsxwriter::Workbook::new();
    for s in sheets {
        fill_sheet(&mut wb, s.name, &s.headers, s.rows, &s.numeric).map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}
