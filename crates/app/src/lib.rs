//! Use cases: the one place where domain rules, the matching engine and storage meet.
//! The CLI and the web call these and nothing below them.

pub mod demo;
mod demo_vocab;
pub mod export;
pub mod import;

use domain::kpi::Kpis;
use store::Store;

pub use store::{Counts, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input that cannot be used at all: no such file, no header, unknown kind.
    #[error("{0}")]
    Unusable(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<store::files::FileError> for AppError {
    fn from(e: store::files::FileError) -> Self {
        AppError::Unusable(e.to_string())
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: a handle on the program's database.
#[derive(Clone, Debug)]
pub struct App {
    store: Store,
}

impl App {
    /// Opens the database at `url` (a path, `sqlite://PATH`), creating and migrating it
    /// on first use.
    pub async fn open(url: &str) -> Result<Self> {
        let store = Store::open(url).await.map_err(|e| match e {
            StoreError::BadUrl(_) | StoreError::PostgresUnsupported => {
                AppError::Unusable(e.to_string())
            }
            e => AppError::Store(e),
        })?;
        Ok(Self { store })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The program's KPIs against their targets, computed from the data now.
    pub async fn kpis(&self) -> Result<Kpis> {
        let facts = self.store.kpi_facts().await?;
        Ok(domain::kpi::compute(&facts))
    }

    pub async fn counts(&self) -> Result<Counts> {
        Ok(self.store.counts().await?)
    }

    pub async fn healthy(&self) -> bool {
        self.store.ping().await.is_ok()
    }
}
