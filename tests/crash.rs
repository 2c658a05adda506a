//! Crash safety: the process is killed (SIGKILL, no chance to clean up) in the middle
//! of a large import and in the middle of matching rounds; after a restart the
//! database passes its integrity checks, holds whole batches and whole rounds only,
//! and the same job simply runs again to the end.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use app::App;

fn spawn(db: &str, args: &[&str], envs: &[(&str, &str)]) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innobridge"));
    c.env_remove("INNOBRIDGE_DATABASE_URL")
        .args(["--db", db])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in envs {
        c.env(k, v);
    }
    c.spawn().expect("runs")
}

async fn imported(store: &store::Store) -> u64 {
    // the change log is not used here: the count is what a reader sees committed
    store.counts().await.unwrap().startups
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_import_leaves_whole_batches_and_runs_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = store::testing::fresh_database(dir.path(), "crash-import.db");
    let rows = 20 * app::import::BATCH_ROWS;
    let csv = dir.path().join("big.csv");
    let mut text = String::from("id,name,description,industries,technologies\n");
    for i in 0..rows {
        text.push_str(&format!(
            "crash-{i:06},충돌시험{i},배터리 재생과 물류 로봇을 만드는 {i}번째 회사,energy|mobility,battery recycling|robotics\n"
        ));
    }
    std::fs::write(&csv, text).unwrap();

    let watcher = store::Store::open(&db).await.unwrap();
    let mut child = spawn(&db, &["import", "startups", csv.to_str().unwrap()], &[]);
    let started = Instant::now();
    let mut seen = 0;
    while started.elapsed() < Duration::from_secs(300) {
        seen = imported(&watcher).await;
        if seen > 0 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before any check"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(seen > 0, "the import got going");

    let after = imported(&watcher).await;
    assert!(
        after < rows as u64,
        "killed in the middle: {after} of {rows} rows in"
    );
    assert_eq!(
        after % app::import::BATCH_ROWS as u64,
        0,
        "whole batches only: {after} rows"
    );
    assert!(watcher.integrity_ok().await.unwrap());

    // run it again: everything in, once
    let o = common::run(
        Path::new(&db),
        &["import", "startups", csv.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(imported(&watcher).await, rows as u64);
    assert!(watcher.integrity_ok().await.unwrap());
    // and the search index, killed with the process, caught up
    let app = App::open(&db).await.unwrap();
    let all = app
        .discovery()
        .search(&app::SearchQuery::default())
        .unwrap();
    assert_eq!(all.total, rows);
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_rounds_leave_the_round_whole_and_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = store::testing::fresh_database(dir.path(), "crash-round.db");
    common::ok(common::run(
        Path::new(&db),
        &["demo", "--no-serve", "--seed", "9"],
    ));
    // a short lease, so a killed round blocks the next for a second only
    let lease = [("INNOBRIDGE_LEASE_SECS", "1")];
    let round = ["match", "--round", "round-crash"];

    let full = Instant::now();
    let mut first = spawn(&db, &round, &lease);
    assert!(first.wait().unwrap().success());
    let took = full.elapsed();
    let watcher = store::Store::open(&db).await.unwrap();
    let proposals = |rows: &[store::MatchRow]| -> Vec<(String, String)> {
        let mut v: Vec<_> = rows
            .iter()
            .filter(|m| m.round.as_deref() == Some("round-crash"))
            .map(|m| (m.startup_id.to_string(), m.need_id.to_string()))
            .collect();
        v.sort();
        v
    };
    let whole = proposals(&watcher.pipeline().match_rows().await.unwrap());
    assert!(!whole.is_empty());

    // re-running replaces the round in one transaction: killed at any moment of it,
    // before, while computing or while writing, the round is the whole earlier one
    let mut killed = 0;
    for step in 1..=8u32 {
        let mut child = spawn(&db, &round, &lease);
        tokio::time::sleep(took * step / 9).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        assert!(watcher.integrity_ok().await.unwrap(), "step {step}");
        assert_eq!(
            proposals(&watcher.pipeline().match_rows().await.unwrap()),
            whole,
            "step {step}: the round is whole"
        );
        // the dead process's lease runs out
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    assert!(killed >= 4, "most runs were killed mid-way ({killed})");

    // and it simply runs again
    let o = common::run(Path::new(&db), &round);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        proposals(&watcher.pipeline().match_rows().await.unwrap()),
        whole
    );
    assert!(watcher.integrity_ok().await.unwrap());
}
