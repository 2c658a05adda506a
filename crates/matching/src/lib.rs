//! The matching engine: assignment under capacities (our own min-cost-flow solver),
//! stable matching (deferred acceptance), and — as they arrive — scoring with
//! explanations, candidate retrieval and meeting scheduling. No I/O.

pub mod dimacs;
pub mod mcf;
pub mod stable;

use domain::industry::is_convergence;

/// Whether a startup's industries and a partner's count as a convergence pair under
/// the program's policy.
pub fn is_cross_industry(
    startup: &[String],
    partner: &[String],
    pairs: &[(String, String)],
) -> bool {
    is_convergence(
        startup.iter().map(String::as_str),
        partner.iter().map(String::as_str),
        pairs,
    )
}
