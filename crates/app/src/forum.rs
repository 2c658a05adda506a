//! Events' 1:1 meetings for each role: registering, asking to meet, answering, stating
//! availability, scheduling (the organiser, or the CLI) and each participant's agenda,
//! also as an iCalendar file.

use domain::forum::{MeetingRequest, Participant, ScheduleStats};
use domain::korean::{Particle, with_particle};
use domain::{Event, Registration, RequestStatus, Role, User};
use schedule::{Place, Problem, Request};
use std::collections::HashMap;
use store::MatchFilter;

use crate::authz::may_see_private;
use crate::principal::Principal;
use crate::{App, AppError, Result, StoreError};

/// Which organisation a member acts for at an event: `("startup", id)` or
/// `("enterprise", id)`; None for other roles.
pub fn member_org(user: &User) -> Option<(&'static str, &str)> {
    match user.role {
        Role::StartupMember => user.startup_id.as_deref().map(|s| ("startup", s)),
        Role::EnterpriseMember => user.enterprise_id.as_deref().map(|e| ("enterprise", e)),
        _ => None,
    }
}

fn org_or_forbidden(user: &User) -> Result<(&'static str, &str)> {
    member_org(user).ok_or_else(|| {
        AppError::Forbidden(format!(
            "only startup and enterprise members take part in events; {} is a {}",
            user.email,
            user.role.as_str()
        ))
    })
}

/// One meeting in a participant's agenda.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaItem {
    pub request_id: domain::MeetingRequestId,
    pub slot: i32,
    pub table: i32,
    /// Local start and end, `YYYY-MM-DDTHH:MM`.
    pub starts: String,
    pub ends: String,
    pub with_id: String,
    pub with_name: String,
}

/// Korea Standard Time has no daylight saving: local = UTC + 9 h.
const KST_OFFSET_HOURS: i64 = 9;

impl App {
    pub(crate) async fn participants(&self, event: &str) -> Result<Vec<Participant>> {
        self.forum().get(&domain::EventCode::from(event)).await?;
        Ok(self.store.forum().participants(event).await?)
    }
}

/// The agenda as an iCalendar file (times in UTC, one VEVENT per meeting).
pub fn agenda_ics(ev: &Event, items: &[AgendaItem], english: bool) -> String {
    use icalendar::{Calendar, Component, EventLike};
    let title = if english { &ev.title_en } else { &ev.title_ko };
    let mut cal = Calendar::new();
    cal.name(title);
    for it in items {
        let (start, end) = ev.slot_span(it.slot);
        let utc =
            |t: chrono::NaiveDateTime| (t - chrono::Duration::hours(KST_OFFSET_HOURS)).and_utc();
        let table = it.table + 1;
        let summary = if english {
            format!("1:1 meeting with {} (table {table})", it.with_name)
        } else {
            format!("{} 1:1 미팅 (테이블 {table})", it.with_name)
        };
        let mut e = icalendar::Event::new();
        e.uid(&format!(
            "innobridge-{}-{}@innobridge",
            ev.code, it.request_id
        ))
        .summary(&summary)
        .description(title)
        .starts(utc(start))
        .ends(utc(end));
        if let Some(v) = ev.venue.as_deref().or(ev.online_url.as_deref()) {
            e.location(v);
        }
        cal.push(e.done());
    }
    cal.done().to_string()
}

/// Forum events: registrations, meeting requests and their answers, the schedule and each participant's agenda.
#[derive(Clone, Copy)]
pub struct Forum<'a> {
    pub(crate) app: &'a App,
}

impl Forum<'_> {
    /// An event's participants as `viewer` may see them: each organisation's
    /// unavailable slots only for program managers and the organisation itself.
    pub async fn participants(
        self,
        viewer: Option<&User>,
        event: &domain::EventCode,
    ) -> Result<Vec<domain::forum::Participant>> {
        let mut all = self.app.participants(event).await?;
        for p in &mut all {
            if !may_see_private(viewer, &p.side, &p.id) {
                p.unavailable.clear();
            }
        }
        Ok(all)
    }

    pub async fn get(self, code: &domain::EventCode) -> Result<Event> {
        self.app
            .store
            .forum()
            .event(code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no event '{code}'")))
    }

    /// Creates or updates an event (program managers).
    pub async fn save(self, who: impl Into<Principal<'_>>, e: &Event) -> Result<()> {
        who.into().require_program_manager("create events")?;
        e.validate()?;
        Ok(self.app.store.forum().upsert_event(e).await?)
    }

    /// Registers the member's organisation (a program manager names one).
    pub async fn register(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
        org: Option<(&str, &str)>,
    ) -> Result<Registration> {
        let user = who.into().person("Forum::register")?;
        self.app.forum().get(event).await?;
        let (side, id) = match (user.role, org) {
            (Role::Admin, Some(o)) => o,
            _ => org_or_forbidden(user)?,
        };
        self.app
            .store
            .forum()
            .register(event, side, id)
            .await
            .map_err(AppError::from)
    }

    /// Cancels the member's registration. Its open and accepted meeting requests at the
    /// event are withdrawn, and the other side of each accepted one hears of it.
    pub async fn cancel_registration(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
    ) -> Result<()> {
        let user = who.into().person("Forum::cancel_registration")?;
        let ev = self.app.forum().get(event).await?;
        let (side, id) = org_or_forbidden(user)?;
        let withdrawn = self
            .app
            .store
            .forum()
            .cancel_registration(event, side, id, &user.email)
            .await?;
        let link = format!("/events/{event}");
        for r in withdrawn
            .iter()
            .filter(|r| r.status == RequestStatus::Accepted)
        {
            let who = if side == "startup" {
                &r.startup_name
            } else {
                &r.enterprise_name
            };
            let ko = format!(
                "{} '{}' 참가를 취소하여 1:1 미팅이 취소되었습니다.",
                with_particle(who, Particle::Subject),
                ev.title_ko
            );
            let en = format!(
                "{who} cancelled its place at '{}'; your 1:1 meeting with it is off.",
                ev.title_en
            );
            if side == "startup" {
                self.app
                    .inbox()
                    .notify_enterprise(&r.enterprise_id, "meeting.cancelled", (&ko, &en), &link)
                    .await?;
            } else {
                self.app
                    .inbox()
                    .notify_startup(&r.startup_id, "meeting.cancelled", (&ko, &en), &link)
                    .await?;
            }
        }
        Ok(())
    }

    /// Sets the slots the member's organisation cannot make.
    pub async fn set_unavailable(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
        slots: &[i32],
    ) -> Result<()> {
        let user = who.into().person("Forum::set_unavailable")?;
        let ev = self.app.forum().get(event).await?;
        let (side, id) = org_or_forbidden(user)?;
        if let Some(bad) = slots.iter().find(|&&s| s < 0 || s >= ev.slots) {
            return Err(AppError::Conflict(format!(
                "slot {bad} is not one of the event's {} slots",
                ev.slots
            )));
        }
        if self
            .app
            .store
            .forum()
            .set_unavailable(event, side, id, slots)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::Conflict(format!(
                "register for '{event}' before stating availability"
            )))
        }
    }

    /// The member asks to meet `with` (an enterprise for a startup, a startup for an
    /// enterprise); the pair's best match score the parties may see (published
    /// proposals and matches outside rounds) is the meeting's fit.
    pub async fn request_meeting(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
        with: &str,
        note: Option<&str>,
    ) -> Result<domain::MeetingRequestId> {
        let user = who.into().person("Forum::request_meeting")?;
        if let Some(note) = note {
            domain::text::check_prose("note", note, domain::records::MAX_NOTE)?;
        }
        self.app.forum().get(event).await?;
        let (side, id) = org_or_forbidden(user)?;
        let (startup, enterprise) = if side == "startup" {
            (id, with)
        } else {
            (with, id)
        };
        let fit = self
            .app
            .store
            .pipeline()
            .matches_where(&MatchFilter {
                startup: Some(startup.into()),
                enterprise: Some(enterprise.into()),
                // a round's scores stay with program managers until it is published
                published_only: true,
                ..Default::default()
            })
            .await?
            .iter()
            .map(|m| m.score)
            .fold(0.0, f64::max);
        match self
            .app
            .store
            .forum()
            .request_meeting(event, startup, enterprise, side, fit, note)
            .await
        {
            Err(StoreError::Refused(e)) => Err(AppError::Conflict(e.reason)),
            done => Ok(done?),
        }
    }

    /// Requests the user may see: every request for a program manager, its own
    /// organisation's for a member.
    pub async fn meeting_requests(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
    ) -> Result<Vec<MeetingRequest>> {
        let user = who.into().person("Forum::meeting_requests")?;
        self.app.forum().get(event).await?;
        if user.role == Role::Admin {
            return Ok(self.app.store.forum().meeting_requests(event, None).await?);
        }
        let org = org_or_forbidden(user)?;
        Ok(self
            .app
            .store
            .forum()
            .meeting_requests(event, Some(org))
            .await?)
    }

    /// Accepts, declines (the asked side) or withdraws (the asking side) a request.
    pub async fn answer_meeting(
        self,
        who: impl Into<Principal<'_>>,
        id: domain::MeetingRequestId,
        to: RequestStatus,
    ) -> Result<MeetingRequest> {
        let user = who.into().person("Forum::answer_meeting")?;
        let not_found = || AppError::NotFound(format!("no meeting request {id}"));
        let r = self
            .app
            .store
            .forum()
            .meeting_request(id)
            .await?
            .ok_or_else(not_found)?;
        let mine = |side: &str| match member_org(user) {
            Some(("startup", s)) => side == "startup" && s == r.startup_id,
            Some((_, e)) => side == "enterprise" && e == r.enterprise_id,
            None => false,
        };
        if user.role != Role::Admin && !mine("startup") && !mine("enterprise") {
            return Err(not_found());
        }
        let allowed = match to {
            RequestStatus::Accepted | RequestStatus::Declined => {
                user.role == Role::Admin || mine(r.answering_side())
            }
            RequestStatus::Withdrawn => user.role == Role::Admin || mine(&r.requested_by),
            RequestStatus::Requested => false,
        };
        if !allowed {
            return Err(AppError::Forbidden(format!(
                "{} may not mark this request {}: the asked side accepts or declines, the asking side withdraws",
                user.email,
                to.as_str()
            )));
        }
        if r.status == to {
            return Ok(r);
        }
        if r.status != RequestStatus::Requested
            && !(r.status == RequestStatus::Accepted && to != RequestStatus::Accepted)
        {
            return Err(AppError::Conflict(format!(
                "the request is already {}",
                r.status.as_str()
            )));
        }
        self.app
            .store
            .forum()
            .set_request_status(id, to, &user.email)
            .await?;
        self.app
            .store
            .forum()
            .meeting_request(id)
            .await?
            .ok_or_else(not_found)
    }

    /// Schedules an event as a program manager.
    /// Places the event's accepted requests into slots and tables (keeping earlier
    /// places where they still hold) and saves the schedule.
    #[tracing::instrument(skip_all, fields(event = event.as_str()))]
    pub async fn schedule(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
    ) -> Result<ScheduleStats> {
        let who = who.into();
        who.require_program_manager("schedule an event's meetings")?;
        let actor = who.audit_name();
        let ev = self.app.forum().get(event).await?;
        let requests: Vec<MeetingRequest> = self
            .app
            .store
            .forum()
            .meeting_requests(event, None)
            .await?
            .into_iter()
            .filter(|r| r.status == RequestStatus::Accepted)
            .collect();
        let participants = self.app.store.forum().participants(event).await?;
        let mut index: HashMap<(&str, &str), u32> = HashMap::new();
        let mut available = Vec::new();
        let all = if ev.slots >= 64 {
            u64::MAX
        } else {
            (1u64 << ev.slots) - 1
        };
        for p in &participants {
            index.insert((p.side.as_str(), p.id.as_str()), available.len() as u32);
            let busy = p
                .unavailable
                .iter()
                .filter(|&&s| (0..64).contains(&s))
                .fold(0u64, |m, &s| m | 1 << s);
            // A waitlisted or cancelled participant cannot be met.
            available.push(if p.status == Registration::Registered {
                all & !busy
            } else {
                0
            });
        }
        let mut placed_ids = Vec::new();
        let mut problem_requests = Vec::new();
        for r in &requests {
            let (Some(&a), Some(&b)) = (
                index.get(&("startup", r.startup_id.as_str())),
                index.get(&("enterprise", r.enterprise_id.as_str())),
            ) else {
                continue;
            };
            placed_ids.push(r.id);
            problem_requests.push(Request {
                a,
                b,
                fit: r.fit,
                previous: r.slot.zip(r.table).map(|(s, t)| Place {
                    slot: s as u16,
                    table: t as u16,
                }),
            });
        }
        let problem = Problem {
            participants: available.len(),
            slots: ev.slots.max(0) as usize,
            tables: ev.tables.max(0) as usize,
            available,
            requests: problem_requests,
        };
        let s = schedule::schedule(&problem).map_err(|e| AppError::Conflict(e.to_string()))?;
        let stats = ScheduleStats {
            requested: requests.len(),
            placed: s.placed,
            upper_bound: s.upper_bound,
            double_booked: 0, // counted by the store in what it saved
            moved: s.moved,
        };
        let mut places: Vec<store::Placement> = placed_ids
            .iter()
            .zip(&s.places)
            .map(|(&id, p)| (id, p.map(|p| (i32::from(p.slot), i32::from(p.table)))))
            .collect();
        // Accepted requests whose participant is no longer registered lose their place.
        places.extend(
            requests
                .iter()
                .filter(|r| !placed_ids.contains(&r.id))
                .map(|r| (r.id, None)),
        );
        let stats = self
            .app
            .store
            .forum()
            .save_schedule(event, &places, &stats, actor)
            .await?;
        // everyone with a meeting placed hears that the agenda is ready
        let link = format!("/events/{event}/agenda");
        let (ko, en) = (
            format!("'{}' 1:1 미팅 일정이 확정되었습니다.", ev.title_ko),
            format!("Your 1:1 meetings at '{}' are scheduled.", ev.title_en),
        );
        let mut told = std::collections::HashSet::new();
        for r in &requests {
            let placed = places.iter().any(|(id, p)| *id == r.id && p.is_some());
            if !placed {
                continue;
            }
            if told.insert(("startup", r.startup_id.to_string())) {
                self.app
                    .inbox()
                    .notify_startup(&r.startup_id, "meeting.scheduled", (&ko, &en), &link)
                    .await?;
            }
            if told.insert(("enterprise", r.enterprise_id.to_string())) {
                self.app
                    .inbox()
                    .notify_enterprise(&r.enterprise_id, "meeting.scheduled", (&ko, &en), &link)
                    .await?;
            }
        }
        Ok(stats)
    }

    pub async fn schedule_stats(self, event: &domain::EventCode) -> Result<Option<ScheduleStats>> {
        Ok(self.app.store.forum().schedule_stats(event).await?)
    }

    /// The member's scheduled meetings at an event, in time order.
    pub async fn agenda(
        self,
        who: impl Into<Principal<'_>>,
        event: &domain::EventCode,
    ) -> Result<(Event, Vec<AgendaItem>)> {
        let user = who.into().person("Forum::agenda")?;
        let ev = self.app.forum().get(event).await?;
        let (side, _) = org_or_forbidden(user)?;
        let items = self
            .app
            .forum()
            .meeting_requests(user, event)
            .await?
            .into_iter()
            .filter(|r| r.status == RequestStatus::Accepted)
            .filter_map(|r| {
                let (slot, table) = r.slot.zip(r.table)?;
                let (start, end) = ev.slot_span(slot);
                let (with_id, with_name) = if side == "startup" {
                    (r.enterprise_id.into_string(), r.enterprise_name)
                } else {
                    (r.startup_id.into_string(), r.startup_name)
                };
                Some(AgendaItem {
                    request_id: r.id,
                    slot,
                    table,
                    starts: start.format("%Y-%m-%dT%H:%M").to_string(),
                    ends: end.format("%Y-%m-%dT%H:%M").to_string(),
                    with_id,
                    with_name,
                })
            })
            .collect::<Vec<_>>();
        let mut items = items;
        items.sort_by_key(|i| i.slot);
        Ok((ev, items))
    }

    /// The program's events (forums, demo days, meetups).
    pub async fn list(self) -> Result<Vec<domain::Event>> {
        Ok(self.app.store.forum().events().await?)
    }
}
