//! Ranking metrics per case, their means, and bootstrap 95% intervals: a figure on a
//! few hundred cases moves by several points from one sample to the next, so every
//! mean is reported with the range it would likely take on another sample of cases.

use std::collections::HashSet;

use serde::Serialize;

/// The cut-off of every metric: what a user sees on one screen.
pub const TOP: usize = 10;

/// How many resamples the intervals are drawn from.
const RESAMPLES: usize = 1000;

/// One case's scores.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CaseScores {
    /// 1 when a right answer is in the top ten.
    pub hit: f64,
    /// The share of the right answers in the top ten.
    pub recall: f64,
    /// 1 / the rank of the first right answer (0 when none is ranked).
    pub reciprocal_rank: f64,
    /// Discounted gain of the right answers in the top ten over the best possible.
    pub ndcg: f64,
}

impl CaseScores {
    /// The scores of `ranked` against the right answers `truth` (not empty).
    pub fn of(ranked: &[String], truth: &HashSet<String>) -> Self {
        let gain = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
        let top = &ranked[..ranked.len().min(TOP)];
        let hits: Vec<usize> = (0..top.len())
            .filter(|&i| truth.contains(&top[i]))
            .collect();
        let ideal: f64 = (0..truth.len().min(TOP)).map(gain).sum();
        Self {
            hit: if hits.is_empty() { 0.0 } else { 1.0 },
            recall: hits.len() as f64 / truth.len() as f64,
            reciprocal_rank: ranked
                .iter()
                .position(|x| truth.contains(x))
                .map_or(0.0, |p| 1.0 / (p + 1) as f64),
            ndcg: hits.iter().map(|&i| gain(i)).sum::<f64>() / ideal,
        }
    }
}

/// A mean over the cases with its bootstrap 95% interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// Ranking quality over a set of cases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Metrics {
    pub hit_rate_at_10: Estimate,
    pub recall_at_10: Estimate,
    pub mrr: Estimate,
    pub ndcg_at_10: Estimate,
}

/// Each case's scores for ranked lists against the right answers; cases with no right
/// answer are left out.
pub fn case_scores(ranked: &[Vec<String>], truth: &[HashSet<String>]) -> Vec<CaseScores> {
    ranked
        .iter()
        .zip(truth)
        .filter(|(_, t)| !t.is_empty())
        .map(|(r, t)| CaseScores::of(r, t))
        .collect()
}

/// The means of case scores with their intervals, which come from resampling the cases
/// with a fixed seed, so a run is reproducible.
pub fn metrics(cases: &[CaseScores]) -> Metrics {
    let of = |f: fn(&CaseScores) -> f64| estimate(&cases.iter().map(f).collect::<Vec<_>>());
    Metrics {
        hit_rate_at_10: of(|c| c.hit),
        recall_at_10: of(|c| c.recall),
        mrr: of(|c| c.reciprocal_rank),
        ndcg_at_10: of(|c| c.ndcg),
    }
}

/// How much better `a` ranks than `b` on the same cases: the mean of the per-case
/// differences, with an interval from resampling the cases (paired, so the variation
/// both rankers share cancels). An interval above 0 means `a` is ahead on such cases.
pub fn difference(a: &[CaseScores], b: &[CaseScores]) -> Metrics {
    let pairs: Vec<(CaseScores, CaseScores)> = a.iter().copied().zip(b.iter().copied()).collect();
    let of = |f: fn(&CaseScores) -> f64| {
        estimate(&pairs.iter().map(|(x, y)| f(x) - f(y)).collect::<Vec<_>>())
    };
    Metrics {
        hit_rate_at_10: of(|c| c.hit),
        recall_at_10: of(|c| c.recall),
        mrr: of(|c| c.reciprocal_rank),
        ndcg_at_10: of(|c| c.ndcg),
    }
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// The mean of `xs` and the 2.5th and 97.5th percentiles of the means of resamples.
fn estimate(xs: &[f64]) -> Estimate {
    let value = mean(xs);
    if xs.len() < 2 {
        return Estimate {
            value,
            low: value,
            high: value,
        };
    }
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut means: Vec<f64> = (0..RESAMPLES)
        .map(|_| {
            (0..xs.len())
                .map(|_| xs[rng.usize(..xs.len())])
                .sum::<f64>()
                / xs.len() as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((RESAMPLES as f64 - 1.0) * q).round() as usize];
    Estimate {
        value,
        low: at(0.025),
        high: at(0.975),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn one_case_scores_hits_recall_reciprocal_rank_and_ndcg() {
        let truth = HashSet::from(["b".to_string(), "z".to_string()]);
        let c = CaseScores::of(&ids(&["a", "b", "c"]), &truth);
        assert_eq!((c.hit, c.recall, c.reciprocal_rank), (1.0, 0.5, 0.5));
        // one right answer at rank 2 of two possible at ranks 1 and 2
        let want = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((c.ndcg - want).abs() < 1e-12, "{}", c.ndcg);
        let first = CaseScores::of(&ids(&["q"]), &HashSet::from(["q".to_string()]));
        assert_eq!(first.ndcg, 1.0);
        let beyond: Vec<String> = (0..11).map(|i| format!("x{i}")).collect();
        let late = CaseScores::of(&beyond, &HashSet::from(["x10".to_string()]));
        assert_eq!((late.hit, late.ndcg), (0.0, 0.0));
        assert!((late.reciprocal_rank - 1.0 / 11.0).abs() < 1e-12);
    }

    #[test]
    fn means_leave_out_cases_without_answers_and_carry_an_interval() {
        let ranked = vec![ids(&["a", "b"]), ids(&["x"]), ids(&["y"])];
        let truth = vec![
            HashSet::from(["b".to_string()]),
            HashSet::from(["q".to_string()]),
            HashSet::new(),
        ];
        let m = metrics(&case_scores(&ranked, &truth));
        assert_eq!(m.hit_rate_at_10.value, 0.5);
        assert_eq!(m.mrr.value, 0.25);
        for e in [m.hit_rate_at_10, m.recall_at_10, m.mrr, m.ndcg_at_10] {
            assert!(e.low <= e.value && e.value <= e.high, "{e:?}");
        }
        assert!(
            m.hit_rate_at_10.low < m.hit_rate_at_10.high,
            "two cases differ"
        );
    }

    #[test]
    fn a_paired_difference_is_sure_where_two_means_overlap() {
        // b finds what a finds, and a one case in ten more
        let hit = |h: f64| CaseScores {
            hit: h,
            ..CaseScores::default()
        };
        let a: Vec<CaseScores> = (0..200)
            .map(|i| hit(f64::from(i % 2 == 0 || i % 10 == 1)))
            .collect();
        let b: Vec<CaseScores> = (0..200).map(|i| hit(f64::from(i % 2 == 0))).collect();
        let (ma, mb) = (metrics(&a).hit_rate_at_10, metrics(&b).hit_rate_at_10);
        assert!(ma.low < mb.high, "the two intervals overlap: {ma:?} {mb:?}");
        let d = difference(&a, &b).hit_rate_at_10;
        assert!((d.value - 0.1).abs() < 1e-9 && d.low > 0.0, "{d:?}");
        assert_eq!(difference(&a, &a).hit_rate_at_10.high, 0.0);
    }

    #[test]
    fn intervals_narrow_as_cases_grow() {
        let few: Vec<f64> = (0..20).map(|i| (i % 2) as f64).collect();
        let many: Vec<f64> = (0..2000).map(|i| (i % 2) as f64).collect();
        let (a, b) = (estimate(&few), estimate(&many));
        assert!(b.high - b.low < (a.high - a.low) / 4.0, "{a:?} {b:?}");
        assert!(b.low < 0.5 && 0.5 < b.high);
    }
}
