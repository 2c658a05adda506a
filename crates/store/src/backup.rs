//! Backups and restores. SQLite: an online, consistent copy by `VACUUM INTO` (writers
//! keep going), restored by checking the copy and swapping it in whole. PostgreSQL: the
//! server's own tools, `pg_dump --format=custom` and `pg_restore --clean` in one
//! transaction (they must be on the PATH; the password, if any, goes to them in
//! `PGPASSWORD`, never on their command line).

use std::path::Path;
use std::process::Command;

use crate::{Location, Result, Store, StoreError, parse_url};

fn failed(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Conflict(format!("{what}: {e}"))
}

fn pg_tool(tool: &str, url: &str, args: &[&str]) -> Result<()> {
    let (url, password) = crate::split_password(url);
    let mut c = Command::new(tool);
    c.args(args).arg("--dbname").arg(&url);
    if let Some(p) = password {
        c.env("PGPASSWORD", p);
    }
    let out = c.output().map_err(|e| {
        failed(
            &format!("{tool} (PostgreSQL's client tools must be installed)"),
            e,
        )
    })?;
    if !out.status.success() {
        return Err(failed(tool, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(())
}

impl Store {
    /// Writes a consistent copy of the database to `to` (which must not exist) while
    /// it stays in use.
    pub async fn backup(&self, to: &Path, url: &str) -> Result<()> {
        if to.exists() {
            return Err(failed(
                "backup",
                format!("{} exists; choose a new file", to.display()),
            ));
        }
        match self.location() {
            Location::File(_) => {
                let target = to
                    .to_str()
                    .ok_or_else(|| failed("backup", "path is not UTF-8"))?;
                let crate::Pool::Sqlite(pool) = &self.pool else {
                    unreachable!("a file is SQLite")
                };
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(pool)
                    .await?;
                Ok(())
            }
            Location::Server(_) => {
                let file = to.to_string_lossy();
                pg_tool(
                    "pg_dump",
                    url,
                    &["--format=custom", "--no-owner", "--file", &file],
                )
            }
        }
    }
}

/// Replaces the database at `url` with the backup `from`. Nothing else may have the
/// database open. SQLite: the backup is checked first and swapped in whole (a crash
/// leaves either the old database or the new one); PostgreSQL: `pg_restore --clean`
/// in a single transaction.
pub async fn restore(url: &str, from: &Path) -> Result<()> {
    if !from.is_file() {
        return Err(failed(
            "restore",
            format!("no backup file {}", from.display()),
        ));
    }
    match parse_url(url)? {
        Location::File(db) => {
            let staged = db.with_extension("restoring");
            std::fs::copy(from, &staged).map_err(|e| failed("restore", e))?;
            {
                let check = Store::open(&staged.to_string_lossy()).await?;
                let ok = check.integrity_ok().await?;
                check.close().await;
                if !ok {
                    let _ = std::fs::remove_file(&staged);
                    return Err(failed("restore", "the backup fails its integrity check"));
                }
            }
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", staged.display()));
            }
            std::fs::File::open(&staged)
                .and_then(|f| f.sync_all())
                .map_err(|e| failed("restore", e))?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            std::fs::rename(&staged, &db).map_err(|e| failed("restore", e))?;
            Ok(())
        }
        Location::Server(url) => {
            let file = from.to_string_lossy();
            pg_tool(
                "pg_restore",
                &url,
                &[
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    &file,
                ],
            )
        }
    }
}
