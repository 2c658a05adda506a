//! On the demo program: every role's demo login works, parties move only their own
//! matches of published rounds, and a confidential need's details are withheld from
//! the public.

use domain::match_state::Action;
use domain::{MatchStatus, Role};

#[tokio::test(flavor = "multi_thread")]
async fn demo_logins_work_and_only_parties_move_a_match() {
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "p.db"))
        .await
        .unwrap();
    let demo = app.load_demo(4, &|_| {}).await.unwrap();
    let roles: Vec<Role> = demo.logins.iter().map(|l| l.role).collect();
    for r in Role::ALL {
        assert!(roles.contains(r), "a demo login for {r:?}");
    }
    let mut users = std::collections::HashMap::new();
    for l in &demo.logins {
        let s = app.login(&l.email, &l.password).await.unwrap().unwrap();
        users.insert(l.role, s.user);
    }
    let member = &users[&Role::EnterpriseMember];
    let own = member.enterprise_id.clone().unwrap();

    // proposals for the coming round, some on the member's own needs
    app.run_round("r", &Default::default(), false, "test")
        .await
        .unwrap();
    let rows = app.store().match_rows().await.unwrap();
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
    app.publish_round("r", "test").await.unwrap();

    let change = app
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
            .act_on_match(who, &other.startup_id, &other.need_id, Action::Accept, None)
            .await
            .unwrap_err();
        // someone else's match is simply not there for them
        assert!(matches!(e, app::AppError::NotFound(_)), "{who:?}: {e}");
    }
    // the program acts for the program side; the state machine still has its say
    let pm = &users[&Role::Admin];
    let r = app
        .act_on_match(pm, &other.startup_id, &other.need_id, Action::Accept, None)
        .await;
    assert!(!matches!(r, Err(app::AppError::Forbidden(_))), "{r:?}");
    // a refused move says why and changes nothing
    let again = app
        .act_on_match(
            member,
            &mine.startup_id,
            &mine.need_id,
            Action::Accept,
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(again, app::AppError::Invalid(_)), "{again}");

    // confidential needs
    let needs = app.store().needs().await.unwrap();
    let secret = needs
        .iter()
        .find(|n| n.visibility == domain::Visibility::Confidential && n.description.is_some())
        .unwrap();
    let public = app.need_for(None, &secret.id).await.unwrap();
    assert_eq!(public.description, None);
    assert_eq!(public.title, secret.title);
    assert_eq!(
        app.need_for(Some(pm), &secret.id)
            .await
            .unwrap()
            .description,
        secret.description
    );
}
