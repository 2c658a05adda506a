//! The scheduler's promises on random forums: nobody double-booked, availability and
//! tables respected, never more than the upper bound, and everything placed whenever
//! König's condition holds with room at the tables.

// a test's unwrap is its assertion: the failure is the answer
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use innobridge_schedule::{Place, Problem, Request, all_fit_guaranteed, schedule};
use proptest::prelude::*;

fn problem(full_availability: bool) -> impl Strategy<Value = Problem> {
    (2u32..12, 2u32..12, 1usize..10, 1usize..8).prop_flat_map(move |(ns, ne, slots, tables)| {
        let n = (ns + ne) as usize;
        let pairs = prop::collection::hash_set((0..ns, ns..ns + ne), 0..(ns * ne) as usize);
        let fits = prop::collection::vec(0.0f64..1.0, (ns * ne) as usize);
        let avail = if full_availability {
            Just(vec![]).boxed()
        } else {
            prop::collection::vec(any::<u64>(), n).boxed()
        };
        (pairs, fits, avail).prop_map(move |(pairs, fits, available)| Problem {
            participants: n,
            slots,
            tables,
            available,
            requests: pairs
                .into_iter()
                .zip(fits)
                .map(|((a, b), fit)| Request {
                    a,
                    b,
                    fit,
                    previous: None,
                })
                .collect(),
        })
    })
}

fn check(p: &Problem, places: &[Option<Place>]) {
    let mut busy = HashSet::new();
    let mut tables = HashSet::new();
    for (r, place) in p.requests.iter().zip(places) {
        let Some(x) = place else { continue };
        assert!((x.slot as usize) < p.slots && (x.table as usize) < p.tables);
        for v in [r.a, r.b] {
            assert!(
                busy.insert((v, x.slot)),
                "participant {v} double-booked in slot {}",
                x.slot
            );
            let free = p.available.get(v as usize).copied().unwrap_or(u64::MAX);
            assert!(
                free & (1 << x.slot) != 0,
                "participant {v} is not available in slot {}",
                x.slot
            );
        }
        assert!(
            tables.insert(*x),
            "table {} in slot {} used twice",
            x.table,
            x.slot
        );
    }
}

/// Keeps only requests whose ends have at most `slots` requests each.
fn konig(mut p: Problem) -> Problem {
    let mut degree = vec![0usize; p.participants];
    p.requests.retain(|r| {
        let ok = degree[r.a as usize] < p.slots && degree[r.b as usize] < p.slots;
        if ok {
            degree[r.a as usize] += 1;
            degree[r.b as usize] += 1;
        }
        ok
    });
    p.tables = p.tables.max(p.requests.len().div_ceil(p.slots));
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn nobody_is_double_booked_and_limits_hold(p in problem(false)) {
        let s = schedule(&p).unwrap();
        check(&p, &s.places);
        prop_assert!(s.placed <= s.upper_bound);
        prop_assert_eq!(s.placed, s.places.iter().flatten().count());
    }

    #[test]
    fn everything_is_placed_under_konigs_condition(p in problem(true).prop_map(konig)) {
        prop_assert!(all_fit_guaranteed(&p));
        let s = schedule(&p).unwrap();
        check(&p, &s.places);
        prop_assert_eq!(s.placed, p.requests.len());
    }

    #[test]
    fn rescheduling_an_unchanged_event_moves_nothing(p in problem(false)) {
        let first = schedule(&p).unwrap();
        let mut again = p.clone();
        for (r, place) in again.requests.iter_mut().zip(&first.places) {
            r.previous = *place;
        }
        let second = schedule(&again).unwrap();
        check(&again, &second.places);
        prop_assert!(second.placed >= first.placed);
        prop_assert!(second.moved == 0 || second.placed > first.placed,
            "moved {} to place {} instead of {}", second.moved, second.placed, first.placed);
    }
}
