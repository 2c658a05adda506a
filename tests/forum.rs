//! Events, 1:1 meetings, clusters and overseas centers over HTTP against the real app
//! on a fresh demo program: the request → accept → schedule → agenda (and .ics) path,
//! who may do what, center admission within capacity and its outcomes in the KPIs,
//! the matrices' CSV, and `innobridge schedule`.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use common::{Who, log_in};
use domain::Role;
use reqwest::Client;
use serde_json::{Value, json};

async fn send(c: &Client, req: reqwest::RequestBuilder, who: Option<&Who>) -> (u16, Value) {
    let req = match who {
        Some(w) => req
            .header("cookie", &w.cookie)
            .header("x-csrf-token", &w.csrf),
        None => req,
    };
    let _ = c;
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_meeting_is_requested_accepted_scheduled_and_on_both_agendas() {
    let (base, _app, demo, _dir) = common::serve_demo(5, None).await;
    let c = Client::new();
    let login = |r: Role| demo.logins.iter().find(|l| l.role == r).unwrap().clone();
    let (st, ent, pm, ev) = (
        login(Role::StartupMember),
        login(Role::EnterpriseMember),
        login(Role::Admin),
        login(Role::Evaluator),
    );
    let st = log_in(&c, &base, &st.email, &st.password).await;
    let ent = log_in(&c, &base, &ent.email, &ent.password).await;
    let pm = log_in(&c, &base, &pm.email, &pm.password).await;
    let evaluator = log_in(&c, &base, &ev.email, &ev.password).await;
    let me = |w: &Who| {
        let w = w.clone();
        let c = c.clone();
        let base = base.clone();
        async move {
            send(&c, c.get(format!("{base}/api/v1/me")), Some(&w))
                .await
                .1
        }
    };
    let startup_id = me(&st).await["user"]["startup_id"]
        .as_str()
        .unwrap()
        .to_string();
    let enterprise_id = me(&ent).await["user"]["enterprise_id"]
        .as_str()
        .unwrap()
        .to_string();
    let event = "forum-2026";
    let url = |p: &str| format!("{base}/api/v1/events/{event}{p}");

    // asking before both are registered is refused with the reason
    let (s, p) = send(
        &c,
        c.post(url("/requests"))
            .json(&json!({"with": enterprise_id})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 409, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("registered"));
    // an evaluator takes no part; nobody registers without a session
    assert_eq!(
        send(&c, c.post(url("/registration")), Some(&evaluator))
            .await
            .0,
        403
    );
    assert_eq!(send(&c, c.post(url("/registration")), None).await.0, 401);
    for w in [&st, &ent] {
        let (s, r) = send(&c, c.post(url("/registration")), Some(w)).await;
        assert_eq!((s, r["status"].as_str()), (200, Some("registered")));
    }
    let (s, created) = send(
        &c,
        c.post(url("/requests"))
            .json(&json!({"with": enterprise_id, "note": "battery pilot"})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let answer = |a: &str| format!("{base}/api/v1/meeting-requests/{id}/{a}");
    // the asking side cannot accept its own request; strangers do not see it
    assert_eq!(send(&c, c.post(answer("accept")), Some(&st)).await.0, 403);
    assert_eq!(
        send(&c, c.post(answer("accept")), Some(&evaluator)).await.0,
        404
    );
    let (s, r) = send(&c, c.post(answer("accept")), Some(&ent)).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("accepted")), "{r}");
    // only the organiser schedules
    assert_eq!(send(&c, c.post(url("/schedule")), Some(&st)).await.0, 403);
    // the enterprise cannot make the first two slots
    let (s, _) = send(
        &c,
        c.put(url("/availability"))
            .json(&json!({"unavailable": [0, 1]})),
        Some(&ent),
    )
    .await;
    assert_eq!(s, 204);
    // which slots an organisation cannot make is its own and the organiser's business
    // (issue 18, item 18)
    let busy = |who: Option<Who>| {
        let (c, url) = (c.clone(), url(""));
        let enterprise_id = enterprise_id.clone();
        async move {
            let (s, detail) = send(&c, c.get(url), who.as_ref()).await;
            assert_eq!(s, 200, "{detail}");
            detail["participants"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["id"] == enterprise_id.as_str())
                .unwrap()["unavailable"]
                .clone()
        }
    };
    assert_eq!(busy(Some(ent.clone())).await, json!([0, 1]));
    assert_eq!(busy(Some(pm.clone())).await, json!([0, 1]));
    assert_eq!(busy(Some(st.clone())).await, json!([]));
    assert_eq!(busy(None).await, json!([]));
    // an online link is a web address, never a script
    for link in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>1</script>",
        "//evil",
    ] {
        let (s, p) = send(
            &c,
            c.post(format!("{base}/api/v1/events")).json(&json!({"code": "js-link", "kind": "meetup",
                "title_ko": "밋업", "title_en": "Meetup", "date": "2026-06-01", "slots": 4, "tables": 4, "capacity": 10,
                "starts_at": "16:00:00", "slot_minutes": 20, "online_url": link})),
            Some(&pm),
        )
        .await;
        assert_eq!(s, 422, "{link}: {p}");
        assert_eq!(p["errors"][0]["field"], "online_url", "{p}");
    }
    let (s, stats) = send(&c, c.post(url("/schedule")), Some(&pm)).await;
    assert_eq!(s, 200, "{stats}");
    assert_eq!(stats["double_booked"], 0);
    assert_eq!(stats["placed"], stats["upper_bound"], "{stats}");
    let (_, a1) = send(&c, c.get(url("/agenda")), Some(&st)).await;
    let (_, a2) = send(&c, c.get(url("/agenda")), Some(&ent)).await;
    let mine = |a: &Value, with: &str| {
        a.as_array()
            .unwrap()
            .iter()
            .find(|i| i["with_id"] == with)
            .cloned()
            .unwrap_or_else(|| panic!("{with} in {a}"))
    };
    let (m1, m2) = (mine(&a1, &enterprise_id), mine(&a2, &startup_id));
    assert_eq!(
        (&m1["slot"], &m1["table"], &m1["starts"]),
        (&m2["slot"], &m2["table"], &m2["starts"])
    );
    assert!(
        m1["slot"].as_i64().unwrap() >= 2,
        "availability respected: {m1}"
    );
    // nobody in the event is double-booked, no table used twice in a slot
    let (_, all) = send(&c, c.get(url("/requests")), Some(&pm)).await;
    let mut seen = std::collections::HashSet::new();
    for r in all
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["slot"].is_null())
    {
        assert!(seen.insert(("s", r["startup_id"].to_string(), r["slot"].to_string())));
        assert!(seen.insert(("e", r["enterprise_id"].to_string(), r["slot"].to_string())));
        assert!(seen.insert(("t", r["table"].to_string(), r["slot"].to_string())));
    }
    // the .ics parses and holds the meeting at the agenda's time (KST → UTC)
    let r = c
        .get(url("/agenda.ics"))
        .header("cookie", &st.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let cal: icalendar::Calendar = r.text().await.unwrap().parse().unwrap();
    use icalendar::Component;
    let events: Vec<_> = cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), a1.as_array().unwrap().len());
    let starts = m1["starts"].as_str().unwrap();
    let local = chrono::NaiveDateTime::parse_from_str(starts, "%Y-%m-%dT%H:%M").unwrap();
    let want = (local - chrono::Duration::hours(9)).and_utc();
    assert!(
        events.iter().any(|e| matches!(e.get_start(), Some(icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t))) if t == want)
            && e.get_summary().is_some()),
        "an event starts at {want}"
    );
    // scheduling again changes nothing
    let (_, again) = send(&c, c.post(url("/schedule")), Some(&pm)).await;
    assert_eq!(again["moved"], 0);
    // a program manager creates an event from the events page; a member may not
    let form = |w: &Who, code: &str| {
        c.post(format!("{base}/events"))
            .header("cookie", &w.cookie)
            .form(&[
                ("csrf", w.csrf.as_str()),
                ("code", code),
                ("kind", "demo-day"),
                ("title_ko", "데모데이"),
                ("date", "2026-09-01"),
                ("starts_at", "15:00"),
                ("slot_minutes", "15"),
                ("slots", "6"),
                ("tables", "10"),
                ("capacity", "40"),
            ])
    };
    let r = form(&pm, "demo-day-autumn").send().await.unwrap();
    assert!(
        r.url().path().ends_with("/events/demo-day-autumn"),
        "{}",
        r.url()
    );
    assert_eq!(
        send(
            &c,
            c.get(format!("{base}/api/v1/events/demo-day-autumn")),
            None
        )
        .await
        .1["event"]["slots"],
        6
    );
    assert_eq!(form(&st, "not-mine").send().await.unwrap().status(), 403);
    let (s, p) = send(
        &c,
        c.post(format!("{base}/api/v1/events")).json(&json!({
        "code": "bad", "kind": "forum", "title_ko": "x", "title_en": "x", "date": "2026-09-01",
        "slots": 0, "tables": 1, "capacity": 0, "starts_at": "14:00:00", "slot_minutes": 20})),
        Some(&pm),
    )
    .await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "slots", "{p}");
    // the pages show it too
    let page = c
        .get(format!("{base}/events/{event}/agenda"))
        .header("cookie", &ent.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"agenda\""),
        "the agenda page lists the meeting"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn centers_admit_within_capacity_and_outcomes_reach_the_kpis() {
    let (base, app, demo, _dir) = common::serve_demo(6, None).await;
    let c = Client::new();
    let login = |r: Role| demo.logins.iter().find(|l| l.role == r).unwrap().clone();
    let cml = login(Role::CenterManager);
    let cm = log_in(&c, &base, &cml.email, &cml.password).await;
    let (_, me) = send(&c, c.get(format!("{base}/api/v1/me")), Some(&cm)).await;
    let center = me["user"]["center_code"].as_str().unwrap().to_string();
    // another open center, which this manager does not run
    let centers = app.centers().list().await.unwrap();
    let other = centers
        .iter()
        .find(|x| x.code != center && x.opened_on.is_some())
        .unwrap()
        .code
        .clone();
    // a founder whose startup has not applied to the center yet (which of the demo's
    // startups have depends on the whole generated program)
    let (_, applied) = send(
        &c,
        c.get(format!("{base}/api/v1/centers/{center}/applications")),
        Some(&cm),
    )
    .await;
    let applied: Vec<&str> = applied
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["startup_id"].as_str().unwrap())
        .collect();
    let startups = app.store().records().startups().await.unwrap();
    let fresh = startups
        .iter()
        .find(|s| !applied.contains(&s.id.as_str()))
        .unwrap();
    let founder = domain::User {
        email: "founder@centers.kr".into(),
        display_name: "Founder".into(),
        role: Role::StartupMember,
        enterprise_id: None,
        startup_id: Some(fresh.id.clone()),
        center_code: None,
        language: domain::Language::En,
    };
    app.accounts()
        .add_user(
            &app::Operator::named("test"),
            &founder,
            "centers-password-1",
        )
        .await
        .unwrap();
    let st = log_in(&c, &base, &founder.email, "centers-password-1").await;

    // the startup applies; the manager sees it ranked with the score's parts
    let (s, r) = send(
        &c,
        c.post(format!("{base}/api/v1/centers/{center}/applications"))
            .json(&json!({"target_markets": ["VN"], "plan": "two pilots with local distributors in 2027"})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_i64().unwrap();
    let (s, again) = send(
        &c,
        c.post(format!("{base}/api/v1/centers/{center}/applications"))
            .json(&json!({"target_markets": ["VN"]})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 409, "{again}");
    assert_eq!(
        send(
            &c,
            c.get(format!("{base}/api/v1/centers/{other}/applications")),
            Some(&cm)
        )
        .await
        .0,
        403
    );
    let (s, ranked) = send(
        &c,
        c.get(format!("{base}/api/v1/centers/{center}/applications")),
        Some(&cm),
    )
    .await;
    assert_eq!(s, 200);
    let ranked = ranked.as_array().unwrap().clone();
    let scores: Vec<f64> = ranked
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
    let ours = ranked.iter().find(|r| r["id"] == id).unwrap();
    assert_eq!(ours["parts"].as_array().unwrap().len(), 4);

    // admit until full: never past capacity, the refusal says why
    // room for exactly one more
    let mut shrunk = centers.iter().find(|x| x.code == center).unwrap().clone();
    shrunk.capacity = ranked.iter().filter(|r| r["status"] == "admitted").count() as i32 + 1;
    app.store().centers().upsert_center(&shrunk).await.unwrap();
    let cap = shrunk.capacity as usize;
    let decide = |id: i64, a: &str| format!("{base}/api/v1/center-applications/{id}/{a}");
    assert_eq!(
        send(&c, c.post(decide(id, "admit")), Some(&st)).await.0,
        403,
        "a startup does not admit itself"
    );
    let mut admitted = ranked.iter().filter(|r| r["status"] == "admitted").count();
    let mut refused = None;
    for r in ranked.iter().filter(|r| r["status"] == "applied") {
        let (s, body) = send(
            &c,
            c.post(decide(r["id"].as_i64().unwrap(), "admit")),
            Some(&cm),
        )
        .await;
        if s == 200 {
            admitted += 1;
        } else {
            refused = Some((s, body));
            break;
        }
    }
    assert!(admitted <= cap);
    let (s, body) = refused.expect("more applications than places");
    assert_eq!(s, 409);
    assert!(body["detail"].as_str().unwrap().contains("full"), "{body}");
    let fig = |b: &Value| {
        b["by_center"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == center.as_str())
            .cloned()
            .unwrap()
    };
    let (_, before) = send(&c, c.get(format!("{base}/api/v1/kpi/breakdowns")), None).await;
    assert_eq!(fig(&before)["admitted"].as_u64().unwrap() as usize, cap);

    // an outcome for an admitted startup adds to the center's and the program's figures
    let (_, now) = send(
        &c,
        c.get(format!("{base}/api/v1/centers/{center}/applications")),
        Some(&cm),
    )
    .await;
    let admitted_startup = now
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "admitted")
        .unwrap()["startup_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, k0) = send(&c, c.get(format!("{base}/api/v1/kpi")), None).await;
    let outcome = json!({"startup_id": admitted_startup, "kind": "overseas-investment", "date": "2026-03-02", "amount_krw": 700000000});
    assert_eq!(
        send(
            &c,
            c.post(format!("{base}/api/v1/centers/{other}/outcomes"))
                .json(&outcome),
            Some(&cm)
        )
        .await
        .0,
        403
    );
    let (s, o) = send(
        &c,
        c.post(format!("{base}/api/v1/centers/{center}/outcomes"))
            .json(&outcome),
        Some(&cm),
    )
    .await;
    assert_eq!(s, 201, "{o}");
    // found by an attacker: commas were stripped anywhere ("1,5" stored as 15) and a
    // count had no bound (totals past i64)
    for wrong in [
        json!({"startup_id": admitted_startup, "kind": "sales", "date": "2026-03-03", "amount": "1,5"}),
        json!({"startup_id": admitted_startup, "kind": "local-hires", "date": "2026-03-03", "count": 9_223_372_036_854_775_807i64}),
    ] {
        let (s, p) = send(
            &c,
            c.post(format!("{base}/api/v1/centers/{center}/outcomes"))
                .json(&wrong),
            Some(&cm),
        )
        .await;
        assert_eq!(s, 422, "{wrong}: {p}");
        let field = if wrong.get("count").is_some() {
            "count"
        } else {
            "amount"
        };
        assert_eq!(p["errors"][0]["field"], field, "{wrong}: {p}");
    }
    // each kind carries what it counts: hires a count, investment an amount, and
    // neither the other's figure
    for (wrong, field) in [
        (
            json!({"startup_id": admitted_startup, "kind": "local-hires", "date": "2026-03-02"}),
            "count",
        ),
        (
            json!({"startup_id": admitted_startup, "kind": "partnership", "date": "2026-03-02", "count": 2, "amount": "5000000"}),
            "amount",
        ),
        (
            json!({"startup_id": admitted_startup, "kind": "overseas-investment", "date": "2026-03-02", "amount": "5000000", "count": 3}),
            "count",
        ),
        (
            json!({"startup_id": admitted_startup, "kind": "sales", "date": "2026-03-02", "amount": "5000000", "amount_krw": 5000000}),
            "amount_krw",
        ),
    ] {
        let (s, p) = send(
            &c,
            c.post(format!("{base}/api/v1/centers/{center}/outcomes"))
                .json(&wrong),
            Some(&cm),
        )
        .await;
        assert_eq!(s, 422, "{wrong}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{wrong}: {p}");
    }
    // the same outcome again changes nothing; other figures for that day are refused
    // unless sent as a correction (found by an attacker: they silently replaced it)
    let (s, same) = send(
        &c,
        c.post(format!("{base}/api/v1/centers/{center}/outcomes"))
            .json(&outcome),
        Some(&cm),
    )
    .await;
    assert_eq!(s, 200, "{same}");
    let mut other = outcome.clone();
    other["amount_krw"] = json!(900_000_000);
    let (s, refused) = send(
        &c,
        c.post(format!("{base}/api/v1/centers/{center}/outcomes"))
            .json(&other),
        Some(&cm),
    )
    .await;
    assert_eq!(s, 409, "{refused}");
    assert!(
        refused["detail"].as_str().unwrap().contains("700000000"),
        "{refused}"
    );
    let (s, corrected) = send(
        &c,
        c.post(format!(
            "{base}/api/v1/centers/{center}/outcomes?replace=true"
        ))
        .json(&other),
        Some(&cm),
    )
    .await;
    assert_eq!(s, 200, "{corrected}");
    let (s, _) = send(
        &c,
        c.post(format!(
            "{base}/api/v1/centers/{center}/outcomes?replace=true"
        ))
        .json(&outcome),
        Some(&cm),
    )
    .await;
    assert_eq!(s, 200, "corrected back");
    let (_, after) = send(&c, c.get(format!("{base}/api/v1/kpi/breakdowns")), None).await;
    assert_eq!(
        fig(&after)["overseas_investment_krw"].as_i64().unwrap()
            - fig(&before)["overseas_investment_krw"].as_i64().unwrap(),
        700_000_000
    );
    let (_, k1) = send(&c, c.get(format!("{base}/api/v1/kpi")), None).await;
    assert_eq!(
        k1["overseas_investment_krw"].as_i64().unwrap()
            - k0["overseas_investment_krw"].as_i64().unwrap(),
        700_000_000
    );
    // an amount in another currency is taken as such (and converted for the KPIs);
    // an unknown currency, or two amounts at once, are refused naming the field
    let post = |body: Value| {
        let req = c
            .post(format!("{base}/api/v1/centers/{center}/outcomes"))
            .json(&body);
        let (c, cm) = (c.clone(), cm.clone());
        async move { send(&c, req, Some(&cm)).await }
    };
    let (s, usd) = post(
        json!({"startup_id": admitted_startup, "kind": "overseas-investment",
        "date": "2026-03-05", "amount": "250000", "currency": "USD"}),
    )
    .await;
    assert_eq!(s, 201, "{usd}");
    assert_eq!(
        (
            usd["amount"]["minor"].as_i64(),
            usd["amount"]["currency"].as_str()
        ),
        (Some(25_000_000), Some("USD")),
        "{usd}"
    );
    let (s, number) = post(json!({"startup_id": admitted_startup, "kind": "sales",
        "date": "2026-03-06", "amount": 1200, "currency": "eur"}))
    .await;
    assert_eq!(s, 201, "{number}");
    for (body, field) in [
        (
            json!({"startup_id": admitted_startup, "kind": "sales", "date": "2026-03-07",
            "amount": "100", "currency": "XYZ"}),
            "currency",
        ),
        (
            json!({"startup_id": admitted_startup, "kind": "sales", "date": "2026-03-07",
            "amount": "100", "amount_krw": 100}),
            "amount_krw",
        ),
    ] {
        let (s, p) = post(body).await;
        assert_eq!(s, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    // what has not happened yet, or never could have, is not an outcome
    for date in ["2030-01-01", "0000-01-01", "9999-12-31", "1899-12-31"] {
        let (s, p) =
            post(json!({"startup_id": admitted_startup, "kind": "market-entry", "date": date}))
                .await;
        assert_eq!(s, 422, "{date}: {p}");
        assert!(p["detail"].as_str().unwrap().starts_with("date:"), "{p}");
    }
    let rates = app.store().kpi().rates().await.unwrap();
    let usd_krw = rates
        .to_krw(domain::Money::parse("250000", domain::Currency::parse("USD").unwrap()).unwrap())
        .unwrap();
    let (_, converted) = send(&c, c.get(format!("{base}/api/v1/kpi/breakdowns")), None).await;
    assert_eq!(
        fig(&converted)["overseas_investment_krw"].as_i64().unwrap()
            - fig(&after)["overseas_investment_krw"].as_i64().unwrap(),
        usd_krw,
        "converted with the rate table"
    );
    // the center page shows the manager the ranking, the startup its status
    let page = c
        .get(format!("{base}/centers/{center}"))
        .header("cookie", &cm.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"applications\""));
    let page = c
        .get(format!("{base}/work"))
        .header("cookie", &st.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"center-applications\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn clusters_and_matrices_are_reported_and_exported() {
    let (base, app, _demo, _dir) = common::serve_demo(7, None).await;
    let c = Client::new();
    let clusters = app.clusters().list().await.unwrap();
    let (_, b) = send(&c, c.get(format!("{base}/api/v1/kpi/breakdowns")), None).await;
    for cl in &clusters {
        let (s, r) = send(
            &c,
            c.get(format!("{base}/api/v1/clusters/{}", cl.code)),
            None,
        )
        .await;
        assert_eq!(s, 200);
        assert!(
            r["startups"].as_u64().unwrap() > 0,
            "every demo cluster has members: {}",
            cl.code
        );
        let from_breakdown = b["by_cluster"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == cl.code.as_str())
            .map_or(0, |x| x["count"].as_u64().unwrap());
        assert_eq!(r["matches"].as_u64().unwrap(), from_breakdown);
        let page = c
            .get(format!("{base}/clusters/{}", cl.code))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
    }
    assert_eq!(
        send(&c, c.get(format!("{base}/api/v1/clusters/nowhere")), None)
            .await
            .0,
        404
    );
    // the CSV equals the matrix the API answers
    for (file, key) in [
        ("convergence", "convergence"),
        ("inter-cluster", "inter_cluster"),
        ("inter-cluster-outcomes", "inter_cluster_outcomes"),
    ] {
        let text = c
            .get(format!("{base}/kpi/{file}.csv"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = rows
            .headers()
            .unwrap()
            .iter()
            .skip(1)
            .map(String::from)
            .collect();
        let m = &b[key];
        let codes: Vec<String> = m["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(header, codes);
        for (i, rec) in rows.records().enumerate() {
            let rec = rec.unwrap();
            let counts: Vec<u64> = rec.iter().skip(1).map(|x| x.parse().unwrap()).collect();
            let want: Vec<u64> = m["counts"][i]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert_eq!(counts, want, "{file} row {i}");
        }
    }
    assert_eq!(
        c.get(format!("{base}/kpi/nothing.csv"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // the dashboard shows the center breakdown and the outcome matrix
    let kpi = c
        .get(format!("{base}/kpi"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(kpi.contains("id=\"by-center\"") && kpi.contains("id=\"inter-cluster-outcomes\""));
}

#[test]
fn the_schedule_command_reports_placed_against_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let db = std::path::PathBuf::from(store::testing::fresh_database(dir.path(), "cli.db"));
    common::ok(common::run(&db, &["demo", "--no-serve", "--seed", "3"]));
    let out = common::ok(common::run(
        &db,
        &["schedule", "--event", "forum-2024", "--json"],
    ));
    let s: Value = serde_json::from_str(&out).unwrap();
    for key in [
        "requested",
        "placed",
        "upper_bound",
        "double_booked",
        "moved",
    ] {
        assert!(s.get(key).is_some(), "{key} in {s}");
    }
    assert_eq!(s["double_booked"], 0);
    assert!(s["placed"].as_u64().unwrap() <= s["upper_bound"].as_u64().unwrap());
    assert!(s["placed"].as_u64().unwrap() > 0);
    assert_eq!(s["moved"], 0, "the demo's schedule is already this one");
    // an event made on the command line, refused when its slots run past midnight
    let add = |slots: &str| {
        common::run(
            &db,
            &[
                "event",
                "add",
                "gbc-pitch",
                "--kind",
                "meetup",
                "--title-ko",
                "글로벌 피칭",
                "--date",
                "2026-05-20",
                "--starts-at",
                "18:00:00",
                "--slot-minutes",
                "30",
                "--slots",
                slots,
                "--tables",
                "4",
                "--capacity",
                "30",
            ],
        )
    };
    let late = add("13");
    assert_ne!(late.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&late.stderr).contains("slots"),
        "{late:?}"
    );
    common::ok(add("8"));
    let empty: Value = serde_json::from_str(&common::ok(common::run(
        &db,
        &["schedule", "--event", "gbc-pitch", "--json"],
    )))
    .unwrap();
    assert_eq!(
        (empty["requested"].as_u64(), empty["placed"].as_u64()),
        (Some(0), Some(0))
    );
    let missing = common::run(&db, &["schedule", "--event", "no-such-event"]);
    assert_ne!(missing.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-event"));
}

/// (method, url, body, expected status per role in `roles` order, nobody's status)
type Case = (&'static str, String, Option<Value>, [u16; 5], u16);

#[tokio::test(flavor = "multi_thread")]
async fn the_programs_write_routes_for_every_role() {
    let (base, app, demo, _dir) = common::serve_demo(9, None).await;
    let c = Client::new();
    let mut who = std::collections::HashMap::new();
    for l in &demo.logins {
        who.insert(l.role, log_in(&c, &base, &l.email, &l.password).await);
    }
    let roles = [
        Role::Admin,
        Role::EnterpriseMember,
        Role::StartupMember,
        Role::CenterManager,
        Role::Evaluator,
    ];
    let center = app.centers().list().await.unwrap()[0].clone();
    let cluster = app.clusters().list().await.unwrap()[0].clone();
    let event = json!({"code": "matrix-meetup", "kind": "meetup", "title_ko": "밋업", "title_en": "Meetup",
        "date": "2026-06-01", "slots": 4, "tables": 4, "capacity": 10, "starts_at": "16:00:00", "slot_minutes": 20});
    let cases: Vec<Case> = vec![
        (
            "POST",
            format!("{base}/api/v1/events"),
            Some(event),
            [201, 403, 403, 403, 403],
            401,
        ),
        (
            "PUT",
            format!("{base}/api/v1/clusters/{}", cluster.code),
            Some(serde_json::to_value(&cluster).unwrap()),
            [200, 403, 403, 403, 403],
            401,
        ),
        (
            "PUT",
            format!("{base}/api/v1/centers/{}", center.code),
            Some(serde_json::to_value(&center).unwrap()),
            [200, 403, 403, 403, 403],
            401,
        ),
        (
            "POST",
            format!("{base}/api/v1/events/matrix-meetup/registration"),
            None,
            [403, 200, 200, 403, 403],
            401,
        ),
        (
            "PUT",
            format!("{base}/api/v1/events/matrix-meetup/availability"),
            Some(json!({"unavailable": [3]})),
            [403, 204, 204, 403, 403],
            401,
        ),
        (
            "POST",
            format!("{base}/api/v1/events/matrix-meetup/schedule"),
            None,
            [200, 403, 403, 403, 403],
            401,
        ),
        (
            "POST",
            format!("{base}/api/v1/centers/{}/applications", center.code),
            Some(json!({"target_markets": ["VN"]})),
            [403, 403, 201, 403, 403],
            401,
        ),
    ];
    for (method, url, body, want, nobody) in &cases {
        let call = |w: Option<Who>| {
            let rq = if *method == "PUT" {
                c.put(url)
            } else {
                c.post(url)
            };
            let rq = match body {
                Some(b) => rq.json(b),
                None => rq,
            };
            let c = c.clone();
            async move { send(&c, rq, w.as_ref()).await }
        };
        assert_eq!(
            call(None).await.0,
            *nobody,
            "{method} {url} without a session"
        );
        for (r, w) in roles.iter().zip(want) {
            let (got, p) = call(Some(who[r].clone())).await;
            assert_eq!(got, *w, "{method} {url} as {r:?}: {p}");
        }
        // a session without its CSRF token writes nothing
        let rq = if *method == "PUT" {
            c.put(url)
        } else {
            c.post(url)
        };
        let r = rq
            .header("cookie", &who[&Role::Admin].cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{method} {url} without the CSRF token");
    }
    // deciding the application: its center's manager (or a program manager) only
    let (_, apps) = send(
        &c,
        c.get(format!(
            "{base}/api/v1/centers/{}/applications",
            center.code
        )),
        Some(&who[&Role::CenterManager]),
    )
    .await;
    let (_, me) = send(
        &c,
        c.get(format!("{base}/api/v1/me")),
        Some(&who[&Role::StartupMember]),
    )
    .await;
    let mine = apps
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["startup_id"] == me["user"]["startup_id"])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let admit = format!("{base}/api/v1/center-applications/{mine}/admit");
    for (r, want) in [
        (Role::EnterpriseMember, 404),
        (Role::Evaluator, 404),
        (Role::StartupMember, 403),
    ] {
        assert_eq!(
            send(&c, c.post(&admit), Some(&who[&r])).await.0,
            want,
            "admit as {r:?}"
        );
    }
    assert_eq!(send(&c, c.post(&admit), None).await.0, 401);
    // room for it, then the manager admits
    let mut roomy = center.clone();
    roomy.capacity += 1;
    app.store().centers().upsert_center(&roomy).await.unwrap();
    assert_eq!(
        send(&c, c.post(&admit), Some(&who[&Role::CenterManager]))
            .await
            .0,
        200
    );
    let url = format!("{base}/api/v1/centers/{}/outcomes", center.code);
    for (day, (r, want)) in [
        (Role::EnterpriseMember, 403),
        (Role::StartupMember, 403),
        (Role::Evaluator, 403),
        (Role::CenterManager, 201),
        (Role::Admin, 201),
    ]
    .into_iter()
    .enumerate()
    {
        let outcome = json!({"startup_id": me["user"]["startup_id"], "kind": "market-entry",
            "date": format!("2026-05-{:02}", day + 1)});
        assert_eq!(
            send(&c, c.post(&url).json(&outcome), Some(&who[&r]))
                .await
                .0,
            want,
            "center outcome as {r:?}"
        );
    }
    // the pages' forms save centers and clusters for program managers only
    let page_form = |path: &str, w: &Who, fields: &[(&str, &str)]| {
        let mut all = vec![("csrf", w.csrf.clone())];
        all.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        c.post(format!("{base}{path}"))
            .header("cookie", &w.cookie)
            .form(&all)
            .send()
    };
    let center_fields = [
        ("code", "toronto"),
        ("name_ko", "토론토 성장센터"),
        ("city", "Toronto"),
        ("country", "CA"),
        ("region", "North America"),
        ("capacity", "12"),
        ("opened_on", "2026-01-15"),
    ];
    let r = page_form("/centers", &who[&Role::Admin], &center_fields)
        .await
        .unwrap();
    assert!(r.url().path().ends_with("/centers/toronto"), "{}", r.url());
    assert_eq!(
        app.centers()
            .get(&domain::CenterCode::from("toronto"))
            .await
            .unwrap()
            .capacity,
        12
    );
    assert_eq!(
        page_form("/centers", &who[&Role::CenterManager], &center_fields)
            .await
            .unwrap()
            .status(),
        403
    );
    let bad = page_form(
        "/centers",
        &who[&Role::Admin],
        &[
            ("code", "x"),
            ("name_ko", "x"),
            ("city", "x"),
            ("country", "x"),
            ("region", "x"),
            ("capacity", "many"),
        ],
    )
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let cluster_fields = [
        ("code", "pangyo"),
        ("name_ko", "판교 클러스터"),
        ("theme_industries", "ai, semiconductor"),
        ("anchor_enterprises", ""),
    ];
    let r = page_form("/clusters", &who[&Role::Admin], &cluster_fields)
        .await
        .unwrap();
    assert!(r.url().path().ends_with("/clusters/pangyo"), "{}", r.url());
    assert!(
        app.clusters()
            .list()
            .await
            .unwrap()
            .iter()
            .any(|c| c.code == "pangyo" && c.theme_industries.len() == 2)
    );
    assert_eq!(
        page_form("/clusters", &who[&Role::EnterpriseMember], &cluster_fields)
            .await
            .unwrap()
            .status(),
        403
    );
    // bad input is a 4xx problem, never a 5xx
    for (rq, want) in [
        (
            c.post(format!("{base}/api/v1/events/matrix-meetup/requests"))
                .body("{not json")
                .header("content-type", "application/json"),
            400,
        ),
        (
            c.post(format!("{base}/api/v1/meeting-requests/999999/accept")),
            404,
        ),
        (
            c.post(format!("{base}/api/v1/meeting-requests/1/shout")),
            400,
        ),
        (
            c.post(format!("{base}/api/v1/center-applications/{mine}/promote")),
            400,
        ),
        (
            c.put(format!("{base}/api/v1/events/matrix-meetup/availability"))
                .json(&json!({"unavailable": [99]})),
            409,
        ),
    ] {
        let (got, p) = send(&c, rq, Some(&who[&Role::StartupMember])).await;
        assert_eq!(got, want, "{p}");
        assert!(p["type"].is_string(), "problem+json: {p}");
    }
}

/// A participant who cancels takes its meetings with it: its accepted and open
/// requests are withdrawn (and no longer counted as requested), and the schedule's
/// `double_booked` is counted from what is stored, not asserted by the scheduler.
#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_participant_loses_its_meetings_and_collisions_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "forum.db"))
        .await
        .unwrap();
    demo::fill(&app, 3, &|_| {}).await.unwrap();
    let event = "forum-2024";
    let first = app
        .forum()
        .schedule(
            &app::Operator::named("test"),
            &domain::EventCode::from(event),
        )
        .await
        .unwrap();
    assert_eq!(first.double_booked, 0, "{first:?}");
    let placed: Vec<_> = app
        .store()
        .forum()
        .meeting_requests(event, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.status == domain::RequestStatus::Accepted && r.slot.is_some())
        .collect();
    assert!(placed.len() >= 2, "the demo's forum has meetings");

    // two meetings written into one table of one slot: the stored schedule collides
    let (a, b) = (&placed[0], &placed[1]);
    let collide = [(a.id, a.slot.zip(a.table)), (b.id, a.slot.zip(a.table))];
    let saved = app
        .store()
        .forum()
        .save_schedule(event, &collide, &first, "test")
        .await
        .unwrap();
    assert!(saved.double_booked >= 1, "{saved:?}");
    assert_eq!(
        app.forum()
            .schedule_stats(&domain::EventCode::from(event))
            .await
            .unwrap()
            .unwrap()
            .double_booked,
        saved.double_booked
    );
    // scheduling again repairs it, and says so
    let repaired = app
        .forum()
        .schedule(
            &app::Operator::named("test"),
            &domain::EventCode::from(event),
        )
        .await
        .unwrap();
    assert_eq!(repaired.double_booked, 0, "{repaired:?}");

    // the startup of a placed meeting cancels: its requests are withdrawn, unplaced
    let leaving = placed[0].startup_id.clone();
    let member = domain::User {
        email: "leaving@example.kr".into(),
        display_name: "leaving".into(),
        role: domain::Role::StartupMember,
        enterprise_id: None,
        startup_id: Some(leaving.clone()),
        center_code: None,
        language: domain::Language::Ko,
    };
    let before = app
        .store()
        .forum()
        .meeting_requests(event, None)
        .await
        .unwrap();
    let theirs = before
        .iter()
        .filter(|r| {
            r.startup_id == leaving
                && matches!(
                    r.status,
                    domain::RequestStatus::Accepted | domain::RequestStatus::Requested
                )
        })
        .count();
    assert!(theirs >= 1);
    app.forum()
        .cancel_registration(&member, &domain::EventCode::from(event))
        .await
        .unwrap();
    let after = app
        .store()
        .forum()
        .meeting_requests(event, None)
        .await
        .unwrap();
    for r in after.iter().filter(|r| r.startup_id == leaving) {
        assert!(
            !matches!(
                r.status,
                domain::RequestStatus::Accepted | domain::RequestStatus::Requested
            ),
            "{r:?} still open after its startup cancelled"
        );
        assert!(r.slot.is_none(), "{r:?} keeps its place");
    }
    let again = app
        .forum()
        .schedule(
            &app::Operator::named("test"),
            &domain::EventCode::from(event),
        )
        .await
        .unwrap();
    let accepted = after
        .iter()
        .filter(|r| r.status == domain::RequestStatus::Accepted)
        .count();
    assert_eq!(again.requested, accepted, "only live requests are counted");
    assert_eq!(again.double_booked, 0);
}
