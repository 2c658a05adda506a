//! Import and export against a real SQLite database: mixed good and bad rows,
//! idempotent re-import, the real data slices, and export → import round trips.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use app::App;
use app::export::{ExportKind, Format};
use domain::records::RecordKind;

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

async fn open(dir: &tempfile::TempDir, name: &str) -> App {
    App::open(&store::testing::fresh_database(dir.path(), name))
        .await
        .unwrap()
}

async fn import(app: &App, kind: RecordKind, path: &Path) -> app::import::ImportReport {
    app.records()
        .import_file(&app::Operator::named("test"), kind, path, &|_, _| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn good_rows_go_in_bad_rows_are_named_and_nothing_else_changes() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "m.db").await;
    // mx-3 exists before with good data; its bad row must not touch it
    let before = dir.path().join("before.csv");
    std::fs::write(&before, "id,name,stage\nmx-3,핀브릿지,seed\n").unwrap();
    import(&app, RecordKind::Startups, &before).await;

    let r = import(&app, RecordKind::Startups, &fixture("mixed-startups.csv")).await;
    assert_eq!(r.rows, 8);
    assert_eq!(r.accepted, 4);
    assert_eq!(
        (r.inserted, r.updated),
        (4, 0),
        "mx-8 is a record of its own"
    );
    assert_eq!(r.rejected_rows(), 4);
    let named: Vec<(u64, &str)> = r
        .rejected
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect();
    assert_eq!(
        named,
        vec![
            (3, "name"),
            (4, "stage"),
            (6, "founded_year"),
            (6, "business_reg_no"),
            (7, "funding_currency"),
        ]
    );
    // the same registration number as mx-1: row 9 is its own record, flagged for review
    let notes: Vec<(u64, &str)> = r
        .notices
        .iter()
        .map(|p| (p.row, p.column.as_str()))
        .collect();
    assert_eq!(notes, vec![(9, "business_reg_no")]);
    assert!(
        r.notices[0].reason.contains(
            "registered to startup 'mx-1': 'mx-8' is kept as its own record without the number"
        ),
        "{}",
        r.notices[0].reason
    );
    assert_eq!(r.unknown_columns, vec!["favourite_colour"]);

    let s = app.store();
    let ids: Vec<String> = s
        .records()
        .startups()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id.into_string())
        .collect();
    assert_eq!(ids, vec!["mx-3", "mx-1", "mx-4", "mx-7", "mx-8"]);
    let mx3 = s.records().startup("mx-3").await.unwrap().unwrap();
    assert_eq!(
        mx3.stage,
        Some(domain::Stage::Seed),
        "the bad row left the old data alone"
    );
    assert_eq!(mx3.technologies, Vec::<String>::new());
    let mx1 = s.records().startup("mx-1").await.unwrap().unwrap();
    assert_eq!(
        mx1.name, "딥비전",
        "the holder of the number is left as it was"
    );
    assert_eq!(mx1.funding.unwrap().minor, 1_500_000_000);
    assert_eq!(mx1.business_reg_no.unwrap().as_str(), "123-45-67890");
    let mx8 = s.records().startup("mx-8").await.unwrap().unwrap();
    assert_eq!(mx8.business_reg_no, None);
    assert_eq!(mx8.funding.unwrap().minor, 1_800_000_000);
    let mx4 = s.records().startup("mx-4").await.unwrap().unwrap();
    assert_eq!(mx4.funding.unwrap().minor, 25_000_050);
    assert_eq!(mx4.funding.unwrap().currency.code(), "USD");
    assert!(s.integrity_ok().await.unwrap());
}

#[tokio::test]
async fn re_import_updates_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "r.db").await;
    let files = [
        (RecordKind::Startups, "crunchbase-2013/startups.csv"),
        (RecordKind::Enterprises, "crunchbase-2013/enterprises.csv"),
        (RecordKind::Outcomes, "crunchbase-2013/outcomes.csv"),
    ];
    for (k, f) in files {
        let r = import(&app, k, &fixture(f)).await;
        assert_eq!(r.rejected, vec![], "{f}");
        assert_eq!(r.inserted, r.rows);
    }
    let counts = app.counts().await.unwrap();
    let startups = app.store().records().startups().await.unwrap();
    let kpi = app.kpi().figures().await.unwrap();
    for (k, f) in files {
        let r = import(&app, k, &fixture(f)).await;
        assert_eq!((r.inserted, r.updated), (0, r.rows), "{f}");
    }
    let mut after = app.counts().await.unwrap();
    assert!(after.audit_entries > counts.audit_entries);
    after.audit_entries = counts.audit_entries;
    assert_eq!(after, counts);
    assert_eq!(app.store().records().startups().await.unwrap(), startups);
    assert_eq!(app.kpi().figures().await.unwrap(), kpi);
    assert_eq!(counts.outcomes, 300);
    assert!(kpi.investment_krw > 0, "USD amounts convert to KRW");
}

/// The dashboard's figures are kept between requests, and every write shows in the
/// next ones: whether it came through this instance or through another one on the
/// same database (a second server, or the CLI importing while the server runs).
#[tokio::test]
async fn kpis_follow_every_write_from_any_instance() {
    let dir = tempfile::tempdir().unwrap();
    let url = store::testing::fresh_database(dir.path(), "k.db");
    let a = App::open(&url).await.unwrap();
    let b = App::open(&url).await.unwrap();
    let empty = a.kpi().figures().await.unwrap();
    assert_eq!(empty.startups_discovered, 0);
    assert_eq!(
        a.kpi().figures().await.unwrap(),
        empty,
        "nothing written, nothing changed"
    );

    for (kind, f) in [
        (RecordKind::Startups, "crunchbase-2013/startups.csv"),
        (RecordKind::Enterprises, "crunchbase-2013/enterprises.csv"),
    ] {
        import(&b, kind, &fixture(f)).await;
    }
    let counts = a.counts().await.unwrap();
    let before = a.kpi().figures().await.unwrap();
    assert_eq!(before.startups_discovered, counts.startups as u64);
    assert_eq!(before.investment_krw, 0);

    import(
        &b,
        RecordKind::Outcomes,
        &fixture("crunchbase-2013/outcomes.csv"),
    )
    .await;
    let invested = a.kpi().figures().await.unwrap();
    assert!(invested.investment_krw > 0, "outcomes written through B");
    assert_eq!(a.kpi().dashboard().await.unwrap().0, invested);

    let reopened = chrono::NaiveDate::from_ymd_opt(2000, 1, 1);
    b.kpi()
        .set_rate(&app::Operator::named("test"), "USD", 2_000.0, reopened)
        .await
        .unwrap();
    let revalued = a.kpi().figures().await.unwrap();
    assert!(
        revalued.investment_krw > invested.investment_krw,
        "a rate set through B"
    );

    b.kpi()
        .set_target(
            &app::Operator::named("test"),
            "pocs",
            Some(77.0),
            Some(2030),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        a.kpi().figures().await.unwrap().targets.get("pocs"),
        Some(&77.0)
    );
    a.kpi()
        .set_target(
            &app::Operator::named("test"),
            "pocs",
            Some(78.0),
            Some(2030),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        b.kpi().figures().await.unwrap().targets.get("pocs"),
        Some(&78.0)
    );
}

/// Found by `scripts/fuzz import_xlsx`: a workbook whose cell reference overflows the
/// XLSX reader's arithmetic panicked inside the reader; it is refused as unusable, and
/// the database keeps what it had.
#[tokio::test]
async fn a_workbook_that_trips_the_xlsx_reader_is_refused_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "x.db").await;
    import(&app, RecordKind::Startups, &fixture("mixed-startups.csv")).await;
    let before = app.counts().await.unwrap();
    let e = app
        .records()
        .import_file(
            &app::Operator::named("test"),
            RecordKind::Startups,
            &fixture("fuzz/overflowing-cell-reference.xlsx"),
            &|_, _| {},
        )
        .await
        .unwrap_err();
    assert!(matches!(e, app::AppError::Unusable(_)), "{e}");
    assert!(e.to_string().contains("malformed"), "{e}");
    assert_eq!(app.counts().await.unwrap(), before);
}

#[tokio::test]
async fn outcomes_must_name_known_startups_and_enterprises() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "o.db").await;
    import(
        &app,
        RecordKind::Enterprises,
        &fixture("crunchbase-2013/enterprises.csv"),
    )
    .await;
    let r = import(
        &app,
        RecordKind::Outcomes,
        &fixture("crunchbase-2013/outcomes.csv"),
    )
    .await;
    assert_eq!(r.accepted, 0);
    assert_eq!(r.rejected.len(), 300);
    assert!(
        r.rejected
            .iter()
            .all(|p| p.column == "startup_id" && p.reason.starts_with("no startup with id"))
    );
    assert_eq!(app.counts().await.unwrap().outcomes, 0);
}

#[tokio::test]
async fn sbir_text_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "s.db").await;
    let r = import(&app, RecordKind::Startups, &fixture("sbir/startups.csv")).await;
    assert_eq!((r.rows, r.accepted, r.rejected.len()), (200, 200, 0));
    let s = app.store().records().startups().await.unwrap();
    let t = store::files::read_table(&fixture("sbir/startups.csv")).unwrap();
    let col = t.headers.iter().position(|h| h == "description").unwrap();
    for (stored, row) in s.iter().zip(&t.rows) {
        let text = row.cells.as_ref().unwrap()[col].trim();
        assert_eq!(
            stored.description.as_deref().unwrap_or(""),
            text,
            "{}",
            stored.id
        );
    }
    assert!(
        s.iter()
            .map(|s| s.description.as_ref().map_or(0, String::len))
            .sum::<usize>()
            > 100_000
    );
    assert_eq!(s[0].source.as_deref(), Some("sbir-phase2"));
}

async fn export_all(app: &App, dir: &Path, format: Format) -> Vec<(RecordKind, PathBuf)> {
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    let mut out = Vec::new();
    for k in RecordKind::ALL {
        let p = dir.join(format!("{}.{ext}", k.as_str()));
        app.records()
            .export(
                &app::Operator::named("test"),
                ExportKind::Records(k),
                format,
                &p,
            )
            .await
            .unwrap();
        out.push((k, p));
    }
    out
}

#[tokio::test]
async fn export_then_import_gives_the_same_data_in_csv_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let src = open(&dir, "src.db").await;
    demo::fill(&src, 11, &|_| {}).await.unwrap();
    let want = (
        src.store().records().startups().await.unwrap(),
        src.store().records().enterprises().await.unwrap(),
        src.store().records().needs().await.unwrap(),
    );
    // outcomes tied to matches need the matches, which are not an import kind: compare
    // them without the need reference
    let strip = |mut v: Vec<domain::Outcome>| {
        v.iter_mut().for_each(|o| o.need_id = None);
        v
    };
    let want_outcomes = strip(src.store().pipeline().outcomes().await.unwrap());
    for format in [Format::Csv, Format::Xlsx] {
        let sub = tempfile::tempdir().unwrap();
        let files = export_all(&src, sub.path(), format).await;
        let dst = App::open(&store::testing::fresh_database(sub.path(), "dst.db"))
            .await
            .unwrap();
        for (k, p) in &files {
            let text = if *k == RecordKind::Outcomes {
                // drop need_id: the destination has no matches to tie them to
                let t = store::files::read_table(p).unwrap();
                let col = t.headers.iter().position(|h| h == "need_id").unwrap();
                let rows = t.rows.into_iter().map(|r| {
                    let mut c = r.cells.unwrap();
                    c.resize(t.headers.len(), String::new());
                    c[col].clear();
                    c
                });
                let hs: Vec<&str> = t.headers.iter().map(String::as_str).collect();
                store::files::write_table(p, format, "outcomes", &hs, rows).unwrap();
                p.clone()
            } else {
                p.clone()
            };
            let r = import(&dst, *k, &text).await;
            assert_eq!(r.rejected, vec![], "{format:?} {k:?}");
        }
        let got = (
            dst.store().records().startups().await.unwrap(),
            dst.store().records().enterprises().await.unwrap(),
            dst.store().records().needs().await.unwrap(),
        );
        assert_eq!(got.0.len(), want.0.len());
        assert_eq!(got, want, "{format:?}");
        assert_eq!(
            strip(dst.store().pipeline().outcomes().await.unwrap()),
            want_outcomes,
            "{format:?}"
        );
    }
}

#[tokio::test]
async fn matches_and_kpis_export_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "k.db").await;
    demo::fill(&app, 5, &|_| {}).await.unwrap();
    for (kind, name) in [(ExportKind::Matches, "matches"), (ExportKind::Kpi, "kpi")] {
        for (format, ext) in [(Format::Csv, "csv"), (Format::Xlsx, "xlsx")] {
            let p = dir.path().join(format!("{name}.{ext}"));
            let n = app
                .records()
                .export(&app::Operator::named("test"), kind, format, &p)
                .await
                .unwrap();
            let t = store::files::read_table(&p).unwrap();
            assert_eq!(t.rows.len(), n, "{name}.{ext}");
            assert!(n > 10);
        }
    }
    let t = store::files::read_table(&dir.path().join("kpi.csv")).unwrap();
    let row = t
        .rows
        .iter()
        .map(|r| r.cells.clone().unwrap())
        .find(|c| c[0] == "total" && c[1] == "startups_discovered")
        .unwrap();
    assert_eq!(row[3], "2000");
    assert_eq!(row[5], "213");
}

/// Issue #18, item 16: member-entered text that a spreadsheet would run as a formula is
/// written to CSV behind a `'`, and the export still imports back to the same data —
/// text that legitimately starts with `-`, `+` or `'` included.
#[tokio::test]
async fn csv_exports_neutralise_formulas_and_import_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "f.db").await;
    let src = dir.path().join("in.csv");
    std::fs::write(
        &src,
        "id,name,name_en,description,description_en,city,region,funding_amount,funding_currency\n\
         f-1,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",+82 Labs,-20°C cold chain,'quoted,@home,-12.5,12.5,USD\n\
         f-2,\"\tTabbed\",\"\rReturn\",'=already guarded,''two,+1,ok,1000,KRW\n",
    )
    .unwrap();
    let r = import(&app, RecordKind::Startups, &src).await;
    assert_eq!(r.rejected, vec![]);
    let want = app.store().records().startups().await.unwrap();
    let f1 = want.iter().find(|s| s.id == "f-1").unwrap();
    assert!(f1.name.starts_with("=HYPERLINK("), "{}", f1.name);
    assert_eq!(f1.description.as_deref(), Some("-20°C cold chain"));

    let out = dir.path().join("startups.csv");
    app.records()
        .export(
            &app::Operator::named("test"),
            ExportKind::Records(RecordKind::Startups),
            Format::Csv,
            &out,
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let mut cells = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for rec in cells.records() {
        for cell in rec.unwrap().iter() {
            let formula =
                cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
            assert!(!formula, "a spreadsheet would run {cell:?}");
        }
    }
    assert!(text.contains("'=HYPERLINK("), "{text}");
    assert!(text.contains("'+82 Labs"), "{text}");
    assert!(text.contains(",-12.5,"), "a number stays a number: {text}");

    let dst = open(&dir, "g.db").await;
    let r = import(&dst, RecordKind::Startups, &out).await;
    assert_eq!(r.rejected, vec![]);
    assert_eq!(dst.store().records().startups().await.unwrap(), want);
}

/// Issue #18, item 4: a row with a new id and a registration number another startup
/// holds does not touch that startup: it is stored as its own record (without the
/// number, which stays unique), flagged as a likely duplicate for review with a
/// notice, and a merge into it hands it the number.
#[tokio::test]
async fn a_known_registration_number_under_a_new_id_is_flagged_never_merged() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "b.db").await;
    let first = dir.path().join("first.csv");
    std::fs::write(
        &first,
        "id,name,stage,funding_amount,region,discovered_on,business_reg_no\n\
         s-1,한빛로보틱스,seed,100000000,서울,2023-03-01,220-81-62517\n",
    )
    .unwrap();
    import(&app, RecordKind::Startups, &first).await;
    let holder = app.store().records().startup("s-1").await.unwrap().unwrap();

    let second = dir.path().join("second.csv");
    std::fs::write(
        &second,
        "id,name,stage,funding_amount,region,discovered_on,business_reg_no\n\
         s-2,Totally Different Co,series-b,900000000,부산,2025-01-01,2208162517\n",
    )
    .unwrap();
    for _ in 0..2 {
        // a re-import of the same file changes nothing more
        let r = import(&app, RecordKind::Startups, &second).await;
        assert_eq!(r.rejected, vec![]);
        assert_eq!(r.notices.len(), 1, "{:?}", r.notices);
        assert_eq!(r.notices[0].column, "business_reg_no");
        assert!(r.notices[0].reason.contains("likely duplicate"));
        assert_eq!(
            app.store().records().startup("s-1").await.unwrap().unwrap(),
            holder,
            "nothing of the holder changed"
        );
    }
    let s2 = app.store().records().startup("s-2").await.unwrap().unwrap();
    assert_eq!(s2.name, "Totally Different Co");
    assert_eq!(s2.business_reg_no, None);
    let flags = app
        .records()
        .duplicates(&app::Operator::named("test"), Some("open"))
        .await
        .unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(
        (flags[0].startup_a.as_str(), flags[0].startup_b.as_str()),
        ("s-1", "s-2")
    );
    assert!(
        flags[0].reason.contains("220-81-62517"),
        "{}",
        flags[0].reason
    );

    // a person merges: the record kept gets the number
    app.records()
        .merge_startups(&app::Operator::named("test"), "s-2", "s-1")
        .await
        .unwrap();
    let kept = app.store().records().startup("s-2").await.unwrap().unwrap();
    assert_eq!(kept.business_reg_no.unwrap().as_str(), "220-81-62517");
}

/// Issue #18, item 8: after a merge, re-importing the file the merged startup came from
/// does not bring it back: its row is read as the record it was merged into, changes
/// nothing, and says so.
#[tokio::test]
async fn a_re_import_does_not_resurrect_a_merged_startup() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "m.db").await;
    let file = dir.path().join("s.csv");
    std::fs::write(
        &file,
        "id,name,city\nk-1,딥비전,서울\nk-2,딥비전 주식회사,판교\n",
    )
    .unwrap();
    let r = import(&app, RecordKind::Startups, &file).await;
    assert_eq!(r.notices.len(), 1, "flagged by name: {:?}", r.notices);
    app.records()
        .merge_startups(&app::Operator::named("test"), "k-1", "k-2")
        .await
        .unwrap();
    let after_merge = app.store().records().startups().await.unwrap();

    let r = import(&app, RecordKind::Startups, &file).await;
    assert_eq!(r.rejected, vec![]);
    assert_eq!((r.inserted, r.updated), (0, 1), "k-1 rewritten as it was");
    let notes: Vec<(u64, &str)> = r
        .notices
        .iter()
        .map(|n| (n.row, n.column.as_str()))
        .collect();
    assert_eq!(notes, vec![(3, "id")]);
    assert!(
        r.notices[0].reason.contains("merged into 'k-1'"),
        "{:?}",
        r.notices
    );
    assert_eq!(app.store().records().startups().await.unwrap(), after_merge);
    assert!(
        app.store()
            .records()
            .startup("k-2")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        app.records()
            .duplicates(&app::Operator::named("test"), Some("open"))
            .await
            .unwrap(),
        vec![]
    );
}

/// Issue #18, item 8: enterprises get the duplicate check startups have: a second
/// "한빛모빌리티" (legal form aside, or by its English name) is flagged for review with a
/// notice, and listed with the startups' flags.
#[tokio::test]
async fn a_second_enterprise_of_the_same_name_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "e.db").await;
    let first = dir.path().join("e1.csv");
    std::fs::write(
        &first,
        "id,name,name_en\ne-1,한빛모빌리티,Hanbit Mobility\ne-9,다른회사,\n",
    )
    .unwrap();
    let r = import(&app, RecordKind::Enterprises, &first).await;
    assert_eq!(r.notices, vec![]);
    let second = dir.path().join("e2.csv");
    std::fs::write(
        &second,
        "id,name,name_en\ne-2,(주)한빛모빌리티,\ne-3,에이치비엠,\"Hanbit Mobility Co., Ltd.\"\n",
    )
    .unwrap();
    let r = import(&app, RecordKind::Enterprises, &second).await;
    assert_eq!(r.rejected, vec![]);
    let notes: Vec<(u64, &str)> = r
        .notices
        .iter()
        .map(|n| (n.row, n.column.as_str()))
        .collect();
    assert_eq!(notes, vec![(2, "name"), (3, "name")], "{:?}", r.notices);
    assert!(r.notices[0].reason.contains("as enterprise 'e-1'"));
    let flags = app
        .records()
        .duplicates(&app::Operator::named("test"), Some("open"))
        .await
        .unwrap();
    let pairs: Vec<(&str, &str, &str)> = flags
        .iter()
        .map(|f| (f.kind.as_str(), f.startup_a.as_str(), f.startup_b.as_str()))
        .collect();
    assert!(pairs.contains(&("enterprise", "e-1", "e-2")), "{pairs:?}");
    assert!(pairs.contains(&("enterprise", "e-1", "e-3")), "{pairs:?}");
    assert!(pairs.iter().all(|p| p.0 == "enterprise"));
    // dismissed pairs are not flagged again
    app.records()
        .dismiss_duplicate(&app::Operator::named("test"), "e-1", "e-2")
        .await
        .unwrap();
    let r = import(&app, RecordKind::Enterprises, &second).await;
    assert_eq!(r.notices, vec![]);
}

/// Issue #18, item 7: a real register's list cells — commas, `|`, industry labels and
/// common spellings — are read as lists of codes, and each reading is reported.
#[tokio::test]
async fn list_cells_and_industry_labels_are_read_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "l.db").await;
    let file = dir.path().join("l.csv");
    std::fs::write(
        &file,
        "id,name,industries,technologies\n\
         l-1,바이오랩,bio/health,\"gene editing, cell culture\"\n\
         l-2,그린랩,\"climate/energy, 바이오헬스\",battery|solar\n\
         l-3,에이아이랩,\"AI, ai, robotics\",vision\n",
    )
    .unwrap();
    let r = import(&app, RecordKind::Startups, &file).await;
    assert_eq!(r.rejected, vec![]);
    let s = |id: &str| {
        let app = app.clone();
        let id = id.to_string();
        async move { app.store().records().startup(&id).await.unwrap().unwrap() }
    };
    assert_eq!(s("l-1").await.industries, vec!["bio-health"]);
    assert_eq!(
        s("l-1").await.technologies,
        vec!["gene editing", "cell culture"]
    );
    assert_eq!(
        s("l-2").await.industries,
        vec!["climate-energy", "bio-health"]
    );
    assert_eq!(s("l-2").await.technologies, vec!["battery", "solar"]);
    assert_eq!(s("l-3").await.industries, vec!["ai", "robotics"]);
    let notes: Vec<(u64, &str)> = r
        .notices
        .iter()
        .map(|n| (n.row, n.reason.as_str()))
        .collect();
    assert_eq!(
        notes,
        vec![
            (2, "'bio/health' read as 'bio-health'"),
            (3, "'climate/energy' read as 'climate-energy'"),
            (3, "'바이오헬스' read as 'bio-health'"),
        ]
    );
}

/// A file that leaves columns out changes only the columns it has: a confidential
/// need stays confidential and its English text stays when a later sheet of titles
/// has no `visibility` or `*_en` columns; a blank cell still clears its field; a row
/// that is wrong once laid over the stored need leaves that need as it was.
#[tokio::test]
async fn a_file_without_a_column_keeps_what_is_stored_there() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "partial.db").await;
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let enterprises = write("e.csv", "id,name,size_class\nent-1,한빛,large\n");
    import(&app, RecordKind::Enterprises, &enterprises).await;
    let full = write(
        "full.csv",
        "id,enterprise_id,title,title_en,description,description_en,slots,visibility\n\
         n-1,ent-1,배터리 진단,Battery diagnostics,셀 열화 예측,Predicting cell ageing,2,confidential\n\
         n-2,ent-1,물류 로봇,Logistics robots,창고 자동화,Warehouse automation,1,confidential\n",
    );
    let r = import(&app, RecordKind::Needs, &full).await;
    assert_eq!((r.inserted, r.rejected.len()), (2, 0), "{r:?}");

    // a later sheet with titles only, a blank English title for n-2, and a third row
    // whose slots are wrong
    let titles = write(
        "titles.csv",
        "id,enterprise_id,title,title_en,slots\n\
         n-1,ent-1,배터리 수명 진단,,\n\
         n-2,ent-1,물류 로봇 관제,,many\n",
    );
    let r = import(&app, RecordKind::Needs, &titles).await;
    assert_eq!((r.accepted, r.updated), (1, 1), "{r:?}");
    assert_eq!(
        r.rejected
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "slots")]
    );

    let n1 = app.store().records().need("n-1").await.unwrap().unwrap();
    assert_eq!(n1.title, "배터리 수명 진단");
    assert_eq!(n1.title_en, None, "a blank cell clears its field");
    assert_eq!(n1.description_en.as_deref(), Some("Predicting cell ageing"));
    assert_eq!(n1.description.as_deref(), Some("셀 열화 예측"));
    assert_eq!(n1.slots, 1, "a blank slots cell clears it to its default");
    assert_eq!(n1.visibility, domain::Visibility::Confidential);

    let n2 = app.store().records().need("n-2").await.unwrap().unwrap();
    assert_eq!(n2.title, "물류 로봇", "a refused row changes nothing");
    assert_eq!(n2.title_en.as_deref(), Some("Logistics robots"));
}

/// Found by an attacker after the partial imports landed: an outcomes sheet of notes
/// cleared the amounts it did not carry (and the KPIs fell), a blank visibility cell
/// made a confidential need public, and a row with another enterprise_id moved a need
/// away from its matches and outcomes. Now an outcome row is laid over the outcome of
/// its key, a blank visibility keeps the stored one, and a need stays with its
/// enterprise; a save through the API is audited under the record it wrote.
#[tokio::test]
async fn partial_rows_keep_amounts_privacy_and_owners() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "owners.db").await;
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    import(
        &app,
        RecordKind::Startups,
        &write("s.csv", "id,name\nst-1,라온\n"),
    )
    .await;
    import(
        &app,
        RecordKind::Enterprises,
        &write("e.csv", "id,name\nent-1,한빛\nent-2,대한\n"),
    )
    .await;
    let r = import(
        &app,
        RecordKind::Needs,
        &write(
            "n.csv",
            "id,enterprise_id,title,visibility\nn-1,ent-1,배터리 진단,confidential\n",
        ),
    )
    .await;
    assert_eq!(r.inserted, 1, "{r:?}");
    let r = import(
        &app,
        RecordKind::Outcomes,
        &write(
            "o.csv",
            "startup_id,enterprise_id,kind,date,amount,currency,note\n\
             st-1,ent-1,investment,2021-03-04,790000000,KRW,\n",
        ),
    )
    .await;
    assert_eq!(r.inserted, 1, "{r:?}");
    let before = app.kpi().figures().await.unwrap().investment_krw;
    assert_eq!(before, 790_000_000);

    // a sheet of notes: the amount and currency stay
    let r = import(
        &app,
        RecordKind::Outcomes,
        &write(
            "notes.csv",
            "startup_id,enterprise_id,kind,date,note\n\
             st-1,ent-1,investment,2021-03-04,checked by the program\n",
        ),
    )
    .await;
    assert_eq!(
        (r.inserted, r.updated, r.rejected.len()),
        (0, 1, 0),
        "{r:?}"
    );
    let outcomes = app.store().pipeline().outcomes().await.unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].amount.map(|m| m.minor), Some(790_000_000));
    assert_eq!(outcomes[0].note.as_deref(), Some("checked by the program"));
    assert_eq!(app.kpi().figures().await.unwrap().investment_krw, before);

    // a blank visibility keeps the need confidential; another enterprise's id is
    // refused with the row and column, and the need stays where it was
    let r = import(
        &app,
        RecordKind::Needs,
        &write(
            "blank.csv",
            "id,enterprise_id,title,visibility\nn-1,ent-1,배터리 수명 진단,\nn-1,ent-2,옮기기,\n",
        ),
    )
    .await;
    assert_eq!(r.updated, 1, "{r:?}");
    assert_eq!(
        r.rejected
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "enterprise_id")]
    );
    let need = app.store().records().need("n-1").await.unwrap().unwrap();
    assert_eq!(need.title, "배터리 수명 진단");
    assert_eq!(need.visibility, domain::Visibility::Confidential);
    assert_eq!(need.enterprise_id.as_str(), "ent-1");

    // the same through a save: null keeps it confidential, and the save is audited
    // under the need's id
    let input: domain::inputs::NeedInput =
        serde_json::from_str(r#"{"id":"n-1","visibility":null,"slots":3}"#).unwrap();
    app.records()
        .save(&app::Operator::named("test"), input)
        .await
        .unwrap();
    let need = app.store().records().need("n-1").await.unwrap().unwrap();
    assert_eq!(
        (need.visibility, need.slots),
        (domain::Visibility::Confidential, 3)
    );
    let audit = app.store().audit_log(1, None).await.unwrap();
    assert_eq!(
        (audit[0].action.as_str(), audit[0].entity_id.as_str()),
        ("save", "n-1")
    );
}

/// Found by an attacker: two rows of one id were both taken without a word, and a
/// header naming a column twice kept the second silently.
#[tokio::test]
async fn repeated_ids_are_said_and_repeated_columns_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(&dir, "repeats.db").await;
    let path = dir.path().join("s.csv");
    std::fs::write(&path, "id,name\nst-1,라온\nst-2,한빛\nst-1,라온테크\n").unwrap();
    let r = import(&app, RecordKind::Startups, &path).await;
    assert_eq!(r.inserted, 2, "{r:?}");
    assert_eq!(r.notices.len(), 1, "{r:?}");
    assert_eq!((r.notices[0].row, r.notices[0].column.as_str()), (4, "id"));
    assert!(r.notices[0].reason.contains("row 2"), "{r:?}");
    std::fs::write(&path, "id,name,name\nst-3,a,b\n").unwrap();
    let refused = app
        .records()
        .import_file(
            &app::Operator::named("test"),
            RecordKind::Startups,
            &path,
            &|_, _| {},
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("'name' twice"), "{refused}");
}
