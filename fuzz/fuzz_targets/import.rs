//! Shared by the import targets: a file of any bytes goes through the importer's whole
//! reading path — the table reader, then every row as each record kind — which must
//! answer with rows or a reason, never panic.

use domain::records::RecordKind;

/// libFuzzer's panic hook aborts at once, before any `catch_unwind` can act. The XLSX
/// reader guards calamine's known panics (see `store::files::read_xlsx`), so panics
/// inside calamine unwind to that guard; any other panic still aborts here, and an
/// unguarded one still reaches libFuzzer's own catch and aborts there.
fn let_guarded_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.location().is_some_and(|l| l.file().contains("/calamine-")) {
                abort(info);
            }
        }));
    });
}

pub fn read_as(data: &[u8], extension: &str) {
    let_guarded_panics_unwind();
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
