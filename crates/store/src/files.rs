//! Tabular files: reads CSV and XLSX into rows of text cells (header row first) and
//! writes them back. Row numbers are spreadsheet rows: the header is row 1.

use std::path::Path;

use calamine::{Data, Reader};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {reason}")]
    Unusable { path: String, reason: String },
    /// Larger than the reader takes (the limit is named in the reason).
    #[error("{path}: {reason}")]
    TooLarge { path: String, reason: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn too_large(path: &Path, reason: impl Into<String>) -> FileError {
    FileError::TooLarge {
        path: path.display().to_string(),
        reason: reason.into(),
    }
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
    read_table_within(path, XlsxLimits::DEFAULT)
}

/// [`read_table`] with the given bounds on what an XLSX file may unpack to; a file past
/// them is [`FileError::TooLarge`], refused before it is read.
pub fn read_table_within(path: &Path, limits: XlsxLimits) -> Result<Table, FileError> {
    if !path.exists() {
        return Err(unusable(path, "no such file"));
    }
    let table = match Format::from_path(path)? {
        Format::Csv => read_csv(path)?,
        Format::Xlsx => read_xlsx(path, limits)?,
    };
    if table.headers.iter().all(String::is_empty) {
        return Err(unusable(path, "no header row"));
    }
    // two columns of one name: which one a row means cannot be told
    for (i, h) in table.headers.iter().enumerate() {
        if !h.is_empty() && table.headers[..i].contains(h) {
            return Err(unusable(
                path,
                format!(
                    "the header names column '{h}' twice (columns {} and {})",
                    table.headers[..i].iter().position(|x| x == h).unwrap_or(0) + 1,
                    i + 1
                ),
            ));
        }
    }
    Ok(table)
}

fn header_name(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
/// injection").
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell as it is written for spreadsheets: text that a spreadsheet would read as a
/// formula (`=HYPERLINK(…)`, `+82 …`, `-x`, `@…`) gets a leading `'`, as does text that
/// would read as such a guard (`'=x`, `''x`), so that [`from_spreadsheet_safe`] gives
/// back exactly what was written. Plain numbers (`-12.5`) are no formula and stay.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let guarded = cell.starts_with(FORMULA_STARTS) || looks_guarded(cell);
    if guarded && cell.parse::<f64>().map_or(true, |f| !f.is_finite()) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// A CSV cell as read: the guard [`spreadsheet_safe`] added is taken off (a `'` before
/// a formula character or before another `'`); anything else stays as written.
pub fn from_spreadsheet_safe(cell: String) -> String {
    if looks_guarded(&cell) {
        cell[1..].to_string()
    } else {
        cell
    }
}

/// `'` before a formula character or another `'`: the guard a spreadsheet puts there.
fn looks_guarded(cell: &str) -> bool {
    cell.strip_prefix('\'')
        .is_some_and(|rest| rest.starts_with(FORMULA_STARTS) || rest.starts_with('\''))
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
                    String::from_utf8(c.to_vec())
                        .map(from_spreadsheet_safe)
                        .map_err(|_| {
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

/// What an XLSX file may make the reader do: an XLSX is a zip archive, and a small one
/// can inflate to gigabytes or name a cell a million rows down, which a reader that
/// trusts it turns into gigabytes of memory.
#[derive(Debug, Clone, Copy)]
pub struct XlsxLimits {
    /// Entries in the archive.
    pub entries: usize,
    /// Bytes of all entries together once inflated (declared and actual).
    pub unpacked_bytes: u64,
    /// Cells of the sheet's used range, counted from column A (rows × columns read).
    pub cells: u64,
}

impl XlsxLimits {
    /// 256 MiB inflated and 10 million cells: about 50 times the largest register
    /// imported so far, and bounded work and memory (a few seconds, under 1 GB).
    pub const DEFAULT: XlsxLimits = XlsxLimits {
        entries: 10_000,
        unpacked_bytes: 256 * 1024 * 1024,
        cells: 10_000_000,
    };
}

/// calamine 0.38 panics on some malformed cell references where it should answer an
/// error (tafia/calamine#709; found by `scripts/fuzz import_xlsx`): such a workbook is
/// unusable, not a reason to bring the import, or the server, down.
fn read_xlsx(path: &Path, limits: XlsxLimits) -> Result<Table, FileError> {
    std::panic::catch_unwind(|| read_xlsx_unguarded(path, limits)).unwrap_or_else(|_| {
        Err(unusable(
            path,
            "the workbook is malformed (a cell reference cannot be read)",
        ))
    })
}

/// Checks the archive before anything is read from it: how many entries, what they
/// declare they inflate to, and what they really inflate to (each is inflated into
/// nothing, never past the limit), so a zip bomb is refused in bounded time.
fn check_archive(path: &Path, limits: XlsxLimits) -> Result<(), FileError> {
    let mib = |b: u64| b / (1024 * 1024);
    let file = std::fs::File::open(path).map_err(|source| FileError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .map_err(|e| unusable(path, format!("not an XLSX workbook: {e}")))?;
    if zip.len() > limits.entries {
        return Err(too_large(
            path,
            format!(
                "the workbook holds {} parts; at most {} are read",
                zip.len(),
                limits.entries
            ),
        ));
    }
    let over = |what: &str| {
        too_large(
            path,
            format!(
                "the workbook {what} more than {} MiB once unpacked (the limit for an import)",
                mib(limits.unpacked_bytes)
            ),
        )
    };
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| unusable(path, format!("not an XLSX workbook: {e}")))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > limits.unpacked_bytes {
        return Err(over("declares"));
    }
    let mut actual = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| unusable(path, format!("not an XLSX workbook: {e}")))?;
        let room = limits.unpacked_bytes - actual;
        let n = std::io::copy(
            &mut std::io::Read::take(entry, room + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| {
            unusable(
                path,
                format!("the workbook is malformed (a damaged part: {e})"),
            )
        })?;
        if n > room {
            return Err(over("inflates to"));
        }
        actual += n;
    }
    Ok(())
}

/// Spreadsheet name of a 0-based column (0 → A, 16383 → XFD).
fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII")
}

fn read_xlsx_unguarded(path: &Path, limits: XlsxLimits) -> Result<Table, FileError> {
    check_archive(path, limits)?;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path)
        .map_err(|e: calamine::XlsxError| unusable(path, e.to_string()))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| unusable(path, "the workbook has no sheet"))?;
    let mut reader = wb
        .worksheet_cells_reader(&sheet)
        .map_err(|e| unusable(path, e.to_string()))?;
    // the cells that hold something, read one by one: the sheet's used range is known
    // (and refused when too large) before any row is laid out
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let (mut top, mut bottom, mut right) = (u32::MAX, 0u32, 0u32);
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| unusable(path, e.to_string()))?
    {
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (row, col) = cell.get_position();
        (top, bottom, right) = (top.min(row), bottom.max(row), right.max(col));
        let span = (u64::from(bottom - top) + 1) * (u64::from(right) + 1);
        if span > limits.cells {
            return Err(too_large(
                path,
                format!(
                    "the sheet's used range A{}:{}{} spans {span} cells; at most {} are read \
                     (delete the stray cells far from the table)",
                    top + 1,
                    column_name(right),
                    bottom + 1,
                    limits.cells
                ),
            ));
        }
        cells.push((row, col, text));
    }
    if cells.is_empty() {
        return Err(unusable(path, "no header row"));
    }
    cells.sort_by_key(|c| (c.0, c.1));
    let width = right as usize + 1;
    let mut rows: Vec<Row> = Vec::new();
    let mut headers = None;
    for (row, col, text) in cells {
        let line = if row == top {
            headers.get_or_insert_with(|| vec![String::new(); width])
        } else {
            if rows.last().is_none_or(|r| r.number != u64::from(row) + 1) {
                rows.push(Row {
                    number: u64::from(row) + 1,
                    cells: Ok(vec![String::new(); width]),
                });
            }
            rows.last_mut()
                .and_then(|r| r.cells.as_mut().ok())
                .expect("a row just laid out")
        };
        line[col as usize] = text;
    }
    let headers = headers
        .expect("the top row has a cell")
        .iter()
        .map(|s| header_name(s))
        .collect();
    rows.retain(|r| {
        r.cells
            .as_ref()
            .is_ok_and(|c| c.iter().any(|x| !x.trim().is_empty()))
    });
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

/// Writes a header row and data rows as CSV or XLSX (one sheet named `sheet`). CSV
/// cells are [`spreadsheet_safe`]; XLSX cells are text or numbers, never formulas.
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
                w.write_record(r.iter().map(|c| spreadsheet_safe(c).into_owned()))
                    .map_err(|e| fail(&e))?;
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
