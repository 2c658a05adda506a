//! Use cases: the one place where domain rules, the matching engine and storage meet.
//! The CLI and the web call these and nothing below them.

pub mod accounts;
pub mod authz;
pub mod calls;
pub mod clusters;
pub mod discovery;
pub mod export;
pub mod forum;
pub mod import;
pub mod inbox;
pub mod jobs;
pub mod kpi;
pub mod leases;
pub mod mail;
pub mod overseas;
pub mod pipeline;
pub mod principal;
pub mod profiles;
pub mod recommend;
pub mod records;
pub mod rounds;
pub mod secrets;
pub mod snapshot;

use std::sync::Arc;

use domain::kpi::Kpis;
use search::SearchIndex;
use store::Store;

pub use search::glossary::Glossary;
pub use search::{DIMENSIONS, DocKind, SearchQuery, SearchResults, Sort, Suggestion};

pub use principal::{Operator, Principal};
pub use store::{AuditRecord, Counts, MatchFilter, MatchView, Preference, Record, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that cannot be used at all: no such file, no header, unknown kind.
    #[error("{0}")]
    Unusable(String),
    /// Refused by the rules: a conflict with what is stored, a move not allowed now.
    #[error("{0}")]
    Conflict(String),
    /// A save over a record as it was read, refused because it has changed since.
    #[error("{0}")]
    Changed(String),
    /// A record whose fields are wrong: every wrong field with its reason.
    #[error("{}", join_field_errors(.0))]
    InvalidFields(Vec<domain::FieldError>),
    /// A login refused: wrong credentials, or locked after too many failures.
    #[error(transparent)]
    Login(#[from] accounts::LoginError),
    /// Input larger than it may be (an XLSX past the reader's limits); the limit is
    /// named in the message.
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    NotFound(String),
    /// The user is known but not entitled.
    #[error("{0}")]
    Forbidden(String),
    /// The database failed (not a refusal: those arrive as the variants above).
    #[error(transparent)]
    Store(StoreError),
    #[error("{0}")]
    Search(String),
}

impl From<StoreError> for AppError {
    /// The store's refusals (a conflict, something missing, a rule of the stored data)
    /// are the user's to fix; only a failure of the database stays a store error.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) | StoreError::Busy(m) => AppError::Conflict(m),
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Refused(e) => AppError::InvalidFields(vec![e]),
            StoreError::Transition(e) => AppError::Conflict(e.to_string()),
            e => AppError::Store(e),
        }
    }
}

impl From<domain::FieldError> for AppError {
    /// A field a rule refuses: invalid fields (422 on the API), never a conflict.
    fn from(e: domain::FieldError) -> Self {
        AppError::InvalidFields(vec![e])
    }
}

/// Field errors as one line: `field: reason; field: reason`.
fn join_field_errors(errors: &[domain::FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<store::files::FileError> for AppError {
    fn from(e: store::files::FileError) -> Self {
        match e {
            store::files::FileError::TooLarge { .. } => AppError::TooLarge(e.to_string()),
            e => AppError::Unusable(e.to_string()),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a handle on the program's database and its search index.
#[derive(Clone)]
pub struct App {
    store: Store,
    search: Arc<SearchIndex>,
    /// The last computed dashboard and what it was computed from; the lock also makes
    /// concurrent requests wait for one computation instead of each starting its own.
    dashboard: Arc<tokio::sync::Mutex<Option<Dashboard>>>,
    follower: Arc<discovery::IndexFollower>,
    /// Work that outlives a request or runs on its own: the background jobs and what a
    /// request leaves for after its answer ([`jobs`]).
    background: tokio_util::task::TaskTracker,
}

/// A computed dashboard, valid while the data version and the day are the same.
struct Dashboard {
    version: String,
    day: chrono::NaiveDate,
    figures: Arc<(Kpis, domain::kpi::Breakdowns)>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("db", self.store.location())
            .finish()
    }
}

/// Replaces the database at `url` with a backup made by [`store::Store::backup`]
/// (nothing may have it open); the search index follows on the next [`App::open`].
pub async fn restore_database(url: &str, from: &std::path::Path) -> Result<()> {
    Ok(store::backup::restore(url, from).await?)
}

/// The use cases by feature; each is a view of the app, as cheap to make as a reference.
impl App {
    /// Accounts and sessions: adding people, logging in and out, password resets.
    pub fn accounts(&self) -> accounts::Accounts<'_> {
        accounts::Accounts { app: self }
    }

    /// Notifications: what each person finds in the inbox (and by mail), and marking it read.
    pub fn inbox(&self) -> inbox::Inbox<'_> {
        inbox::Inbox { app: self }
    }

    /// Finding startups, enterprises and needs: profiles as each viewer may see them, search and type-ahead, and the search index that follows the database.
    pub fn discovery(&self) -> discovery::Discovery<'_> {
        discovery::Discovery { app: self }
    }

    /// The engine's recommendations: startups for a need, enterprises for a startup.
    pub fn recommendations(&self) -> recommend::Recommendations<'_> {
        recommend::Recommendations { app: self }
    }

    /// The program's records: saving, creating and deleting them, importing and exporting tables, loading a whole program, and reviewing likely duplicates.
    pub fn records(&self) -> records::Records<'_> {
        records::Records { app: self }
    }

    /// Matching rounds: running one (optimal or stable), publishing it, the preferences stable rounds use, and reading rounds back.
    pub fn rounds(&self) -> rounds::Rounds<'_> {
        rounds::Rounds { app: self }
    }

    /// The pipeline of matches: who sees which, moving a match through its states, and the outcomes it leads to.
    pub fn pipeline(&self) -> pipeline::Pipeline<'_> {
        pipeline::Pipeline { app: self }
    }

    /// Forum events: registrations, meeting requests and their answers, the schedule and each participant's agenda.
    pub fn forum(&self) -> forum::Forum<'_> {
        forum::Forum { app: self }
    }

    /// Overseas growth centers: applications, decisions within capacity, and what admitted startups achieve abroad.
    pub fn centers(&self) -> overseas::Centers<'_> {
        overseas::Centers { app: self }
    }

    /// Open calls: applications and attachments, evaluators and blind reviews, stages and standings, proposals to enterprises' intakes, and deadline reminders.
    pub fn calls(&self) -> calls::Calls<'_> {
        calls::Calls { app: self }
    }

    /// Industry clusters: their members, reports and the cross-cluster convergence matrix.
    pub fn clusters(&self) -> clusters::Clusters<'_> {
        clusters::Clusters { app: self }
    }

    /// The program's KPIs: current figures and breakdowns (cached for the dashboard), targets, and the exchange rates amounts are counted with.
    pub fn kpi(&self) -> kpi::Kpi<'_> {
        kpi::Kpi { app: self }
    }
}

impl App {
    /// Opens the database at `url` (a path, `sqlite://PATH` or `postgres://…`),
    /// creating and migrating it on first use, and its search index (see
    /// [`discovery::index_dir`]), rebuilt when missing or stale.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Store::open(url).await.map_err(|e| match e {
            StoreError::BadUrl(_) => AppError::Unusable(e.to_string()),
            e => AppError::Store(e),
        })?;
        let dir = discovery::index_dir(&store).await?;
        let search = Arc::new(Self::open_index(&dir)?);
        let app = Self {
            store,
            search,
            dashboard: Arc::default(),
            follower: Arc::default(),
            background: tokio_util::task::TaskTracker::new(),
        };
        app.discovery().sync_search().await?;
        Ok(app)
    }

    /// The store underneath, for tests that check what was written. Front ends go
    /// through the use cases: the binary is built without this.
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Where the database is: its file, or its server's URL (without a password).
    pub fn location(&self) -> &store::Location {
        self.store.location()
    }

    /// Writes a consistent copy of the database at `url` (this app's) to `file` while
    /// it stays in use.
    pub async fn backup(&self, file: &std::path::Path, url: &str) -> Result<()> {
        Ok(self.store.backup(file, url).await?)
    }

    /// Closes the database's connections (before a restore replaces it).
    pub async fn close(&self) {
        self.store.close().await
    }

    /// The dashboard's figures, recomputed only when the data (from any writer, see
    /// [`Store::data_version`]) or the day has changed since they were last computed.
    pub(crate) async fn figures(&self) -> Result<Arc<(Kpis, domain::kpi::Breakdowns)>> {
        let mut cached = self.dashboard.lock().await;
        let version = self.store.kpi().data_version().await?;
        let day = chrono::Utc::now().date_naive();
        if let Some(c) = cached
            .as_ref()
            .filter(|c| c.version == version && c.day == day)
        {
            return Ok(c.figures.clone());
        }
        let mut facts = self.store.kpi().kpi_facts().await?;
        facts.today = Some(day);
        let figures = Arc::new((
            domain::kpi::compute(&facts),
            domain::kpi::breakdowns(&facts),
        ));
        *cached = Some(Dashboard {
            version,
            day,
            figures: figures.clone(),
        });
        Ok(figures)
    }

    pub async fn counts(&self) -> Result<Counts> {
        Ok(self.store.counts().await?)
    }

    pub async fn healthy(&self) -> bool {
        self.store.ping().await.is_ok()
    }
}
