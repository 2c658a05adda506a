//! Matching-engine speed on the demo program (2,210 startups, 432 open needs): pairs
//! scored in full per second, candidate retrieval per need, and a whole round's
//! assignment (retrieval, scoring and the min-cost flow) without the database.
//!
//!     cargo bench -p innobridge-eval --bench scoring

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use app::profiles::{Profiler, by_id};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use matching::policy::Policy;
use matching::round::{Pair, Problem, SCALE};
use matching::score::Engine;

fn bench(c: &mut Criterion) {
    let p = demo::generate(2022);
    let mut prof = Profiler::default();
    let startups: Vec<_> = p.startups.iter().map(|s| prof.startup(s)).collect();
    let ents = by_id(&p.enterprises);
    let open: Vec<_> = p.needs.iter().filter(|n| n.id.contains("-next-")).collect();
    let needs: Vec<_> = open
        .iter()
        .map(|n| prof.need(n, ents.get(n.enterprise_id.as_str()).copied()))
        .collect();
    let policy = Policy::default();
    let convergence: Vec<(String, String)> = domain::industry::DEFAULT_CONVERGENCE_PAIRS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    let engine = Engine::new(&startups, &policy, &convergence);

    // every open need against 50 startups spread over the register
    let per_need = 50;
    let mut g = c.benchmark_group("scoring");
    g.throughput(Throughput::Elements((needs.len() * per_need) as u64));
    g.bench_function("pairs scored in full with reasons", |b| {
        b.iter(|| {
            for (k, n) in needs.iter().enumerate() {
                let prepared = engine.prepare(n);
                for i in 0..per_need {
                    let s = ((k * 7919 + i * 104_729) % startups.len()) as u32;
                    black_box(engine.score_prepared(&prepared, s));
                }
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("retrieval");
    g.throughput(Throughput::Elements(needs.len() as u64));
    g.bench_function("candidates for every open need", |b| {
        b.iter(|| {
            for n in &needs {
                black_box(engine.candidates(n, |_| false));
            }
        })
    });
    g.finish();

    let e_index: std::collections::HashMap<&str, u32> = p
        .enterprises
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i as u32))
        .collect();
    c.bench_function("round: index, retrieve, score and assign", |b| {
        b.iter(|| {
            let engine = Engine::new(&startups, &policy, &convergence);
            let mut problem = Problem {
                need_enterprise: open
                    .iter()
                    .map(|n| e_index[n.enterprise_id.as_str()])
                    .collect(),
                need_slots: open.iter().map(|n| n.slots as u32).collect(),
                enterprise_capacity: p
                    .enterprises
                    .iter()
                    .map(|e| e.capacity.unwrap_or(5) as u32)
                    .collect(),
                ..Problem::new(startups.len(), &policy)
            };
            for (k, n) in needs.iter().enumerate() {
                for s in engine.candidates(n, |_| false) {
                    problem.pairs.push(Pair {
                        startup: s.startup,
                        need: k as u32,
                        fit: (s.score * SCALE) as i64,
                    });
                }
            }
            black_box(problem.assign())
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
