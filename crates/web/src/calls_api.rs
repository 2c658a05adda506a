//! The API of open calls: calls, applications with their files, evaluators and
//! conflicts, review assignment and blind scores, the ranking and decisions, and the
//! caller's inbox.

use std::collections::BTreeMap;

use app::App;
use app::calls::{Assignment, RankedEntry};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::screening::{Call, CallApplication, Notification, Review};
use serde::Deserialize;

use crate::extract::{JsonBody, SignedIn, Writer};
use crate::problem::{ApiError, ApiResult};

#[utoipa::path(get, path = "/api/v1/calls", tag = "calls",
    responses((status = 200, description = "Every open call, newest deadline first", body = Vec<Call>)))]
pub async fn calls(State(app): State<App>) -> ApiResult<Json<Vec<Call>>> {
    Ok(Json(app.calls().list().await?))
}

#[utoipa::path(get, path = "/api/v1/calls/{code}", tag = "calls", params(("code" = String, Path)),
    responses((status = 200, description = "The call: form, rubric, stages, deadline", body = Call)))]
pub async fn call(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
) -> ApiResult<Json<Call>> {
    Ok(Json(app.calls().get(&code).await?))
}

#[utoipa::path(put, path = "/api/v1/calls/{code}", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = Call,
    responses((status = 200, description = "Saved", body = Call)))]
pub async fn put_call(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    Writer(s): Writer,
    JsonBody(mut c): JsonBody<Call>,
) -> ApiResult<Json<Call>> {
    c.code = code;
    app.calls().save(&s.user, &c).await?;
    Ok(Json(c))
}

#[utoipa::path(get, path = "/api/v1/calls/{code}/applications", tag = "calls", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "All of them for the organiser, its own for a startup", body = Vec<CallApplication>)))]
pub async fn applications(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<CallApplication>>> {
    Ok(Json(app.calls().applications(&s.user, &code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ApplicationBody {
    /// Answers by question key.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// Submit (every required answer and file present) rather than save a draft.
    #[serde(default)]
    pub submit: bool,
}

#[utoipa::path(put, path = "/api/v1/calls/{code}/application", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = ApplicationBody,
    responses((status = 200, description = "The startup's application as saved", body = CallApplication)))]
pub async fn apply(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    Writer(s): Writer,
    JsonBody(a): JsonBody<ApplicationBody>,
) -> ApiResult<Json<CallApplication>> {
    let saved = app
        .calls()
        .save_application(&s.user, &code, a.answers, a.submit, chrono::Utc::now())
        .await?;
    Ok(Json(saved))
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "Withdrawn", body = CallApplication)))]
pub async fn withdraw(
    State(app): State<App>,
    Path(id): Path<domain::ApplicationId>,
    Writer(s): Writer,
) -> ApiResult<Json<CallApplication>> {
    let withdrawn = app
        .calls()
        .withdraw_application(&s.user, id, chrono::Utc::now())
        .await?;
    Ok(Json(withdrawn))
}

#[utoipa::path(put, path = "/api/v1/applications/{id}/files/{key}", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("id" = i64, Path), ("key" = String, Path), ("X-File-Name" = Option<String>, Header, description = "the file's name")),
    request_body(content = crate::openapi::FileBytes, content_type = "application/octet-stream"),
    responses((status = 204, description = "Stored")))]
pub async fn put_file(
    State(app): State<App>,
    Path((id, key)): Path<(domain::ApplicationId, String)>,
    Writer(s): Writer,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let name = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(&key)
        .to_string();
    app.calls()
        .attach(&s.user, id, &key, &name, &body, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/files/{key}", tag = "calls", security(("session" = [])),
    params(("id" = i64, Path), ("key" = String, Path)),
    responses((status = 200, description = "The file, to the startup, the organiser and its unconflicted reviewers", content_type = "application/octet-stream", body = crate::openapi::FileBytes)))]
pub async fn get_file(
    State(app): State<App>,
    Path((id, key)): Path<(domain::ApplicationId, String)>,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    let (_uploaders_name, media, bytes) = app.calls().attachment(&s.user, id, &key).await?;
    Ok(crate::pages::calls::attachment(id, &key, media, bytes))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct EvaluatorBody {
    pub email: String,
}

#[utoipa::path(post, path = "/api/v1/calls/{code}/evaluators", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = EvaluatorBody,
    responses((status = 204, description = "Added")))]
pub async fn add_evaluator(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    Writer(s): Writer,
    JsonBody(e): JsonBody<EvaluatorBody>,
) -> ApiResult<StatusCode> {
    app.calls()
        .add_evaluator(&s.user, &code, e.email.trim())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ConflictBody {
    pub startup_id: domain::StartupId,
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/conflicts", tag = "calls", security(("session" = []), ("csrf" = [])),
    request_body = ConflictBody,
    responses((status = 204, description = "Declared: the startup's applications are no longer shown to the caller")))]
pub async fn conflict(
    State(app): State<App>,
    Writer(s): Writer,
    JsonBody(c): JsonBody<ConflictBody>,
) -> ApiResult<StatusCode> {
    app.calls()
        .declare_conflict(&s.user, &c.startup_id, c.reason.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Assigned {
    pub assigned: usize,
}

#[utoipa::path(post, path = "/api/v1/calls/{code}/assign", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "New reviews assigned in the current stage", body = Assigned)))]
pub async fn assign(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    Writer(s): Writer,
) -> ApiResult<Json<Assigned>> {
    let assigned = app.calls().assign_stage(&s.user, &code).await?;
    Ok(Json(Assigned { assigned }))
}

#[utoipa::path(get, path = "/api/v1/calls/{code}/reviews", tag = "calls", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The caller's own reviews in the current stage (no one else's scores; no conflicted startups)", body = Vec<Assignment>)))]
pub async fn my_reviews(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<Assignment>>> {
    Ok(Json(app.calls().my_reviews(&s.user, &code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ScoreBody {
    /// A score per rubric criterion.
    pub scores: BTreeMap<String, u32>,
    pub comment: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/reviews/{id}", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("id" = i64, Path)), request_body = ScoreBody,
    responses((status = 200, description = "Scored; the weighted score (0–100) is in the answer", body = Review)))]
pub async fn score(
    State(app): State<App>,
    Path(id): Path<domain::ReviewId>,
    Writer(s): Writer,
    JsonBody(sc): JsonBody<ScoreBody>,
) -> ApiResult<Json<Review>> {
    let review = app
        .calls()
        .submit_review(&s.user, id, sc.scores, sc.comment.as_deref())
        .await?;
    Ok(Json(review))
}

#[utoipa::path(post, path = "/api/v1/calls/{code}/stage/{action}", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path), ("action" = String, Path, description = "close or open the current stage's scoring")),
    responses((status = 204, description = "Done")))]
pub async fn stage(
    State(app): State<App>,
    Path((code, action)): Path<(domain::CallCode, String)>,
    Writer(s): Writer,
) -> ApiResult<StatusCode> {
    let open = match action.as_str() {
        "close" => false,
        "open" => true,
        other => {
            return Err(ApiError::bad_input(format!(
                "'{other}' is not a stage action; allowed: close, open"
            )));
        }
    };
    app.calls().set_stage_open(&s.user, &code, open).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/calls/{code}/standings", tag = "calls", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "The current stage's ranking with the engine's fit as advice (means hidden while scoring is open)", body = Vec<RankedEntry>)))]
pub async fn standings(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<RankedEntry>>> {
    Ok(Json(app.calls().standings(&s.user, &code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Override {
    pub application: domain::ApplicationId,
    pub advance: bool,
    /// Why, against the ranking (required).
    pub reason: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DecideBody {
    /// How many of the best-ranked advance.
    pub top: usize,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Decided {
    pub advanced: usize,
}

#[utoipa::path(post, path = "/api/v1/calls/{code}/decide", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("code" = String, Path)), request_body = DecideBody,
    responses((status = 200, description = "Decided; each startup hears its result", body = Decided)))]
pub async fn decide(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    Writer(s): Writer,
    JsonBody(d): JsonBody<DecideBody>,
) -> ApiResult<Json<Decided>> {
    let overrides: Vec<(domain::ApplicationId, bool, String)> = d
        .overrides
        .into_iter()
        .map(|o| (o.application, o.advance, o.reason))
        .collect();
    let advanced = app
        .calls()
        .decide_stage(&s.user, &code, d.top, &overrides)
        .await?;
    Ok(Json(Decided { advanced }))
}

#[utoipa::path(get, path = "/api/v1/inbox", tag = "calls", security(("session" = [])),
    responses((status = 200, description = "The caller's newest messages", body = Vec<Notification>)))]
pub async fn inbox(
    State(app): State<App>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(app.inbox().list(&s.user).await?))
}

#[utoipa::path(post, path = "/api/v1/inbox/read", tag = "calls", security(("session" = []), ("csrf" = [])),
    responses((status = 204, description = "Every message marked read")))]
pub async fn read_inbox(State(app): State<App>, Writer(s): Writer) -> ApiResult<StatusCode> {
    app.inbox().mark_read(&s.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProposalBody {
    pub enterprise_id: domain::EnterpriseId,
    pub proposal: String,
}

#[utoipa::path(post, path = "/api/v1/proposals", tag = "calls", security(("session" = []), ("csrf" = [])),
    request_body = ProposalBody,
    responses((status = 201, description = "Sent to the enterprise's intake", body = CallApplication)))]
pub async fn propose(
    State(app): State<App>,
    Writer(s): Writer,
    JsonBody(p): JsonBody<ProposalBody>,
) -> ApiResult<(StatusCode, Json<CallApplication>)> {
    let proposed = app
        .calls()
        .propose(&s.user, &p.enterprise_id, &p.proposal, chrono::Utc::now())
        .await?;
    Ok((StatusCode::CREATED, Json(proposed)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RouteBody {
    /// The need to route it to; none declines it.
    pub need_id: Option<domain::NeedId>,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/route", tag = "calls", security(("session" = []), ("csrf" = [])),
    params(("id" = i64, Path)), request_body = RouteBody,
    responses((status = 200, description = "Routed (a match accepted by the enterprise) or declined", body = CallApplication)))]
pub async fn route(
    State(app): State<App>,
    Path(id): Path<domain::ApplicationId>,
    Writer(s): Writer,
    JsonBody(r): JsonBody<RouteBody>,
) -> ApiResult<Json<CallApplication>> {
    let routed = app
        .calls()
        .route_proposal(&s.user, id, r.need_id.as_ref())
        .await?;
    Ok(Json(routed))
}

#[utoipa::path(get, path = "/api/v1/calls/{code}/export.xlsx", tag = "calls", security(("session" = [])),
    params(("code" = String, Path)),
    responses((status = 200, description = "Applications, closed stages' scores per evaluator, stage results", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = crate::openapi::FileBytes)))]
pub async fn workbook(
    State(app): State<App>,
    Path(code): Path<domain::CallCode>,
    SignedIn(s): SignedIn,
) -> ApiResult<Response> {
    let bytes = app.calls().workbook(&s.user, &code).await?;
    Ok(crate::pages::calls::workbook_download(&code, bytes))
}

/// The program's funnel and each call's.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Funnels {
    pub program: app::calls::Funnel,
    pub calls: Vec<app::calls::Funnel>,
}

#[utoipa::path(get, path = "/api/v1/kpi/funnel", tag = "kpi",
    responses((status = 200, description = "Applied → each stage → selected → PoC → cooperation → investment, program-wide and per call", body = Funnels)))]
pub async fn funnel(State(app): State<App>) -> ApiResult<Json<Funnels>> {
    let (program, calls) = app.calls().funnels().await?;
    Ok(Json(Funnels { program, calls }))
}
