//! The web app on a random port with a fresh database: health, the KPI page in both
//! languages, the KPI API and problem+json for unknown API paths.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use app::App;

mod common;

async fn start() -> (String, tempfile::TempDir) {
    let (base, _, _, dir) = common::serve_demo(3, None).await;
    (base, dir)
}

#[tokio::test]
async fn health_kpi_page_and_api() {
    let (base, _dir) = start().await;
    let c = reqwest::Client::new();
    let h = c.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(h.status(), 200);

    let ko = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(ko.status(), 200);
    let html = ko.text().await.unwrap();
    assert!(html.contains("발굴 스타트업"), "Korean by default");
    assert!(html.contains("2,000"), "the target is shown");
    assert!(!html.contains("목표 목표"));
    // the dashboard's charts and breakdowns
    for part in [
        "id=\"progress-chart\"",
        "<polyline",
        "id=\"by-cluster\"",
        "id=\"by-industry\"",
        "id=\"convergence\"",
        "id=\"inter-cluster\"",
    ] {
        assert!(html.contains(part), "{part}");
    }

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
    let url = store::testing::fresh_database(dir.path(), "f.db");
    let server_app = App::open(&url).await.unwrap();
    demo::fill(&server_app, 2, &|_| {}).await.unwrap();
    let serving = server_app.clone();
    tokio::spawn(async move {
        web::serve(
            serving,
            "127.0.0.1:0".parse().unwrap(),
            Default::default(),
            |_| {},
        )
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
        .records()
        .import_file(
            &app::Operator::named("cli"),
            domain::records::RecordKind::Startups,
            &csv,
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
            .discovery()
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

/// The server over a demo program with a round run and published, and the demo's
/// logins by role.
async fn start_with_round() -> (String, tempfile::TempDir, demo::DemoSummary, App) {
    let (base, app, demo, dir) = common::serve_demo(6, Some("r")).await;
    (base, dir, demo, app)
}

async fn problem_type(r: reqwest::Response) -> String {
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let v: serde_json::Value = r.json().await.unwrap();
    v["type"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_csrf_and_match_moves_over_http() {
    let (base, _dir, demo, app) = start_with_round().await;
    let c = reqwest::Client::new();
    let login = |role: domain::Role| {
        let l = demo.logins.iter().find(|l| l.role == role).unwrap();
        serde_json::json!({"email": l.email, "password": l.password})
    };

    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": "pm@demo.innobridge.kr", "password": "nope nope nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(problem_type(r).await, "login-failed");
    let r = c
        .post(format!("{base}/api/v1/session"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(problem_type(r).await, "bad-input");

    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&login(domain::Role::EnterpriseMember))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback");
    let session = cookie.split(';').next().unwrap().to_string();
    let body: serde_json::Value = r.json().await.unwrap();
    let csrf = body["csrf"].as_str().unwrap().to_string();
    let own = body["user"]["enterprise_id"].as_str().unwrap().to_string();
    let tls = c
        .post(format!("{base}/api/v1/session"))
        .header("x-forwarded-proto", "https")
        .json(&login(domain::Role::EnterpriseMember))
        .send()
        .await
        .unwrap();
    assert!(
        tls.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Secure")
    );

    let me = c
        .get(format!("{base}/api/v1/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let anon = c.get(format!("{base}/api/v1/me")).send().await.unwrap();
    assert_eq!(anon.status(), 401);

    let rows = app.store().pipeline().match_rows().await.unwrap();
    let mine = rows
        .iter()
        .find(|m| m.round.as_deref() == Some("r") && m.enterprise_id == own)
        .unwrap();
    let theirs = rows
        .iter()
        .find(|m| m.round.as_deref() == Some("r") && m.enterprise_id != own)
        .unwrap();
    let accept = |m: &store::MatchRow| {
        format!(
            "{base}/api/v1/matches/{}/{}/accept",
            m.startup_id, m.need_id
        )
    };
    let no_csrf = c
        .post(accept(mine))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403);
    assert_eq!(problem_type(no_csrf).await, "csrf");
    let no_session = c.post(accept(mine)).send().await.unwrap();
    assert_eq!(no_session.status(), 401);
    let ok = c
        .post(accept(mine))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let change: serde_json::Value = ok.json().await.unwrap();
    assert_eq!(change["to"], "accepted-by-enterprise");
    let again = c
        .post(accept(mine))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let forbidden = c
        .post(accept(theirs))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    // another enterprise's match is not there for this member
    assert_eq!(forbidden.status(), 404);
    assert_eq!(problem_type(forbidden).await, "not-found");

    // a confidential need: the public sees its title only
    let secret = app
        .store()
        .records()
        .needs()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.visibility == domain::Visibility::Confidential && n.enterprise_id != own)
        .unwrap();
    let public: serde_json::Value = c
        .get(format!("{base}/api/v1/needs/{}", secret.id))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(public["description"].is_null());
    assert_eq!(public["title"], secret.title.as_str());
    // nor whose it is, what it is about, how many it takes or until when
    assert_eq!(public["enterprise_id"], "", "{public}");
    for list in [
        "technologies",
        "industries",
        "collaboration_types",
        "preferred_stages",
    ] {
        assert_eq!(public[list], serde_json::json!([]), "{list}: {public}");
    }
    assert_eq!(public["slots"], 0, "{public}");
    assert!(public["deadline"].is_null(), "{public}");
    let unknown = c
        .get(format!("{base}/api/v1/needs/nd-none"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    // rounds are the program manager's: the member is refused, the manager runs one
    let run = |name: &str| format!("{base}/api/v1/rounds/{name}/run");
    let refused = c
        .post(run("api-round"))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let pm = c
        .post(format!("{base}/api/v1/session"))
        .json(&login(domain::Role::Admin))
        .send()
        .await
        .unwrap();
    let pm_cookie = pm.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let pm_csrf = pm.json::<serde_json::Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = c
        .post(run("api-round"))
        .header("cookie", &pm_cookie)
        .header("x-csrf-token", &pm_csrf)
        .body("{\"policy\": {\"floor\": 7}}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let summary: serde_json::Value = c
        .post(run("api-round"))
        .header("cookie", &pm_cookie)
        .header("x-csrf-token", &pm_csrf)
        .body("{\"dry_run\": true}")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(summary["dry_run"], true);
    assert!(summary["pairs"].as_u64().unwrap() > 0);
    let publish = |name: &str| {
        c.post(format!("{base}/api/v1/rounds/{name}/publish"))
            .header("cookie", &pm_cookie)
            .header("x-csrf-token", &pm_csrf)
            .send()
    };
    let twice = publish("r").await.unwrap();
    assert_eq!(twice.status(), 409, "round r was published at the start");
    let stored = c
        .post(run("api-round"))
        .header("cookie", &pm_cookie)
        .header("x-csrf-token", &pm_csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), 200);
    assert_eq!(publish("api-round").await.unwrap().status(), 200);

    // recommendations for a need: its enterprise's member yes, others no
    let recs = c
        .get(format!(
            "{base}/api/v1/needs/{}/recommendations?top=3",
            mine.need_id
        ))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(recs.status(), 200);
    assert_eq!(
        recs.json::<Vec<serde_json::Value>>().await.unwrap().len(),
        3
    );
    let not_theirs = c
        .get(format!(
            "{base}/api/v1/needs/{}/recommendations",
            theirs.need_id
        ))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(not_theirs.status(), 403);

    let out = c
        .delete(format!("{base}/api/v1/session"))
        .header("cookie", &session)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let gone = c
        .get(format!("{base}/api/v1/me"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 401);
}

/// A startup's page and the directory's facets name clusters and countries in the
/// page's language, not by their codes ("g-valley", "KR").
#[tokio::test(flavor = "multi_thread")]
async fn clusters_and_countries_read_as_names() {
    let (base, app, _demo, _dir) = common::serve_demo(7, None).await;
    let s = app
        .store()
        .records()
        .startups()
        .await
        .unwrap()
        .into_iter()
        .find(|s| !s.clusters.is_empty() && s.country.as_deref() == Some("KR"))
        .unwrap();
    let cluster = app
        .clusters()
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == s.clusters[0])
        .unwrap();
    let get = |url: String| async move { reqwest::get(url).await.unwrap().text().await.unwrap() };
    // as the page writes text ("R&#38;D")
    let html = |t: &str| t.replace('&', "&#38;");
    let page = get(format!("{base}/startups/{}?lang=en", s.id)).await;
    assert!(
        page.contains(&format!(">{}</a>", html(&cluster.name_en))),
        "the cluster by its English name"
    );
    assert!(page.contains("(South Korea)"), "the country by name");
    let page = get(format!("{base}/startups/{}?lang=ko", s.id)).await;
    assert!(page.contains(&format!(">{}</a>", html(&cluster.name_ko))));
    assert!(page.contains("(한국)"));
    let directory = get(format!("{base}/startups?lang=ko")).await;
    let facets = directory
        .split("class=\"facets\"")
        .nth(1)
        .unwrap()
        .split("</aside>")
        .next()
        .unwrap();
    assert!(facets.contains("한국"), "the country facet by name");
    assert!(
        !facets.contains(&format!(">{}<", cluster.code)),
        "no cluster facet by its code"
    );
}
