//! Persistence for innobridge: the embedded SQLite database (created and migrated on
//! first use, WAL and foreign keys on), upserts by external id, the KPI facts, and the
//! CSV/XLSX table files that imports and exports go through.

mod admin;
mod calls;
mod changes;
mod duplicates;
pub mod files;
mod forum;
mod kpi_facts;
mod orgs;
mod overseas;
mod program;
mod rounds;
mod sessions;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub use admin::AuditRecord;
pub use changes::Change;
pub use duplicates::DuplicateFlag;
pub use forum::Placement;
pub use orgs::{BatchResult, Record};
pub use program::{MatchFilter, MatchRow, MatchView, OutcomeRow};
pub use rounds::{Preference, Replaced};
pub use sessions::SessionRecord;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("'{0}' is not a database URL: use a file path, sqlite://PATH or postgres://...")]
    BadUrl(String),
    #[error("PostgreSQL is not supported by this build yet; use a SQLite file path")]
    PostgresUnsupported,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The program's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

/// Where the database lives, parsed from `--db` / `INNOBRIDGE_DATABASE_URL`.
pub fn sqlite_path(url: &str) -> Result<PathBuf> {
    let u = url.trim();
    if u.starts_with("postgres://") || u.starts_with("postgresql://") {
        return Err(StoreError::PostgresUnsupported);
    }
    let p = u
        .strip_prefix("sqlite://")
        .or_else(|| u.strip_prefix("sqlite:"))
        .unwrap_or(u);
    let p = p.split('?').next().unwrap_or(p);
    if p.is_empty() || p.contains("://") {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    Ok(PathBuf::from(p))
}

impl Store {
    /// Opens (creating and migrating on first use) the database at `url`.
    pub async fn open(url: &str) -> Result<Self> {
        let path = sqlite_path(url)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        let opts = SqliteConnectOptions::from_str("sqlite:")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Store { pool, path };
        store.seed_defaults().await?;
        store.backfill_duplicate_keys().await?;
        Ok(store)
    }

    /// Rows written before duplicate keys existed get them.
    async fn backfill_duplicate_keys(&self) -> Result<()> {
        let rows: Vec<(i64, String, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, name, name_en, website FROM startups WHERE name_key = ''")
                .fetch_all(&self.pool)
                .await?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (id, name, name_en, website) in rows {
            sqlx::query(
                "UPDATE startups SET name_key = ?, name_en_key = ?, web_domain = ? WHERE id = ?",
            )
            .bind(domain::dedup::name_key(&name))
            .bind(
                name_en
                    .as_deref()
                    .map(domain::dedup::name_key)
                    .unwrap_or_default(),
            )
            .bind(website.as_deref().and_then(domain::dedup::web_domain))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Answers when the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// `PRAGMA integrity_check` and `foreign_key_check` both clean.
    pub async fn integrity_ok(&self) -> Result<bool> {
        let r: (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&self.pool)
            .await?;
        let fk: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(r.0 == "ok" && fk.is_empty())
    }

    /// Row counts of the main tables, for summaries and tests.
    pub async fn counts(&self) -> Result<Counts> {
        let q = |t: &'static str| async move {
            let n: (i64,) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
                    .fetch_one(&self.pool)
                    .await?;
            Ok::<u64, StoreError>(n.0 as u64)
        };
        Ok(Counts {
            startups: q("startups").await?,
            enterprises: q("enterprises").await?,
            needs: q("needs").await?,
            outcomes: q("outcomes").await?,
            matches: q("matches").await?,
            clusters: q("clusters").await?,
            centers: q("centers").await?,
            events: q("events").await?,
            users: q("users").await?,
            audit_entries: q("audit_log").await?,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub startups: u64,
    pub enterprises: u64,
    pub needs: u64,
    pub outcomes: u64,
    pub matches: u64,
    pub clusters: u64,
    pub centers: u64,
    pub events: u64,
    pub users: u64,
    pub audit_entries: u64,
}

pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn list(items: &[String]) -> String {
    domain::text::join_list(items)
}

pub(crate) fn codes<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

pub(crate) fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_sqlite_file_or_postgres() {
        assert_eq!(sqlite_path("./x.db").unwrap(), PathBuf::from("./x.db"));
        assert_eq!(
            sqlite_path("sqlite://data/x.db").unwrap(),
            PathBuf::from("data/x.db")
        );
        assert_eq!(
            sqlite_path("sqlite:x.db?mode=rwc").unwrap(),
            PathBuf::from("x.db")
        );
        assert!(matches!(
            sqlite_path("postgres://u@h/db"),
            Err(StoreError::PostgresUnsupported)
        ));
        assert!(matches!(
            sqlite_path("mysql://h/db"),
            Err(StoreError::BadUrl(_))
        ));
    }

    #[tokio::test]
    async fn created_migrated_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("sub/new.db");
        let s = Store::open(url.to_str().unwrap()).await.unwrap();
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(s.pool())
            .await
            .unwrap();
        assert_eq!(fk, 1);
        assert!(s.integrity_ok().await.unwrap());
        s.close().await;
        // opening again runs no migration twice and keeps the defaults single
        let s = Store::open(url.to_str().unwrap()).await.unwrap();
        assert_eq!(
            s.targets().await.unwrap().len(),
            domain::kpi::default_targets().len()
        );
    }
}
