//! A matching round's policy: how much each kind of fit weighs, the floor below which a
//! pair is never proposed, the caps, the coverage bonus, and which industry and cluster
//! pairs count as convergence. Read from a TOML file (docs/FORMATS.md); every field has
//! a default, so an empty file is the default policy.

use serde::{Deserialize, Serialize};

/// How a round chooses its pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Mode {
    /// Maximise total fit plus coverage under every capacity (min-cost flow).
    #[default]
    Optimal,
    /// Deferred acceptance, startups proposing: the startup-optimal stable matching.
    StableStartups,
    /// Deferred acceptance, needs proposing: the need-optimal stable matching.
    StableNeeds,
}

/// The weight of each kind of fit; a pair's score is the weighted mean of its fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
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

impl Default for Weights {
    fn default() -> Self {
        Self {
            text: 0.30,
            technology: 0.22,
            industry: 0.14,
            convergence: 0.10,
            stage: 0.06,
            collaboration: 0.06,
            cluster: 0.05,
            inter_cluster: 0.03,
            overseas: 0.04,
        }
    }
}

impl Weights {
    pub fn total(&self) -> f64 {
        self.text
            + self.technology
            + self.industry
            + self.convergence
            + self.stage
            + self.collaboration
            + self.cluster
            + self.inter_cluster
            + self.overseas
    }
}

/// Two industries (or two clusters) the policy links, with the weight of the link
/// (1.0 = full).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub a: String,
    pub b: String,
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub mode: Mode,
    pub weights: Weights,
    /// Pairs scoring below this (0–1) are never proposed.
    pub floor: f64,
    /// Added (in score units) for a startup's first pair in the round: the program's KPI
    /// is the share of startups matched, so a round prefers one match each for many
    /// startups to many matches for a few.
    pub coverage_bonus: f64,
    /// Added on top for a startup's first match in the program (none accepted or
    /// pending before this round).
    pub first_match_bonus: f64,
    /// Most proposals one startup receives in a round.
    pub startup_cap: u32,
    /// An enterprise's capacity per round when it has stated none.
    pub enterprise_capacity: u32,
    /// Candidates scored in full per need (retrieved from the term index).
    pub candidates_per_need: usize,
    /// Industry pairs that count as convergence. Empty: the program's table.
    pub convergence: Vec<Link>,
    /// Cluster pairs that earn the inter-cluster bonus. Empty: any two different clusters.
    pub inter_cluster: Vec<Link>,
    /// Never propose a startup to an enterprise it already works with.
    pub exclude_active: bool,
    /// Never propose a startup to an enterprise where either side declined before.
    pub exclude_declined: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            mode: Mode::Optimal,
            weights: Weights::default(),
            floor: 0.25,
            coverage_bonus: 0.4,
            first_match_bonus: 0.2,
            startup_cap: 2,
            enterprise_capacity: 5,
            candidates_per_need: 40,
            convergence: Vec::new(),
            inter_cluster: Vec::new(),
            exclude_active: true,
            exclude_declined: true,
        }
    }
}

/// The largest weight a policy may give one fit.
pub const MAX_WEIGHT: f64 = 1_000.0;
/// The largest coverage or first-match bonus: ten perfect fits.
pub const MAX_BONUS: f64 = 10.0;

impl Policy {
    /// Refuses settings no round can run with, saying which.
    pub fn validate(&self) -> Result<(), String> {
        let w = &self.weights;
        // scores are weighted means in 0–1: a weight's size only matters against the
        // others, and a bonus beyond a few perfect fits buys nothing but overflow
        for (name, v, most) in [
            ("weights.text", w.text, MAX_WEIGHT),
            ("weights.technology", w.technology, MAX_WEIGHT),
            ("weights.industry", w.industry, MAX_WEIGHT),
            ("weights.convergence", w.convergence, MAX_WEIGHT),
            ("weights.stage", w.stage, MAX_WEIGHT),
            ("weights.collaboration", w.collaboration, MAX_WEIGHT),
            ("weights.cluster", w.cluster, MAX_WEIGHT),
            ("weights.inter_cluster", w.inter_cluster, MAX_WEIGHT),
            ("weights.overseas", w.overseas, MAX_WEIGHT),
            ("coverage_bonus", self.coverage_bonus, MAX_BONUS),
            ("first_match_bonus", self.first_match_bonus, MAX_BONUS),
        ] {
            if !(v.is_finite() && (0.0..=most).contains(&v)) {
                return Err(format!("{name} must be a number in 0–{most}, not {v}"));
            }
        }
        if w.total() <= 0.0 {
            return Err("at least one weight must be above 0".into());
        }
        if !(0.0..=1.0).contains(&self.floor) {
            return Err(format!("floor must lie in 0–1, not {}", self.floor));
        }
        if self.startup_cap == 0 {
            return Err("startup_cap must be at least 1".into());
        }
        if self.candidates_per_need == 0 {
            return Err("candidates_per_need must be at least 1".into());
        }
        for l in self.convergence.iter().chain(&self.inter_cluster) {
            if !(l.weight.is_finite() && (0.0..=1.0).contains(&l.weight)) {
                return Err(format!(
                    "the link {} × {} must weigh 0–1, not {}",
                    l.a, l.b, l.weight
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weights_sum_to_one_and_validate() {
        let p = Policy::default();
        assert!((p.weights.total() - 1.0).abs() < 1e-9);
        p.validate().unwrap();
    }

    #[test]
    fn bad_settings_are_named() {
        let p = Policy {
            floor: 1.5,
            ..Policy::default()
        };
        assert!(p.validate().unwrap_err().contains("floor"));
        let mut p = Policy::default();
        p.weights.stage = -1.0;
        assert!(p.validate().unwrap_err().contains("weights.stage"));
        // found by an attacker: a huge bonus overflowed the solver's prices (a 500)
        for huge in [1e15, 9.2e18, MAX_BONUS + 0.1] {
            let p = Policy {
                coverage_bonus: huge,
                ..Policy::default()
            };
            assert!(
                p.validate().unwrap_err().contains("coverage_bonus"),
                "{huge}"
            );
            let p = Policy {
                first_match_bonus: huge,
                ..Policy::default()
            };
            assert!(p.validate().unwrap_err().contains("first_match_bonus"));
        }
        let mut p = Policy::default();
        p.weights.text = 1e300;
        assert!(p.validate().unwrap_err().contains("weights.text"));
        let p = Policy {
            coverage_bonus: MAX_BONUS,
            first_match_bonus: MAX_BONUS,
            ..Policy::default()
        };
        p.validate().unwrap();
        let p = Policy {
            startup_cap: 0,
            ..Policy::default()
        };
        assert!(p.validate().unwrap_err().contains("startup_cap"));
    }
}
