//! `innobridge backup` / `restore`: a backup taken while the program is in use, and
//! restored over later changes or into an empty database, gives the same KPIs, the same
//! search results and the same records (on SQLite, or on PostgreSQL with its own tools
//! when the suite runs there).

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use app::{App, SearchQuery};

const QUERIES: [&str; 4] = ["배터리", "AI", "물류 로봇", "fintech"];

/// What a restored database must give back exactly.
async fn fingerprint(app: &App) -> (String, Vec<Vec<String>>, String) {
    let kpis = serde_json::to_string(&app.kpi().figures().await.unwrap()).unwrap();
    let mut hits = Vec::new();
    for q in QUERIES {
        let r = app
            .discovery()
            .search(&SearchQuery {
                text: q.into(),
                limit: 5000,
                ..Default::default()
            })
            .unwrap();
        // equal scores may come in either order (segment order); ties are put in id order
        let mut ranked: Vec<(i64, String)> = r
            .hits
            .iter()
            .map(|h| ((-h.score * 1e4).round() as i64, h.id.clone()))
            .collect();
        ranked.sort();
        // a page may end inside a group of equal scores: that group is left out
        if let Some(last) = ranked.last().map(|r| r.0) {
            ranked.retain(|r| r.0 != last);
        }
        ranked.push((r.total as i64, "total".into()));
        hits.push(
            ranked
                .into_iter()
                .map(|(s, id)| format!("{id}:{s}"))
                .collect(),
        );
    }
    let counts = format!("{:?}", app.store().counts().await.unwrap());
    (kpis, hits, counts)
}

fn cli(db: &str, args: &[&str]) -> std::process::Output {
    common::run(Path::new(db), args)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_restored_backup_gives_the_same_kpis_and_search_results() {
    let dir = tempfile::tempdir().unwrap();
    let db = store::testing::fresh_database(dir.path(), "live.db");
    common::ok(cli(&db, &["demo", "--no-serve", "--seed", "7"]));

    let app = App::open(&db).await.unwrap();
    // ranking statistics count deleted documents until segments merge, so the index the
    // demo built bit by bit is compared as a restored database's is built: afresh
    app.discovery().rebuild_search().await.unwrap();
    let before = fingerprint(&app).await;
    assert!(before.1.iter().all(|h| !h.is_empty()), "{:?}", before.1);

    // taken while the app has the database open
    let file: PathBuf = dir.path().join("program.backup");
    common::ok(cli(&db, &["backup", file.to_str().unwrap()]));
    assert!(file.metadata().unwrap().len() > 0);
    let again = cli(&db, &["backup", file.to_str().unwrap()]);
    assert_ne!(
        again.status.code(),
        Some(0),
        "an existing file is not overwritten"
    );

    // later changes: a new startup that search finds, a need removed, a KPI target moved
    let csv = dir.path().join("late.csv");
    std::fs::write(
        &csv,
        "id,name,description\nlate-1,배터리재생랩,폐배터리 재생 기술\n",
    )
    .unwrap();
    common::ok(cli(&db, &["import", "startups", csv.to_str().unwrap()]));
    common::ok(cli(&db, &["target", "startups_discovered", "9999"]));
    app.discovery().sync_search().await.unwrap();
    let changed = fingerprint(&app).await;
    assert_ne!(changed, before, "the changes show");
    app.store().close().await;
    drop(app);

    // a restore over a program needs --replace
    let o = cli(&db, &["restore", file.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = common::ok(cli(&db, &["restore", "--replace", file.to_str().unwrap()]));
    assert!(out.contains("restored"), "{out}");
    let app = App::open(&db).await.unwrap();
    assert_eq!(fingerprint(&app).await, before, "back as it was");
    assert!(app.store().integrity_ok().await.unwrap());
    app.store().close().await;

    // into a new, empty database: the same program
    let other = store::testing::fresh_database(dir.path(), "copy.db");
    common::ok(cli(&other, &["restore", file.to_str().unwrap()]));
    let copy = App::open(&other).await.unwrap();
    assert_eq!(fingerprint(&copy).await, before);

    // a file that is not a backup is refused and the database kept
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, "not a database").unwrap();
    let o = cli(&other, &["restore", "--replace", junk.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    copy.store().close().await;
    drop(copy);
    let copy = App::open(&other).await.unwrap();
    assert_eq!(
        fingerprint(&copy).await,
        before,
        "kept after a refused restore"
    );
}
