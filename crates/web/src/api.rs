//! The JSON API under `/api/v1`: log in and out (an HttpOnly, SameSite=Strict cookie;
//! Secure behind TLS), who am I, search with facets, matches as the caller may see them
//! and their moves, outcomes, needs and their recommendations, rounds. Writes need the
//! session cookie and its CSRF token in the `X-CSRF-Token` header. Every refusal is
//! problem+json.

use app::App;
use app::accounts::SESSION_HOURS;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use domain::inputs::{EnterpriseInput, NeedInput, OutcomeInput, RecordInput, StartupInput};
use domain::match_state::Action;
use domain::{EnterpriseId, MatchStatus, NeedId, Outcome, StartupId};
use serde::Deserialize;

use crate::caller::{Caller, behind_tls, session_cookie};
use crate::extract::{IfMatch, JsonBody, OptionalJsonBody, SignedIn, Writer, etag};
use crate::problem::{ApiError, ApiResult};

/// A session as the API answers it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    pub user: domain::User,
    /// Echo it in `X-CSRF-Token` on every write.
    pub csrf: String,
}

/// What publishing a round did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Published {
    pub round: String,
    pub matches: u64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    email: String,
    password: String,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Login,
    responses((status = 200, description = "Logged in; the session cookie is set", body = SessionInfo),
    (status = 401, response = crate::openapi::LoginFailed),
    (status = 429, response = crate::openapi::LoginLocked)))]
pub async fn login(
    State(app): State<App>,
    caller: Caller,
    JsonBody(l): JsonBody<Login>,
) -> ApiResult<impl IntoResponse> {
    let previous = caller.session.as_ref().map(|s| s.token.as_str());
    let s = app
        .accounts()
        .login_rotating(&caller.client, &l.email, &l.password, previous)
        .await?;
    Ok((
        [(
            header::SET_COOKIE,
            session_cookie(&s.token, SESSION_HOURS * 3600, caller.tls),
        )],
        Json(SessionInfo {
            user: s.user,
            csrf: s.csrf,
        }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    email: String,
}

/// The same answer whether or not the e-mail has an account.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ResetAccepted {
    pub detail: String,
}

#[utoipa::path(post, path = "/api/v1/password-reset", tag = "session", request_body = ResetRequest,
    responses((status = 202, description = "If an account has this e-mail, a reset link is mailed to it; the answer is the same either way", body = ResetAccepted)))]
pub async fn request_reset(
    State(app): State<App>,
    JsonBody(r): JsonBody<ResetRequest>,
) -> (StatusCode, Json<ResetAccepted>) {
    app.accounts().request_password_reset_after_answer(r.email);
    (
        StatusCode::ACCEPTED,
        Json(ResetAccepted {
            detail: RESET_SENT.into(),
        }),
    )
}

pub(crate) const RESET_SENT: &str =
    "If an account has this e-mail, a link to set a new password has been sent to it.";

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPassword {
    password: String,
}

#[utoipa::path(post, path = "/api/v1/password-reset/{token}", tag = "session", request_body = NewPassword,
    params(("token" = String, Path, description = "The token from the reset mail")),
    responses((status = 204, description = "Password set; every session of the account ended"),
    (status = 404, response = crate::openapi::ResetLinkInvalid)))]
pub async fn reset_password(
    State(app): State<App>,
    Path(token): Path<String>,
    JsonBody(n): JsonBody<NewPassword>,
) -> ApiResult<StatusCode> {
    match app.accounts().reset_password(&token, &n.password).await {
        Ok(true) => Ok(StatusCode::NO_CONTENT),
        Ok(false) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "reset-link-invalid",
            "Reset link not valid",
            "this link is unknown, used or expired; ask for a new one",
        )),
        // a password the rules refuse is the caller's input to mend
        Err(app::AppError::Conflict(m)) => Err(ApiError::bad_input(m)),
        Err(e) => Err(e.into()),
    }
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", security(("session" = []), ("csrf" = [])),
    responses((status = 204, description = "Logged out")))]
pub async fn logout(
    State(app): State<App>,
    Writer(s): Writer,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    app.accounts().logout(&s.token).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            session_cookie("", 0, behind_tls(&headers)),
        )],
    ))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", security(("session" = [])),
    responses((status = 200, description = "The caller and the session's CSRF token", body = SessionInfo)))]
pub async fn me(SignedIn(s): SignedIn) -> Json<SessionInfo> {
    Json(SessionInfo {
        user: s.user,
        csrf: s.csrf,
    })
}

/// Startups or needs by text with filters and facet counts; confidential needs only
/// for program managers.
#[utoipa::path(get, path = "/api/v1/search", tag = "discovery",
    params(("q" = Option<String>, Query, description = "Words, Korean or English"),
        ("kind" = Option<String>, Query, description = "startup (default) or need"),
        ("sort" = Option<String>, Query, description = "relevance, newest or funding"),
        ("page" = Option<usize>, Query, description = "From 1; page × per_page at most 10,000, and a page past the last is refused (400)"),
        ("per_page" = Option<usize>, Query, description = "1 to 200"),
        ("industry" = Option<String>, Query, description = "Facet filters (also technology, stage, cluster, country, source); repeat or comma-separate")),
    responses((status = 200, description = "Hits with facet counts", body = app::SearchResults)))]
pub async fn search(
    State(app): State<App>,
    Query(params): Query<Vec<(String, String)>>,
    caller: Caller,
) -> ApiResult<Json<app::SearchResults>> {
    let params = params.iter().filter(|(k, _)| k != "lang");
    let mut q = app::SearchQuery::from_params(params.map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(ApiError::bad_input)?;
    q.include_confidential = app::authz::may_search_confidential(caller.user());
    Ok(Json(app.discovery().search(&q)?))
}

/// The action a path segment names: accept, decline, withdraw, or a pipeline stage to
/// advance to.
pub fn parse_action(a: &str) -> Result<Action, String> {
    match a {
        "accept" => Ok(Action::Accept),
        "decline" => Ok(Action::Decline),
        "withdraw" => Ok(Action::Withdraw),
        other => match MatchStatus::parse(other) {
            Ok(st) if st.pipeline_rank().is_some() => Ok(Action::Advance(st)),
            _ => Err(format!(
                "'{other}' is not an action: accept, decline, withdraw, or a stage (meeting, nda, poc, cooperation, investment, acquisition)"
            )),
        },
    }
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct MoveNote {
    note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/matches/{startup}/{need}/{action}", tag = "matches",
    security(("session" = []), ("csrf" = [])),
    params(("startup" = String, Path), ("need" = String, Path),
        ("action" = String, Path, description = "accept, decline, withdraw, or a stage: meeting, nda, poc, cooperation, investment, acquisition")),
    request_body(content = Option<MoveNote>, description = "An optional note"),
    responses((status = 200, description = "The move made", body = domain::StatusChange)))]
pub async fn act_on_match(
    State(app): State<App>,
    Path((startup, need, action)): Path<(domain::StartupId, domain::NeedId, String)>,
    Writer(s): Writer,
    OptionalJsonBody(note): OptionalJsonBody<MoveNote>,
) -> ApiResult<Json<domain::StatusChange>> {
    let action = parse_action(&action).map_err(ApiError::not_found)?;
    let change = app
        .pipeline()
        .act_on_match(&s.user, &startup, &need, action, note.note)
        .await?;
    Ok(Json(change))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    startup: Option<domain::StartupId>,
    enterprise: Option<domain::EnterpriseId>,
    need: Option<domain::NeedId>,
    round: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
}

/// The matches the caller may see, narrowed by the query.
#[utoipa::path(get, path = "/api/v1/matches", tag = "matches", security(("session" = [])),
    params(MatchQuery),
    responses((status = 200, description = "The matches the caller may see", body = Vec<app::MatchView>)))]
pub async fn matches(
    State(app): State<App>,
    Query(q): Query<MatchQuery>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<app::MatchView>>> {
    let statuses = match q.status.as_deref() {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(MatchStatus::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad_input(e.to_string()))?,
    };
    let filter = app::MatchFilter {
        startup: q.startup,
        enterprise: q.enterprise,
        need: q.need,
        round: q.round,
        statuses,
        published_only: false,
        newest_first: true,
        limit: Some(q.limit.unwrap_or(200).clamp(1, 5000)),
    };
    Ok(Json(app.pipeline().matches(&s.user, filter).await?))
}

/// `?replace=true`: the outcome corrects one already recorded for the same parties,
/// kind and date. Without it, recording such an outcome again with other figures is
/// refused (409) and repeating it with the same figures changes nothing (200).
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Correction {
    #[serde(default)]
    replace: bool,
}

impl Correction {
    pub fn existing(&self) -> domain::OnExisting {
        domain::OnExisting::replacing(self.replace)
    }
}

/// 201 for an outcome recorded now, 200 for one that was there already or corrected.
pub fn recorded_status(recorded: domain::Recorded) -> StatusCode {
    match recorded {
        domain::Recorded::New => StatusCode::CREATED,
        domain::Recorded::Unchanged | domain::Recorded::Replaced => StatusCode::OK,
    }
}

#[utoipa::path(post, path = "/api/v1/outcomes", tag = "matches", security(("session" = []), ("csrf" = [])),
    params(Correction),
    request_body(content = OutcomeInput, description = "The match's `startup_id` and `need_id` are required; the enterprise is the need's and the date today when left out"),
    responses((status = 201, description = "Recorded; the match moves to the outcome's stage", body = domain::Outcome),
        (status = 200, description = "Already recorded with these figures (nothing changed), or corrected with `replace=true`", body = domain::Outcome)))]
pub async fn record_outcome(
    State(app): State<App>,
    Query(correction): Query<Correction>,
    Writer(s): Writer,
    JsonBody(input): JsonBody<OutcomeInput>,
) -> ApiResult<(StatusCode, Json<Outcome>)> {
    let (o, recorded) = app
        .pipeline()
        .record_outcome(&s.user, input, correction.existing())
        .await?;
    Ok((recorded_status(recorded), Json(o)))
}

#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "needs", params(("id" = String, Path)),
    responses((status = 200, description = "The need as the caller may see it (a confidential one's details only to the entitled)", body = domain::Need,
        headers(("ETag" = String, description = "The record's version as shown, for If-Match on a save")))))]
pub async fn need(
    State(app): State<App>,
    Path(id): Path<NeedId>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let need = app.discovery().need_for(caller.user(), &id).await?;
    Ok((etag(&domain::records::need_cells(&need)), Json(need)))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct RunRound {
    /// The round policy (see docs/FORMATS.md); each field left out takes its default.
    #[serde(default)]
    policy: Option<matching::policy::Policy>,
    #[serde(default)]
    dry_run: bool,
}

/// Runs a round (program managers); the body may carry a policy (JSON, the TOML
/// file's fields) and `dry_run`.
#[utoipa::path(post, path = "/api/v1/rounds/{name}/run", tag = "rounds", security(("session" = []), ("csrf" = [])),
    params(("name" = String, Path)), request_body(content = Option<RunRound>),
    responses((status = 200, description = "What the round did", body = app::rounds::RoundSummary)))]
pub async fn run_round(
    State(app): State<App>,
    Path(name): Path<String>,
    Writer(s): Writer,
    OptionalJsonBody(body): OptionalJsonBody<RunRound>,
) -> ApiResult<Json<app::rounds::RoundSummary>> {
    let policy = body.policy.unwrap_or_default();
    policy
        .validate()
        .map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, "bad-input", "Bad policy", m))?;
    let summary = app
        .rounds()
        .run(&s.user, &name, &policy, body.dry_run)
        .await?
        .summary;
    Ok(Json(summary))
}

#[utoipa::path(post, path = "/api/v1/rounds/{name}/publish", tag = "rounds", security(("session" = []), ("csrf" = [])),
    params(("name" = String, Path)),
    responses((status = 200, description = "Published", body = Published)))]
pub async fn publish_round(
    State(app): State<App>,
    Path(name): Path<String>,
    Writer(s): Writer,
) -> ApiResult<Json<Published>> {
    let matches = app.rounds().publish(&s.user, &name).await?;
    Ok(Json(Published {
        round: name,
        matches,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Top {
    top: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/needs/{id}/recommendations", tag = "needs", security(("session" = [])),
    params(("id" = String, Path), Top),
    responses((status = 200, description = "The engine's best startups for the need, with reasons", body = Vec<app::recommend::Recommendation>)))]
pub async fn need_recommendations(
    State(app): State<App>,
    Path(id): Path<NeedId>,
    Query(q): Query<Top>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<app::recommend::Recommendation>>> {
    let k = q.top.unwrap_or(10).clamp(1, 100);
    Ok(Json(app.recommendations().for_need(&s.user, &id, k).await?))
}

/// What a save answers: remarks (likely duplicates, a registration number that
/// named another record).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub id: String,
    pub notes: Vec<String>,
}

/// Saves `input` under the path's `id` for the caller — only the fields sent, the
/// others keep their stored values; field errors answer 422 with each field and reason
/// under `errors`. An id in the body must be the path's.
async fn save_record(
    app: &App,
    s: &app::accounts::Session,
    id: &str,
    mut input: RecordInput,
    IfMatch(read_as): IfMatch,
) -> ApiResult<Json<Saved>> {
    if let Some(given) = input.id()
        && given != id
    {
        return Err(ApiError::bad_input(format!(
            "the body's id '{given}' is not the address's '{id}'"
        )));
    }
    input.set_id(id);
    saved(match read_as {
        Some(version) => {
            app.records()
                .save_if_unchanged(&s.user, input, &version)
                .await?
        }
        None => app.records().save(&s.user, input).await?,
    })
}

fn saved((id, notes): (String, Vec<domain::FieldError>)) -> ApiResult<Json<Saved>> {
    Ok(Json(Saved {
        id,
        notes: notes.iter().map(ToString::to_string).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/startups/{id}", tag = "records", params(("id" = String, Path)),
    responses((status = 200, description = "A startup's profile (its business registration number only for program managers and its members)", body = domain::Startup,
        headers(("ETag" = String, description = "The record's version as shown, for If-Match on a save")))))]
pub async fn startup(
    State(app): State<App>,
    Path(id): Path<StartupId>,
    caller: Caller,
) -> ApiResult<impl IntoResponse> {
    let startup = app.discovery().startup_for(caller.user(), &id).await?;
    Ok((
        etag(&domain::records::startup_cells(&startup)),
        Json(startup),
    ))
}

#[utoipa::path(put, path = "/api/v1/startups/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag a read of the record answered: the save is made only if the record is still so (412 otherwise)")), request_body = StartupInput,
    responses((status = 200, description = "Saved (a startup member: its own profile)", body = Saved),
        (status = 412, response = crate::openapi::Changed)))]
pub async fn put_startup(
    State(app): State<App>,
    Path(id): Path<StartupId>,
    if_match: IfMatch,
    Writer(s): Writer,
    JsonBody(body): JsonBody<StartupInput>,
) -> ApiResult<Json<Saved>> {
    save_record(&app, &s, &id, body.into(), if_match).await
}

#[utoipa::path(delete, path = "/api/v1/startups/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_startup(
    State(app): State<App>,
    Path(id): Path<StartupId>,
    Writer(s): Writer,
) -> ApiResult<StatusCode> {
    app.records().delete_startup(&s.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/needs", tag = "records", security(("session" = []), ("csrf" = [])),
    request_body = NeedInput,
    responses((status = 200, description = "Posted (an enterprise member: under its enterprise, with a new id when none is given; an id that is taken answers 409, never an overwrite)", body = Saved)))]
pub async fn post_need(
    State(app): State<App>,
    Writer(s): Writer,
    JsonBody(body): JsonBody<NeedInput>,
) -> ApiResult<Json<Saved>> {
    saved(app.records().create_need(&s.user, body).await?)
}

#[utoipa::path(put, path = "/api/v1/needs/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag a read of the record answered: the save is made only if the record is still so (412 otherwise)")), request_body = NeedInput,
    responses((status = 200, description = "Saved", body = Saved),
        (status = 412, response = crate::openapi::Changed)))]
pub async fn put_need(
    State(app): State<App>,
    Path(id): Path<NeedId>,
    if_match: IfMatch,
    Writer(s): Writer,
    JsonBody(body): JsonBody<NeedInput>,
) -> ApiResult<Json<Saved>> {
    save_record(&app, &s, &id, body.into(), if_match).await
}

#[utoipa::path(delete, path = "/api/v1/needs/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_need(
    State(app): State<App>,
    Path(id): Path<NeedId>,
    Writer(s): Writer,
) -> ApiResult<StatusCode> {
    app.records().delete_need(&s.user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "records", params(("id" = String, Path)),
    responses((status = 200, description = "An enterprise's profile", body = domain::Enterprise,
        headers(("ETag" = String, description = "The record's version as shown, for If-Match on a save")))))]
pub async fn enterprise(
    State(app): State<App>,
    Path(id): Path<EnterpriseId>,
) -> ApiResult<impl IntoResponse> {
    let enterprise = app.discovery().enterprise(&id).await?;
    Ok((
        etag(&domain::records::enterprise_cells(&enterprise)),
        Json(enterprise),
    ))
}

#[utoipa::path(put, path = "/api/v1/enterprises/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag a read of the record answered: the save is made only if the record is still so (412 otherwise)")), request_body = EnterpriseInput,
    responses((status = 200, description = "Saved (program managers)", body = Saved),
        (status = 412, response = crate::openapi::Changed)))]
pub async fn put_enterprise(
    State(app): State<App>,
    Path(id): Path<EnterpriseId>,
    if_match: IfMatch,
    Writer(s): Writer,
    JsonBody(body): JsonBody<EnterpriseInput>,
) -> ApiResult<Json<Saved>> {
    save_record(&app, &s, &id, body.into(), if_match).await
}

#[utoipa::path(get, path = "/api/v1/export/{file}", tag = "records", security(("session" = [])),
    params(("file" = String, Path, description = "KIND.csv or KIND.xlsx; KIND: startups, enterprises, needs, outcomes, matches, kpi")),
    responses((status = 200, description = "The table, in the import format for records: CSV, or an XLSX workbook for KIND.xlsx", content(
        (String = "text/csv"),
        (crate::openapi::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ))))]
pub async fn export(
    State(app): State<App>,
    Path(file): Path<String>,
    SignedIn(s): SignedIn,
) -> ApiResult<axum::response::Response> {
    let (format, bytes) = app.records().export_download(&s.user, &file).await?;
    Ok(crate::pages::admin::download(&file, format, bytes))
}

#[utoipa::path(get, path = "/api/v1/clusters", tag = "program",
    responses((status = 200, description = "The industry clusters", body = Vec<domain::Cluster>)))]
pub async fn clusters(State(app): State<App>) -> ApiResult<Json<Vec<domain::Cluster>>> {
    Ok(Json(app.clusters().list().await?))
}

#[utoipa::path(get, path = "/api/v1/centers", tag = "program",
    responses((status = 200, description = "The overseas growth centers", body = Vec<domain::Center>)))]
pub async fn centers(State(app): State<App>) -> ApiResult<Json<Vec<domain::Center>>> {
    Ok(Json(app.centers().list().await?))
}

#[utoipa::path(get, path = "/api/v1/events", tag = "program",
    responses((status = 200, description = "Forums, demo days and meetups", body = Vec<domain::Event>)))]
pub async fn events(State(app): State<App>) -> ApiResult<Json<Vec<domain::Event>>> {
    Ok(Json(app.forum().list().await?))
}

#[utoipa::path(get, path = "/api/v1/outcomes", tag = "matches", security(("session" = [])),
    responses((status = 200, description = "The outcomes the caller may see (its own; all for program managers)", body = Vec<domain::Outcome>)))]
pub async fn outcomes(
    State(app): State<App>,
    SignedIn(s): SignedIn,
) -> ApiResult<Json<Vec<Outcome>>> {
    Ok(Json(app.pipeline().outcomes(&s.user).await?))
}
