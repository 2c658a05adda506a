//! The program's KPIs, computed from facts the store hands over, per year and against
//! targets that are data (the 2022 article's figures are the defaults).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::industry::is_convergence;
use crate::kinds::OutcomeKind;
use crate::money::{FxRates, Money};

/// A startup as the KPIs see it.
#[derive(Debug, Clone)]
pub struct StartupFact {
    pub key: i64,
    pub discovered_on: NaiveDate,
}

/// An enterprise as the KPIs see it: the day it started taking part, if it has.
#[derive(Debug, Clone)]
pub struct EnterpriseFact {
    pub key: i64,
    pub participating_since: Option<NaiveDate>,
}

/// A match both sides accepted, with what decides convergence and cross-cluster.
#[derive(Debug, Clone)]
pub struct MatchFact {
    pub startup: i64,
    pub enterprise: i64,
    pub accepted_on: NaiveDate,
    pub startup_industries: Vec<String>,
    /// The need's industries, or the enterprise's when the need names none.
    pub partner_industries: Vec<String>,
    pub startup_clusters: Vec<String>,
    pub enterprise_clusters: Vec<String>,
    /// top-down, bottom-up or on-demand.
    pub track: String,
}

#[derive(Debug, Clone)]
pub struct OutcomeFact {
    pub startup: i64,
    pub enterprise: i64,
    pub kind: OutcomeKind,
    pub date: NaiveDate,
    pub amount: Option<Money>,
}

#[derive(Debug, Clone, Default)]
pub struct CenterFact {
    pub code: String,
    pub capacity: i64,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub applications: u64,
    pub admitted: u64,
    pub outcomes: Vec<CenterOutcomeFact>,
}

/// What an admitted startup achieved abroad.
#[derive(Debug, Clone)]
pub struct CenterOutcomeFact {
    pub kind: crate::kinds::CenterOutcomeKind,
    pub date: NaiveDate,
    pub amount: Option<Money>,
    pub count: Option<i64>,
}

/// A center's figures on the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CenterFigures {
    pub code: String,
    pub open: bool,
    pub capacity: i64,
    pub applications: u64,
    pub admitted: u64,
    pub market_entries: u64,
    pub partnerships: u64,
    pub local_hires: u64,
    pub overseas_investment_krw: i64,
    pub sales_krw: i64,
    /// Figures whose sum passed the largest number a figure holds: each is shown as
    /// that number, which is less than its sum (an amount to check).
    #[serde(default)]
    pub exceeded: Vec<String>,
}

/// Everything the KPIs are computed from.
#[derive(Debug, Clone, Default)]
pub struct KpiFacts {
    pub startups: Vec<StartupFact>,
    pub enterprises: Vec<EnterpriseFact>,
    pub matches: Vec<MatchFact>,
    pub outcomes: Vec<OutcomeFact>,
    pub centers: Vec<CenterFact>,
    pub clusters: usize,
    pub convergence_pairs: Vec<(String, String)>,
    pub rates: FxRates,
    pub targets: Vec<Target>,
    /// The day the figures are taken ("open centers" are those open on it).
    pub today: Option<NaiveDate>,
}

/// The headline KPIs, in the order reports show them (the keys of `kpi --json`).
pub const HEADLINE_KEYS: [&str; 12] = [
    "startups_discovered",
    "startups_matched",
    "startups_matched_share",
    "enterprises_participating",
    "cooperation_cases",
    "investment_krw",
    "ndas",
    "pocs",
    "overseas_centers",
    "clusters",
    "convergence_matches",
    "cross_cluster_matches",
];

/// A KPI's target and baseline; data the program manager edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub key: String,
    pub target: Option<f64>,
    pub by_year: Option<i32>,
    pub baseline: Option<f64>,
    pub baseline_note: Option<String>,
}

/// The years a target may be due in.
pub const TARGET_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

impl Target {
    /// Targets and baselines are non-negative; a share's (a key ending in `_share`)
    /// are fractions from 0 to 1 — 0.55 for 55%, never 55; the year it is due lies in
    /// [`TARGET_YEARS`].
    pub fn validate(&self) -> Result<(), crate::FieldError> {
        let share = self.key.ends_with("_share");
        for (field, v) in [("target", self.target), ("baseline", self.baseline)] {
            let Some(v) = v else { continue };
            if !v.is_finite() || v < 0.0 {
                return Err(crate::FieldError::new(
                    field,
                    format!("{v} is not a non-negative number"),
                ));
            }
            if share && v > 1.0 {
                return Err(crate::FieldError::new(
                    field,
                    format!(
                        "{} is a share, a fraction from 0 to 1: write {} for {v}%",
                        self.key,
                        v / 100.0
                    ),
                ));
            }
        }
        if let Some(y) = self.by_year
            && !TARGET_YEARS.contains(&y)
        {
            return Err(crate::FieldError::new(
                "by_year",
                format!(
                    "{y} is not a plausible year for a target ({} to {})",
                    TARGET_YEARS.start(),
                    TARGET_YEARS.end()
                ),
            ));
        }
        Ok(())
    }

    fn new(
        key: &str,
        target: Option<f64>,
        by_year: Option<i32>,
        baseline: Option<f64>,
        note: &str,
    ) -> Self {
        Self {
            key: key.into(),
            target,
            by_year,
            baseline,
            baseline_note: Some(note.into()),
        }
    }
}

/// The article's figures: 2,000 startups discovered and more than half matched by 2024,
/// 200+ enterprises, 10+ overseas centers; baseline 2019–2022: 213 startups, 42
/// enterprises, 100 cooperation cases, 9.1 billion KRW invested, one center.
pub fn default_targets() -> Vec<Target> {
    let b = "2019–2022 (Seoul, 2022)";
    vec![
        Target::new(
            "startups_discovered",
            Some(2000.0),
            Some(2024),
            Some(213.0),
            b,
        ),
        Target::new("startups_matched", Some(1000.0), Some(2024), None, b),
        Target::new("startups_matched_share", Some(0.5), Some(2024), None, b),
        Target::new(
            "enterprises_participating",
            Some(200.0),
            Some(2024),
            Some(42.0),
            b,
        ),
        Target::new("cooperation_cases", None, None, Some(100.0), b),
        Target::new("investment_krw", None, None, Some(9_100_000_000.0), b),
        Target::new("overseas_centers", Some(10.0), Some(2024), Some(1.0), b),
    ]
}

/// One year's new counts (flows, not running totals).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearFigures {
    pub startups_discovered: u64,
    pub startups_matched: u64,
    pub enterprises_participating: u64,
    pub meetings: u64,
    pub ndas: u64,
    pub pocs: u64,
    pub cooperation_cases: u64,
    pub investments: u64,
    pub acquisitions: u64,
    pub investment_krw: i64,
    pub convergence_matches: u64,
    pub cross_cluster_matches: u64,
    pub overseas_centers_opened: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    pub startups_discovered: u64,
    pub startups_matched: u64,
    pub startups_matched_share: f64,
    pub enterprises_participating: u64,
    pub meetings: u64,
    pub ndas: u64,
    pub pocs: u64,
    pub cooperation_cases: u64,
    pub investments: u64,
    pub acquisitions: u64,
    pub investment_krw: i64,
    pub overseas_centers: u64,
    /// Startups admitted to an overseas center, and what they raised abroad.
    pub overseas_startups_admitted: u64,
    pub overseas_investment_krw: i64,
    pub clusters: u64,
    pub convergence_matches: u64,
    pub cross_cluster_matches: u64,
    /// New counts per calendar year (keys are years, as text: JSON object keys).
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, YearFigures>))]
    pub by_year: BTreeMap<i32, YearFigures>,
    /// Target value per KPI key, where one exists.
    pub targets: BTreeMap<String, f64>,
    pub target_details: Vec<Target>,
    /// Currencies whose amounts could not be converted (no rate in the table).
    pub unconverted_currencies: Vec<String>,
    /// Figures whose sum passed the largest number a figure holds: each is shown as
    /// that number, which is less than its sum (an amount to check).
    #[serde(default)]
    pub exceeded: Vec<String>,
}

impl Kpis {
    /// A KPI's current value by key, for comparing against its target.
    pub fn value(&self, key: &str) -> Option<f64> {
        Some(match key {
            "startups_discovered" => self.startups_discovered as f64,
            "startups_matched" => self.startups_matched as f64,
            "startups_matched_share" => self.startups_matched_share,
            "enterprises_participating" => self.enterprises_participating as f64,
            "cooperation_cases" => self.cooperation_cases as f64,
            "investment_krw" => self.investment_krw as f64,
            "ndas" => self.ndas as f64,
            "pocs" => self.pocs as f64,
            "overseas_centers" => self.overseas_centers as f64,
            "clusters" => self.clusters as f64,
            "convergence_matches" => self.convergence_matches as f64,
            "cross_cluster_matches" => self.cross_cluster_matches as f64,
            _ => return None,
        })
    }
}

/// Computes the KPIs. A startup counts as matched once a match with it was accepted by
/// both sides or an outcome with an enterprise was recorded, in the year that first
/// happened; an enterprise participates from its participation date, or else from its
/// first accepted match or outcome.
/// A count per pair of codes (industry × industry, cluster × cluster), rows and
/// columns in the same sorted order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Matrix {
    pub codes: Vec<String>,
    /// `counts[i][j]`: matches between `codes[i]` (the startup's side) and `codes[j]`
    /// (the enterprise's side).
    pub counts: Vec<Vec<u64>>,
}

impl Matrix {
    fn from_pairs(pairs: &BTreeMap<(String, String), u64>) -> Matrix {
        let codes: Vec<String> = pairs
            .keys()
            .flat_map(|(a, b)| [a.clone(), b.clone()])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let at = |c: &str| codes.iter().position(|x| x == c).expect("listed");
        let mut counts = vec![vec![0; codes.len()]; codes.len()];
        for ((a, b), n) in pairs {
            counts[at(a)][at(b)] += n;
        }
        Matrix { codes, counts }
    }

    pub fn max(&self) -> u64 {
        self.counts.iter().flatten().copied().max().unwrap_or(0)
    }
}

/// A code's count in a breakdown (a cluster's, an industry's, a track's matches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub code: String,
    pub count: u64,
}

/// Where the accepted matches fall: per cluster and industry of the startup, the
/// industry × industry (convergence) and cluster × cluster (inter-cluster) matrices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdowns {
    /// Accepted matches with a startup of each cluster, most first.
    pub by_cluster: Vec<Tally>,
    /// Accepted matches with a startup in each industry, most first.
    pub by_industry: Vec<Tally>,
    pub convergence: Matrix,
    pub inter_cluster: Matrix,
    /// Outcomes (cooperation, investment, ...) between a startup's and its partner
    /// enterprise's clusters.
    pub inter_cluster_outcomes: Matrix,
    pub by_center: Vec<CenterFigures>,
    /// Accepted matches of each track, most first.
    pub by_track: Vec<Tally>,
}

/// The breakdowns of the accepted matches. A match counts once per code it carries
/// (a startup in two industries counts in both rows), and once per distinct pair in a
/// matrix.
pub fn breakdowns(f: &KpiFacts) -> Breakdowns {
    fn ranked(m: HashMap<String, u64>) -> Vec<Tally> {
        let mut v: Vec<Tally> = m
            .into_iter()
            .map(|(code, count)| Tally { code, count })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        v
    }
    let (mut cluster, mut industry, mut track) = (HashMap::new(), HashMap::new(), HashMap::new());
    let (mut conv, mut inter) = (BTreeMap::new(), BTreeMap::new());
    for m in &f.matches {
        *track.entry(m.track.clone()).or_insert(0) += 1;
        let distinct = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
        for c in distinct(&m.startup_clusters) {
            *cluster.entry(c).or_insert(0) += 1;
        }
        for i in distinct(&m.startup_industries) {
            *industry.entry(i).or_insert(0) += 1;
        }
        for a in distinct(&m.startup_industries) {
            for b in distinct(&m.partner_industries) {
                *conv.entry((a.clone(), b)).or_insert(0) += 1;
            }
        }
        for a in distinct(&m.startup_clusters) {
            for b in distinct(&m.enterprise_clusters) {
                *inter.entry((a.clone(), b)).or_insert(0) += 1;
            }
        }
    }
    let mut startup_clusters: HashMap<i64, &[String]> = HashMap::new();
    let mut enterprise_clusters: HashMap<i64, &[String]> = HashMap::new();
    for m in &f.matches {
        startup_clusters.insert(m.startup, &m.startup_clusters);
        enterprise_clusters.insert(m.enterprise, &m.enterprise_clusters);
    }
    let mut outcome_pairs = BTreeMap::new();
    for o in &f.outcomes {
        let (Some(a), Some(b)) = (
            startup_clusters.get(&o.startup),
            enterprise_clusters.get(&o.enterprise),
        ) else {
            continue;
        };
        for x in a.iter().collect::<BTreeSet<_>>() {
            for y in b.iter().collect::<BTreeSet<_>>() {
                *outcome_pairs.entry((x.clone(), y.clone())).or_insert(0) += 1;
            }
        }
    }
    let today = f.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    Breakdowns {
        by_cluster: ranked(cluster),
        by_industry: ranked(industry),
        convergence: Matrix::from_pairs(&conv),
        inter_cluster: Matrix::from_pairs(&inter),
        inter_cluster_outcomes: Matrix::from_pairs(&outcome_pairs),
        by_center: f
            .centers
            .iter()
            .map(|c| center_figures(c, &f.rates, today))
            .collect(),
        by_track: ranked(track),
    }
}

/// Adds `amount` to `total`; when the sum passes what a figure holds, the total stays
/// at the largest and `figure` is named in `exceeded` (once), never dropped silently.
fn add<T: Copy + num_add::Checked>(
    total: &mut T,
    amount: T,
    figure: &str,
    exceeded: &mut Vec<String>,
) {
    match total.checked(amount) {
        Some(sum) => *total = sum,
        None => {
            *total = T::MAX;
            if !exceeded.iter().any(|f| f == figure) {
                exceeded.push(figure.to_string());
            }
        }
    }
}

mod num_add {
    /// The figures' number types, added with a check.
    pub trait Checked: Sized {
        const MAX: Self;
        fn checked(self, other: Self) -> Option<Self>;
    }
    impl Checked for i64 {
        const MAX: Self = i64::MAX;
        fn checked(self, other: Self) -> Option<Self> {
            self.checked_add(other)
        }
    }
    impl Checked for u64 {
        const MAX: Self = u64::MAX;
        fn checked(self, other: Self) -> Option<Self> {
            self.checked_add(other)
        }
    }
}

fn center_figures(c: &CenterFact, rates: &FxRates, today: NaiveDate) -> CenterFigures {
    use crate::kinds::CenterOutcomeKind as K;
    let mut fig = CenterFigures {
        code: c.code.clone(),
        open: c.opened_on.is_some_and(|o| o <= today) && c.closed_on.is_none_or(|x| x > today),
        capacity: c.capacity,
        applications: c.applications,
        admitted: c.admitted,
        ..Default::default()
    };
    for o in &c.outcomes {
        let krw = o
            .amount
            .and_then(|m| rates.to_krw_on(m, o.date).ok())
            .unwrap_or(0);
        let exceeded = &mut fig.exceeded;
        match o.kind {
            K::MarketEntry => fig.market_entries += 1,
            K::Partnership => add(
                &mut fig.partnerships,
                o.count.unwrap_or(1).max(1) as u64,
                "partnerships",
                exceeded,
            ),
            K::LocalHires => add(
                &mut fig.local_hires,
                o.count.unwrap_or(0).max(0) as u64,
                "local_hires",
                exceeded,
            ),
            K::OverseasInvestment => add(
                &mut fig.overseas_investment_krw,
                krw,
                "overseas_investment_krw",
                exceeded,
            ),
            K::Sales => add(&mut fig.sales_krw, krw, "sales_krw", exceeded),
        }
    }
    fig
}

pub fn compute(f: &KpiFacts) -> Kpis {
    let mut by_year: BTreeMap<i32, YearFigures> = BTreeMap::new();
    let today = f.today.unwrap_or_else(|| chrono::Utc::now().date_naive());

    for s in &f.startups {
        by_year
            .entry(s.discovered_on.year())
            .or_default()
            .startups_discovered += 1;
    }

    let mut first_matched: HashMap<i64, NaiveDate> = HashMap::new();
    let mut first_active: HashMap<i64, NaiveDate> = HashMap::new();
    let note = |m: &mut HashMap<i64, NaiveDate>, k: i64, d: NaiveDate| {
        m.entry(k).and_modify(|x| *x = (*x).min(d)).or_insert(d);
    };
    let (mut convergence, mut cross_cluster) = (0, 0);
    for m in &f.matches {
        note(&mut first_matched, m.startup, m.accepted_on);
        note(&mut first_active, m.enterprise, m.accepted_on);
        let y = by_year.entry(m.accepted_on.year()).or_default();
        if is_convergence(
            m.startup_industries.iter().map(String::as_str),
            m.partner_industries.iter().map(String::as_str),
            &f.convergence_pairs,
        ) {
            convergence += 1;
            y.convergence_matches += 1;
        }
        let shared = m
            .startup_clusters
            .iter()
            .any(|c| m.enterprise_clusters.contains(c));
        if !m.startup_clusters.is_empty() && !m.enterprise_clusters.is_empty() && !shared {
            cross_cluster += 1;
            y.cross_cluster_matches += 1;
        }
    }

    let mut unconverted = BTreeSet::new();
    let mut k = Kpis {
        startups_discovered: f.startups.len() as u64,
        startups_matched: 0,
        startups_matched_share: 0.0,
        enterprises_participating: 0,
        meetings: 0,
        ndas: 0,
        pocs: 0,
        cooperation_cases: 0,
        investments: 0,
        acquisitions: 0,
        investment_krw: 0,
        overseas_centers: 0,
        overseas_startups_admitted: 0,
        overseas_investment_krw: 0,
        clusters: f.clusters as u64,
        convergence_matches: convergence,
        cross_cluster_matches: cross_cluster,
        by_year: BTreeMap::new(),
        targets: BTreeMap::new(),
        target_details: f.targets.clone(),
        unconverted_currencies: vec![],
        exceeded: vec![],
    };
    for o in &f.outcomes {
        note(&mut first_matched, o.startup, o.date);
        note(&mut first_active, o.enterprise, o.date);
        let y = by_year.entry(o.date.year()).or_default();
        let (total, year) = match o.kind {
            OutcomeKind::Meeting => (&mut k.meetings, &mut y.meetings),
            OutcomeKind::Nda => (&mut k.ndas, &mut y.ndas),
            OutcomeKind::Poc => (&mut k.pocs, &mut y.pocs),
            OutcomeKind::Cooperation => (&mut k.cooperation_cases, &mut y.cooperation_cases),
            OutcomeKind::Investment => (&mut k.investments, &mut y.investments),
            OutcomeKind::Acquisition => (&mut k.acquisitions, &mut y.acquisitions),
        };
        *total += 1;
        *year += 1;
        if o.kind == OutcomeKind::Investment
            && let Some(m) = o.amount
        {
            match f.rates.to_krw_on(m, o.date) {
                Ok(krw) => {
                    add(
                        &mut k.investment_krw,
                        krw,
                        "investment_krw",
                        &mut k.exceeded,
                    );
                    let in_year = format!("by_year.{}.investment_krw", o.date.year());
                    add(&mut y.investment_krw, krw, &in_year, &mut k.exceeded);
                }
                Err(_) => {
                    unconverted.insert(m.currency.code().to_string());
                }
            }
        }
    }
    // Startups with links but no row (e.g. outcomes imported before their startups)
    // are not counted: the share is of discovered startups.
    let known: BTreeSet<i64> = f.startups.iter().map(|s| s.key).collect();
    for (s, d) in &first_matched {
        if known.contains(s) {
            k.startups_matched += 1;
            by_year.entry(d.year()).or_default().startups_matched += 1;
        }
    }
    for e in &f.enterprises {
        if let Some(d) = e
            .participating_since
            .or_else(|| first_active.get(&e.key).copied())
        {
            k.enterprises_participating += 1;
            by_year
                .entry(d.year())
                .or_default()
                .enterprises_participating += 1;
        }
    }
    for c in &f.centers {
        if let Some(o) = c.opened_on {
            by_year.entry(o.year()).or_default().overseas_centers_opened += 1;
        }
        if c.opened_on.is_some_and(|o| o <= today) && c.closed_on.is_none_or(|x| x > today) {
            k.overseas_centers += 1;
        }
        k.overseas_startups_admitted += c.admitted;
        for krw in c
            .outcomes
            .iter()
            .filter(|o| o.kind == crate::kinds::CenterOutcomeKind::OverseasInvestment)
            .filter_map(|o| o.amount.and_then(|m| f.rates.to_krw_on(m, o.date).ok()))
        {
            add(
                &mut k.overseas_investment_krw,
                krw,
                "overseas_investment_krw",
                &mut k.exceeded,
            );
        }
    }
    k.startups_matched_share = if k.startups_discovered == 0 {
        0.0
    } else {
        k.startups_matched as f64 / k.startups_discovered as f64
    };
    k.targets = f
        .targets
        .iter()
        .filter_map(|t| t.target.map(|v| (t.key.clone(), v)))
        .collect();
    k.by_year = by_year;
    k.unconverted_currencies = unconverted.into_iter().collect();
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::industry::default_convergence_pairs;
    use crate::money::Currency;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn facts() -> KpiFacts {
        let usd = Currency::parse("USD").unwrap();
        KpiFacts {
            startups: (1..=4)
                .map(|k| StartupFact {
                    key: k,
                    discovered_on: d(if k < 3 { "2021-01-05" } else { "2023-02-01" }),
                })
                .collect(),
            enterprises: vec![
                EnterpriseFact {
                    key: 10,
                    participating_since: Some(d("2020-01-01")),
                },
                EnterpriseFact {
                    key: 11,
                    participating_since: None,
                },
                EnterpriseFact {
                    key: 12,
                    participating_since: None,
                },
            ],
            matches: vec![MatchFact {
                startup: 1,
                enterprise: 10,
                accepted_on: d("2022-04-01"),
                startup_industries: vec!["ai".into()],
                partner_industries: vec!["fintech".into()],
                startup_clusters: vec!["yangjae".into()],
                enterprise_clusters: vec!["yeouido".into()],
                track: "top-down".into(),
            }],
            outcomes: vec![
                OutcomeFact {
                    startup: 1,
                    enterprise: 10,
                    kind: OutcomeKind::Cooperation,
                    date: d("2022-06-01"),
                    amount: None,
                },
                OutcomeFact {
                    startup: 2,
                    enterprise: 11,
                    kind: OutcomeKind::Investment,
                    date: d("2023-03-01"),
                    amount: Some(Money::krw(1_000_000_000)),
                },
                OutcomeFact {
                    startup: 2,
                    enterprise: 11,
                    kind: OutcomeKind::Investment,
                    date: d("2023-09-01"),
                    amount: Some(Money::parse("1000", usd).unwrap()),
                },
                OutcomeFact {
                    startup: 3,
                    enterprise: 11,
                    kind: OutcomeKind::Nda,
                    date: d("2024-01-10"),
                    amount: None,
                },
                OutcomeFact {
                    startup: 99,
                    enterprise: 11,
                    kind: OutcomeKind::Poc,
                    date: d("2024-01-10"),
                    amount: None,
                },
            ],
            centers: vec![
                CenterFact {
                    opened_on: Some(d("2019-05-01")),
                    closed_on: None,
                    ..Default::default()
                },
                CenterFact {
                    opened_on: Some(d("2023-05-01")),
                    closed_on: Some(d("2024-01-01")),
                    ..Default::default()
                },
                CenterFact {
                    opened_on: None,
                    closed_on: None,
                    ..Default::default()
                },
            ],
            clusters: 2,
            convergence_pairs: default_convergence_pairs(),
            rates: FxRates::default(),
            targets: default_targets(),
            today: Some(d("2024-06-01")),
        }
    }

    #[test]
    fn totals_count_what_the_spec_says() {
        let k = compute(&facts());
        assert_eq!(k.startups_discovered, 4);
        assert_eq!(
            k.startups_matched, 3,
            "1 by match, 2 and 3 by outcomes; 99 is unknown"
        );
        assert!((k.startups_matched_share - 0.75).abs() < 1e-9);
        assert_eq!(
            k.enterprises_participating, 2,
            "10 by date, 11 by activity, 12 never"
        );
        assert_eq!(k.cooperation_cases, 1);
        assert_eq!((k.ndas, k.pocs, k.investments), (1, 1, 2));
        assert_eq!(k.investment_krw, 1_000_000_000 + 1_300_000);
        assert_eq!(k.overseas_centers, 1, "one closed, one never opened");
        assert_eq!(k.convergence_matches, 1);
        assert_eq!(k.cross_cluster_matches, 1);
        assert_eq!(k.targets["startups_discovered"], 2000.0);
        assert_eq!(k.targets["startups_matched_share"], 0.5);
        assert!(!k.targets.contains_key("cooperation_cases"));
    }

    #[test]
    fn sums_beyond_the_largest_number_stay_at_it_instead_of_failing() {
        let mut f = facts();
        for o in &mut f.outcomes {
            if o.kind == OutcomeKind::Investment {
                o.amount = Some(Money::krw(i64::MAX));
            }
        }
        let k = compute(&f);
        assert_eq!(k.investment_krw, i64::MAX);
        assert_eq!(k.by_year[&2023].investment_krw, i64::MAX);
    }

    #[test]
    fn years_hold_the_new_counts() {
        let k = compute(&facts());
        assert_eq!(k.by_year[&2021].startups_discovered, 2);
        assert_eq!(k.by_year[&2022].startups_matched, 1);
        assert_eq!(k.by_year[&2023].startups_matched, 1);
        assert_eq!(k.by_year[&2023].investment_krw, 1_001_300_000);
        assert_eq!(k.by_year[&2020].enterprises_participating, 1);
        assert_eq!(k.by_year[&2023].enterprises_participating, 1);
        let total: u64 = k.by_year.values().map(|y| y.startups_matched).sum();
        assert_eq!(total, k.startups_matched);
    }

    #[test]
    fn a_currency_without_rate_is_reported_not_guessed() {
        let mut f = facts();
        f.rates.krw_per_unit.remove("USD");
        let k = compute(&f);
        assert_eq!(k.investment_krw, 1_000_000_000);
        assert_eq!(k.unconverted_currencies, vec!["USD"]);
    }

    #[test]
    fn breakdowns_equal_a_hand_count() {
        let m = |si: &[&str], pi: &[&str], sc: &[&str], ec: &[&str]| MatchFact {
            startup: 1,
            enterprise: 10,
            accepted_on: d("2024-01-01"),
            startup_industries: si.iter().map(|x| x.to_string()).collect(),
            partner_industries: pi.iter().map(|x| x.to_string()).collect(),
            startup_clusters: sc.iter().map(|x| x.to_string()).collect(),
            enterprise_clusters: ec.iter().map(|x| x.to_string()).collect(),
            track: "top-down".into(),
        };
        let f = KpiFacts {
            matches: vec![
                m(&["ai"], &["fintech"], &["yangjae"], &["yeouido"]),
                m(
                    &["ai", "robotics"],
                    &["mobility"],
                    &["yangjae"],
                    &["yangjae"],
                ),
                m(&["bio-health"], &["bio-health"], &[], &["hongneung"]),
                // a repeated code counts once
                m(
                    &["ai", "ai"],
                    &["fintech"],
                    &["yeouido", "yeouido"],
                    &["yeouido"],
                ),
            ],
            ..KpiFacts::default()
        };
        let b = breakdowns(&f);
        let pairs = |v: &[Tally]| {
            v.iter()
                .map(|t| format!("{}={}", t.code, t.count))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(pairs(&b.by_industry), "ai=3 bio-health=1 robotics=1");
        assert_eq!(pairs(&b.by_cluster), "yangjae=2 yeouido=1");
        let cell = |x: &Matrix, a: &str, c: &str| {
            let i = x.codes.iter().position(|k| k == a).unwrap();
            let j = x.codes.iter().position(|k| k == c).unwrap();
            x.counts[i][j]
        };
        let cv = &b.convergence;
        assert_eq!(
            cv.codes,
            ["ai", "bio-health", "fintech", "mobility", "robotics"]
        );
        assert_eq!(cell(cv, "ai", "fintech"), 2);
        assert_eq!(cell(cv, "ai", "mobility"), 1);
        assert_eq!(cell(cv, "robotics", "mobility"), 1);
        assert_eq!(cell(cv, "bio-health", "bio-health"), 1);
        assert_eq!(cell(cv, "fintech", "ai"), 0, "rows are the startup's side");
        assert_eq!(cv.counts.iter().flatten().sum::<u64>(), 5);
        assert_eq!(cv.max(), 2);
        let ic = &b.inter_cluster;
        assert_eq!(ic.codes, ["yangjae", "yeouido"]);
        assert_eq!(ic.counts, vec![vec![1, 1], vec![0, 1]]);
    }

    #[test]
    fn centers_and_inter_cluster_outcomes_equal_a_hand_count() {
        use crate::kinds::CenterOutcomeKind as K;
        let strs = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let m = |s: i64, e: i64, sc: &[&str], ec: &[&str]| MatchFact {
            startup: s,
            enterprise: e,
            accepted_on: d("2024-01-01"),
            startup_industries: vec![],
            partner_industries: vec![],
            startup_clusters: strs(sc),
            enterprise_clusters: strs(ec),
            track: "bottom-up".into(),
        };
        let o = |s: i64, e: i64| OutcomeFact {
            startup: s,
            enterprise: e,
            kind: OutcomeKind::Poc,
            date: d("2024-03-01"),
            amount: None,
        };
        let co = |kind, won: Option<i64>, count| CenterOutcomeFact {
            kind,
            date: d("2024-05-01"),
            amount: won.map(Money::krw),
            count,
        };
        let f = KpiFacts {
            matches: vec![
                m(1, 10, &["yangjae"], &["yeouido"]),
                m(2, 20, &["yangjae", "hongneung"], &["yangjae"]),
            ],
            // two outcomes of 1×10, one of 2×20, one with no match (not counted)
            outcomes: vec![o(1, 10), o(1, 10), o(2, 20), o(3, 30)],
            centers: vec![CenterFact {
                code: "sv".into(),
                capacity: 5,
                opened_on: Some(d("2020-01-01")),
                applications: 7,
                admitted: 3,
                outcomes: vec![
                    co(K::MarketEntry, None, None),
                    co(K::OverseasInvestment, Some(2_000_000_000), None),
                    co(K::LocalHires, None, Some(4)),
                    co(K::Partnership, None, Some(2)),
                    co(K::Sales, Some(300_000_000), None),
                    co(K::OverseasInvestment, Some(500_000_000), None),
                ],
                ..Default::default()
            }],
            today: Some(d("2026-01-01")),
            ..KpiFacts::default()
        };
        let b = breakdowns(&f);
        assert_eq!(
            b.by_track,
            vec![Tally {
                code: "bottom-up".into(),
                count: 2
            }]
        );
        let oc = &b.inter_cluster_outcomes;
        assert_eq!(oc.codes, ["hongneung", "yangjae", "yeouido"]);
        assert_eq!(oc.counts, vec![vec![0, 1, 0], vec![0, 1, 2], vec![0, 0, 0]]);
        let c = &b.by_center[0];
        assert!(c.open);
        assert_eq!((c.applications, c.admitted, c.capacity), (7, 3, 5));
        assert_eq!((c.market_entries, c.partnerships, c.local_hires), (1, 2, 4));
        assert_eq!(c.overseas_investment_krw, 2_500_000_000);
        assert_eq!(c.sales_krw, 300_000_000);
        let k = compute(&f);
        assert_eq!(k.overseas_startups_admitted, 3);
        assert_eq!(k.overseas_investment_krw, 2_500_000_000);
        assert!(k.exceeded.is_empty() && c.exceeded.is_empty());
    }

    /// Found by an attacker: ten thousand investments of the largest amount made the
    /// totals stop at the largest number without a word. The sum still cannot be
    /// shown, but the figure is named as exceeded wherever it is.
    #[test]
    fn a_sum_past_what_a_figure_holds_is_named_not_hidden() {
        use crate::kinds::CenterOutcomeKind as K;
        let largest = Money::krw(Money::MAX_MINOR);
        let n = (i64::MAX / Money::MAX_MINOR + 1) as usize;
        let f = KpiFacts {
            outcomes: (0..n)
                .map(|_| OutcomeFact {
                    startup: 1,
                    enterprise: 10,
                    kind: OutcomeKind::Investment,
                    date: d("2024-03-01"),
                    amount: Some(largest),
                })
                .collect(),
            centers: vec![CenterFact {
                code: "sv".into(),
                outcomes: (0..n)
                    .map(|_| CenterOutcomeFact {
                        kind: K::Sales,
                        date: d("2024-05-01"),
                        amount: Some(largest),
                        count: None,
                    })
                    .collect(),
                ..Default::default()
            }],
            ..KpiFacts::default()
        };
        let k = compute(&f);
        assert_eq!(k.investment_krw, i64::MAX);
        assert_eq!(
            k.exceeded,
            ["investment_krw", "by_year.2024.investment_krw"]
        );
        let b = breakdowns(&f);
        assert_eq!(b.by_center[0].exceeded, ["sales_krw"]);
        // one fewer of them fits, and nothing is named
        let mut fits = f.clone();
        fits.outcomes.truncate(n - 1);
        assert!(compute(&fits).exceeded.is_empty());
    }

    #[test]
    fn targets_are_plausible_and_shares_are_fractions() {
        let t = |key: &str, target: f64, year: i32| Target {
            key: key.into(),
            target: Some(target),
            by_year: Some(year),
            baseline: None,
            baseline_note: None,
        };
        assert!(t("startups_matched_share", 0.55, 2027).validate().is_ok());
        assert!(t("startups_discovered", 55.0, 2027).validate().is_ok());
        let share = t("startups_matched_share", 55.0, 2027)
            .validate()
            .unwrap_err();
        assert_eq!(share.field, "target");
        assert!(share.reason.contains("0.55"), "{}", share.reason);
        assert_eq!(
            t("startups_discovered", 10.0, 1900)
                .validate()
                .unwrap_err()
                .field,
            "by_year"
        );
        assert_eq!(
            t("startups_discovered", -1.0, 2027)
                .validate()
                .unwrap_err()
                .field,
            "target"
        );
        for t in default_targets() {
            assert!(t.validate().is_ok(), "{}", t.key);
        }
    }
}
