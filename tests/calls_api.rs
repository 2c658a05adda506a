//! Open calls over HTTP: who may run, apply, upload, review and decide; conflicts kept
//! out of the API; blind scores; the deadline; refused files store nothing.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use common::{Who, log_in};
use domain::{Language, Role, User};
use reqwest::Client;
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn send(req: reqwest::RequestBuilder, who: Option<&Who>) -> (u16, Value) {
    let req = match who {
        Some(w) => req
            .header("cookie", &w.cookie)
            .header("x-csrf-token", &w.csrf),
        None => req,
    };
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn call_body(enterprise: &str, deadline: chrono::DateTime<chrono::Utc>) -> Value {
    json!({
        "code": "ignored", "track": "top-down", "enterprise_id": enterprise, "title": "AI vision for QA",
        "deadline": deadline.to_rfc3339(),
        "questions": [{"key": "plan", "ko": "계획", "en": "Plan", "required": true}],
        "attachments": [{"key": "deck", "ko": "피치덱", "en": "Deck", "required": true, "types": ["application/pdf"], "max_bytes": 1000}],
        "reviews_per_application": 1
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_over_http_keep_conflicts_blind_scores_and_deadlines() {
    let (base, app, demo, _dir) = common::serve_demo(21, None).await;
    let c = Client::new();
    let login = |r: Role| demo.logins.iter().find(|l| l.role == r).unwrap().clone();
    let (entl, stl, evl) = (
        login(Role::EnterpriseMember),
        login(Role::StartupMember),
        login(Role::Evaluator),
    );
    let ent = log_in(&c, &base, &entl.email, &entl.password).await;
    let st = log_in(&c, &base, &stl.email, &stl.password).await;
    let judge = log_in(&c, &base, &evl.email, &evl.password).await;
    let second = User {
        email: "judge2@api.kr".into(),
        display_name: "Judge 2".into(),
        role: Role::Evaluator,
        enterprise_id: None,
        startup_id: None,
        center_code: None,
        language: Language::En,
    };
    app.accounts()
        .add_user(&app::Operator::named("test"), &second, "api-password-22")
        .await
        .unwrap();
    let judge2 = log_in(&c, &base, &second.email, "api-password-22").await;
    let me = |w: &Who| {
        let (c, base, w) = (c.clone(), base.clone(), w.clone());
        async move { send(c.get(format!("{base}/api/v1/me")), Some(&w)).await.1["user"].clone() }
    };
    let enterprise = me(&ent).await["enterprise_id"]
        .as_str()
        .unwrap()
        .to_string();
    let startup = me(&st).await["startup_id"].as_str().unwrap().to_string();
    let api = |p: &str| format!("{base}/api/v1{p}");
    let soon = chrono::Utc::now() + chrono::Duration::days(2);

    // the demo runs a call of each track, one of them screened past its first stage
    let (_, all) = send(c.get(api("/calls")), None).await;
    let tracks: std::collections::BTreeSet<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["track"].as_str().unwrap())
        .collect();
    assert_eq!(tracks.len(), 3, "{tracks:?}");
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|c| c["stage"].as_u64() == Some(1))
    );
    let (_, funnel) = send(c.get(api("/kpi/funnel")), None).await;
    let steps = funnel["program"]["steps"].as_array().unwrap();
    assert!(
        steps[0]["count"].as_u64().unwrap() >= 18 && steps[1]["count"].as_u64().unwrap() >= 1,
        "{funnel}"
    );
    // running a call: its enterprise's member, not a startup, not nobody
    let body = call_body(&enterprise, soon);
    assert_eq!(
        send(c.put(api("/calls/qa-vision")).json(&body), None)
            .await
            .0,
        401
    );
    assert_eq!(
        send(c.put(api("/calls/qa-vision")).json(&body), Some(&st))
            .await
            .0,
        403
    );
    let (s, saved) = send(c.put(api("/calls/qa-vision")).json(&body), Some(&ent)).await;
    assert_eq!(s, 200, "{saved}");
    assert_eq!(saved["code"], "qa-vision", "the path names the call");
    // found by an attacker: a deadline in year 10000 was stored as RFC 3339 could not
    // read it back, and every call page answered 503 from then on
    let mut far = body.clone();
    far["deadline"] = json!("+10000-01-01T00:00:00Z");
    let (s, p) = send(c.put(api("/calls/qa-vision")).json(&far), Some(&ent)).await;
    // refused as the call's other rules are (422 naming the field)
    assert_eq!(s, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "deadline", "{p}");
    let (s, calls) = send(c.get(api("/calls")), Some(&ent)).await;
    assert_eq!(s, 200, "the calls still read: {calls}");
    let (s, p) = send(
        c.put(api("/calls/past-call")).json(&call_body(
            &enterprise,
            chrono::Utc::now() - chrono::Duration::hours(1),
        )),
        Some(&ent),
    )
    .await;
    assert_eq!(s, 200, "{p}");

    // applying: a draft, then files — a PNG and an oversized PDF refused with nothing stored
    let (s, a) = send(
        c.put(api("/calls/qa-vision/application"))
            .json(&json!({"answers": {"plan": "3-month pilot"}})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 200, "{a}");
    let id = a["id"].as_i64().unwrap();
    let file = api(&format!("/applications/{id}/files/deck"));
    let (s, p) = send(c.put(&file).body(PNG.to_vec()), Some(&st)).await;
    assert_eq!(s, 422, "{p}");
    assert!(p["detail"].as_str().unwrap().contains("image/png"));
    let (s, p) = send(c.put(&file).body([PDF, &[b' '; 2000]].concat()), Some(&st)).await;
    assert_eq!(s, 422);
    assert!(
        p["detail"].as_str().unwrap().contains("over the limit"),
        "{p}"
    );
    assert_eq!(send(c.get(&file), Some(&st)).await.0, 404, "nothing stored");
    assert_eq!(
        send(
            c.put(&file)
                .body(PDF.to_vec())
                .header("x-file-name", "deck.html"),
            Some(&st)
        )
        .await
        .0,
        204
    );
    let got = c
        .get(&file)
        .header("cookie", &st.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["content-type"], "application/pdf");
    // served under a name of the server's making, never the uploader's `.html`
    assert_eq!(
        got.headers()["content-disposition"],
        format!("attachment; filename=\"application-{id}-deck.pdf\"").as_str()
    );
    assert_eq!(got.headers()["x-content-type-options"], "nosniff");
    assert_eq!(got.headers()["cache-control"], "no-store");
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    let (s, a) = send(
        c.put(api("/calls/qa-vision/application"))
            .json(&json!({"answers": {"plan": "3-month pilot"}, "submit": true})),
        Some(&st),
    )
    .await;
    assert_eq!((s, a["status"].as_str()), (200, Some("submitted")), "{a}");
    // resubmitting the page's form with the required answer left empty is refused,
    // naming it, and leaves the submitted application exactly as it was
    let mine = || {
        let (c, st, url) = (c.clone(), st.clone(), api("/calls/qa-vision/applications"));
        async move { send(c.get(url), Some(&st)).await.1 }
    };
    let before = mine().await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", st.csrf.clone())
        .text("q_plan", "")
        .text("action", "submit");
    let page = c
        .post(format!("{base}/calls/qa-vision/apply"))
        .header("cookie", &st.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 409);
    assert!(page.text().await.unwrap().contains("plan"));
    let after = mine().await;
    assert_eq!(after, before);
    assert_eq!(after[0]["status"], "submitted");
    assert_eq!(after[0]["answers"]["plan"], "3-month pilot");
    // late: refused, naming the deadline
    let (s, p) = send(
        c.put(api("/calls/past-call/application"))
            .json(&json!({"answers": {"plan": "x"}})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 409);
    assert!(p["detail"].as_str().unwrap().contains("deadline"), "{p}");

    // two evaluators; the second declares a conflict with the startup before assignment
    for e in [&evl.email, &second.email] {
        assert_eq!(
            send(
                c.post(api("/calls/qa-vision/evaluators"))
                    .json(&json!({"email": e})),
                Some(&ent)
            )
            .await
            .0,
            204
        );
    }
    // a startup member cannot evaluate, and the refusal reads the same as for an
    // e-mail nobody has: it tells nothing about other people's accounts (issue 18, 17)
    let refusal = |email: String| {
        let c = c.clone();
        let (url, ent) = (api("/calls/qa-vision/evaluators"), ent.clone());
        async move {
            let (s, p) = send(c.post(url).json(&json!({ "email": email })), Some(&ent)).await;
            (s, p["detail"].as_str().unwrap().replace(&email, "E"))
        }
    };
    let member = refusal(stl.email.clone()).await;
    assert_eq!(member.0, 409);
    assert_eq!(member, refusal("nobody@api.kr".into()).await);
    assert!(!member.1.contains("startup-member"), "{}", member.1);
    assert_eq!(
        send(
            c.post(api("/conflicts"))
                .json(&json!({"startup_id": startup, "reason": "investor"})),
            Some(&judge2)
        )
        .await
        .0,
        204
    );
    assert_eq!(
        send(c.post(api("/calls/qa-vision/assign")), Some(&st))
            .await
            .0,
        403
    );
    let (s, n) = send(c.post(api("/calls/qa-vision/assign")), Some(&ent)).await;
    assert_eq!((s, n["assigned"].as_u64()), (200, Some(1)), "{n}");
    // the conflicted evaluator sees nothing of it, by any route
    let (_, mine) = send(c.get(api("/calls/qa-vision/reviews")), Some(&judge2)).await;
    assert_eq!(mine.as_array().unwrap().len(), 0);
    assert_eq!(send(c.get(&file), Some(&judge2)).await.0, 404);
    let sheet_page = |w: &Who| {
        c.get(format!("{base}/calls/qa-vision/reviews"))
            .header("cookie", &w.cookie)
            .send()
    };
    let page = sheet_page(&judge2).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("id=\"no-reviews\"") && !page.contains(&startup),
        "nor on the review page"
    );
    let page = sheet_page(&judge).await.unwrap().text().await.unwrap();
    assert!(
        page.contains(&format!("data-startup=\"{startup}\"")),
        "the unconflicted reviewer's sheet"
    );
    let (_, mine) = send(c.get(api("/calls/qa-vision/reviews")), Some(&judge)).await;
    let review = mine[0]["review"]["id"].as_i64().unwrap();
    assert_eq!(
        send(c.get(&file), Some(&judge)).await.0,
        200,
        "the assigned reviewer reads the deck"
    );
    let sheet = json!({"scores": {"technology": 5, "fit": 5, "team": 4, "business": 3}, "comment": "strong"});
    assert_eq!(
        send(
            c.post(api(&format!("/reviews/{review}"))).json(&sheet),
            Some(&judge2)
        )
        .await
        .0,
        404
    );
    let (s, r) = send(
        c.post(api(&format!("/reviews/{review}"))).json(&sheet),
        Some(&judge),
    )
    .await;
    assert_eq!(s, 200, "{r}");
    assert!(
        (r["weighted"].as_f64().unwrap() - 89.0).abs() < 1e-9,
        "35+30+12+12: {r}"
    );
    // blind while open: the organiser sees progress, not the mean
    let (_, open) = send(c.get(api("/calls/qa-vision/standings")), Some(&ent)).await;
    assert!(
        open[0]["mean"].is_null() && open[0]["submitted"] == 1,
        "{open}"
    );
    assert!(
        open[0].get("rank").is_none(),
        "no score-based rank while open: {open}"
    );
    assert_eq!(
        send(c.get(api("/calls/qa-vision/standings")), Some(&judge))
            .await
            .0,
        403
    );
    let (s, p) = send(
        c.post(api("/calls/qa-vision/decide"))
            .json(&json!({"top": 1})),
        Some(&ent),
    )
    .await;
    assert_eq!(s, 409, "decide only after closing: {p}");
    assert_eq!(
        send(c.post(api("/calls/qa-vision/stage/close")), Some(&ent))
            .await
            .0,
        204
    );
    let (_, closed) = send(c.get(api("/calls/qa-vision/standings")), Some(&ent)).await;
    assert!((closed[0]["mean"].as_f64().unwrap() - 89.0).abs() < 1e-9);
    assert_eq!(
        send(
            c.post(api(&format!("/reviews/{review}"))).json(&sheet),
            Some(&judge)
        )
        .await
        .0,
        409,
        "closed"
    );
    let (s, d) = send(
        c.post(api("/calls/qa-vision/decide"))
            .json(&json!({"top": 1})),
        Some(&ent),
    )
    .await;
    assert_eq!((s, d["advanced"].as_u64()), (200, Some(1)), "{d}");
    let (_, inbox) = send(c.get(api("/inbox")), Some(&st)).await;
    assert!(
        inbox
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "stage.result"),
        "{inbox}"
    );
    assert_eq!(send(c.post(api("/inbox/read")), Some(&st)).await.0, 204);
    let (_, read) = send(c.get(api("/inbox")), Some(&st)).await;
    assert!(read.as_array().unwrap().iter().all(|n| n["read"] == true));
    // bottom-up: a startup proposes without a call; the enterprise routes it to a need
    let (s, p) = send(
        c.post(api("/proposals")).json(&json!({"enterprise_id": enterprise, "proposal": "We halve your QA time with on-edge vision."})),
        Some(&st),
    )
    .await;
    assert_eq!(s, 201, "{p}");
    let pid = p["id"].as_i64().unwrap();
    let intake = p["call"].as_str().unwrap().to_string();
    let page = c
        .get(format!("{base}/calls/{intake}"))
        .header("cookie", &ent.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"proposals\""),
        "the intake lists the proposal"
    );
    let need = app
        .discovery()
        .needs_of(&domain::EnterpriseId::from(enterprise.as_str()))
        .await
        .unwrap()[0]
        .id
        .clone();
    let route = api(&format!("/applications/{pid}/route"));
    assert_eq!(
        send(c.post(&route).json(&json!({"need_id": need})), Some(&judge))
            .await
            .0,
        404
    );
    let (s, r) = send(c.post(&route).json(&json!({"need_id": need})), Some(&ent)).await;
    assert_eq!((s, r["status"].as_str()), (200, Some("selected")), "{r}");
    let (s, _) = send(c.post(&route).json(&json!({"need_id": null})), Some(&ent)).await;
    assert_eq!(s, 409, "decided once");
    // bad input is a 4xx problem
    for (rq, want) in [
        (c.post(api("/calls/qa-vision/stage/explode")), 400),
        (c.post(api("/reviews/999999")).json(&sheet), 404),
        (
            c.put(api("/calls/qa-vision/application"))
                .body("{oops")
                .header("content-type", "application/json"),
            400,
        ),
    ] {
        let (s, p) = send(rq, Some(&st)).await;
        assert_eq!(s, want, "{p}");
        assert!(p["type"].is_string());
    }
}
