//! The command line as scripts use it: exit codes 0/2/3, `kpi --json` keys, and the
//! demo's determinism.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innobridge"));
    c.env_remove("INNOBRIDGE_DATABASE_URL");
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    bin().arg("--db").arg(db).args(args).output().expect("runs")
}

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

#[test]
fn exit_codes_follow_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let f = |p: &str| fixture(p).to_string_lossy().into_owned();

    let ok = run(
        &db,
        &["import", "startups", &f("crunchbase-2013/startups.csv")],
    );
    assert_eq!(code(&ok), 0, "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(
        String::from_utf8_lossy(&ok.stdout)
            .contains("300 rows, 300 accepted (300 new, 0 updated), 0 rejected")
    );

    let report = dir.path().join("report.csv");
    let partial = run(
        &db,
        &[
            "import",
            "startups",
            &f("mixed-startups.csv"),
            "--report",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(code(&partial), 3);
    let stderr = String::from_utf8_lossy(&partial.stderr);
    assert!(stderr.contains("row 3: name: is required"), "{stderr}");
    assert!(
        stderr.contains("favourite_colour"),
        "unknown columns are reported: {stderr}"
    );
    let rep = std::fs::read_to_string(&report).unwrap();
    assert!(rep.starts_with("row,column,reason\n"));
    assert!(
        rep.contains("4,stage,\"'series-z' is not a stage; allowed: pre-seed"),
        "{rep}"
    );

    for args in [
        vec!["import", "startups", "/nonexistent/file.csv"],
        vec!["import", "unicorns", &f("mixed-startups.csv")],
        vec!["import", "needs", &f("mixed-startups.csv")],
        vec!["export", "startups", "--format", "pdf", "--out", "x.pdf"],
        vec!["frobnicate"],
    ] {
        let o = run(&db, &args);
        assert_eq!(
            code(&o),
            2,
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!o.stderr.is_empty(), "{args:?} says why");
    }
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let o = run(&db, &["import", "startups", empty.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("no header row"));

    let pg = bin().args(["--db", "mysql://x/y", "kpi"]).output().unwrap();
    assert_eq!(code(&pg), 2);
}

#[test]
fn the_database_comes_from_the_environment_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.db");
    let o = bin()
        .env(
            "INNOBRIDGE_DATABASE_URL",
            format!("sqlite://{}", db.display()),
        )
        .args(["import", "enterprises"])
        .arg(fixture("crunchbase-2013/enterprises.csv"))
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(db.exists());
}

fn kpi_json(db: &Path) -> serde_json::Value {
    let o = run(db, &["kpi", "--json"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn demo_with_one_seed_gives_identical_kpis_that_tell_the_story() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        let o = run(db, &["demo", "--no-serve", "--seed", "7"]);
        assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (ka, kb) = (kpi_json(&a), kpi_json(&b));
    assert_eq!(ka, kb);
    for key in domain::kpi::HEADLINE_KEYS.iter().chain(&["targets"]) {
        assert!(ka.get(key).is_some(), "kpi --json has {key}");
    }
    assert!(ka["startups_discovered"].as_u64().unwrap() >= 2000);
    assert!(ka["startups_matched_share"].as_f64().unwrap() > 0.5);
    assert!(ka["enterprises_participating"].as_u64().unwrap() >= 200);
    assert!(ka["overseas_centers"].as_u64().unwrap() >= 10);
    assert_eq!(ka["targets"]["startups_discovered"], 2000.0);
    // the pilot years hold the article's figures
    let years = ka["by_year"].as_object().unwrap();
    let pilot_coop: u64 = ["2019", "2020", "2021", "2022"]
        .iter()
        .map(|y| years[*y]["cooperation_cases"].as_u64().unwrap())
        .sum();
    let pilot_krw: i64 = ["2019", "2020", "2021", "2022"]
        .iter()
        .map(|y| years[*y]["investment_krw"].as_i64().unwrap())
        .sum();
    assert_eq!(pilot_coop, 100);
    assert_eq!(pilot_krw, 9_100_000_000);

    let c = dir.path().join("c.db");
    run(&c, &["demo", "--no-serve", "--seed", "8"]);
    assert_ne!(kpi_json(&c), ka, "another seed, another program");

    // a second demo on a filled database leaves it as it is
    let again = run(&a, &["demo", "--no-serve", "--seed", "9"]);
    assert_eq!(code(&again), 0);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already holds a program"));
    assert_eq!(kpi_json(&a), ka);
}

#[test]
fn targets_and_rates_are_data_the_program_manager_edits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    run(
        &db,
        &[
            "import",
            "startups",
            fixture("crunchbase-2013/startups.csv").to_str().unwrap(),
        ],
    );
    run(
        &db,
        &[
            "import",
            "enterprises",
            fixture("crunchbase-2013/enterprises.csv").to_str().unwrap(),
        ],
    );
    run(
        &db,
        &[
            "import",
            "outcomes",
            fixture("crunchbase-2013/outcomes.csv").to_str().unwrap(),
        ],
    );
    let before = kpi_json(&db);
    assert!(before["targets"].get("cooperation_cases").is_none());

    let o = run(
        &db,
        &["target", "cooperation_cases", "250", "--by-year", "2026"],
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // a new rate applies from today: the years already reported keep their figures
    let o = run(&db, &["rate", "usd", "1500"]);
    assert_eq!(code(&o), 0);
    let after = kpi_json(&db);
    assert_eq!(after["targets"]["cooperation_cases"], 250.0);
    assert_eq!(after["investment_krw"], before["investment_krw"]);
    assert_eq!(after["by_year"], before["by_year"]);
    // reopening them is explicit: a rate from a day before them revalues them
    let o = run(&db, &["rate", "usd", "1500", "--from", "2000-01-01"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let reopened = kpi_json(&db);
    let (b, a) = (
        before["investment_krw"].as_f64().unwrap(),
        reopened["investment_krw"].as_f64().unwrap(),
    );
    assert!(
        (a / b - 1500.0 / 1300.0).abs() < 1e-6,
        "all amounts here are USD: {b} -> {a}"
    );

    assert_eq!(code(&run(&db, &["target", "happiness", "1"])), 2);
    // a share is a fraction (55 is not 55%), and a target falls due in a plausible year
    for bad in [
        &["target", "startups_matched_share", "55"][..],
        &["target", "cooperation_cases", "250", "--by-year", "1900"],
    ] {
        let o = run(&db, bad);
        assert_eq!(code(&o), 2, "{bad:?}");
    }
    assert_eq!(
        kpi_json(&db)["targets"]["cooperation_cases"],
        250.0,
        "a refused target changes nothing"
    );
    let o = run(&db, &["target", "startups_matched_share", "0.55"]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(code(&run(&db, &["rate", "XYZ", "3"])), 2);
    assert_eq!(code(&run(&db, &["rate", "EUR", "0"])), 2);
}

#[test]
fn search_answers_json_with_hits_and_facets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let o = run(&db, &["demo", "--no-serve", "--seed", "4"]);
    assert_eq!(code(&o), 0);
    let o = run(
        &db,
        &[
            "search",
            "로봇",
            "--json",
            "--industry",
            "robotics",
            "--per-page",
            "5",
        ],
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["total"].as_u64().unwrap() > 5);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 5);
    for h in hits {
        assert!(h["id"].as_str().unwrap().starts_with("st-"));
        assert!(!h["name"].as_str().unwrap().is_empty());
        assert!(h["score"].as_f64().unwrap() > 0.0);
    }
    let industries = v["facets"]["industry"].as_array().unwrap();
    assert_eq!(industries[0]["value"], "robotics");
    assert_eq!(industries[0]["count"], v["total"]);

    let text = run(&db, &["search", "핀테크", "--sort", "funding"]);
    assert_eq!(code(&text), 0);
    assert!(String::from_utf8_lossy(&text.stdout).contains(" results"));
    assert_eq!(code(&run(&db, &["search", "x", "--sort", "loudest"])), 2);
    let s = run(&db, &["suggest", "딥"]);
    assert!(String::from_utf8_lossy(&s.stdout).lines().count() >= 1);
}

/// A minimal XLSX package around one worksheet's XML (inline strings, no shared ones).
fn xlsx(path: &Path, sheet: impl FnOnce(&mut dyn std::io::Write)) {
    use std::io::Write;
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9));
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let parts: [(&str, &str); 4] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="startups" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in parts {
        z.start_file(name, opts).unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    z.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    )
    .unwrap();
    sheet(&mut z);
    z.write_all(b"</sheetData></worksheet>").unwrap();
    z.finish().unwrap();
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// `innobridge import startups FILE` with at most 1 GiB of address space, so a reader
/// that believes the file fails here instead of taking the machine down.
fn import_in_1_gib(db: &Path, file: &Path) -> Output {
    // util-linux's prlimit sets the limit and execs the import, so no unsafe code runs
    // between fork and exec here
    Command::new("prlimit")
        .env_remove("INNOBRIDGE_DATABASE_URL")
        .arg(format!("--as={}", 1u64 << 30))
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_innobridge"))
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg("startups")
        .arg(file)
        .output()
        .expect("prlimit runs the import")
}

/// Issue #18, item 2: a 1.6 KB workbook naming cells A1 and XFD1048576, and a small
/// workbook inflating to far more than any register, are refused (exit 2, the limit
/// named) before they are read; a workbook of the same make within the limits imports.
#[test]
fn workbooks_that_unpack_to_too_much_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");

    let good = dir.path().join("good.xlsx");
    xlsx(&good, |w| {
        let rows = format!(
            r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
            inline("A1", "id"),
            inline("B1", "name"),
            inline("A2", "x-1"),
            inline("B2", "엑스랩"),
        );
        w.write_all(rows.as_bytes()).unwrap();
    });
    let o = import_in_1_gib(&db, &good);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));

    let far = dir.path().join("far.xlsx");
    xlsx(&far, |w| {
        let rows = format!(
            r#"<row r="1">{}{}</row><row r="2">{}{}</row><row r="1048576">{}</row>"#,
            inline("A1", "id"),
            inline("B1", "name"),
            inline("A2", "x-2"),
            inline("B2", "far"),
            inline("XFD1048576", "x"),
        );
        w.write_all(rows.as_bytes()).unwrap();
    });
    assert!(std::fs::metadata(&far).unwrap().len() < 2_000);
    let o = import_in_1_gib(&db, &far);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{stderr}");
    assert!(
        stderr.contains("A1:XFD1048576") && stderr.contains("at most 10000000"),
        "{stderr}"
    );

    // 700 MB of one letter in one cell: deflate packs it into well under 1 MB
    let bomb = dir.path().join("bomb.xlsx");
    xlsx(&bomb, |w| {
        let head = format!(
            r#"<row r="1">{}{}</row><row r="2">{}<c r="B2" t="inlineStr"><is><t>"#,
            inline("A1", "id"),
            inline("B1", "name"),
            inline("A2", "x-3"),
        );
        w.write_all(head.as_bytes()).unwrap();
        let chunk = vec![b'A'; 1 << 20];
        for _ in 0..700 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"</t></is></c></row>").unwrap();
    });
    assert!(std::fs::metadata(&bomb).unwrap().len() < 5_000_000);
    let o = import_in_1_gib(&db, &bomb);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(code(&o), 2, "{stderr}");
    assert!(
        stderr.contains("more than 256 MiB once unpacked"),
        "{stderr}"
    );

    let k = kpi_json(&db);
    assert_eq!(
        k["startups_discovered"], 1,
        "only the good workbook's row is in: {k}"
    );
}

/// Issue #18, item 8: `duplicates` lists likely duplicate enterprises beside startups.
#[test]
fn duplicates_lists_enterprises_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let file = dir.path().join("e.csv");
    std::fs::write(
        &file,
        "id,name\ne-1,한빛모빌리티\ne-2,한빛모빌리티 주식회사\n",
    )
    .unwrap();
    let o = run(&db, &["import", "enterprises", file.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("likely duplicate"));
    let o = run(&db, &["duplicates"]);
    assert_eq!(code(&o), 0);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("enterprise\te-1\te-2\topen\t"), "{out}");
}
