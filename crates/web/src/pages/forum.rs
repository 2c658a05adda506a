//! The forum's pages: events, registering, asking for 1:1 meetings and answering them,
//! availability, the organiser's schedule button, and each participant's agenda (also
//! as an iCalendar file).

use std::collections::HashMap;

use app::App;
use app::forum::{AgendaItem, agenda_ics, member_org};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::forum::{MeetingRequest, Participant, ScheduleStats};
use domain::{Event, Registration, RequestStatus};
use serde::Deserialize;

use super::{CsrfForm, Layout, app_error, done, message, need_login, render};
use crate::caller::Caller;
use crate::problem::ApiError;

#[derive(Template)]
#[template(path = "events.html")]
pub struct EventsPage {
    pub l: Layout,
    pub events: Vec<Event>,
}

impl EventsPage {
    pub fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        domain::EventKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.l.t(k.label_ko(), k.label_en())))
            .collect()
    }
}

pub async fn events(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    match app.forum().list().await {
        Ok(mut events) => {
            events.reverse();
            render(&EventsPage {
                l: Layout::new(
                    &caller,
                    &uri,
                    ("행사와 1:1 미팅", "Events and 1:1 meetings"),
                ),
                events,
            })
        }
        Err(e) => app_error(&caller, &uri, e, "/"),
    }
}

#[derive(Deserialize)]
pub struct EventForm {
    #[serde(default)]
    csrf: String,
    code: String,
    kind: String,
    title_ko: String,
    #[serde(default)]
    title_en: String,
    date: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    slot_minutes: String,
    slots: String,
    tables: String,
    capacity: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    online_url: String,
}

impl EventForm {
    /// The event the form describes (the app checks the rules), or which field does not
    /// parse.
    fn event(&self) -> Result<Event, String> {
        let code = self.code.trim();
        let number = |name: &str, v: &str, default: i32| -> Result<i32, String> {
            match v.trim() {
                "" => Ok(default),
                v => v
                    .parse()
                    .map_err(|_| format!("{name}: '{v}' is not a whole number")),
            }
        };
        let text = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
        Ok(Event {
            code: code.into(),
            kind: domain::EventKind::parse(&self.kind).map_err(|e| format!("kind: {e}"))?,
            title_ko: self.title_ko.trim().to_string(),
            title_en: text(&self.title_en).unwrap_or_else(|| self.title_ko.trim().to_string()),
            date: self
                .date
                .trim()
                .parse()
                .map_err(|_| format!("date: '{}' is not a date (YYYY-MM-DD)", self.date))?,
            venue: text(&self.venue),
            online_url: text(&self.online_url),
            slots: number("slots", &self.slots, 0)?,
            tables: number("tables", &self.tables, 0)?,
            capacity: number("capacity", &self.capacity, 0)?,
            starts_at: match self.starts_at.trim() {
                "" => chrono::NaiveTime::from_hms_opt(14, 0, 0).expect("valid"),
                t => chrono::NaiveTime::parse_from_str(t, "%H:%M")
                    .map_err(|_| format!("starts_at: '{t}' is not a time (HH:MM)"))?,
            },
            slot_minutes: number("slot_minutes", &self.slot_minutes, 20)?,
        })
    }
}

/// A program manager creates (or updates) an event.
pub async fn save_event(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<EventForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let ev = match f.event() {
        Ok(ev) => ev,
        Err(m) => return message(&caller, &uri, StatusCode::BAD_REQUEST, &m, "/events"),
    };
    match app.forum().save(&s.user, &ev).await {
        Ok(()) => done(
            &format!("/events/{}", ev.code),
            caller.lang.t("행사를 저장했습니다", "Event saved"),
        ),
        Err(e) => app_error(&caller, &uri, e, "/events"),
    }
}

#[derive(Template)]
#[template(path = "event.html")]
pub struct EventPage {
    pub l: Layout,
    pub ev: Event,
    pub registered: usize,
    pub waitlisted: usize,
    /// The caller's organisation's registration, if it is a member.
    pub mine: Option<Participant>,
    pub member: bool,
    /// Registered participants of the other side, filtered by industry.
    pub others: Vec<Participant>,
    pub industry: String,
    pub industries: Vec<String>,
    /// Participants of the other side the caller's organisation has a match with.
    pub matched: std::collections::HashSet<String>,
    pub incoming: Vec<MeetingRequest>,
    pub outgoing: Vec<MeetingRequest>,
    /// Every request (program managers).
    pub all: Vec<MeetingRequest>,
    pub stats: Option<ScheduleStats>,
    pub slot_times: Vec<String>,
}

impl EventPage {
    pub fn registration(&self, r: &Registration) -> &'static str {
        self.l.t(r.label_ko(), r.label_en())
    }
    pub fn request_status(&self, r: &RequestStatus) -> &'static str {
        self.l.t(r.label_ko(), r.label_en())
    }
    pub fn when(&self, slot: &Option<i32>, table: &Option<i32>) -> String {
        match (slot, table) {
            (Some(s), Some(t)) => format!(
                "{} · {} {}",
                self.slot_times
                    .get(*s as usize)
                    .cloned()
                    .unwrap_or_default(),
                self.l.t("테이블", "table"),
                t + 1
            ),
            _ => String::new(),
        }
    }
    pub fn unavailable(&self, slot: &usize) -> bool {
        self.mine
            .as_ref()
            .is_some_and(|m| m.unavailable.contains(&(*slot as i32)))
    }
    pub fn is_matched(&self, id: &str) -> bool {
        self.matched.contains(id)
    }
    pub fn asked(&self, id: &str) -> bool {
        self.outgoing
            .iter()
            .chain(&self.incoming)
            .any(|r| r.startup_id == id || r.enterprise_id == id)
    }
}

fn slot_times(ev: &Event) -> Vec<String> {
    (0..ev.slots)
        .map(|s| {
            let (a, b) = ev.slot_span(s);
            format!("{}–{}", a.format("%H:%M"), b.format("%H:%M"))
        })
        .collect()
}

pub async fn event(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = "/events";
    let ev = match app.forum().get(&code).await {
        Ok(ev) => ev,
        Err(e) => return app_error(&caller, &uri, e, back),
    };
    let participants = match app.forum().participants(caller.user(), &code).await {
        Ok(p) => p,
        Err(e) => return app_error(&caller, &uri, e, back),
    };
    let org = caller.user().and_then(member_org);
    let mine = org.and_then(|(side, id)| {
        participants
            .iter()
            .find(|p| p.side == side && p.id == id)
            .cloned()
    });
    let industry = q.get("industry").cloned().unwrap_or_default();
    let other_side = match org {
        Some(("startup", _)) => "enterprise",
        _ => "startup",
    };
    let mut industries: Vec<String> = participants
        .iter()
        .filter(|p| p.side == other_side)
        .flat_map(|p| p.industries.clone())
        .collect();
    industries.sort();
    industries.dedup();
    // the caller's match partners come first: the natural people to meet
    let matched: std::collections::HashSet<String> = match (caller.user(), org) {
        (Some(u), Some(_)) => match app.pipeline().matches(u, app::MatchFilter::default()).await {
            Ok(ms) => ms
                .into_iter()
                .map(|m| {
                    if other_side == "enterprise" {
                        m.enterprise_id.into_string()
                    } else {
                        m.startup_id.into_string()
                    }
                })
                .collect(),
            Err(e) => return app_error(&caller, &uri, e, back),
        },
        _ => Default::default(),
    };
    let mut others: Vec<Participant> = participants
        .iter()
        .filter(|p| p.side == other_side && p.status == Registration::Registered)
        .filter(|p| industry.is_empty() || p.industries.contains(&industry))
        .cloned()
        .collect();
    others.sort_by_key(|p| !matched.contains(&p.id));
    others.truncate(200);
    let requests = match caller.user() {
        Some(u) if org.is_some() || u.role == domain::Role::Admin => {
            match app.forum().meeting_requests(u, &code).await {
                Ok(r) => r,
                Err(e) => return app_error(&caller, &uri, e, back),
            }
        }
        _ => vec![],
    };
    let (mut incoming, mut outgoing, mut all) = (vec![], vec![], vec![]);
    for r in requests {
        match org {
            Some((side, _)) if r.requested_by == side => outgoing.push(r),
            Some(_) => incoming.push(r),
            None => all.push(r),
        }
    }
    let stats = match app.forum().schedule_stats(&code).await {
        Ok(s) => s,
        Err(e) => return app_error(&caller, &uri, e, back),
    };
    let title = (ev.title_ko.clone(), ev.title_en.clone());
    render(&EventPage {
        l: Layout::new(&caller, &uri, (&title.0, &title.1)),
        registered: participants
            .iter()
            .filter(|p| p.status == Registration::Registered)
            .count(),
        waitlisted: participants
            .iter()
            .filter(|p| p.status == Registration::Waitlisted)
            .count(),
        slot_times: slot_times(&ev),
        member: org.is_some(),
        ev,
        mine,
        others,
        matched,
        industry,
        industries,
        incoming,
        outgoing,
        all,
        stats,
    })
}

pub async fn register(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/events/{code}");
    match app.forum().register(&s.user, &code, None).await {
        Ok(r) => done(&back, caller.lang.t(r.label_ko(), r.label_en())),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

pub async fn cancel(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/events/{code}");
    match app.forum().cancel_registration(&s.user, &code).await {
        Ok(()) => done(
            &back,
            caller
                .lang
                .t("등록을 취소했습니다", "Registration cancelled"),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

/// Availability: `busy_N=on` for each slot the participant cannot make.
pub async fn availability(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let csrf = f.get("csrf").map(String::as_str).unwrap_or_default();
    let Some(s) = caller.form_writer(csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/events/{code}");
    let slots: Vec<i32> = f
        .keys()
        .filter_map(|k| k.strip_prefix("busy_")?.parse().ok())
        .collect();
    match app.forum().set_unavailable(&s.user, &code, &slots).await {
        Ok(()) => done(
            &back,
            caller
                .lang
                .t("가능 시간을 저장했습니다", "Availability saved"),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf: String,
    with: String,
    #[serde(default)]
    note: String,
}

pub async fn request(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
    Form(f): Form<RequestForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/events/{code}");
    let note = Some(f.note.trim()).filter(|n| !n.is_empty());
    match app
        .forum()
        .request_meeting(&s.user, &code, &f.with, note)
        .await
    {
        Ok(_) => done(
            &back,
            caller.lang.t("미팅을 요청했습니다", "Meeting requested"),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

/// Accept, decline or withdraw a request.
pub async fn answer(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path((id, action)): Path<(domain::MeetingRequestId, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let to = match parse_answer(&action) {
        Some(t) => t,
        None => return message(&caller, &uri, StatusCode::NOT_FOUND, &action, "/events"),
    };
    match app.forum().answer_meeting(&s.user, id, to).await {
        Ok(r) => done(
            &format!("/events/{}", r.event),
            &format!(
                "{} ↔ {}: {}",
                r.startup_name,
                r.enterprise_name,
                caller.lang.t(to.label_ko(), to.label_en())
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, "/events"),
    }
}

/// `accept`, `decline` or `withdraw` as the request's new status.
pub fn parse_answer(action: &str) -> Option<RequestStatus> {
    match action {
        "accept" => Some(RequestStatus::Accepted),
        "decline" => Some(RequestStatus::Declined),
        "withdraw" => Some(RequestStatus::Withdrawn),
        _ => None,
    }
}

pub async fn schedule(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/events/{code}");
    match app.forum().schedule(&s.user, &code).await {
        Ok(st) => done(
            &back,
            &format!(
                "{} {}/{} ({} {})",
                caller.lang.t("배정", "placed"),
                st.placed,
                st.requested,
                caller.lang.t("상한", "upper bound"),
                st.upper_bound
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

#[derive(Template)]
#[template(path = "agenda.html")]
pub struct AgendaPage {
    pub l: Layout,
    pub ev: Event,
    pub items: Vec<AgendaItem>,
}

pub async fn agenda(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to(&format!("/login?next=/events/{code}/agenda")).into_response();
    };
    match app.forum().agenda(user, &code).await {
        Ok((ev, items)) => render(&AgendaPage {
            l: Layout::new(&caller, &uri, ("내 미팅 일정", "My meeting agenda")),
            ev,
            items,
        }),
        Err(e) => app_error(&caller, &uri, e, &format!("/events/{code}")),
    }
}

/// The agenda as an `.ics` file (also the API's, which shares this handler).
pub async fn agenda_file(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::EventCode>,
) -> Response {
    let Some(user) = caller.user() else {
        return ApiError::unauthenticated().into_response();
    };
    match app.forum().agenda(user, &code).await {
        Ok((ev, items)) => agenda_download(&code, &ev, &items, caller.lang),
        Err(e) => app_error(&caller, &uri, e, &format!("/events/{code}")),
    }
}

/// Event `code`'s agenda `items` as an iCalendar download (pages and API share it).
pub fn agenda_download(
    code: &str,
    ev: &Event,
    items: &[AgendaItem],
    lang: crate::i18n::Lang,
) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-agenda.ics\"",
                    super::file_stem(code)
                ),
            ),
        ],
        agenda_ics(ev, items, lang == crate::i18n::Lang::En),
    )
        .into_response()
}
