//! The size: 5,000 accepted requests among 1,000 participants (500 startups,
//! 500 enterprises) into 16 slots × 120 tables, and a König-condition instance that
//! must be placed whole (3,000 requests, every degree ≤ 16, 16 × 200 tables).
//!
//!     cargo bench -p innobridge-schedule --bench scheduler

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use innobridge_schedule::{Problem, Request, schedule};

/// `n` distinct startup–enterprise requests, no one with more than `max_degree`.
fn forum(n: usize, startups: u32, enterprises: u32, max_degree: usize, seed: u64) -> Vec<Request> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut degree = vec![0usize; (startups + enterprises) as usize];
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let a = rng.u32(0..startups);
        let b = startups + rng.u32(0..enterprises);
        if degree[a as usize] >= max_degree
            || degree[b as usize] >= max_degree
            || !seen.insert((a, b))
        {
            continue;
        }
        degree[a as usize] += 1;
        degree[b as usize] += 1;
        out.push(Request {
            a,
            b,
            fit: rng.f64(),
            previous: None,
        });
    }
    out
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("schedule");
    g.sample_size(20);
    let big = Problem {
        participants: 1000,
        slots: 16,
        tables: 120,
        available: vec![],
        requests: forum(5000, 500, 500, 20, 7),
    };
    let s = schedule(&big).expect("valid");
    eprintln!(
        "5000 requests, 16x120: placed {} of {}, upper bound {}",
        s.placed,
        big.requests.len(),
        s.upper_bound
    );
    g.bench_function("5000 requests 1000 participants 16x120", |b| {
        b.iter(|| black_box(schedule(&big).expect("valid")))
    });
    let konig = Problem {
        participants: 1000,
        slots: 16,
        tables: 200,
        available: vec![],
        requests: forum(3000, 500, 500, 16, 11),
    };
    let s = schedule(&konig).expect("valid");
    assert_eq!(
        s.placed, 3000,
        "König's condition holds, so everything is placed"
    );
    g.bench_function("3000 requests König 16x200", |b| {
        b.iter(|| black_box(schedule(&konig).expect("valid")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
