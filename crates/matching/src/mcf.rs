//! Our min-cost-flow solver: cost scaling with push–relabel (Goldberg–Tarjan), on a
//! residual graph in compressed arrays. Integer capacities, costs and supplies; lower
//! bounds are folded into supplies. Matching rounds are solved with it.

/// A flow network as it is read or built.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Supply (> 0) or demand (< 0) per node.
    pub supply: Vec<i64>,
    pub arcs: Vec<Arc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    pub from: u32,
    pub to: u32,
    pub low: i64,
    pub cap: i64,
    pub cost: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    pub cost: i64,
    /// Flow on each arc, in the order of `Network::arcs`.
    pub flow: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowError {
    #[error("supplies and demands do not balance (sum {0})")]
    Unbalanced(i64),
    #[error("arc {0}: capacity below its lower bound")]
    BadArc(usize),
    #[error("no feasible flow: the demands cannot be met")]
    Infeasible,
    /// Numbers so large that the solver's sums could pass 64 bits.
    #[error("{0}")]
    TooLarge(String),
}

/// Refuses a network whose supplies, capacities or costs are so large that the solver's
/// arithmetic could overflow: excesses add up supplies and capacities, prices fall to
/// about (3n+3)·max|cost|·(n+1), and the total cost adds up cap·|cost|.
fn check_range(net: &Network) -> Result<(), FlowError> {
    let limit = i64::MAX as i128;
    let n = net.supply.len() as i128;
    let supplies: i128 = net.supply.iter().map(|s| s.unsigned_abs() as i128).sum();
    let caps: i128 = net.arcs.iter().map(|a| a.cap.unsigned_abs() as i128).sum();
    if supplies + caps > limit / 2 {
        return Err(FlowError::TooLarge(
            "supplies and capacities add up beyond 62 bits".into(),
        ));
    }
    let max_cost = net
        .arcs
        .iter()
        .map(|a| a.cost.unsigned_abs() as i128)
        .max()
        .unwrap_or(0);
    if 2 * (3 * n + 10) * (n + 1) * max_cost.max(1) > limit {
        return Err(FlowError::TooLarge(format!(
            "costs up to {max_cost} on {n} nodes are beyond the solver's 64-bit prices"
        )));
    }
    let total: i128 = net
        .arcs
        .iter()
        .map(|a| a.cap.unsigned_abs() as i128 * a.cost.unsigned_abs() as i128)
        .sum();
    if total > limit {
        return Err(FlowError::TooLarge(
            "capacity times cost adds up beyond 64 bits".into(),
        ));
    }
    Ok(())
}

impl Network {
    pub fn new(nodes: usize) -> Self {
        Self {
            supply: vec![0; nodes],
            arcs: Vec::new(),
        }
    }

    pub fn add_arc(&mut self, from: usize, to: usize, low: i64, cap: i64, cost: i64) -> usize {
        self.arcs.push(Arc {
            from: from as u32,
            to: to as u32,
            low,
            cap,
            cost,
        });
        self.arcs.len() - 1
    }

    /// Solves to optimality.
    pub fn solve(&self) -> Result<Solution, FlowError> {
        check_range(self)?;
        // residual capacities never exceed an arc's cap − low; when those and the costs
        // fit 32 bits, a residual edge takes 16 bytes instead of 24 and scans touch
        // a third less memory
        let narrow = self.arcs.iter().all(|a| {
            i32::try_from(a.cap.saturating_sub(a.low)).is_ok() && i32::try_from(a.cost).is_ok()
        });
        if narrow {
            Solver::<i32>::new(self)?.run()
        } else {
            self.solve_wide()
        }
    }

    fn solve_wide(&self) -> Result<Solution, FlowError> {
        Solver::<i64>::new(self)?.run()
    }
}

/// The integer an edge stores its residual capacity and (unscaled) cost in.
trait Word: Copy + Default {
    fn get(self) -> i64;
    /// `x` is known to fit.
    fn of(x: i64) -> Self;
}

impl Word for i32 {
    #[inline(always)]
    fn get(self) -> i64 {
        self as i64
    }
    #[inline(always)]
    fn of(x: i64) -> Self {
        x as i32
    }
}

impl Word for i64 {
    #[inline(always)]
    fn get(self) -> i64 {
        self
    }
    #[inline(always)]
    fn of(x: i64) -> Self {
        x
    }
}

/// A residual edge: its head, its reverse edge, residual capacity and unscaled cost,
/// together so that a scan reads one place.
#[derive(Clone, Copy, Default)]
struct Edge<W> {
    head: u32,
    rev: u32,
    res: W,
    cost: W,
}

/// Divide ε by this much per phase.
const ALPHA: i64 = 8;

struct Solver<'a, W> {
    net: &'a Network,
    n: usize,
    /// Costs are multiplied by n+1 so that ε-optimality at ε = 1 is optimality.
    scale: i64,
    /// CSR: edges of node v are first[v]..first[v+1].
    first: Vec<u32>,
    /// Residual edges, grouped by tail (CSR), each with all a scan reads in one place.
    edges: Vec<Edge<W>>,
    /// The residual edge of each original arc (its forward edge).
    arc_edge: Vec<u32>,
    excess: Vec<i64>,
    price: Vec<i64>,
    current: Vec<u32>,
}

impl<'a, W: Word> Solver<'a, W> {
    fn new(net: &'a Network) -> Result<Self, FlowError> {
        let n = net.supply.len();
        let total: i64 = net.supply.iter().sum();
        if total != 0 {
            return Err(FlowError::Unbalanced(total));
        }
        let mut excess = net.supply.clone();
        let mut degree = vec![0u32; n + 1];
        for (i, a) in net.arcs.iter().enumerate() {
            if a.cap < a.low || a.low < 0 {
                return Err(FlowError::BadArc(i));
            }
            degree[a.from as usize] += 1;
            degree[a.to as usize] += 1;
            // the lower bound is sent up front
            excess[a.from as usize] -= a.low;
            excess[a.to as usize] += a.low;
        }
        let mut first = vec![0u32; n + 1];
        for v in 0..n {
            first[v + 1] = first[v] + degree[v];
        }
        let m2 = first[n] as usize;
        let mut fill = first.clone();
        let mut edges = vec![Edge::<W>::default(); m2];
        let mut arc_edge = vec![0u32; net.arcs.len()];
        for (i, a) in net.arcs.iter().enumerate() {
            let (u, v) = (a.from as usize, a.to as usize);
            let eu = fill[u] as usize;
            fill[u] += 1;
            let ev = fill[v] as usize;
            fill[v] += 1;
            edges[eu] = Edge {
                head: v as u32,
                rev: ev as u32,
                res: W::of(a.cap - a.low),
                cost: W::of(a.cost),
            };
            edges[ev] = Edge {
                head: u as u32,
                rev: eu as u32,
                res: W::of(0),
                cost: W::of(-a.cost),
            };
            arc_edge[i] = eu as u32;
        }
        let current = first[..n].to_vec();
        Ok(Self {
            net,
            n,
            scale: n as i64 + 1,
            first,
            edges,
            arc_edge,
            excess,
            price: vec![0; n],
            current,
        })
    }

    fn run(mut self) -> Result<Solution, FlowError> {
        let max_cost = self
            .net
            .arcs
            .iter()
            .map(|a| a.cost.abs())
            .max()
            .unwrap_or(0)
            * self.scale;
        let mut eps = max_cost.max(1);
        // a node whose price falls this low has no path to a deficit: infeasible
        let floor = -(3 * self.n as i64 + 3) * (max_cost.max(1));
        loop {
            eps = (eps / ALPHA).max(1);
            self.refine(eps, floor)?;
            if eps == 1 {
                break;
            }
        }
        let flow: Vec<i64> = self
            .net
            .arcs
            .iter()
            .zip(&self.arc_edge)
            .map(|(a, &e)| a.low + (a.cap - a.low - self.edges[e as usize].res.get()))
            .collect();
        let cost = self
            .net
            .arcs
            .iter()
            .zip(&flow)
            .map(|(a, f)| a.cost * f)
            .sum();
        Ok(Solution { cost, flow })
    }

    /// The scaled cost of edge `e`.
    #[inline(always)]
    fn cost(&self, e: usize) -> i64 {
        self.edges[e].cost.get() * self.scale
    }

    /// Moves `delta` units along edge `e` (and back along its reverse).
    #[inline(always)]
    fn push(&mut self, e: usize, delta: i64) {
        let edge = &mut self.edges[e];
        edge.res = W::of(edge.res.get() - delta);
        let back = edge.rev as usize;
        let b = &mut self.edges[back];
        b.res = W::of(b.res.get() + delta);
    }

    fn refine(&mut self, eps: i64, floor: i64) -> Result<(), FlowError> {
        // saturate every edge with negative reduced cost: the flow becomes 0-optimal
        for u in 0..self.n {
            let pu = self.price[u];
            for e in self.first[u] as usize..self.first[u + 1] as usize {
                let r = self.edges[e].res.get();
                if r > 0 {
                    let v = self.edges[e].head as usize;
                    if self.cost(e) + pu - self.price[v] < 0 {
                        self.push(e, r);
                        self.excess[u] -= r;
                        self.excess[v] += r;
                    }
                }
            }
        }
        // active nodes on a stack: the last node pushed to is discharged first
        let mut stack: Vec<u32> = (0..self.n as u32)
            .filter(|&v| self.excess[v as usize] > 0)
            .collect();
        let mut queued = vec![false; self.n];
        for &v in &stack {
            queued[v as usize] = true;
        }
        for v in 0..self.n {
            self.current[v] = self.first[v];
        }
        while let Some(u) = stack.pop() {
            let u = u as usize;
            queued[u] = false;
            // discharge u
            while self.excess[u] > 0 {
                let end = self.first[u + 1];
                let mut e = self.current[u];
                let pu = self.price[u];
                while e < end {
                    let ei = e as usize;
                    let r = self.edges[ei].res.get();
                    if r > 0 {
                        let v = self.edges[ei].head as usize;
                        let c = self.cost(ei);
                        if c + pu - self.price[v] < 0 {
                            // look ahead: flow sent to a node that cannot pass it on
                            // would only come back; lower that node's price first
                            // (a node with no residual edge yet gets one back by the push)
                            if self.excess[v] >= 0
                                && !self.has_admissible(v)
                                && self.relabel(v, eps)
                                && c + pu - self.price[v] >= 0
                            {
                                e += 1;
                                continue;
                            }
                            let delta = self.excess[u].min(r);
                            self.push(ei, delta);
                            self.excess[u] -= delta;
                            self.excess[v] += delta;
                            if self.excess[v] > 0 && !queued[v] {
                                queued[v] = true;
                                stack.push(v as u32);
                            }
                            if self.excess[u] == 0 {
                                break;
                            }
                        }
                    }
                    e += 1;
                }
                self.current[u] = e.min(end);
                if self.excess[u] > 0 && (!self.relabel(u, eps) || self.price[u] < floor) {
                    return Err(FlowError::Infeasible);
                }
            }
        }
        Ok(())
    }

    fn has_admissible(&mut self, v: usize) -> bool {
        let pv = self.price[v];
        let end = self.first[v + 1];
        let mut e = self.current[v];
        while e < end {
            let ei = e as usize;
            if self.edges[ei].res.get() > 0
                && self.cost(ei) + pv - self.price[self.edges[ei].head as usize] < 0
            {
                self.current[v] = e;
                return true;
            }
            e += 1;
        }
        self.current[v] = end;
        false
    }

    /// Lowers u's price, which has no admissible edge, so that one becomes admissible;
    /// false when u has no residual edge at all (its price is left alone). Lowering by
    /// ε keeps ε-optimality, so the scan stops at the first edge that this makes
    /// admissible (as OR-tools does); only when there is none does it look for the
    /// largest drop that keeps ε-optimality.
    fn relabel(&mut self, u: usize, eps: i64) -> bool {
        let guaranteed = self.price[u] - eps;
        let mut best = i64::MIN;
        let mut best_e = self.first[u];
        for e in self.first[u] as usize..self.first[u + 1] as usize {
            if self.edges[e].res.get() > 0 {
                let v = self.edges[e].head as usize;
                let cand = self.price[v] - self.cost(e);
                if cand > best {
                    if cand > guaranteed {
                        self.price[u] = guaranteed;
                        self.current[u] = e as u32;
                        return true;
                    }
                    best = cand;
                    best_e = e as u32;
                }
            }
        }
        if best == i64::MIN {
            return false;
        }
        self.price[u] = best - eps;
        self.current[u] = best_e;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The cheapest feasible flow by trying every integer flow: the oracle.
    fn brute_force(net: &Network) -> Option<i64> {
        let m = net.arcs.len();
        let mut flow = vec![0i64; m];
        let mut best: Option<i64> = None;
        fn rec(i: usize, net: &Network, flow: &mut Vec<i64>, best: &mut Option<i64>) {
            if i == net.arcs.len() {
                let mut bal = net.supply.clone();
                for (a, f) in net.arcs.iter().zip(flow.iter()) {
                    bal[a.from as usize] -= f;
                    bal[a.to as usize] += f;
                }
                if bal.iter().all(|b| *b == 0) {
                    let c: i64 = net
                        .arcs
                        .iter()
                        .zip(flow.iter())
                        .map(|(a, f)| a.cost * f)
                        .sum();
                    if best.is_none_or(|b| c < b) {
                        *best = Some(c);
                    }
                }
                return;
            }
            for f in net.arcs[i].low..=net.arcs[i].cap {
                flow[i] = f;
                rec(i + 1, net, flow, best);
            }
        }
        rec(0, net, &mut flow, &mut best);
        best
    }

    fn check(net: &Network, sol: &Solution) {
        let mut bal = net.supply.clone();
        for (a, f) in net.arcs.iter().zip(&sol.flow) {
            assert!(*f >= a.low && *f <= a.cap, "flow within bounds");
            bal[a.from as usize] -= f;
            bal[a.to as usize] += f;
        }
        assert!(bal.iter().all(|b| *b == 0), "flow conserved: {bal:?}");
    }

    fn arb_network() -> impl Strategy<Value = Network> {
        (2usize..6).prop_flat_map(|n| {
            let arc =
                (0..n, 0..n, 0i64..2, 0i64..3, -9i64..10).prop_map(|(u, v, low, extra, cost)| {
                    Arc {
                        from: u as u32,
                        to: v as u32,
                        low,
                        cap: low + extra,
                        cost,
                    }
                });
            (
                proptest::collection::vec(arc, 1..7),
                proptest::collection::vec(-2i64..3, n),
            )
                .prop_map(move |(arcs, mut supply)| {
                    let arcs: Vec<Arc> = arcs.into_iter().filter(|a| a.from != a.to).collect();
                    let s: i64 = supply.iter().sum();
                    supply[0] -= s;
                    Network { supply, arcs }
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// The 64-bit edges (for capacities or costs beyond 32 bits) give what the
        /// 32-bit ones do, and costs 2^33 times larger cost 2^33 times more.
        #[test]
        fn wide_edges_agree_with_narrow_ones(net in arb_network()) {
            let narrow = net.solve();
            prop_assert_eq!(narrow.clone(), net.solve_wide());
            let mut big = net.clone();
            for a in &mut big.arcs {
                a.cost <<= 33;
            }
            prop_assert_eq!(big.solve().map(|s| s.cost), narrow.map(|s| s.cost << 33));
        }

        #[test]
        fn optimal_against_brute_force(net in arb_network()) {
            let expected = brute_force(&net);
            match net.solve() {
                Ok(sol) => {
                    check(&net, &sol);
                    prop_assert_eq!(Some(sol.cost), expected);
                }
                Err(FlowError::Infeasible) => prop_assert_eq!(expected, None),
                Err(e) => prop_assert!(false, "unexpected {e}"),
            }
        }
    }

    #[test]
    fn a_small_round_prefers_coverage() {
        // source 0, startups 1-2, needs 3-4, sink 5; bypass source→sink
        let mut n = Network::new(6);
        n.supply[0] = 2;
        n.supply[5] = -2;
        // a first match earns 1,000; a second one nothing
        n.add_arc(0, 1, 0, 1, -1000);
        n.add_arc(0, 1, 0, 1, 0);
        n.add_arc(0, 2, 0, 1, -1000);
        n.add_arc(0, 2, 0, 1, 0);
        n.add_arc(1, 3, 0, 1, -900);
        n.add_arc(1, 4, 0, 1, -800);
        n.add_arc(2, 3, 0, 1, -100);
        n.add_arc(3, 5, 0, 1, 0);
        n.add_arc(4, 5, 0, 1, 0);
        n.add_arc(0, 5, 0, 2, 0);
        let s = n.solve().unwrap();
        // startup 1 → need 4 and startup 2 → need 3 (two startups matched) beats
        // startup 1 taking both needs (higher fit, one startup matched)
        assert_eq!(s.cost, -1000 - 800 - 1000 - 100);
        assert_eq!(s.flow[4..7], [0, 1, 1]);
    }

    #[test]
    fn lower_bounds_into_a_balanced_dead_end_are_not_infeasible() {
        // found by the property test: node 3 is balanced and has no way out
        let mut n = Network::new(4);
        n.supply = vec![5, -1, -2, -2];
        n.add_arc(0, 2, 1, 3, -3);
        n.add_arc(0, 3, 1, 1, 0);
        n.add_arc(0, 2, 1, 1, 0);
        n.add_arc(0, 1, 0, 1, 2);
        n.add_arc(2, 3, 1, 2, 0);
        n.add_arc(0, 2, 1, 1, 0);
        assert_eq!(n.solve().map(|s| s.cost), Ok(-1));
    }

    #[test]
    fn unbalanced_and_bad_arcs_are_refused() {
        let mut n = Network::new(2);
        n.supply[0] = 1;
        assert_eq!(n.solve(), Err(FlowError::Unbalanced(1)));
        n.supply[1] = -1;
        n.add_arc(0, 1, 2, 1, 0);
        assert_eq!(n.solve(), Err(FlowError::BadArc(0)));
    }
}
