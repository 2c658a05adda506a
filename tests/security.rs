//! Security hardening, each point tried over HTTP or on the binary: security headers
//! and no inline script or style, the session token rotated at login, lockout after
//! repeated failures, no user enumeration on login or password reset, and secrets
//! only from the environment or a file.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::redirect::Policy;

const PASSWORD: &str = "a long enough secret";

/// A server over a fresh database (PostgreSQL with `INNOBRIDGE_TEST_POSTGRES`) with two
/// accounts.
async fn start() -> (String, app::App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "s.db"))
        .await
        .unwrap();
    for email in ["pm@seoul.example", "eval@seoul.example"] {
        let u = domain::User {
            email: email.into(),
            display_name: email.into(),
            role: if email.starts_with("pm") {
                domain::Role::Admin
            } else {
                domain::Role::Evaluator
            },
            enterprise_id: None,
            startup_id: None,
            center_code: None,
            language: domain::Language::En,
        };
        app.accounts()
            .add_user(&app::Operator::named("test"), &u, PASSWORD)
            .await
            .unwrap();
    }
    (common::serve(&app).await, app, dir)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn header<'r>(r: &'r reqwest::Response, name: &str) -> &'r str {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("{} has no {name}", r.url()))
        .to_str()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_carries_the_security_headers() {
    let (base, _app, _dir) = start().await;
    let c = client();
    for path in [
        "/",
        "/startups",
        "/login",
        "/password-reset",
        "/static/app.css",
        "/api/v1/kpi",
        "/api/v1/me",
        "/no/such/page",
        "/api/v1/no-such",
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        let csp = header(&r, "content-security-policy");
        let script = csp
            .split(';')
            .find(|d| d.trim().starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in {csp}"));
        assert_eq!(script.trim(), "script-src 'self'", "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
        assert_eq!(header(&r, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&r, "referrer-policy"), "same-origin", "{path}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
        assert!(r.headers().get("strict-transport-security").is_none());
        if header(&r, "content-type").starts_with("text/html") {
            let html = r.text().await.unwrap().to_lowercase();
            assert_no_inline_script(&html, path);
            assert!(!html.contains(" style="), "{path}: style attribute");
        }
    }
    // the API explorer's scripts are files too; only its styles are inline
    let r = c.get(format!("{base}/api/docs/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = header(&r, "content-security-policy").to_string();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    let html = r.text().await.unwrap();
    assert_no_inline_script(&html, "/api/docs/");
    // behind a TLS-terminating proxy, browsers are told to stay on HTTPS
    let r = c
        .get(format!("{base}/"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(header(&r, "strict-transport-security").starts_with("max-age="));
}

fn assert_no_inline_script(html: &str, what: &str) {
    let lower = html.to_lowercase();
    for (i, _) in lower.match_indices("<script") {
        let tag = &lower[i..i + lower[i..].find('>').unwrap()];
        assert!(tag.contains(" src="), "{what}: inline script {tag}");
    }
    for attr in [
        " onclick=",
        " onload=",
        " onerror=",
        " onsubmit=",
        "javascript:",
    ] {
        assert!(!lower.contains(attr), "{what}: {attr}");
    }
}

/// The CSP forbids inline script and style on our pages, so no template may have any:
/// a page that broke this would lose its behaviour or looks in every browser.
#[test]
fn no_template_has_inline_script_or_style() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/web/templates");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let html = std::fs::read_to_string(&path).unwrap();
        let what = path.display().to_string();
        assert_no_inline_script(&html, &what);
        let lower = html.to_lowercase();
        assert!(!lower.contains(" style="), "{what}: style attribute");
        assert!(!lower.contains("<style"), "{what}: style element");
        seen += 1;
    }
    assert!(seen >= 20, "read {seen} templates");
}

async fn api_login(
    c: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut r = c
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": password}));
    if let Some(cookie) = cookie {
        r = r.header("cookie", cookie);
    }
    r.send().await.unwrap()
}

fn cookie_of(r: &reqwest::Response) -> String {
    header(r, "set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

async fn me(c: &reqwest::Client, base: &str, cookie: &str) -> StatusCode {
    c.get(format!("{base}/api/v1/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread")]
async fn logging_in_rotates_the_session_token() {
    let (base, _app, _dir) = start().await;
    let c = client();
    let first = api_login(&c, &base, "pm@seoul.example", PASSWORD, None).await;
    assert_eq!(first.status(), 200);
    let old = cookie_of(&first);
    assert_eq!(me(&c, &base, &old).await, 200);
    // logging in again from the same browser (API and form) gives a new token and ends
    // the old one
    let second = api_login(&c, &base, "pm@seoul.example", PASSWORD, Some(&old)).await;
    assert_eq!(second.status(), 200);
    let new = cookie_of(&second);
    assert_ne!(new, old);
    assert_eq!(me(&c, &base, &old).await, 401, "the old token is dead");
    assert_eq!(me(&c, &base, &new).await, 200);
    let r = c
        .post(format!("{base}/login"))
        .header("cookie", &new)
        .form(&[("email", "eval@seoul.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let third = cookie_of(&r);
    assert_ne!(third, new);
    assert_eq!(
        me(&c, &base, &new).await,
        401,
        "the form login ended it too"
    );
    assert_eq!(me(&c, &base, &third).await, 200);
    // a failed login does not end the session it came with
    let r = api_login(
        &c,
        &base,
        "eval@seoul.example",
        "wrong wrong!",
        Some(&third),
    )
    .await;
    assert_eq!(r.status(), 401);
    assert_eq!(me(&c, &base, &third).await, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_failures_lock_the_e_mail_over_http() {
    let (base, _app, _dir) = start().await;
    let c = client();
    for _ in 0..app::accounts::MAX_FAILURES {
        let r = api_login(&c, &base, "eval@seoul.example", "not the password", None).await;
        assert_eq!(r.status(), 401);
    }
    // now even the right password is refused, on the API and on the form
    let r = api_login(&c, &base, "eval@seoul.example", PASSWORD, None).await;
    assert_eq!(r.status(), 429);
    let r = c
        .post(format!("{base}/login"))
        .form(&[("email", "eval@seoul.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("set-cookie").is_none());
    // another account is not affected
    let r = api_login(&c, &base, "pm@seoul.example", PASSWORD, None).await;
    assert_eq!(r.status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn login_tells_nothing_about_which_e_mails_exist() {
    let (base, _app, _dir) = start().await;
    let c = client();
    let answer = |r: reqwest::Response| async move {
        let status = r.status();
        (status, r.text().await.unwrap())
    };
    let known =
        answer(api_login(&c, &base, "pm@seoul.example", "wrong password1", None).await).await;
    let unknown =
        answer(api_login(&c, &base, "ghost@seoul.example", "wrong password1", None).await).await;
    assert_eq!(known, unknown, "same status and body");
    assert_eq!(known.0, 401);
    let form = |email: &'static str| {
        c.post(format!("{base}/login"))
            .form(&[("email", email), ("password", "wrong password1")])
            .send()
    };
    let a = answer(form("pm@seoul.example").await.unwrap()).await;
    let b = answer(form("ghost@seoul.example").await.unwrap()).await;
    assert_eq!(a.0, b.0);
    assert_eq!(
        a.1.replace("pm@seoul.example", "E"),
        b.1.replace("ghost@seoul.example", "E")
    );
    // nor by timing: an unknown e-mail costs the same argon2id work as a wrong password
    let mut took = [Duration::ZERO; 2];
    for round in 0..3 {
        for (i, email) in [
            "eval@seoul.example".to_string(),
            format!("ghost{round}@seoul.example"),
        ]
        .iter()
        .enumerate()
        {
            let t = Instant::now();
            let r = api_login(&c, &base, email, "wrong password2", None).await;
            took[i] += t.elapsed();
            assert_eq!(r.status(), 401);
        }
    }
    let ratio = took[1].as_secs_f64() / took[0].as_secs_f64();
    assert!(
        ratio > 0.5,
        "unknown e-mails answered in {:?}, known in {:?}",
        took[1],
        took[0]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_reset_tells_nothing_and_its_link_works_once() {
    let (base, app, _dir) = start().await;
    let c = client();
    let session = cookie_of(&api_login(&c, &base, "eval@seoul.example", PASSWORD, None).await);
    let ask = |email: &'static str| {
        c.post(format!("{base}/api/v1/password-reset"))
            .json(&serde_json::json!({ "email": email }))
            .send()
    };
    let known = ask("eval@seoul.example").await.unwrap();
    let unknown = ask("ghost@seoul.example").await.unwrap();
    assert_eq!(known.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    // the pages answer alike too
    let page = |email: &'static str| {
        c.post(format!("{base}/password-reset"))
            .form(&[("email", email)])
            .send()
    };
    let a = page("pm@seoul.example").await.unwrap();
    let b = page("ghost@seoul.example").await.unwrap();
    assert_eq!(a.status(), b.status());
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
    // only the real accounts got mail (made and queued after the answer has gone)
    let mail = mail_settled(&app, 2).await;
    let mut to: Vec<&str> = mail.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["eval@seoul.example", "pm@seoul.example"]);
    let body = &mail
        .iter()
        .find(|m| m.to == "eval@seoul.example")
        .unwrap()
        .body;
    let token = body
        .split("/password-reset/")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("the mail carries the link");
    assert_eq!(token.len(), 64);
    // a short password is refused and spends nothing
    let set = |password: &'static str| {
        c.post(format!("{base}/api/v1/password-reset/{token}"))
            .json(&serde_json::json!({ "password": password }))
            .send()
    };
    assert_eq!(set("short").await.unwrap().status(), 400);
    assert_eq!(set("a brand new secret").await.unwrap().status(), 204);
    assert_eq!(
        set("yet another secret").await.unwrap().status(),
        404,
        "once"
    );
    assert_eq!(me(&c, &base, &session).await, 401, "old sessions ended");
    let r = api_login(&c, &base, "eval@seoul.example", PASSWORD, None).await;
    assert_eq!(r.status(), 401, "the old password is gone");
    let r = api_login(&c, &base, "eval@seoul.example", "a brand new secret", None).await;
    assert_eq!(r.status(), 200);
    // a made-up link is refused on the page as well
    let r = c
        .post(format!("{base}/password-reset/{}", "0".repeat(64)))
        .form(&[("password", "a brand new secret")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // asking again and again sends at most a few mails an hour
    for _ in 0..5 {
        let r = ask("eval@seoul.example").await.unwrap();
        assert_eq!(r.status(), 202, "{}", r.text().await.unwrap());
    }
    // the five requests settle at the limit (two of the five earlier mails were spent
    // on pm's and the first link's), and asking once more, waited for, adds nothing
    let mails = mail_settled(&app, 1 + app::accounts::MAX_RESETS_PER_HOUR as usize).await;
    app.accounts()
        .request_password_reset("eval@seoul.example")
        .await
        .unwrap();
    assert_eq!(
        app.store().inbox().outbox(50).await.unwrap().len(),
        mails.len()
    );
    let to_eval = mails
        .iter()
        .filter(|m| m.to == "eval@seoul.example")
        .count();
    assert_eq!(to_eval as i64, app::accounts::MAX_RESETS_PER_HOUR);
}

/// The outbox once it holds `n` messages (reset mail is queued after the answer).
async fn mail_settled(app: &app::App, n: usize) -> Vec<store::OutboxMail> {
    for _ in 0..200 {
        let mail = app.store().inbox().outbox(50).await.unwrap();
        if mail.len() >= n {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the outbox never held {n} messages");
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innobridge"));
    c.env_remove("INNOBRIDGE_DATABASE_URL")
        .env_remove("INNOBRIDGE_DATABASE_URL_FILE")
        .env_remove("INNOBRIDGE_PASSWORD")
        .env_remove("INNOBRIDGE_PASSWORD_FILE");
    c
}

#[test]
fn secrets_come_from_the_environment_or_a_file_never_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    // a password in --db is refused before anything is opened
    let o = bin()
        .args([
            "--db",
            "postgres://app:s3cret@127.0.0.1:1/innobridge",
            "kpi",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("INNOBRIDGE_DATABASE_URL_FILE"), "{err}");
    assert!(!err.contains("s3cret"), "the secret is not echoed: {err}");
    // the database URL and a new user's password from files
    let db = dir.path().join("from-file.db");
    let url_file = dir.path().join("db-url");
    std::fs::write(&url_file, format!("{}\n", db.display())).unwrap();
    let pw_file = dir.path().join("pw");
    std::fs::write(&pw_file, format!("{PASSWORD}\n")).unwrap();
    let o = bin()
        .env("INNOBRIDGE_DATABASE_URL_FILE", &url_file)
        .env("INNOBRIDGE_PASSWORD_FILE", &pw_file)
        .args(["user", "add", "pm@seoul.example", "--role", "admin"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(db.exists(), "the URL came from the file");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let app = app::App::open(db.to_str().unwrap()).await.unwrap();
        assert!(
            app.accounts()
                .login("pm@seoul.example", PASSWORD)
                .await
                .is_ok(),
            "the password came from the file, without its line break"
        );
    });
    // both forms at once is a mistake, said plainly
    let o = bin()
        .env("INNOBRIDGE_DATABASE_URL", &db)
        .env("INNOBRIDGE_DATABASE_URL_FILE", &url_file)
        .arg("kpi")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not both"));
    // an unreadable file says which
    let o = bin()
        .env("INNOBRIDGE_DATABASE_URL_FILE", dir.path().join("missing"))
        .arg("kpi")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("INNOBRIDGE_DATABASE_URL_FILE"));
}

/// Bad input the framework turns away before a handler runs (a path segment that is
/// not a number, a body too large, a wrong method) is answered as problem+json too.
#[tokio::test(flavor = "multi_thread")]
async fn framework_rejections_are_problems_too() {
    let (base, _app, _dir) = start().await;
    let c = client();
    let pm = cookie_of(&api_login(&c, &base, "pm@seoul.example", PASSWORD, None).await);
    for (method, path, want) in [
        ("POST", "/api/v1/reviews/not-a-number", 400),
        ("GET", "/api/v1/applications/0.5/files/deck", 400),
        ("PATCH", "/api/v1/kpi", 405),
    ] {
        let r = c
            .request(method.parse().unwrap(), format!("{base}{path}"))
            .header("cookie", &pm)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), want, "{method} {path}");
        assert_eq!(
            header(&r, "content-type"),
            "application/problem+json",
            "{method} {path}"
        );
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["status"], want);
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
}

/// Issue 18, item 1: a page deep in a result list is refused before anything is sized
/// by it (it once allocated `page × per_page` entries and aborted the server), and a
/// page past the last one is refused too, on the API and on the directory pages.
#[tokio::test(flavor = "multi_thread")]
async fn deep_and_past_the_end_pages_are_refused_not_allocated() {
    let (base, _app, _dir) = start().await;
    let c = client();
    for query in [
        "page=100000000000&per_page=200",
        "page=18446744073709551615&per_page=200",
        "page=51&per_page=200&sort=newest",
        "page=2",
    ] {
        let r = c
            .get(format!("{base}/api/v1/search?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
        assert_eq!(header(&r, "content-type"), "application/problem+json");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["type"], "https://innobridge.example/problems/bad-input");
        for page in ["startups", "needs"] {
            let r = c
                .get(format!("{base}/{page}?{query}"))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "/{page}?{query}");
            assert!(r.text().await.unwrap().contains("page"), "says why");
        }
    }
    // the first page is there even when nothing matches
    let r = c
        .get(format!("{base}/api/v1/search?page=1&per_page=200"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        c.get(format!("{base}/startups"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

/// Issue 18, items 3 and 15: control characters in a path or a redirect target, an
/// address that is too long and a body that is too large are clean 4xx answers; a
/// redirect only ever goes to a path on this site.
#[tokio::test(flavor = "multi_thread")]
async fn bad_addresses_and_redirect_targets_are_refused_or_kept_on_site() {
    let (base, app, _dir) = start().await;
    let c = client();
    for path in [
        "/events/x%0ay/agenda",
        "/startups/a%0d%0aSet-Cookie:%20x=1",
        "/lang/en%09",
    ] {
        let r = c.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(r.status(), 400, "{path}");
    }
    let r = c
        .get(format!("{base}/api/v1/events/x%0ay"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(header(&r, "content-type"), "application/problem+json");

    // the language switch and login follow only paths on this site
    for (back, to) in [
        ("/%0a", "/"),
        ("/%09/evil.example", "/"),
        ("/%5C/evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/startups%3Fq%3Dbattery", "/startups?q=battery"),
    ] {
        let r = c
            .get(format!("{base}/lang/en?back={back}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{back}");
        assert_eq!(header(&r, "location"), to, "{back}");
    }
    let sessions = || async {
        app.store()
            .execute_unchecked("UPDATE sessions SET csrf = csrf")
            .await
            .unwrap()
    };
    for (next, to) in [
        ("/\n", "/work"),
        ("/\t/evil.example", "/work"),
        ("/\\evil.example", "/work"),
        ("/needs?q=a b", "/needs?q=a%20b"),
    ] {
        let before = sessions().await;
        let r = c
            .post(format!("{base}/login"))
            .form(&[
                ("email", "pm@seoul.example"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{next:?}");
        assert_eq!(header(&r, "location"), to, "{next:?}");
        assert!(r.headers().get("set-cookie").is_some());
        assert_eq!(sessions().await, before + 1, "one session per login");
    }

    // too long an address, too large a body: 414 and 413 as problems on the API
    let long = "x".repeat(20_000);
    let r = c
        .get(format!("{base}/api/v1/search?q={long}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 414);
    assert_eq!(header(&r, "content-type"), "application/problem+json");
    let r = c
        .get(format!("{base}/startups?q={long}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 414);
    // just over axum's 2 MiB default (a far larger one is refused before it is sent
    // whole, which breaks the client's pipe rather than showing the answer)
    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(2 << 20)
    );
    let r = c
        .post(format!("{base}/api/v1/session"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(header(&r, "content-type"), "application/problem+json");
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["type"], "https://innobridge.example/problems/too-large");
}

/// A client bound to `ip` (any 127.x.y.z reaches the server on loopback), so tests can
/// log in from several addresses.
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// Issue 18, item 19: a burst of wrong passwords from one address has at most
/// `MAX_FAILURES` of them checked, however many arrive at once; a made-up
/// `X-Forwarded-For` does not help; and the account's owner, from another address,
/// still logs in.
#[tokio::test(flavor = "multi_thread")]
async fn a_login_burst_is_counted_atomically_and_locks_out_only_its_sender() {
    let (base, _app, _dir) = start().await;
    let attacker = client_from("127.0.0.1");
    let burst = (0..64).map(|i| {
        let (c, base) = (attacker.clone(), base.clone());
        tokio::spawn(async move {
            c.post(format!("{base}/api/v1/session"))
                .header("x-forwarded-for", format!("203.0.113.{i}"))
                .json(&serde_json::json!({"email": "pm@seoul.example", "password": format!("guess number {i}")}))
                .send()
                .await
                .unwrap()
                .status()
        })
    });
    let mut statuses = Vec::new();
    for r in burst.collect::<Vec<_>>() {
        statuses.push(r.await.unwrap().as_u16());
    }
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let locked = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked as u64, app::accounts::MAX_FAILURES, "{statuses:?}");
    assert_eq!(checked + locked, 64, "{statuses:?}");
    // the sender stays locked out, even with the right password
    let r = api_login(&attacker, &base, "pm@seoul.example", PASSWORD, None).await;
    assert_eq!(r.status(), 429);
    // the owner, elsewhere, is not
    let owner = client_from("127.0.0.2");
    let r = api_login(&owner, &base, "pm@seoul.example", PASSWORD, None).await;
    assert_eq!(r.status(), 200);
    // one address trying many accounts is stopped too
    let sprayer = client_from("127.0.0.3");
    let mut last = 0;
    for i in 0..=app::accounts::MAX_CLIENT_FAILURES {
        let r = api_login(
            &sprayer,
            &base,
            &format!("user{i}@seoul.example"),
            "guess guess",
            None,
        )
        .await;
        last = r.status().as_u16();
    }
    assert_eq!(last, 429);
}

/// Issue 18, item 17: asking for a reset link answers alike — status, headers, body —
/// whether or not the e-mail has an account, even when storing the link fails (the
/// work is done after the answer, the same for both).
#[tokio::test(flavor = "multi_thread")]
async fn a_reset_request_answers_alike_for_known_and_unknown_e_mails() {
    let (base, app, _dir) = start().await;
    let c = client();
    // a known e-mail's path fails after its answer; it must not show
    app.store()
        .execute_unchecked("DROP TABLE mail_outbox")
        .await
        .unwrap();
    let seen = |r: reqwest::Response| async move {
        let mut headers: Vec<(String, String)> = r
            .headers()
            .iter()
            // what differs for every request alike: the time and the request's own id
            .filter(|(k, _)| *k != "date" && *k != "x-request-id")
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
            .collect();
        headers.sort();
        (r.status(), headers, r.text().await.unwrap())
    };
    for email in ["eval@seoul.example", "ghost@seoul.example"] {
        let api = c
            .post(format!("{base}/api/v1/password-reset"))
            .json(&serde_json::json!({ "email": email }));
        let page = c
            .post(format!("{base}/password-reset"))
            .form(&[("email", email)]);
        let (api, page) = (
            seen(api.send().await.unwrap()).await,
            seen(page.send().await.unwrap()).await,
        );
        assert_eq!(api.0, 202, "{email}: {api:?}");
        assert_eq!(page.0, 200, "{email}: {page:?}");
        let ghost_api = c
            .post(format!("{base}/api/v1/password-reset"))
            .json(&serde_json::json!({ "email": "nobody@seoul.example" }));
        assert_eq!(api, seen(ghost_api.send().await.unwrap()).await, "{email}");
    }
}

/// Issue 18, item 18: whatever may be private is never kept by a cache — every answer
/// to a signed-in request and the login's own answer — while public pages may be.
#[tokio::test(flavor = "multi_thread")]
async fn private_answers_are_not_stored_by_caches() {
    let (base, _app, _dir) = start().await;
    let c = client();
    let login = api_login(&c, &base, "pm@seoul.example", PASSWORD, None).await;
    assert_eq!(header(&login, "cache-control"), "no-store");
    let pm = cookie_of(&login);
    for path in [
        "/work",
        "/api/v1/me",
        "/",
        "/startups",
        "/api/v1/export/startups.csv",
        "/admin",
    ] {
        let r = c
            .get(format!("{base}{path}"))
            .header("cookie", &pm)
            .send()
            .await
            .unwrap();
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
    }
    let r = c.get(format!("{base}/startups")).send().await.unwrap();
    assert!(r.headers().get("cache-control").is_none(), "public");
}

/// A link cannot put text of its choosing into our page frame: the one-line message a
/// page shows comes only from a cookie signed by the server, not from the URL, and a
/// forged cookie shows nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_link_cannot_write_the_pages_message() {
    let (base, _app, _dir) = start().await;
    let c = client();
    let planted = "Your account is closed. Call 010-0000-0000";
    for path in ["/kpi", "/startups", "/login"] {
        let page = c
            .get(format!("{base}{path}?msg={}", planted.replace(' ', "+")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!page.contains("Your account is closed"), "{path}");
        let forged = c
            .get(format!("{base}{path}"))
            .header(
                "cookie",
                "innobridge_flash=Your+account+is+closed.00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
            )
            .send()
            .await
            .unwrap();
        let cleared = forged
            .headers()
            .get_all("set-cookie")
            .iter()
            .any(|v| v.to_str().unwrap().starts_with("innobridge_flash=;"));
        assert!(cleared, "{path}: the cookie is cleared once read");
        let page = forged.text().await.unwrap();
        assert!(!page.contains("Your account is closed"), "{path}");
    }
}
