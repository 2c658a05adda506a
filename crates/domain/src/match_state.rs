//! A match's life as a state machine: proposed → accepted by one side → accepted by both
//! → meeting → NDA → PoC → cooperation → investment → acquisition, or declined /
//! withdrawn. Illegal moves are refused with a reason; every move is dated and attributed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::kinds::OutcomeKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MatchStatus {
    Proposed,
    AcceptedByStartup,
    AcceptedByEnterprise,
    Accepted,
    Meeting,
    Nda,
    Poc,
    Cooperation,
    Investment,
    Acquisition,
    Declined,
    Withdrawn,
}

/// Which party acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Side {
    Startup,
    Enterprise,
    /// The program office (admins) and the system acting for it.
    Program,
}

/// Who acts: the side, and the user (or process) to attribute the move to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub side: Side,
    pub user: String,
}

impl Actor {
    pub fn new(side: Side, user: impl Into<String>) -> Self {
        Self {
            side,
            user: user.into(),
        }
    }
}

/// What an actor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "action", content = "stage")]
pub enum Action {
    Accept,
    Decline,
    Withdraw,
    /// Move forward in the pipeline to a stage (meeting … acquisition).
    Advance(MatchStatus),
}

/// One dated, attributed move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChange {
    pub from: MatchStatus,
    pub to: MatchStatus,
    pub at: DateTime<Utc>,
    pub by: String,
    pub side: Side,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot go from {from} to {attempted}: {reason}")]
pub struct TransitionError {
    pub from: MatchStatus,
    pub attempted: String,
    pub reason: String,
}

const PIPELINE: [MatchStatus; 6] = [
    MatchStatus::Meeting,
    MatchStatus::Nda,
    MatchStatus::Poc,
    MatchStatus::Cooperation,
    MatchStatus::Investment,
    MatchStatus::Acquisition,
];

impl MatchStatus {
    pub const ALL: [MatchStatus; 12] = [
        MatchStatus::Proposed,
        MatchStatus::AcceptedByStartup,
        MatchStatus::AcceptedByEnterprise,
        MatchStatus::Accepted,
        MatchStatus::Meeting,
        MatchStatus::Nda,
        MatchStatus::Poc,
        MatchStatus::Cooperation,
        MatchStatus::Investment,
        MatchStatus::Acquisition,
        MatchStatus::Declined,
        MatchStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Proposed => "proposed",
            MatchStatus::AcceptedByStartup => "accepted-by-startup",
            MatchStatus::AcceptedByEnterprise => "accepted-by-enterprise",
            MatchStatus::Accepted => "accepted",
            MatchStatus::Meeting => "meeting",
            MatchStatus::Nda => "nda",
            MatchStatus::Poc => "poc",
            MatchStatus::Cooperation => "cooperation",
            MatchStatus::Investment => "investment",
            MatchStatus::Acquisition => "acquisition",
            MatchStatus::Declined => "declined",
            MatchStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, crate::ValidationError> {
        let f = crate::kinds::fold(s);
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == f)
            .ok_or_else(|| {
                crate::ValidationError::new(format!(
                    "'{s}' is not a match status; allowed: {}",
                    Self::ALL.map(|m| m.as_str()).join(", ")
                ))
            })
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            MatchStatus::Proposed => "제안됨",
            MatchStatus::AcceptedByStartup => "스타트업 수락",
            MatchStatus::AcceptedByEnterprise => "기업 수락",
            MatchStatus::Accepted => "양측 수락",
            MatchStatus::Meeting => "미팅",
            MatchStatus::Nda => "NDA 체결",
            MatchStatus::Poc => "PoC",
            MatchStatus::Cooperation => "기술협력",
            MatchStatus::Investment => "투자",
            MatchStatus::Acquisition => "인수",
            MatchStatus::Declined => "거절됨",
            MatchStatus::Withdrawn => "철회됨",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MatchStatus::Proposed => "Proposed",
            MatchStatus::AcceptedByStartup => "Accepted by the startup",
            MatchStatus::AcceptedByEnterprise => "Accepted by the enterprise",
            MatchStatus::Accepted => "Accepted by both",
            MatchStatus::Meeting => "Meeting",
            MatchStatus::Nda => "NDA signed",
            MatchStatus::Poc => "PoC",
            MatchStatus::Cooperation => "Technical cooperation",
            MatchStatus::Investment => "Investment",
            MatchStatus::Acquisition => "Acquisition",
            MatchStatus::Declined => "Declined",
            MatchStatus::Withdrawn => "Withdrawn",
        }
    }

    /// Declined and withdrawn end a match; acquisition completes it.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            MatchStatus::Declined | MatchStatus::Withdrawn | MatchStatus::Acquisition
        )
    }

    /// Both sides have accepted (and so the pair counts as matched).
    pub fn is_accepted(self) -> bool {
        self == MatchStatus::Accepted || self.pipeline_rank().is_some()
    }

    /// The stage a match under way moves on to next (accepted → meeting → … →
    /// acquisition), None when it is not under way or is at the end.
    pub fn next_stage(self) -> Option<MatchStatus> {
        match self {
            MatchStatus::Accepted => Some(PIPELINE[0]),
            s => PIPELINE.get(s.pipeline_rank()? + 1).copied(),
        }
    }

    /// The position among the pipeline stages (meeting first), None before and outside it.
    pub fn pipeline_rank(self) -> Option<usize> {
        PIPELINE.iter().position(|s| *s == self)
    }

    /// The pipeline stage an outcome of `kind` stands for.
    pub fn for_outcome(kind: OutcomeKind) -> MatchStatus {
        match kind {
            OutcomeKind::Meeting => MatchStatus::Meeting,
            OutcomeKind::Nda => MatchStatus::Nda,
            OutcomeKind::Poc => MatchStatus::Poc,
            OutcomeKind::Cooperation => MatchStatus::Cooperation,
            OutcomeKind::Investment => MatchStatus::Investment,
            OutcomeKind::Acquisition => MatchStatus::Acquisition,
        }
    }

    /// The status after `action` by `side`, or why it is refused.
    pub fn apply(self, action: Action, side: Side) -> Result<MatchStatus, TransitionError> {
        use MatchStatus::*;
        let refuse = |attempted: &str, reason: &str| TransitionError {
            from: self,
            attempted: attempted.to_string(),
            reason: reason.to_string(),
        };
        if self.is_terminal() {
            let why = match self {
                Declined => "the match was declined",
                Withdrawn => "the match was withdrawn",
                _ => "the match is complete (acquisition)",
            };
            return Err(refuse(action.name(), why));
        }
        match action {
            Action::Accept => match (self, side) {
                (_, Side::Program) => Err(refuse(
                    "accepted",
                    "only the startup or the enterprise can accept a proposal",
                )),
                (Proposed, Side::Startup) => Ok(AcceptedByStartup),
                (Proposed, Side::Enterprise) => Ok(AcceptedByEnterprise),
                (AcceptedByEnterprise, Side::Startup) | (AcceptedByStartup, Side::Enterprise) => {
                    Ok(Accepted)
                }
                (AcceptedByStartup, Side::Startup) => {
                    Err(refuse("accepted", "the startup has already accepted"))
                }
                (AcceptedByEnterprise, Side::Enterprise) => {
                    Err(refuse("accepted", "the enterprise has already accepted"))
                }
                _ => Err(refuse("accepted", "both sides have already accepted")),
            },
            Action::Decline => match (self, side) {
                (_, Side::Program) => Err(refuse(
                    "declined",
                    "only the startup or the enterprise can decline; the program withdraws",
                )),
                (Proposed | AcceptedByStartup | AcceptedByEnterprise, _) => Ok(Declined),
                _ => Err(refuse(
                    "declined",
                    "both sides have accepted; withdraw the match instead",
                )),
            },
            Action::Withdraw => match self {
                Investment => Err(refuse(
                    "withdrawn",
                    "an investment was made; record an outcome instead of withdrawing",
                )),
                _ => Ok(Withdrawn),
            },
            Action::Advance(to) => {
                let Some(to_rank) = to.pipeline_rank() else {
                    return Err(refuse(
                        to.as_str(),
                        "only pipeline stages (meeting, nda, poc, cooperation, investment, acquisition) can be advanced to",
                    ));
                };
                match self.pipeline_rank() {
                    None if self == Accepted => Ok(to),
                    None => Err(refuse(
                        to.as_str(),
                        "both sides must accept the match first",
                    )),
                    Some(r) if to_rank > r => Ok(to),
                    Some(_) => Err(refuse(
                        to.as_str(),
                        "a match only moves forward in the pipeline",
                    )),
                }
            }
        }
    }
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Accept => "accepted",
            Action::Decline => "declined",
            Action::Withdraw => "withdrawn",
            Action::Advance(s) => s.as_str(),
        }
    }
}

impl std::fmt::Display for MatchStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::Match {
    /// Applies `action` by `actor` at `at`, recording the move in the history.
    pub fn apply(
        &mut self,
        action: Action,
        actor: &Actor,
        at: DateTime<Utc>,
        note: Option<String>,
    ) -> Result<&StatusChange, TransitionError> {
        let to = self.status.apply(action, actor.side)?;
        self.history.push(StatusChange {
            from: self.status,
            to,
            at,
            by: actor.user.clone(),
            side: actor.side,
            note,
        });
        self.status = to;
        Ok(self.history.last().expect("just pushed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MatchStatus::*;

    const SIDES: [Side; 3] = [Side::Startup, Side::Enterprise, Side::Program];

    fn actions() -> Vec<Action> {
        let mut a = vec![Action::Accept, Action::Decline, Action::Withdraw];
        a.extend(MatchStatus::ALL.map(Action::Advance));
        a
    }

    /// The legal moves, written out by hand as the specification; every other
    /// (state, action, side) must be refused.
    fn legal(from: MatchStatus, action: Action, side: Side) -> Option<MatchStatus> {
        let pipeline = [Meeting, Nda, Poc, Cooperation, Investment, Acquisition];
        let rank = |s: MatchStatus| pipeline.iter().position(|p| *p == s);
        match (from, action, side) {
            (Proposed, Action::Accept, Side::Startup) => Some(AcceptedByStartup),
            (Proposed, Action::Accept, Side::Enterprise) => Some(AcceptedByEnterprise),
            (AcceptedByStartup, Action::Accept, Side::Enterprise) => Some(Accepted),
            (AcceptedByEnterprise, Action::Accept, Side::Startup) => Some(Accepted),
            (Proposed | AcceptedByStartup | AcceptedByEnterprise, Action::Decline, s)
                if s != Side::Program =>
            {
                Some(Declined)
            }
            (
                Proposed | AcceptedByStartup | AcceptedByEnterprise | Accepted | Meeting | Nda
                | Poc | Cooperation,
                Action::Withdraw,
                _,
            ) => Some(Withdrawn),
            (Accepted, Action::Advance(to), _) if rank(to).is_some() => Some(to),
            (f, Action::Advance(to), _) if rank(f).is_some() && rank(to) > rank(f) => Some(to),
            _ => None,
        }
    }

    #[test]
    fn next_stages_follow_the_pipeline_and_each_is_a_legal_move() {
        use MatchStatus::*;
        let mut at = Accepted;
        let mut seen = vec![];
        while let Some(next) = at.next_stage() {
            assert!(
                at.apply(Action::Advance(next), Side::Enterprise).is_ok(),
                "{at:?} → {next:?}"
            );
            seen.push(next);
            at = next;
        }
        assert_eq!(
            seen,
            [Meeting, Nda, Poc, Cooperation, Investment, Acquisition]
        );
        assert_eq!(Proposed.next_stage(), None);
        assert_eq!(Declined.next_stage(), None);
    }

    #[test]
    fn every_move_outside_the_specification_is_refused_with_a_reason() {
        let mut legal_count = 0;
        for from in MatchStatus::ALL {
            for action in actions() {
                for side in SIDES {
                    let got = from.apply(action, side);
                    match legal(from, action, side) {
                        Some(to) => {
                            legal_count += 1;
                            assert_eq!(got, Ok(to), "{from:?} {action:?} {side:?}");
                        }
                        None => {
                            let e = got.expect_err(&format!(
                                "{from:?} {action:?} {side:?} must be refused"
                            ));
                            assert!(!e.reason.is_empty());
                            assert!(e.to_string().starts_with(&format!("cannot go from {from}")));
                        }
                    }
                }
            }
        }
        assert!(legal_count > 40, "the table allows {legal_count} moves");
    }

    #[test]
    fn a_full_life_is_dated_and_attributed() {
        let mut m = crate::Match {
            startup_id: "s1".into(),
            need_id: "n1".into(),
            round: Some("2024-spring".into()),
            score: 0.8,
            reasons: vec![],
            origin: crate::MatchOrigin::Engine,
            status: Proposed,
            history: vec![],
        };
        let s = Actor::new(Side::Startup, "ceo@startup.kr");
        let e = Actor::new(Side::Enterprise, "oi@enterprise.kr");
        let t = |d: u32| {
            DateTime::parse_from_rfc3339(&format!("2024-03-{d:02}T09:00:00Z"))
                .unwrap()
                .to_utc()
        };
        m.apply(Action::Accept, &s, t(1), None).unwrap();
        m.apply(Action::Accept, &e, t(2), None).unwrap();
        m.apply(Action::Advance(Meeting), &e, t(3), None).unwrap();
        m.apply(
            Action::Advance(Poc),
            &e,
            t(10),
            Some("pilot at plant".into()),
        )
        .unwrap();
        let err = m.apply(Action::Advance(Nda), &s, t(11), None).unwrap_err();
        assert!(err.reason.contains("only moves forward"));
        assert_eq!(m.status, Poc);
        assert_eq!(m.history.len(), 4);
        assert_eq!(m.history[1].by, "oi@enterprise.kr");
        assert_eq!(m.history[3].at, t(10));
        assert_eq!(m.history[3].from, Meeting);
    }

    #[test]
    fn statuses_parse_and_accepted_means_both() {
        for s in MatchStatus::ALL {
            assert_eq!(MatchStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(!AcceptedByStartup.is_accepted());
        assert!(Accepted.is_accepted() && Investment.is_accepted());
        assert!(!Declined.is_accepted());
    }
}
