//! Helpers the integration tests share: run the built binary on a database and insist
//! it succeeded.
#![allow(dead_code)] // each test crate uses its own part

use std::path::Path;
use std::process::{Command, Output};

/// `innobridge --db DB ARGS…`, with no database from the environment.
pub fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .env_remove("INNOBRIDGE_DATABASE_URL")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("runs")
}

/// Standard output of a run that must have exited 0 (stderr shown when not).
pub fn ok(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// The web app on a random port over a fresh demo program (seed `seed`); with
/// `round`, a round of that name run and published first. The directory holds the
/// database and must outlive the server.
pub async fn serve_demo(
    seed: u64,
    round: Option<&str>,
) -> (String, app::App, demo::DemoSummary, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "served.db"))
        .await
        .unwrap();
    let demo = demo::fill(&app, seed, &|_| {}).await.unwrap();
    if let Some(name) = round {
        app.rounds()
            .run(
                &app::Operator::named("test"),
                name,
                &Default::default(),
                false,
            )
            .await
            .unwrap();
        app.rounds()
            .publish(&app::Operator::named("test"), name)
            .await
            .unwrap();
    }
    let base = serve(&app).await;
    (base, app, demo, dir)
}

/// Serves `app` on a random port until the test ends; its base URL.
pub async fn serve(app: &app::App) -> String {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let served = app.clone();
    tokio::spawn(async move {
        web::serve(
            served,
            "127.0.0.1:0".parse().unwrap(),
            Default::default(),
            |a| tx.send(a).unwrap(),
        )
        .await
        .unwrap();
    });
    format!("http://{}", rx.await.unwrap())
}

/// A logged-in caller: the session cookie and its CSRF token.
#[derive(Clone)]
pub struct Who {
    pub cookie: String,
    pub csrf: String,
}

pub async fn log_in(c: &reqwest::Client, base: &str, email: &str, password: &str) -> Who {
    let r = c
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{email} logs in");
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = r.json::<serde_json::Value>().await.unwrap()["csrf"]
        .as_str()
        .unwrap()
        .to_string();
    Who { cookie, csrf }
}

/// The demo's first login of `role`, logged in over HTTP, with its account (and so
/// its startup or enterprise).
pub async fn log_in_as(
    c: &reqwest::Client,
    base: &str,
    app: &app::App,
    demo: &demo::DemoSummary,
    role: domain::Role,
) -> (Who, domain::User) {
    let login = demo.logins.iter().find(|l| l.role == role).unwrap();
    let who = log_in(c, base, &login.email, &login.password).await;
    let user = app
        .accounts()
        .login(&login.email, &login.password)
        .await
        .unwrap()
        .user;
    (who, user)
}

/// GETs the JSON at `url` until `found` holds, for up to twenty seconds, and answers
/// it: a served app's search index follows writes in the background, a moment later.
pub async fn json_until(
    c: &reqwest::Client,
    url: &str,
    found: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let mut last = serde_json::Value::Null;
    for _ in 0..200 {
        last = c.get(url).send().await.unwrap().json().await.unwrap();
        if found(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{url} never answered what was expected; last: {last}");
}
