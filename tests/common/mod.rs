//! Helpers the integration tests share: run the built binary on a database and insist
//! it succeeded.
#![allow(dead_code)] // each test crate uses its own part

use std::path::Path;
use std::process::{Command, Output};

/// `innobridge --db DB ARGS…`, with no database from the environment.
pub fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .env_remove("INNOBRIDGE_DATABASE_URL")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("runs")
}

/// Standard output of a run that must have exited 0 (stderr shown when not).
pub fn ok(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}
