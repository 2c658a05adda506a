//! The matching engine: scoring with explanations, candidate retrieval, assignment
//! under capacities (min-cost flow), stable matching and meeting scheduling. No I/O.
//!
//! The algorithms arrive with the matching issue; what lives here now is the shared
//! vocabulary the app layer already uses, so the dependency direction
//! (domain ← matching ← app) holds from the start.

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
