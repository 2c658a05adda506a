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
pub mod jobs;
pub mod leases;
pub mod mail;
pub mod overseas;
pub mod principal;
pub mod profiles;
pub mod recommend;
pub mod rounds;
pub mod secrets;
pub mod snapshot;

use std::sync::Arc;

use domain::kpi::Kpis;
use search::SearchIndex;
use store::Store;

pub use search::{DIMENSIONS, DocKind, SearchQuery, SearchResults, Sort, Suggestion};

pub use principal::{Operator, Principal};
pub use store::{AuditRecord, Counts, MatchFilter, MatchView, Preference, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that cannot be used at all: no such file, no header, unknown kind.
    #[error("{0}")]
    Unusable(String),
    /// Refused by the rules: a conflict with what is stored, a move not allowed now.
    #[error("{0}")]
    Conflict(String),
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
        app.sync_search().await?;
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

    /// The program's KPIs against their targets, computed from the data now.
    pub async fn kpis(&self) -> Result<Kpis> {
        Ok(self.figures().await?.0.clone())
    }

    /// Where the accepted matches fall: per cluster and industry, and the convergence
    /// and inter-cluster matrices.
    pub async fn breakdowns(&self) -> Result<domain::kpi::Breakdowns> {
        Ok(self.dashboard().await?.1)
    }

    /// The KPIs and their breakdowns from one read of the facts (the dashboard shows
    /// both).
    pub async fn dashboard(&self) -> Result<(Kpis, domain::kpi::Breakdowns)> {
        Ok((*self.figures().await?).clone())
    }

    /// The dashboard's figures, recomputed only when the data (from any writer, see
    /// [`Store::data_version`]) or the day has changed since they were last computed.
    async fn figures(&self) -> Result<Arc<(Kpis, domain::kpi::Breakdowns)>> {
        let mut cached = self.dashboard.lock().await;
        let version = self.store.data_version().await?;
        let day = chrono::Utc::now().date_naive();
        if let Some(c) = cached
            .as_ref()
            .filter(|c| c.version == version && c.day == day)
        {
            return Ok(c.figures.clone());
        }
        let mut facts = self.store.kpi_facts().await?;
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

    /// The program's industry clusters.
    pub async fn clusters(&self) -> Result<Vec<domain::Cluster>> {
        Ok(self.store.clusters().await?)
    }

    /// Creates or updates a cluster (program managers).
    pub async fn save_cluster_as(
        &self,
        who: impl Into<Principal<'_>>,
        c: &domain::Cluster,
    ) -> Result<()> {
        let user = who.into().person("save_cluster_as")?;
        authz::require_admin(user, "save clusters")?;
        c.validate()
            .map_err(|f| AppError::Conflict(format!("{}: {}", f.field, f.reason)))?;
        Ok(self.store.upsert_cluster(c).await?)
    }

    /// Creates or updates an overseas growth center (program managers).
    pub async fn save_center_as(
        &self,
        who: impl Into<Principal<'_>>,
        c: &domain::Center,
    ) -> Result<()> {
        let user = who.into().person("save_center_as")?;
        authz::require_admin(user, "save overseas centers")?;
        c.validate()
            .map_err(|f| AppError::Conflict(format!("{}: {}", f.field, f.reason)))?;
        Ok(self.store.upsert_center(c).await?)
    }

    /// The overseas growth centers.
    pub async fn centers(&self) -> Result<Vec<domain::Center>> {
        Ok(self.store.centers().await?)
    }

    /// The program's events (forums, demo days, meetups).
    pub async fn events(&self) -> Result<Vec<domain::Event>> {
        Ok(self.store.events().await?)
    }

    /// Sets a KPI's target (and optionally the year it is due and its baseline). The key
    /// must be one of the KPIs `kpi --json` reports.
    pub async fn set_target(
        &self,
        who: impl Into<Principal<'_>>,
        key: &str,
        target: Option<f64>,
        by_year: Option<i32>,
        baseline: Option<f64>,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("set the program's targets")?;
        let known = self.kpis().await?;
        if known.value(key).is_none() {
            return Err(AppError::Conflict(format!(
                "'{key}' is not a KPI; allowed: startups_discovered, startups_matched, startups_matched_share, enterprises_participating, cooperation_cases, investment_krw, ndas, pocs, overseas_centers, clusters, convergence_matches, cross_cluster_matches"
            )));
        }
        let old = self
            .store
            .targets()
            .await?
            .into_iter()
            .find(|t| t.key == key);
        let t = domain::kpi::Target {
            key: key.to_string(),
            target,
            by_year,
            baseline: baseline.or_else(|| old.as_ref().and_then(|o| o.baseline)),
            baseline_note: old.and_then(|o| o.baseline_note),
        };
        t.validate()
            .map_err(|f| AppError::Conflict(format!("{}: {}", f.field, f.reason)))?;
        Ok(self.store.set_target(&t, who.audit_name()).await?)
    }

    /// Sets how many KRW one unit of `currency` is worth, for converting amounts dated
    /// `from` on (today when `None`): figures already reported keep the rate they were
    /// counted with unless `from` reaches back to reopen them. A currency's first rate
    /// applies from the beginning, as nothing could be converted before it.
    pub async fn set_rate(
        &self,
        who: impl Into<Principal<'_>>,
        currency: &str,
        krw_per_unit: f64,
        from: Option<chrono::NaiveDate>,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("set exchange rates")?;
        let code = domain::Currency::parse(currency).map_err(|e| AppError::Conflict(e.0))?;
        let known = self.store.rates().await?.rate(code.code(), None).is_some();
        let from = match from {
            Some(day) => Some(day),
            None if known => Some(chrono::Utc::now().date_naive()),
            None => None,
        };
        self.store
            .set_rate(currency, krw_per_unit, from, who.audit_name())
            .await
            .map_err(AppError::from)
    }

    pub async fn counts(&self) -> Result<Counts> {
        Ok(self.store.counts().await?)
    }

    pub async fn healthy(&self) -> bool {
        self.store.ping().await.is_ok()
    }
}
