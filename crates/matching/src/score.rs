//! Scoring need × startup pairs with their reasons, and retrieving each need's candidates
//! from an inverted index so a round costs needs × candidates, not needs × startups.
//!
//! Texts arrive already analysed (the caller runs the search crate's Korean/English
//! analysis), so a pair's text relevance rests on the same terms a search does. A
//! pair's score is the weighted mean (policy weights) of fits in 0–1: text relevance
//! (BM25), technology coverage, industry, convergence, stage, collaboration type,
//! cluster, inter-cluster link and overseas fit. Each fit that contributes becomes a
//! reason in Korean and English.

use std::collections::HashMap;

use domain::{CollaborationType, Reason, Stage, industry};

use crate::policy::Policy;

/// A startup as the engine sees it.
#[derive(Debug, Clone, Default)]
pub struct StartupProfile {
    /// Analysed terms of its name, descriptions and technologies.
    pub terms: Vec<String>,
    /// Analysed terms of what names its work in a few words: its names and technologies.
    pub title_terms: Vec<String>,
    /// Technology tags, folded (see [`fold_tag`]).
    pub technologies: Vec<String>,
    pub industries: Vec<String>,
    pub stage: Option<Stage>,
    pub clusters: Vec<domain::ClusterCode>,
    pub target_markets: Vec<String>,
}

/// A need (with what its enterprise brings) as the engine sees it.
#[derive(Debug, Clone, Default)]
pub struct NeedProfile {
    /// Analysed terms of its title, description and technologies, each with the word
    /// it came from (for reasons).
    pub terms: Vec<(String, String)>,
    /// Analysed terms of its title.
    pub title_terms: Vec<String>,
    /// Each technology asked for: its folded tag and its analysed terms.
    pub technologies: Vec<(String, Vec<String>)>,
    /// The need's industries, or its enterprise's when it names none.
    pub industries: Vec<String>,
    pub collaboration_types: Vec<CollaborationType>,
    pub preferred_stages: Vec<Stage>,
    /// The enterprise's clusters.
    pub clusters: Vec<domain::ClusterCode>,
}

/// Lower case, single spaces: how tags compare.
pub fn fold_tag(tag: &str) -> String {
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The fits of one pair, each in 0–1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Fits {
    pub text: f64,
    pub technology: f64,
    pub industry: f64,
    pub convergence: f64,
    pub stage: f64,
    pub collaboration: f64,
    pub cluster: f64,
    pub inter_cluster: f64,
    pub overseas: f64,
}

/// A scored pair: startup index, score in 0–1, and the reasons (largest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub startup: u32,
    pub score: f64,
    pub fits: Fits,
    pub reasons: Vec<Reason>,
}

impl Scored {
    /// The pair links two industries the policy counts as convergence.
    pub fn is_convergence(&self) -> bool {
        self.fits.convergence > 0.0
    }
    /// The pair links two different clusters.
    pub fn is_cross_cluster(&self) -> bool {
        self.fits.inter_cluster > 0.0
    }
}

/// BM25 over whole profiles: term frequency saturates slowly and length is normalised
/// in full, so a firm with many descriptions does not win by its length (chosen on the
/// SBIR validation set, `docs/EVALUATION.md`).
const PROFILE_BM25: (f32, f32) = (2.0, 1.0);
/// BM25 over titles (a startup's names and technologies, a need's title): the usual.
const TITLE_BM25: (f32, f32) = (1.2, 0.75);
/// How much a need's title meeting a startup's names and technologies adds to the
/// match of the whole texts.
const TITLE_WEIGHT: f64 = 0.2;
/// The text relevance (0–1) at which the text fit is 0.725; the fit rises smoothly
/// towards 1 and never flattens, so strong matches stay ordered among themselves.
const TEXT_HALF: f64 = 0.45;
/// Reasons kept per pair.
const MAX_REASONS: usize = 4;

/// Term postings over the startups' analysed profiles.
struct TermIndex {
    vocab: HashMap<String, u32>,
    /// Per term: (startup, term frequency), by startup.
    postings: Vec<Vec<(u32, u16)>>,
    /// BM25 length normalisation per startup: k1 · (1 − b + b · len / avglen).
    norm: Vec<f32>,
    k1: f32,
}

impl TermIndex {
    fn build<'s>(docs: impl Iterator<Item = &'s [String]>, (k1, b): (f32, f32)) -> Self {
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<Vec<(u32, u16)>> = Vec::new();
        let mut lens = Vec::new();
        let mut counts: HashMap<u32, u16> = HashMap::new();
        for (d, terms) in docs.enumerate() {
            counts.clear();
            for t in terms {
                let next = vocab.len() as u32;
                let id = *vocab.entry(t.clone()).or_insert(next);
                if id as usize == postings.len() {
                    postings.push(Vec::new());
                }
                let c = counts.entry(id).or_insert(0);
                *c = c.saturating_add(1);
            }
            let mut ids: Vec<(u32, u16)> = counts.iter().map(|(k, v)| (*k, *v)).collect();
            ids.sort_unstable();
            for (id, tf) in ids {
                postings[id as usize].push((d as u32, tf));
            }
            lens.push(terms.len() as f32);
        }
        let avg = (lens.iter().sum::<f32>() / lens.len().max(1) as f32).max(1.0);
        let norm = lens.iter().map(|l| k1 * (1.0 - b + b * l / avg)).collect();
        Self {
            vocab,
            postings,
            norm,
            k1,
        }
    }

    fn idf(&self, term: u32) -> f32 {
        let n = self.norm.len() as f32;
        let df = self.postings[term as usize].len() as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    fn tf(&self, term: u32, doc: u32) -> u16 {
        let p = &self.postings[term as usize];
        p.binary_search_by_key(&doc, |x| x.0)
            .map(|i| p[i].1)
            .unwrap_or(0)
    }

    /// One term's part of a document's BM25, `weight` being the term's idf times its
    /// weight in the query.
    fn bm25_term(&self, weight: f32, tf: u16, doc: u32) -> f32 {
        let tf = tf as f32;
        weight * tf * (self.k1 + 1.0) / (tf + self.norm[doc as usize])
    }

    /// A query's known terms, unique, each weighted by its idf and (sublinearly) by how
    /// often the query says it, with the index of its first occurrence; and the weight
    /// a perfect match would earn, terms no document has included.
    fn weigh<'t>(&self, terms: impl Iterator<Item = &'t str>) -> (Vec<(u32, f32, usize)>, f64) {
        let n = self.norm.len() as f64;
        let mut known: Vec<(u32, f32, usize)> = Vec::new();
        let mut at: HashMap<u32, usize> = HashMap::new();
        let mut unknown: HashMap<&str, u32> = HashMap::new();
        for (k, t) in terms.enumerate() {
            match self.vocab.get(t) {
                Some(&id) => match at.get(&id) {
                    Some(&i) => known[i].1 += 1.0,
                    None => {
                        at.insert(id, known.len());
                        known.push((id, 1.0, k));
                    }
                },
                None => *unknown.entry(t).or_insert(0) += 1,
            }
        }
        let sublinear = |count: f32| 1.0 + count.ln();
        let mut ideal = 0.0;
        for term in &mut known {
            term.1 = self.idf(term.0) * sublinear(term.1);
            ideal += term.1 as f64;
        }
        let unseen_idf = (1.0 + (n + 0.5) / 0.5).ln();
        ideal += unknown
            .values()
            .map(|&c| unseen_idf * sublinear(c as f32) as f64)
            .sum::<f64>();
        (known, ideal)
    }

    /// `doc`'s BM25 for `terms` (as [`TermIndex::weigh`] gives them).
    fn bm25(&self, terms: &[(u32, f32, usize)], doc: u32) -> f64 {
        terms
            .iter()
            .map(|&(id, weight, _)| match self.tf(id, doc) {
                0 => 0.0,
                tf => self.bm25_term(weight, tf, doc) as f64,
            })
            .sum()
    }
}

/// A need's terms looked up once: (term id, idf, surface), unique by term.
struct NeedQuery {
    terms: Vec<(u32, f32, usize)>,
    /// What a perfect match would earn: the weights of every term, known or not.
    ideal: f64,
    /// The title's terms in the index of titles, and what a perfect match would earn.
    title: Vec<(u32, f32, usize)>,
    title_ideal: f64,
    /// Each technology asked for: its tag and its known term ids (None when a term is
    /// unknown, so no startup can cover it by text).
    technologies: Vec<(String, Option<Vec<u32>>)>,
}

/// A need with its terms looked up in the index.
pub struct Prepared<'n> {
    need: &'n NeedProfile,
    q: NeedQuery,
}

/// The scorer for one set of startups under one policy.
pub struct Engine<'a> {
    policy: &'a Policy,
    startups: &'a [StartupProfile],
    index: TermIndex,
    titles: TermIndex,
    /// Startups by technology tag and by industry.
    by_tech: HashMap<&'a str, Vec<u32>>,
    by_industry: HashMap<&'a str, Vec<u32>>,
    convergence: std::collections::BTreeMap<(String, String), f64>,
    inter_cluster: HashMap<(String, String), f64>,
}

fn pair_key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

impl<'a> Engine<'a> {
    /// Indexes the startups. `program_convergence` is the program's convergence table,
    /// used when the policy brings none.
    pub fn new(
        startups: &'a [StartupProfile],
        policy: &'a Policy,
        program_convergence: &[(String, String)],
    ) -> Self {
        let mut by_tech: HashMap<&str, Vec<u32>> = HashMap::new();
        let mut by_industry: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, s) in startups.iter().enumerate() {
            for t in &s.technologies {
                by_tech.entry(t.as_str()).or_default().push(i as u32);
            }
            for ind in &s.industries {
                by_industry.entry(ind.as_str()).or_default().push(i as u32);
            }
        }
        for v in by_tech.values_mut().chain(by_industry.values_mut()) {
            v.dedup();
        }
        let convergence = if policy.convergence.is_empty() {
            program_convergence
                .iter()
                .map(|(a, b)| (pair_key(a, b), 1.0))
                .collect()
        } else {
            policy
                .convergence
                .iter()
                .map(|l| (pair_key(&l.a, &l.b), l.weight))
                .collect()
        };
        let inter_cluster = policy
            .inter_cluster
            .iter()
            .map(|l| (pair_key(&l.a, &l.b), l.weight))
            .collect();
        Self {
            policy,
            startups,
            index: TermIndex::build(startups.iter().map(|s| &s.terms[..]), PROFILE_BM25),
            titles: TermIndex::build(startups.iter().map(|s| &s.title_terms[..]), TITLE_BM25),
            by_tech,
            by_industry,
            convergence,
            inter_cluster,
        }
    }

    fn query(&self, need: &NeedProfile) -> NeedQuery {
        let (terms, ideal) = self.index.weigh(need.terms.iter().map(|t| t.0.as_str()));
        let (title, title_ideal) = self
            .titles
            .weigh(need.title_terms.iter().map(String::as_str));
        let technologies = need
            .technologies
            .iter()
            .map(|(tag, ts)| {
                let ids: Option<Vec<u32>> = ts
                    .iter()
                    .map(|t| self.index.vocab.get(t).copied())
                    .collect();
                (tag.clone(), ids.filter(|v| !v.is_empty()))
            })
            .collect();
        NeedQuery {
            terms,
            ideal,
            title,
            title_ideal,
            technologies,
        }
    }

    /// Text relevance in 0–1 from a startup's BM25 over its profile and over its title
    /// fields, each as a share of what a perfect match would earn.
    fn relevance(q: &NeedQuery, profile: f64, title: f64) -> f64 {
        let share = |got: f64, ideal: f64| if ideal > 0.0 { got / ideal } else { 0.0 };
        if q.title_ideal > 0.0 {
            (share(profile, q.ideal) + TITLE_WEIGHT * share(title, q.title_ideal))
                / (1.0 + TITLE_WEIGHT)
        } else {
            share(profile, q.ideal)
        }
    }

    /// The text fit of a relevance: rising all the way to 1, steeply at first.
    fn text_fit(relevance: f64) -> f64 {
        let r = relevance.clamp(0.0, 1.0);
        r * (1.0 + TEXT_HALF) / (r + TEXT_HALF)
    }

    /// The need's best candidates, scored in full, best first: at most
    /// `policy.candidates_per_need`, none below the floor, none for which `excluded`
    /// says so.
    pub fn candidates(&self, need: &NeedProfile, excluded: impl Fn(u32) -> bool) -> Vec<Scored> {
        let k = self.policy.candidates_per_need;
        let q = self.query(need);
        let n = self.startups.len();
        let w = &self.policy.weights;
        // a quick first score from postings: text, technology tags, industry
        let mut text = vec![0f32; n];
        let mut quick = vec![0f32; n];
        let mut seen = vec![false; n];
        let mut touched: Vec<u32> = Vec::new();
        let mut touch = |d: u32| {
            if !seen[d as usize] {
                seen[d as usize] = true;
                touched.push(d);
            }
        };
        let mut title = vec![0f32; n];
        for (index, terms, sums) in [
            (&self.index, &q.terms, &mut text),
            (&self.titles, &q.title, &mut title),
        ] {
            for &(id, weight, _) in terms {
                for &(d, tf) in &index.postings[id as usize] {
                    touch(d);
                    sums[d as usize] += index.bm25_term(weight, tf, d);
                }
            }
        }
        let tech_w = (w.technology / need.technologies.len().max(1) as f64) as f32;
        for (tag, _) in &need.technologies {
            for &d in self.by_tech.get(tag.as_str()).into_iter().flatten() {
                touch(d);
                quick[d as usize] += tech_w;
            }
        }
        let mut linked: Vec<(&str, f32)> = Vec::new();
        for ni in &need.industries {
            linked.push((ni.as_str(), w.industry as f32));
            for (pair, weight) in &self.convergence {
                let other = if pair.0 == *ni {
                    &pair.1
                } else if pair.1 == *ni {
                    &pair.0
                } else {
                    continue;
                };
                if other != ni {
                    linked.push((other.as_str(), (w.convergence * weight) as f32));
                }
            }
        }
        for (ind, bonus) in linked {
            for &d in self.by_industry.get(ind).into_iter().flatten() {
                touch(d);
                quick[d as usize] += bonus;
            }
        }
        let relevance =
            |d: u32| Self::relevance(&q, text[d as usize] as f64, title[d as usize] as f64);
        let mut first: Vec<(f32, u32)> = touched
            .into_iter()
            .filter(|&d| !excluded(d))
            .map(|d| {
                let t = Self::text_fit(relevance(d)) * w.text;
                (t as f32 + quick[d as usize], d)
            })
            .collect();
        // score in full a few times more than are kept: the quick score leaves out
        // stage, collaboration, cluster and overseas fit
        let wide = (k * 4).min(first.len());
        if wide < first.len() {
            first.select_nth_unstable_by(wide, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            first.truncate(wide);
        }
        // score without words first; only the kept candidates are explained
        let mut out: Vec<Scored> = first
            .into_iter()
            .map(|(_, d)| self.score_with(need, &q, d, relevance(d), false))
            .filter(|s| s.score >= self.policy.floor)
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.startup.cmp(&b.startup)));
        out.truncate(k);
        for s in &mut out {
            *s = self.score_with(need, &q, s.startup, relevance(s.startup), true);
        }
        out
    }

    /// Looks a need's terms up once, for scoring it against many startups.
    pub fn prepare<'n>(&self, need: &'n NeedProfile) -> Prepared<'n> {
        Prepared {
            need,
            q: self.query(need),
        }
    }

    /// Scores one pair in full, with its reasons.
    pub fn score(&self, need: &NeedProfile, startup: u32) -> Scored {
        self.score_prepared(&self.prepare(need), startup)
    }

    /// Scores a prepared need against one startup, with its reasons.
    pub fn score_prepared(&self, p: &Prepared<'_>, startup: u32) -> Scored {
        let q = &p.q;
        let relevance = Self::relevance(
            q,
            self.index.bm25(&q.terms, startup),
            self.titles.bm25(&q.title, startup),
        );
        self.score_with(p.need, q, startup, relevance, true)
    }

    fn score_with(
        &self,
        need: &NeedProfile,
        q: &NeedQuery,
        d: u32,
        relevance: f64,
        explain: bool,
    ) -> Scored {
        let s = &self.startups[d as usize];
        let p = self.policy;
        let w = &p.weights;
        let mut fits = Fits {
            text: Self::text_fit(relevance),
            ..Fits::default()
        };
        let mut reasons: Vec<Reason> = Vec::new();

        // technology coverage: a tag the startup lists, or every term of it in its text
        let covered: Vec<&str> = q
            .technologies
            .iter()
            .filter(|(tag, ids)| {
                s.technologies.iter().any(|t| t == tag)
                    || ids
                        .as_ref()
                        .is_some_and(|ids| ids.iter().all(|&id| self.index.tf(id, d) > 0))
            })
            .map(|(tag, _)| tag.as_str())
            .collect();
        if !q.technologies.is_empty() {
            fits.technology = covered.len() as f64 / q.technologies.len() as f64;
        }

        let same: Option<&String> = s.industries.iter().find(|i| need.industries.contains(i));
        if same.is_some() {
            fits.industry = 1.0;
        }
        let mut convergent: Option<(&str, &str, f64)> = None;
        for si in &s.industries {
            for ni in &need.industries {
                if si == ni {
                    continue;
                }
                if let Some(&wt) = self.convergence.get(&pair_key(si, ni))
                    && convergent.is_none_or(|c| wt > c.2)
                {
                    convergent = Some((si, ni, wt));
                }
            }
        }
        if let Some(c) = convergent {
            fits.convergence = c.2;
        }

        fits.stage = match (s.stage, need.preferred_stages.is_empty()) {
            (_, true) => 0.5,
            (None, false) => 0.0,
            (Some(st), false) => {
                let at = Stage::ALL.iter().position(|x| *x == st).unwrap_or(0) as i64;
                let gap = need
                    .preferred_stages
                    .iter()
                    .map(|x| {
                        (Stage::ALL.iter().position(|y| y == x).unwrap_or(0) as i64 - at).abs()
                    })
                    .min()
                    .unwrap_or(9);
                match gap {
                    0 => 1.0,
                    1 => 0.4,
                    _ => 0.0,
                }
            }
        };

        let mut best_collab: Option<(CollaborationType, f64)> = None;
        for &c in &need.collaboration_types {
            let f = collaboration_fit(c, s, !covered.is_empty());
            if best_collab.is_none_or(|b| f > b.1) {
                best_collab = Some((c, f));
            }
        }
        fits.collaboration = best_collab.map(|b| b.1).unwrap_or(0.5);

        let same_cluster = s.clusters.iter().find(|c| need.clusters.contains(c));
        let mut cross: Option<(&str, &str, f64)> = None;
        if same_cluster.is_some() {
            fits.cluster = 1.0;
        } else {
            for a in &s.clusters {
                for b in &need.clusters {
                    let wt = if self.inter_cluster.is_empty() {
                        Some(1.0)
                    } else {
                        self.inter_cluster.get(&pair_key(a, b)).copied()
                    };
                    if let Some(wt) = wt
                        && cross.is_none_or(|c| wt > c.2)
                    {
                        cross = Some((a, b, wt));
                    }
                }
            }
            if let Some(c) = cross {
                fits.inter_cluster = c.2;
            }
        }

        let wants_overseas = need
            .collaboration_types
            .contains(&CollaborationType::OverseasExpansion);
        if wants_overseas && !s.target_markets.is_empty() {
            fits.overseas = 1.0;
        }

        let total = w.total();
        let score = (w.text * fits.text
            + w.technology * fits.technology
            + w.industry * fits.industry
            + w.convergence * fits.convergence
            + w.stage * fits.stage
            + w.collaboration * fits.collaboration
            + w.cluster * fits.cluster
            + w.inter_cluster * fits.inter_cluster
            + w.overseas * fits.overseas)
            / total;

        if !explain {
            return Scored {
                startup: d,
                score,
                fits,
                reasons,
            };
        }
        let share = |weight: f64, fit: f64| weight * fit / total;
        if fits.text > 0.0 {
            let words = self.top_words(need, q, d);
            reasons.push(reason(
                "text",
                format!("설명이 과제와 맞닿음: {}", quoted(&words)),
                format!("Profile matches the need's text: {}", quoted(&words)),
                share(w.text, fits.text),
            ));
        }
        if !covered.is_empty() {
            let list = covered.join(", ");
            reasons.push(reason(
                "technology",
                format!(
                    "요청 기술 {}/{} 보유: {list}",
                    covered.len(),
                    q.technologies.len()
                ),
                format!(
                    "Has {} of {} technologies asked for: {list}",
                    covered.len(),
                    q.technologies.len()
                ),
                share(w.technology, fits.technology),
            ));
        }
        if let Some(ind) = same {
            let (ko, en) = industry::labels(ind);
            reasons.push(reason(
                "industry",
                format!("같은 산업: {ko}"),
                format!("Same industry: {en}"),
                share(w.industry, 1.0),
            ));
        }
        if let Some((a, b, _)) = convergent {
            let (ako, aen) = industry::labels(a);
            let (bko, ben) = industry::labels(b);
            reasons.push(reason(
                "convergence",
                format!("산업 융합: {ako} × {bko}"),
                format!("Cross-industry convergence: {aen} × {ben}"),
                share(w.convergence, fits.convergence),
            ));
        }
        if fits.stage >= 1.0
            && let Some(st) = s.stage
        {
            reasons.push(reason(
                "stage",
                format!("선호 단계: {}", st.label_ko()),
                format!("Preferred stage: {}", st.label_en()),
                share(w.stage, 1.0),
            ));
        }
        if let Some((c, f)) = best_collab
            && f >= 1.0
        {
            reasons.push(reason(
                "collaboration",
                format!("협력 유형에 적합: {}", c.label_ko()),
                format!("Fits the collaboration sought: {}", c.label_en()),
                share(w.collaboration, f),
            ));
        }
        if let Some(c) = same_cluster {
            reasons.push(reason(
                "cluster",
                format!("같은 클러스터: {c}"),
                format!("Same cluster: {c}"),
                share(w.cluster, 1.0),
            ));
        }
        if let Some((a, b, wt)) = cross {
            reasons.push(reason(
                "inter-cluster",
                format!("클러스터 간 연계: {a} × {b}"),
                format!("Inter-cluster link: {a} × {b}"),
                share(w.inter_cluster, wt),
            ));
        }
        if fits.overseas > 0.0 {
            let markets = s.target_markets.join(", ");
            reasons.push(reason(
                "overseas",
                format!("해외진출 목표 시장: {markets}"),
                format!("Targets overseas markets: {markets}"),
                share(w.overseas, 1.0),
            ));
        }
        reasons.retain(|r| r.weight > 0.0);
        reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.code.cmp(&b.code)));
        reasons.truncate(MAX_REASONS);
        for r in &mut reasons {
            r.weight = (r.weight * 1000.0).round() / 1000.0;
        }
        Scored {
            startup: d,
            score,
            fits,
            reasons,
        }
    }

    /// The need's words that earn the most of a startup's text relevance.
    fn top_words(&self, need: &NeedProfile, q: &NeedQuery, d: u32) -> Vec<String> {
        let mut parts: Vec<(f32, &str)> = q
            .terms
            .iter()
            .filter_map(|&(id, idf, k)| {
                let tf = self.index.tf(id, d);
                (tf > 0).then(|| (self.index.bm25_term(idf, tf, d), need.terms[k].1.as_str()))
            })
            .collect();
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut words: Vec<String> = Vec::new();
        for (_, w) in parts {
            if !words.iter().any(|x| x == w) {
                words.push(w.to_string());
            }
            if words.len() == 3 {
                break;
            }
        }
        words
    }
}

/// How well a startup suits one kind of collaboration.
fn collaboration_fit(c: CollaborationType, s: &StartupProfile, has_technology: bool) -> f64 {
    let stage = s
        .stage
        .map(|st| Stage::ALL.iter().position(|x| *x == st).unwrap_or(0));
    match c {
        CollaborationType::Poc
        | CollaborationType::JointDevelopment
        | CollaborationType::Licensing => {
            if has_technology {
                1.0
            } else if s.technologies.is_empty() {
                0.3
            } else {
                0.5
            }
        }
        // buying from a startup needs a product: Series A or later
        CollaborationType::Procurement => match stage {
            Some(i) if i >= 2 => 1.0,
            Some(1) => 0.5,
            _ => 0.2,
        },
        // strategic investment fits seed to Series B
        CollaborationType::Investment => match stage {
            Some(1..=3) => 1.0,
            Some(0) => 0.5,
            _ => 0.3,
        },
        CollaborationType::OverseasExpansion => {
            if s.target_markets.is_empty() {
                0.0
            } else {
                1.0
            }
        }
    }
}

fn reason(code: &str, ko: String, en: String, weight: f64) -> Reason {
    Reason {
        code: code.into(),
        ko,
        en,
        weight,
    }
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(|w| w.to_lowercase()).collect()
    }

    fn startup(text: &str, techs: &[&str], ind: &str, stage: Option<Stage>) -> StartupProfile {
        StartupProfile {
            terms: words(text),
            technologies: techs.iter().map(|t| fold_tag(t)).collect(),
            industries: vec![ind.into()],
            stage,
            ..Default::default()
        }
    }

    fn need(text: &str, techs: &[&str], ind: &str) -> NeedProfile {
        NeedProfile {
            terms: words(text).into_iter().map(|w| (w.clone(), w)).collect(),
            technologies: techs.iter().map(|t| (fold_tag(t), words(t))).collect(),
            industries: vec![ind.into()],
            collaboration_types: vec![CollaborationType::Poc],
            preferred_stages: vec![Stage::Seed],
            ..Default::default()
        }
    }

    fn corpus() -> Vec<StartupProfile> {
        vec![
            startup(
                "battery charging robots for warehouses",
                &["battery"],
                "robotics",
                Some(Stage::Seed),
            ),
            startup(
                "credit scoring with machine learning",
                &["machine learning"],
                "ai",
                Some(Stage::SeriesA),
            ),
            startup("bakery delivery app", &[], "foodtech", None),
            startup(
                "warehouse robots that pick parcels",
                &["computer vision"],
                "robotics",
                Some(Stage::SeriesB),
            ),
            startup(
                "fraud detection machine learning for banks",
                &["machine learning"],
                "ai",
                Some(Stage::Seed),
            ),
        ]
    }

    #[test]
    fn the_text_fit_keeps_ordering_strong_matches_instead_of_flattening() {
        let fits: Vec<f64> = [0.0, 0.2, 0.45, 0.6, 0.8, 1.0]
            .into_iter()
            .map(Engine::text_fit)
            .collect();
        assert_eq!(fits[0], 0.0);
        assert!((fits[2] - 0.725).abs() < 1e-12);
        assert_eq!(fits[5], 1.0);
        assert!(fits.windows(2).all(|w| w[0] < w[1]), "{fits:?}");
        // two startups matching much of a need's text differ by how much
        let st = vec![
            startup(
                "solid rocket motor inspection by computed tomography",
                &[],
                "x",
                None,
            ),
            startup(
                "solid rocket motor inspection by ultrasound",
                &[],
                "x",
                None,
            ),
        ];
        let policy = Policy::default();
        let e = Engine::new(&st, &policy, &[]);
        let n = need(
            "computed tomography inspection of solid rocket motor",
            &[],
            "y",
        );
        let (a, b) = (e.score(&n, 0), e.score(&n, 1));
        // the first matches past the old saturation point (relevance 0.45, fit 0.725),
        // where it would have had the full fit, and still leaves room above it
        assert!(a.fits.text > 0.725 && a.fits.text < 1.0, "{a:?}");
        assert!(b.fits.text > 0.0 && b.fits.text < a.fits.text, "{b:?}");
    }

    #[test]
    fn a_title_that_names_a_startups_technology_ranks_it_first() {
        let mut named = startup("we build imaging systems for industry", &[], "x", None);
        named.title_terms = words("Acme hyperspectral imaging");
        let mut mentions = startup(
            "we build imaging systems for industry and hyperspectral sensors",
            &[],
            "x",
            None,
        );
        mentions.title_terms = words("Beta cameras");
        let st = vec![mentions, named];
        let policy = Policy {
            floor: 0.0,
            ..Policy::default()
        };
        let e = Engine::new(&st, &policy, &[]);
        let mut n = need("hyperspectral imaging for crop health", &[], "y");
        n.title_terms = words("hyperspectral imaging");
        let got = e.candidates(&n, |_| false);
        assert_eq!(got[0].startup, 1, "{got:?}");
        n.title_terms.clear();
        assert_eq!(e.candidates(&n, |_| false)[0].startup, 0, "without a title");
    }

    #[test]
    fn retrieval_finds_what_scoring_every_pair_would_rank_first() {
        let st = corpus();
        let policy = Policy {
            floor: 0.0,
            ..Policy::default()
        };
        let e = Engine::new(&st, &policy, &[]);
        let n = need(
            "machine learning fraud detection for card payments",
            &["machine learning"],
            "finance",
        );
        let got = e.candidates(&n, |_| false);
        let mut all: Vec<Scored> = (0..st.len() as u32).map(|d| e.score(&n, d)).collect();
        all.sort_by(|a, b| b.score.total_cmp(&a.score));
        assert_eq!(got[0].startup, 4);
        assert_eq!(got[0].startup, all[0].startup);
        assert!((got[0].score - all[0].score).abs() < 1e-6);
        // a startup sharing no term, tag or industry link is never retrieved
        assert!(got.iter().all(|s| s.startup != 2), "{got:?}");
    }

    #[test]
    fn every_score_carries_reasons_in_both_languages_largest_first() {
        let st = corpus();
        let policy = Policy::default();
        let e = Engine::new(&st, &policy, &[]);
        let n = need(
            "warehouse robots picking",
            &["computer vision", "battery"],
            "robotics",
        );
        let s = e.score(&n, 3);
        assert!(!s.reasons.is_empty() && s.reasons.len() <= MAX_REASONS);
        for r in &s.reasons {
            assert!(
                !r.ko.is_empty() && !r.en.is_empty() && r.weight > 0.0,
                "{r:?}"
            );
        }
        assert!(s.reasons.windows(2).all(|w| w[0].weight >= w[1].weight));
        let codes: Vec<&str> = s.reasons.iter().map(|r| r.code.as_str()).collect();
        assert!(
            codes.contains(&"industry") && codes.contains(&"technology"),
            "{codes:?}"
        );
        let tech = s.reasons.iter().find(|r| r.code == "technology").unwrap();
        assert!(
            tech.en.contains("1 of 2") && tech.en.contains("computer vision"),
            "{}",
            tech.en
        );
        assert!(tech.ko.contains("1/2"), "{}", tech.ko);
        // the reasons are shares of the score
        let sum: f64 = s.reasons.iter().map(|r| r.weight).sum();
        assert!(sum <= s.score + 1e-3);
    }

    #[test]
    fn convergence_follows_the_policy_table_and_its_weight() {
        let st = corpus();
        let n = need("credit risk", &[], "finance");
        let program = [("ai".to_string(), "finance".to_string())];
        let policy = Policy::default();
        let e = Engine::new(&st, &policy, &program);
        let s = e.score(&n, 1);
        assert_eq!(s.fits.convergence, 1.0);
        assert!(s.is_convergence());
        let r = s.reasons.iter().find(|r| r.code == "convergence").unwrap();
        assert!(
            r.en.contains("Artificial intelligence × Finance"),
            "{}",
            r.en
        );
        assert!(r.ko.contains("인공지능 × 금융"), "{}", r.ko);
        // without the pair in the table there is no convergence
        assert_eq!(
            Engine::new(&st, &policy, &[]).score(&n, 1).fits.convergence,
            0.0
        );
        // a policy's own table replaces the program's, with its weight
        let own = Policy {
            convergence: vec![crate::policy::Link {
                a: "finance".into(),
                b: "ai".into(),
                weight: 0.5,
            }],
            ..Policy::default()
        };
        assert_eq!(
            Engine::new(&st, &own, &[]).score(&n, 1).fits.convergence,
            0.5
        );
    }

    #[test]
    fn stage_cluster_and_overseas_fit() {
        let mut st = corpus();
        st[0].clusters = vec!["yangjae".into()];
        st[3].clusters = vec!["pangyo".into()];
        st[3].target_markets = vec!["VN".into()];
        let mut n = need("warehouse robots", &[], "robotics");
        n.clusters = vec!["yangjae".into()];
        n.collaboration_types
            .push(CollaborationType::OverseasExpansion);
        let policy = Policy::default();
        let e = Engine::new(&st, &policy, &[]);
        let a = e.score(&n, 0);
        assert_eq!(
            (a.fits.stage, a.fits.cluster, a.fits.overseas),
            (1.0, 1.0, 0.0)
        );
        let b = e.score(&n, 3);
        assert_eq!(
            (
                b.fits.stage,
                b.fits.cluster,
                b.fits.inter_cluster,
                b.fits.overseas
            ),
            (0.0, 0.0, 1.0, 1.0)
        );
        assert!(b.is_cross_cluster());
        // an inter-cluster list limits the bonus to the pairs it names
        let listed = Policy {
            inter_cluster: vec![crate::policy::Link {
                a: "gangnam".into(),
                b: "yangjae".into(),
                weight: 1.0,
            }],
            ..Policy::default()
        };
        assert_eq!(
            Engine::new(&st, &listed, &[])
                .score(&n, 3)
                .fits
                .inter_cluster,
            0.0
        );
    }

    #[test]
    fn exclusions_and_the_floor_keep_pairs_out() {
        let st = corpus();
        let policy = Policy {
            floor: 0.0,
            ..Policy::default()
        };
        let e = Engine::new(&st, &policy, &[]);
        let n = need(
            "machine learning fraud detection",
            &["machine learning"],
            "ai",
        );
        let got = e.candidates(&n, |d| d == 4);
        assert!(!got.is_empty() && got.iter().all(|s| s.startup != 4));
        let high = Policy {
            floor: 0.99,
            ..Policy::default()
        };
        assert!(
            Engine::new(&st, &high, &[])
                .candidates(&n, |_| false)
                .is_empty()
        );
        let few = Policy {
            floor: 0.0,
            candidates_per_need: 1,
            ..Policy::default()
        };
        assert_eq!(
            Engine::new(&st, &few, &[]).candidates(&n, |_| false).len(),
            1
        );
    }
}
