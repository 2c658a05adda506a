//! Recommendations from the command line: the CSV shape the spec fixes, reasons, the
//! same ranking a round starts from, and `eval` measuring the engine and its baselines
//! on slices of the real data.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

mod common;

use common::{ok, run};
use std::path::{Path, PathBuf};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn rows(csv_text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn recommendations_for_needs_and_startups_follow_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let db = std::path::PathBuf::from(store::testing::fresh_database(dir.path(), "demo.db"));
    ok(run(&db, &["demo", "--no-serve"]));

    let needs = dir.path().join("needs.txt");
    std::fs::write(&needs, "need_id\nnd-0001-next-1\n\nnd-0002-next-2\n").unwrap();
    let out = ok(run(
        &db,
        &[
            "recommend",
            "--needs",
            needs.to_str().unwrap(),
            "--top",
            "5",
        ],
    ));
    assert!(
        out.starts_with("need_id,rank,startup_id,score,reasons\n"),
        "{out}"
    );
    let r = rows(&out);
    assert_eq!(r.len(), 10);
    assert_eq!(&r[0][0], "nd-0001-next-1");
    assert_eq!(&r[5][0], "nd-0002-next-2");
    let ranks: Vec<&str> = r[..5].iter().map(|x| &x[1]).collect();
    assert_eq!(ranks, ["1", "2", "3", "4", "5"]);
    let scores: Vec<f64> = r[..5].iter().map(|x| x[3].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert!(
        r.iter()
            .all(|x| x[2].starts_with("st-") && !x[4].is_empty())
    );

    // the ranking a round starts from: a dry run proposes the need's top startups
    let pairs = ok(run(&db, &["match", "--round", "r", "--dry-run", "--pairs"]));
    let proposed: Vec<csv::StringRecord> = rows(&pairs)
        .into_iter()
        .filter(|x| &x[1] == "nd-0001-next-1")
        .collect();
    assert!(!proposed.is_empty());
    let top10 = ok(run(
        &db,
        &[
            "recommend",
            "--needs",
            needs.to_str().unwrap(),
            "--top",
            "40",
        ],
    ));
    let ranked: Vec<String> = rows(&top10)
        .into_iter()
        .filter(|x| &x[0] == "nd-0001-next-1")
        .map(|x| x[2].to_string())
        .collect();
    for p in &proposed {
        assert!(
            ranked.iter().any(|s| s == &p[0]),
            "{} among the ranked",
            &p[0]
        );
    }

    let startups = dir.path().join("startups.txt");
    std::fs::write(&startups, "st-00001\nst-00002\n").unwrap();
    let out = ok(run(
        &db,
        &["recommend", "--startups", startups.to_str().unwrap()],
    ));
    assert!(out.starts_with("startup_id,rank,enterprise_id,score,reasons\n"));
    let r = rows(&out);
    assert_eq!(r.len(), 20);
    assert!(r.iter().all(|x| x[2].starts_with("en-")));
    assert_eq!(&r[10][0], "st-00002");
    assert_eq!(&r[10][1], "1");

    let all = ok(run(&db, &["recommend", "--all", "--top", "3"]));
    assert_eq!(rows(&all).len(), 2210 * 3);

    // unknown ids and a missing mode are usage errors
    std::fs::write(&startups, "st-nope\n").unwrap();
    let o = run(
        &db,
        &["recommend", "--startups", startups.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("st-nope"));
    assert_eq!(run(&db, &["recommend"]).status.code(), Some(2));
}

/// `eval` on slices of the real data: needs whose text is in no profile (SBIR Phase I
/// abstracts against Phase II profiles), a temporal split for investors; every ranker
/// of a task on the same cases, every figure with its 95% interval.
#[test]
fn eval_measures_the_engine_and_its_baselines_on_unseen_cases() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(run(
        &dir.path().join("unused.db"),
        &[
            "eval",
            "--sbir",
            fixture("eval/sbir/startups.csv").to_str().unwrap(),
            "--crunchbase",
            fixture("eval/crunchbase-2013").to_str().unwrap(),
            "--json",
        ],
    ));
    let reports: serde_json::Value = serde_json::from_str(&out).unwrap();
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 3);
    let hit_rate = |r: &serde_json::Value, ranker: &str| {
        r["rankers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["ranker"] == ranker)
            .unwrap_or_else(|| panic!("{ranker} in {r}"))["metrics"]["hit_rate_at_10"]["value"]
            .as_f64()
            .unwrap()
    };
    for r in reports {
        assert!(r["cases"].as_u64().unwrap() >= 100, "{r}");
        for k in r["rankers"].as_array().unwrap() {
            for metric in ["hit_rate_at_10", "recall_at_10", "mrr", "ndcg_at_10"] {
                let e = &k["metrics"][metric];
                let (low, value, high) = (
                    e["low"].as_f64().unwrap(),
                    e["value"].as_f64().unwrap(),
                    e["high"].as_f64().unwrap(),
                );
                assert!(
                    0.0 <= low && low <= value && value <= high && high <= 1.0,
                    "{k}"
                );
                assert!(
                    low < high || value == 0.0,
                    "an interval from varied cases has a width: {k}"
                );
            }
        }
    }
    let (sbir, korean, crunchbase) = (&reports[0], &reports[1], &reports[2]);
    assert_eq!(sbir["cases"], 125, "every need of the slice has its firm");
    // a need titled in Korean finds the English profiles through the glossary: words
    // alone find nothing across the languages
    assert_eq!(korean["cases"], 123, "the needs with a Korean title");
    let (in_korean, in_english) = (
        hit_rate(korean, "innobridge, Korean title"),
        hit_rate(korean, "innobridge, English title"),
    );
    assert!(
        hit_rate(korean, "TF-IDF cosine, Korean title") < 0.05,
        "{korean}"
    );
    // measured 0.26 against 0.44 on this slice (0.08 against 0.25 on the 12,244 firms):
    // a guard against losing the glossary, not the goal (0.9 × English)
    assert!(
        in_korean > 0.15 && in_korean >= 0.4 * in_english,
        "Korean {in_korean}, English {in_english}: {korean}"
    );
    for ranker in ["innobridge", "TF-IDF cosine", "BM25"] {
        assert!(hit_rate(sbir, ranker) > 0.3, "{ranker}: {sbir}");
    }
    assert!(
        hit_rate(crunchbase, "innobridge") > hit_rate(crunchbase, "10 most active"),
        "{crunchbase}"
    );
    assert!(hit_rate(crunchbase, "most active in category × region") > 0.0);
    // the engine's lead over each baseline, case by case, with its paired interval
    for (r, baselines) in [
        (sbir, vec!["TF-IDF cosine", "BM25"]),
        (
            crunchbase,
            vec!["10 most active", "most active in category × region"],
        ),
    ] {
        let leads = r["leads"].as_array().unwrap();
        let named: Vec<&str> = leads
            .iter()
            .map(|l| l["baseline"].as_str().unwrap())
            .collect();
        assert_eq!(named, baselines);
        for l in leads {
            let d = &l["difference"]["hit_rate_at_10"];
            let (low, value, high) = (
                d["low"].as_f64().unwrap(),
                d["value"].as_f64().unwrap(),
                d["high"].as_f64().unwrap(),
            );
            assert!(low <= value && value <= high, "{l}");
            let baseline = l["baseline"].as_str().unwrap();
            let gap = hit_rate(r, "innobridge") - hit_rate(r, baseline);
            assert!(
                (value - gap).abs() < 1e-9,
                "the lead is the gap of the means: {l}"
            );
        }
    }
    let lead = &crunchbase["leads"][0]["difference"]["mrr"];
    assert!(
        lead["low"].as_f64().unwrap() > 0.0,
        "ahead of popularity in MRR beyond doubt on these cases: {lead}"
    );
    assert!(
        !dir.path().join("unused.db").exists(),
        "eval needs no database"
    );
}
