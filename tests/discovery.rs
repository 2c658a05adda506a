//! Discovery through the app: the index follows every write, is rebuilt when missing or
//! stale, finds real firms from words of their own descriptions, and duplicates are
//! flagged (never merged silently) and merged on request with both histories kept.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use app::{App, SearchQuery};
use domain::records::RecordKind;

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn ids(app: &App, text: &str) -> Vec<String> {
    app.discovery()
        .search(&SearchQuery {
            text: text.into(),
            limit: 50,
            ..Default::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn write_csv(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

async fn import(app: &App, kind: RecordKind, p: &Path) -> app::import::ImportReport {
    app.records()
        .import_file(&app::Operator::named("test"), kind, p, &|_, _| {})
        .await
        .unwrap()
}

#[tokio::test]
async fn the_index_follows_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&store::testing::fresh_database(dir.path(), "d.db"))
        .await
        .unwrap();
    let v1 = write_csv(
        dir.path(),
        "v1.csv",
        "id,name,description\ns1,수소에너지랩,수소연료전지 스택을 개발합니다\ns2,GridMind,battery storage for the grid\n",
    );
    import(&app, RecordKind::Startups, &v1).await;
    assert_eq!(ids(&app, "연료전지"), vec!["s1"]);
    assert_eq!(ids(&app, "battery"), vec!["s2"]);

    let v2 = write_csv(
        dir.path(),
        "v2.csv",
        "id,name,description\ns1,수소에너지랩,전고체 배터리 소재를 개발합니다\n",
    );
    import(&app, RecordKind::Startups, &v2).await;
    assert!(ids(&app, "연료전지").is_empty(), "the old text is gone");
    assert_eq!(ids(&app, "전고체"), vec!["s1"]);

    app.records()
        .delete_startup(
            &app::Operator::named("test"),
            &domain::StartupId::from("s2"),
        )
        .await
        .unwrap();
    assert!(ids(&app, "battery").is_empty());
    assert!(
        app.records()
            .delete_startup(
                &app::Operator::named("test"),
                &domain::StartupId::from("s2")
            )
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_missing_or_stale_index_is_rebuilt_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let url = db.to_str().unwrap().to_string();
    {
        let app = App::open(&url).await.unwrap();
        import(&app, RecordKind::Startups, &fixture("sbir/startups.csv")).await;
        assert_eq!(
            app.discovery()
                .search(&SearchQuery::default())
                .unwrap()
                .total,
            200
        );
    }
    // missing: the index directory is removed
    std::fs::remove_dir_all(app::discovery::index_dir_of_file(&db)).unwrap();
    let app = App::open(&url).await.unwrap();
    assert_eq!(
        app.discovery()
            .search(&SearchQuery::default())
            .unwrap()
            .total,
        200
    );

    // behind: a change written by something other than this app
    let backup = dir.path().join("backup.db");
    let vacuum = format!("VACUUM INTO '{}'", backup.display());
    app.store().execute_unchecked(&vacuum).await.unwrap();
    sqlx_exec(&app, "UPDATE startups SET description = '양자암호 통신 모듈' WHERE ext_id = (SELECT ext_id FROM startups ORDER BY id LIMIT 1)").await;
    drop(app);
    let app = App::open(&url).await.unwrap();
    assert_eq!(
        ids(&app, "양자암호").len(),
        1,
        "caught up from the change log"
    );
    drop(app);

    // ahead: the database is replaced by the older backup (a restore)
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{url}{suffix}"));
    }
    std::fs::copy(&backup, &db).unwrap();
    let app = App::open(&url).await.unwrap();
    assert!(
        ids(&app, "양자암호").is_empty(),
        "the restored data is what is found"
    );
    assert_eq!(
        app.discovery()
            .search(&SearchQuery::default())
            .unwrap()
            .total,
        200
    );
}

/// The change log does not grow forever: old entries are pruned in batches, and an
/// index that has not seen the pruned ones rebuilds rather than catching up from a log
/// with a hole in it.
#[tokio::test]
async fn the_change_log_is_pruned_and_an_index_behind_it_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&store::testing::fresh_database(dir.path(), "p.db"))
        .await
        .unwrap();
    import(&app, RecordKind::Startups, &fixture("sbir/startups.csv")).await;
    let store = app.store();
    // written behind the index's back, as another instance would
    sqlx_exec(&app, "UPDATE startups SET description = '양자암호 통신 모듈' WHERE ext_id = (SELECT ext_id FROM startups ORDER BY id LIMIT 1)").await;
    sqlx_exec(&app, "UPDATE startups SET description = '초전도 케이블 접속함' WHERE ext_id = (SELECT ext_id FROM startups ORDER BY id DESC LIMIT 1)").await;
    let last = store.last_change().await.unwrap();

    assert_eq!(
        store.prune_changes(10_000).await.unwrap(),
        0,
        "too few to prune"
    );
    assert!(store.prune_changes(1).await.unwrap() >= 200);
    let kept = store.changes_since(0, 100).await.unwrap();
    assert_eq!(kept.iter().map(|c| c.seq).collect::<Vec<_>>(), vec![last]);
    assert_eq!(store.pruned_through().await.unwrap(), last - 1);

    // the index stopped before both updates; the log now holds only the second
    assert!(matches!(
        app.discovery().sync_search().await.unwrap(),
        app::discovery::SyncOutcome::Rebuilt { documents: 200 }
    ));
    assert_eq!(ids(&app, "양자암호").len(), 1);
    assert_eq!(ids(&app, "초전도").len(), 1);
    assert_eq!(
        app.discovery().sync_search().await.unwrap(),
        app::discovery::SyncOutcome::UpToDate
    );
}

async fn sqlx_exec(app: &App, sql: &'static str) {
    app.store().execute_unchecked(sql).await.unwrap();
}

#[tokio::test]
async fn real_firms_are_found_from_words_of_their_own_description() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&store::testing::fresh_database(dir.path(), "r.db"))
        .await
        .unwrap();
    import(&app, RecordKind::Startups, &fixture("sbir/startups.csv")).await;
    let firms = app.store().records().startups().await.unwrap();
    let mut tried = 0;
    let mut top5 = 0;
    for f in firms
        .iter()
        .filter(|f| f.description.as_ref().is_some_and(|d| d.len() > 400))
        .take(40)
    {
        // eight longer words from the middle of the abstract, as a program manager would type
        let words: Vec<&str> = f
            .description
            .as_ref()
            .unwrap()
            .split_whitespace()
            .filter(|w| w.len() > 7 && w.chars().all(char::is_alphabetic))
            .collect();
        let mid = words.len() / 2;
        let query = words[mid.saturating_sub(4)..(mid + 4).min(words.len())].join(" ");
        let r = app
            .discovery()
            .search(&SearchQuery {
                text: query.clone(),
                limit: 5,
                ..Default::default()
            })
            .unwrap();
        tried += 1;
        if r.hits.iter().any(|h| h.id == f.id) {
            top5 += 1;
        }
    }
    assert!(tried >= 30);
    assert!(
        top5 * 10 >= tried * 9,
        "{top5} of {tried} firms in the top 5 for words of their own abstract"
    );
}

#[tokio::test]
async fn likely_duplicates_are_flagged_and_merged_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&store::testing::fresh_database(dir.path(), "m.db"))
        .await
        .unwrap();
    let f = write_csv(
        dir.path(),
        "s.csv",
        "id,name,name_en,website,description\nd1,(주)테스트,Test Co.,https://www.test-ai.example,비전 AI\nd2,테스트 주식회사,,,비전 AI 솔루션\nd3,다른회사,Other Inc.,http://test-ai.example/about,무관\nd4,전혀다른,,,무관\n",
    );
    let r = import(&app, RecordKind::Startups, &f).await;
    assert_eq!(r.rejected, vec![]);
    let flags = app
        .records()
        .duplicates(&app::Operator::named("test"), Some("open"))
        .await
        .unwrap();
    let pairs: Vec<(String, String, String)> = flags
        .iter()
        .map(|f| (f.startup_a.clone(), f.startup_b.clone(), f.reason.clone()))
        .collect();
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert!(
        pairs
            .iter()
            .any(|(a, b, why)| a == "d1" && b == "d2" && why.contains("same name"))
    );
    assert!(pairs.iter().any(|(a, b, why)| a == "d1"
        && b == "d3"
        && why.contains("website domain test-ai.example")));
    assert_eq!(
        app.store().counts().await.unwrap().startups,
        4,
        "flagged, not merged"
    );
    assert!(
        r.notices
            .iter()
            .any(|n| n.row == 3 && n.reason.contains("likely duplicate"))
    );

    // registration through the app flags too
    let notes = app
        .records()
        .save_startup(
            &app::Operator::named("test"),
            domain::Startup {
                id: "d5".into(),
                name: "㈜ 테스트".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        notes.iter().any(|n| n.reason.contains("same name")),
        "{notes:?}"
    );

    app.records()
        .dismiss_duplicate(&app::Operator::named("test"), "d3", "d1")
        .await
        .unwrap();
    assert_eq!(
        app.records()
            .duplicates(&app::Operator::named("test"), Some("dismissed"))
            .await
            .unwrap()
            .len(),
        1
    );

    // d2 carries a match with history and an outcome; the merge keeps both
    let e = write_csv(dir.path(), "e.csv", "id,name\ne1,한빛모터스\n");
    import(&app, RecordKind::Enterprises, &e).await;
    let n = write_csv(
        dir.path(),
        "n.csv",
        "id,enterprise_id,title\nn1,e1,비전 검사\n",
    );
    import(&app, RecordKind::Needs, &n).await;
    let m = domain::Match {
        startup_id: "d2".into(),
        need_id: "n1".into(),
        round: None,
        score: 0.7,
        reasons: vec![],
        origin: domain::MatchOrigin::Manual,
        status: domain::MatchStatus::Proposed,
        history: vec![],
    };
    app.store().pipeline().insert_matches(&[m]).await.unwrap();
    let program = domain::Actor::new(domain::Side::Startup, "ceo@d2");
    app.store()
        .pipeline()
        .transition_match(
            "d2",
            "n1",
            domain::match_state::Action::Accept,
            &program,
            None,
        )
        .await
        .unwrap();
    let o = write_csv(
        dir.path(),
        "o.csv",
        "startup_id,enterprise_id,kind,date\nd2,e1,meeting,2024-05-01\n",
    );
    import(&app, RecordKind::Outcomes, &o).await;

    app.records()
        .merge_startups(&app::Operator::named("admin@city"), "d1", "d2")
        .await
        .unwrap();
    assert!(app.store().records().startup("d2").await.unwrap().is_none());
    let history = app
        .store()
        .pipeline()
        .match_history("d1", "n1")
        .await
        .unwrap();
    assert_eq!(
        history.len(),
        1,
        "d2's match and its history now belong to d1"
    );
    assert_eq!(history[0].by, "ceo@d2");
    let outcomes = app.store().pipeline().outcomes().await.unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(outcomes[0].startup_id, "d1");
    let merged = app.store().records().merged_into("d1").await.unwrap();
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].name, "테스트 주식회사");
    assert_eq!(
        app.records()
            .duplicates(&app::Operator::named("test"), Some("merged"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        !ids(&app, "솔루션").contains(&"d2".to_string()),
        "the merged record left the index"
    );
    assert!(
        app.records()
            .merge_startups(&app::Operator::named("x"), "d1", "d1")
            .await
            .is_err()
    );
    assert!(
        app.records()
            .merge_startups(&app::Operator::named("x"), "d1", "nope")
            .await
            .is_err()
    );
}
