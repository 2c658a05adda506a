//! A whole program as plain entities — organisations and their needs, clusters,
//! overseas centers, events with their registrations and meeting requests, matching
//! rounds with their matches and outcomes, centers' admissions — and the use case that
//! loads one into an empty database through the same store paths an import takes.

use chrono::NaiveDate;
use domain::overseas::CenterOutcome;
use domain::records::RecordKind;
use domain::{
    ApplicationStatus, Center, Cluster, Enterprise, Event, Match, MatchingRound, Need, Outcome,
    RequestStatus, Startup,
};
use store::Record;

use crate::principal::Principal;
use crate::{App, AppError, Counts, Result, StoreError};

/// A whole program, in memory.
#[derive(Debug, Clone, Default)]
pub struct Program {
    pub startups: Vec<Startup>,
    pub enterprises: Vec<Enterprise>,
    pub needs: Vec<Need>,
    pub clusters: Vec<Cluster>,
    pub centers: Vec<Center>,
    pub events: Vec<Event>,
    pub registrations: Vec<EventRegistration>,
    pub unavailable: Vec<UnavailableSlots>,
    pub rounds: Vec<MatchingRound>,
    /// Each with its history; the outcomes below move them no further.
    pub matches: Vec<Match>,
    pub outcomes: Vec<Outcome>,
    pub meeting_requests: Vec<MeetingRequestRecord>,
    pub center_applications: Vec<CenterApplicationRecord>,
    pub center_outcomes: Vec<CenterOutcome>,
}

/// A startup or enterprise registered for an event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRegistration {
    pub event: String,
    /// `startup` or `enterprise`.
    pub side: String,
    /// The startup's or enterprise's id.
    pub org: String,
}

/// Slots (from 0) of an event that a registered startup or enterprise cannot make.
#[derive(Debug, Clone, PartialEq)]
pub struct UnavailableSlots {
    pub event: String,
    /// `startup` or `enterprise`.
    pub side: String,
    pub org: String,
    pub slots: Vec<i32>,
}

/// A request for a 1:1 meeting at an event and its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRequestRecord {
    pub event: String,
    pub startup: String,
    pub enterprise: String,
    /// `startup` or `enterprise`: the side that asked.
    pub requested_by: String,
    pub status: RequestStatus,
    /// The engine's fit for the pair.
    pub fit: f64,
}

/// An application to an overseas center and the center's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct CenterApplicationRecord {
    pub center: String,
    pub startup: String,
    pub markets: Vec<String>,
    pub plan: Option<String>,
    pub applied_on: NaiveDate,
    pub status: ApplicationStatus,
    /// When a decided application was decided (its application day when `None`).
    pub decided_on: Option<NaiveDate>,
}

impl App {
    /// Writes `records` of `kind` in one import batch, numbered as the rows of a file
    /// (from 2, after its header); the first refused row is an error.
    pub(crate) async fn load_records(
        &self,
        kind: RecordKind,
        records: Vec<Record>,
        actor: &str,
    ) -> Result<()> {
        let numbered: Vec<(u64, store::Incoming)> = records
            .into_iter()
            .enumerate()
            .map(|(i, r)| (i as u64 + 2, r.into()))
            .collect();
        let res = self
            .store
            .records()
            .import_batch(kind, numbered, actor)
            .await?;
        match res.rejected.first() {
            Some((row, e)) => Err(AppError::Conflict(format!(
                "{} row {row}: {e}",
                kind.as_str()
            ))),
            None => Ok(()),
        }
    }
}

impl crate::records::Records<'_> {
    /// Loads `program` into a database that holds no startups, enterprises or needs yet,
    /// as `actor`; `source` says where the program comes from (a file, a generator and
    /// its seed) for the audit log. Organisations, needs and outcomes go through the
    /// import's batches, the rest through the store's own writes; the search index
    /// follows before it returns. `progress` is told each step. Answers what the
    /// database then holds.
    pub async fn load_program(
        self,
        who: impl Into<Principal<'_>>,
        program: &Program,
        source: &str,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<Counts> {
        let who = who.into();
        who.require_program_manager("load a program")?;
        let actor = who.audit_name();
        let held = self.app.store.counts().await?;
        if held.startups + held.enterprises + held.needs > 0 {
            return Err(AppError::Conflict(format!(
                "the database already holds a program ({} startups, {} enterprises, {} needs); a program loads into an empty one",
                held.startups, held.enterprises, held.needs
            )));
        }
        let p = program;
        let organisations: [(RecordKind, Vec<Record>); 3] = [
            (
                RecordKind::Startups,
                p.startups.iter().cloned().map(Record::Startup).collect(),
            ),
            (
                RecordKind::Enterprises,
                p.enterprises
                    .iter()
                    .cloned()
                    .map(Record::Enterprise)
                    .collect(),
            ),
            (
                RecordKind::Needs,
                p.needs.iter().cloned().map(Record::Need).collect(),
            ),
        ];
        for (kind, records) in organisations {
            progress(&format!("writing {}", kind.as_str()));
            self.app.load_records(kind, records, actor).await?;
        }
        progress("writing clusters, centers and events");
        for c in &p.clusters {
            self.app.store.clusters().upsert_cluster(c).await?;
        }
        for c in &p.centers {
            self.app.store.centers().upsert_center(c).await?;
        }
        for e in &p.events {
            self.app.store.forum().upsert_event(e).await?;
        }
        for r in &p.registrations {
            self.app
                .store
                .forum()
                .register(&r.event, &r.side, &r.org)
                .await?;
        }
        for u in &p.unavailable {
            self.app
                .store
                .forum()
                .set_unavailable(&u.event, &u.side, &u.org, &u.slots)
                .await?;
        }
        progress("writing matching rounds and matches");
        for r in &p.rounds {
            self.app.store.rounds().create_round(r).await?;
        }
        self.app.store.pipeline().insert_matches(&p.matches).await?;
        progress("writing outcomes");
        let outcomes = p.outcomes.iter().cloned().map(Record::Outcome).collect();
        self.app
            .load_records(RecordKind::Outcomes, outcomes, actor)
            .await?;
        progress("writing meeting requests");
        let requests: Vec<_> = p
            .meeting_requests
            .iter()
            .map(|m| {
                (
                    m.event.as_str(),
                    m.startup.as_str(),
                    m.enterprise.as_str(),
                    m.requested_by.as_str(),
                    m.status,
                    m.fit,
                )
            })
            .collect();
        self.app
            .store
            .forum()
            .seed_meeting_requests(&requests, actor)
            .await?;
        progress("writing overseas centers' applications and outcomes");
        for a in &p.center_applications {
            let refused = |e: StoreError| match e {
                StoreError::Refused(e) => AppError::Conflict(format!(
                    "application of {} to {}: {}",
                    a.startup, a.center, e.reason
                )),
                e => e.into(),
            };
            let id = self
                .app
                .store
                .centers()
                .apply_to_center(
                    &a.center,
                    &a.startup,
                    &a.markets,
                    a.plan.as_deref(),
                    a.applied_on,
                )
                .await
                .map_err(refused)?;
            if a.status != ApplicationStatus::Applied {
                let on = a.decided_on.unwrap_or(a.applied_on);
                self.app
                    .store
                    .centers()
                    .decide_application(id, a.status, on, actor)
                    .await
                    .map_err(refused)?;
            }
        }
        for o in &p.center_outcomes {
            self.app
                .store
                .centers()
                .record_center_outcome(o, domain::OnExisting::Replace, actor)
                .await
                .map_err(|e| match e {
                    StoreError::Refused(e) => AppError::Conflict(format!(
                        "outcome of {} at {}: {}",
                        o.startup_id, o.center, e.reason
                    )),
                    e => e.into(),
                })?;
        }
        progress("indexing for search");
        self.app.discovery().sync_search().await?;
        let counts = self.app.store.counts().await?;
        self.app
            .store
            .audit(
                actor,
                "program.load",
                "program",
                source,
                serde_json::json!({"source": source, "counts": &counts}),
            )
            .await?;
        Ok(counts)
    }
}
