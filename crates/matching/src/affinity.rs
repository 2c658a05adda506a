//! Whom to introduce a startup to: each enterprise's preferences learnt from its history
//! of outcomes (the industries, regions, stages and ages of the startups it worked
//! with, and how active it has been lately), scored for a startup that may have no
//! history of its own. A naive-Bayes-like lift per trait on top of a recency-weighted
//! activity prior, with every contribution kept as a reason.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::{Reason, Stage, industry};

/// What the model reads of a startup.
#[derive(Debug, Clone, Default)]
pub struct StartupTraits {
    pub industries: Vec<String>,
    /// Region or city, folded.
    pub region: Option<String>,
    pub stage: Option<Stage>,
    pub founded_year: Option<i32>,
}

/// What the model reads of an enterprise besides its history.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseTraits {
    pub industries: Vec<String>,
}

/// One past outcome: startup and enterprise by index, and when.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub startup: u32,
    pub enterprise: u32,
    pub date: NaiveDate,
}

/// How much each trait weighs.
#[derive(Debug, Clone, Copy)]
pub struct AffinityWeights {
    pub activity: f64,
    pub industry: f64,
    pub region: f64,
    pub stage: f64,
    pub age: f64,
    pub declared: f64,
    /// Half-life of a past link's weight in the activity prior, in days.
    pub half_life_days: f64,
}

impl Default for AffinityWeights {
    fn default() -> Self {
        // tuned on our own split of Crunchbase 2013 (learn before 2010, test after)
        Self {
            activity: 1.0,
            industry: 0.5,
            region: 1.4,
            stage: 0.4,
            age: 0.3,
            declared: 0.5,
            half_life_days: 365.0,
        }
    }
}

#[derive(Default)]
struct Counts {
    by: HashMap<String, f64>,
    total: f64,
}

impl Counts {
    fn add(&mut self, key: &str, w: f64) {
        *self.by.entry(key.to_string()).or_default() += w;
        self.total += w;
    }
    fn get(&self, key: &str) -> f64 {
        self.by.get(key).copied().unwrap_or(0.0)
    }
}

struct Profile {
    links: usize,
    recent: f64,
    industry: Counts,
    region: Counts,
    stage: Counts,
    age: Counts,
}

/// The learnt preferences of every enterprise.
pub struct Affinity {
    weights: AffinityWeights,
    profiles: Vec<Profile>,
    declared: Vec<Vec<String>>,
    global: [Counts; 4],
    /// Enterprises with any history, most active first (the popularity ranking).
    popular: Vec<u32>,
}

fn age_bucket(founded: Option<i32>, on: NaiveDate) -> Option<&'static str> {
    use chrono::Datelike;
    let age = on.year() - founded?;
    Some(match age {
        ..=1 => "0-1",
        2..=3 => "2-3",
        4..=6 => "4-6",
        _ => "7+",
    })
}

/// Smoothing: how many links of the program-wide mix an enterprise's own mix is blended
/// with.
const PRIOR_LINKS: f64 = 4.0;

impl Affinity {
    /// Learns from `links` up to `as_of` (later links are ignored).
    pub fn learn(
        startups: &[StartupTraits],
        enterprises: &[EnterpriseTraits],
        links: &[Link],
        as_of: NaiveDate,
        weights: AffinityWeights,
    ) -> Self {
        let mut profiles: Vec<Profile> = (0..enterprises.len())
            .map(|_| Profile {
                links: 0,
                recent: 0.0,
                industry: Counts::default(),
                region: Counts::default(),
                stage: Counts::default(),
                age: Counts::default(),
            })
            .collect();
        let mut global: [Counts; 4] = Default::default();
        for l in links.iter().filter(|l| l.date <= as_of) {
            let s = &startups[l.startup as usize];
            let p = &mut profiles[l.enterprise as usize];
            let days = (as_of - l.date).num_days() as f64;
            p.links += 1;
            p.recent += 0.5f64.powf(days / weights.half_life_days);
            let share = 1.0 / s.industries.len().max(1) as f64;
            for i in &s.industries {
                p.industry.add(i, share);
                global[0].add(i, share);
            }
            if let Some(r) = &s.region {
                p.region.add(r, 1.0);
                global[1].add(r, 1.0);
            }
            if let Some(st) = s.stage {
                p.stage.add(st.as_str(), 1.0);
                global[2].add(st.as_str(), 1.0);
            }
            if let Some(a) = age_bucket(s.founded_year, l.date) {
                p.age.add(a, 1.0);
                global[3].add(a, 1.0);
            }
        }
        let mut popular: Vec<u32> = (0..profiles.len() as u32)
            .filter(|&e| profiles[e as usize].links > 0)
            .collect();
        popular.sort_by(|&a, &b| {
            profiles[b as usize]
                .links
                .cmp(&profiles[a as usize].links)
                .then(a.cmp(&b))
        });
        Self {
            weights,
            profiles,
            declared: enterprises.iter().map(|e| e.industries.clone()).collect(),
            global,
            popular,
        }
    }

    /// The enterprises with the most links, most first: the popularity baseline.
    pub fn popular(&self, k: usize) -> Vec<u32> {
        self.popular.iter().take(k).copied().collect()
    }

    /// log of how much more often than the program as a whole `e` worked with startups
    /// showing `key` (smoothed towards the program's mix).
    fn lift(&self, which: usize, own: &Counts, key: &str) -> f64 {
        let g = &self.global[which];
        if g.total <= 0.0 {
            return 0.0;
        }
        let pg = (g.get(key) + 0.5) / (g.total + 1.0);
        let pe = (own.get(key) + PRIOR_LINKS * pg) / (own.total + PRIOR_LINKS);
        (pe / pg).ln()
    }

    /// The contributions to enterprise `e`'s score for the startup, by reason code.
    fn parts(&self, s: &StartupTraits, e: u32, on: NaiveDate) -> Vec<(f64, &'static str)> {
        let w = &self.weights;
        let p = &self.profiles[e as usize];
        let mut parts = Vec::with_capacity(6);
        parts.push((
            w.activity * (1.0 + p.recent).ln() + 0.1 * (1.0 + p.links as f64).ln(),
            "activity",
        ));
        let best = s
            .industries
            .iter()
            .map(|i| self.lift(0, &p.industry, i))
            .fold(f64::NEG_INFINITY, f64::max);
        if best.is_finite() {
            parts.push((w.industry * best, "industry"));
        }
        if let Some(r) = &s.region {
            parts.push((w.region * self.lift(1, &p.region, r), "region"));
        }
        if let Some(st) = s.stage {
            parts.push((w.stage * self.lift(2, &p.stage, st.as_str()), "stage"));
        }
        if let Some(a) = age_bucket(s.founded_year, on) {
            parts.push((w.age * self.lift(3, &p.age, a), "age"));
        }
        if s.industries
            .iter()
            .any(|i| self.declared[e as usize].contains(i))
        {
            parts.push((w.declared, "declared"));
        }
        parts
    }

    /// Enterprise `e`'s score for the startup.
    pub fn value(&self, s: &StartupTraits, e: u32, on: NaiveDate) -> f64 {
        self.parts(s, e, on).iter().map(|p| p.0).sum()
    }

    /// Enterprise `e`'s score for the startup, with the (up to three) largest positive
    /// contributions in words.
    pub fn score(&self, s: &StartupTraits, e: u32, on: NaiveDate) -> (f64, Vec<Reason>) {
        let mut parts = self.parts(s, e, on);
        let score = parts.iter().map(|p| p.0).sum();
        parts.retain(|p| p.0 > 0.0);
        parts.sort_by(|a, b| b.0.total_cmp(&a.0));
        let reasons = parts
            .into_iter()
            .take(3)
            .map(|(v, code)| {
                let mut r = self.describe(code, s, e, on);
                r.weight = (v * 1000.0).round() / 1000.0;
                r
            })
            .collect();
        (score, reasons)
    }

    fn describe(&self, code: &str, s: &StartupTraits, e: u32, on: NaiveDate) -> Reason {
        let p = &self.profiles[e as usize];
        let count = |c: &Counts, k: &str| c.get(k).round() as i64;
        match code {
            "activity" => reason(
                code,
                format!(
                    "활발한 협력 이력: {}건 (최근 활동 가중치 {:.1})",
                    p.links, p.recent
                ),
                format!(
                    "Active: {} past deals (recent weight {:.1})",
                    p.links, p.recent
                ),
            ),
            "industry" => {
                let i = s
                    .industries
                    .iter()
                    .max_by(|a, b| {
                        self.lift(0, &p.industry, a)
                            .total_cmp(&self.lift(0, &p.industry, b))
                    })
                    .map(String::as_str)
                    .unwrap_or("");
                let (ko, en) = industry::labels(i);
                let n = count(&p.industry, i);
                reason(
                    code,
                    format!("{ko} 분야 스타트업과 {n}건 협력"),
                    format!("Worked with {n} {en} startups"),
                )
            }
            "region" => {
                let r = s.region.as_deref().unwrap_or("");
                let n = count(&p.region, r);
                reason(
                    code,
                    format!("{r} 지역 스타트업과 {n}건 협력"),
                    format!("Worked with {n} startups in {r}"),
                )
            }
            "stage" => {
                let st = s.stage.unwrap_or(Stage::Seed);
                let n = count(&p.stage, st.as_str());
                reason(
                    code,
                    format!("{} 단계 스타트업과 {n}건 협력", st.label_ko()),
                    format!("Worked with {n} {} startups", st.label_en()),
                )
            }
            "age" => {
                let a = age_bucket(s.founded_year, on).unwrap_or("");
                reason(
                    code,
                    format!("설립 {a}년차 스타트업을 선호"),
                    format!("Prefers startups {a} years old"),
                )
            }
            _ => {
                let i = s
                    .industries
                    .iter()
                    .find(|i| self.declared[e as usize].contains(i))
                    .map(String::as_str)
                    .unwrap_or("");
                let (ko, en) = industry::labels(i);
                reason(
                    code,
                    format!("기업의 관심 산업: {ko}"),
                    format!("Its own industry: {en}"),
                )
            }
        }
    }

    /// The `k` enterprises best worth introducing the startup to, best first, leaving
    /// out those `excluded` says (e.g. already working with it).
    pub fn rank(
        &self,
        s: &StartupTraits,
        on: NaiveDate,
        k: usize,
        excluded: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f64, Vec<Reason>)> {
        let mut scored: Vec<(f64, u32)> = (0..self.profiles.len() as u32)
            .filter(|&e| !excluded(e))
            .map(|e| (self.value(s, e, on), e))
            .collect();
        let k = k.min(scored.len());
        if k == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(k);
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .map(|(v, e)| {
                let (_, reasons) = self.score(s, e, on);
                (e, v, reasons)
            })
            .collect()
    }
}

fn reason(code: &str, ko: String, en: String) -> Reason {
    Reason {
        code: code.into(),
        ko,
        en,
        weight: 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    #[test]
    fn an_enterprise_that_backs_an_industry_and_region_ranks_first_for_a_new_startup_there() {
        let st = |ind: &str, region: &str| StartupTraits {
            industries: vec![ind.into()],
            region: Some(region.into()),
            ..Default::default()
        };
        let startups = vec![
            st("fintech", "seoul"),
            st("fintech", "seoul"),
            st("web", "busan"),
            st("web", "busan"),
            st("web", "busan"),
            st("web", "busan"),
        ];
        let ents = vec![EnterpriseTraits::default(), EnterpriseTraits::default()];
        // enterprise 1 is busier, enterprise 0 backs Seoul fintech
        let links = vec![
            Link {
                startup: 0,
                enterprise: 0,
                date: d(2010, 1),
            },
            Link {
                startup: 1,
                enterprise: 0,
                date: d(2010, 6),
            },
            Link {
                startup: 2,
                enterprise: 1,
                date: d(2010, 2),
            },
            Link {
                startup: 3,
                enterprise: 1,
                date: d(2010, 3),
            },
            Link {
                startup: 4,
                enterprise: 1,
                date: d(2010, 4),
            },
            Link {
                startup: 5,
                enterprise: 1,
                date: d(2010, 5),
            },
        ];
        let a = Affinity::learn(
            &startups,
            &ents,
            &links,
            d(2011, 1),
            AffinityWeights::default(),
        );
        assert_eq!(a.popular(1), vec![1]);
        let new = st("fintech", "seoul");
        let r = a.rank(&new, d(2011, 1), 2, |_| false);
        assert_eq!(r[0].0, 0, "{r:?}");
        assert!(
            r[0].2
                .iter()
                .any(|x| x.code == "industry" && x.en.contains("Fintech"))
        );
        assert!(r[0].2.iter().all(|x| !x.ko.is_empty()));
        let busan = st("web", "busan");
        assert_eq!(a.rank(&busan, d(2011, 1), 1, |_| false)[0].0, 1);
        // exclusions hold
        assert!(
            a.rank(&new, d(2011, 1), 2, |e| e == 0)
                .iter()
                .all(|x| x.0 != 0)
        );
        // links after the as-of date are not learnt
        let early = Affinity::learn(
            &startups,
            &ents,
            &links,
            d(2010, 3),
            AffinityWeights::default(),
        );
        assert_eq!(early.profiles[1].links, 2);
    }
}
