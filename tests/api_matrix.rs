//! Every write route of the API × every role (and nobody): allowed or refused as
//! designed, over HTTP against the real app; plus search with facets and bad input
//! answered 4xx with problem+json.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use app::App;
use domain::{Language, MatchStatus, Role, User};

mod common;

struct Server {
    base: String,
    app: App,
    _dir: tempfile::TempDir,
}

async fn start() -> (Server, demo::DemoSummary) {
    let (base, app, demo, dir) = common::serve_demo(8, Some("r")).await;
    (
        Server {
            base,
            app,
            _dir: dir,
        },
        demo,
    )
}

async fn post(
    c: &reqwest::Client,
    url: &str,
    who: Option<&common::Who>,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let mut rq = c.post(url);
    if let Some(w) = who {
        rq = rq
            .header("cookie", &w.cookie)
            .header("x-csrf-token", &w.csrf);
    }
    if let Some(b) = body {
        rq = rq.json(&b);
    }
    rq.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_write_route_for_every_role() {
    let (s, demo) = start().await;
    let c = reqwest::Client::new();
    let base = &s.base;

    let mut users: HashMap<&str, common::Who> = HashMap::new();
    for l in &demo.logins {
        let key = match l.role {
            Role::Admin => "admin",
            Role::EnterpriseMember => "enterprise",
            Role::StartupMember => "other-startup",
            Role::CenterManager => "center",
            Role::Evaluator => "evaluator",
        };
        users.insert(key, common::log_in(&c, base, &l.email, &l.password).await);
    }
    let ent = demo
        .logins
        .iter()
        .find(|l| l.role == Role::EnterpriseMember)
        .unwrap();
    let ent_id = s
        .app
        .accounts()
        .login(&ent.email, &ent.password)
        .await
        .unwrap()
        .user
        .enterprise_id
        .unwrap();
    // two proposals of the enterprise: one to accept, one to decline; the startup of
    // the first gets a member of its own
    let own: Vec<_> = s
        .app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            enterprise: Some(ent_id.to_string().into()),
            round: Some("r".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        own.len() >= 2,
        "the round proposes at least two startups to the enterprise"
    );
    let m = &own[0];
    let m2 = own
        .iter()
        .find(|x| x.startup_id != m.startup_id)
        .expect("proposals to two startups");
    let founder = User {
        email: "founder@matrix.kr".into(),
        display_name: "Founder".into(),
        role: Role::StartupMember,
        enterprise_id: None,
        startup_id: Some(m.startup_id.clone()),
        center_code: None,
        language: Language::En,
    };
    s.app
        .accounts()
        .add_user(&app::Operator::named("test"), &founder, "matrix-password-1")
        .await
        .unwrap();
    users.insert(
        "startup",
        common::log_in(&c, base, &founder.email, "matrix-password-1").await,
    );
    let roles = [
        "nobody",
        "admin",
        "enterprise",
        "startup",
        "other-startup",
        "center",
        "evaluator",
    ];
    let who = |r: &str| users.get(r).cloned();

    // (route, who → expected status); moves are tried in an order the state machine
    // allows for those who may make them
    let accept = format!(
        "{base}/api/v1/matches/{}/{}/accept",
        m.startup_id, m.need_id
    );
    let expect_accept = [
        ("nobody", 401),
        ("center", 404),
        ("evaluator", 404),
        ("other-startup", 404),
        ("enterprise", 200),
        ("startup", 200),
        // both have accepted now: the program's accept is a refused move, not a
        // refused person
        ("admin", 409),
    ];
    for (r, want) in expect_accept {
        let got = post(&c, &accept, who(r).as_ref(), None).await.status();
        assert_eq!(got.as_u16(), want, "accept as {r}");
    }
    let decline = format!(
        "{base}/api/v1/matches/{}/{}/decline",
        m2.startup_id, m2.need_id
    );
    for (r, want) in [
        ("nobody", 401),
        ("center", 404),
        ("evaluator", 404),
        ("startup", 404),
        ("other-startup", 404),
        ("enterprise", 200),
    ] {
        let resp = post(&c, &decline, who(r).as_ref(), None).await;
        let got = resp.status();
        let text = resp.text().await.unwrap();
        assert_eq!(got.as_u16(), want, "decline as {r}: {text}");
    }

    // outcomes: the enterprise and program managers record them; the startup may not
    let outcome = |kind: &str, date: &str| {
        serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": kind,
            "date": date})
    };
    let outcomes = format!("{base}/api/v1/outcomes");
    for (r, want, kind) in [
        ("nobody", 401, "meeting"),
        ("center", 404, "meeting"),
        ("evaluator", 404, "meeting"),
        ("other-startup", 404, "meeting"),
        ("startup", 403, "meeting"),
        ("enterprise", 201, "meeting"),
        ("admin", 201, "poc"),
    ] {
        let got = post(
            &c,
            &outcomes,
            who(r).as_ref(),
            Some(outcome(kind, "2026-11-20")),
        )
        .await
        .status();
        assert_eq!(got.as_u16(), want, "record an outcome as {r}");
    }
    let moved = s
        .app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            startup: Some(m.startup_id.to_string().into()),
            need: Some(m.need_id.to_string().into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(moved[0].status, MatchStatus::Poc, "outcomes move the match");
    // an outcome on a match nobody accepted is refused, with the reason
    let declined = serde_json::json!({"startup_id": m2.startup_id, "need_id": m2.need_id,
        "kind": "poc"});
    let r = post(&c, &outcomes, who("admin").as_ref(), Some(declined)).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("declined"));
    for (bad, field) in [
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "handshake"}),
            "kind",
        ),
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "investment", "amount": "lots"}),
            "amount",
        ),
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "investment", "amount": -5}),
            "amount",
        ),
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "meeting", "amount": 100}),
            "amount",
        ),
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "investment", "amount": "9223372036854775807"}),
            "amount",
        ),
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "investment", "amount": "1,5"}),
            "amount",
        ),
        (serde_json::json!({"startup_id": m.startup_id}), "need_id"),
        (
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id, "kind": "poc", "enterprise_id": "someone-else"}),
            "enterprise_id",
        ),
    ] {
        let r = post(&c, &outcomes, who("enterprise").as_ref(), Some(bad)).await;
        assert_eq!(r.status(), 422, "{field}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: serde_json::Value = r.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], field);
    }

    // the largest amount is taken, and the figures that sum it still answer
    let largest = serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id,
        "kind": "investment", "amount": "1,000,000,000,000,000", "date": "2026-11-21"});
    let r = post(&c, &outcomes, who("enterprise").as_ref(), Some(largest)).await;
    assert_eq!(r.status(), 201);
    for page in ["/api/v1/kpi", "/"] {
        let r = c.get(format!("{base}{page}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{page} after the largest investment");
    }

    // rounds: program managers only
    for r in roles {
        let run = post(
            &c,
            &format!("{base}/api/v1/rounds/matrix/run"),
            who(r).as_ref(),
            Some(serde_json::json!({"dry_run": true})),
        )
        .await
        .status()
        .as_u16();
        let publish = post(
            &c,
            &format!("{base}/api/v1/rounds/none/publish"),
            who(r).as_ref(),
            None,
        )
        .await
        .status()
        .as_u16();
        let (want_run, want_publish) = match r {
            "nobody" => (401, 401),
            "admin" => (200, 404),
            _ => (403, 403),
        };
        assert_eq!((run, publish), (want_run, want_publish), "rounds as {r}");
    }
    // found by an attacker: a bonus past the solver's prices was a 500; now refused
    for policy in [
        serde_json::json!({"coverage_bonus": 1e15}),
        serde_json::json!({"first_match_bonus": 9.2e18}),
        serde_json::json!({"weights": {"text": 1e300}}),
    ] {
        let r = post(
            &c,
            &format!("{base}/api/v1/rounds/matrix/run"),
            who("admin").as_ref(),
            Some(serde_json::json!({"dry_run": true, "policy": policy})),
        )
        .await;
        let status = r.status().as_u16();
        let p: serde_json::Value = r.json().await.unwrap();
        assert!((400..500).contains(&status), "{policy}: {status} {p}");
    }

    // records: a startup's own profile, an enterprise's own needs, admins anything
    let put = |url: String, who: Option<common::Who>, body: serde_json::Value| {
        let c = c.clone();
        async move {
            let mut rq = c.put(url).json(&body);
            if let Some(w) = who {
                rq = rq.header("cookie", w.cookie).header("x-csrf-token", w.csrf);
            }
            rq.send().await.unwrap()
        }
    };
    let profile = format!("{base}/api/v1/startups/{}", m.startup_id);
    let body = serde_json::json!({"name": "매트릭스랩", "technologies": ["vision", "robot arm"], "founded_year": 2020});
    for (r, want) in [
        ("nobody", 401),
        ("enterprise", 403),
        ("other-startup", 403), // another startup's profile: refused, nothing written
        ("center", 403),
        ("evaluator", 403),
        ("startup", 200),
        ("admin", 200),
    ] {
        let got = put(profile.clone(), who(r), body.clone()).await.status();
        assert_eq!(got.as_u16(), want, "put a startup as {r}");
    }
    let other_startup = s
        .app
        .accounts()
        .login(
            &demo
                .logins
                .iter()
                .find(|l| l.role == Role::StartupMember)
                .unwrap()
                .email,
            &demo
                .logins
                .iter()
                .find(|l| l.role == Role::StartupMember)
                .unwrap()
                .password,
        )
        .await
        .unwrap()
        .user
        .startup_id
        .unwrap();
    assert_eq!(
        s.app.discovery().startup(&m.startup_id).await.unwrap().name,
        "매트릭스랩"
    );
    assert_ne!(
        s.app
            .discovery()
            .startup(&other_startup)
            .await
            .unwrap()
            .name,
        "매트릭스랩",
        "the refused save wrote nothing, not even to the sender's own profile"
    );
    let bad = put(
        profile.clone(),
        who("startup"),
        serde_json::json!({"name": "x", "founded_year": "soon"}),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let p: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "founded_year");
    // a name that would show as something else in a list (found by an attacker)
    for name in ["한빛\n<script>", "evil\u{202E}gpj.exe"] {
        let bad = put(
            profile.clone(),
            who("startup"),
            serde_json::json!({ "name": name }),
        )
        .await;
        assert_eq!(bad.status(), 422, "{name:?}");
        let p: serde_json::Value = bad.json().await.unwrap();
        assert_eq!(p["errors"][0]["field"], "name");
    }
    let unknown = put(
        profile.clone(),
        who("startup"),
        serde_json::json!({"colour": "red"}),
    )
    .await;
    assert_eq!(unknown.status(), 400);
    // a list or a bare value is not a record (a `[]` was a save of nothing, 200)
    for body in [
        serde_json::json!([]),
        serde_json::json!(["x"]),
        serde_json::json!("x"),
    ] {
        let not_a_record = put(profile.clone(), who("startup"), body.clone()).await;
        assert_eq!(not_a_record.status(), 400, "{body}");
    }
    // a field of the wrong JSON type is named as a broken rule is; an id in the body
    // must be the address's
    let wrong_type = put(
        profile.clone(),
        who("startup"),
        serde_json::json!({"founded_year": true}),
    )
    .await;
    assert_eq!(wrong_type.status(), 422);
    let p: serde_json::Value = wrong_type.json().await.unwrap();
    assert_eq!(p["errors"][0]["field"], "founded_year");
    let typed = put(
        profile.clone(),
        who("startup"),
        serde_json::json!({"founded_year": 2019, "technologies": ["computer vision", "lidar, radar"]}),
    )
    .await;
    assert_eq!(typed.status(), 200);
    let saved = s.app.discovery().startup(&m.startup_id).await.unwrap();
    assert_eq!(saved.founded_year, Some(2019));
    assert_eq!(
        saved.technologies,
        vec!["computer vision", "lidar", "radar"]
    );
    assert_eq!(saved.name, "매트릭스랩", "a field left out keeps its value");
    let elsewhere = put(
        profile.clone(),
        who("admin"),
        serde_json::json!({"id": other_startup, "name": "x"}),
    )
    .await;
    assert_eq!(
        elsewhere.status(),
        400,
        "a body's id that is not the address's"
    );

    let new_need = serde_json::json!({"title": "스마트 물류 실증", "technologies": "digital twin", "slots": 1});
    let mut posted = None;
    for (r, want) in [
        ("nobody", 401),
        ("startup", 403),
        ("center", 403),
        ("evaluator", 403),
        ("enterprise", 200),
    ] {
        let resp = post(
            &c,
            &format!("{base}/api/v1/needs"),
            who(r).as_ref(),
            Some(new_need.clone()),
        )
        .await;
        assert_eq!(resp.status().as_u16(), want, "post a need as {r}");
        if want == 200 {
            posted = Some(
                resp.json::<serde_json::Value>().await.unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    let posted = posted.unwrap();
    assert_eq!(
        s.app
            .store()
            .records()
            .need(&posted)
            .await
            .unwrap()
            .unwrap()
            .enterprise_id,
        ent_id
    );
    let not_ours = s
        .app
        .store()
        .records()
        .needs()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.enterprise_id != ent_id)
        .unwrap();
    let put_need = put(
        format!("{base}/api/v1/needs/{}", not_ours.id),
        who("enterprise"),
        new_need.clone(),
    )
    .await;
    assert_eq!(put_need.status(), 403, "another enterprise's need");
    let delete = |url: String, who: Option<common::Who>| {
        let c = c.clone();
        async move {
            let mut rq = c.delete(url);
            if let Some(w) = who {
                rq = rq.header("cookie", w.cookie).header("x-csrf-token", w.csrf);
            }
            rq.send().await.unwrap().status().as_u16()
        }
    };
    for (r, want) in [("nobody", 401), ("startup", 403), ("admin", 204)] {
        let got = delete(format!("{base}/api/v1/needs/{}", not_ours.id), who(r)).await;
        assert_eq!(got, want, "delete another's need as {r}");
    }
    assert_eq!(
        delete(format!("{base}/api/v1/needs/{posted}"), who("enterprise")).await,
        204
    );
    for (r, want) in [
        ("nobody", 401),
        ("enterprise", 403),
        ("startup", 403),
        ("admin", 204),
    ] {
        let got = delete(format!("{base}/api/v1/startups/{other_startup}"), who(r)).await;
        assert_eq!(got, want, "delete a startup as {r}");
    }

    // outcomes: each member its own, program managers all
    let outcomes = |r: &str| {
        let c = c.clone();
        let w = who(r);
        let url = format!("{base}/api/v1/outcomes");
        async move {
            let mut rq = c.get(url);
            if let Some(w) = w {
                rq = rq.header("cookie", w.cookie);
            }
            rq.send().await.unwrap()
        }
    };
    assert_eq!(outcomes("nobody").await.status(), 401);
    let all: Vec<serde_json::Value> = outcomes("admin").await.json().await.unwrap();
    let own: Vec<serde_json::Value> = outcomes("enterprise").await.json().await.unwrap();
    assert!(!own.is_empty() && own.len() < all.len());
    assert!(own.iter().all(|o| o["enterprise_id"] == ent_id.as_str()));
    let none: Vec<serde_json::Value> = outcomes("evaluator").await.json().await.unwrap();
    assert!(none.is_empty());

    // enterprises' profiles: program managers only; exports likewise
    let profile = format!("{base}/api/v1/enterprises/{ent_id}");
    for (r, want) in [
        ("nobody", 401),
        ("enterprise", 403),
        ("startup", 403),
        ("admin", 200),
    ] {
        let got = put(
            profile.clone(),
            who(r),
            serde_json::json!({"name": "매트릭스전자", "size_class": "large"}),
        )
        .await
        .status();
        assert_eq!(got.as_u16(), want, "put an enterprise as {r}");
    }
    let e: serde_json::Value = c.get(&profile).send().await.unwrap().json().await.unwrap();
    assert_eq!(e["name"], "매트릭스전자");
    for (r, want) in [("nobody", 401), ("enterprise", 403), ("admin", 200)] {
        let mut rq = c.get(format!("{base}/api/v1/export/matches.xlsx"));
        if let Some(w) = who(r) {
            rq = rq.header("cookie", w.cookie);
        }
        let resp = rq.send().await.unwrap();
        assert_eq!(resp.status().as_u16(), want, "export as {r}");
        if want == 200 {
            assert!(
                resp.bytes().await.unwrap().starts_with(b"PK"),
                "an XLSX file"
            );
        }
    }
    let none = c
        .get(format!("{base}/api/v1/export/planets.csv"))
        .header("cookie", &who("admin").unwrap().cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 400);

    // a write without the CSRF token is refused for everyone
    for r in roles.iter().filter(|r| **r != "nobody") {
        let w = who(r).unwrap();
        let got = c
            .post(&accept)
            .header("cookie", &w.cookie)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(got.as_u16(), 403, "no CSRF token as {r}");
    }

    // the page forms: no session → the login page; a session without the form's token
    // → refused; the program office's forms refuse members
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = format!(
        "{base}/work/matches/{}/{}/withdraw",
        m.startup_id, m.need_id
    );
    let r = no_redirect
        .post(&form)
        .form(&[("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
    let w = who("enterprise").unwrap();
    let r = no_redirect
        .post(&form)
        .header("cookie", &w.cookie)
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = no_redirect
        .post(format!("{base}/admin/rounds"))
        .header("cookie", &w.cookie)
        .form(&[("csrf", w.csrf.as_str()), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = no_redirect
        .get(format!("{base}/admin/export/matches.csv"))
        .header("cookie", &w.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let a = who("admin").unwrap();
    let r = no_redirect
        .get(format!("{base}/admin/export/matches.csv"))
        .header("cookie", &a.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("startup_id,need_id,enterprise_id"));
    assert!(csv.contains(m.startup_id.as_str()));

    // logging out: each session ends once
    for r in roles {
        let got = c
            .delete(format!("{base}/api/v1/session"))
            .headers({
                let mut h = reqwest::header::HeaderMap::new();
                if let Some(w) = who(r) {
                    h.insert("cookie", w.cookie.parse().unwrap());
                    h.insert("x-csrf-token", w.csrf.parse().unwrap());
                }
                h
            })
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(got, if r == "nobody" { 401 } else { 204 }, "log out as {r}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn search_pages_and_api_with_facets() {
    let (s, _) = start().await;
    let c = reqwest::Client::new();
    let base = &s.base;
    let api: serde_json::Value = c
        .get(format!(
            "{base}/api/v1/search?q=%EB%B0%B0%ED%84%B0%EB%A6%AC&per_page=5"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let total = api["total"].as_u64().unwrap();
    assert!(total > 0);
    assert_eq!(api["hits"].as_array().unwrap().len(), 5.min(total as usize));
    let industry = api["facets"]["industry"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let narrowed: serde_json::Value = c
        .get(format!(
            "{base}/api/v1/search?q=%EB%B0%B0%ED%84%B0%EB%A6%AC&industry={industry}"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        narrowed["total"], api["facets"]["industry"][0]["count"],
        "a facet's count is what choosing it gives"
    );
    for bad in ["page=0", "sort=loudest", "colour=red", "kind=planet"] {
        let r = c
            .get(format!("{base}/api/v1/search?{bad}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }

    // the directory page: hits, facet links, the language switch remembered
    let page = c
        .get(format!("{base}/startups?q=%EB%B0%B0%ED%84%B0%EB%A6%AC"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("id=\"total\">{total}건")),
        "Korean by default"
    );
    assert!(
        page.contains(&format!("industry={industry}")),
        "facet links"
    );
    let switch = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/lang/en?back=%2Fstartups%3Fq%3Dx"))
        .send()
        .await
        .unwrap();
    assert_eq!(switch.status(), 303);
    assert_eq!(switch.headers()["location"], "/startups?q=x");
    assert!(
        switch.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("lang=en")
    );
    let en = c
        .get(format!("{base}/needs"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Needs board") && en.contains(" results"));
    // a confidential need is not findable on the public board, by its words or at all
    let secret = s
        .app
        .store()
        .records()
        .needs()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.visibility == domain::Visibility::Confidential && n.description.is_some())
        .unwrap();
    let word = secret
        .description
        .as_deref()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let board = c
        .get(reqwest::Url::parse_with_params(&format!("{base}/needs"), &[("q", &word)]).unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !board.contains(&format!("/needs/{}\"", secret.id)),
        "{word}"
    );
    let bad = c
        .get(format!("{base}/startups?page=0"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let offsite = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{base}/lang/ko?back=//evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(offsite.headers()["location"], "/", "no open redirect");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confidential_needs_words_reach_nobody_unentitled_through_search() {
    let (s, demo) = start().await;
    let c = reqwest::Client::new();
    let base = &s.base;
    let login = |r: Role| demo.logins.iter().find(|l| l.role == r).unwrap();
    let mut who: Vec<(&str, Option<common::Who>)> = vec![("anonymous", None)];
    for (name, role) in [
        ("enterprise", Role::EnterpriseMember),
        ("startup", Role::StartupMember),
        ("admin", Role::Admin),
    ] {
        let l = login(role);
        who.push((
            name,
            Some(common::log_in(&c, base, &l.email, &l.password).await),
        ));
    }
    let ent = login(Role::EnterpriseMember);
    let own = s
        .app
        .accounts()
        .login(&ent.email, &ent.password)
        .await
        .unwrap()
        .user
        .enterprise_id
        .unwrap();
    let get = |query: &str, w: Option<&common::Who>| {
        let mut rq = c.get(format!("{base}/api/v1/search?{query}"));
        if let Some(w) = w {
            rq = rq.header("cookie", &w.cookie);
        }
        async move {
            let r = rq.send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let mut before = Vec::new();
    for (_, w) in &who[..3] {
        for q in ["kind=need", "kind=startup"] {
            let r = get(q, w.as_ref()).await;
            before.push((r["total"].clone(), r["facets"].clone()));
        }
    }
    // another enterprise's confidential need gets a word found nowhere else
    let mut secret = s
        .app
        .store()
        .records()
        .needs()
        .await
        .unwrap()
        .into_iter()
        .find(|n| n.visibility == domain::Visibility::Confidential && n.enterprise_id != own)
        .unwrap();
    secret.description = Some("Pilot the blorvexium leaching process at our plant.".into());
    secret.technologies.push("blorvexium refining".into());
    s.app
        .records()
        .save(
            &app::Operator::named("test"),
            domain::inputs::RecordInput::of_need(&secret),
        )
        .await
        .unwrap();
    // the index follows the write a moment later: the program manager finds the word
    // before anyone else is tried, so their finding nothing means something
    let mut indexed = false;
    for _ in 0..200 {
        if get("q=blorvexium&kind=need", who[3].1.as_ref()).await["total"] == 1 {
            indexed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(indexed, "the confidential need reaches the index");
    let mut after = Vec::new();
    for (name, w) in &who[..3] {
        for q in ["kind=need", "kind=startup"] {
            let r = get(q, w.as_ref()).await;
            after.push((r["total"].clone(), r["facets"].clone()));
        }
        for kind in ["need", "startup"] {
            let typo = get(&format!("q=blorvexiun&kind={kind}"), w.as_ref()).await;
            assert!(
                typo["did_you_mean"].is_null() && typo["total"] == 0,
                "{name}, {kind}: {typo}"
            );
            let exact = get(&format!("q=blorvexium&kind={kind}"), w.as_ref()).await;
            assert_eq!(exact["total"], 0, "{name}, {kind}: {exact}");
            assert!(!exact.to_string().contains("blorvexium"), "{name}: {exact}");
        }
        let mut page = c.get(format!("{base}/needs?q=blorvexiun"));
        if let Some(w) = w {
            page = page.header("cookie", &w.cookie);
        }
        let page = page.send().await.unwrap().text().await.unwrap();
        assert!(
            !page.contains("blorvexium"),
            "{name}: the board's did-you-mean"
        );
    }
    assert_eq!(before, after, "totals and facet counts do not move");
    // a program manager, who may read it, is offered the word
    let pm = get("q=blorvexiun&kind=need", who[3].1.as_ref()).await;
    assert_eq!(pm["did_you_mean"], "blorvexium", "{pm}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openapi_document_describes_every_route_and_its_answers() {
    let (s, _) = start().await;
    let c = reqwest::Client::new();
    let base = &s.base;
    let doc: serde_json::Value = c
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    // every reference names a component the document has (a missing one made
    // schemathesis refuse three operations)
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').unwrap_or(r);
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/kpi", "get"),
        ("/api/v1/kpi/breakdowns", "get"),
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/password-reset", "post"),
        ("/api/v1/password-reset/{token}", "post"),
        ("/api/v1/search", "get"),
        ("/api/v1/matches", "get"),
        ("/api/v1/matches/{startup}/{need}/{action}", "post"),
        ("/api/v1/outcomes", "post"),
        ("/api/v1/needs/{id}", "get"),
        ("/api/v1/needs/{id}", "put"),
        ("/api/v1/needs/{id}", "delete"),
        ("/api/v1/needs", "post"),
        ("/api/v1/startups/{id}", "get"),
        ("/api/v1/startups/{id}", "put"),
        ("/api/v1/startups/{id}", "delete"),
        ("/api/v1/enterprises/{id}", "get"),
        ("/api/v1/enterprises/{id}", "put"),
        ("/api/v1/export/{file}", "get"),
        ("/api/v1/outcomes", "get"),
        ("/api/v1/clusters", "get"),
        ("/api/v1/centers", "get"),
        ("/api/v1/events", "get"),
        ("/api/v1/needs/{id}/recommendations", "get"),
        ("/api/v1/rounds/{name}/run", "post"),
        ("/api/v1/rounds/{name}/publish", "post"),
        ("/api/v1/events", "post"),
        ("/api/v1/events/{code}", "get"),
        ("/api/v1/events/{code}/registration", "post"),
        ("/api/v1/events/{code}/availability", "put"),
        ("/api/v1/events/{code}/requests", "get"),
        ("/api/v1/events/{code}/requests", "post"),
        ("/api/v1/meeting-requests/{id}/{action}", "post"),
        ("/api/v1/events/{code}/schedule", "post"),
        ("/api/v1/events/{code}/agenda", "get"),
        ("/api/v1/events/{code}/agenda.ics", "get"),
        ("/api/v1/clusters/{code}", "get"),
        ("/api/v1/centers/{code}/applications", "get"),
        ("/api/v1/centers/{code}/applications", "post"),
        ("/api/v1/center-applications/{id}/{action}", "post"),
        ("/api/v1/centers/{code}/outcomes", "post"),
        ("/api/v1/clusters/{code}", "put"),
        ("/api/v1/centers/{code}", "get"),
        ("/api/v1/centers/{code}", "put"),
        ("/api/v1/calls", "get"),
        ("/api/v1/calls/{code}", "get"),
        ("/api/v1/calls/{code}", "put"),
        ("/api/v1/calls/{code}/applications", "get"),
        ("/api/v1/calls/{code}/application", "put"),
        ("/api/v1/applications/{id}/withdraw", "post"),
        ("/api/v1/applications/{id}/files/{key}", "put"),
        ("/api/v1/applications/{id}/files/{key}", "get"),
        ("/api/v1/calls/{code}/evaluators", "post"),
        ("/api/v1/conflicts", "post"),
        ("/api/v1/calls/{code}/assign", "post"),
        ("/api/v1/calls/{code}/reviews", "get"),
        ("/api/v1/reviews/{id}", "post"),
        ("/api/v1/calls/{code}/stage/{action}", "post"),
        ("/api/v1/calls/{code}/standings", "get"),
        ("/api/v1/calls/{code}/decide", "post"),
        ("/api/v1/inbox", "get"),
        ("/api/v1/inbox/read", "post"),
        ("/api/v1/proposals", "post"),
        ("/api/v1/applications/{id}/route", "post"),
        ("/api/v1/calls/{code}/export.xlsx", "get"),
        ("/api/v1/kpi/funnel", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    // what client generators need: one operation per id, objects with named fields
    // (a tuple's `prefixItems` becomes an untyped list, or stops openapi-python-client),
    // files as binary strings (not arrays of numbers); scripts/generated-client builds
    // and uses a client from this document
    let mut ids = std::collections::HashSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(
                ids.insert(id.to_string()),
                "{method} {path}: operationId {id} is taken"
            );
        }
    }
    let text = doc.to_string();
    assert!(!text.contains("prefixItems"), "a tuple in the API's types");
    assert!(
        !text.contains(r#""items":{"type":"integer","format":"int32","minimum":0}"#),
        "bytes described as an array of numbers"
    );
    // answers carry every property their schema requires
    let schemas = &doc["components"]["schemas"];
    let conforms = |value: &serde_json::Value, schema: &str| {
        for key in schemas[schema]["required"].as_array().unwrap() {
            assert!(
                value.get(key.as_str().unwrap()).is_some(),
                "{schema} answer lacks {key}: {value}"
            );
        }
    };
    let kpi: serde_json::Value = c
        .get(format!("{base}/api/v1/kpi"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    conforms(&kpi, "Kpis");
    let breakdowns: serde_json::Value = c
        .get(format!("{base}/api/v1/kpi/breakdowns"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    conforms(&breakdowns, "Breakdowns");
    conforms(&breakdowns["convergence"], "Matrix");
    let total: u64 = breakdowns["convergence"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert!(total > 0, "the demo's accepted matches fill the matrix");
    let found: serde_json::Value = c
        .get(format!("{base}/api/v1/search?q=ai"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    conforms(&found, "SearchResults");
    conforms(&found["hits"][0], "Hit");
    let refused: serde_json::Value = c
        .get(format!("{base}/api/v1/needs/nd-none"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    conforms(&refused, "Problem");
    for (path, schema, least) in [
        ("clusters", "Cluster", 7),
        ("centers", "Center", 12),
        ("events", "Event", 3),
    ] {
        let list: Vec<serde_json::Value> = c
            .get(format!("{base}/api/v1/{path}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(list.len() >= least, "{path}: {}", list.len());
        conforms(&list[0], schema);
    }

    // the API page and its files come from the binary
    let page = c.get(format!("{base}/api/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("swagger-ui-bundle.js"));
    let js = c
        .get(format!("{base}/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(js.status(), 200);
    assert!(js.bytes().await.unwrap().len() > 100_000);
}

/// The demo's first enterprise member: its session and enterprise id.
async fn enterprise_member(s: &Server, demo: &demo::DemoSummary) -> (common::Who, String) {
    let ent = demo
        .logins
        .iter()
        .find(|l| l.role == Role::EnterpriseMember)
        .unwrap();
    let c = reqwest::Client::new();
    let who = common::log_in(&c, &s.base, &ent.email, &ent.password).await;
    let id = s
        .app
        .accounts()
        .login(&ent.email, &ent.password)
        .await
        .unwrap()
        .user
        .enterprise_id
        .unwrap();
    (who, id.into_string())
}

/// Issue #18, item 6: a burst of creates by one enterprise gets as many distinct ids as
/// it was answered, and every acknowledged need is stored; a create naming an id that
/// exists is refused (409) and leaves that need as it was.
#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_need_posts_stores_every_need_under_its_own_id() {
    let (base, app, demo, dir) = common::serve_demo(8, None).await;
    let s = Server {
        base,
        app,
        _dir: dir,
    };
    let (who, ent_id) = enterprise_member(&s, &demo).await;
    let before = s
        .app
        .store()
        .records()
        .needs_of(&ent_id)
        .await
        .unwrap()
        .len();
    let c = reqwest::Client::new();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let (c, who, url) = (c.clone(), who.clone(), format!("{}/api/v1/needs", s.base));
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..3 {
                let body = serde_json::json!({"title": format!("동시 수요 {t}-{i}"), "slots": 1});
                let r = post(&c, &url, Some(&who), Some(body)).await;
                assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
                let v: serde_json::Value = r.json().await.unwrap();
                ids.push((v["id"].as_str().unwrap().to_string(), format!("{t}-{i}")));
            }
            ids
        }));
    }
    let mut answered = Vec::new();
    for t in tasks {
        answered.extend(t.await.unwrap());
    }
    let distinct: std::collections::BTreeSet<&str> =
        answered.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(distinct.len(), 24, "{answered:?}");
    let stored = s.app.store().records().needs_of(&ent_id).await.unwrap();
    assert_eq!(stored.len(), before + 24);
    for (id, tag) in &answered {
        let n = s.app.store().records().need(id).await.unwrap().unwrap();
        assert_eq!(
            n.title,
            format!("동시 수요 {tag}"),
            "{id} kept its own title"
        );
        assert_eq!(n.enterprise_id, ent_id);
    }

    let (taken, _) = &answered[0];
    let r = post(
        &c,
        &format!("{}/api/v1/needs", s.base),
        Some(&who),
        Some(serde_json::json!({"id": taken, "title": "덮어쓰기"})),
    )
    .await;
    assert_eq!(r.status(), 409);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["type"], "https://innobridge.example/problems/refused");
    assert_ne!(
        s.app
            .store()
            .records()
            .need(taken)
            .await
            .unwrap()
            .unwrap()
            .title,
        "덮어쓰기"
    );
}

/// Found by trying the API as an attacker would: two partial saves of one startup at
/// the same moment each keep their field (one used to read the record before the
/// other's write and save it back without that write's field).
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_partial_saves_of_one_profile_keep_every_field() {
    let (base, app, demo, _dir) = common::serve_demo(8, None).await;
    let admin = demo.logins.iter().find(|l| l.role == Role::Admin).unwrap();
    let c = reqwest::Client::new();
    let who = common::log_in(&c, &base, &admin.email, &admin.password).await;
    let startups = app.store().records().startups().await.unwrap();
    let id = startups[0].id.clone();
    let url = format!("{base}/api/v1/startups/{id}");
    let put = |body: serde_json::Value| {
        let (c, who, url) = (c.clone(), who.clone(), url.clone());
        tokio::spawn(async move {
            let r = c
                .put(&url)
                .header("cookie", &who.cookie)
                .header("x-csrf-token", &who.csrf)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        })
    };
    for k in 0..12 {
        let description = format!("동시 저장 설명 {k}");
        let website = format!("https://race-{k}.example.kr");
        let a = put(serde_json::json!({ "description": description }));
        let b = put(serde_json::json!({ "website": website }));
        a.await.unwrap();
        b.await.unwrap();
        let s = app.store().records().startup(&id).await.unwrap().unwrap();
        assert_eq!(
            s.description.as_deref(),
            Some(description.as_str()),
            "round {k}"
        );
        assert_eq!(s.website.as_deref(), Some(website.as_str()), "round {k}");
    }
}

/// Found by trying the API as an attacker would: while a program manager creates a need
/// for one enterprise, a member of another saving the same id must not take it over.
/// Exactly one of the two writes succeeds, and the need belongs to the one that did.
#[tokio::test(flavor = "multi_thread")]
async fn a_need_cannot_change_enterprise_in_a_race_of_create_and_save() {
    let (base, app, demo, dir) = common::serve_demo(8, None).await;
    let s = Server {
        base,
        app,
        _dir: dir,
    };
    let (member, own) = enterprise_member(&s, &demo).await;
    let other = s
        .app
        .store()
        .records()
        .enterprises()
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id != own.as_str())
        .unwrap()
        .id;
    let admin = demo.logins.iter().find(|l| l.role == Role::Admin).unwrap();
    let c = reqwest::Client::new();
    let admin = common::log_in(&c, &s.base, &admin.email, &admin.password).await;
    for k in 0..20 {
        let id = format!("nd-race-{k}");
        let create = {
            let (c, who, url) = (c.clone(), admin.clone(), format!("{}/api/v1/needs", s.base));
            let body =
                serde_json::json!({"id": id, "enterprise_id": other, "title": "관리자 수요"});
            tokio::spawn(async move { post(&c, &url, Some(&who), Some(body)).await.status() })
        };
        let save = {
            let (c, who) = (c.clone(), member.clone());
            let url = format!("{}/api/v1/needs/{id}", s.base);
            tokio::spawn(async move {
                c.put(&url)
                    .header("cookie", &who.cookie)
                    .header("x-csrf-token", &who.csrf)
                    .json(&serde_json::json!({"title": "회원 수요"}))
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        };
        let (created, saved) = (create.await.unwrap(), save.await.unwrap());
        let need = s.app.store().records().need(&id).await.unwrap().unwrap();
        match (created.as_u16(), saved.as_u16()) {
            (200, 403) => {
                assert_eq!(need.enterprise_id, other, "round {k}");
                assert_eq!(need.title, "관리자 수요", "round {k}");
            }
            (409, 200) => {
                assert_eq!(need.enterprise_id, own.as_str(), "round {k}");
                assert_eq!(need.title, "회원 수요", "round {k}");
            }
            answers => panic!("round {k}: create and save answered {answers:?}"),
        }
    }
}

/// Found by an attacker: a second outcome of the same kind on the same day silently
/// replaced the first (two concurrent POSTs both answered 201, one was lost, and an
/// empty amount cleared a stored one). Now the same figures again change nothing
/// (200), other figures are refused (409, naming what is stored) unless sent as a
/// correction, and of two concurrent different recordings exactly one is kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_outcome_is_replaced_only_by_a_correction() {
    let (s, demo) = start().await;
    let c = reqwest::Client::new();
    let admin = demo.logins.iter().find(|l| l.role == Role::Admin).unwrap();
    let admin = common::log_in(&c, &s.base, &admin.email, &admin.password).await;
    let accepted = s
        .app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            statuses: vec![MatchStatus::Accepted, MatchStatus::Meeting],
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(accepted.len() >= 2, "the demo has matches under way");
    let url = format!("{}/api/v1/outcomes", s.base);
    let investment = |m: &app::MatchView, date: &str, amount: &str| {
        serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id,
            "kind": "investment", "date": date, "amount": amount})
    };
    let stored = |m: &app::MatchView, date: &str| {
        let app = s.app.clone();
        let (startup, date) = (m.startup_id.clone(), date.to_string());
        async move {
            let all = app.store().pipeline().outcomes().await.unwrap();
            let same: Vec<_> = all
                .into_iter()
                .filter(|o| {
                    o.startup_id == startup
                        && o.date.to_string() == date
                        && o.kind == domain::OutcomeKind::Investment
                })
                .collect();
            assert_eq!(same.len(), 1, "one outcome per kind and day");
            same[0].amount.map(|a| a.minor)
        }
    };
    let m = &accepted[0];
    let first = post(
        &c,
        &url,
        Some(&admin),
        Some(investment(m, "2026-11-02", "500000000")),
    )
    .await;
    assert_eq!(first.status(), 201);
    let again = post(
        &c,
        &url,
        Some(&admin),
        Some(investment(m, "2026-11-02", "500,000,000")),
    )
    .await;
    assert_eq!(again.status(), 200, "the same figures again change nothing");
    // a note where none was kept is taken; another note is refused, naming the note
    let noted = |note: &str| {
        let mut body = investment(m, "2026-11-02", "500000000");
        body["note"] = note.into();
        body
    };
    let r = post(&c, &url, Some(&admin), Some(noted("시리즈 A 리드"))).await;
    assert_eq!(r.status(), 200, "a first note adds to the outcome");
    let r = post(&c, &url, Some(&admin), Some(noted("다른 메모"))).await;
    assert_eq!(r.status(), 409);
    let problem: serde_json::Value = r.json().await.unwrap();
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("note: ") && detail.contains("same figures and another note"),
        "{problem}"
    );
    let notes: Vec<Option<String>> = s
        .app
        .store()
        .pipeline()
        .outcomes()
        .await
        .unwrap()
        .into_iter()
        .filter(|o| o.startup_id == m.startup_id && o.date.to_string() == "2026-11-02")
        .map(|o| o.note)
        .collect();
    assert_eq!(notes, vec![Some("시리즈 A 리드".to_string())]);
    for other in ["700000000", ""] {
        let resp = post(
            &c,
            &url,
            Some(&admin),
            Some(investment(m, "2026-11-02", other)),
        )
        .await;
        assert_eq!(resp.status(), 409, "other figures ({other:?}) are refused");
        let problem: serde_json::Value = resp.json().await.unwrap();
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("500000000") && detail.contains("replace=true"),
            "the refusal names what is stored and how to correct it: {detail}"
        );
    }
    assert_eq!(stored(m, "2026-11-02").await, Some(500_000_000));
    let fixed = post(
        &c,
        &format!("{url}?replace=true"),
        Some(&admin),
        Some(investment(m, "2026-11-02", "700000000")),
    )
    .await;
    assert_eq!(fixed.status(), 200, "a correction replaces the figures");
    assert_eq!(stored(m, "2026-11-02").await, Some(700_000_000));

    // two concurrent recordings with different figures: one is kept, the other refused
    let m = &accepted[1];
    for (round, day) in ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-05"]
        .into_iter()
        .enumerate()
    {
        let (a, b) = tokio::join!(
            post(
                &c,
                &url,
                Some(&admin),
                Some(investment(m, day, "100000000"))
            ),
            post(
                &c,
                &url,
                Some(&admin),
                Some(investment(m, day, "200000000"))
            ),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "round {round}");
        let kept = if a.status() == 201 {
            100_000_000
        } else {
            200_000_000
        };
        assert_eq!(stored(m, day).await, Some(kept), "round {round}");
    }
}

/// An outcome imported from a file that did not name the need (a partner's sheet of
/// investments) and then recorded by hand on the match with the same figures: nothing
/// is written twice, and the outcome now belongs to the match, which moves on.
#[tokio::test]
async fn recording_an_imported_outcome_on_its_match_links_it() {
    let (s, demo) = start().await;
    let c = reqwest::Client::new();
    let admin = demo.logins.iter().find(|l| l.role == Role::Admin).unwrap();
    let session = common::log_in(&c, &s.base, &admin.email, &admin.password).await;
    let accepted = s
        .app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            statuses: vec![MatchStatus::Accepted],
            ..Default::default()
        })
        .await
        .unwrap();
    let m = accepted.first().expect("the demo has accepted matches");
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("investments.csv");
    std::fs::write(
        &sheet,
        format!(
            "startup_id,enterprise_id,kind,date,amount\n{},{},investment,2026-09-14,300000000\n",
            m.startup_id, m.enterprise_id
        ),
    )
    .unwrap();
    let report = s
        .app
        .records()
        .import_file(
            &app::Operator::named(&admin.email),
            domain::records::RecordKind::Outcomes,
            &sheet,
            &|_, _| {},
        )
        .await
        .unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.inserted, 1);
    let of_the_match = || async {
        s.app
            .store()
            .pipeline()
            .outcomes()
            .await
            .unwrap()
            .into_iter()
            .filter(|o| o.startup_id == m.startup_id && o.date.to_string() == "2026-09-14")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of_the_match().await[0].need_id,
        None,
        "imported without its need"
    );

    let resp = post(
        &c,
        &format!("{}/api/v1/outcomes", s.base),
        Some(&session),
        Some(
            serde_json::json!({"startup_id": m.startup_id, "need_id": m.need_id,
            "kind": "investment", "date": "2026-09-14", "amount": "300000000"}),
        ),
    )
    .await;
    assert_eq!(resp.status(), 200, "the same figures: nothing new");
    let outcomes = of_the_match().await;
    assert_eq!(outcomes.len(), 1, "not recorded twice");
    assert_eq!(
        outcomes[0].need_id.as_ref(),
        Some(&m.need_id),
        "linked to the match"
    );
    let now = s
        .app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter::default())
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.startup_id == m.startup_id && x.need_id == m.need_id)
        .unwrap();
    assert_eq!(
        now.status,
        MatchStatus::for_outcome(domain::OutcomeKind::Investment),
        "the match moved on as a new recording would move it"
    );
}
