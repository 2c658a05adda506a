//! The demo's open calls, played through the app's use cases by the demo's accounts:
//! a top-down call of the demo enterprise whose document review is decided and whose
//! meetings are being scored, an on-demand call of the program office still taking
//! applications, and bottom-up proposals to the demo enterprise (one routed to a need).

use std::collections::BTreeMap;

use app::snapshot::Program;
use app::{App, Result};
use chrono::{DateTime, Utc};
use domain::screening::{AttachmentSpec, Call, Question, Rubric, default_stages};
use domain::{Language, Role, Startup, Track, User};

use crate::generate::{AS_OF, Gen, date};

/// Plays the calls over the loaded program `p` with the demo's accounts (`staff`); the
/// draws come from `seed` but not from the program's generator, so the program stays
/// the same for a seed whatever the calls do.
pub(crate) async fn play(app: &App, seed: u64, p: &Program, staff: &[User]) -> Result<()> {
    let by_role = |r: Role| staff.iter().find(|u| u.role == r);
    let (Some(pm), Some(ent), Some(judge)) = (
        by_role(Role::Admin),
        by_role(Role::EnterpriseMember),
        by_role(Role::Evaluator),
    ) else {
        return Ok(());
    };
    let Some(enterprise) = ent.enterprise_id.clone() else {
        return Ok(());
    };
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed ^ 0xca11),
    };
    let needs = app.discovery().needs_of(&enterprise).await?;
    let others: Vec<String> = p
        .enterprises
        .iter()
        .filter(|e| e.id != enterprise)
        .take(3)
        .map(|e| e.id.to_string())
        .collect();
    let at = |(y, m, d): (i32, u32, u32), h, min, s| -> DateTime<Utc> {
        date(y, m, d)
            .and_hms_opt(h, min, s)
            .expect("valid")
            .and_utc()
    };
    let deadline = |y, m, d| at((y, m, d), 14, 59, 59);
    let deck = AttachmentSpec {
        key: "deck".into(),
        ko: "피치덱 (PDF)".into(),
        en: "Pitch deck (PDF)".into(),
        required: false,
        types: vec!["application/pdf".into()],
        max_bytes: 10 * 1024 * 1024,
    };
    let question = |key: &str, ko: &str, en: &str| Question {
        key: key.into(),
        ko: ko.into(),
        en: en.into(),
        required: true,
    };
    let top_down = Call {
        code: format!("poc-{}", AS_OF.0 + 1).into(),
        track: Track::TopDown,
        need_id: needs.first().map(|n| n.id.to_string()).map(Into::into),
        enterprise_id: Some(enterprise.clone()),
        enterprises: vec![],
        title: needs
            .first()
            .map_or("PoC 공모".into(), |n| format!("{} — PoC 공모", n.title)),
        description: Some(
            "서류 심사 → 대면 미팅 → 피칭 → 최종 심사 / documents → meeting → pitch → finalist"
                .into(),
        ),
        deadline: deadline(AS_OF.0, 11, 30),
        questions: vec![
            question("plan", "PoC 계획", "PoC plan"),
            question("team", "팀 소개", "Team"),
        ],
        attachments: vec![deck.clone()],
        rubric: Rubric::default(),
        stages: default_stages(),
        stage: 0,
        stage_open: true,
        reviews_per_application: 2,
    };
    let on_demand = Call {
        code: format!("on-demand-{}", AS_OF.0 + 1).into(),
        track: Track::OnDemand,
        need_id: None,
        enterprise_id: None,
        enterprises: others,
        title: "탄소중립 기술 수요 맞춤 공모 / Net-zero technology call".into(),
        description: Some("프로그램 사무국이 참여 기업들을 대신해 운영합니다 / run by the program office for several enterprises".into()),
        deadline: deadline(AS_OF.0 + 2, 6, 30),
        questions: vec![question("plan", "협력 계획", "Collaboration plan")],
        attachments: vec![deck],
        rubric: Rubric::default(),
        stages: default_stages(),
        stage: 0,
        stage_open: true,
        reviews_per_application: 2,
    };
    for c in [&top_down, &on_demand] {
        app.calls().save(pm, c).await?;
        for u in [pm, judge] {
            app.calls().add_evaluator(pm, &c.code, &u.email).await?;
        }
    }
    let applicants = g.sample(&p.startups, 20);
    let answers = |s: &Startup| -> BTreeMap<String, String> {
        [
            (
                "plan".to_string(),
                format!(
                    "{}: 3개월 PoC, 2개 현장 / a 3-month PoC at two sites",
                    s.name
                ),
            ),
            (
                "team".to_string(),
                format!(
                    "{}명 팀 / a team of {}",
                    s.employees.unwrap_or(5),
                    s.employees.unwrap_or(5)
                ),
            ),
        ]
        .into_iter()
        .collect()
    };
    // the applications came in the month before the top-down call's deadline
    let applied = at((AS_OF.0, 11, 3), 9, 0, 0);
    for s in &applicants[..12] {
        app.calls()
            .save_application(&founder(s), &top_down.code, answers(s), true, applied)
            .await?;
    }
    for s in &applicants[12..18] {
        let mut a = answers(s);
        a.remove("team");
        app.calls()
            .save_application(&founder(s), &on_demand.code, a, true, applied)
            .await?;
    }
    // the top-down call's document review is scored, closed and decided (the best five
    // advance); half of its meetings are scored so far
    let rubric = Rubric::default();
    for (stage, share) in [(0usize, 1.0), (1, 0.5)] {
        app.calls().assign_stage(pm, &top_down.code).await?;
        // each application's reviews in the order they were assigned
        let mut reviews = Vec::new();
        for u in [pm, judge] {
            for a in app.calls().my_reviews(u, &top_down.code).await? {
                reviews.push((u, a.review));
            }
        }
        reviews.sort_by_key(|(_, r)| (r.application, r.id));
        for (evaluator, r) in reviews {
            if !g.chance(share) {
                continue;
            }
            let sheet: BTreeMap<String, u32> = rubric
                .criteria
                .iter()
                .map(|c| (c.key.clone(), g.rng.u32(1..=c.max)))
                .collect();
            app.calls()
                .submit_review(evaluator, r.id, sheet, Some("demo"))
                .await?;
        }
        if stage == 0 {
            app.calls()
                .set_stage_open(pm, &top_down.code, false)
                .await?;
            app.calls().decide_stage(pm, &top_down.code, 5, &[]).await?;
        }
    }
    // bottom-up proposals to the demo enterprise, one routed to its second need
    let now = at(AS_OF, 9, 0, 0);
    for (i, s) in applicants[18..].iter().enumerate() {
        let a = app
            .calls().propose(
                &founder(s),
                &enterprise,
                &format!("{}의 기술로 귀사 공정의 에너지 사용을 줄이는 협력을 제안합니다. / We propose to cut your plants' energy use with our technology.", s.name),
                now,
            )
            .await?;
        if i == 0
            && let Some(n) = needs.get(1)
        {
            app.calls().route_proposal(ent, a.id, Some(&n.id)).await?;
        }
    }
    Ok(())
}

/// The startup's founder, who applies and proposes for it (no account of its own).
fn founder(s: &Startup) -> User {
    User {
        email: format!("founder-{}@demo.innobridge.kr", s.id),
        display_name: s.name.clone(),
        role: Role::StartupMember,
        enterprise_id: None,
        startup_id: Some(s.id.clone()),
        center_code: None,
        language: Language::Ko,
    }
}
