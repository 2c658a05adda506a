//! Assigning a screening stage's applications to evaluators: every application gets the
//! reviews it needs, no evaluator sees an application it declared a conflict with, and
//! the load is spread as evenly as the conflicts allow.
//!
//! A min-cost flow: each application supplies its missing reviews, an arc to every
//! evaluator it may go to, and each evaluator's k-th review costs k (convex), so the
//! optimum evens the loads out (counting the reviews evaluators already hold).

use std::collections::HashSet;

use crate::mcf::Network;

#[derive(Debug, Clone, Default)]
pub struct ReviewProblem {
    pub applications: usize,
    pub evaluators: usize,
    /// Reviews each application needs in all.
    pub per_application: usize,
    /// (evaluator, application) pairs that must never meet.
    pub conflicts: HashSet<(usize, usize)>,
    /// (evaluator, application) reviews already assigned; kept as they are.
    pub existing: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error(
        "application {application} needs {needed} more reviews but only {eligible} evaluators without a conflict are left"
    )]
    TooFewEvaluators {
        application: usize,
        needed: usize,
        eligible: usize,
    },
}

/// The new (evaluator, application) assignments, in application order.
pub fn assign_reviews(p: &ReviewProblem) -> Result<Vec<(usize, usize)>, ReviewError> {
    let (a, e) = (p.applications, p.evaluators);
    let mut held = vec![HashSet::new(); a];
    let mut load = vec![0usize; e];
    for &(ev, app) in &p.existing {
        if app < a && ev < e && held[app].insert(ev) {
            load[ev] += 1;
        }
    }
    let mut needed = vec![0usize; a];
    for app in 0..a {
        needed[app] = p.per_application.saturating_sub(held[app].len());
        let eligible = (0..e)
            .filter(|&ev| !held[app].contains(&ev) && !p.conflicts.contains(&(ev, app)))
            .count();
        if eligible < needed[app] {
            return Err(ReviewError::TooFewEvaluators {
                application: app,
                needed: needed[app],
                eligible,
            });
        }
    }
    let total: usize = needed.iter().sum();
    if total == 0 {
        return Ok(vec![]);
    }
    // nodes: applications, evaluators, the sink
    let sink = a + e;
    let mut net = Network::new(a + e + 1);
    for (app, &n) in needed.iter().enumerate() {
        net.supply[app] = n as i64;
    }
    net.supply[sink] = -(total as i64);
    let mut pairs = Vec::new();
    for app in (0..a).filter(|&app| needed[app] > 0) {
        for ev in 0..e {
            if !held[app].contains(&ev) && !p.conflicts.contains(&(ev, app)) {
                pairs.push((net.add_arc(app, a + ev, 0, 1, 0), ev, app));
            }
        }
    }
    // an evaluator can take at most every review there is; the k-th costs its load so far
    let most = total.min(a);
    for (ev, &already) in load.iter().enumerate() {
        for k in 0..most {
            net.add_arc(a + ev, sink, 0, 1, (already + k) as i64 + 1);
        }
    }
    let s = net
        .solve()
        .expect("feasible: every application has enough eligible evaluators");
    Ok(pairs
        .into_iter()
        .filter(|&(arc, _, _)| s.flow[arc] > 0)
        .map(|(_, ev, app)| (ev, app))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn loads(p: &ReviewProblem, new: &[(usize, usize)]) -> Vec<usize> {
        let mut l = vec![0; p.evaluators];
        for &(ev, _) in p.existing.iter().chain(new) {
            l[ev] += 1;
        }
        l
    }

    #[test]
    fn conflicts_are_kept_out_and_the_load_is_even() {
        let p = ReviewProblem {
            applications: 5,
            evaluators: 3,
            per_application: 2,
            conflicts: [(0, 0), (0, 1)].into_iter().collect(),
            existing: vec![],
        };
        let got = assign_reviews(&p).unwrap();
        assert_eq!(got.len(), 10);
        assert!(!got.contains(&(0, 0)) && !got.contains(&(0, 1)));
        let l = loads(&p, &got);
        assert!(
            l.iter().max().unwrap() - l.iter().min().unwrap() <= 1,
            "{l:?}"
        );
    }

    #[test]
    fn too_few_evaluators_is_said_plainly() {
        let p = ReviewProblem {
            applications: 2,
            evaluators: 2,
            per_application: 2,
            conflicts: [(1, 1)].into_iter().collect(),
            existing: vec![],
        };
        assert_eq!(
            assign_reviews(&p),
            Err(ReviewError::TooFewEvaluators {
                application: 1,
                needed: 2,
                eligible: 1
            })
        );
    }

    proptest! {
        #[test]
        fn every_application_gets_its_reviews_from_unconflicted_evaluators(
            apps in 1usize..25,
            evs in 2usize..8,
            per in 1usize..3,
            conflict_bits in prop::collection::vec(any::<bool>(), 200),
            existing_bits in prop::collection::vec(any::<bool>(), 200),
        ) {
            let conflicts: HashSet<(usize, usize)> = (0..evs)
                .flat_map(|ev| (0..apps).map(move |a| (ev, a)))
                .filter(|&(ev, a)| conflict_bits[(ev * 25 + a) % 200] && (ev + a) % 3 == 0)
                .collect();
            let existing: Vec<(usize, usize)> = (0..evs)
                .flat_map(|ev| (0..apps).map(move |a| (ev, a)))
                .filter(|p| !conflicts.contains(p))
                .filter(|&(ev, a)| existing_bits[(ev * 7 + a) % 200] && (ev + 2 * a) % 5 == 0)
                .collect();
            let p = ReviewProblem { applications: apps, evaluators: evs, per_application: per, conflicts, existing };
            match assign_reviews(&p) {
                Ok(new) => {
                    for a in 0..apps {
                        let mut who: Vec<usize> = p.existing.iter().chain(&new).filter(|x| x.1 == a).map(|x| x.0).collect();
                        let n = who.len();
                        who.sort();
                        who.dedup();
                        prop_assert_eq!(who.len(), n, "nobody reviews an application twice");
                        prop_assert!(n >= per);
                    }
                    for pair in &new {
                        prop_assert!(!p.conflicts.contains(pair));
                    }
                    if p.conflicts.is_empty() && p.existing.is_empty() {
                        let l = loads(&p, &new);
                        prop_assert!(l.iter().max().unwrap() - l.iter().min().unwrap() <= 1);
                    }
                }
                Err(ReviewError::TooFewEvaluators { application, needed, eligible }) => {
                    // refused only when that application really lacks evaluators
                    let free = (0..evs)
                        .filter(|&ev| !p.conflicts.contains(&(ev, application)))
                        .filter(|&ev| !p.existing.contains(&(ev, application)))
                        .count();
                    prop_assert_eq!(free, eligible);
                    prop_assert!(eligible < needed);
                }
            }
        }
    }
}
