//! The min-cost-flow solver on the benchmark's small round (2,000 startups, 1,000
//! needs, 200 enterprises, 50 candidates each) and deferred acceptance on the small
//! hospital–resident instance. The files are made by the generators in
//! `tests/fixtures` (python3), or taken from INNOBRIDGE_DIMACS / INNOBRIDGE_HR.
//!
//!     cargo bench -p innobridge-matching --bench solvers

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};

fn file(var: &str, script: &str, args: &[&str]) -> Vec<u8> {
    if let Some(p) = std::env::var_os(var) {
        return std::fs::read(p).expect("readable file");
    }
    let generator = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(script);
    let o = Command::new("python3")
        .arg(generator)
        .args(args)
        .output()
        .expect("python3 runs the generator");
    assert!(o.status.success());
    o.stdout
}

fn bench(c: &mut Criterion) {
    let dimacs = file(
        "INNOBRIDGE_DIMACS",
        "gen_round_dimacs.py",
        &["2000", "1000", "200", "50", "1"],
    );
    let net = innobridge_matching::dimacs::parse(&dimacs).expect("valid file");
    let mut g = c.benchmark_group("mcf");
    g.sample_size(20);
    g.bench_function("parse small round", |b| {
        b.iter(|| black_box(innobridge_matching::dimacs::parse(&dimacs).expect("parse")))
    });
    g.bench_function("solve small round", |b| {
        b.iter(|| black_box(net.solve().expect("solvable")))
    });
    g.finish();

    let hr: serde_json::Value = serde_json::from_slice(&file(
        "INNOBRIDGE_HR",
        "gen_hr.py",
        &["2000", "200", "20", "1"],
    ))
    .expect("json");
    let (inst, _, _) = innobridge_matching::stable::from_json(&hr).expect("an instance");
    c.bench_function("stable/startup-optimal small", |b| {
        b.iter(|| black_box(inst.solve(innobridge_matching::stable::Optimal::Startups)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
