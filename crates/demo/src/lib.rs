//! The demo program behind `innobridge demo`: a deterministic generator of a realistic
//! Seoul open-innovation program ([`generate`]: same seed, same data) and [`fill`],
//! which loads it into a new database through the app's use cases, with one account
//! per role and open calls under way. It is a tool beside the product: the app and web
//! crates do not depend on it.

mod calls;
mod generate;
mod vocab;

use std::time::Instant;

use app::{App, Counts, Result};
use domain::{Language, Role, User};

pub use app::snapshot::Program;
pub use generate::{AS_OF, generate};

/// Who the generated program's writes are recorded as (`cli:demo-generator`).
fn generator() -> app::Operator {
    app::Operator::named("demo-generator")
}

/// What [`fill`] did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoSummary {
    pub seed: u64,
    /// False when the database already held a program and was left as it was.
    pub filled: bool,
    pub counts: Counts,
    pub seconds: f64,
    /// One account per role, with the password made for it (shown once).
    pub logins: Vec<DemoLogin>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoLogin {
    pub email: String,
    pub role: Role,
    pub password: String,
}

/// Fills an empty database with the generated program for `seed`: the program itself
/// ([`Records::load_program`]), its events' meeting schedules, one account per role and
/// the open calls played so far. A database that already holds startups is left as it
/// is (`filled` is false). `progress` is told each step.
pub async fn fill(app: &App, seed: u64, progress: &(dyn Fn(&str) + Sync)) -> Result<DemoSummary> {
    let started = Instant::now();
    let before = app.counts().await?;
    if before.startups > 0 {
        return Ok(DemoSummary {
            seed,
            filled: false,
            counts: before,
            seconds: 0.0,
            logins: Vec::new(),
        });
    }
    progress("generating the program");
    let p = generate(seed);
    app.records()
        .load_program(&generator(), &p, &format!("demo seed {seed}"), progress)
        .await?;
    progress("scheduling the events' meetings");
    for e in &p.events {
        app.forum().schedule(&generator(), &e.code).await?;
    }
    progress("creating demo accounts");
    let accounts = accounts(&p);
    let mut logins = Vec::new();
    for u in &accounts {
        let password = app::accounts::random_password()?;
        app.accounts().add_user(&generator(), u, &password).await?;
        logins.push(DemoLogin {
            email: u.email.clone(),
            role: u.role,
            password,
        });
    }
    progress("running open calls");
    calls::play(app, seed, &p, &accounts).await?;
    Ok(DemoSummary {
        seed,
        filled: true,
        counts: app.counts().await?,
        seconds: started.elapsed().as_secs_f64(),
        logins,
    })
}

/// One account for each role, tied to the program's first enterprise, startup and
/// overseas center.
fn accounts(p: &Program) -> Vec<User> {
    let user = |email: &str, name: &str, role: Role| User {
        email: email.into(),
        display_name: name.into(),
        role,
        enterprise_id: None,
        startup_id: None,
        center_code: None,
        language: Language::Ko,
    };
    vec![
        user("pm@demo.innobridge.kr", "프로그램 매니저", Role::Admin),
        User {
            enterprise_id: p.enterprises.first().map(|e| e.id.clone()),
            ..user(
                "enterprise@demo.innobridge.kr",
                "기업 담당자",
                Role::EnterpriseMember,
            )
        },
        User {
            startup_id: p.startups.first().map(|s| s.id.clone()),
            ..user(
                "startup@demo.innobridge.kr",
                "스타트업 대표",
                Role::StartupMember,
            )
        },
        User {
            center_code: p.centers.first().map(|c| c.code.clone()),
            ..user(
                "center@demo.innobridge.kr",
                "해외거점 매니저",
                Role::CenterManager,
            )
        },
        User {
            language: Language::En,
            ..user("evaluator@demo.innobridge.kr", "Evaluator", Role::Evaluator)
        },
    ]
}
