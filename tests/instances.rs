//! Several app instances on one database behave as one: two `innobridge serve`
//! processes, each with its own search index, share sessions, find what was written
//! through the other, and never run two matching rounds at once. On PostgreSQL when
//! the suite runs there (INNOBRIDGE_TEST_POSTGRES), else on one SQLite file.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

const PASSWORD: &str = "a long enough secret";

/// A server process, killed when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `innobridge serve` on `db` with its own search index, on a port of its choosing.
fn serve_command(db: &str, index: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innobridge"));
    c.env_remove("INNOBRIDGE_DATABASE_URL")
        .env_remove("RUST_LOG")
        .env("INNOBRIDGE_INDEX_DIR", index)
        .args(["--db", db, "serve", "--addr", "127.0.0.1:0"]);
    c
}

fn start(db: &str, index: &Path) -> Instance {
    let mut c = serve_command(db, index);
    c.stderr(Stdio::inherit());
    launch(c)
}

/// Starts the server and waits for the line saying where it serves.
fn launch(mut command: Command) -> Instance {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("innobridge: serving at ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .trim_end_matches('/')
        .to_string();
    Instance { child, base }
}

async fn search_ids(c: &reqwest::Client, base: &str, q: &str) -> Vec<String> {
    let r: Value = c
        .get(format!("{base}/api/v1/search?q={q}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

async fn run_round(c: &reqwest::Client, base: &str, who: &common::Who, name: &str) -> (u16, Value) {
    let r = c
        .post(format!("{base}/api/v1/rounds/{name}/run"))
        .header("cookie", &who.cookie)
        .header("x-csrf-token", &who.csrf)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread")]
async fn two_instances_share_sessions_search_and_the_round_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = store::testing::fresh_database(dir.path(), "shared.db");
    common::ok(common::run(
        Path::new(&db),
        &["demo", "--no-serve", "--seed", "4"],
    ));
    let o = Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .env_remove("INNOBRIDGE_DATABASE_URL")
        .env("INNOBRIDGE_PASSWORD", PASSWORD)
        .args([
            "--db",
            &db,
            "user",
            "add",
            "pm@multi.example",
            "--role",
            "admin",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let a = start(&db, &dir.path().join("index-a"));
    let b = start(&db, &dir.path().join("index-b"));
    let c = reqwest::Client::new();

    // a session opened on A is good on B
    let pm = common::log_in(&c, &a.base, "pm@multi.example", PASSWORD).await;
    let me = |base: String, cookie: String| {
        let c = c.clone();
        async move {
            c.get(format!("{base}/api/v1/me"))
                .header("cookie", cookie)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(me(b.base.clone(), pm.cookie.clone()).await, 200);

    // a startup written through A is found through B's own index
    assert!(
        search_ids(&c, &b.base, "양자내성암호게이트웨이")
            .await
            .is_empty()
    );
    let r = c
        .put(format!("{}/api/v1/startups/multi-1", a.base))
        .header("cookie", &pm.cookie)
        .header("x-csrf-token", &pm.csrf)
        .json(&json!({"name": "퀀텀실드", "description": "양자내성암호게이트웨이를 만듭니다"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let mut found = false;
    for _ in 0..100 {
        if search_ids(&c, &b.base, "양자내성암호게이트웨이").await == ["multi-1"] {
            found = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(found, "B's index followed the change log");

    // while a round holds the lease (here: a third process on the database), neither
    // instance starts another
    let third = store::Store::open(&db).await.unwrap();
    let now = chrono::Utc::now();
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339();
    let taken = third
        .try_lock(
            app::rounds::ROUND_LOCK,
            "elsewhere",
            &stamp(now),
            &stamp(now + chrono::Duration::minutes(5)),
        )
        .await
        .unwrap();
    assert_eq!(taken, store::LockAttempt::Acquired);
    for base in [&a.base, &b.base] {
        let (status, body) = run_round(&c, base, &pm, "round-multi").await;
        assert_eq!(status, 409, "{body}");
        assert!(
            body["detail"].as_str().unwrap().contains("already running"),
            "{body}"
        );
    }
    third
        .unlock(app::rounds::ROUND_LOCK, "elsewhere")
        .await
        .unwrap();
    // both at once: they never overlap; each either runs or is told one is running
    let (ra, rb) = tokio::join!(
        run_round(&c, &a.base, &pm, "round-multi"),
        run_round(&c, &b.base, &pm, "round-multi"),
    );
    for (status, body) in [&ra, &rb] {
        assert!(*status == 200 || *status == 409, "{status} {body}");
    }
    assert!(ra.0 == 200 || rb.0 == 200, "one of them ran: {ra:?} {rb:?}");
    let proposals = third.pipeline().match_rows().await.unwrap();
    let in_round = proposals
        .iter()
        .filter(|m| m.round.as_deref() == Some("round-multi"))
        .count() as u64;
    assert!(in_round > 0);
    // one after the other, the later replaces the earlier: what is stored is one run's
    assert!(
        [&ra, &rb]
            .iter()
            .any(|(status, body)| *status == 200 && body["stored"].as_u64() == Some(in_round)),
        "the round's proposals were written by one run: {in_round} stored, {ra:?} {rb:?}"
    );

    // logging out on B ends the session on A too
    let r = c
        .delete(format!("{}/api/v1/session", b.base))
        .header("cookie", &pm.cookie)
        .header("x-csrf-token", &pm.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(me(a.base.clone(), pm.cookie.clone()).await, 401);
}

/// Issue #19, point 6: with `--log-format json` and `RUST_LOG=info`, every request is
/// one JSON line in its span: method, route, request id (sent back as `x-request-id`,
/// or the one a proxy gave), status and latency. The route is the pattern, so a token
/// in the address never reaches the log.
#[tokio::test(flavor = "multi_thread")]
async fn each_request_is_logged_with_its_route_status_latency_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("logs.db").display().to_string();
    let log_path = dir.path().join("stderr.log");
    let mut c = serve_command(&db, &dir.path().join("index"));
    c.env("RUST_LOG", "info")
        .args(["--log-format", "json"])
        .stderr(std::fs::File::create(&log_path).unwrap());
    let server = launch(c);
    let http = reqwest::Client::new();

    let r = http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let made_here = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert!(made_here.len() >= 16, "a request id is made: {made_here}");
    let r = http
        .get(format!("{}/healthz", server.base))
        .header("x-request-id", "from-the-proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "from-the-proxy-42");
    let r = http
        .post(format!(
            "{}/api/v1/password-reset/secret-token-6c1f",
            server.base
        ))
        .json(&json!({"password": "x"}))
        .send()
        .await
        .unwrap();
    let reset_status = r.status().as_u16();
    let reset_id = r.headers()["x-request-id"].to_str().unwrap().to_string();

    // the lines are written as the answers go out; give the writer a moment
    let mut lines: Vec<Value> = Vec::new();
    for _ in 0..100 {
        let text = std::fs::read_to_string(&log_path).unwrap();
        lines = text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["fields"]["message"] == "answered")
            .collect();
        if lines.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        !text.contains("secret-token-6c1f"),
        "a token in the path is not logged: {text}"
    );
    let line_of = |id: &str| {
        lines
            .iter()
            .find(|v| v["span"]["request_id"] == id)
            .unwrap_or_else(|| panic!("a line for request {id} in {text}"))
            .clone()
    };
    let first = line_of(&made_here);
    assert_eq!(first["level"], "INFO");
    assert_eq!(first["span"]["method"], "GET");
    assert_eq!(first["span"]["route"], "/healthz");
    assert_eq!(first["fields"]["status"], 200);
    assert!(first["fields"]["latency_ms"].as_f64().unwrap() >= 0.0);
    line_of("from-the-proxy-42");
    let reset = line_of(&reset_id);
    assert_eq!(reset["span"]["method"], "POST");
    assert_eq!(reset["span"]["route"], "/api/v1/password-reset/{token}");
    assert_eq!(reset["fields"]["status"], reset_status);
}
