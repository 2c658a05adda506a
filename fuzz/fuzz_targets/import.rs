//! Shared by the import targets: a file of any bytes goes through the importer's whole
//! reading path — the table reader, then every row as each record kind — which must
//! answer with rows or a reason, never panic.

use domain::records::RecordKind;

pub fn read_as(data: &[u8], extension: &str) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(format!("input.{extension}"));
    std::fs::write(&path, data).expect("written");
    let Ok(table) = store::files::read_table(&path) else {
        return;
    };
    for kind in [
        RecordKind::Startups,
        RecordKind::Enterprises,
        RecordKind::Needs,
        RecordKind::Outcomes,
    ] {
        for row in &table.rows {
            let _ = app::import::read_row(kind, &table.headers, row);
        }
    }
}
