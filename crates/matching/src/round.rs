//! Choosing a round's pairs from scored candidates. The optimal mode maximises total
//! fit plus a coverage bonus for each startup's first pair, subject to each need's
//! slots, each enterprise's capacity, a cap per startup — as a min-cost flow solved by
//! our own solver (network: source → startup → need → enterprise → sink, plus a bypass).
//! The stable modes run deferred acceptance on preferences (stated where given, by fit
//! otherwise).

use std::collections::HashMap;

use crate::mcf::Network;
use crate::stable::{Instance, Optimal};

/// One candidate pair with its fit in integer units (scores × [`SCALE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub startup: u32,
    pub need: u32,
    pub fit: i64,
}

/// Score units per 1.0 of score in the flow network.
pub const SCALE: f64 = 10_000.0;

/// A round to solve: indices are the caller's (startups `0..startups`, needs and
/// enterprises by position).
#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub startups: usize,
    pub need_enterprise: Vec<u32>,
    pub need_slots: Vec<u32>,
    pub enterprise_capacity: Vec<u32>,
    pub startup_cap: u32,
    /// Earned once per startup that gets at least one pair (same units as fit).
    pub coverage_bonus: i64,
    /// Earned on top by a startup's first pair in the program: the KPI counts each
    /// startup once, so a round prefers those never matched before.
    pub first_match_bonus: i64,
    /// Startups matched before this round (by index; missing = not covered).
    pub covered: Vec<bool>,
    pub pairs: Vec<Pair>,
}

/// Ranks users stated: `startup[(s, n)]` is where startup `s` put need `n` (0 = first),
/// `need[(n, s)]` where need `n` put startup `s`. Unranked candidates follow the ranked
/// ones, by fit.
#[derive(Debug, Clone, Default)]
pub struct Stated {
    pub startup: HashMap<(u32, u32), u32>,
    pub need: HashMap<(u32, u32), u32>,
}

impl Problem {
    /// An empty round for `startups` with the policy's cap and bonuses in flow units;
    /// needs, enterprises and pairs are the caller's to add.
    pub fn new(startups: usize, policy: &crate::policy::Policy) -> Self {
        Self {
            startups,
            startup_cap: policy.startup_cap,
            coverage_bonus: (policy.coverage_bonus * SCALE).round() as i64,
            first_match_bonus: (policy.first_match_bonus * SCALE).round() as i64,
            ..Self::default()
        }
    }

    /// What a startup's first pair in the round earns beyond its fit.
    fn bonus(&self, startup: u32) -> i64 {
        let covered = self.covered.get(startup as usize).copied().unwrap_or(false);
        self.coverage_bonus + if covered { 0 } else { self.first_match_bonus }
    }

    /// Total fit plus coverage of a set of pairs (indices into `pairs`).
    pub fn objective(&self, chosen: &[usize]) -> i64 {
        let mut covered = vec![false; self.startups];
        let mut total = 0;
        for &i in chosen {
            let p = self.pairs[i];
            total += p.fit;
            if !covered[p.startup as usize] {
                covered[p.startup as usize] = true;
                total += self.bonus(p.startup);
            }
        }
        total
    }

    /// Whether a set of pairs respects every slot, capacity and cap.
    pub fn feasible(&self, chosen: &[usize]) -> bool {
        let mut per_startup = vec![0u32; self.startups];
        let mut per_need = vec![0u32; self.need_slots.len()];
        let mut per_ent = vec![0u32; self.enterprise_capacity.len()];
        let mut seen = std::collections::HashSet::new();
        for &i in chosen {
            let p = self.pairs[i];
            if !seen.insert((p.startup, p.need)) {
                return false;
            }
            per_startup[p.startup as usize] += 1;
            per_need[p.need as usize] += 1;
            per_ent[self.need_enterprise[p.need as usize] as usize] += 1;
        }
        per_startup.iter().all(|&c| c <= self.startup_cap)
            && per_need.iter().zip(&self.need_slots).all(|(c, s)| c <= s)
            && per_ent
                .iter()
                .zip(&self.enterprise_capacity)
                .all(|(c, cap)| c <= cap)
    }

    /// The pairs that maximise total fit plus coverage (indices into `pairs`, sorted).
    pub fn assign(&self) -> Vec<usize> {
        // only startups with candidates get a node
        let mut node_of = vec![u32::MAX; self.startups];
        let mut used = 0usize;
        for p in &self.pairs {
            if node_of[p.startup as usize] == u32::MAX {
                node_of[p.startup as usize] = used as u32;
                used += 1;
            }
        }
        let (src, sink) = (0usize, 1usize);
        let st0 = 2;
        let nd0 = st0 + used;
        let en0 = nd0 + self.need_slots.len();
        let mut net = Network::new(en0 + self.enterprise_capacity.len());
        let cap = self.startup_cap as i64;
        let flow = used as i64 * cap;
        net.supply[src] = flow;
        net.supply[sink] = -flow;
        let mut startup_of = vec![0u32; used];
        for (s, &node) in node_of.iter().enumerate() {
            if node != u32::MAX {
                startup_of[node as usize] = s as u32;
            }
        }
        for (node, &s) in startup_of.iter().enumerate() {
            net.add_arc(src, st0 + node, 0, 1, -self.bonus(s));
            if cap > 1 {
                net.add_arc(src, st0 + node, 0, cap - 1, 0);
            }
        }
        let first_pair_arc = net.arcs.len();
        for p in &self.pairs {
            net.add_arc(
                st0 + node_of[p.startup as usize] as usize,
                nd0 + p.need as usize,
                0,
                1,
                -p.fit,
            );
        }
        for (n, (&e, &slots)) in self
            .need_enterprise
            .iter()
            .zip(&self.need_slots)
            .enumerate()
        {
            net.add_arc(nd0 + n, en0 + e as usize, 0, slots as i64, 0);
        }
        for (e, &c) in self.enterprise_capacity.iter().enumerate() {
            net.add_arc(en0 + e, sink, 0, c as i64, 0);
        }
        net.add_arc(src, sink, 0, flow, 0);
        let sol = net
            .solve()
            .expect("the bypass arc makes every round feasible");
        (0..self.pairs.len())
            .filter(|&i| sol.flow[first_pair_arc + i] > 0)
            .collect()
    }

    /// A stable matching (each startup at most one pair). An enterprise's capacity is
    /// first divided among its needs — one slot at a time, in turn — so the classic
    /// many-to-one model applies; preferences are the stated ranks, then fit.
    pub fn stable(&self, optimal: Optimal, stated: &Stated) -> Vec<usize> {
        let mut slots = vec![0u32; self.need_slots.len()];
        let mut left = self.enterprise_capacity.clone();
        let mut by_ent: Vec<Vec<usize>> = vec![Vec::new(); self.enterprise_capacity.len()];
        for (n, &e) in self.need_enterprise.iter().enumerate() {
            by_ent[e as usize].push(n);
        }
        for (e, needs) in by_ent.iter().enumerate() {
            let mut moved = true;
            while moved && left[e] > 0 {
                moved = false;
                for &n in needs {
                    if left[e] > 0 && slots[n] < self.need_slots[n] {
                        slots[n] += 1;
                        left[e] -= 1;
                        moved = true;
                    }
                }
            }
        }
        let mut startup_prefs: Vec<Vec<(u32, i64, u32)>> = vec![Vec::new(); self.startups];
        let mut need_prefs: Vec<Vec<(u32, i64, u32)>> = vec![Vec::new(); self.need_slots.len()];
        let mut pair_of: HashMap<(u32, u32), usize> = HashMap::new();
        for (i, p) in self.pairs.iter().enumerate() {
            pair_of.insert((p.startup, p.need), i);
            let rs = stated
                .startup
                .get(&(p.startup, p.need))
                .copied()
                .unwrap_or(u32::MAX);
            let rn = stated
                .need
                .get(&(p.need, p.startup))
                .copied()
                .unwrap_or(u32::MAX);
            startup_prefs[p.startup as usize].push((rs, -p.fit, p.need));
            need_prefs[p.need as usize].push((rn, -p.fit, p.startup));
        }
        let order = |v: Vec<Vec<(u32, i64, u32)>>| -> Vec<Vec<u32>> {
            v.into_iter()
                .map(|mut l| {
                    l.sort_unstable();
                    l.into_iter().map(|x| x.2).collect()
                })
                .collect()
        };
        let inst = Instance {
            startup_prefs: order(startup_prefs),
            need_prefs: order(need_prefs),
            capacity: slots,
        };
        let mut chosen: Vec<usize> = inst
            .solve(optimal)
            .into_iter()
            .map(|(s, n)| pair_of[&(s, n)])
            .collect();
        chosen.sort_unstable();
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn brute_force(p: &Problem) -> i64 {
        let n = p.pairs.len();
        let mut best = 0;
        for mask in 0u32..(1 << n) {
            let chosen: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
            if p.feasible(&chosen) {
                best = best.max(p.objective(&chosen));
            }
        }
        best
    }

    fn problem() -> impl Strategy<Value = Problem> {
        (
            1usize..5,
            1usize..4,
            1usize..3,
            1u32..3,
            0i64..500,
            0i64..300,
        )
            .prop_flat_map(|(startups, needs, ents, cap, bonus, first)| {
                let covered = proptest::collection::vec(any::<bool>(), startups);
                let owners = proptest::collection::vec(0..ents as u32, needs);
                let slots = proptest::collection::vec(0u32..3, needs);
                let capacity = proptest::collection::vec(0u32..4, ents);
                let pairs = proptest::collection::btree_set(
                    (0..startups as u32, 0..needs as u32),
                    0..=(startups * needs).min(11),
                );
                let fits = proptest::collection::vec(1i64..1000, 11);
                (owners, slots, capacity, pairs, fits, covered).prop_map(
                    move |(owners, slots, capacity, pairs, fits, covered)| Problem {
                        covered,
                        first_match_bonus: first,
                        startups,
                        need_enterprise: owners,
                        need_slots: slots,
                        enterprise_capacity: capacity,
                        startup_cap: cap,
                        coverage_bonus: bonus,
                        pairs: pairs
                            .into_iter()
                            .zip(fits)
                            .map(|((s, n), fit)| Pair {
                                startup: s,
                                need: n,
                                fit,
                            })
                            .collect(),
                    },
                )
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The flow solution is feasible and as good as the best of every subset.
        #[test]
        fn assignment_is_optimal(p in problem()) {
            let chosen = p.assign();
            prop_assert!(p.feasible(&chosen));
            prop_assert_eq!(p.objective(&chosen), brute_force(&p));
        }

        /// No startup and need would both rather have each other than what they got.
        #[test]
        fn stable_mode_leaves_no_blocking_pair(p in problem(), needs_first in any::<bool>()) {
            let optimal = if needs_first { Optimal::Needs } else { Optimal::Startups };
            let chosen = p.stable(optimal, &Stated::default());
            prop_assert!(p.feasible(&chosen));
            let mut held: HashMap<u32, usize> = HashMap::new();
            let mut need_held: Vec<Vec<usize>> = vec![Vec::new(); p.need_slots.len()];
            for &i in &chosen {
                prop_assert!(held.insert(p.pairs[i].startup, i).is_none(), "one pair per startup");
                need_held[p.pairs[i].need as usize].push(i);
            }
            let key = |i: usize| (std::cmp::Reverse(p.pairs[i].fit), p.pairs[i].need, p.pairs[i].startup);
            let mut slots = vec![0u32; p.need_slots.len()];
            // the slots the stable mode gives each need: recompute its division
            let mut left = p.enterprise_capacity.clone();
            loop {
                let mut moved = false;
                for ((held_slots, &wanted), &enterprise) in slots.iter_mut().zip(&p.need_slots).zip(&p.need_enterprise) {
                    let e = enterprise as usize;
                    if left[e] > 0 && *held_slots < wanted {
                        *held_slots += 1; left[e] -= 1; moved = true;
                    }
                }
                if !moved { break; }
            }
            for (i, q) in p.pairs.iter().enumerate() {
                if chosen.contains(&i) { continue; }
                let startup_prefers = held.get(&q.startup).is_none_or(|&h| key(i) < key(h));
                let need = &need_held[q.need as usize];
                let need_prefers = (need.len() as u32) < slots[q.need as usize]
                    || need.iter().any(|&h| (std::cmp::Reverse(p.pairs[i].fit), p.pairs[i].startup) < (std::cmp::Reverse(p.pairs[h].fit), p.pairs[h].startup));
                prop_assert!(!(startup_prefers && need_prefers), "blocking pair {:?}", q);
            }
        }
    }

    #[test]
    fn coverage_bonus_spreads_pairs_over_startups() {
        // one need with two slots; startup 0 fits both needs best, but a bonus for
        // covering startup 1 outweighs the difference
        let p = Problem {
            startups: 2,
            need_enterprise: vec![0, 0],
            need_slots: vec![1, 1],
            enterprise_capacity: vec![2],
            startup_cap: 2,
            coverage_bonus: 300,
            first_match_bonus: 0,
            covered: vec![],
            pairs: vec![
                Pair {
                    startup: 0,
                    need: 0,
                    fit: 900,
                },
                Pair {
                    startup: 0,
                    need: 1,
                    fit: 800,
                },
                Pair {
                    startup: 1,
                    need: 1,
                    fit: 600,
                },
            ],
        };
        assert_eq!(p.assign(), vec![0, 2]);
        let no_bonus = Problem {
            coverage_bonus: 0,
            ..p.clone()
        };
        assert_eq!(no_bonus.assign(), vec![0, 1]);
        // a first match in the program earns more: startup 1 was matched before and
        // startup 0 was not, so with a first-match bonus and no per-round one the
        // fitter pairs go to startup 0
        let seen = Problem {
            coverage_bonus: 0,
            first_match_bonus: 300,
            covered: vec![false, true],
            ..p.clone()
        };
        assert_eq!(seen.assign(), vec![0, 1]);
        let unseen = Problem {
            covered: vec![true, false],
            ..seen.clone()
        };
        assert_eq!(unseen.assign(), vec![0, 2]);
    }

    #[test]
    fn stated_preferences_come_before_fit() {
        let p = Problem {
            startups: 1,
            need_enterprise: vec![0, 0],
            need_slots: vec![1, 1],
            enterprise_capacity: vec![2],
            startup_cap: 1,
            coverage_bonus: 0,
            first_match_bonus: 0,
            covered: vec![],
            pairs: vec![
                Pair {
                    startup: 0,
                    need: 0,
                    fit: 900,
                },
                Pair {
                    startup: 0,
                    need: 1,
                    fit: 100,
                },
            ],
        };
        assert_eq!(p.stable(Optimal::Startups, &Stated::default()), vec![0]);
        let mut stated = Stated::default();
        stated.startup.insert((0, 1), 0);
        assert_eq!(p.stable(Optimal::Startups, &stated), vec![1]);
    }
}
