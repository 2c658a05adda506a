//! The innobridge domain: the program's entities, their validation rules, the match
//! state machine and the KPI formulas. Pure code: no I/O, no async, no SQL.

pub mod brn;
pub mod dates;
pub mod dedup;
pub mod entities;
pub mod error;
pub mod forum;
pub mod ids;
pub mod industry;
pub mod inputs;
pub mod kinds;
pub mod korean;
pub mod kpi;
pub mod match_state;
pub mod money;
pub mod overseas;
pub mod records;
pub mod screening;
pub mod text;

pub use brn::BusinessRegNo;
pub use entities::*;
pub use error::{FieldError, ValidationError};
pub use ids::{
    ApplicationId, CallCode, CenterApplicationId, CenterCode, ClusterCode, EnterpriseId, EventCode,
    MeetingRequestId, NeedId, ReviewId, StartupId,
};
pub use kinds::*;
pub use match_state::{Actor, MatchStatus, Side, StatusChange, TransitionError};
pub use money::{Currency, FxRates, Money};
