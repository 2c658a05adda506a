//! On the demo program: every role's demo login works, parties move only their own
//! matches of published rounds, and a confidential need's details are withheld from
//! the public.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use domain::match_state::Action;
use domain::{MatchStatus, Role};

#[tokio::test(flavor = "multi_thread")]
async fn demo_logins_work_and_only_parties_move_a_match() {
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "p.db"))
        .await
        .unwrap();
    let demo = demo::fill(&app, 4, &|_| {}).await.unwrap();
    let roles: Vec<Role> = demo.logins.iter().map(|l| l.role).collect();
    for r in Role::ALL {
        assert!(roles.contains(r), "a demo login for {r:?}");
    }
    let mut users = std::collections::HashMap::new();
    for l in &demo.logins {
        let s = app.accounts().login(&l.email, &l.password).await.unwrap();
        users.insert(l.role, s.user);
    }
    let member = &users[&Role::EnterpriseMember];
    let own = member.enterprise_id.clone().unwrap();

    // proposals for the coming round, some on the member's own needs
    app.rounds()
        .run(
            &app::Operator::named("test"),
            "r",
            &Default::default(),
            false,
        )
        .await
        .unwrap();
    let rows = app.store().pipeline().match_rows().await.unwrap();
    let mine = rows
        .iter()
        .find(|m| m.round.as_deref() == Some("r") && m.enterprise_id == own)
        .expect("a proposal on the member's enterprise");
    let other = rows
        .iter()
        .find(|m| m.round.as_deref() == Some("r") && m.enterprise_id != own)
        .unwrap();

    // parties see a round's proposals only once it is published
    let early = app
        .pipeline()
        .act_on_match(
            member,
            &mine.startup_id,
            &mine.need_id,
            Action::Accept,
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(early, app::AppError::NotFound(_)), "{early}");
    app.rounds()
        .publish(&app::Operator::named("test"), "r")
        .await
        .unwrap();

    let change = app
        .pipeline()
        .act_on_match(
            member,
            &mine.startup_id,
            &mine.need_id,
            Action::Accept,
            None,
        )
        .await
        .unwrap();
    assert_eq!(change.to, MatchStatus::AcceptedByEnterprise);
    assert_eq!(change.by, member.email);
    for who in [
        member,
        &users[&Role::StartupMember],
        &users[&Role::Evaluator],
        &users[&Role::CenterManager],
    ] {
        let e = app
            .pipeline()
            .act_on_match(who, &other.startup_id, &other.need_id, Action::Accept, None)
            .await
            .unwrap_err();
        // someone else's match is simply not there for them
        assert!(matches!(e, app::AppError::NotFound(_)), "{who:?}: {e}");
    }
    // the program acts for the program side; the state machine still has its say
    let pm = &users[&Role::Admin];
    let r = app
        .pipeline()
        .act_on_match(pm, &other.startup_id, &other.need_id, Action::Accept, None)
        .await;
    assert!(!matches!(r, Err(app::AppError::Forbidden(_))), "{r:?}");
    // a refused move says why and changes nothing
    let again = app
        .pipeline()
        .act_on_match(
            member,
            &mine.startup_id,
            &mine.need_id,
            Action::Accept,
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(again, app::AppError::Conflict(_)), "{again}");

    // confidential needs
    let needs = app.store().records().needs().await.unwrap();
    let secret = needs
        .iter()
        .find(|n| n.visibility == domain::Visibility::Confidential && n.description.is_some())
        .unwrap();
    let public = app.discovery().need_for(None, &secret.id).await.unwrap();
    assert_eq!(public.description, None);
    assert_eq!(public.title, secret.title);
    assert_eq!(
        app.discovery()
            .need_for(Some(pm), &secret.id)
            .await
            .unwrap()
            .description,
        secret.description
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unpublished_proposal_entitles_no_one_and_shows_no_score() {
    use domain::{Language, Match, MatchOrigin, MatchingRound, RoundStatus, User, Visibility};
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "u.db"))
        .await
        .unwrap();
    demo::fill(&app, 4, &|_| {}).await.unwrap();
    let secret = app
        .store()
        .records()
        .needs()
        .await
        .unwrap()
        .into_iter()
        .find(|n| {
            n.visibility == Visibility::Confidential
                && n.description.is_some()
                && !n.technologies.is_empty()
        })
        .unwrap();
    // a startup with nothing to do with the need's enterprise yet
    let rows = app.store().pipeline().match_rows().await.unwrap();
    let startup = app
        .store()
        .records()
        .startups()
        .await
        .unwrap()
        .into_iter()
        .find(|s| {
            !rows
                .iter()
                .any(|m| m.startup_id == s.id && m.enterprise_id == secret.enterprise_id)
        })
        .unwrap()
        .id;
    let user = |email: &str, role, e: Option<&str>, s: Option<&str>| User {
        email: email.into(),
        display_name: email.into(),
        role,
        enterprise_id: e.map(Into::into),
        startup_id: s.map(Into::into),
        center_code: None,
        language: Language::En,
    };
    let founder = user(
        "founder@unpublished.kr",
        Role::StartupMember,
        None,
        Some(&startup),
    );
    let member = user(
        "member@unpublished.kr",
        Role::EnterpriseMember,
        Some(&secret.enterprise_id),
        None,
    );
    for u in [&founder, &member] {
        app.accounts()
            .add_user(&app::Operator::named("test"), u, "unpublished-password-1")
            .await
            .unwrap();
    }
    // the engine proposes the pair in a round not yet published
    app.store()
        .rounds()
        .create_round(&MatchingRound {
            name: "r-hidden".into(),
            status: RoundStatus::Finished,
            policy: serde_json::json!({}),
            created_at: chrono::Utc::now(),
            finished_at: Some(chrono::Utc::now()),
        })
        .await
        .unwrap();
    app.store()
        .pipeline()
        .insert_matches(&[Match {
            startup_id: startup.clone(),
            need_id: secret.id.clone(),
            round: Some("r-hidden".into()),
            score: 0.9317,
            reasons: vec![],
            origin: MatchOrigin::Engine,
            status: MatchStatus::Proposed,
            history: vec![],
        }])
        .await
        .unwrap();

    // the proposed startup reads no more than the public: the title only
    for viewer in [None, Some(&founder)] {
        let seen = app.discovery().need_for(viewer, &secret.id).await.unwrap();
        assert_eq!(seen.title, secret.title);
        assert_eq!(seen.description, None, "{viewer:?}");
        assert!(seen.technologies.is_empty() && seen.industries.is_empty());
        assert!(seen.enterprise_id.is_empty() && seen.deadline.is_none() && seen.slots == 0);
    }
    // nor does a meeting request carry the unpublished proposal's score
    let event = app
        .store()
        .forum()
        .events()
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.kind == domain::EventKind::Forum)
        .unwrap()
        .code;
    app.forum().register(&founder, &event, None).await.unwrap();
    app.forum().register(&member, &event, None).await.unwrap();
    let id = app
        .forum()
        .request_meeting(&founder, &event, &secret.enterprise_id, None)
        .await
        .unwrap();
    for who in [&founder, &member] {
        let requests = app.forum().meeting_requests(who, &event).await.unwrap();
        let r = requests.iter().find(|r| r.id == id).unwrap();
        assert_eq!(r.fit, 0.0, "no score of an unpublished round");
    }
    // published, the proposal entitles its startup to the details
    app.rounds()
        .publish(&app::Operator::named("test"), "r-hidden")
        .await
        .unwrap();
    let seen = app
        .discovery()
        .need_for(Some(&founder), &secret.id)
        .await
        .unwrap();
    assert_eq!(seen, secret);
}
