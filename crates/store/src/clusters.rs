//! Industry clusters and the pairs of industries that count as convergence.

use crate::Store;
/// Industry clusters and the pairs of industries that count as convergence.
#[derive(Clone, Copy)]
pub struct Clusters<'a> {
    pub(crate) store: &'a Store,
}
