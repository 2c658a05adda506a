//! Background work of a serving instance, in one place with one lifecycle:
//!
//! - **search index**: follows the database's change log — at once after a write of
//!   this process (which answers without waiting for the index), and every
//!   [`JobsConfig::follow_every`] for other processes' writes (a CLI import);
//! - **deadline reminders**: tells startups with a draft of calls about to close;
//! - **mail outbox**: sends the queued mail ([`crate::mail`]), retrying failures.
//!
//! Reminders and mail run under a database lease ([`App::exclusively`]), so across
//! instances one sends each message once. [`Jobs::start`] spawns one task per job;
//! [`Jobs::stop`] tells them all, waits for each to finish the step it is in, and
//! returns once none is left: no job runs after it. Work a request leaves for after
//! its answer ([`Accounts::request_password_reset_after_answer`]) runs on the same task set,
//! so `stop` waits for it too. Without running jobs (the CLI), every write brings the
//! index up to date before it returns.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::leases::Exclusive;
use crate::mail::MailConfig;
use crate::{App, Result};

/// The lease the deadline reminders run under.
pub const REMINDERS_LOCK: &str = "deadline-reminders";
/// The lease a mail delivery pass runs under.
pub const MAIL_LOCK: &str = "mail-outbox";

/// What the jobs do and how often.
pub struct JobsConfig {
    /// How often the index looks for writes of other processes.
    pub follow_every: Duration,
    /// How often the deadline reminders run.
    pub remind_every: Duration,
    /// How far ahead a call's deadline is reminded of.
    pub remind_within: chrono::Duration,
    /// How often due mail is sent.
    pub mail_every: Duration,
    /// Where mail goes; without it messages stay in the in-app inbox and the outbox.
    pub mail: Option<MailConfig>,
}

impl Default for JobsConfig {
    /// Every 2 seconds, hourly reminders of the next 72 hours, mail every 30 seconds
    /// but no mail server.
    fn default() -> Self {
        Self {
            follow_every: Duration::from_secs(2),
            remind_every: Duration::from_secs(3600),
            remind_within: chrono::Duration::hours(72),
            mail_every: Duration::from_secs(30),
            mail: None,
        }
    }
}

impl JobsConfig {
    /// The defaults, with the mail server of the environment ([`MailConfig::from_env`]).
    pub fn from_env() -> Result<Self> {
        Ok(Self {
            mail: MailConfig::from_env()?,
            ..Self::default()
        })
    }
}

/// One of the background jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    SearchIndex,
    DeadlineReminders,
    MailOutbox,
}

/// How many steps each job has finished; a handle that outlives [`Jobs::stop`].
#[derive(Debug, Clone, Default)]
pub struct Progress(Arc<[AtomicU64; 3]>);

impl Progress {
    /// How many steps `job` has finished.
    pub fn steps(&self, job: Job) -> u64 {
        self.0[job as usize].load(Ordering::SeqCst)
    }

    fn step_done(&self, job: Job) {
        self.0[job as usize].fetch_add(1, Ordering::SeqCst);
    }
}

/// The running jobs of one instance. Dropping it without [`Jobs::stop`] tells the jobs
/// to stop but does not wait for them.
pub struct Jobs {
    app: App,
    cancel: CancellationToken,
    progress: Progress,
}

impl Jobs {
    /// Starts every job `config` asks for; the mail job only with a mail server.
    pub fn start(app: App, config: JobsConfig) -> Self {
        app.follow_in_background(true);
        let jobs = Self {
            app,
            cancel: CancellationToken::new(),
            progress: Progress::default(),
        };
        let app = jobs.app.clone();
        jobs.spawn(
            Job::SearchIndex,
            config.follow_every,
            {
                let app = app.clone();
                move || {
                    let app = app.clone();
                    async move { app.next_write().await }
                }
            },
            {
                let app = app.clone();
                move || {
                    let app = app.clone();
                    async move {
                        if let Err(e) = app.discovery().sync_search().await {
                            tracing::warn!("search index sync: {e}");
                        }
                    }
                }
            },
        );
        let within = config.remind_within;
        jobs.spawn(
            Job::DeadlineReminders,
            config.remind_every,
            std::future::pending,
            {
                let app = app.clone();
                move || {
                    let app = app.clone();
                    async move {
                        let job = app.calls().remind_deadlines(chrono::Utc::now(), within);
                        match app.exclusively(REMINDERS_LOCK, job).await {
                            Ok(Exclusive::Ran(n)) if n > 0 => {
                                tracing::info!("deadline reminders: {n}")
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!("deadline reminders: {e}"),
                        }
                    }
                }
            },
        );
        if let Some(mail) = config.mail {
            let mail = Arc::new(mail);
            let stop = jobs.cancel.clone();
            jobs.spawn(Job::MailOutbox, config.mail_every, std::future::pending, {
                move || {
                    let (app, mail, stop) = (app.clone(), mail.clone(), stop.clone());
                    async move { send_due_mail(&app, &mail, &stop).await }
                }
            });
        }
        jobs
    }

    /// Runs `step` at once and then every `every` after the last step ended, or
    /// sooner when `woken` completes, until the jobs stop. A step is never cut short.
    fn spawn<Wake, Step>(
        &self,
        job: Job,
        every: Duration,
        woken: impl Fn() -> Wake + Send + 'static,
        mut step: impl FnMut() -> Step + Send + 'static,
    ) where
        Wake: Future<Output = ()> + Send,
        Step: Future<Output = ()> + Send,
    {
        let stop = self.cancel.clone();
        let progress = self.progress.clone();
        self.app.background.spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    biased;
                    () = stop.cancelled() => break,
                    _ = tick.tick() => {}
                    () = woken() => {}
                }
                step().await;
                progress.step_done(job);
                tick.reset();
            }
        });
    }

    /// How far the jobs have come.
    pub fn progress(&self) -> Progress {
        self.progress.clone()
    }

    /// Tells every job to stop and waits until each has finished its current step and
    /// ended, and until the work requests left for after their answers is done. Writes
    /// after this sync the index themselves.
    pub async fn stop(self) {
        self.app.follow_in_background(false);
        self.cancel.cancel();
        let tasks = &self.app.background;
        tasks.close();
        tasks.wait().await;
        tasks.reopen();
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        self.app.follow_in_background(false);
        self.cancel.cancel();
    }
}

impl App {
    /// Runs `work` in a task of the background task set; a failure is logged as
    /// `what`'s.
    pub(crate) fn in_background(
        &self,
        what: &'static str,
        work: impl Future<Output = Result<()>> + Send + 'static,
    ) {
        self.background.spawn(async move {
            if let Err(e) = work.await {
                tracing::warn!("{what}: {e}");
            }
        });
    }
}

/// Sends the due mail, pass after pass while more is due and the jobs are not
/// stopping; each pass under the outbox's lease.
async fn send_due_mail(app: &App, mail: &MailConfig, stop: &CancellationToken) {
    loop {
        let pass = app.deliver_mail(
            mail.transport.as_ref(),
            &mail.from,
            &mail.retry,
            chrono::Utc::now(),
        );
        match app.exclusively(MAIL_LOCK, pass).await {
            Ok(Exclusive::Ran(done)) => {
                if done.sent + done.retrying + done.given_up > 0 {
                    tracing::info!(
                        "mail: {} sent, {} to retry, {} given up",
                        done.sent,
                        done.retrying,
                        done.given_up
                    );
                }
                if !done.more_due || stop.is_cancelled() {
                    return;
                }
            }
            // another instance is sending
            Ok(Exclusive::HeldBy(_)) => return,
            Err(e) => {
                tracing::warn!("mail: {e}");
                return;
            }
        }
    }
}
