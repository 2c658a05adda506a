//! The background jobs and the mail outbox they send: a failed send is kept with its
//! error and tried again only when its wait is over, given up after the last attempt;
//! the jobs stop when told, and none runs afterwards; two instances send each message
//! once. On SQLite, or PostgreSQL with `INNOBRIDGE_TEST_POSTGRES`.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::App;
use app::jobs::{Job, Jobs, JobsConfig};
use app::mail::{MailConfig, MailRetry};
use chrono::Utc;
use lettre::message::Mailbox;
use lettre::transport::stub::AsyncStubTransport;

async fn open(dir: &std::path::Path) -> App {
    App::open(&store::testing::fresh_database(dir, "jobs.db"))
        .await
        .unwrap()
}

fn sender() -> Mailbox {
    "program@innobridge.example".parse().unwrap()
}

/// Queues one message to `to` (no such account: the mail goes all the same).
async fn queue(app: &App, to: &str) {
    app.inbox()
        .notify_user(to, "test", ("알림입니다", "A notice"), "/inbox")
        .await
        .unwrap();
}

async fn only_row(app: &App) -> store::OutboxMail {
    let rows = app.store().inbox().outbox(10).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.into_iter().next().unwrap()
}

/// Waits (at most 10 s) until `done` holds.
async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "waited for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_failed_send_is_kept_with_its_error_and_sent_again_only_after_its_wait() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    queue(&app, "founder@example.kr").await;
    let (from, retry) = (sender(), MailRetry::default());
    let failing = AsyncStubTransport::new_error();
    let working = AsyncStubTransport::new_ok();
    let t0 = Utc::now();

    let first = app.deliver_mail(&failing, &from, &retry, t0).await.unwrap();
    assert_eq!((first.sent, first.retrying, first.given_up), (0, 1, 0));
    let row = only_row(&app).await;
    assert_eq!(row.attempts, 1);
    assert!(row.error.is_some(), "the error is kept");
    assert_eq!(row.sent_at, None);
    let next: chrono::DateTime<Utc> = row.next_attempt_at.unwrap().parse().unwrap();
    assert!(
        next > t0 && next <= t0 + chrono::Duration::minutes(1),
        "{next}"
    );

    let early = t0 + chrono::Duration::seconds(30);
    let waiting = app
        .deliver_mail(&working, &from, &retry, early)
        .await
        .unwrap();
    assert_eq!(waiting.sent, 0, "not before its next attempt");
    assert!(working.messages().await.is_empty());

    let later = t0 + chrono::Duration::seconds(61);
    let second = app
        .deliver_mail(&working, &from, &retry, later)
        .await
        .unwrap();
    assert_eq!(second.sent, 1);
    let sent = working.messages().await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0.to()[0].to_string(), "founder@example.kr");
    let row = only_row(&app).await;
    assert!(row.sent_at.is_some());
    assert_eq!(row.attempts, 1, "a send is not a failed attempt");

    let much_later = t0 + chrono::Duration::days(1);
    let none = app
        .deliver_mail(&working, &from, &retry, much_later)
        .await
        .unwrap();
    assert_eq!(none.sent, 0, "sent once");
}

#[tokio::test]
async fn after_its_last_attempt_a_message_is_given_up_and_never_picked_up_again() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    queue(&app, "founder@example.kr").await;
    let from = sender();
    let retry = MailRetry {
        max_attempts: 3,
        ..MailRetry::default()
    };
    let failing = AsyncStubTransport::new_error();
    let working = AsyncStubTransport::new_ok();
    let t0 = Utc::now();
    let hour = chrono::Duration::hours(1);
    for attempt in 1..=3 {
        let at = t0 + hour * (attempt - 1);
        let pass = app.deliver_mail(&failing, &from, &retry, at).await.unwrap();
        let expected = if attempt < 3 { (1, 0) } else { (0, 1) };
        assert_eq!(
            (pass.retrying, pass.given_up),
            expected,
            "attempt {attempt}"
        );
    }
    assert_eq!(failing.messages().await.len(), 3, "tried three times");
    let row = only_row(&app).await;
    assert_eq!(row.attempts, 3);
    assert!(row.failed_at.is_some());
    assert_eq!(row.next_attempt_at, None);

    let much_later = t0 + chrono::Duration::days(30);
    let pass = app
        .deliver_mail(&working, &from, &retry, much_later)
        .await
        .unwrap();
    assert_eq!(pass, Default::default(), "given up: not picked up");
    assert!(working.messages().await.is_empty());
}

#[tokio::test]
async fn a_recipient_that_is_no_address_is_given_up_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    queue(&app, "not an address").await;
    let working = AsyncStubTransport::new_ok();
    let pass = app
        .deliver_mail(&working, &sender(), &MailRetry::default(), Utc::now())
        .await
        .unwrap();
    assert_eq!((pass.sent, pass.given_up), (0, 1));
    let row = only_row(&app).await;
    assert!(row.error.unwrap().starts_with("address"));
    assert!(working.messages().await.is_empty());
}

fn quick(transport: Arc<AsyncStubTransport>) -> JobsConfig {
    JobsConfig {
        follow_every: Duration::from_millis(10),
        remind_every: Duration::from_millis(10),
        mail_every: Duration::from_millis(10),
        mail: Some(MailConfig {
            transport,
            from: sender(),
            retry: MailRetry::default(),
        }),
        ..JobsConfig::default()
    }
}

#[tokio::test]
async fn stop_waits_for_every_job_and_none_runs_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path()).await;
    let csv = dir.path().join("s.csv");
    std::fs::write(
        &csv,
        "id,name,description\ns1,수소에너지랩,수소연료전지 스택\n",
    )
    .unwrap();
    app.records()
        .import_file(
            &app::Operator::named("test"),
            domain::records::RecordKind::Startups,
            &csv,
            &|_, _| {},
        )
        .await
        .unwrap();
    queue(&app, "founder@example.kr").await;
    let stub = Arc::new(AsyncStubTransport::new_ok());
    let jobs = Jobs::start(app.clone(), quick(stub.clone()));
    let progress = jobs.progress();

    until("every job to step twice and the mail to go", async || {
        [Job::SearchIndex, Job::DeadlineReminders, Job::MailOutbox]
            .iter()
            .all(|j| progress.steps(*j) >= 2)
            && stub.messages().await.len() == 1
    })
    .await;

    let asked = Instant::now();
    jobs.stop().await;
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    let at_stop: Vec<u64> = [Job::SearchIndex, Job::DeadlineReminders, Job::MailOutbox]
        .iter()
        .map(|j| progress.steps(*j))
        .collect();
    queue(&app, "cofounder@example.kr").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after: Vec<u64> = [Job::SearchIndex, Job::DeadlineReminders, Job::MailOutbox]
        .iter()
        .map(|j| progress.steps(*j))
        .collect();
    assert_eq!(at_stop, after, "no step after stop");
    assert_eq!(stub.messages().await.len(), 1, "no mail after stop");

    // without a follower, a write brings the index up to date before it returns
    app.records()
        .delete_startup(
            &app::Operator::named("test"),
            &domain::StartupId::from("s1"),
        )
        .await
        .unwrap();
    let q = app::SearchQuery {
        text: "연료전지".into(),
        ..Default::default()
    };
    assert!(app.discovery().search(&q).unwrap().hits.is_empty());
}

#[tokio::test]
async fn two_instances_send_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = store::testing::fresh_database(dir.path(), "twice.db");
    let (a, b) = (
        App::open(&url).await.unwrap(),
        App::open(&url).await.unwrap(),
    );
    for i in 0..120 {
        queue(&a, &format!("member{i}@example.kr")).await;
    }
    let (to_a, to_b) = (
        Arc::new(AsyncStubTransport::new_ok()),
        Arc::new(AsyncStubTransport::new_ok()),
    );
    let jobs = (
        Jobs::start(a.clone(), quick(to_a.clone())),
        Jobs::start(b.clone(), quick(to_b.clone())),
    );
    until("every message to go", async || {
        a.store()
            .inbox()
            .due_mail(Utc::now(), 1)
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    jobs.0.stop().await;
    jobs.1.stop().await;
    let mut recipients: Vec<String> = to_a
        .messages()
        .await
        .into_iter()
        .chain(to_b.messages().await)
        .map(|(envelope, _)| envelope.to()[0].to_string())
        .collect();
    assert_eq!(recipients.len(), 120);
    recipients.sort();
    recipients.dedup();
    assert_eq!(recipients.len(), 120, "none twice");
}
