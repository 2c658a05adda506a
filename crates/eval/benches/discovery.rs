//! Discovery speed at the size of the issue: the demo program plus the SBIR and
//! Crunchbase startups (about 32,000). Set INNOBRIDGE_DATA to the folder holding
//! `sbir/` and `crunchbase-2013/` (default `../shared/data` beside the repository);
//! without it the bench runs on the demo program alone and says so.
//!
//!     cargo bench -p innobridge-eval --bench discovery

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use domain::records::read_startup;
use domain::{FxRates, Startup};
use search::{IndexState, SearchDoc, SearchIndex, SearchQuery, Sort};

fn data_dir() -> PathBuf {
    std::env::var_os("INNOBRIDGE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

fn load(path: PathBuf) -> Vec<Startup> {
    innobridge_eval::read_records(&path, read_startup).unwrap_or_else(|_| {
        eprintln!("(no {}: left out)", path.display());
        vec![]
    })
}

fn register() -> Vec<Startup> {
    let mut all = demo::generate(2022).startups;
    let dir = data_dir();
    all.extend(load(dir.join("sbir/startups.csv")));
    all.extend(load(dir.join("crunchbase-2013/startups.csv")));
    all
}

const QUERIES: &[&str] = &[
    "인공지능",
    "로봇",
    "AI 반도체",
    "핀테크 결제",
    "품질검사",
    "칩",
    "battery",
    "machine learning",
    "autonomous robot",
    "fraud detection payments",
    "laser sensor",
    "drug discovery",
    "solar cell",
    "software",
    "의료영상",
    "wireless network",
];

fn queries() -> Vec<SearchQuery> {
    let mut out = Vec::new();
    for (i, q) in QUERIES.iter().enumerate() {
        let mut query = SearchQuery {
            text: q.to_string(),
            limit: 20,
            facet_limit: 10,
            ..Default::default()
        };
        match i % 4 {
            1 => {
                query.filters.insert("country".into(), vec!["KR".into()]);
            }
            2 => query.sort = Sort::Funding,
            3 => query.offset = 20,
            _ => {}
        }
        out.push(query);
    }
    out
}

fn bench(c: &mut Criterion) {
    let startups = register();
    let rates = FxRates::default();
    let docs: Vec<SearchDoc> = startups
        .iter()
        .map(|s| SearchDoc::from_startup(s, &rates))
        .collect();
    eprintln!("register: {} startups", docs.len());
    let state = IndexState {
        database_id: "bench".into(),
        seq: 1,
    };

    let dir = tempfile::tempdir().expect("temp dir");
    let index = SearchIndex::open(dir.path()).expect("index");
    let t = Instant::now();
    index
        .rebuild(docs.iter().cloned(), &state)
        .expect("rebuild");
    eprintln!(
        "first build from scratch: {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // the latency distribution a user sees: every query many times, in-process
    let qs = queries();
    let mut times: Vec<f64> = Vec::new();
    for _ in 0..60 {
        for q in &qs {
            let t = Instant::now();
            black_box(index.search(q).expect("search"));
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    eprintln!(
        "query with facets over {} runs: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms",
        times.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99)
    );

    let mut g = c.benchmark_group("discovery");
    g.sample_size(10);
    g.bench_function("build index from scratch", |b| {
        b.iter(|| {
            index
                .rebuild(docs.iter().cloned(), &state)
                .expect("rebuild")
        })
    });
    g.finish();
    let mut g = c.benchmark_group("query");
    for q in qs.iter().take(6) {
        g.bench_function(format!("{} {:?}", q.text, q.sort), |b| {
            b.iter(|| black_box(index.search(q).expect("search")))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
