//! Where the SBIR evaluation's time goes (profiles, index, ranking), for tuning.
//!
//!     cargo run --release -p innobridge-eval --example eval_profile -- ../shared/data/sbir

// a measuring script: a failure ends it with the reason
#![allow(clippy::unwrap_used)]

use std::time::Instant;

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("path to sbir/"));
    let firms =
        innobridge_eval::read_records(&dir.join("startups.csv"), domain::records::read_startup)
            .unwrap();
    let needs = innobridge_eval::read_records(
        &dir.join("validation-needs.csv"),
        domain::records::read_need,
    )
    .unwrap();
    let t0 = Instant::now();
    let mut p = app::profiles::Profiler::default();
    let profiles: Vec<_> = firms.iter().map(|s| p.startup(s)).collect();
    println!("startup profiles {:.2} s", t0.elapsed().as_secs_f64());
    let t0 = Instant::now();
    let policy = matching::policy::Policy {
        floor: 0.0,
        candidates_per_need: 10,
        ..Default::default()
    };
    let engine = matching::score::Engine::new(&profiles, &policy, &[]);
    println!("index {:.2} s", t0.elapsed().as_secs_f64());
    let t0 = Instant::now();
    let np: Vec<_> = needs.iter().map(|n| p.need(n, None)).collect();
    println!("need profiles {:.2} s", t0.elapsed().as_secs_f64());
    let t0 = Instant::now();
    for n in &np {
        std::hint::black_box(engine.candidates(n, |_| false));
    }
    println!("candidates {:.2} s", t0.elapsed().as_secs_f64());
}
