//! Many-to-one stable matching (hospital–resident deferred acceptance): startups rank
//! needs, needs rank startups and have slots. Startup-proposing gives the
//! startup-optimal stable matching, need-proposing the need-optimal one. A pair is
//! acceptable only when each side lists the other.

use std::collections::{BinaryHeap, HashMap, VecDeque};

/// Preferences by index: `startup_prefs[s]` lists needs best first;
/// `need_prefs[n]` lists startups best first; `capacity[n]` slots.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    pub startup_prefs: Vec<Vec<u32>>,
    pub need_prefs: Vec<Vec<u32>>,
    pub capacity: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimal {
    Startups,
    Needs,
}

struct Ranks {
    /// need → (startup → rank)
    need: Vec<HashMap<u32, u32>>,
    /// startup → (need → rank)
    startup: Vec<HashMap<u32, u32>>,
}

/// An instance read from the benchmark's JSON form (`gen_hr.py`): `startups` maps each
/// startup to its ranked needs, `needs` each need to `{capacity, prefs}`. Returns the
/// instance and the startup and need names by index.
pub fn from_json(v: &serde_json::Value) -> Result<(Instance, Vec<String>, Vec<String>), String> {
    let (Some(st), Some(nd)) = (v["startups"].as_object(), v["needs"].as_object()) else {
        return Err("expected an object with 'startups' and 'needs'".into());
    };
    let index = |m: &serde_json::Map<String, serde_json::Value>| -> HashMap<String, u32> {
        m.keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i as u32))
            .collect()
    };
    let (s_idx, n_idx) = (index(st), index(nd));
    let ids = |list: &serde_json::Value,
               idx: &HashMap<String, u32>,
               whose: &str|
     -> Result<Vec<u32>, String> {
        list.as_array()
            .ok_or_else(|| format!("{whose}: preferences must be a list"))?
            .iter()
            .map(|x| {
                x.as_str()
                    .and_then(|k| idx.get(k).copied())
                    .ok_or_else(|| format!("{whose}: unknown entry {x}"))
            })
            .collect()
    };
    let mut inst = Instance::default();
    for (k, prefs) in st {
        inst.startup_prefs.push(ids(prefs, &n_idx, k)?);
    }
    for (k, need) in nd {
        inst.need_prefs.push(ids(&need["prefs"], &s_idx, k)?);
        let cap = need["capacity"]
            .as_u64()
            .ok_or_else(|| format!("{k}: capacity must be a whole number"))?;
        inst.capacity.push(cap as u32);
    }
    Ok((
        inst,
        st.keys().cloned().collect(),
        nd.keys().cloned().collect(),
    ))
}

impl Instance {
    fn ranks(&self) -> Ranks {
        let table = |prefs: &Vec<Vec<u32>>| {
            prefs
                .iter()
                .map(|p| {
                    p.iter()
                        .enumerate()
                        .map(|(r, x)| (*x, r as u32))
                        .collect::<HashMap<u32, u32>>()
                })
                .collect::<Vec<_>>()
        };
        Ranks {
            need: table(&self.need_prefs),
            startup: table(&self.startup_prefs),
        }
    }

    /// The stable matching as (startup, need) pairs, sorted.
    pub fn solve(&self, optimal: Optimal) -> Vec<(u32, u32)> {
        let ranks = self.ranks();
        let mut pairs = match optimal {
            Optimal::Startups => self.startups_propose(&ranks),
            Optimal::Needs => self.needs_propose(&ranks),
        };
        pairs.sort_unstable();
        pairs
    }

    fn startups_propose(&self, ranks: &Ranks) -> Vec<(u32, u32)> {
        let ns = self.startup_prefs.len();
        let mut next = vec![0usize; ns];
        // per need: the held startups as a max-heap on the need's rank (worst on top)
        let mut held: Vec<BinaryHeap<(u32, u32)>> = vec![BinaryHeap::new(); self.need_prefs.len()];
        let mut free: VecDeque<u32> = (0..ns as u32).collect();
        while let Some(s) = free.pop_front() {
            let prefs = &self.startup_prefs[s as usize];
            while next[s as usize] < prefs.len() {
                let n = prefs[next[s as usize]] as usize;
                next[s as usize] += 1;
                let Some(&r) = ranks.need[n].get(&s) else {
                    continue;
                };
                let cap = self.capacity[n] as usize;
                if cap == 0 {
                    continue;
                }
                if held[n].len() < cap {
                    held[n].push((r, s));
                    break;
                }
                let &(worst_rank, worst) = held[n].peek().expect("full");
                if r < worst_rank {
                    held[n].pop();
                    held[n].push((r, s));
                    free.push_back(worst);
                    break;
                }
            }
        }
        held.into_iter()
            .enumerate()
            .flat_map(|(n, h)| h.into_iter().map(move |(_, s)| (s, n as u32)))
            .collect()
    }

    fn needs_propose(&self, ranks: &Ranks) -> Vec<(u32, u32)> {
        let nn = self.need_prefs.len();
        let mut next = vec![0usize; nn];
        let mut held_count = vec![0u32; nn];
        // per startup: the need it holds, with the startup's rank of it
        let mut holds: Vec<Option<(u32, u32)>> = vec![None; self.startup_prefs.len()];
        let mut active: VecDeque<u32> = (0..nn as u32).collect();
        while let Some(n) = active.pop_front() {
            let nu = n as usize;
            let prefs = &self.need_prefs[nu];
            while held_count[nu] < self.capacity[nu] && next[nu] < prefs.len() {
                let s = prefs[next[nu]] as usize;
                next[nu] += 1;
                let Some(&r) = ranks.startup[s].get(&n) else {
                    continue;
                };
                match holds[s] {
                    Some((cur_rank, _)) if cur_rank <= r => {}
                    Some((_, cur)) => {
                        holds[s] = Some((r, n));
                        held_count[nu] += 1;
                        held_count[cur as usize] -= 1;
                        active.push_back(cur);
                    }
                    None => {
                        holds[s] = Some((r, n));
                        held_count[nu] += 1;
                    }
                }
            }
        }
        holds
            .into_iter()
            .enumerate()
            .filter_map(|(s, h)| h.map(|(_, n)| (s as u32, n)))
            .collect()
    }

    /// A pair that would both rather be together than with what they have, if any.
    pub fn blocking_pair(&self, pairs: &[(u32, u32)]) -> Option<(u32, u32)> {
        let ranks = self.ranks();
        let mut of_startup: HashMap<u32, u32> = HashMap::new();
        let mut of_need: Vec<Vec<u32>> = vec![vec![]; self.need_prefs.len()];
        for &(s, n) in pairs {
            of_startup.insert(s, n);
            of_need[n as usize].push(s);
        }
        for (s, prefs) in self.startup_prefs.iter().enumerate() {
            let s = s as u32;
            for &n in prefs {
                let Some(&rn) = ranks.need[n as usize].get(&s) else {
                    continue;
                };
                if of_startup.get(&s) == Some(&n) {
                    continue;
                }
                let startup_wants = match of_startup.get(&s) {
                    None => true,
                    Some(cur) => ranks.startup[s as usize][&n] < ranks.startup[s as usize][cur],
                };
                let held = &of_need[n as usize];
                let need_wants = (held.len() as u32) < self.capacity[n as usize]
                    || held.iter().any(|h| rn < ranks.need[n as usize][h]);
                if startup_wants && need_wants {
                    return Some((s, n));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_instance() -> impl Strategy<Value = Instance> {
        (1usize..9, 1usize..5).prop_flat_map(|(ns, nn)| {
            let startup = proptest::collection::vec(0..nn as u32, 0..=nn).prop_map(|mut v| {
                let mut seen = std::collections::HashSet::new();
                v.retain(|x| seen.insert(*x));
                v
            });
            let need = proptest::collection::vec(0..ns as u32, 0..=ns).prop_map(|mut v| {
                let mut seen = std::collections::HashSet::new();
                v.retain(|x| seen.insert(*x));
                v
            });
            (
                proptest::collection::vec(startup, ns),
                proptest::collection::vec(need, nn),
                proptest::collection::vec(0u32..3, nn),
            )
                .prop_map(|(startup_prefs, need_prefs, capacity)| Instance {
                    startup_prefs,
                    need_prefs,
                    capacity,
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn both_sides_give_stable_matchings_within_capacity(inst in arb_instance()) {
            for opt in [Optimal::Startups, Optimal::Needs] {
                let m = inst.solve(opt);
                prop_assert_eq!(inst.blocking_pair(&m), None);
                let mut per_need = vec![0u32; inst.capacity.len()];
                let mut seen = std::collections::HashSet::new();
                for &(s, n) in &m {
                    prop_assert!(seen.insert(s), "a startup matched twice");
                    per_need[n as usize] += 1;
                    prop_assert!(inst.startup_prefs[s as usize].contains(&n) && inst.need_prefs[n as usize].contains(&s));
                }
                for (n, c) in per_need.iter().enumerate() {
                    prop_assert!(*c <= inst.capacity[n]);
                }
            }
            // the rural hospitals theorem: both matchings match the same startups
            let a: Vec<u32> = inst.solve(Optimal::Startups).iter().map(|p| p.0).collect();
            let b: Vec<u32> = inst.solve(Optimal::Needs).iter().map(|p| p.0).collect();
            let (mut a, mut b) = (a, b);
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn each_side_gets_its_optimal_matching() {
        // two startups, two needs of one slot, opposite preferences
        let inst = Instance {
            startup_prefs: vec![vec![0, 1], vec![1, 0]],
            need_prefs: vec![vec![1, 0], vec![0, 1]],
            capacity: vec![1, 1],
        };
        assert_eq!(inst.solve(Optimal::Startups), vec![(0, 0), (1, 1)]);
        assert_eq!(inst.solve(Optimal::Needs), vec![(0, 1), (1, 0)]);
    }
}
