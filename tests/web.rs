//! The web app on a random port with a fresh database: health, the KPI page in both
//! languages, the KPI API and problem+json for unknown API paths.

use app::App;

async fn start() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path().join("w.db").to_str().unwrap())
        .await
        .unwrap();
    app.load_demo(3, &|_| {}).await.unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        web::serve(app, "127.0.0.1:0".parse().unwrap(), |a| tx.send(a).unwrap())
            .await
            .unwrap();
    });
    let addr = rx.await.unwrap();
    (format!("http://{addr}"), dir)
}

#[tokio::test]
async fn health_kpi_page_and_api() {
    let (base, _dir) = start().await;
    let c = reqwest::Client::new();
    let h = c.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(h.status(), 200);

    let ko = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(ko.status(), 200);
    assert!(
        ko.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("lang=ko")
    );
    let html = ko.text().await.unwrap();
    assert!(html.contains("발굴 스타트업"), "Korean by default");
    assert!(html.contains("2,000"), "the target is shown");

    let en = c
        .get(format!("{base}/kpi?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Startups discovered") && en.contains("Overseas growth centers"));
    let remembered = c
        .get(format!("{base}/"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(remembered.contains("Startups discovered"));

    let k: serde_json::Value = c
        .get(format!("{base}/api/v1/kpi"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(k["startups_discovered"].as_u64().unwrap() >= 2000);

    let nf = c
        .get(format!("{base}/api/v1/nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(nf.status(), 404);
    assert_eq!(nf.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = nf.json().await.unwrap();
    assert_eq!(p["type"], "https://innobridge.example/problems/not-found");
}

#[tokio::test]
async fn a_running_server_follows_writes_made_by_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("f.db").to_str().unwrap().to_string();
    let server_app = App::open(&url).await.unwrap();
    server_app.load_demo(2, &|_| {}).await.unwrap();
    let serving = server_app.clone();
    tokio::spawn(async move {
        web::serve(serving, "127.0.0.1:0".parse().unwrap(), |_| {})
            .await
            .unwrap()
    });

    // another process (here: another App on the same files) imports while the server
    // holds the index for writing
    let other = App::open(&url).await.unwrap();
    let csv = dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "id,name,description\nlate-1,양자컴퓨팅랩,양자컴퓨팅 알고리즘을 연구합니다\n",
    )
    .unwrap();
    let r = other
        .import_file(
            domain::records::RecordKind::Startups,
            &csv,
            "cli",
            &|_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(r.accepted, 1);

    let q = app::SearchQuery {
        text: "양자컴퓨팅".into(),
        ..Default::default()
    };
    let mut found = false;
    for _ in 0..50 {
        if server_app
            .search(&q)
            .unwrap()
            .hits
            .iter()
            .any(|h| h.id == "late-1")
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(found, "the server's index caught up from the change log");
}
