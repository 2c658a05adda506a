//! The main journey in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`, which `.ci/run` installs): the program manager runs and publishes
//! a round → the enterprise accepts a proposal → the startup accepts → the enterprise
//! records a PoC and an investment → the public KPI page shows the new numbers.
//!
//! Screenshots of the pages on the way go to `target/screenshots/`, or to the folder
//! `INNOBRIDGE_SCREENSHOTS` names (the ones in `docs/screenshots/` were made so).

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use domain::{Language, Role, User};
use fantoccini::{Client, ClientBuilder, Locator};

mod common;

/// chromedriver on a free port, ended when dropped.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver (Debian package chromium-driver; .ci/run installs it)");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Driver(child, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("chromedriver did not start on port {port}");
}

async fn browser(d: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,1000"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.1))
        .await
        .expect("a Chromium session")
}

fn shots_dir() -> PathBuf {
    let dir = std::env::var_os("INNOBRIDGE_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
}

/// Waits for the element `css` (pages load after form posts and redirects).
async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = c.current_url().await.unwrap();
    let src = c.source().await.unwrap_or_default();
    panic!(
        "no '{css}' on {url}:\n{}",
        src.chars().take(3000).collect::<String>()
    );
}

async fn log_in(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    wait_for(c, "#email").await.send_keys(email).await.unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("#login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, "#logout").await;
}

async fn log_out(c: &Client) {
    wait_for(c, "#logout").await.click().await.unwrap();
    wait_for(c, "#nav-login").await;
}

async fn kpis(base: &str) -> serde_json::Value {
    reqwest::get(format!("{base}/api/v1/kpi"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `1234567` → `1,234,567`, as the KPI page writes numbers.
fn grouped(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn round_to_investment_in_a_real_browser() {
    let (base, app, demo, _dir) = common::serve_demo(11, None).await;
    let login_of = |role: Role| demo.logins.iter().find(|l| l.role == role).unwrap();
    let before = kpis(&base).await;

    let d = driver().await;
    let c = browser(&d).await;

    // the public directory, searched
    c.goto(&format!("{base}/startups?q=%EB%B0%B0%ED%84%B0%EB%A6%AC"))
        .await
        .unwrap();
    let total = wait_for(&c, "#total").await.text().await.unwrap();
    assert!(
        !total.starts_with('0'),
        "the directory finds 배터리: {total}"
    );
    shot(&c, "directory").await;

    // the program manager runs a round and publishes it
    let pm = login_of(Role::Admin);
    log_in(&c, &base, &pm.email, &pm.password).await;
    c.goto(&format!("{base}/admin")).await.unwrap();
    let name = wait_for(&c, "#run-round input[name=name]").await;
    name.clear().await.unwrap();
    name.send_keys("journey").await.unwrap();
    c.find(Locator::Css("#run-round button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "#publish-round button").await;
    shot(&c, "round-review").await;
    submit(&c, "#publish-round button").await;
    let flash = wait_for(&c, ".flash").await.text().await.unwrap();
    assert!(
        c.find(Locator::Css("#publish-round")).await.is_err(),
        "published: {flash}"
    );
    log_out(&c).await;

    // the enterprise accepts one of its proposals
    let ent = login_of(Role::EnterpriseMember);
    log_in(&c, &base, &ent.email, &ent.password).await;
    c.goto(&format!("{base}/work")).await.unwrap();
    let proposal = wait_for(&c, ".proposal").await;
    let startup = proposal.attr("data-startup").await.unwrap().unwrap();
    let need = proposal.attr("data-need").await.unwrap().unwrap();
    let card = format!(".proposal[data-startup='{startup}'][data-need='{need}']");
    shot(&c, "enterprise-proposals").await;
    c.find(Locator::Css(&format!("{card} button.accept")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, ".flash").await;
    log_out(&c).await;

    // that startup's member accepts too
    let founder = User {
        email: "founder@journey.kr".into(),
        display_name: "Founder".into(),
        role: Role::StartupMember,
        enterprise_id: None,
        startup_id: Some(startup.clone().into()),
        center_code: None,
        language: Language::Ko,
    };
    app.accounts()
        .add_user(
            &app::Operator::named("test"),
            &founder,
            "journey-password-1",
        )
        .await
        .unwrap();
    log_in(&c, &base, &founder.email, "journey-password-1").await;
    c.goto(&format!("{base}/work")).await.unwrap();
    let mine = wait_for(&c, &card).await;
    assert!(
        mine.text().await.unwrap().contains("기업 수락"),
        "the startup sees the enterprise's acceptance"
    );
    shot(&c, "startup-proposals").await;
    c.find(Locator::Css(&format!("{card} button.accept")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let on_board =
        format!(".col[data-status='accepted'] .card[data-startup='{startup}'][data-need='{need}']");
    wait_for(&c, &on_board).await;
    log_out(&c).await;

    // the enterprise records a PoC, then an investment of 5억 원
    log_in(&c, &base, &ent.email, &ent.password).await;
    for (col, kind, amount) in [("accepted", "poc", ""), ("poc", "investment", "500000000")] {
        c.goto(&format!("{base}/work")).await.unwrap();
        let on = format!(
            ".col[data-status='{col}'] .card[data-startup='{startup}'][data-need='{need}']"
        );
        wait_for(&c, &format!("{on} summary"))
            .await
            .click()
            .await
            .unwrap();
        c.find(Locator::Css(&format!("{on} select[name=kind]")))
            .await
            .unwrap()
            .select_by_value(kind)
            .await
            .unwrap();
        if !amount.is_empty() {
            c.find(Locator::Css(&format!("{on} input[name=amount]")))
                .await
                .unwrap()
                .send_keys(amount)
                .await
                .unwrap();
        }
        c.find(Locator::Css(&format!("{on} .outcome-form button")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_for(&c, ".flash").await;
    }
    wait_for(
        &c,
        &format!(
            ".col[data-status='investment'] .card[data-startup='{startup}'][data-need='{need}']"
        ),
    )
    .await;
    c.execute(
        "document.getElementById('pipeline').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "pipeline").await;
    log_out(&c).await;

    // the public KPI page shows the new numbers
    let after = kpis(&base).await;
    let n = |k: &serde_json::Value, key: &str| k[key].as_i64().unwrap();
    assert_eq!(n(&after, "pocs"), n(&before, "pocs") + 1);
    assert_eq!(
        n(&after, "investment_krw"),
        n(&before, "investment_krw") + 500_000_000
    );
    c.goto(&format!("{base}/kpi")).await.unwrap();
    let cards = wait_for(&c, "#kpi-cards").await.text().await.unwrap();
    let invested = (n(&after, "investment_krw") as f64 / 1e8).round() as i64;
    assert!(
        cards.contains(&format!("{}억 원", grouped(invested))),
        "{cards}"
    );
    assert!(cards.contains(&grouped(n(&after, "pocs"))), "{cards}");
    shot(&c, "kpi").await;

    // on a phone: the directory and the KPI page fit the screen's width
    c.set_window_size(390, 844).await.unwrap();
    for (path, name) in [("/startups?q=ai", "phone-directory"), ("/kpi", "phone-kpi")] {
        c.goto(&format!("{base}{path}")).await.unwrap();
        wait_for(&c, "main h1").await;
        let fits = c
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(fits, serde_json::json!(true), "{path} fits a phone's width");
        shot(&c, name).await;
    }

    c.close().await.unwrap();
}

/// The id and name of the organisation a demo login acts for.
async fn org_of(base: &str, email: &str, password: &str) -> (String, String) {
    let c = reqwest::Client::new();
    let who = common::log_in(&c, base, email, password).await;
    let me: serde_json::Value = c
        .get(format!("{base}/api/v1/me"))
        .header("cookie", &who.cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let (path, id) = match me["user"]["startup_id"].as_str() {
        Some(s) => ("startups", s.to_string()),
        None => (
            "enterprises",
            me["user"]["enterprise_id"].as_str().unwrap().to_string(),
        ),
    };
    let org: serde_json::Value = c
        .get(format!("{base}/api/v1/{path}/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (id, org["name"].as_str().unwrap().to_string())
}

/// Clicks `css` and waits until the next page has replaced this one (a form post and
/// its redirect), so nothing is read from the page being left.
async fn submit(c: &Client, css: &str) {
    c.execute("window.__leaving = true", vec![]).await.unwrap();
    wait_for(c, css).await.click().await.unwrap();
    for _ in 0..100 {
        let left = c
            .execute("return window.__leaving === undefined", vec![])
            .await
            .unwrap_or(serde_json::json!(false));
        if left == serde_json::json!(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("clicking '{css}' did not load a new page");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forum_meeting_from_request_to_both_agendas_in_a_real_browser() {
    let (base, _app, demo, _dir) = common::serve_demo(12, None).await;
    let login_of = |role: Role| demo.logins.iter().find(|l| l.role == role).unwrap();
    let (st, ent, pm) = (
        login_of(Role::StartupMember),
        login_of(Role::EnterpriseMember),
        login_of(Role::Admin),
    );
    let (enterprise_id, enterprise_name) = org_of(&base, &ent.email, &ent.password).await;
    let (_, startup_name) = org_of(&base, &st.email, &st.password).await;
    let event = format!("{base}/events/forum-2026");

    let d = driver().await;
    let c = browser(&d).await;
    // both register for the forum
    for who in [ent, st] {
        log_in(&c, &base, &who.email, &who.password).await;
        c.goto(&event).await.unwrap();
        submit(&c, "#register").await;
        let status = wait_for(&c, "#my-registration").await.text().await.unwrap();
        assert_eq!(status, "등록");
        if who.email == st.email {
            break; // the startup stays logged in to ask
        }
        log_out(&c).await;
    }
    // the startup asks the enterprise for a 1:1 meeting from the participant list
    let ask = format!("button.request-meeting[data-with='{enterprise_id}']");
    submit(&c, &ask).await;
    let outgoing = wait_for(&c, "#outgoing").await.text().await.unwrap();
    assert!(outgoing.contains(&enterprise_name), "{outgoing}");
    shot(&c, "event-request").await;
    log_out(&c).await;

    // the enterprise accepts
    log_in(&c, &base, &ent.email, &ent.password).await;
    c.goto(&event).await.unwrap();
    submit(&c, "#incoming button.accept-request").await;
    wait_for(&c, ".flash").await;
    log_out(&c).await;

    // the organiser schedules
    log_in(&c, &base, &pm.email, &pm.password).await;
    c.goto(&event).await.unwrap();
    submit(&c, "#schedule").await;
    let stats = wait_for(&c, "#schedule-stats").await.text().await.unwrap();
    assert!(stats.contains("중복 예약 0"), "{stats}");
    log_out(&c).await;

    // both see the meeting in their agenda, at the same time and table
    let mut rows = Vec::new();
    for (who, other) in [(st, &enterprise_name), (ent, &startup_name)] {
        log_in(&c, &base, &who.email, &who.password).await;
        c.goto(&format!("{event}/agenda")).await.unwrap();
        let agenda = wait_for(&c, "#agenda").await.text().await.unwrap();
        let row = agenda
            .lines()
            .find(|l| l.contains(other.as_str()))
            .unwrap_or_else(|| panic!("{other} in {agenda}"))
            .replace(other.as_str(), "");
        rows.push(row);
        if who.email == st.email {
            shot(&c, "agenda").await;
        }
        log_out(&c).await;
    }
    assert_eq!(rows[0], rows[1], "the same slot and table on both agendas");

    // the center's manager sees its applications ranked, and the public the clusters
    let cm = login_of(Role::CenterManager);
    log_in(&c, &base, &cm.email, &cm.password).await;
    c.goto(&format!("{base}/work")).await.unwrap();
    wait_for(&c, "#applications").await;
    shot(&c, "center-applications").await;
    log_out(&c).await;
    c.goto(&format!("{base}/clusters")).await.unwrap();
    wait_for(&c, "#clusters").await;
    shot(&c, "clusters").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_call_from_application_to_the_inbox_in_a_real_browser() {
    let (base, app, demo, _dir) = common::serve_demo(13, None).await;
    let login_of = |role: Role| demo.logins.iter().find(|l| l.role == role).unwrap();
    let (st, ent, judge) = (
        login_of(Role::StartupMember),
        login_of(Role::EnterpriseMember),
        login_of(Role::Evaluator),
    );
    let second = User {
        email: "judge2@journey.kr".into(),
        display_name: "Judge Two".into(),
        role: Role::Evaluator,
        enterprise_id: None,
        startup_id: None,
        center_code: None,
        language: Language::En,
    };
    app.accounts()
        .add_user(&app::Operator::named("test"), &second, "journey-password-2")
        .await
        .unwrap();
    let deck = std::env::temp_dir().join(format!("innobridge-deck-{}.pdf", std::process::id()));
    std::fs::write(
        &deck,
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    )
    .unwrap();
    let call = format!("{base}/calls/journey-call");

    let d = driver().await;
    let c = browser(&d).await;

    // the enterprise opens a call on one of its needs
    log_in(&c, &base, &ent.email, &ent.password).await;
    c.goto(&format!("{base}/calls")).await.unwrap();
    let form = "#new-call";
    wait_for(&c, &format!("{form} input[name=code]"))
        .await
        .send_keys("journey-call")
        .await
        .unwrap();
    c.find(Locator::Css(&format!("{form} input[name=title]")))
        .await
        .unwrap()
        .send_keys("배터리 재활용 PoC 공모")
        .await
        .unwrap();
    let deadline = (chrono::Utc::now() + chrono::Duration::days(7))
        .format("%m%d%Y")
        .to_string();
    c.find(Locator::Css(&format!("{form} input[name=deadline]")))
        .await
        .unwrap()
        .send_keys(&deadline)
        .await
        .unwrap();
    submit(&c, &format!("{form} button[type=submit]")).await;
    wait_for(&c, "#decide").await;
    log_out(&c).await;

    // the startup applies with its pitch deck
    log_in(&c, &base, &st.email, &st.password).await;
    c.goto(&call).await.unwrap();
    wait_for(&c, "#apply textarea[name=q_q1]")
        .await
        .send_keys("두 개 공장에서 3개월 PoC")
        .await
        .unwrap();
    c.find(Locator::Css("#apply input[name=f_deck]"))
        .await
        .unwrap()
        .send_keys(deck.to_str().unwrap())
        .await
        .unwrap();
    shot(&c, "call-application").await;
    submit(&c, "#submit-application").await;
    let status = wait_for(&c, "#my-status").await.text().await.unwrap();
    assert_eq!(status, "제출");
    log_out(&c).await;

    // the enterprise adds two evaluators and assigns the reviews
    log_in(&c, &base, &ent.email, &ent.password).await;
    c.goto(&call).await.unwrap();
    for email in [judge.email.as_str(), second.email.as_str()] {
        wait_for(&c, "form[action$='/evaluators'] input[name=email]")
            .await
            .send_keys(email)
            .await
            .unwrap();
        submit(&c, "form[action$='/evaluators'] button").await;
    }
    submit(&c, "#assign").await;
    log_out(&c).await;

    // both evaluators score it on the rubric
    for (email, password, score) in [
        (judge.email.as_str(), judge.password.as_str(), "4"),
        (second.email.as_str(), "journey-password-2", "5"),
    ] {
        log_in(&c, &base, email, password).await;
        c.goto(&format!("{call}/reviews")).await.unwrap();
        for key in ["technology", "fit", "team", "business"] {
            let select = wait_for(&c, &format!(".review select[name=s_{key}]")).await;
            select.select_by_value(score).await.unwrap();
        }
        if email == judge.email {
            shot(&c, "call-review").await;
        }
        submit(&c, ".review button.score").await;
        wait_for(&c, ".flash").await;
        log_out(&c).await;
    }

    // the organiser closes scoring, sees the ranking and advances the best
    log_in(&c, &base, &ent.email, &ent.password).await;
    c.goto(&call).await.unwrap();
    submit(&c, "#close-stage").await;
    let row = wait_for(&c, "#standings tbody tr")
        .await
        .text()
        .await
        .unwrap();
    assert!(row.contains("90.0"), "the mean of 80 and 100: {row}");
    shot(&c, "call-ranking").await;
    submit(&c, "#advance").await;
    log_out(&c).await;

    // the startup finds the result in its inbox
    log_in(&c, &base, &st.email, &st.password).await;
    c.goto(&format!("{base}/inbox")).await.unwrap();
    let inbox = wait_for(&c, "#inbox li[data-kind='stage.result']")
        .await
        .text()
        .await
        .unwrap();
    assert!(inbox.contains("통과"), "{inbox}");
    shot(&c, "inbox").await;
    c.close().await.unwrap();
    let _ = std::fs::remove_file(deck);
}
