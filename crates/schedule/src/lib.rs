//! The forum's 1:1 meeting scheduler: places accepted meeting requests into time slots
//! and tables so that nobody is double-booked, everyone's availability is respected and
//! no slot has more meetings than tables, placing as many meetings as possible and the
//! better-fitting pairs first when not all fit.
//!
//! A schedule is an edge colouring of the request graph (participants are vertices,
//! requests are edges, slots are colours). When the graph is bipartite (startups meet
//! enterprises), everyone is available throughout, no one has more requests than there
//! are slots and the requests fit the tables, every request is placed: the colouring
//! follows König's theorem (an edge whose ends have different free colours is placed by
//! flipping an alternating path, which in a bipartite graph never comes back to the
//! edge's other end), and the colour classes are then evened out by flipping alternating
//! paths with more edges of the fuller colour (de Werra), so no slot needs more tables
//! than `ceil(meetings / slots)`. Otherwise the same steps place what they can and the
//! answer carries an upper bound on what any schedule could place.
//!
//! Re-scheduling starts from the previous places: a meeting keeps its slot and table
//! unless its place became invalid or a path flip needs it, so late changes move few.

use std::cmp::Ordering;

/// At most this many slots (availability is a 64-bit set).
pub const MAX_SLOTS: usize = 64;

const NONE: u32 = u32::MAX;
const UNPLACED: u8 = u8::MAX;

/// A slot and a table, both counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub slot: u16,
    pub table: u16,
}

/// One accepted meeting request between participants `a` and `b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub a: u32,
    pub b: u32,
    /// Higher is placed first when not all fit.
    pub fit: f64,
    /// Where it was in the last schedule, if anywhere.
    pub previous: Option<Place>,
}

/// Everything the scheduler needs.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub participants: usize,
    pub slots: usize,
    pub tables: usize,
    /// Per participant, the slots it is available in (bit `s` for slot `s`); a
    /// participant beyond the end of this list is available throughout.
    pub available: Vec<u64>,
    pub requests: Vec<Request>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Per request, in the problem's order.
    pub places: Vec<Option<Place>>,
    pub placed: usize,
    /// No schedule can place more than this.
    pub upper_bound: usize,
    /// Requests that had a previous place and now have another one, or none.
    pub moved: usize,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScheduleError {
    #[error("an event has between 1 and {MAX_SLOTS} slots, not {0}")]
    Slots(usize),
    #[error("request {0} names participant {1}, but there are only {2}")]
    Participant(usize, u32, usize),
    #[error("request {0} asks a participant to meet itself")]
    SelfMeeting(usize),
    #[error("requests {0} and {1} ask for the same pair to meet twice")]
    Duplicate(usize, usize),
}

/// Places the requests; see the module documentation for the guarantees.
///
/// With previous places, the meetings that can keep them are pinned first; they are
/// moved only when moving them lets more meetings be held in all.
pub fn schedule(p: &Problem) -> Result<Schedule, ScheduleError> {
    validate(p)?;
    let free = run(p, false);
    if p.requests.iter().all(|r| r.previous.is_none()) {
        return Ok(free);
    }
    let pinned = run(p, true);
    Ok(if pinned.placed >= free.placed {
        pinned
    } else {
        free
    })
}

fn run(p: &Problem, pin: bool) -> Schedule {
    let mut s = State::new(p);
    let order = fit_order(&p.requests);
    for &e in &order {
        if s.keep_previous(e) && pin {
            s.pinned[e] = true;
        }
    }
    for &e in &order {
        if s.slot[e] == UNPLACED {
            s.colour(e);
        }
    }
    s.balance();
    let dropped = s.trim();
    for e in dropped {
        s.place_with_room(e);
    }
    s.finish()
}

fn validate(p: &Problem) -> Result<(), ScheduleError> {
    if p.slots == 0 || p.slots > MAX_SLOTS {
        return Err(ScheduleError::Slots(p.slots));
    }
    let mut seen = std::collections::HashMap::with_capacity(p.requests.len());
    for (i, r) in p.requests.iter().enumerate() {
        for v in [r.a, r.b] {
            if v as usize >= p.participants {
                return Err(ScheduleError::Participant(i, v, p.participants));
            }
        }
        if r.a == r.b {
            return Err(ScheduleError::SelfMeeting(i));
        }
        if let Some(j) = seen.insert((r.a.min(r.b), r.a.max(r.b)), i) {
            return Err(ScheduleError::Duplicate(j, i));
        }
    }
    Ok(())
}

/// Request indices, best fit first (ties by index, so the result is deterministic).
fn fit_order(rs: &[Request]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rs.len()).collect();
    order.sort_by(|&x, &y| {
        rs[y]
            .fit
            .partial_cmp(&rs[x].fit)
            .unwrap_or(Ordering::Equal)
            .then(x.cmp(&y))
    });
    order
}

fn bits(mut m: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        if m == 0 {
            None
        } else {
            let b = m.trailing_zeros() as usize;
            m &= m - 1;
            Some(b)
        }
    })
}

struct State<'a> {
    p: &'a Problem,
    slots: usize,
    all: u64,
    /// `at[v * slots + s]`: the request participant `v` meets in slot `s`, or NONE.
    at: Vec<u32>,
    busy: Vec<u64>,
    slot: Vec<u8>,
    load: Vec<usize>,
    /// Kept at their previous place: no path flip moves them.
    pinned: Vec<bool>,
}

impl<'a> State<'a> {
    fn new(p: &'a Problem) -> Self {
        let all = if p.slots == 64 {
            u64::MAX
        } else {
            (1u64 << p.slots) - 1
        };
        Self {
            p,
            slots: p.slots,
            all,
            at: vec![NONE; p.participants * p.slots],
            busy: vec![0; p.participants],
            slot: vec![UNPLACED; p.requests.len()],
            load: vec![0; p.slots],
            pinned: vec![false; p.requests.len()],
        }
    }

    fn avail(&self, v: u32) -> u64 {
        self.p
            .available
            .get(v as usize)
            .copied()
            .unwrap_or(u64::MAX)
            & self.all
    }

    fn ends(&self, e: usize) -> (u32, u32) {
        let r = &self.p.requests[e];
        (r.a, r.b)
    }

    /// Slots both ends are available in.
    fn allowed(&self, e: usize) -> u64 {
        let (a, b) = self.ends(e);
        self.avail(a) & self.avail(b)
    }

    fn set(&mut self, e: usize, s: usize) {
        let (a, b) = self.ends(e);
        for v in [a, b] {
            self.at[v as usize * self.slots + s] = e as u32;
            self.busy[v as usize] |= 1 << s;
        }
        self.slot[e] = s as u8;
        self.load[s] += 1;
    }

    fn unset(&mut self, e: usize) {
        let s = self.slot[e] as usize;
        let (a, b) = self.ends(e);
        for v in [a, b] {
            self.at[v as usize * self.slots + s] = NONE;
            self.busy[v as usize] &= !(1 << s);
        }
        self.slot[e] = UNPLACED;
        self.load[s] -= 1;
    }

    fn meeting(&self, v: u32, s: usize) -> Option<usize> {
        let e = self.at[v as usize * self.slots + s];
        (e != NONE).then_some(e as usize)
    }

    fn keep_previous(&mut self, e: usize) -> bool {
        let Some(prev) = self.p.requests[e].previous else {
            return false;
        };
        let s = prev.slot as usize;
        let (a, b) = self.ends(e);
        let free = self.allowed(e) & !self.busy[a as usize] & !self.busy[b as usize];
        let keep = s < self.slots && free & (1 << s) != 0;
        if keep {
            self.set(e, s);
        }
        keep
    }

    fn least_loaded(&self, mask: u64) -> Option<usize> {
        bits(mask).min_by_key(|&s| self.load[s])
    }

    /// Places `e` in a slot free at both ends, or frees one by flipping an alternating
    /// path (tables are not looked at here; `balance` and `trim` see to them).
    fn colour(&mut self, e: usize) {
        let (a, b) = self.ends(e);
        let ok = self.allowed(e);
        let free_a = ok & !self.busy[a as usize];
        let free_b = ok & !self.busy[b as usize];
        if let Some(s) = self.least_loaded(free_a & free_b) {
            self.set(e, s);
            return;
        }
        for alpha in bits(free_a) {
            for beta in bits(free_b) {
                if let Some(path) = self.kempe_path(b, alpha, beta, a)
                    && self.flip(&path, alpha, beta)
                {
                    self.set(e, alpha);
                    return;
                }
            }
        }
    }

    /// The path from `start` along slots `first`, `second`, `first`, ... ; None when it
    /// reaches `avoid` (only possible when the requests are not bipartite).
    fn kempe_path(
        &self,
        start: u32,
        first: usize,
        second: usize,
        avoid: u32,
    ) -> Option<Vec<usize>> {
        let mut path = Vec::new();
        let (mut x, mut col) = (start, first);
        while let Some(e) = self.meeting(x, col) {
            let (a, b) = self.ends(e);
            x = if a == x { b } else { a };
            if x == avoid {
                return None;
            }
            path.push(e);
            col = if col == first { second } else { first };
        }
        Some(path)
    }

    /// Swaps slots `s` and `t` along `path` if everyone on it is available for the swap.
    fn flip(&mut self, path: &[usize], s: usize, t: usize) -> bool {
        let fits = path.iter().all(|&e| !self.pinned[e])
            && path.iter().all(|&e| {
                let to = if self.slot[e] as usize == s { t } else { s };
                self.allowed(e) & (1 << to) != 0
            });
        if !fits {
            return false;
        }
        let from: Vec<usize> = path.iter().map(|&e| self.slot[e] as usize).collect();
        for &e in path {
            self.unset(e);
        }
        for (&e, &f) in path.iter().zip(&from) {
            self.set(e, if f == s { t } else { s });
        }
        true
    }

    /// Moves meetings out of slots with more meetings than tables into slots with room,
    /// one alternating path with more edges in the fuller slot at a time.
    fn balance(&mut self) {
        let tables = self.p.tables;
        let mut stuck = vec![false; self.slots];
        loop {
            let Some(hi) = (0..self.slots)
                .filter(|&s| !stuck[s] && self.load[s] > tables)
                .max_by_key(|&s| self.load[s])
            else {
                return;
            };
            let mut los: Vec<usize> = (0..self.slots).filter(|&s| self.load[s] < tables).collect();
            los.sort_by_key(|&s| self.load[s]);
            if !los.iter().any(|&lo| self.shift_one(hi, lo)) {
                stuck[hi] = true;
            }
        }
    }

    /// Finds a `hi`/`lo` alternating path that starts and ends in `hi` and flips it.
    fn shift_one(&mut self, hi: usize, lo: usize) -> bool {
        let in_hi: Vec<usize> = (0..self.slot.len())
            .filter(|&e| self.slot[e] as usize == hi)
            .collect();
        let mut seen = vec![false; self.slot.len()];
        for e in in_hi {
            if seen[e] {
                continue;
            }
            let (a, b) = self.ends(e);
            let (Some(left), Some(right)) =
                (self.kempe_path(a, lo, hi, b), self.kempe_path(b, lo, hi, a))
            else {
                seen[e] = true;
                continue; // an alternating cycle: as many of one slot as the other
            };
            let mut path = left;
            path.reverse();
            path.push(e);
            path.extend(right);
            for &x in &path {
                seen[x] = true;
            }
            let n_hi = path
                .iter()
                .filter(|&&x| self.slot[x] as usize == hi)
                .count();
            if n_hi * 2 > path.len() && self.flip(&path, hi, lo) {
                return true;
            }
        }
        false
    }

    /// Takes the worst-fitting meetings out of slots that still have more than tables.
    fn trim(&mut self) -> Vec<usize> {
        let mut dropped = Vec::new();
        for s in 0..self.slots {
            if self.load[s] <= self.p.tables {
                continue;
            }
            let mut here: Vec<usize> = (0..self.slot.len())
                .filter(|&e| self.slot[e] as usize == s)
                .collect();
            here.sort_by(|&x, &y| {
                let (rx, ry) = (&self.p.requests[x], &self.p.requests[y]);
                self.pinned[x]
                    .cmp(&self.pinned[y])
                    .then(rx.fit.partial_cmp(&ry.fit).unwrap_or(Ordering::Equal))
                    .then(y.cmp(&x))
            });
            let excess = self.load[s] - self.p.tables;
            for &e in &here[..excess] {
                self.unset(e);
                dropped.push(e);
            }
        }
        dropped.sort_by(|&x, &y| {
            let rs = &self.p.requests;
            rs[y]
                .fit
                .partial_cmp(&rs[x].fit)
                .unwrap_or(Ordering::Equal)
                .then(x.cmp(&y))
        });
        dropped
    }

    fn place_with_room(&mut self, e: usize) {
        let (a, b) = self.ends(e);
        let room = (0..self.slots)
            .filter(|&s| self.load[s] < self.p.tables)
            .fold(0u64, |m, s| m | 1 << s);
        let free = self.allowed(e) & !self.busy[a as usize] & !self.busy[b as usize] & room;
        if let Some(s) = self.least_loaded(free) {
            self.set(e, s);
        }
    }

    /// Gives each placed meeting a table: its previous one when it kept its slot and the
    /// table is still there, otherwise the lowest free one.
    fn finish(self) -> Schedule {
        let p = self.p;
        let mut taken = vec![vec![false; p.tables]; self.slots];
        let mut places = vec![None; p.requests.len()];
        for (e, r) in p.requests.iter().enumerate() {
            let s = self.slot[e];
            if let Some(prev) = r.previous
                && s != UNPLACED
                && prev.slot == s as u16
                && (prev.table as usize) < p.tables
                && !taken[s as usize][prev.table as usize]
            {
                taken[s as usize][prev.table as usize] = true;
                places[e] = Some(prev);
            }
        }
        for (place, &s) in places.iter_mut().zip(&self.slot) {
            if s == UNPLACED || place.is_some() {
                continue;
            }
            let row = &mut taken[s as usize];
            let t = row
                .iter()
                .position(|&x| !x)
                .expect("trim left a table free");
            row[t] = true;
            *place = Some(Place {
                slot: u16::from(s),
                table: t as u16,
            });
        }
        let moved = p
            .requests
            .iter()
            .zip(&places)
            .filter(|(r, now)| r.previous.is_some() && r.previous != **now)
            .count();
        Schedule {
            placed: places.iter().filter(|x| x.is_some()).count(),
            upper_bound: upper_bound(p, &self),
            moved,
            places,
        }
    }
}

/// No schedule places more than the tables hold, more than the requests that have a
/// common slot, or more than half the sum over participants of
/// `min(requests, available slots)` (each meeting takes one from each end).
fn upper_bound(p: &Problem, s: &State) -> usize {
    let mut degree = vec![0usize; p.participants];
    let mut possible = 0;
    for (e, r) in p.requests.iter().enumerate() {
        if s.allowed(e) != 0 {
            possible += 1;
            degree[r.a as usize] += 1;
            degree[r.b as usize] += 1;
        }
    }
    let ends: usize = (0..p.participants)
        .map(|v| degree[v].min(s.avail(v as u32).count_ones() as usize))
        .sum();
    possible.min(p.slots * p.tables).min(ends / 2)
}

/// Is every request guaranteed a place (König's condition with room at the tables)?
/// The requests must pair two sides (bipartite) for the guarantee; the caller knows.
pub fn all_fit_guaranteed(p: &Problem) -> bool {
    let all_available = (0..p.participants).all(|v| {
        p.available
            .get(v)
            .is_none_or(|&m| m.count_ones() as usize >= p.slots.min(64))
    });
    let mut degree = vec![0usize; p.participants];
    for r in &p.requests {
        degree[r.a as usize] += 1;
        degree[r.b as usize] += 1;
    }
    all_available && degree.iter().all(|&d| d <= p.slots) && p.requests.len() <= p.slots * p.tables
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(a: u32, b: u32, fit: f64) -> Request {
        Request {
            a,
            b,
            fit,
            previous: None,
        }
    }

    #[test]
    fn a_path_flip_places_what_greedy_cannot() {
        // Startups 0,1; enterprises 2,3. Two slots, a 4-cycle: 0-2, 2-1, 1-3, 3-0.
        // Greedy in this order can put 0-2 in slot 0 and 1-3 in slot 0 too, then the
        // others need a flip or a lucky choice; every colouring of a 4-cycle needs two.
        let p = Problem {
            participants: 4,
            slots: 2,
            tables: 2,
            available: vec![],
            requests: vec![
                req(0, 2, 4.0),
                req(1, 3, 3.0),
                req(1, 2, 2.0),
                req(0, 3, 1.0),
            ],
        };
        let s = schedule(&p).unwrap();
        assert_eq!(s.placed, 4);
        assert_eq!(s.upper_bound, 4);
    }

    #[test]
    fn the_best_fits_win_when_tables_run_out() {
        let p = Problem {
            participants: 6,
            slots: 1,
            tables: 2,
            available: vec![],
            requests: vec![req(0, 3, 0.1), req(1, 4, 0.9), req(2, 5, 0.5)],
        };
        let s = schedule(&p).unwrap();
        assert_eq!(s.placed, 2);
        assert_eq!(s.upper_bound, 2);
        assert!(s.places[0].is_none(), "the worst fit is left out");
    }

    #[test]
    fn availability_is_kept_and_bounds_what_fits() {
        // Participant 0 is only free in slot 1, and has two requests.
        let p = Problem {
            participants: 3,
            slots: 3,
            tables: 5,
            available: vec![0b010],
            requests: vec![req(0, 1, 1.0), req(0, 2, 2.0)],
        };
        let s = schedule(&p).unwrap();
        assert_eq!(s.placed, 1);
        assert_eq!(s.upper_bound, 1);
        assert_eq!(
            s.places[1].map(|x| x.slot),
            Some(1),
            "the better fit takes it"
        );
    }

    #[test]
    fn rescheduling_keeps_places_that_still_hold() {
        let mut p = Problem {
            participants: 8,
            slots: 3,
            tables: 4,
            available: vec![],
            requests: (0..4).map(|i| req(i, 4 + i, 1.0)).collect(),
        };
        let first = schedule(&p).unwrap();
        for (r, place) in p.requests.iter_mut().zip(&first.places) {
            r.previous = *place;
        }
        p.requests.push(req(0, 5, 0.5));
        p.available = vec![u64::MAX; 8];
        p.available[7] = 0b100; // participant 7 can now only come in slot 2
        let second = schedule(&p).unwrap();
        assert_eq!(second.placed, 5);
        let needed = usize::from(first.places[3].unwrap().slot != 2);
        assert!(second.moved <= needed + 1, "moved {}", second.moved);
    }

    #[test]
    fn bad_problems_are_refused() {
        let mut p = Problem {
            participants: 2,
            slots: 0,
            tables: 1,
            available: vec![],
            requests: vec![req(0, 1, 1.0)],
        };
        assert_eq!(schedule(&p), Err(ScheduleError::Slots(0)));
        p.slots = 2;
        p.requests.push(req(1, 0, 1.0));
        assert_eq!(schedule(&p), Err(ScheduleError::Duplicate(0, 1)));
        p.requests = vec![req(0, 2, 1.0)];
        assert_eq!(schedule(&p), Err(ScheduleError::Participant(0, 2, 2)));
        p.requests = vec![req(1, 1, 1.0)];
        assert_eq!(schedule(&p), Err(ScheduleError::SelfMeeting(0)));
    }
}
