//! Matching rounds end to end on the demo program: a round matches more than half of
//! the startups within every slot, capacity and cap, keeps its reasons, never proposes
//! an excluded pair, replaces its own unpublished proposals on a re-run, stores nothing
//! on a dry run, and leaves a published round alone.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use common::{ok, run};
use std::collections::{HashMap, HashSet};
use std::path::Path;

use domain::match_state::Action;
use domain::{Actor, Side};

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = std::path::PathBuf::from(store::testing::fresh_database(dir, "demo.db"));
    ok(run(&db, &["demo", "--no-serve"]));
    db
}

fn round_json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["match", "--json"];
    a.extend_from_slice(args);
    serde_json::from_str(&ok(run(db, &a))).expect("json")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_round_over_the_demo_is_feasible_explained_and_replaceable() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());

    // a dry run computes everything and stores nothing
    let dry = round_json(&db, &["--round", "round-2026", "--dry-run"]);
    assert_eq!(dry["stored"], 0);
    let app = app::App::open(db.to_str().unwrap()).await.unwrap();
    let before = app.store().pipeline().match_rows().await.unwrap();
    assert!(
        before
            .iter()
            .all(|m| m.round.as_deref() != Some("round-2026"))
    );

    let s = round_json(&db, &["--round", "round-2026"]);
    for key in [
        "round",
        "pairs",
        "startups_matched",
        "startups_matched_share",
        "total_fit",
        "seconds",
        "convergence_pairs",
        "cross_cluster_pairs",
    ] {
        assert!(!s[key].is_null(), "{key} in {s}");
    }
    assert_eq!(s["round"], "round-2026");
    assert_eq!(
        s["pairs"], dry["pairs"],
        "a dry run shows what a run stores"
    );
    assert!(s["startups_matched_share"].as_f64().unwrap() > 0.5, "{s}");
    assert!(s["convergence_pairs"].as_u64().unwrap() > 0, "{s}");
    let newly = s["startups_newly_matched"].as_u64().unwrap();
    assert!(
        newly > 0 && newly <= s["startups_matched"].as_u64().unwrap(),
        "{s}"
    );
    let pairs = s["pairs"].as_u64().unwrap() as usize;
    assert_eq!(s["stored"].as_u64().unwrap() as usize, pairs);

    let rows = app.store().pipeline().match_rows().await.unwrap();
    let round: Vec<_> = rows
        .iter()
        .filter(|m| m.round.as_deref() == Some("round-2026"))
        .collect();
    assert_eq!(round.len(), pairs);
    let needs: HashMap<String, domain::Need> = app
        .store()
        .records()
        .needs()
        .await
        .unwrap()
        .into_iter()
        .map(|n| (n.id.to_string(), n))
        .collect();
    let capacity: HashMap<String, i32> = app
        .store()
        .records()
        .enterprises()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.id.to_string(), e.capacity.unwrap_or(5)))
        .collect();
    let (mut per_need, mut per_ent, mut per_startup) =
        (HashMap::new(), HashMap::new(), HashMap::new());
    for m in &round {
        assert_eq!(m.status, "proposed");
        assert_eq!(m.origin, "engine");
        assert!(m.score >= 0.25, "above the default floor: {}", m.score);
        assert!(!m.reasons.is_empty(), "every proposal says why");
        *per_need.entry(m.need_id.to_string()).or_insert(0) += 1;
        *per_ent.entry(m.enterprise_id.to_string()).or_insert(0) += 1;
        *per_startup.entry(&m.startup_id).or_insert(0) += 1;
    }
    for (n, c) in &per_need {
        assert!(*c <= needs[n].slots, "need {n}: {c} > slots");
    }
    for (e, c) in &per_ent {
        assert!(*c <= capacity[e], "enterprise {e}: {c} > capacity");
    }
    assert!(per_startup.values().all(|c| *c <= 2), "startup cap");
    assert_eq!(
        per_startup.len() as u64,
        s["startups_matched"].as_u64().unwrap()
    );

    // reasons are kept in both languages
    let (startup, need) = (&round[0].startup_id, &round[0].need_id);
    let kept = app
        .store()
        .pipeline()
        .match_reasons(startup, need)
        .await
        .unwrap();
    assert!(kept.iter().all(|r| !r.ko.is_empty() && !r.en.is_empty()) && !kept.is_empty());

    // exclusions: nobody is proposed to an enterprise it already works with or declined
    let worked: HashSet<(String, String)> = app
        .store()
        .pipeline()
        .outcomes()
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.startup_id.into_string(), o.enterprise_id.into_string()))
        .chain(
            before
                .iter()
                .filter(|m| m.status != "proposed" && m.status != "withdrawn")
                .map(|m| (m.startup_id.to_string(), m.enterprise_id.to_string())),
        )
        .collect();
    for m in &round {
        assert!(
            !worked.contains(&(m.startup_id.to_string(), m.enterprise_id.to_string())),
            "{} proposed again to {}",
            m.startup_id,
            m.enterprise_id
        );
    }

    // an enterprise declines one proposal; a re-run replaces the rest, keeps the
    // declined one, and does not propose that startup to that enterprise again
    let declined = round[0];
    app.store()
        .pipeline()
        .transition_match(
            &declined.startup_id,
            &declined.need_id,
            Action::Decline,
            &Actor::new(Side::Enterprise, "enterprise:test".to_string()),
            None,
        )
        .await
        .unwrap();
    let again = round_json(&db, &["--round", "round-2026"]);
    assert_eq!(
        again["replaced"].as_u64().unwrap() as usize,
        pairs - 1,
        "{again}"
    );
    let rows = app.store().pipeline().match_rows().await.unwrap();
    let round2: Vec<_> = rows
        .iter()
        .filter(|m| m.round.as_deref() == Some("round-2026"))
        .collect();
    assert_eq!(
        round2.len(),
        again["stored"].as_u64().unwrap() as usize + 1,
        "no duplicates: the new proposals plus the declined one"
    );
    let pairs_seen: HashSet<(&str, &str)> = round2
        .iter()
        .map(|m| (m.startup_id.as_str(), m.need_id.as_str()))
        .collect();
    assert_eq!(pairs_seen.len(), round2.len());
    assert!(round2.iter().any(|m| m.startup_id == declined.startup_id
        && m.need_id == declined.need_id
        && m.status == "declined"));
    assert!(!round2.iter().any(|m| m.startup_id == declined.startup_id
        && m.enterprise_id == declined.enterprise_id
        && m.status == "proposed"));

    // published: never changed by a re-run
    ok(run(&db, &["publish", "--round", "round-2026"]));
    let refused = run(&db, &["match", "--round", "round-2026"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("published"));
    let rows = app.store().pipeline().match_rows().await.unwrap();
    assert_eq!(
        rows.iter()
            .filter(|m| m.round.as_deref() == Some("round-2026"))
            .count(),
        round2.len()
    );

    // a new round proposes only pairs that have no match yet
    let next = round_json(&db, &["--round", "round-2026-b"]);
    let rows = app.store().pipeline().match_rows().await.unwrap();
    let all: HashSet<(&str, &str)> = rows
        .iter()
        .map(|m| (m.startup_id.as_str(), m.need_id.as_str()))
        .collect();
    assert_eq!(all.len(), rows.len(), "one match per pair");
    assert!(next["pairs"].as_u64().unwrap() < pairs as u64);
}

#[tokio::test(flavor = "multi_thread")]
async fn policies_are_checked_and_stable_rounds_give_each_startup_one_need() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "flor = 0.3\n").unwrap();
    let o = run(
        &db,
        &["match", "--round", "r", "--policy", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("flor"));
    std::fs::write(&bad, "floor = 3\n").unwrap();
    let o = run(
        &db,
        &["match", "--round", "r", "--policy", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("floor must lie in 0–1"));
    // a round's name is short printable text
    for name in ["x".repeat(81), "r\u{1b}[2J".to_string(), "a\nb".to_string()] {
        let o = run(&db, &["match", "--round", &name]);
        assert_eq!(o.status.code(), Some(2), "{name:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("name"),
            "{name:?}"
        );
    }

    let stable = dir.path().join("stable.toml");
    std::fs::write(
        &stable,
        "mode = \"stable-startups\"\nfloor = 0.4\n\n[weights]\ntext = 0.4\n\n[[convergence]]\na = \"ai\"\nb = \"finance\"\nweight = 0.8\n",
    )
    .unwrap();
    let s = round_json(
        &db,
        &["--round", "stable", "--policy", stable.to_str().unwrap()],
    );
    assert_eq!(s["mode"], "stable-startups");
    assert_eq!(s["pairs"], s["startups_matched"], "one need per startup");
    let app = app::App::open(db.to_str().unwrap()).await.unwrap();
    let rows = app.store().pipeline().match_rows().await.unwrap();
    let round: Vec<_> = rows
        .iter()
        .filter(|m| m.round.as_deref() == Some("stable"))
        .collect();
    assert!(round.iter().all(|m| m.score >= 0.4));
    assert_eq!(round.len() as u64, s["pairs"].as_u64().unwrap());

    // a stated first choice is honoured when the startup is among the need's candidates
    let (st, nd) = (round[0].startup_id.clone(), round[0].need_id.clone());
    let other = round
        .iter()
        .find(|m| m.need_id != nd)
        .map(|m| m.need_id.clone())
        .unwrap();
    ok(run(&db, &["prefer", "startup", &st, &other, "1"]));
    let o = run(&db, &["prefer", "sideways", &st, &other, "1"]);
    assert_eq!(o.status.code(), Some(2));
    let prefs = app.store().rounds().preferences().await.unwrap();
    assert_eq!(prefs.len(), 1);
    assert_eq!(prefs[0].need_id, other);
}
