//! Where a discovery query spends its time: the same queries with and without facet
//! counts and snippets, over the bench's register (see benches/discovery.rs).

// a measuring script: a failure ends it with the reason
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use domain::FxRates;
use domain::records::read_startup;
use search::{IndexState, SearchDoc, SearchIndex, SearchQuery};

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::var("INNOBRIDGE_DATA").unwrap_or_else(|_| "../shared/data".into()),
    );
    let mut all = demo::generate(2022).startups;
    for f in ["sbir/startups.csv", "crunchbase-2013/startups.csv"] {
        if let Ok(found) = innobridge_eval::read_records(&dir.join(f), read_startup) {
            all.extend(found);
        }
    }
    let rates = FxRates::default();
    let idx = SearchIndex::in_memory().unwrap();
    idx.rebuild(
        all.iter().map(|s| SearchDoc::from_startup(s, &rates)),
        &IndexState {
            database_id: "p".into(),
            seq: 1,
        },
    )
    .unwrap();
    let texts = [
        "인공지능",
        "로봇",
        "AI 반도체",
        "software",
        "laser sensor",
        "machine learning",
        "칩",
    ];
    for (facets, snippets) in [(10, true), (0, true), (10, false), (0, false)] {
        let mut times = vec![];
        for _ in 0..20 {
            for t in texts {
                let q = SearchQuery {
                    text: t.into(),
                    facet_limit: facets,
                    snippets,
                    ..Default::default()
                };
                let s = Instant::now();
                let r = idx.search(&q).unwrap();
                std::hint::black_box(r);
                times.push(s.elapsed().as_secs_f64() * 1000.0);
            }
        }
        times.sort_by(f64::total_cmp);
        println!(
            "facets {facets:>2} snippets {snippets:<5}: p50 {:.2} ms p99 {:.2} ms",
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
    }
    for t in texts {
        let q = SearchQuery {
            text: t.into(),
            ..Default::default()
        };
        let r = idx.search(&q).unwrap();
        println!("{t}: total {}", r.total);
    }
}
