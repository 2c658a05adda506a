//! Events' 1:1 meetings as the rest of the system sees them: who registered, who asked
//! whom, and where the scheduler put each meeting.

use serde::{Deserialize, Serialize};

use crate::kinds::{Registration, RequestStatus};

/// A startup or enterprise registered for an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    /// `startup` or `enterprise`.
    pub side: String,
    pub id: String,
    pub name: String,
    pub industries: Vec<String>,
    pub status: Registration,
    /// Slots (from 0) it cannot make.
    pub unavailable: Vec<i32>,
}

/// A request for a 1:1 meeting at an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingRequest {
    pub id: crate::ids::MeetingRequestId,
    pub event: crate::ids::EventCode,
    pub startup_id: crate::ids::StartupId,
    pub startup_name: String,
    pub enterprise_id: crate::ids::EnterpriseId,
    pub enterprise_name: String,
    /// `startup` or `enterprise`: the side that asked.
    pub requested_by: String,
    pub status: RequestStatus,
    /// The engine's fit for the pair; higher-fit meetings are placed first.
    pub fit: f64,
    pub note: Option<String>,
    pub slot: Option<i32>,
    pub table: Option<i32>,
}

impl MeetingRequest {
    /// The side that answers the request.
    pub fn answering_side(&self) -> &'static str {
        if self.requested_by == "startup" {
            "enterprise"
        } else {
            "startup"
        }
    }
}

/// What the last scheduling run achieved.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleStats {
    pub requested: usize,
    pub placed: usize,
    pub upper_bound: usize,
    /// Meetings that collide in the stored schedule (a participant or a table taken
    /// twice in one slot), counted from the database after the places are saved.
    pub double_booked: usize,
    /// Meetings whose slot or table changed from the previous run.
    pub moved: usize,
}
