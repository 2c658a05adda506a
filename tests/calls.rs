//! Open calls end to end in the app (the API and pages call the same code): the form,
//! attachments checked and nothing stored when refused, the deadline, conflicts kept
//! out of sight, even review assignment, blind scores, the ranking against a hand
//! computation, advancing with and without overrides, and the inbox and its mail.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use app::App;
use chrono::{Duration, Utc};
use domain::screening::{AttachmentSpec, Call, Question, Rubric, default_stages};
use domain::{CallApplicationStatus, Language, Role, Track, User};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn user(email: &str, role: Role) -> User {
    User {
        email: email.into(),
        display_name: email.into(),
        role,
        enterprise_id: None,
        startup_id: None,
        center_code: None,
        language: Language::Ko,
    }
}

async fn setup() -> (App, tempfile::TempDir, User, Vec<User>, Vec<User>, Call) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&store::testing::fresh_database(dir.path(), "calls.db"))
        .await
        .unwrap();
    demo::fill(&app, 4, &|_| {}).await.unwrap();
    let enterprises = app.store().records().enterprises().await.unwrap();
    let ent = &enterprises[3];
    let need = app.discovery().needs_of(&ent.id).await.unwrap().remove(0);
    let owner = User {
        enterprise_id: Some(ent.id.clone()),
        ..user("owner@calls.kr", Role::EnterpriseMember)
    };
    app.accounts()
        .add_user(&app::Operator::named("test"), &owner, "calls-password-1")
        .await
        .unwrap();
    let startups = app.store().records().startups().await.unwrap();
    let mut founders = Vec::new();
    for (i, s) in startups.iter().skip(10).take(4).enumerate() {
        let u = User {
            startup_id: Some(s.id.clone()),
            language: if i == 0 { Language::En } else { Language::Ko },
            ..user(&format!("founder{i}@calls.kr"), Role::StartupMember)
        };
        app.accounts()
            .add_user(&app::Operator::named("test"), &u, "calls-password-1")
            .await
            .unwrap();
        founders.push(u);
    }
    let mut evaluators = Vec::new();
    for i in 0..3 {
        let u = user(&format!("judge{i}@calls.kr"), Role::Evaluator);
        app.accounts()
            .add_user(&app::Operator::named("test"), &u, "calls-password-1")
            .await
            .unwrap();
        evaluators.push(u);
    }
    let call = Call {
        code: "ev-battery".into(),
        track: Track::TopDown,
        need_id: Some(need.id.clone()),
        enterprise_id: Some(ent.id.clone()),
        enterprises: vec![],
        title: "EV battery recycling PoC".into(),
        description: None,
        deadline: Utc::now() + Duration::days(3),
        questions: vec![Question {
            key: "plan".into(),
            ko: "PoC 계획".into(),
            en: "PoC plan".into(),
            required: true,
        }],
        attachments: vec![AttachmentSpec {
            key: "deck".into(),
            ko: "피치덱".into(),
            en: "Pitch deck".into(),
            required: true,
            types: vec!["application/pdf".into()],
            max_bytes: 2_000,
        }],
        rubric: Rubric::default(),
        stages: default_stages()[..2].to_vec(),
        stage: 0,
        stage_open: true,
        reviews_per_application: 2,
    };
    app.calls().save(&owner, &call).await.unwrap();
    (app, dir, owner, founders, evaluators, call)
}

/// Data rows of a sheet of an XLSX workbook.
fn sheet_rows(book: &[u8], sheet: &str) -> usize {
    use calamine::Reader;
    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(book.to_vec())).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.height().saturating_sub(1)
}

fn answers(plan: &str) -> BTreeMap<String, String> {
    [("plan".to_string(), plan.to_string())]
        .into_iter()
        .collect()
}

fn sheet(t: u32, f: u32, m: u32, b: u32) -> BTreeMap<String, u32> {
    [("technology", t), ("fit", f), ("team", m), ("business", b)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

#[tokio::test]
async fn an_open_call_from_application_to_selection() {
    let (app, _dir, owner, founders, judges, call) = setup().await;
    let now = Utc::now();
    let code = call.code.clone();

    // only its enterprise (or the program office) runs the call
    let stranger = User {
        enterprise_id: Some(
            app.store().records().enterprises().await.unwrap()[0]
                .id
                .clone(),
        ),
        ..user("stranger@calls.kr", Role::EnterpriseMember)
    };
    assert!(matches!(
        app.calls().save(&stranger, &call).await,
        Err(app::AppError::Forbidden(_))
    ));

    // a draft, a refused submission, refused files (nothing stored), then a submission
    let f0 = &founders[0];
    let draft = app
        .calls()
        .save_application(f0, &code, answers(""), false, now)
        .await
        .unwrap();
    assert_eq!(draft.status, CallApplicationStatus::Draft);
    let e = app
        .calls()
        .save_application(f0, &code, answers("pilot at two plants"), true, now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("deck"), "{e}");
    let e = app
        .calls()
        .attach(f0, draft.id, "deck", "deck.png", PNG, now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("image/png"), "{e}");
    let big = [PDF, &[b' '; 3000]].concat();
    let e = app
        .calls()
        .attach(f0, draft.id, "deck", "deck.pdf", &big, now)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("over the limit"), "{e}");
    assert!(
        app.store()
            .calls()
            .attachment(draft.id, "deck")
            .await
            .unwrap()
            .is_none(),
        "nothing stored"
    );
    app.calls()
        .attach(f0, draft.id, "deck", "deck.pdf", PDF, now)
        .await
        .unwrap();
    let sent = app
        .calls()
        .save_application(f0, &code, answers("pilot at two plants"), true, now)
        .await
        .unwrap();
    assert_eq!(
        (sent.status, sent.attached.clone()),
        (CallApplicationStatus::Submitted, vec!["deck".to_string()])
    );
    // another startup's member cannot touch it
    assert!(matches!(
        app.calls()
            .attach(&founders[1], draft.id, "deck", "x.pdf", PDF, now)
            .await,
        Err(app::AppError::NotFound(_))
    ));
    for f in &founders[1..] {
        let a = app
            .calls()
            .save_application(f, &code, answers("a plan"), false, now)
            .await
            .unwrap();
        app.calls()
            .attach(f, a.id, "deck", "deck.pdf", PDF, now)
            .await
            .unwrap();
        app.calls()
            .save_application(f, &code, answers("a plan"), true, now)
            .await
            .unwrap();
    }
    // after the deadline nothing is accepted, and the message says when it was
    let late = app
        .calls()
        .save_application(
            f0,
            &code,
            answers("x"),
            true,
            call.deadline + Duration::minutes(1),
        )
        .await
        .unwrap_err();
    assert!(
        late.to_string()
            .contains(&call.deadline.format("%Y-%m-%d %H:%M").to_string()),
        "{late}"
    );

    // evaluators: judge1 has a conflict with the first startup
    for j in &judges {
        app.calls()
            .add_evaluator(&owner, &code, &j.email)
            .await
            .unwrap();
    }
    assert!(
        app.calls()
            .add_evaluator(&owner, &code, &founders[2].email)
            .await
            .is_err(),
        "a startup does not judge"
    );
    let conflicted = f0.startup_id.clone().unwrap();
    app.calls()
        .declare_conflict(&judges[1], &conflicted, Some("former adviser"))
        .await
        .unwrap();
    let assigned = app.calls().assign_stage(&owner, &code).await.unwrap();
    assert_eq!(assigned, 8, "four applications, two reviews each");
    let mut loads = Vec::new();
    for j in &judges {
        let mine = app.calls().my_reviews(j, &code).await.unwrap();
        loads.push(mine.len());
        for m in &mine {
            assert_eq!(m.review.evaluator, j.email, "only one's own reviews");
        }
    }
    assert!(
        loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
        "{loads:?}"
    );
    let j1 = app.calls().my_reviews(&judges[1], &code).await.unwrap();
    assert!(
        j1.iter().all(|m| m.application.startup_id != conflicted),
        "the conflict is never shown"
    );
    assert!(matches!(
        app.calls().attachment(&judges[1], sent.id, "deck").await,
        Err(app::AppError::NotFound(_))
    ));

    // scores: each application's reviews, chosen so the means are known
    let wanted = [
        (76.0, sheet(5, 4, 3, 2)),
        (60.0, sheet(3, 3, 3, 3)),
        (93.0, sheet(4, 5, 5, 5)),
        (40.0, sheet(2, 2, 2, 2)),
    ];
    let apps = app.calls().applications(&owner, &code).await.unwrap();
    let mut expected = BTreeMap::new();
    for (i, a) in apps.iter().enumerate() {
        let (score, s) = &wanted[i];
        expected.insert(a.id, *score);
        for j in &judges {
            if let Some(m) = app
                .calls()
                .my_reviews(j, &code)
                .await
                .unwrap()
                .into_iter()
                .find(|m| m.application.id == a.id)
            {
                // a reviewer sees none of the others' scores while the stage is open
                let standings = app.calls().standings(&owner, &code).await.unwrap();
                assert!(
                    standings.iter().all(|s| s.standing.mean.is_none()),
                    "blind until closed"
                );
                app.calls()
                    .submit_review(j, m.review.id, s.clone(), Some("ok"))
                    .await
                    .unwrap();
            }
        }
    }
    let bad = app
        .calls()
        .submit_review(&judges[0], 1.into(), sheet(9, 1, 1, 1), None)
        .await;
    assert!(bad.is_err());
    // every score is in, the stage still open: nothing derived from the scores shows —
    // no mean, no rank, and the order is the applications' own, not the scores'
    let blind = app.calls().standings(&owner, &code).await.unwrap();
    assert!(
        blind
            .iter()
            .all(|s| s.standing.mean.is_none() && s.standing.rank.is_none()),
        "{blind:?}"
    );
    let order: Vec<domain::ApplicationId> = blind.iter().map(|s| s.standing.application).collect();
    let mut by_id = order.clone();
    by_id.sort_unstable();
    assert_eq!(order, by_id, "ordered by application, not by score");
    // the organiser's workbook holds no scores while the stage is open
    let open_book = app.calls().workbook(&owner, &code).await.unwrap();
    assert_eq!(sheet_rows(&open_book, "scores"), 0, "blind in files too");
    assert!(
        app.calls().workbook(&judges[0], &code).await.is_err(),
        "the organiser's only"
    );
    // the organiser closes the stage: now the ranking shows, best mean first
    app.calls()
        .set_stage_open(&owner, &code, false)
        .await
        .unwrap();
    let standings = app.calls().standings(&owner, &code).await.unwrap();
    let order: Vec<f64> = standings.iter().map(|s| s.standing.mean.unwrap()).collect();
    let mut want: Vec<f64> = expected.values().copied().collect();
    want.sort_by(|a, b| b.total_cmp(a));
    for (got, w) in order.iter().zip(&want) {
        assert!((got - w).abs() < 1e-9, "{order:?} vs {want:?}");
    }
    assert!(
        app.calls()
            .submit_review(&judges[0], 1.into(), sheet(1, 1, 1, 1), None)
            .await
            .is_err(),
        "closed"
    );

    // advance the top two; an override needs a reason
    let last = standings.last().unwrap().standing.application;
    let e = app
        .calls()
        .decide_stage(&owner, &code, 2, &[(last, true, " ".into())])
        .await
        .unwrap_err();
    assert!(e.to_string().contains("reason"));
    let advanced = app
        .calls()
        .decide_stage(
            &owner,
            &code,
            2,
            &[(last, true, "strategic fit with the plant".into())],
        )
        .await
        .unwrap();
    assert_eq!(advanced, 3);
    let after = app.calls().applications(&owner, &code).await.unwrap();
    let top = standings[0].standing.application;
    let third = standings[2].standing.application;
    let status = |id: domain::ApplicationId| after.iter().find(|a| a.id == id).unwrap().clone();
    assert_eq!(
        (status(top).stage, status(top).status),
        (1, CallApplicationStatus::Submitted)
    );
    assert_eq!(status(third).status, CallApplicationStatus::NotAdvanced);
    assert_eq!(status(last).stage, 1, "the override advanced it");
    assert_eq!(
        app.calls().get(&code).await.unwrap().stage,
        1,
        "the call moved to the next stage"
    );
    let book = app.calls().workbook(&owner, &code).await.unwrap();
    assert_eq!(sheet_rows(&book, "applications"), 4);
    assert_eq!(
        sheet_rows(&book, "scores"),
        8,
        "each evaluator's score of the closed stage"
    );
    assert_eq!(sheet_rows(&book, "stage results"), 4);
    let (program, calls) = app.calls().funnels().await.unwrap();
    let f = calls.iter().find(|f| f.call == code).unwrap();
    let counts: Vec<u64> = f.steps.iter().map(|s| s.count).collect();
    assert_eq!(
        &counts[..2],
        &[4, 3],
        "applied, reached the meeting stage: {:?}",
        f.steps
    );
    let names: std::collections::HashSet<&str> = f.steps.iter().map(|s| s.ko.as_str()).collect();
    assert_eq!(
        names.len(),
        f.steps.len(),
        "each step its own name: {:?}",
        f.steps
    );
    assert_eq!(
        program.steps[0].count,
        calls.iter().map(|f| f.steps[0].count).sum::<u64>(),
        "the program's applied sums the calls'"
    );

    // every startup heard its result; the first founder reads English
    let inbox = app.inbox().list(f0).await.unwrap();
    assert!(inbox.iter().any(|n| n.kind == "stage.result"), "{inbox:?}");
    assert!(inbox.iter().any(|n| n.kind == "application.submitted"));
    let stub = lettre::transport::stub::AsyncStubTransport::new_ok();
    let from = "program@innobridge.example".parse().unwrap();
    let retry = app::mail::MailRetry::default();
    let deliver = || app.deliver_mail(&stub, &from, &retry, Utc::now());
    let sent = deliver().await.unwrap().sent;
    assert!(sent >= 8, "{sent}");
    let mails = stub.messages().await;
    let to_f0: Vec<&String> = mails
        .iter()
        .filter(|(env, _)| env.to().iter().any(|a| a.to_string() == f0.email))
        .map(|(_, m)| m)
        .collect();
    assert!(
        to_f0
            .iter()
            .any(|m| m.contains("did not go past") || m.contains("You passed")),
        "English for an English reader"
    );
    assert_eq!(deliver().await.unwrap().sent, 0, "each mail once");
}

#[tokio::test]
async fn bottom_up_proposals_and_finalists_become_matches_that_know_their_track() {
    let (app, _dir, owner, founders, judges, mut call) = setup().await;
    let now = Utc::now();
    let enterprise = owner.enterprise_id.clone().unwrap();
    // a startup proposes without a call; the enterprise routes it to a need
    let short = app
        .calls()
        .propose(&founders[0], &enterprise, "hi", now)
        .await
        .unwrap_err();
    assert!(short.to_string().contains("proposal"));
    let p = app
        .calls()
        .propose(
            &founders[0],
            &enterprise,
            "Our vision AI finds weld defects on your line in real time.",
            now,
        )
        .await
        .unwrap();
    assert!(p.call.starts_with("intake-"));
    let intake = app.calls().get(&p.call).await.unwrap();
    assert_eq!(intake.track, Track::BottomUp);
    assert!(
        app.inbox()
            .list(&owner)
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "proposal.received"),
        "the enterprise hears of it"
    );
    let need = call.need_id.clone().unwrap();
    assert!(matches!(
        app.calls()
            .route_proposal(&founders[1], p.id, Some(&need))
            .await,
        Err(app::AppError::NotFound(_))
    ));
    let routed = app
        .calls()
        .route_proposal(&owner, p.id, Some(&need))
        .await
        .unwrap();
    assert_eq!(routed.status, CallApplicationStatus::Selected);
    let startup = founders[0].startup_id.clone().unwrap();
    let m = app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            startup: Some(startup.to_string().into()),
            need: Some(need.to_string().into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(m[0].status, domain::MatchStatus::AcceptedByEnterprise);
    // the startup accepts: an accepted bottom-up match, counted by track
    app.pipeline()
        .act_on_match(
            &founders[0],
            &startup,
            &need,
            domain::match_state::Action::Accept,
            None,
        )
        .await
        .unwrap();
    let b = app.kpi().breakdowns().await.unwrap();
    assert!(
        b.by_track
            .iter()
            .any(|t| t.code == "bottom-up" && t.count >= 1),
        "{:?}",
        b.by_track
    );
    // another proposal is declined, and the startup hears so
    let q = app
        .calls()
        .propose(
            &founders[1],
            &enterprise,
            "A digital twin of your paint shop to cut energy use by a tenth.",
            now,
        )
        .await
        .unwrap();
    app.calls()
        .route_proposal(&owner, q.id, None)
        .await
        .unwrap();
    assert!(
        app.inbox()
            .list(&founders[1])
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "proposal.declined")
    );

    // a one-stage call: its finalist goes straight into the pipeline
    call.code = "one-stage".into();
    let one_stage = call.code.clone();
    call.stages.truncate(1);
    call.reviews_per_application = 1;
    app.calls().save(&owner, &call).await.unwrap();
    let f = &founders[2];
    let a = app
        .calls()
        .save_application(f, &one_stage, answers("plan"), false, now)
        .await
        .unwrap();
    app.calls()
        .attach(f, a.id, "deck", "deck.pdf", PDF, now)
        .await
        .unwrap();
    app.calls()
        .save_application(f, &one_stage, answers("plan"), true, now)
        .await
        .unwrap();
    app.calls()
        .add_evaluator(&owner, &one_stage, &judges[0].email)
        .await
        .unwrap();
    app.calls().assign_stage(&owner, &one_stage).await.unwrap();
    let r = app
        .calls()
        .my_reviews(&judges[0], &one_stage)
        .await
        .unwrap()
        .remove(0);
    app.calls()
        .submit_review(&judges[0], r.review.id, sheet(4, 4, 4, 4), None)
        .await
        .unwrap();
    app.calls()
        .set_stage_open(&owner, &one_stage, false)
        .await
        .unwrap();
    assert_eq!(
        app.calls()
            .decide_stage(&owner, &one_stage, 1, &[])
            .await
            .unwrap(),
        1
    );
    let finalist = app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            startup: f.startup_id.clone(),
            need: Some(need),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        finalist[0].status,
        domain::MatchStatus::Accepted,
        "selected: both sides agreed"
    );
    assert_eq!(
        app.calls().applications(&owner, &one_stage).await.unwrap()[0].status,
        CallApplicationStatus::Selected
    );
}

#[tokio::test]
async fn a_save_changes_only_what_it_carries_and_a_refused_one_nothing() {
    let (app, _dir, owner, founders, _judges, mut call) = setup().await;
    let now = Utc::now();
    call.code = "two-questions".into();
    call.questions.push(Question {
        key: "team".into(),
        ko: "팀".into(),
        en: "Team".into(),
        required: false,
    });
    app.calls().save(&owner, &call).await.unwrap();
    let code = call.code.clone();
    let f = &founders[0];
    let both: BTreeMap<String, String> = [("plan", "Pilot in Q3"), ("team", "Three engineers")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let a = app
        .calls()
        .save_application(f, &code, both, false, now)
        .await
        .unwrap();
    app.calls()
        .attach(f, a.id, "deck", "deck.pdf", PDF, now)
        .await
        .unwrap();
    let submitted = app
        .calls()
        .save_application(f, &code, BTreeMap::new(), true, now)
        .await
        .unwrap();
    assert_eq!(submitted.status, CallApplicationStatus::Submitted);
    assert_eq!(
        submitted.answers["plan"], "Pilot in Q3",
        "kept when not sent"
    );
    // resubmitting with the required answer left empty: refused, naming it, and the
    // stored application is exactly as it was — as a submission or as a draft save
    for submit in [true, false] {
        let err = app
            .calls()
            .save_application(f, &code, answers(""), submit, now)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, app::AppError::Conflict(m) if m.starts_with("plan:")),
            "{err}"
        );
        let stored = app.calls().applications(f, &code).await.unwrap().remove(0);
        assert_eq!(stored, submitted, "submit: {submit}");
    }
    // a refused file refuses the whole save: the answer sent with it is not written
    let refused = app
        .calls()
        .save_application_with_files(
            f,
            &code,
            answers("A new plan"),
            &[app::calls::NewAttachment {
                key: "deck",
                file_name: "deck.png",
                bytes: PNG,
            }],
            true,
            now,
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(
        app.calls().applications(f, &code).await.unwrap().remove(0),
        submitted
    );
    // a save with one answer changes that one only, and the application stays submitted
    let team: BTreeMap<String, String> = [("team".to_string(), "Five engineers".to_string())]
        .into_iter()
        .collect();
    let saved = app
        .calls()
        .save_application(f, &code, team, false, now)
        .await
        .unwrap();
    assert_eq!(saved.status, CallApplicationStatus::Submitted);
    assert_eq!(saved.answers["plan"], "Pilot in Q3");
    assert_eq!(saved.answers["team"], "Five engineers");
    assert_eq!(saved.attached, vec!["deck".to_string()]);
}

#[tokio::test]
async fn intake_codes_are_the_servers_and_proposals_reach_the_addressed_enterprise() {
    let (app, _dir, squatter, founders, _judges, call) = setup().await;
    let now = Utc::now();
    let own = squatter.enterprise_id.clone().unwrap();
    // an enterprise no startup has proposed to yet: it has no intake call
    let mut victim = None;
    for e in app.store().records().enterprises().await.unwrap() {
        let code = format!("intake-{}", e.id.to_lowercase());
        if e.id != own && app.store().calls().call(&code).await.unwrap().is_none() {
            victim = Some(e.id);
            break;
        }
    }
    let victim = victim.unwrap();
    let squat_code = format!("intake-{}", victim.to_lowercase());
    let squat = Call {
        code: squat_code.clone().into(),
        track: Track::BottomUp,
        need_id: None,
        ..call.clone()
    };
    // an enterprise member may not take the victim's intake code, for itself or for them
    assert!(matches!(
        app.calls().save(&squatter, &squat).await,
        Err(app::AppError::Conflict(m)) if m.contains("reserved")
    ));
    // nor a look-alike that differs in case only
    let look_alike = Call {
        code: format!("Intake-{}", victim.to_lowercase()).into(),
        ..squat.clone()
    };
    assert!(matches!(
        app.calls().save(&squatter, &look_alike).await,
        Err(app::AppError::Conflict(m)) if m.contains("reserved")
    ));
    let as_victim = Call {
        enterprise_id: Some(victim.to_string().into()),
        ..squat.clone()
    };
    assert!(matches!(
        app.calls().save(&squatter, &as_victim).await,
        Err(app::AppError::Forbidden(_))
    ));
    // nor an on-demand call (which names other enterprises), nor any intake code, nor
    // a stage the call does not have
    let on_demand = Call {
        code: "for-everyone".into(),
        track: Track::OnDemand,
        enterprises: vec![victim.to_string()],
        ..call.clone()
    };
    assert!(matches!(
        app.calls().save(&squatter, &on_demand).await,
        Err(app::AppError::Forbidden(_))
    ));
    let mine = Call {
        code: "intake-mine".into(),
        ..squat.clone()
    };
    assert!(app.calls().save(&squatter, &mine).await.is_err());
    let far = Call {
        code: "far-stage".into(),
        stage: 99,
        ..call.clone()
    };
    assert!(matches!(
        app.calls().save(&squatter, &far).await,
        Err(app::AppError::InvalidFields(e)) if e[0].field == "stage"
    ));
    // a squatted call saved before the codes were reserved gets nothing
    app.store().calls().save_call(&squat, "old").await.unwrap();
    let p = app
        .calls()
        .propose(
            &founders[0],
            &victim,
            "Our vision AI finds weld defects on your line in real time.",
            now,
        )
        .await
        .unwrap();
    assert_ne!(p.call, squat_code);
    let intake = app.calls().get(&p.call).await.unwrap();
    assert_eq!(intake.enterprise_id.as_deref(), Some(victim.as_str()));
    assert_eq!(intake.track, Track::BottomUp);
    assert!(
        app.calls()
            .applications(&squatter, &domain::CallCode::from(squat_code.as_str()))
            .await
            .unwrap()
            .is_empty(),
        "the squatter reads no proposal"
    );
    assert!(matches!(
        app.calls().route_proposal(&squatter, p.id, None).await,
        Err(app::AppError::NotFound(_))
    ));
    // the next proposal lands in the same, rightful intake
    let q = app
        .calls()
        .propose(
            &founders[1],
            &victim,
            "A digital twin of your paint shop to cut energy use by a tenth.",
            now,
        )
        .await
        .unwrap();
    assert_eq!(q.call, p.call);
}

#[tokio::test]
async fn proposals_answers_schedules_and_deadlines_reach_inboxes() {
    let (app, _dir, _owner, founders, _judges, call) = setup().await;
    // a round's proposals: both parties' members hear how many they have
    app.rounds()
        .run(
            &app::Operator::named("test"),
            "r-notify",
            &Default::default(),
            false,
        )
        .await
        .unwrap();
    let m = app
        .store()
        .pipeline()
        .matches_where(&app::MatchFilter {
            round: Some("r-notify".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0);
    let founder = User {
        startup_id: Some(m.startup_id.clone()),
        ..user("proposed@calls.kr", Role::StartupMember)
    };
    let member = User {
        enterprise_id: Some(m.enterprise_id.clone()),
        ..user("proposer@calls.kr", Role::EnterpriseMember)
    };
    for u in [&founder, &member] {
        app.accounts()
            .add_user(&app::Operator::named("test"), u, "calls-password-1")
            .await
            .unwrap();
    }
    app.rounds()
        .publish(&app::Operator::named("test"), "r-notify")
        .await
        .unwrap();
    for u in [&founder, &member] {
        let inbox = app.inbox().list(u).await.unwrap();
        assert!(
            inbox.iter().any(|n| n.kind == "round.proposals"),
            "{}: {inbox:?}",
            u.email
        );
    }
    // the enterprise accepts: the startup hears it
    app.pipeline()
        .act_on_match(
            &member,
            &m.startup_id,
            &m.need_id,
            domain::match_state::Action::Accept,
            None,
        )
        .await
        .unwrap();
    let inbox = app.inbox().list(&founder).await.unwrap();
    assert!(
        inbox
            .iter()
            .any(|n| n.kind == "match.moved" && n.text_en.contains("accepted")),
        "{inbox:?}"
    );
    // a scheduled meeting: both hear their agenda is ready
    let ev = "forum-2026";
    app.forum()
        .register(&founder, &domain::EventCode::from(ev), None)
        .await
        .unwrap();
    app.forum()
        .register(&member, &domain::EventCode::from(ev), None)
        .await
        .unwrap();
    let id = app
        .forum()
        .request_meeting(
            &founder,
            &domain::EventCode::from(ev),
            &m.enterprise_id,
            None,
        )
        .await
        .unwrap();
    app.forum()
        .answer_meeting(&member, id, domain::RequestStatus::Accepted)
        .await
        .unwrap();
    app.forum()
        .schedule(&app::Operator::named("test"), &domain::EventCode::from(ev))
        .await
        .unwrap();
    for u in [&founder, &member] {
        assert!(
            app.inbox()
                .list(u)
                .await
                .unwrap()
                .iter()
                .any(|n| n.kind == "meeting.scheduled")
        );
    }
    // a draft of a call closing within three days is reminded once
    let f = &founders[3];
    app.calls()
        .save_application(f, &call.code, answers("half done"), false, Utc::now())
        .await
        .unwrap();
    let soon = call.deadline - Duration::hours(48);
    assert_eq!(
        app.calls()
            .remind_deadlines(soon, Duration::hours(72))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.calls()
            .remind_deadlines(soon, Duration::hours(72))
            .await
            .unwrap(),
        0,
        "once"
    );
    assert_eq!(
        app.calls()
            .remind_deadlines(soon - Duration::days(30), Duration::hours(72))
            .await
            .unwrap(),
        0,
        "not yet"
    );
    assert!(
        app.inbox()
            .list(f)
            .await
            .unwrap()
            .iter()
            .any(|n| n.kind == "call.deadline")
    );
}
