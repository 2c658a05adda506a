//! Every write operation the served OpenAPI document lists, and every form post the
//! web crate's `router()` declares outside `/api` (read from its source), × every kind
//! of caller (nobody, a program manager, a member of the organisation concerned and of
//! another one, a center manager of the center concerned and of another, an evaluator
//! on the call and one on none): answered as the row's rule says, over HTTP against the
//! real app. A route without a row fails the suite, and so does a row whose route is
//! gone, so a new write route cannot ship without someone deciding who may call it
//! (issue #19, point 2). A signed-in write without its CSRF token is refused (403) on
//! every route that takes a session.
//!
//! A rule names each caller's answer: a status exactly, or "ok" (a 2xx, a page's 303
//! elsewhere than the login page, or an answer about the body or the state: 400, 409,
//! 422) or "no" (401 for nobody, 403 or 404 for a signed-in caller). Nobody is refused
//! unless the rule says otherwise: 401 on the API, 303 to the login page on a page.
//! `ROUTE_RULES_SHOW=1` prints every answer.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeSet, HashMap};

use domain::{Language, Role, User};
use serde_json::{Value, json};

mod common;

/// Who calls. "Own" is the organisation (or call) the row's request is about.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Caller {
    Nobody,
    Admin,
    EntOwn,
    EntOther,
    StOwn,
    StOther,
    CenterOwn,
    CenterOther,
    EvalOn,
    EvalOff,
}

use Caller::*;

const SIGNED_IN: [Caller; 9] = [
    Admin,
    EntOwn,
    EntOther,
    StOwn,
    StOther,
    CenterOwn,
    CenterOther,
    EvalOn,
    EvalOff,
];

/// The table's short names.
fn caller(name: &str) -> Caller {
    match name {
        "anon" => Nobody,
        "admin" => Admin,
        "ent" => EntOwn,
        "ent2" => EntOther,
        "st" => StOwn,
        "st2" => StOther,
        "ctr" => CenterOwn,
        "ctr2" => CenterOther,
        "ev" => EvalOn,
        "ev2" => EvalOff,
        other => panic!("no caller '{other}' in the table"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Want {
    /// 2xx, 400, 409 or 422; on a page also a 303 elsewhere than the login page.
    Allowed,
    /// 401 for nobody; 403 or 404 for a signed-in caller.
    Refused,
    Exactly(u16),
    /// A page's form without a session: 303 to the login page.
    Login,
}

/// "admin:ok ent:409 rest:no" ("login": a page's 303 to the login page) → each caller's answer, in the order to try them:
/// nobody first, then every refused caller (so that an allowed write cannot hide a
/// refusal), then the others in the order written (an exact 404 among them). Nobody is refused (401) unless
/// the rule says otherwise; `rest` is every caller not named.
fn plan(rule: &str, page: bool) -> Vec<(Caller, Want)> {
    let mut named: Vec<(Caller, Want)> = Vec::new();
    let mut rest = None;
    for part in rule.split_whitespace() {
        let (who, want) = part.split_once(':').unwrap();
        let want = match want {
            "ok" => Want::Allowed,
            "no" => Want::Refused,
            "login" => Want::Login,
            n => Want::Exactly(n.parse().unwrap()),
        };
        if who == "rest" {
            rest = Some(want);
        } else {
            named.push((caller(who), want));
        }
    }
    let mut all = Vec::new();
    if !named.iter().any(|(c, _)| *c == Nobody) {
        all.push((
            Nobody,
            if page {
                Want::Login
            } else {
                Want::Exactly(401)
            },
        ));
    }
    all.extend(named.iter().copied());
    for c in SIGNED_IN {
        if !named.iter().any(|(n, _)| *n == c) {
            all.push((
                c,
                rest.unwrap_or_else(|| panic!("rule '{rule}' says nothing of {c:?}")),
            ));
        }
    }
    // a 404 may be a refusal or a state (gone): those stay where the rule puts them
    let refused = |w: &Want| matches!(w, Want::Refused | Want::Login | Want::Exactly(401 | 403));
    let (mut first, then): (Vec<_>, Vec<_>) = all.into_iter().partition(|(_, w)| refused(w));
    first.sort_by_key(|(c, _)| *c != Nobody);
    first.extend(then);
    first
}

#[derive(Clone)]
enum Body {
    None,
    Json(Value),
    Bytes(Vec<u8>),
    /// A page's form; the caller's CSRF token is added as `csrf`.
    Form(Vec<(String, String)>),
    /// A page's multipart form, with a file (field, file name, bytes).
    Multipart(Vec<(String, String)>, (&'static str, &'static str, Vec<u8>)),
}

/// One write operation: its method and path as the OpenAPI document names them, the
/// URL with the ids of the organisation concerned, the body (per caller where the
/// callers' bodies must differ) and the rule.
struct Row {
    method: &'static str,
    path: &'static str,
    url: String,
    body: Body,
    bodies: HashMap<Caller, Body>,
    rule: &'static str,
    /// The startup "own" is a member of for this row.
    startup: String,
}

impl Row {
    fn new(
        method: &'static str,
        path: &'static str,
        url: String,
        body: Body,
        rule: &'static str,
    ) -> Row {
        Row {
            method,
            path,
            url,
            body,
            bodies: HashMap::new(),
            rule,
            startup: String::new(),
        }
    }
    fn for_startup(mut self, s: &str) -> Row {
        self.startup = s.to_string();
        self
    }
    fn body_for(mut self, c: Caller, v: Body) -> Row {
        self.bodies.insert(c, v);
        self
    }
}

const PASSWORD: &str = "route-rules-passphrase-7";

struct World {
    base: String,
    app: app::App,
    c: reqwest::Client,
    who: HashMap<Caller, common::Who>,
    /// Sessions of startup members, by startup.
    founders: HashMap<String, common::Who>,
}

impl World {
    async fn member(&mut self, role: Role, org: &str) -> common::Who {
        let email = format!("{}-{org}@rules.example", format!("{role:?}").to_lowercase());
        let user = User {
            email: email.clone(),
            display_name: format!("Rules {org}"),
            role,
            enterprise_id: (role == Role::EnterpriseMember)
                .then(|| org.to_string())
                .map(Into::into),
            startup_id: (role == Role::StartupMember)
                .then(|| org.to_string())
                .map(Into::into),
            center_code: (role == Role::CenterManager).then(|| org.into()),
            language: Language::En,
        };
        self.app
            .accounts()
            .add_user(&app::Operator::named("test"), &user, PASSWORD)
            .await
            .unwrap();
        common::log_in(&self.c, &self.base, &email, PASSWORD).await
    }

    async fn founder(&mut self, startup: &str) -> common::Who {
        if let Some(w) = self.founders.get(startup) {
            return w.clone();
        }
        let w = self.member(Role::StartupMember, startup).await;
        self.founders.insert(startup.to_string(), w.clone());
        w
    }

    /// The answer's status, text and `Location`.
    async fn send(
        &self,
        method: &str,
        url: &str,
        who: Option<&common::Who>,
        csrf: bool,
        body: &Body,
    ) -> (u16, String, String) {
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let mut rq = self.c.request(method, url);
        let token = who.filter(|_| csrf).map(|w| w.csrf.clone());
        if let Some(w) = who {
            rq = rq.header("cookie", &w.cookie);
            if csrf {
                rq = rq.header("x-csrf-token", &w.csrf);
            }
        }
        let with_token = |fields: &[(String, String)]| {
            let mut f = fields.to_vec();
            if let Some(t) = &token {
                f.push(("csrf".to_string(), t.clone()));
            }
            f
        };
        rq = match body {
            Body::None => rq,
            Body::Json(v) => rq.json(v),
            Body::Bytes(b) => rq
                .header("content-type", "application/octet-stream")
                .header("x-file-name", "deck.pdf")
                .body(b.clone()),
            Body::Form(fields) => rq.form(&with_token(fields)),
            Body::Multipart(fields, (name, file, bytes)) => {
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in with_token(fields) {
                    form = form.text(k, v);
                }
                let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(*file);
                rq.multipart(form.part(*name, part))
            }
        };
        let r = rq.send().await.unwrap();
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, r.text().await.unwrap(), location)
    }

    async fn get(&self, path: &str, who: Option<Caller>) -> Value {
        let mut rq = self.c.get(format!("{}{path}", self.base));
        if let Some(w) = who {
            rq = rq.header("cookie", &self.who[&w].cookie);
        }
        let r = rq.send().await.unwrap();
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec()
}

/// What the rows are about: the organisations, calls, applications, reviews, the event
/// and its meeting request, the center application.
struct Fix {
    _dir: tempfile::TempDir,
    base: String,
    ent_a: String,
    ent_b: String,
    st_other: String,
    center_a: String,
    st_match: String,
    need_match: String,
    own_need: String,
    top_down: domain::screening::Call,
    on_demand: domain::screening::Call,
    applied: domain::screening::CallApplication,
    proposal: domain::screening::CallApplication,
    judge: User,
    review: domain::ReviewId,
    scores: serde_json::Map<String, Value>,
    event: domain::Event,
    meeting: i64,
    center_app: i64,
}

/// A served demo program (round r published), every caller signed in, and the
/// records the rows are about.
async fn world() -> (World, Fix) {
    let (base, app, demo, _dir) = common::serve_demo(8, Some("r")).await;
    // redirects are answers here (a form post answers 303)
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = |r: Role| demo.logins.iter().find(|l| l.role == r).unwrap();
    let user_of = |r: Role| {
        let l = login(r);
        let app = app.clone();
        async move {
            app.accounts()
                .login(&l.email, &l.password)
                .await
                .unwrap()
                .user
        }
    };
    let ent_a = user_of(Role::EnterpriseMember).await.enterprise_id.unwrap();
    let st_other = user_of(Role::StartupMember).await.startup_id.unwrap();
    let center_a = user_of(Role::CenterManager).await.center_code.unwrap();
    let mut w = World {
        base: base.clone(),
        app: app.clone(),
        c: c.clone(),
        who: HashMap::new(),
        founders: HashMap::new(),
    };
    for (caller, role) in [
        (Admin, Role::Admin),
        (EntOwn, Role::EnterpriseMember),
        (StOther, Role::StartupMember),
        (CenterOwn, Role::CenterManager),
        (EvalOn, Role::Evaluator),
    ] {
        let l = login(role);
        w.who.insert(
            caller,
            common::log_in(&c, &base, &l.email, &l.password).await,
        );
    }

    // the organisations concerned
    let ent_b = app
        .discovery()
        .enterprise_names()
        .await
        .unwrap()
        .into_keys()
        .filter(|e| *e != ent_a)
        .min()
        .unwrap();
    let center_b = app
        .centers()
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .find(|c| *c != center_a)
        .unwrap();
    let ent_other = w.member(Role::EnterpriseMember, &ent_b).await;
    w.who.insert(EntOther, ent_other);
    let center_other = w.member(Role::CenterManager, &center_b).await;
    w.who.insert(CenterOther, center_other);
    let eval_off = w.member(Role::Evaluator, "none").await;
    // an account only to log in with
    w.member(Role::Evaluator, "login").await;
    w.who.insert(EvalOff, eval_off);

    // a proposal of round r to the enterprise, with a startup that is not the demo's
    let proposals = app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            enterprise: Some(ent_a.to_string().into()),
            round: Some("r".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let m = proposals
        .iter()
        .find(|m| m.startup_id != st_other)
        .expect("a proposal to the demo enterprise");
    let (st_match, need_match) = (m.startup_id.clone(), m.need_id.clone());
    let own_need = app
        .discovery()
        .needs_of(&ent_a)
        .await
        .unwrap()
        .last()
        .unwrap()
        .id
        .clone();

    // the calls: the top-down one the demo enterprise runs, the open on-demand one, the
    // enterprise's intake of bottom-up proposals
    let calls = app.calls().list().await.unwrap();
    let top_down = calls
        .iter()
        .find(|x| x.enterprise_id.as_deref() == Some(&ent_a) && !x.code.starts_with("intake"))
        .unwrap()
        .clone();
    let mut on_demand = calls
        .iter()
        .find(|x| x.track == domain::Track::OnDemand)
        .unwrap()
        .clone();
    let intake = calls
        .iter()
        .find(|x| x.code.starts_with("intake") && x.enterprise_id.as_deref() == Some(&ent_a))
        .unwrap()
        .clone();
    let admin_user = user_of(Role::Admin).await;
    // the on-demand call stays open whatever the day the suite runs
    on_demand.deadline = chrono::Utc::now() + chrono::Duration::days(30);
    app.calls().save(&admin_user, &on_demand).await.unwrap();
    let open_apps = app
        .calls()
        .applications(&admin_user, &on_demand.code)
        .await
        .unwrap();
    let applied = open_apps
        .iter()
        .find(|a| a.startup_id != st_other)
        .unwrap()
        .clone();
    let proposal = app
        .calls()
        .applications(&admin_user, &intake.code)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status == domain::CallApplicationStatus::Submitted)
        .expect("a proposal not yet routed");
    let judge = user_of(Role::Evaluator).await;
    let review = app
        .calls()
        .my_reviews(&judge, &top_down.code)
        .await
        .unwrap()
        .into_iter()
        .next()
        .expect("the demo's evaluator has a review in the top-down call")
        .review;
    let scores: serde_json::Map<String, Value> = top_down
        .rubric
        .criteria
        .iter()
        .map(|k| (k.key.clone(), json!(1)))
        .collect();

    // an event with both sides registered and a meeting request between them; an
    // application to the demo's center
    let event = app
        .forum()
        .list()
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let founder = w.founder(&st_match).await;
    let url = |p: &str| format!("{base}{p}");
    for who in [&founder, &w.who[&EntOwn]] {
        let (s, t, _) = w
            .send(
                "post",
                &url(&format!("/api/v1/events/{}/registration", event.code)),
                Some(who),
                true,
                &Body::None,
            )
            .await;
        assert!(s == 200, "registration: {s} {t}");
    }
    let (s, t, _) = w
        .send(
            "post",
            &url(&format!("/api/v1/events/{}/requests", event.code)),
            Some(&founder),
            true,
            &Body::Json(json!({"with": ent_a, "note": "rules"})),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let meeting: i64 = serde_json::from_str::<Value>(&t).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, t, _) = w
        .send(
            "post",
            &url(&format!("/api/v1/centers/{center_a}/applications")),
            Some(&founder),
            true,
            &Body::Json(json!({"target_markets": ["US"], "plan": "rules"})),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    let center_app: i64 = serde_json::from_str::<Value>(&t).unwrap()["id"]
        .as_i64()
        .unwrap();

    let fix = Fix {
        _dir,
        base,
        ent_a: ent_a.into_string(),
        ent_b,
        st_other: st_other.into_string(),
        center_a: center_a.into_string(),
        st_match: st_match.into_string(),
        need_match: need_match.into_string(),
        own_need: own_need.into_string(),
        top_down,
        on_demand,
        applied,
        proposal,
        judge,
        review: review.id,
        scores,
        event,
        meeting,
        center_app,
    };
    (w, fix)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_write_route_has_a_rule_and_keeps_it_for_every_caller() {
    let (mut w, f) = world().await;
    let Fix {
        base,
        ent_a,
        ent_b,
        st_other,
        center_a,
        st_match,
        need_match,
        own_need,
        top_down,
        on_demand,
        applied,
        proposal,
        judge,
        review,
        scores,
        event,
        meeting,
        center_app,
        ..
    } = &f;
    let app = w.app.clone();
    let url = |p: &str| format!("{base}{p}");
    let event_body = w.get(&format!("/api/v1/events/{}", event.code), None).await["event"].clone();
    let cluster = app
        .clusters()
        .list()
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let cluster_body = serde_json::to_value(&cluster).unwrap();
    let center_body = w.get(&format!("/api/v1/centers/{center_a}"), None).await["center"].clone();
    let call_body = serde_json::to_value(top_down).unwrap();
    let need_body = json!({"title": "규칙 수요", "technologies": "digital twin", "slots": 1});
    let startup_body = json!({"name": "규칙랩", "technologies": ["vision"], "founded_year": 2020});
    let proposal_text = "규칙 시험용 제안입니다. We propose a pilot of our vision inspection line at your plant, with two sites over three months.";
    let ev = &event.code;
    let (td, od) = (&top_down.code, &on_demand.code);
    let j = Body::Json;

    // the table: one row per write operation, in an order where the state one row
    // leaves does not hide the next row's refusals; deletes and logging out last
    let rows = vec![
        Row::new("post", "/api/v1/password-reset", url("/api/v1/password-reset"),
            j(json!({"email": "nobody@rules.example"})), "anon:202 rest:202"),
        Row::new("post", "/api/v1/password-reset/{token}", url("/api/v1/password-reset/not-a-token"),
            j(json!({"password": PASSWORD})), "anon:404 rest:404"),
        // a match is none of the others' business (404); once both sides accepted, the
        // program's accept is a refused move (409), not a refused person
        Row::new("post", "/api/v1/matches/{startup}/{need}/{action}",
            url(&format!("/api/v1/matches/{st_match}/{need_match}/accept")), Body::None,
            "ent2:404 st2:404 ctr:404 ctr2:404 ev:404 ev2:404 ent:200 st:200 admin:409")
            .for_startup(st_match),
        Row::new("post", "/api/v1/outcomes", url("/api/v1/outcomes"),
            j(json!({"startup_id": st_match, "need_id": need_match, "kind": "meeting", "date": "2026-11-20"})),
            // the program manager's is the enterprise's outcome again: nothing changes
            "ent2:404 st2:404 ctr:404 ctr2:404 ev:404 ev2:404 st:403 ent:201 admin:200")
            .for_startup(st_match),
        Row::new("post", "/api/v1/events", url("/api/v1/events"), j(event_body),
            "admin:201 rest:403"),
        Row::new("post", "/api/v1/events/{code}/registration", url(&format!("/api/v1/events/{ev}/registration")),
            Body::None, "admin:403 ctr:403 ctr2:403 ev:403 ev2:403 rest:200").for_startup(st_match),
        Row::new("put", "/api/v1/events/{code}/availability", url(&format!("/api/v1/events/{ev}/availability")),
            j(json!({"unavailable": [0]})), "admin:403 ctr:403 ctr2:403 ev:403 ev2:403 rest:204").for_startup(st_match),
        // members of either side ask the other side; the startups ask the enterprise the
        // setup's request already pairs them with (409, a state)
        Row::new("post", "/api/v1/events/{code}/requests", url(&format!("/api/v1/events/{ev}/requests")),
            j(json!({"with": ent_a})), "ent:201 ent2:201 st:409 st2:409 rest:403")
            .for_startup(st_match)
            .body_for(EntOwn, j(json!({"with": st_other})))
            .body_for(EntOther, j(json!({"with": st_match}))),
        // the asked side (the enterprise) or a program manager answers; the asking startup
        // may not accept; to anyone else the request does not exist
        Row::new("post", "/api/v1/meeting-requests/{id}/{action}", url(&format!("/api/v1/meeting-requests/{meeting}/accept")),
            Body::None, "st:403 ent:200 admin:200 rest:404").for_startup(st_match),
        Row::new("post", "/api/v1/events/{code}/schedule", url(&format!("/api/v1/events/{ev}/schedule")),
            Body::None, "admin:200 rest:403"),
        Row::new("put", "/api/v1/calls/{code}", url(&format!("/api/v1/calls/{td}")), j(call_body),
            "ent:200 admin:200 rest:403"),
        Row::new("put", "/api/v1/applications/{id}/files/{key}",
            url(&format!("/api/v1/applications/{}/files/deck", applied.id)), Body::Bytes(pdf()),
            "st2:404 st:204 rest:403").for_startup(&applied.startup_id),
        Row::new("put", "/api/v1/calls/{code}/application", url(&format!("/api/v1/calls/{od}/application")),
            j(json!({"answers": {"plan": "규칙 계획"}, "submit": false})),
            "st:200 st2:200 rest:403").for_startup(&applied.startup_id),
        Row::new("post", "/api/v1/applications/{id}/withdraw",
            url(&format!("/api/v1/applications/{}/withdraw", applied.id)), Body::None,
            "st2:404 st:200 rest:403").for_startup(&applied.startup_id),
        Row::new("post", "/api/v1/calls/{code}/evaluators", url(&format!("/api/v1/calls/{td}/evaluators")),
            j(json!({"email": judge.email})), "ent:204 admin:204 rest:403"),
        // a declaration about oneself: evaluators, enterprise members (who judge their own
        // calls) and program managers make it
        Row::new("post", "/api/v1/conflicts", url("/api/v1/conflicts"),
            j(json!({"startup_id": st_other, "reason": "rules"})), "ev:204 ev2:204 ent:204 ent2:204 admin:204 rest:403"),
        // only the review's evaluator scores it; to anyone else, the call's other
        // evaluators included, it does not exist
        Row::new("post", "/api/v1/reviews/{id}", url(&format!("/api/v1/reviews/{review}")),
            j(json!({"scores": scores, "comment": "rules"})), "ev:200 rest:404"),
        // the call's organiser (its enterprise) and program managers run it; after the
        // enterprise decided or routed, the program's try is a state (409)
        Row::new("post", "/api/v1/calls/{code}/assign", url(&format!("/api/v1/calls/{td}/assign")),
            Body::None, "ent:200 admin:200 rest:403"),
        Row::new("post", "/api/v1/calls/{code}/stage/{action}", url(&format!("/api/v1/calls/{td}/stage/close")),
            Body::None, "ent:204 admin:204 rest:403"),
        Row::new("post", "/api/v1/calls/{code}/decide", url(&format!("/api/v1/calls/{td}/decide")),
            j(json!({"top": 1})), "ent:200 admin:409 rest:403"),
        Row::new("post", "/api/v1/proposals", url("/api/v1/proposals"),
            j(json!({"enterprise_id": ent_b, "proposal": proposal_text})), "st:201 st2:201 rest:403")
            .for_startup(st_match),
        Row::new("post", "/api/v1/applications/{id}/route", url(&format!("/api/v1/applications/{}/route", proposal.id)),
            j(json!({"need_id": null})), "ent:200 admin:409 rest:404"),
        Row::new("post", "/api/v1/inbox/read", url("/api/v1/inbox/read"), Body::None, "rest:204"),
        Row::new("put", "/api/v1/clusters/{code}", url(&format!("/api/v1/clusters/{}", cluster.code)),
            j(cluster_body), "admin:200 rest:403"),
        Row::new("put", "/api/v1/centers/{code}", url(&format!("/api/v1/centers/{center_a}")),
            j(center_body), "admin:200 rest:403"),
        Row::new("post", "/api/v1/centers/{code}/applications", url(&format!("/api/v1/centers/{center_a}/applications")),
            j(json!({"target_markets": ["JP"], "plan": "rules"})), "st:409 st2:201 rest:403").for_startup(st_match),
        Row::new("post", "/api/v1/center-applications/{id}/{action}",
            url(&format!("/api/v1/center-applications/{center_app}/admit")), Body::None,
            "st:403 ctr:200 admin:200 rest:404").for_startup(st_match),
        Row::new("post", "/api/v1/centers/{code}/outcomes", url(&format!("/api/v1/centers/{center_a}/outcomes")),
            j(json!({"startup_id": st_match, "kind": "market-entry", "date": "2026-11-20"})),
            "ctr:201 admin:200 rest:403").for_startup(st_match),
        Row::new("put", "/api/v1/startups/{id}", url(&format!("/api/v1/startups/{st_match}")), j(startup_body),
            "st:200 admin:200 rest:403").for_startup(st_match),
        Row::new("put", "/api/v1/enterprises/{id}", url(&format!("/api/v1/enterprises/{ent_a}")),
            j(json!({"name": "규칙전자", "size_class": "large"})), "admin:200 rest:403"),
        // a program manager's need must name its enterprise (422): past the rule
        Row::new("post", "/api/v1/needs", url("/api/v1/needs"), j(need_body.clone()),
            "ent:200 ent2:200 admin:422 rest:403"),
        Row::new("put", "/api/v1/needs/{id}", url(&format!("/api/v1/needs/{own_need}")), j(need_body),
            "ent:200 admin:200 rest:403"),
        Row::new("post", "/api/v1/rounds/{name}/run", url("/api/v1/rounds/rules/run"),
            j(json!({"dry_run": true})), "admin:200 rest:403"),
        Row::new("post", "/api/v1/rounds/{name}/publish", url("/api/v1/rounds/none/publish"),
            Body::None, "admin:404 rest:403"),
        Row::new("delete", "/api/v1/needs/{id}", url(&format!("/api/v1/needs/{own_need}")), Body::None,
            "ent:204 admin:404 rest:403"),
        Row::new("delete", "/api/v1/startups/{id}", url(&format!("/api/v1/startups/{st_other}")), Body::None,
            "admin:204 rest:403").for_startup(st_match),
        Row::new("delete", "/api/v1/session", url("/api/v1/session"), Body::None, "rest:204"),
        // logging in ends the session the caller came with (the token rotates): last
        Row::new("post", "/api/v1/session", url("/api/v1/session"),
            j(json!({"email": "evaluator-login@rules.example", "password": PASSWORD})), "anon:200 rest:200"),
    ];

    // every write operation of the document has a row, and every row an operation
    let doc = w.get("/api/v1/openapi.json", None).await;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                documented.insert((method.to_string(), path.clone()));
            }
        }
    }
    let ruled: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(ruled.len(), rows.len(), "one row per operation");
    let unruled: Vec<String> = documented
        .difference(&ruled)
        .map(|(m, p)| {
            format!(
                "write route {} {p} has no rule in tests/route_rules.rs",
                m.to_uppercase()
            )
        })
        .collect();
    assert!(unruled.is_empty(), "{}", unruled.join("\n"));
    let gone: Vec<String> = ruled
        .difference(&documented)
        .map(|(m, p)| {
            format!(
                "tests/route_rules.rs has a rule for {} {p}, which the API no longer has",
                m.to_uppercase()
            )
        })
        .collect();
    assert!(gone.is_empty(), "{}", gone.join("\n"));
    // and the router has no write route under /api that the document leaves out
    let undocumented: Vec<String> = router_write_routes(true)
        .difference(&documented)
        .map(|(m, p)| {
            format!(
                "write route {} {p} is in router() but not in the OpenAPI document (nor in tests/route_rules.rs)",
                m.to_uppercase()
            )
        })
        .collect();
    assert!(undocumented.is_empty(), "{}", undocumented.join("\n"));

    let public = [
        "post /api/v1/session",
        "post /api/v1/password-reset",
        "post /api/v1/password-reset/{token}",
    ];
    let checks = run_rows(&mut w, &rows, &public, st_match).await;
    eprintln!(
        "API: {} write operations, {checks} route × caller checks",
        rows.len()
    );
}

/// What an answer says, in a line: a page's alert or heading, or the API's text.
fn gist(t: &str) -> String {
    let between = |from: &str, to: &str| {
        let (_, rest) = t.split_once(from)?;
        Some(rest.split(to).next()?.trim().to_string())
    };
    between("role=\"alert\">", "</p>")
        .or_else(|| between("<h1>", "</h1>"))
        .unwrap_or_else(|| t.chars().take(200).collect())
}

/// Runs every row: first, for each signed-in caller, the write without its CSRF token
/// (refused, 403) except on `public` operations ("post /path"), which take no session; then every caller
/// as the row's rule says. Fails with every mismatch; answers the number of checks.
async fn run_rows(w: &mut World, rows: &[Row], public: &[&str], st_default: &str) -> usize {
    let mut checks = 0;
    for r in rows {
        if public.contains(&format!("{} {}", r.method, r.path).as_str()) {
            continue;
        }
        for who in SIGNED_IN {
            let session = match who {
                StOwn => w.founder(&r.startup_or(st_default)).await,
                other => w.who[&other].clone(),
            };
            let (s, t, _) = w
                .send(r.method, &r.url, Some(&session), false, &r.body)
                .await;
            assert_eq!(
                s, 403,
                "{} {} as {who:?} without the CSRF token: {t}",
                r.method, r.path
            );
            if r.page() {
                let expired = ["양식이 만료되었습니다", "The form has expired"];
                assert!(
                    expired.iter().any(|e| t.contains(e)),
                    "{} {}: {t}",
                    r.method,
                    r.path
                );
            } else {
                assert!(t.contains("csrf"), "{} {}: {t}", r.method, r.path);
            }
            checks += 1;
        }
    }

    let mut failures = Vec::new();
    for r in rows {
        for (who, want) in plan(r.rule, r.page()) {
            let session = match who {
                Nobody => None,
                StOwn => Some(w.founder(&r.startup_or(st_default)).await),
                other => Some(w.who[&other].clone()),
            };
            let body = r.bodies.get(&who).unwrap_or(&r.body);
            let (s, t, location) = w.send(r.method, &r.url, session.as_ref(), true, body).await;
            checks += 1;
            if std::env::var_os("ROUTE_RULES_SHOW").is_some() {
                let text = gist(&t);
                eprintln!(
                    "{} {} as {who:?} ({want:?}): {s} {location} {text}",
                    r.method, r.path
                );
            }
            let to_login = s == 303 && location.starts_with("/login");
            let fits = match want {
                Want::Exactly(x) => s == x && !to_login,
                Want::Login => to_login,
                Want::Allowed => {
                    (200..300).contains(&s)
                        || [400, 409, 422].contains(&s)
                        || (r.page() && s == 303 && !to_login)
                }
                Want::Refused if who == Nobody => s == 401,
                Want::Refused => s == 403 || s == 404,
            };
            if !fits {
                let text = gist(&t);
                failures.push(format!(
                    "{} {} as {who:?}: wanted {want:?}, got {s} {location}: {text}",
                    r.method.to_uppercase(),
                    r.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    checks
}

impl Row {
    fn startup_or(&self, default: &str) -> String {
        if self.startup.is_empty() {
            default.to_string()
        } else {
            self.startup.clone()
        }
    }

    /// A page's form post rather than the API.
    fn page(&self) -> bool {
        !self.path.starts_with("/api/")
    }
}

/// Every `post`/`put`/`patch`/`delete` route in the web crate's `router()`, read from
/// its source: (method, path); with `api`, those under `/api`, else the others.
fn router_write_routes(api: bool) -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/web/src/lib.rs"
    ))
    .unwrap();
    let mut out = BTreeSet::new();
    for chunk in src.split(".route(").skip(1) {
        let mut depth = 1;
        let mut end = chunk.len();
        for (i, ch) in chunk.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let call = &chunk[..end];
        let path = call.split('"').nth(1).unwrap();
        if path.starts_with("/api/") != api {
            continue;
        }
        for method in ["post", "put", "patch", "delete"] {
            let named = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                i == 0 || call[..i].ends_with(|c: char| c.is_whitespace() || c == '.' || c == '(')
            });
            if named {
                out.insert((method.to_string(), path.to_string()));
            }
        }
    }
    assert!(
        out.len() > 10,
        "the router's page routes were read: {out:?}"
    );
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_form_post_has_a_rule_and_keeps_it_for_every_caller() {
    let (mut w, f) = world().await;
    let Fix {
        base,
        ent_a,
        ent_b,
        st_other,
        center_a,
        st_match,
        need_match,
        own_need,
        top_down,
        on_demand,
        applied,
        proposal,
        judge,
        review,
        scores,
        event,
        meeting,
        center_app,
        ..
    } = &f;
    let app = w.app.clone();
    let url = |p: &str| format!("{base}{p}");
    let fm = |pairs: &[(&str, &str)]| {
        Body::Form(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    };
    let ev = &event.code;
    let (td, od) = (&top_down.code, &on_demand.code);
    let center = app
        .centers()
        .list()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.code == *center_a)
        .unwrap();
    let cluster = app
        .clusters()
        .list()
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let mut score_form: Vec<(String, String)> = scores
        .keys()
        .map(|k| (format!("s_{k}"), "1".to_string()))
        .collect();
    score_form.push(("comment".into(), "rules".into()));
    let proposal_text = "규칙 시험용 제안입니다. We propose a pilot of our vision inspection line at your plant, with two sites over three months.";
    // a day ahead whatever the day the suite runs
    let later = (chrono::Utc::now() + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string();
    let new_call = |code: &str| {
        fm(&[
            ("code", code),
            ("title", "규칙 공모 / Rules call"),
            ("deadline", &later),
        ])
    };

    let rows = vec![
        Row::new(
            "post",
            "/password-reset",
            url("/password-reset"),
            fm(&[("email", "nobody@rules.example")]),
            "anon:200 rest:200",
        ),
        Row::new(
            "post",
            "/password-reset/{token}",
            url("/password-reset/not-a-token"),
            fm(&[("password", PASSWORD)]),
            "anon:404 rest:404",
        ),
        Row::new(
            "post",
            "/work/matches/{startup}/{need}/{action}",
            url(&format!("/work/matches/{st_match}/{need_match}/accept")),
            fm(&[]),
            "ent2:404 st2:404 ctr:404 ctr2:404 ev:404 ev2:404 ent:303 st:303 admin:409",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/work/outcomes",
            url("/work/outcomes"),
            fm(&[
                ("startup_id", st_match),
                ("need_id", need_match),
                ("kind", "meeting"),
                ("date", "2026-11-20"),
            ]),
            "ent2:404 st2:404 ctr:404 ctr2:404 ev:404 ev2:404 st:403 ent:303 admin:303",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/work/records/{kind}",
            url("/work/records/needs"),
            fm(&[
                ("id", own_need),
                ("enterprise_id", ent_a),
                ("title", "규칙 수요"),
                ("slots", "1"),
            ]),
            "ent:303 admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/events",
            url("/events"),
            fm(&[
                ("code", "rules-forum"),
                ("kind", "forum"),
                ("title_ko", "규칙 포럼"),
                ("date", &later),
                ("slots", "4"),
                ("tables", "2"),
                ("capacity", "10"),
            ]),
            "admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/events/{code}/register",
            url(&format!("/events/{ev}/register")),
            fm(&[]),
            "admin:403 ctr:403 ctr2:403 ev:403 ev2:403 rest:303",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/events/{code}/availability",
            url(&format!("/events/{ev}/availability")),
            fm(&[("busy_0", "on")]),
            "admin:403 ctr:403 ctr2:403 ev:403 ev2:403 rest:303",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/events/{code}/requests",
            url(&format!("/events/{ev}/requests")),
            fm(&[("with", ent_a)]),
            "ent:303 ent2:303 st:409 st2:409 rest:403",
        )
        .for_startup(st_match)
        .body_for(EntOwn, fm(&[("with", st_other)]))
        .body_for(EntOther, fm(&[("with", st_match)])),
        Row::new(
            "post",
            "/events/requests/{id}/{action}",
            url(&format!("/events/requests/{meeting}/accept")),
            fm(&[]),
            "st:403 ent:303 admin:303 rest:404",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/events/{code}/schedule",
            url(&format!("/events/{ev}/schedule")),
            fm(&[]),
            "admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/events/{code}/cancel",
            url(&format!("/events/{ev}/cancel")),
            fm(&[]),
            "admin:403 ctr:403 ctr2:403 ev:403 ev2:403 rest:303",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/centers/{code}/apply",
            url(&format!("/centers/{center_a}/apply")),
            fm(&[("markets", "JP"), ("plan", "rules")]),
            "st:409 st2:303 rest:403",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/centers/applications/{id}/{action}",
            url(&format!("/centers/applications/{center_app}/admit")),
            fm(&[]),
            "st:403 ctr:303 admin:303 rest:404",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/centers/{code}/outcomes",
            url(&format!("/centers/{center_a}/outcomes")),
            fm(&[
                ("startup_id", st_match),
                ("kind", "market-entry"),
                ("date", "2026-11-20"),
            ]),
            "ctr:303 admin:303 rest:403",
        ),
        // after the center's rows: the form saves the center as it gives it
        Row::new(
            "post",
            "/clusters",
            url("/clusters"),
            fm(&[("code", &cluster.code), ("name_ko", &cluster.name_ko)]),
            "admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/centers",
            url("/centers"),
            fm(&[
                ("code", &center.code),
                ("name_ko", &center.name_ko),
                ("city", &center.city),
                ("country", &center.country),
                ("region", &format!("{:?}", center.region).to_lowercase()),
                ("capacity", &center.capacity.to_string()),
            ]),
            "admin:303 rest:403",
        ),
        // the page makes the caller's enterprise the organiser; anyone but an
        // enterprise's member or a program manager is refused before the call is
        // read, so the refusal says nothing about the rules; nothing is written
        Row::new(
            "post",
            "/calls",
            url("/calls"),
            new_call("rules-x"),
            "ent:303 ent2:303 admin:303 rest:403",
        )
        .body_for(EntOwn, new_call("rules-ent"))
        .body_for(EntOther, new_call("rules-ent2"))
        .body_for(Admin, new_call("rules-pm")),
        Row::new(
            "post",
            "/calls/{code}/apply",
            url(&format!("/calls/{od}/apply")),
            Body::Multipart(
                vec![
                    ("q_plan".into(), "규칙 계획".into()),
                    ("action".into(), "save".into()),
                ],
                ("f_deck", "deck.pdf", pdf()),
            ),
            "st:303 st2:303 rest:403",
        )
        .for_startup(&applied.startup_id),
        Row::new(
            "post",
            "/calls/{code}/evaluators",
            url(&format!("/calls/{td}/evaluators")),
            fm(&[("email", &judge.email)]),
            "ent:303 admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/calls/reviews/{id}",
            url(&format!("/calls/reviews/{review}")),
            Body::Form(score_form),
            "ev:303 rest:404",
        ),
        Row::new(
            "post",
            "/calls/conflicts",
            url("/calls/conflicts"),
            fm(&[("startup_id", st_other), ("reason", "rules")]),
            "ev:303 ev2:303 ent:303 ent2:303 admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/calls/{code}/stage/{action}",
            url(&format!("/calls/{td}/stage/close")),
            fm(&[]),
            "ent:303 admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/calls/{code}/decide",
            url(&format!("/calls/{td}/decide")),
            fm(&[("top", "1")]),
            "ent:303 admin:409 rest:403",
        ),
        Row::new(
            "post",
            "/calls/propose",
            url("/calls/propose"),
            fm(&[("enterprise_id", ent_b), ("proposal", proposal_text)]),
            "st:303 st2:303 rest:403",
        )
        .for_startup(st_match),
        Row::new(
            "post",
            "/calls/applications/{id}/route",
            url(&format!("/calls/applications/{}/route", proposal.id)),
            fm(&[("need_id", "")]),
            "ent:303 admin:409 rest:404",
        ),
        Row::new(
            "post",
            "/calls/applications/{id}/withdraw",
            url(&format!("/calls/applications/{}/withdraw", applied.id)),
            fm(&[]),
            "st2:404 st:303 rest:403",
        )
        .for_startup(&applied.startup_id),
        Row::new(
            "post",
            "/admin/rounds",
            url("/admin/rounds"),
            fm(&[("name", "rules"), ("dry_run", "on")]),
            "admin:303 rest:403",
        ),
        Row::new(
            "post",
            "/admin/rounds/{name}/publish",
            url("/admin/rounds/r/publish"),
            fm(&[]),
            "admin:409 rest:403",
        ),
        Row::new(
            "post",
            "/admin/import",
            url("/admin/import"),
            Body::Multipart(
                vec![("kind".into(), "startups".into())],
                (
                    "file",
                    "rules.csv",
                    b"id,name\nst-rules,Rules Lab\n".to_vec(),
                ),
            ),
            "admin:200 rest:403",
        ),
        Row::new(
            "post",
            "/logout",
            url("/logout"),
            fm(&[]),
            "anon:login rest:303",
        ),
        // logging in ends the session the caller came with: last
        Row::new(
            "post",
            "/login",
            url("/login"),
            fm(&[
                ("email", "evaluator-login@rules.example"),
                ("password", PASSWORD),
            ]),
            "anon:303 rest:303",
        ),
    ];

    let routed = router_write_routes(false);
    let ruled: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(ruled.len(), rows.len(), "one row per route");
    let unruled: Vec<String> = routed
        .difference(&ruled)
        .map(|(m, p)| {
            format!(
                "write route {} {p} has no rule in tests/route_rules.rs",
                m.to_uppercase()
            )
        })
        .collect();
    assert!(unruled.is_empty(), "{}", unruled.join("\n"));
    let gone: Vec<String> = ruled
        .difference(&routed)
        .map(|(m, p)| {
            format!(
                "tests/route_rules.rs has a rule for {} {p}, which the router no longer has",
                m.to_uppercase()
            )
        })
        .collect();
    assert!(gone.is_empty(), "{}", gone.join("\n"));

    let public = [
        "post /login",
        "post /password-reset",
        "post /password-reset/{token}",
    ];
    let checks = run_rows(&mut w, &rows, &public, st_match).await;
    eprintln!(
        "pages: {} form posts, {checks} route × caller checks",
        rows.len()
    );
}
