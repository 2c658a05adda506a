//! The API of the program's three strategies: events and their 1:1 meetings, industry
//! clusters, and overseas growth centers' admissions and outcomes.

use app::App;
use app::clusters::ClusterReport;
use app::forum::AgendaItem;
use app::overseas::RankedApplication;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::forum::{MeetingRequest, Participant, ScheduleStats};
use domain::overseas::{CenterApplication, CenterOutcomeInput};
use serde::Deserialize;

use crate::api::{Correction, recorded_status};
use crate::caller::Caller;
use crate::extract::{JsonBody, SignedIn, Writer};
use crate::pages::centers::parse_decision;
use crate::pages::forum::parse_answer;
use crate::problem::{ApiError, ApiResult};

/// A created record's id.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created<Id> {
    pub id: Id,
}

/// An event with its registrations and its last schedule.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event: domain::Event,
    pub participants: Vec<Participant>,
    pub schedule: Option<ScheduleStats>,
}

#[utoipa::path(get, path = "/api/v1/events/{code}", tag = "forum", params(("code" = String, Path)),
    responses((status = 200, description = "The event, its participants and its last schedule", body = EventDetail)))]
pub async fn event(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    caller: Caller,
) -> ApiResult<Json<EventDetail>> {
    Ok(Json(EventDetail {
        event: app.forum().get(&code).await?,
        participants: app.forum().participants(caller.user(), &code).await?,
        schedule: app.forum().schedule_stats(&code).await?,
    }))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "forum", security(("session" = []), ("csrf" = [])),
    request_body = domain::Event,
    responses((status = 201, description = "Created or updated", body = domain::Event)))]
pub async fn save_event(
    State(app): State<App>,
    Writer(s): Writer,
    JsonBody(e): JsonBody<domain::Event>,
) -> ApiResult<(StatusCode, Json<domain::Event>)> {
    app.forum().save(&s.user, &e).await?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationAnswer {
    pub status: domain::Registration,
}

#[utoipa::path(post, path = "/api/v1/events/{code}/registration", tag = "forum", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "Registered, or waitlisted when the event is full", body = RegistrationAnswer)))]
pub async fn register(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    Writer(s): Writer,
) -> ApiResult<Json<RegistrationAnswer>> {
    let status = app.forum().register(&s.user, &code, None).await?;
    Ok(Json(RegistrationAnswer { status }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Availability {
    /// Slots (from 0) the caller's organisation cannot make.
    pub unavailable: Vec<i32>,
}

#[utoipa::path(put, path = "/api/v1/events/{code}/availability", tag = "forum", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = Availability,
    responses((status = 204, description = "Saved")))]
pub async fn availability(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    Writer(s): Writer,
    JsonBody(a): JsonBody<Availability>,
) -> ApiResult<StatusCode> {
    app.forum()
        .set_unavailable(&s.user, &code, &a.unavailable)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/events/{code}/requests", tag = "forum", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The caller's organisation's requests (every request for a program manager)", body = Vec<MeetingRequest>)))]
pub async fn requests(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<MeetingRequest>>> {
    Ok(Json(app.forum().meeting_requests(&s.user, &code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewRequest {
    /// The other side's id: an enterprise for a startup member, a startup for an
    /// enterprise member.
    pub with: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/events/{code}/requests", tag = "forum", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = NewRequest,
    responses((status = 201, description = "Requested", body = Created<domain::MeetingRequestId>)))]
pub async fn request(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    Writer(s): Writer,
    JsonBody(r): JsonBody<NewRequest>,
) -> ApiResult<(StatusCode, Json<Created<domain::MeetingRequestId>>)> {
    let id = app
        .forum()
        .request_meeting(&s.user, &code, &r.with, r.note.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/meeting-requests/{id}/{action}", tag = "forum", security(("session" = []), ("csrf" = [])),
    params(("id" = i64, Path), ("action" = String, Path, description = "accept, decline (the asked side) or withdraw (the asking side)")),
    responses((status = 200, description = "The request after the answer", body = MeetingRequest)))]
pub async fn answer_request(
    State(app): State<App>,
    Path((id, action)): Path<(domain::MeetingRequestId, String)>,
    Writer(s): Writer,
) -> ApiResult<Json<MeetingRequest>> {
    let to = parse_answer(&action).ok_or_else(|| {
        ApiError::bad_input(format!(
            "'{action}' is not an answer; allowed: accept, decline, withdraw"
        ))
    })?;
    Ok(Json(app.forum().answer_meeting(&s.user, id, to).await?))
}

#[utoipa::path(post, path = "/api/v1/events/{code}/schedule", tag = "forum", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "Placed the accepted requests; nobody double-booked", body = ScheduleStats)))]
pub async fn schedule(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    Writer(s): Writer,
) -> ApiResult<Json<ScheduleStats>> {
    Ok(Json(app.forum().schedule(&s.user, &code).await?))
}

#[utoipa::path(get, path = "/api/v1/events/{code}/agenda", tag = "forum", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The caller's placed meetings in time order", body = Vec<AgendaItem>)))]
pub async fn agenda(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<AgendaItem>>> {
    let (_, items) = app.forum().agenda(&s.user, &code).await?;
    Ok(Json(items))
}

#[utoipa::path(get, path = "/api/v1/events/{code}/agenda.ics", tag = "forum", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The agenda as an iCalendar file", content_type = "text/calendar", body = String)))]
pub async fn agenda_ics(
    State(app): State<App>,
    Path(code): Path<domain::EventCode>,
    caller: Caller,
) -> ApiResult<Response> {
    let user = caller.user().ok_or_else(ApiError::unauthenticated)?;
    let (ev, items) = app.forum().agenda(user, &code).await?;
    Ok(crate::pages::forum::agenda_download(
        &code,
        &ev,
        &items,
        caller.lang,
    ))
}

#[utoipa::path(get, path = "/api/v1/clusters/{code}", tag = "program", params(("code" = String, Path)),
    responses((status = 200, description = "The cluster, its anchors, members and matches with other clusters", body = ClusterReport)))]
pub async fn cluster(
    State(app): State<App>,
    Path(code): Path<domain::ClusterCode>,
) -> ApiResult<Json<ClusterReport>> {
    Ok(Json(app.clusters().report(&code, 200).await?))
}

/// A center with its figures.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CenterDetail {
    pub center: domain::Center,
    pub figures: domain::kpi::CenterFigures,
}

#[utoipa::path(get, path = "/api/v1/centers/{code}", tag = "centers", params(("code" = String, Path)),
    responses((status = 200, description = "The center and its figures (applications, admitted, outcomes abroad)", body = CenterDetail)))]
pub async fn center(
    State(app): State<App>,
    Path(code): Path<domain::CenterCode>,
) -> ApiResult<Json<CenterDetail>> {
    let center = app.centers().get(&code).await?;
    let (_, b) = app.kpi().dashboard().await?;
    let figures = b
        .by_center
        .into_iter()
        .find(|f| f.code == code)
        .unwrap_or_default();
    Ok(Json(CenterDetail { center, figures }))
}

#[utoipa::path(get, path = "/api/v1/centers/{code}/applications", operation_id = "center_applications", tag = "centers", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "Applications ranked for admission (the center's manager or a program manager)", body = Vec<RankedApplication>)))]
pub async fn applications(
    State(app): State<App>,
    Path(code): Path<domain::CenterCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<RankedApplication>>> {
    Ok(Json(
        app.centers().ranked_applications(&s.user, &code).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewApplication {
    pub target_markets: Vec<String>,
    pub plan: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/centers/{code}/applications", operation_id = "apply_to_center", tag = "centers", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = NewApplication,
    responses((status = 201, description = "Applied", body = Created<domain::CenterApplicationId>)))]
pub async fn apply(
    State(app): State<App>,
    Path(code): Path<domain::CenterCode>,
    Writer(s): Writer,
    JsonBody(a): JsonBody<NewApplication>,
) -> ApiResult<(StatusCode, Json<Created<domain::CenterApplicationId>>)> {
    let today = chrono::Local::now().date_naive();
    let id = app
        .centers()
        .apply(&s.user, &code, &a.target_markets, a.plan.as_deref(), today)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(post, path = "/api/v1/center-applications/{id}/{action}", operation_id = "decide_center_application", tag = "centers", security(("session" = []), ("csrf" = [])),
    params(("id" = i64, Path), ("action" = String, Path, description = "admit or decline (the center's manager), withdraw (the startup)")),
    responses((status = 200, description = "The application after the decision", body = CenterApplication)))]
pub async fn decide(
    State(app): State<App>,
    Path((id, action)): Path<(domain::CenterApplicationId, String)>,
    Writer(s): Writer,
) -> ApiResult<Json<CenterApplication>> {
    let to = parse_decision(&action).ok_or_else(|| {
        ApiError::bad_input(format!(
            "'{action}' is not a decision; allowed: admit, decline, withdraw"
        ))
    })?;
    let today = chrono::Local::now().date_naive();
    Ok(Json(
        app.centers()
            .decide_application(&s.user, id, to, today)
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/centers/{code}/outcomes", operation_id = "record_center_outcome", tag = "centers", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path), Correction), request_body = CenterOutcomeInput,
    responses((status = 201, description = "Recorded", body = domain::overseas::CenterOutcome),
        (status = 200, description = "Already recorded with these figures (nothing changed), or corrected with `replace=true`", body = domain::overseas::CenterOutcome)))]
pub async fn record_outcome(
    State(app): State<App>,
    Path(code): Path<domain::CenterCode>,
    Query(correction): Query<Correction>,
    Writer(s): Writer,
    JsonBody(input): JsonBody<CenterOutcomeInput>,
) -> ApiResult<(StatusCode, Json<domain::overseas::CenterOutcome>)> {
    let (o, recorded) = app
        .centers()
        .record_outcome(&s.user, &code, &input, correction.existing())
        .await?;
    Ok((recorded_status(recorded), Json(o)))
}

/// `PUT` of a program record whose body names its own code: the path's code wins.
macro_rules! put_record {
    ($name:ident, $ty:ty, $path:literal, $what:literal, $service:ident) => {
        #[utoipa::path(put, path = $path, tag = "program", security(("session" = []), ("csrf" = [])), params(("code" = String, Path)), request_body = $ty, responses((status = 200, description = $what, body = $ty)))]
        pub async fn $name(
            State(app): State<App>,
            Path(code): Path<String>,
            Writer(s): Writer,
            JsonBody(mut rec): JsonBody<$ty>,
        ) -> ApiResult<Json<$ty>> {
            rec.code = code.into();
            app.$service().save(&s.user, &rec).await?;
            Ok(Json(rec))
        }
    };
}

put_record!(
    put_cluster,
    domain::Cluster,
    "/api/v1/clusters/{code}",
    "Saved",
    clusters
);
put_record!(
    put_center,
    domain::Center,
    "/api/v1/centers/{code}",
    "Saved",
    centers
);
