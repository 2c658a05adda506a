//! Open calls' screening: the weighted rubric a call defines, an evaluator's score sheet
//! weighed by it, and the ranking of a stage's applications by their mean.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// One criterion of a rubric: scored 0 to `max`, weighing `weight`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub key: String,
    pub label_ko: String,
    pub label_en: String,
    pub weight: f64,
    pub max: u32,
}

/// What a call's evaluators score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rubric {
    pub criteria: Vec<Criterion>,
}

impl Default for Rubric {
    /// Technology, fit with the need, team, business potential.
    fn default() -> Self {
        let c = |key: &str, ko: &str, en: &str, weight: f64| Criterion {
            key: key.into(),
            label_ko: ko.into(),
            label_en: en.into(),
            weight,
            max: 5,
        };
        Rubric {
            criteria: vec![
                c("technology", "기술력", "Technology", 0.35),
                c("fit", "수요 적합성", "Fit with the need", 0.30),
                c("team", "팀 역량", "Team", 0.15),
                c("business", "사업성", "Business potential", 0.20),
            ],
        }
    }
}

impl Rubric {
    pub fn validate(&self) -> Result<(), FieldError> {
        let f = |reason: String| Err(FieldError::new("rubric", reason));
        if self.criteria.is_empty() {
            return f("a rubric needs at least one criterion".into());
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.criteria {
            if c.key.trim().is_empty() || !seen.insert(c.key.as_str()) {
                return f(format!(
                    "criterion keys must be present and distinct ('{}')",
                    c.key
                ));
            }
            if !(c.weight > 0.0 && c.weight.is_finite()) {
                return f(format!("'{}' needs a positive weight", c.key));
            }
            if !(1..=100).contains(&c.max) {
                return f(format!(
                    "'{}' is scored out of 1 to 100, not {}",
                    c.key, c.max
                ));
            }
        }
        Ok(())
    }

    /// A score sheet weighed by the rubric: Σ weight × score/max ÷ Σ weight, from 0 to
    /// 100. Every criterion must be scored, within its range, and nothing else.
    pub fn weigh(&self, scores: &BTreeMap<String, u32>) -> Result<f64, FieldError> {
        let mut sum = 0.0;
        for c in &self.criteria {
            let Some(&s) = scores.get(&c.key) else {
                return Err(FieldError::new(&c.key, "not scored"));
            };
            if s > c.max {
                return Err(FieldError::new(
                    &c.key,
                    format!("{s} is above the maximum {}", c.max),
                ));
            }
            sum += c.weight * f64::from(s) / f64::from(c.max);
        }
        if let Some(extra) = scores
            .keys()
            .find(|k| !self.criteria.iter().any(|c| &c.key == *k))
        {
            return Err(FieldError::new(
                extra,
                "not a criterion of this call's rubric",
            ));
        }
        let total: f64 = self.criteria.iter().map(|c| c.weight).sum();
        Ok(100.0 * sum / total)
    }
}

/// An application's standing in a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    pub application: i64,
    /// The mean of its reviews' weighted scores (0–100); None without reviews.
    pub mean: Option<f64>,
    pub reviews: usize,
    pub rank: usize,
}

/// Ranks applications by the mean of their weighted scores, best first; ties go to
/// more reviews, then to the earlier application. Unreviewed ones come last.
pub fn rank(reviews: &[(i64, f64)], applications: &[i64]) -> Vec<Standing> {
    let mut by_app: BTreeMap<i64, (f64, usize)> =
        applications.iter().map(|&a| (a, (0.0, 0))).collect();
    for &(a, score) in reviews {
        let e = by_app.entry(a).or_insert((0.0, 0));
        e.0 += score;
        e.1 += 1;
    }
    let mut out: Vec<Standing> = by_app
        .into_iter()
        .map(|(application, (sum, n))| Standing {
            application,
            mean: (n > 0).then(|| sum / n as f64),
            reviews: n,
            rank: 0,
        })
        .collect();
    out.sort_by(|x, y| {
        y.mean
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&x.mean.unwrap_or(f64::NEG_INFINITY))
            .then(y.reviews.cmp(&x.reviews))
            .then(x.application.cmp(&y.application))
    });
    for (i, s) in out.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn weighing_and_ranking_equal_a_hand_computation() {
        let r = Rubric::default(); // weights .35 .30 .15 .20, each out of 5
        // A: 5,4,3,2 → (.35·1 + .30·.8 + .15·.6 + .20·.4) = .35+.24+.09+.08 = .76 → 76
        let a1 = r
            .weigh(&sheet(&[
                ("technology", 5),
                ("fit", 4),
                ("team", 3),
                ("business", 2),
            ]))
            .unwrap();
        assert!((a1 - 76.0).abs() < 1e-9, "{a1}");
        // A's second review: 3,3,3,3 → 60; mean 68
        let a2 = r
            .weigh(&sheet(&[
                ("technology", 3),
                ("fit", 3),
                ("team", 3),
                ("business", 3),
            ]))
            .unwrap();
        assert!((a2 - 60.0).abs() < 1e-9);
        // B: 4,5,5,5 → .28+.30+.15+.20 = .93 → 93, one review
        let b = r
            .weigh(&sheet(&[
                ("technology", 4),
                ("fit", 5),
                ("team", 5),
                ("business", 5),
            ]))
            .unwrap();
        assert!((b - 93.0).abs() < 1e-9);
        // C: 68 from two reviews of 68 — ties A on the mean; D unreviewed
        let standings = rank(
            &[(1, a1), (1, a2), (2, b), (3, 68.0), (3, 68.0)],
            &[1, 2, 3, 4],
        );
        let order: Vec<(i64, usize)> = standings.iter().map(|s| (s.application, s.rank)).collect();
        assert_eq!(order, vec![(2, 1), (1, 2), (3, 3), (4, 4)]);
        assert!((standings[1].mean.unwrap() - 68.0).abs() < 1e-9);
        assert_eq!(standings[3].mean, None);
    }

    #[test]
    fn score_sheets_must_fit_the_rubric() {
        let r = Rubric::default();
        let missing = r.weigh(&sheet(&[("technology", 5)])).unwrap_err();
        assert_eq!(missing.field, "fit");
        let high = r
            .weigh(&sheet(&[
                ("technology", 6),
                ("fit", 1),
                ("team", 1),
                ("business", 1),
            ]))
            .unwrap_err();
        assert!(high.reason.contains("above"));
        let extra = r
            .weigh(&sheet(&[
                ("technology", 1),
                ("fit", 1),
                ("team", 1),
                ("business", 1),
                ("charm", 5),
            ]))
            .unwrap_err();
        assert_eq!(extra.field, "charm");
        let mut bad = Rubric::default();
        bad.criteria[1].key = "technology".into();
        assert!(bad.validate().is_err());
        bad = Rubric::default();
        bad.criteria[0].weight = 0.0;
        assert!(bad.validate().is_err());
        assert!(Rubric::default().validate().is_ok());
    }
}
