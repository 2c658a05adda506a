//! The matching engine: explained scoring and candidate retrieval, a round's assignment
//! under capacities (our own min-cost-flow solver), stable matching (deferred
//! acceptance) and the round policy. No I/O.

pub mod affinity;
pub mod dimacs;
pub mod mcf;
pub mod policy;
pub mod review;
pub mod round;
pub mod score;
pub mod stable;
