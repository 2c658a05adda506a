//! The evaluation harness behind `innobridge eval`: measures the recommendations on
//! real data no one here wrote, with validation splits of our own (never the held-out
//! sets), against plain baselines. It is a tool beside the product: the app and web
//! crates do not depend on it. Its criterion benches time the engines on the same data.
//!
//! - need → startups on SBIR firms: a firm's most recent award (its last title and the
//!   last part of its description) is taken out of its profile and becomes the need;
//!   the firm is the right answer. Baseline: TF-IDF cosine over the same profiles.
//! - startup → enterprises on Crunchbase 2013: learn from investments before the split
//!   date, test on the investments after it in startups that had none before.
//!   Baseline: the most active investors, the same for everyone.
//!
//! Both run the same ranking code as `innobridge recommend`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use domain::FieldError;
use domain::{Enterprise, Need, Outcome, Startup, Visibility};
use serde::Serialize;

use app::recommend::{learn, rank_startups_for_needs};
use app::{AppError, Result};

/// Ranking quality over a set of cases.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Metrics {
    pub hit_rate_at_10: f64,
    pub recall_at_10: f64,
    pub mrr: f64,
}

/// One task's result: the engine against its baseline.
#[derive(Debug, Clone, Serialize)]
pub struct TaskReport {
    pub task: String,
    pub cases: usize,
    pub engine: Metrics,
    pub baseline_name: String,
    pub baseline: Metrics,
    /// Time the engine took to rank every case (learning or indexing included).
    pub engine_seconds: f64,
}

/// Scores ranked lists against the right answers (cases with no answer are skipped).
pub fn metrics(ranked: &[Vec<String>], truth: &[HashSet<String>]) -> Metrics {
    let mut m = Metrics::default();
    let mut n = 0.0;
    for (r, t) in ranked.iter().zip(truth) {
        if t.is_empty() {
            continue;
        }
        n += 1.0;
        let top: Vec<&String> = r.iter().take(10).collect();
        let hits = top.iter().filter(|x| t.contains(**x)).count();
        if hits > 0 {
            m.hit_rate_at_10 += 1.0;
        }
        m.recall_at_10 += hits as f64 / t.len() as f64;
        if let Some(p) = r.iter().position(|x| t.contains(x)) {
            m.mrr += 1.0 / (p + 1) as f64;
        }
    }
    if n > 0.0 {
        m.hit_rate_at_10 /= n;
        m.recall_at_10 /= n;
        m.mrr /= n;
    }
    m
}

/// The records of a CSV/XLSX file that parse (others are skipped: an evaluation or
/// bench reads data that an import would report on).
pub fn read_records<T>(
    path: &Path,
    parse: impl Fn(&HashMap<String, String>) -> std::result::Result<T, Vec<FieldError>>,
) -> Result<Vec<T>> {
    let t = store::files::read_table(path)?;
    Ok(t.rows
        .iter()
        .filter_map(|r| {
            let cells = r.cells.as_ref().ok()?;
            let map: HashMap<String, String> = t
                .headers
                .iter()
                .cloned()
                .zip(cells.iter().cloned())
                .collect();
            parse(&map).ok()
        })
        .collect())
}

/// Splits off roughly the last of `k` concatenated abstracts, at a sentence end.
fn split_last_abstract(text: &str, k: usize) -> (&str, &str) {
    let want = text.len() * (k - 1) / k;
    let cut = text[want.min(text.len())..]
        .find(". ")
        .map(|i| want + i + 2)
        .filter(|&c| c < text.len())
        .unwrap_or(want);
    let cut = (cut..=text.len())
        .find(|&c| text.is_char_boundary(c))
        .unwrap_or(text.len());
    (&text[..cut], &text[cut..])
}

/// The SBIR validation split: up to `max_cases` firms with two or more awards, each
/// losing its last award to a need.
pub fn sbir_split(firms: &mut [Startup], max_cases: usize, seed: u64) -> Vec<(Need, String)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut eligible: Vec<usize> = (0..firms.len())
        .filter(|&i| firms[i].technologies.len() >= 2 && firms[i].description.is_some())
        .collect();
    rng.shuffle(&mut eligible);
    eligible.truncate(max_cases);
    eligible.sort_unstable();
    let mut cases = Vec::new();
    for i in eligible {
        let f = &mut firms[i];
        let k = f.technologies.len();
        let title = f.technologies.pop().expect("two or more");
        let text = f.description.take().unwrap_or_default();
        let (head, tail) = split_last_abstract(&text, k);
        f.description = Some(head.to_string());
        cases.push((
            Need {
                id: format!("need-{}", f.id).into(),
                enterprise_id: "agency".into(),
                title,
                description: Some(tail.to_string()),
                technologies: Vec::new(),
                industries: Vec::new(),
                collaboration_types: Vec::new(),
                preferred_stages: Vec::new(),
                slots: 1,
                deadline: None,
                visibility: Visibility::Public,
            },
            f.id.to_string(),
        ));
    }
    cases
}

/// Plain TF-IDF cosine (lower-cased words, raw tf, smooth idf, unit vectors): the
/// baseline a program manager's spreadsheet search would give.
pub struct TfIdf {
    vocab: HashMap<String, u32>,
    postings: Vec<Vec<(u32, f32)>>,
    idf: Vec<f32>,
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

impl TfIdf {
    pub fn build(docs: &[String]) -> Self {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut tfs: Vec<HashMap<u32, f32>> = Vec::with_capacity(docs.len());
        let mut df: Vec<u32> = Vec::new();
        for d in docs {
            let mut tf: HashMap<u32, f32> = HashMap::new();
            for w in words(d) {
                let next = vocab.len() as u32;
                let id = *vocab.entry(w).or_insert(next);
                if id as usize == df.len() {
                    df.push(0);
                }
                *tf.entry(id).or_default() += 1.0;
            }
            for id in tf.keys() {
                df[*id as usize] += 1;
            }
            tfs.push(tf);
        }
        let n = docs.len() as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| ((1.0 + n) / (1.0 + d as f32)).ln() + 1.0)
            .collect();
        let mut postings = vec![Vec::new(); vocab.len()];
        for (doc, tf) in tfs.into_iter().enumerate() {
            let norm = tf
                .iter()
                .map(|(id, t)| (t * idf[*id as usize]).powi(2))
                .sum::<f32>()
                .sqrt()
                .max(f32::MIN_POSITIVE);
            let mut ids: Vec<_> = tf.into_iter().collect();
            ids.sort_unstable_by_key(|x| x.0);
            for (id, t) in ids {
                postings[id as usize].push((doc as u32, t * idf[id as usize] / norm));
            }
        }
        Self {
            vocab,
            postings,
            idf,
        }
    }

    /// Documents by cosine to `query`, best first, at most `k`.
    pub fn rank(&self, query: &str, k: usize) -> Vec<u32> {
        let mut q: HashMap<u32, f32> = HashMap::new();
        for w in words(query) {
            if let Some(&id) = self.vocab.get(&w) {
                *q.entry(id).or_default() += 1.0;
            }
        }
        let mut acc: HashMap<u32, f32> = HashMap::new();
        for (id, t) in q {
            let w = t * self.idf[id as usize];
            for &(d, v) in &self.postings[id as usize] {
                *acc.entry(d).or_default() += w * v;
            }
        }
        let mut all: Vec<(f32, u32)> = acc.into_iter().map(|(d, s)| (s, d)).collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter().take(k).map(|x| x.1).collect()
    }
}

/// Need → startups on the SBIR firms in `startups_csv`.
pub fn eval_sbir(startups_csv: &Path, max_cases: usize, seed: u64) -> Result<TaskReport> {
    let mut firms = read_records(startups_csv, domain::records::read_startup)?;
    if firms.is_empty() {
        return Err(AppError::Unusable(format!(
            "{}: no startups",
            startups_csv.display()
        )));
    }
    let cases = sbir_split(&mut firms, max_cases, seed);
    let truth: Vec<HashSet<String>> = cases
        .iter()
        .map(|(_, id)| HashSet::from([id.clone()]))
        .collect();
    let needs: Vec<Need> = cases.iter().map(|(n, _)| n.clone()).collect();

    let t = Instant::now();
    let recs = rank_startups_for_needs(&firms, &[], &needs, &[], 10);
    let engine_seconds = t.elapsed().as_secs_f64();
    let mut by_need: HashMap<&str, Vec<String>> = HashMap::new();
    for r in &recs {
        by_need.entry(&r.for_id).or_default().push(r.id.clone());
    }
    let ranked: Vec<Vec<String>> = needs
        .iter()
        .map(|n| by_need.remove(n.id.as_str()).unwrap_or_default())
        .collect();

    let docs: Vec<String> = firms
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f.name,
                f.technologies.join(" "),
                f.description.as_deref().unwrap_or("")
            )
        })
        .collect();
    let tfidf = TfIdf::build(&docs);
    let base: Vec<Vec<String>> = needs
        .iter()
        .map(|n| {
            let q = format!("{} {}", n.title, n.description.as_deref().unwrap_or(""));
            tfidf
                .rank(&q, 10)
                .into_iter()
                .map(|d| firms[d as usize].id.to_string())
                .collect()
        })
        .collect();
    Ok(TaskReport {
        task: "need → startups (SBIR)".into(),
        cases: needs.len(),
        engine: metrics(&ranked, &truth),
        baseline_name: "TF-IDF cosine".into(),
        baseline: metrics(&base, &truth),
        engine_seconds,
    })
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
    let t = Instant::now();
    let model = learn(&startups, &enterprises, &links, as_of);
    let ranked: Vec<Vec<String>> = test
        .iter()
        .map(|s| model.rank(s, split, 10).into_iter().map(|r| r.id).collect())
        .collect();
    let engine_seconds = t.elapsed().as_secs_f64();
    let popular: Vec<String> = model
        .affinity
        .popular(10)
        .into_iter()
        .map(|e| enterprises[e as usize].id.to_string())
        .collect();
    let base: Vec<Vec<String>> = test.iter().map(|_| popular.clone()).collect();
    Ok(TaskReport {
        task: "startup → enterprises (Crunchbase)".into(),
        cases: test.len(),
        engine: metrics(&ranked, &truth),
        baseline_name: "10 most active".into(),
        baseline: metrics(&base, &truth),
        engine_seconds,
    })
}

/// The metric table as text.
pub fn table(reports: &[TaskReport]) -> String {
    let mut out = String::from(
        "task                                 cases  ranker          HitRate@10  Recall@10    MRR    seconds\n",
    );
    for r in reports {
        for (name, m, secs) in [
            ("innobridge", &r.engine, format!("{:.2}", r.engine_seconds)),
            (r.baseline_name.as_str(), &r.baseline, String::new()),
        ] {
            out.push_str(&format!(
                "{:<36} {:>6}  {:<15} {:>10.3} {:>10.3} {:>6.3} {:>9}\n",
                r.task, r.cases, name, m.hit_rate_at_10, m.recall_at_10, m.mrr, secs
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_count_hits_recall_and_reciprocal_rank() {
        let ranked = vec![
            vec!["a".to_string(), "b".into(), "c".into()],
            vec!["x".to_string(), "y".into()],
        ];
        let truth = vec![
            HashSet::from(["b".to_string(), "z".to_string()]),
            HashSet::from(["q".to_string()]),
        ];
        let m = metrics(&ranked, &truth);
        assert_eq!(m.hit_rate_at_10, 0.5);
        assert_eq!(m.recall_at_10, 0.25);
        assert_eq!(m.mrr, 0.25);
    }

    #[test]
    fn the_last_abstract_is_split_at_a_sentence_end() {
        let (a, b) = split_last_abstract("First award. It works. Second award here. Done.", 2);
        assert_eq!(a, "First award. It works. Second award here. ");
        assert_eq!(b, "Done.");
    }

    #[test]
    fn tfidf_ranks_the_document_sharing_rare_words_first() {
        let t = TfIdf::build(&[
            "laser welding of titanium".into(),
            "software for welding schedules".into(),
            "bread".into(),
        ]);
        assert_eq!(t.rank("titanium laser", 2), vec![0]);
    }
}
