//! Databases for tests. Every store and app test opens its database through
//! [`fresh_database`], so the same suite runs on SQLite (by default) and on PostgreSQL
//! (when `INNOBRIDGE_TEST_POSTGRES` names a server, e.g.
//! `postgres://innobridge@127.0.0.1:5432/postgres`, whose user may create databases).
//! A server that is named but cannot be reached fails the test; nothing falls back.

use std::path::Path;

/// The variable naming the PostgreSQL server tests run against.
pub const POSTGRES_VAR: &str = "INNOBRIDGE_TEST_POSTGRES";

/// The PostgreSQL server the tests are pointed at, if any.
pub fn postgres_server() -> Option<String> {
    std::env::var(POSTGRES_VAR).ok().filter(|v| !v.is_empty())
}

/// A new, empty database for one test: the file `dir/name` (SQLite), or a database
/// created for it on the test server (PostgreSQL). Returns the URL to open.
pub fn fresh_database(dir: &Path, name: &str) -> String {
    match postgres_server() {
        None => dir.join(name).to_string_lossy().into_owned(),
        Some(server) => {
            let stem: String = name
                .chars()
                .take_while(|c| *c != '.')
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let db = format!("ib_{}_{}", stem.to_lowercase(), unique());
            let admin = server.clone();
            let created = db.clone();
            // its own thread and runtime: callable from sync tests and async ones alike
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime");
                rt.block_on(async {
                    use sqlx::Connection;
                    let mut c = sqlx::PgConnection::connect(&admin)
                        .await
                        .unwrap_or_else(|e| panic!("{POSTGRES_VAR}={admin}: {e}"));
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {created}")))
                        .execute(&mut c)
                        .await
                        .unwrap_or_else(|e| panic!("creating {created}: {e}"));
                    c.close().await.ok();
                })
            })
            .join()
            .expect("database created");
            with_database(&server, &db)
        }
    }
}

/// `server` (a PostgreSQL URL) pointed at database `db`.
pub fn with_database(server: &str, db: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (server, String::new()),
    };
    let (scheme, rest) = base.split_once("://").unwrap_or(("postgres", base));
    let authority = rest.split('/').next().unwrap_or(rest);
    format!("{scheme}://{authority}/{db}{query}")
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        t % 1_000_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_server_url_is_pointed_at_a_database() {
        assert_eq!(
            super::with_database("postgres://u@127.0.0.1:5432/postgres", "ib_x"),
            "postgres://u@127.0.0.1:5432/ib_x"
        );
        assert_eq!(
            super::with_database("postgres://u@h?sslmode=disable", "ib_x"),
            "postgres://u@h/ib_x?sslmode=disable"
        );
    }
}
