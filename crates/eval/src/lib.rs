//! The evaluation harness behind `innobridge eval`: measures the recommendations on
//! real data no one here wrote, on cases whose answers the engine has not seen (never
//! the held-out sets), against plain baselines computed in the same run. It is a tool
//! beside the product: the app and web crates do not depend on it. Its criterion
//! benches time the engines on the same data.
//!
//! - need → startups on SBIR firms: the needs are Phase I award abstracts
//!   (`validation-needs.csv`), the right answer the firm that won the award
//!   (`validation-truth.csv`); the firms' profiles hold their Phase II awards only, so
//!   no need's text is in any profile, as with a real need. Baselines: TF-IDF cosine
//!   and BM25 over the same profiles.
//! - startup → enterprises on Crunchbase 2013: learn from investments before the split
//!   date, test on the investments after it in startups that had none before.
//!   Baselines: the most active investors for everyone, and the most active in the
//!   startup's category and region.
//!
//! Both run the same ranking code as `innobridge recommend`. Every figure comes with a
//! bootstrap 95% interval ([`metrics`]).

pub mod baselines;
pub mod metrics;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use domain::FieldError;
use domain::{Enterprise, Need, Outcome, Startup};
use serde::Serialize;

use app::recommend::{learn, rank_startups_for_needs};
use app::{AppError, Result};

use baselines::{TextIndex, most_frequent};
pub use metrics::{CaseScores, Estimate, Metrics, TOP, metrics};

/// One ranker's result on a task.
#[derive(Debug, Clone, Serialize)]
pub struct RankerReport {
    pub ranker: String,
    pub metrics: Metrics,
    /// Time to rank every case, building its index or learning its model included.
    pub seconds: f64,
}

/// How far the engine is ahead of one baseline, case by case.
#[derive(Debug, Clone, Serialize)]
pub struct Lead {
    pub baseline: String,
    /// The engine's metrics minus the baseline's, with paired intervals.
    pub difference: Metrics,
}

/// One task's result: the engine first, then each baseline on the same cases, and the
/// engine's lead over each.
#[derive(Debug, Clone, Serialize)]
pub struct TaskReport {
    pub task: String,
    pub cases: usize,
    pub rankers: Vec<RankerReport>,
    pub leads: Vec<Lead>,
}

impl TaskReport {
    fn new(task: &str, measured: Vec<(RankerReport, Vec<CaseScores>)>) -> Self {
        let leads = match measured.split_first() {
            Some(((_, engine), baselines)) => baselines
                .iter()
                .map(|(b, cases)| Lead {
                    baseline: b.ranker.clone(),
                    difference: metrics::difference(engine, cases),
                })
                .collect(),
            None => Vec::new(),
        };
        Self {
            task: task.to_string(),
            cases: measured.first().map_or(0, |m| m.1.len()),
            rankers: measured.into_iter().map(|m| m.0).collect(),
            leads,
        }
    }
}

/// Times `rank` and scores what it returns, case by case.
fn measure(
    ranker: &str,
    truth: &[HashSet<String>],
    rank: impl FnOnce() -> Vec<Vec<String>>,
) -> (RankerReport, Vec<CaseScores>) {
    let t = Instant::now();
    let ranked = rank();
    let seconds = t.elapsed().as_secs_f64();
    let cases = metrics::case_scores(&ranked, truth);
    let report = RankerReport {
        ranker: ranker.to_string(),
        seconds,
        metrics: metrics(&cases),
    };
    (report, cases)
}

/// The rows of a CSV/XLSX file as column → cell maps (rows that cannot be read are
/// skipped: an evaluation reads data that an import would report on).
fn read_rows(path: &Path) -> Result<Vec<HashMap<String, String>>> {
    let t = store::files::read_table(path)?;
    Ok(t.rows
        .iter()
        .filter_map(|r| {
            let cells = r.cells.as_ref().ok()?;
            Some(
                t.headers
                    .iter()
                    .cloned()
                    .zip(cells.iter().cloned())
                    .collect(),
            )
        })
        .collect())
}

/// The records of a CSV/XLSX file that parse.
pub fn read_records<T>(
    path: &Path,
    parse: impl Fn(&HashMap<String, String>) -> std::result::Result<T, Vec<FieldError>>,
) -> Result<Vec<T>> {
    Ok(read_rows(path)?
        .iter()
        .filter_map(|r| parse(r).ok())
        .collect())
}

/// The files of the SBIR task.
pub struct SbirFiles<'a> {
    /// The firms, as startups.
    pub firms: &'a Path,
    /// The needs (Phase I abstracts), as needs.
    pub needs: &'a Path,
    /// `need_id,startup_id`: the firm that won each need's award.
    pub truth: &'a Path,
}

/// The SBIR task's data: the firms, and the needs with a right answer among them (in
/// id order) with their right answers.
struct SbirSet {
    firms: Vec<Startup>,
    needs: Vec<Need>,
    truth: Vec<HashSet<String>>,
}

fn load_sbir(files: &SbirFiles<'_>, keep: impl Fn(&[Need]) -> Vec<Need>) -> Result<SbirSet> {
    let firms = read_records(files.firms, domain::records::read_startup)?;
    let known: HashSet<&str> = firms.iter().map(|f| f.id.as_str()).collect();
    let mut truth_of: HashMap<String, HashSet<String>> = HashMap::new();
    for row in read_rows(files.truth)? {
        if let (Some(need), Some(firm)) = (row.get("need_id"), row.get("startup_id"))
            && known.contains(firm.as_str())
        {
            truth_of
                .entry(need.clone())
                .or_default()
                .insert(firm.clone());
        }
    }
    let mut needs: Vec<Need> = read_records(files.needs, domain::records::read_need)?
        .into_iter()
        .filter(|n| truth_of.contains_key(n.id.as_str()))
        .collect();
    needs.sort_by(|a, b| a.id.cmp(&b.id));
    let needs = keep(&needs);
    if firms.is_empty() || needs.is_empty() {
        return Err(AppError::Unusable(format!(
            "{} and {}: no need with a right answer among the firms",
            files.needs.display(),
            files.firms.display()
        )));
    }
    let truth = needs
        .iter()
        .map(|n| truth_of[n.id.as_str()].clone())
        .collect();
    Ok(SbirSet {
        firms,
        needs,
        truth,
    })
}

/// The engine's top startups for each need, in the needs' order.
fn engine_ranking(firms: &[Startup], needs: &[Need]) -> Vec<Vec<String>> {
    let recs = rank_startups_for_needs(firms, &[], needs, &[], TOP);
    let mut by_need: HashMap<&str, Vec<String>> = HashMap::new();
    for r in &recs {
        by_need.entry(&r.for_id).or_default().push(r.id.clone());
    }
    needs
        .iter()
        .map(|n| by_need.remove(n.id.as_str()).unwrap_or_default())
        .collect()
}

/// Need → startups on SBIR: at most `max_cases` needs (in id order) that have a right
/// answer among the firms.
pub fn eval_sbir(files: &SbirFiles<'_>, max_cases: usize) -> Result<TaskReport> {
    let SbirSet {
        firms,
        needs,
        truth,
    } = load_sbir(files, |needs| {
        needs.iter().take(max_cases).cloned().collect()
    })?;
    let engine = measure("innobridge", &truth, || engine_ranking(&firms, &needs));
    let docs: Vec<String> = firms.iter().map(firm_text).collect();
    let queries: Vec<String> = needs
        .iter()
        .map(|n| format!("{} {}", n.title, n.description.as_deref().unwrap_or("")))
        .collect();
    let by_text = |ranker: &str, rank: fn(&TextIndex, &str, usize) -> Vec<u32>| {
        measure(ranker, &truth, || {
            let index = TextIndex::build(&docs);
            queries
                .iter()
                .map(|q| {
                    rank(&index, q, TOP)
                        .into_iter()
                        .map(|d| firms[d as usize].id.to_string())
                        .collect()
                })
                .collect()
        })
    };
    let tfidf = by_text("TF-IDF cosine", TextIndex::rank_tfidf);
    let bm25 = by_text("BM25", TextIndex::rank_bm25);
    Ok(TaskReport::new(
        "need → startups (SBIR)",
        vec![engine, tfidf, bm25],
    ))
}

/// The Korean titles of SBIR validation needs, translated by hand for this project
/// (`data/README.md`): `id,title`.
const SBIR_TITLES_KO: &str = include_str!("../data/sbir-validation-titles-ko.csv");

/// A need title in Korean → English firm profiles: the SBIR needs that have a Korean
/// title, ranked by their English title alone and by their Korean title alone, over
/// the same firms; the goal is Korean at least 0.9 × English. TF-IDF on the Korean
/// title shows what words alone find across the languages.
pub fn eval_sbir_korean_titles(files: &SbirFiles<'_>) -> Result<TaskReport> {
    let mut korean: HashMap<String, String> = HashMap::new();
    let mut rows = csv::Reader::from_reader(SBIR_TITLES_KO.as_bytes());
    for row in rows.records() {
        let row = row.map_err(|e| AppError::Unusable(format!("Korean titles: {e}")))?;
        if let (Some(id), Some(title)) = (row.get(0), row.get(1)) {
            korean.insert(id.to_string(), title.to_string());
        }
    }
    let SbirSet {
        firms,
        needs,
        truth,
    } = load_sbir(files, |needs| {
        needs
            .iter()
            .filter(|n| korean.contains_key(n.id.as_str()))
            .cloned()
            .collect()
    })?;
    let titled = |title: &dyn Fn(&Need) -> String| -> Vec<Need> {
        needs
            .iter()
            .map(|n| Need {
                title: title(n),
                title_en: None,
                description: None,
                description_en: None,
                ..n.clone()
            })
            .collect()
    };
    let english = titled(&|n| n.title.clone());
    let in_korean = titled(&|n| korean[n.id.as_str()].clone());
    let english_run = measure("innobridge, English title", &truth, || {
        engine_ranking(&firms, &english)
    });
    let korean_run = measure("innobridge, Korean title", &truth, || {
        engine_ranking(&firms, &in_korean)
    });
    let docs: Vec<String> = firms.iter().map(firm_text).collect();
    let tfidf = measure("TF-IDF cosine, Korean title", &truth, || {
        let index = TextIndex::build(&docs);
        in_korean
            .iter()
            .map(|n| {
                index
                    .rank_tfidf(&n.title, TOP)
                    .into_iter()
                    .map(|d| firms[d as usize].id.to_string())
                    .collect()
            })
            .collect()
    });
    Ok(TaskReport::new(
        "need title → startups (SBIR, Korean and English titles)",
        vec![korean_run, english_run, tfidf],
    ))
}

/// A firm's text for the word baselines: name, technologies, description.
fn firm_text(f: &Startup) -> String {
    format!(
        "{} {} {}",
        f.name,
        f.technologies.join(" "),
        f.description.as_deref().unwrap_or("")
    )
}

/// Startup → enterprises on a Crunchbase-like folder (`startups.csv`,
/// `enterprises.csv`, `outcomes.csv`): learn from links before `split`, test on the
/// links from `split` on of startups with none before.
pub fn eval_crunchbase(dir: &Path, split: NaiveDate) -> Result<TaskReport> {
    let startups = read_records(&dir.join("startups.csv"), domain::records::read_startup)?;
    let enterprises: Vec<Enterprise> = read_records(
        &dir.join("enterprises.csv"),
        domain::records::read_enterprise,
    )?;
    let outcomes: Vec<Outcome> =
        read_records(&dir.join("outcomes.csv"), domain::records::read_outcome)?;
    let links: Vec<(&str, &str, NaiveDate)> = outcomes
        .iter()
        .map(|o| (o.startup_id.as_str(), o.enterprise_id.as_str(), o.date))
        .collect();
    let before: HashSet<&str> = links.iter().filter(|l| l.2 < split).map(|l| l.0).collect();
    let mut truth_of: HashMap<&str, HashSet<String>> = HashMap::new();
    for l in links
        .iter()
        .filter(|l| l.2 >= split && !before.contains(l.0))
    {
        truth_of.entry(l.0).or_default().insert(l.1.to_string());
    }
    let by_id: HashMap<&str, &Startup> = startups.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut test: Vec<&Startup> = truth_of
        .keys()
        .filter_map(|id| by_id.get(id).copied())
        .collect();
    test.sort_by(|a, b| a.id.cmp(&b.id));
    let truth: Vec<HashSet<String>> = test
        .iter()
        .map(|s| truth_of[s.id.as_str()].clone())
        .collect();

    let as_of = split.pred_opt().unwrap_or(split);
    let engine = measure("innobridge", &truth, || {
        let model = learn(&startups, &enterprises, &links, as_of);
        test.iter()
            .map(|s| {
                model
                    .rank(s, split, TOP)
                    .into_iter()
                    .map(|r| r.id)
                    .collect()
            })
            .collect()
    });
    let learnt: Vec<(&Startup, &str)> = links
        .iter()
        .filter(|l| l.2 < split)
        .filter_map(|l| Some((*by_id.get(l.0)?, l.1)))
        .collect();
    let popular = measure("10 most active", &truth, || {
        let top = most_frequent(learnt.iter().map(|l| l.1), TOP);
        test.iter().map(|_| top.clone()).collect()
    });
    let segment = measure("most active in category × region", &truth, || {
        let everyone = most_frequent(learnt.iter().map(|l| l.1), TOP);
        test.iter()
            .map(|s| {
                let same_category = |o: &Startup| o.industries.first() == s.industries.first();
                let in_segment = most_frequent(
                    learnt
                        .iter()
                        .filter(|l| same_category(l.0) && l.0.region == s.region)
                        .map(|l| l.1),
                    TOP,
                );
                let in_category = most_frequent(
                    learnt.iter().filter(|l| same_category(l.0)).map(|l| l.1),
                    TOP,
                );
                // the segment's own first, filled up from its category, then everyone's
                let mut ranked: Vec<String> = Vec::with_capacity(TOP);
                for e in in_segment
                    .into_iter()
                    .chain(in_category)
                    .chain(everyone.iter().cloned())
                {
                    if ranked.len() < TOP && !ranked.contains(&e) {
                        ranked.push(e);
                    }
                }
                ranked
            })
            .collect()
    });
    Ok(TaskReport::new(
        "startup → enterprises (Crunchbase)",
        vec![engine, popular, segment],
    ))
}

/// The metric table as text: each mean with its 95% interval.
pub fn table(reports: &[TaskReport]) -> String {
    let cell = |e: &Estimate| format!("{:.3} [{:.3}–{:.3}]", e.value, e.low, e.high);
    let mut out = format!(
        "{:<36} {:>6}  {:<34} {:<21} {:<21} {:<21} {:<21} {:>8}\n",
        "task", "cases", "ranker", "HitRate@10", "Recall@10", "MRR", "nDCG@10", "seconds"
    );
    for r in reports {
        for k in &r.rankers {
            let m = &k.metrics;
            out.push_str(&format!(
                "{:<36} {:>6}  {:<34} {:<21} {:<21} {:<21} {:<21} {:>8.2}\n",
                r.task,
                r.cases,
                k.ranker,
                cell(&m.hit_rate_at_10),
                cell(&m.recall_at_10),
                cell(&m.mrr),
                cell(&m.ndcg_at_10),
                k.seconds
            ));
        }
        let engine = r
            .rankers
            .first()
            .map_or("innobridge", |k| k.ranker.as_str());
        for lead in &r.leads {
            let m = &lead.difference;
            let signed = |e: &Estimate| format!("{:+.3} [{:+.3}, {:+.3}]", e.value, e.low, e.high);
            out.push_str(&format!(
                "{:<36} {:>6}  {:<34} {:<21} {:<21} {:<21} {:<21}\n",
                r.task,
                r.cases,
                format!("{engine} − {}", lead.baseline),
                signed(&m.hit_rate_at_10),
                signed(&m.recall_at_10),
                signed(&m.mrr),
                signed(&m.ndcg_at_10),
            ));
        }
    }
    out
}
