//! Accounts: `innobridge user add` for the first admin, argon2id hashes, sessions that
//! end, and logins limited after repeated failures.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use app::AppError;
use app::accounts::{LoginError, MAX_FAILURES};

fn user_add(db: &Path, args: &[&str], password: &str, by_stdin: bool) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_innobridge"));
    c.env_remove("INNOBRIDGE_DATABASE_URL")
        .env_remove("INNOBRIDGE_PASSWORD")
        .arg("--db")
        .arg(db)
        .args(["user", "add"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !by_stdin {
        c.env("INNOBRIDGE_PASSWORD", password);
    }
    let mut child = c.spawn().expect("runs");
    if by_stdin {
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    }
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_admin_logs_in_and_sessions_and_lockouts_hold() {
    let dir = tempfile::tempdir().unwrap();
    let db = std::path::PathBuf::from(store::testing::fresh_database(dir.path(), "p.db"));
    let o = user_add(
        &db,
        &["pm@seoul.example", "--role", "admin", "--name", "PM"],
        "a long enough secret",
        false,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // from standard input too
    let o = user_add(
        &db,
        &["eval@seoul.example", "--role", "evaluator"],
        "another long secret",
        true,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // refused: a second account with the e-mail, a short password, a member with no enterprise
    for (args, pw, says) in [
        (
            vec!["PM@seoul.example", "--role", "admin"],
            "a long enough secret",
            "exists",
        ),
        (
            vec!["x@seoul.example", "--role", "admin"],
            "short",
            "at least 10",
        ),
        (
            vec!["y@seoul.example", "--role", "enterprise-member"],
            "a long enough secret",
            "organisation",
        ),
        (
            vec!["z@seoul.example", "--role", "king"],
            "a long enough secret",
            "not a role",
        ),
    ] {
        let o = user_add(&db, &args, pw, false);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    let app = app::App::open(db.to_str().unwrap()).await.unwrap();
    let (user, hash) = app
        .store()
        .accounts()
        .user_with_hash("pm@seoul.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.role, domain::Role::Admin);
    let hash = hash.unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("a long enough secret"));

    let s = app
        .accounts()
        .login("PM@seoul.example", "a long enough secret")
        .await
        .unwrap();
    assert_eq!(s.token.len(), 64);
    assert_ne!(s.token, s.csrf);
    let back = app.accounts().session(&s.token).await.unwrap().unwrap();
    assert_eq!(back.user.email, "pm@seoul.example");
    assert_eq!(back.csrf, s.csrf);
    assert!(
        app.accounts()
            .session("not-a-token")
            .await
            .unwrap()
            .is_none()
    );
    assert!(app.accounts().logout(&s.token).await.unwrap());
    assert!(
        app.accounts().session(&s.token).await.unwrap().is_none(),
        "ended"
    );

    // a session past its expiry is no session, though its row is still there
    let late = app
        .accounts()
        .login("pm@seoul.example", "a long enough secret")
        .await
        .unwrap();
    assert!(app.accounts().session(&late.token).await.unwrap().is_some());
    let aged = app
        .store()
        .execute_unchecked("UPDATE sessions SET expires_at = '2020-01-01T00:00:00Z'")
        .await
        .unwrap();
    assert!(aged >= 1);
    assert!(
        app.accounts().session(&late.token).await.unwrap().is_none(),
        "expired after {} hours",
        app::accounts::SESSION_HOURS
    );

    assert!(matches!(
        app.accounts()
            .login("pm@seoul.example", "wrong password!")
            .await,
        Err(AppError::Login(LoginError::Wrong))
    ));
    assert!(
        matches!(
            app.accounts()
                .login("nobody@seoul.example", "whatever at all")
                .await,
            Err(AppError::Login(LoginError::Wrong))
        ),
        "an unknown e-mail looks like a wrong password"
    );
    for _ in 1..MAX_FAILURES {
        app.accounts()
            .login("pm@seoul.example", "wrong password!")
            .await
            .unwrap_err();
    }
    assert!(
        matches!(
            app.accounts()
                .login("pm@seoul.example", "a long enough secret")
                .await,
            Err(AppError::Login(LoginError::Locked))
        ),
        "locked out even with the right password"
    );
    // another account is not affected
    assert!(
        app.accounts()
            .login("eval@seoul.example", "another long secret")
            .await
            .is_ok()
    );
}

/// Issue 18, item 18: a password is refused when it is common or easy to guess, or
/// built on the user's own e-mail or name — not only when it is short — with the
/// reason in Korean and English; a passphrase of the user's own is taken.
#[tokio::test(flavor = "multi_thread")]
async fn common_and_personal_passwords_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let app = app::App::open(&store::testing::fresh_database(dir.path(), "p.db"))
        .await
        .unwrap();
    let user = domain::User {
        email: "minjun.kim@seoul.example".into(),
        display_name: "Kim Minjun".into(),
        role: domain::Role::Evaluator,
        enterprise_id: None,
        startup_id: None,
        center_code: None,
        language: domain::Language::Ko,
    };
    for weak in [
        "aaaaaaaaaa",
        "password123",
        "qwertyuiop",
        "1234567890",
        "iloveyou12",
        "minjun.kim2024",
        "kim minjun!!",
        "short",
    ] {
        match app
            .accounts()
            .add_user(&app::Operator::named("test"), &user, weak)
            .await
        {
            Err(app::AppError::Conflict(m)) => {
                assert!(
                    m.contains("비밀번호") && m.contains("password"),
                    "{weak}: {m}"
                )
            }
            other => panic!("{weak} was not refused: {other:?}"),
        }
    }
    assert!(
        app.store()
            .accounts()
            .user_with_hash(&user.email)
            .await
            .unwrap()
            .is_none()
    );
    app.accounts()
        .add_user(
            &app::Operator::named("test"),
            &user,
            "maple syrup on rainy tuesdays",
        )
        .await
        .unwrap();
    assert!(
        app.accounts()
            .login(&user.email, "maple syrup on rainy tuesdays")
            .await
            .is_ok()
    );
}
