//! The solvers against the peers a user would otherwise pick, on the benchmark
//! generators' files: `mcf` must print exactly the optimal cost Google OR-tools'
//! SimpleMinCostFlow printed for the same file (recorded here), and `stable` the same
//! matching as the `matching` package.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

fn generate(script: &str, args: &[&str], out: &Path) {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(script);
    let o = Command::new("python3")
        .arg(generator)
        .args(args)
        .output()
        .expect("python3 runs the generator");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(out, o.stdout).unwrap();
}

#[test]
fn mcf_prints_the_cost_or_tools_found_for_the_small_round() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("small.dimacs");
    generate(
        "gen_round_dimacs.py",
        &["2000", "1000", "200", "50", "1"],
        &f,
    );
    let o = Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .arg("mcf")
        .arg(&f)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // OR-tools 9.15 SimpleMinCostFlow on the same file: cost=-2539737
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "cost=-2539737");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("parse_s=") && err.contains("solve_s="),
        "{err}"
    );
}

#[test]
fn mcf_refuses_bad_files_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.dimacs");
    std::fs::write(&f, "p min 3 1\na 1 9 0 1 1\n").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .arg("mcf")
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("line 2: node 9 is outside 1..=3"));
}

#[test]
fn stable_gives_the_matching_package_s_answer() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("hr-small.json");
    generate("gen_hr.py", &["2000", "200", "20", "1"], &f);
    let o = Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .arg("stable")
        .arg(&f)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let peer = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hr-small-matching.csv"),
    )
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), peer);
    assert!(String::from_utf8_lossy(&o.stderr).contains("solve_s="));

    let needs = Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .args(["stable", "--optimal", "needs"])
        .arg(&f)
        .output()
        .unwrap();
    assert!(needs.status.success());
    let count = |s: &[u8]| String::from_utf8_lossy(s).lines().count();
    assert_eq!(
        count(&needs.stdout),
        count(peer.as_bytes()),
        "the same startups are matched either way"
    );
    let bad = Command::new(env!("CARGO_BIN_EXE_innobridge"))
        .args(["stable", "--optimal", "judges"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
