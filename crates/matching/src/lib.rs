//! The matching engine: assignment under capacities (our own min-cost-flow solver),
//! stable matching (deferred acceptance), and — as they arrive — scoring with
//! explanations, candidate retrieval and meeting scheduling. No I/O.

pub mod dimacs;
pub mod mcf;
pub mod stable;
