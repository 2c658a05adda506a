//! Persistence for innobridge: the embedded SQLite database (created and migrated on
//! first use, WAL and foreign keys on), upserts by external id, the KPI facts, and the
//! CSV/XLSX table files that imports and exports go through.

pub mod accounts;
mod admin;
pub mod backup;
pub mod calls;
mod changes;
pub mod clusters;
mod duplicates;
pub mod files;
pub mod forum;
pub mod inbox;
pub mod kpi;
mod locks;
mod mail;
pub mod overseas;
pub mod pipeline;
pub mod records;
pub mod rounds;
pub mod testing;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

pub use accounts::SessionRecord;
pub use admin::AuditRecord;
pub use changes::Change;
pub use duplicates::DuplicateFlag;
pub use forum::Placement;
pub use locks::{LockAttempt, LockHolder};
pub use mail::{AfterFailure, OutboxMail};
pub use pipeline::{MatchFilter, MatchRow, MatchView, OutcomeRow};
pub use records::{BatchResult, Incoming, Record, RecordAsRead};
pub use rounds::{Preference, Replaced};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("'{0}' is not a database URL: use a file path, sqlite://PATH or postgres://...")]
    BadUrl(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Busy(String),
    /// A write the stored data refuses (a closed center, a meeting slot taken), with
    /// the field at fault.
    #[error("{0}")]
    Refused(domain::FieldError),
    /// A match move its state machine refuses.
    #[error("{0}")]
    Transition(#[from] domain::TransitionError),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The connection pool of one of the two backends. Store methods are written once
/// and run on either through [`with_pool!`]: the same SQL (numbered `$N` parameters,
/// which both accept), compiled against each driver's own types.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the store's SQLite or PostgreSQL pool.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:block) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Opens a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails
/// outright (`SQLITE_BUSY`) when another connection wrote in between, where an
/// immediate one waits its turn.
pub(crate) trait Begin {
    type Db: sqlx::Database;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>;
}

impl Begin for SqlitePool {
    type Db = Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, sqlx::Error> {
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl Begin for PgPool {
    type Db = Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Postgres>, sqlx::Error> {
        self.begin().await
    }
}

/// A connection (or a transaction's) of either backend, for helpers that write inside
/// a caller's transaction.
pub(crate) enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

pub(crate) trait AsConn {
    fn conn(&mut self) -> Conn<'_>;
}

impl AsConn for SqliteConnection {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Sqlite(self)
    }
}

impl AsConn for PgConnection {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Postgres(self)
    }
}

impl AsConn for sqlx::Transaction<'_, Sqlite> {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Sqlite(self)
    }
}

impl AsConn for sqlx::Transaction<'_, Postgres> {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Postgres(self)
    }
}

impl AsConn for sqlx::pool::PoolConnection<Sqlite> {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Sqlite(self)
    }
}

impl AsConn for sqlx::pool::PoolConnection<Postgres> {
    fn conn(&mut self) -> Conn<'_> {
        Conn::Postgres(self)
    }
}

/// Runs `$body` with `$c` rebound to the concrete connection behind it.
macro_rules! with_conn {
    ($c:ident => $body:block) => {
        match $crate::AsConn::conn($c) {
            $crate::Conn::Sqlite($c) => $body,
            $crate::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use with_conn;

/// A value both drivers decode.
pub(crate) trait Portable:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
{
}

impl<T> Portable for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
{
}

/// A row of either backend, read by column name.
pub(crate) trait Get {
    fn col<T: Portable>(&self, name: &str) -> Result<T>;
}

impl Get for sqlx::sqlite::SqliteRow {
    fn col<T: Portable>(&self, name: &str) -> Result<T> {
        Ok(sqlx::Row::try_get(self, name)?)
    }
}

impl Get for sqlx::postgres::PgRow {
    fn col<T: Portable>(&self, name: &str) -> Result<T> {
        Ok(sqlx::Row::try_get(self, name)?)
    }
}

/// Which backend and where: a SQLite file, or a PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    File(PathBuf),
    /// The URL without its password.
    Server(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::File(p) => write!(f, "{}", p.display()),
            Location::Server(url) => f.write_str(url),
        }
    }
}

/// The program's database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    location: Location,
}

/// Where the database lives, parsed from `--db` / `INNOBRIDGE_DATABASE_URL`: a
/// SQLite file, or a PostgreSQL URL (returned whole).
pub fn parse_url(url: &str) -> Result<Location> {
    let u = url.trim();
    if u.starts_with("postgres://") || u.starts_with("postgresql://") {
        return Ok(Location::Server(u.to_string()));
    }
    let p = u
        .strip_prefix("sqlite://")
        .or_else(|| u.strip_prefix("sqlite:"))
        .unwrap_or(u);
    let p = p.split('?').next().unwrap_or(p);
    if p.is_empty() || p.contains("://") {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    Ok(Location::File(PathBuf::from(p)))
}

/// A URL split into the URL without its password and the password
/// (`scheme://user:password@host/…`), for logs, for tools that take the password from
/// their environment, and to refuse passwords on the command line.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    match authority
        .rsplit_once('@')
        .and_then(|(userinfo, host)| Some((userinfo.split_once(':')?, host)))
    {
        Some(((user, password), host)) => (
            format!("{scheme}://{user}@{host}{tail}"),
            Some(password.to_string()),
        ),
        None => (url.to_string(), None),
    }
}

/// A URL with its password replaced, for logs and summaries.
pub fn redact(url: &str) -> String {
    match split_password(url) {
        (bare, Some(_)) => bare.replacen('@', ":***@", 1),
        (bare, None) => bare,
    }
}

/// The queries by feature; each is a view of the store, as cheap to make as a reference.
impl Store {
    /// People and their sessions: accounts with their password hashes, sessions, password resets and counted login attempts.
    pub fn accounts(&self) -> accounts::Accounts<'_> {
        accounts::Accounts { store: self }
    }

    /// Notifications and the mail outbox: inbox messages, the members they go to, and the queue of mail with its attempts.
    pub fn inbox(&self) -> inbox::Inbox<'_> {
        inbox::Inbox { store: self }
    }

    /// The program's records: startups, enterprises and needs, written by import batches, read back, deleted, and their duplicate flags.
    pub fn records(&self) -> records::Records<'_> {
        records::Records { store: self }
    }

    /// Matches and what follows them: states and their history, entitlement to confidential needs, reasons, and outcomes.
    pub fn pipeline(&self) -> pipeline::Pipeline<'_> {
        pipeline::Pipeline { store: self }
    }

    /// Matching rounds: their proposals, publication, and the preferences stable rounds read.
    pub fn rounds(&self) -> rounds::Rounds<'_> {
        rounds::Rounds { store: self }
    }

    /// Forum events: registrations, availability, meeting requests and the saved schedule.
    pub fn forum(&self) -> forum::Forum<'_> {
        forum::Forum { store: self }
    }

    /// Overseas growth centers, their applications, decisions and outcomes.
    pub fn centers(&self) -> overseas::Centers<'_> {
        overseas::Centers { store: self }
    }

    /// Open calls: applications and attachments, evaluators, conflicts, reviews and stage decisions.
    pub fn calls(&self) -> calls::Calls<'_> {
        calls::Calls { store: self }
    }

    /// Industry clusters and the pairs of industries that count as convergence.
    pub fn clusters(&self) -> clusters::Clusters<'_> {
        clusters::Clusters { store: self }
    }

    /// What the KPIs are computed from: the facts, their data version, targets and exchange rates.
    pub fn kpi(&self) -> kpi::Kpi<'_> {
        kpi::Kpi { store: self }
    }
}

impl Store {
    /// Opens (creating and migrating on first use) the database at `url`.
    pub async fn open(url: &str) -> Result<Self> {
        let location = parse_url(url)?;
        let pool = match &location {
            Location::File(path) => Pool::Sqlite(Self::open_sqlite(path).await?),
            Location::Server(url) => {
                let opts = PgConnectOptions::from_str(url)?;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(opts)
                    .await?;
                POSTGRES_MIGRATOR.run(&pool).await?;
                Pool::Postgres(pool)
            }
        };
        let location = match location {
            Location::Server(url) => Location::Server(redact(&url)),
            file => file,
        };
        let store = Store { pool, location };
        store.seed_defaults().await?;
        store.backfill_duplicate_keys().await?;
        Ok(store)
    }

    pub(crate) async fn open_sqlite(path: &Path) -> Result<SqlitePool> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(sqlx::Error::Io(e)))?;
        }
        let opts = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        SQLITE_MIGRATOR.run(&pool).await?;
        Ok(pool)
    }

    /// Rows written before duplicate keys existed get them.
    pub(crate) async fn backfill_duplicate_keys(&self) -> Result<()> {
        with_pool!(self, pool => {
            let rows: Vec<(i64, String, Option<String>, Option<String>)> =
                sqlx::query_as("SELECT id, name, name_en, website FROM startups WHERE name_key = ''")
                    .fetch_all(pool)
                    .await?;
            let enterprises: Vec<(i64, String, Option<String>)> =
                sqlx::query_as("SELECT id, name, name_en FROM enterprises WHERE name_key = ''")
                    .fetch_all(pool)
                    .await?;
            if rows.is_empty() && enterprises.is_empty() {
                return Ok(());
            }
            let mut tx = crate::Begin::begin_write(pool).await?;
            for (id, name, name_en) in enterprises {
                sqlx::query("UPDATE enterprises SET name_key = $1, name_en_key = $2 WHERE id = $3")
                    .bind(domain::dedup::name_key(&name))
                    .bind(name_en.as_deref().map(domain::dedup::name_key).unwrap_or_default())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            for (id, name, name_en, website) in rows {
                sqlx::query(
                    "UPDATE startups SET name_key = $1, name_en_key = $2, web_domain = $3 WHERE id = $4",
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
        })
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The SQLite file, when the database is one.
    pub fn file(&self) -> Option<&Path> {
        match &self.location {
            Location::File(p) => Some(p),
            Location::Server(_) => None,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.pool, Pool::Postgres(_))
    }

    /// Answers when the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }

    /// Runs SQL as given, for maintenance scripts and tests (the caller vouches for it).
    pub async fn execute_unchecked(&self, sql: &str) -> Result<u64> {
        with_pool!(self, pool => {
            Ok(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(pool)
                .await?
                .rows_affected())
        })
    }

    /// SQLite: `PRAGMA integrity_check` and `foreign_key_check` both clean.
    /// PostgreSQL: every foreign key holds (the server checks pages itself) and
    /// every index is valid.
    pub async fn integrity_ok(&self) -> Result<bool> {
        match &self.pool {
            Pool::Sqlite(pool) => {
                let r: (String,) = sqlx::query_as("PRAGMA integrity_check")
                    .fetch_one(pool)
                    .await?;
                let fk: Vec<(String,)> =
                    sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                        .fetch_all(pool)
                        .await?;
                Ok(r.0 == "ok" && fk.is_empty())
            }
            Pool::Postgres(pool) => {
                let (invalid,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                     JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND NOT i.indisvalid",
                )
                .fetch_one(pool)
                .await?;
                // the foreign keys the schema declares, each checked for orphans
                let fks: Vec<(String, String, String, String)> = sqlx::query_as(
                    "SELECT tc.table_name::text, kcu.column_name::text, ccu.table_name::text, ccu.column_name::text
                     FROM information_schema.table_constraints tc
                     JOIN information_schema.key_column_usage kcu
                       ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
                     JOIN information_schema.constraint_column_usage ccu
                       ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
                     WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
                )
                .fetch_all(pool)
                .await?;
                for (t, c, rt, rc) in fks {
                    let sql = format!(
                        "SELECT COUNT(*) FROM \"{t}\" x WHERE x.\"{c}\" IS NOT NULL
                         AND NOT EXISTS (SELECT 1 FROM \"{rt}\" y WHERE y.\"{rc}\" = x.\"{c}\")"
                    );
                    let (orphans,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                        .fetch_one(pool)
                        .await?;
                    if orphans > 0 {
                        return Ok(false);
                    }
                }
                Ok(invalid == 0)
            }
        }
    }

    /// Row counts of the main tables, for summaries and tests.
    pub async fn counts(&self) -> Result<Counts> {
        let q = |t: &'static str| async move {
            with_pool!(self, pool => {
                let n: (i64,) =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
                        .fetch_one(pool)
                        .await?;
                Ok::<u64, StoreError>(n.0 as u64)
            })
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
        with_pool!(self, pool => { pool.close().await })
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

/// `$1,$2,…,$n`: numbered parameters for an `IN (…)` list.
pub(crate) fn marks(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",")
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
    fn urls_name_a_sqlite_file_or_a_postgres_server() {
        let file = |p: &str| Location::File(PathBuf::from(p));
        assert_eq!(parse_url("./x.db").unwrap(), file("./x.db"));
        assert_eq!(parse_url("sqlite://data/x.db").unwrap(), file("data/x.db"));
        assert_eq!(parse_url("sqlite:x.db?mode=rwc").unwrap(), file("x.db"));
        assert_eq!(
            parse_url("postgres://u@h/db").unwrap(),
            Location::Server("postgres://u@h/db".into())
        );
        assert!(matches!(
            parse_url("mysql://h/db"),
            Err(StoreError::BadUrl(_))
        ));
        assert_eq!(
            redact("postgres://app:s3cret@db.example:5432/ib?sslmode=require"),
            "postgres://app:***@db.example:5432/ib?sslmode=require"
        );
        assert_eq!(redact("postgres://app@h/db"), "postgres://app@h/db");
        assert_eq!(
            split_password("postgres://app:s3cret@db:5432/ib?sslmode=require"),
            (
                "postgres://app@db:5432/ib?sslmode=require".to_string(),
                Some("s3cret".to_string())
            )
        );
        assert_eq!(split_password("./x.db"), ("./x.db".to_string(), None));
    }

    #[tokio::test]
    async fn created_migrated_with_wal_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("sub/new.db");
        let s = Store::open(url.to_str().unwrap()).await.unwrap();
        let Pool::Sqlite(pool) = &s.pool else {
            panic!("a file is SQLite")
        };
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        assert!(s.integrity_ok().await.unwrap());
        s.close().await;
        // opening again runs no migration twice and keeps the defaults single
        let s = Store::open(url.to_str().unwrap()).await.unwrap();
        assert_eq!(
            s.kpi().targets().await.unwrap().len(),
            domain::kpi::default_targets().len()
        );
    }
}
