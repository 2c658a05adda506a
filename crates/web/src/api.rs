//! The JSON API under `/api/v1`: log in and out (an HttpOnly, SameSite=Strict cookie;
//! Secure behind TLS), who am I, search with facets, matches as the caller may see them
//! and their moves, outcomes, needs and their recommendations, rounds. Writes need the
//! session cookie and its CSRF token in the `X-CSRF-Token` header. Every refusal is
//! problem+json.

use std::collections::HashMap;

use app::accounts::{LoginError, SESSION_HOURS};
use app::{App, AppError};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::match_state::Action;
use domain::money::{Currency, Money};
use domain::records::RecordKind;
use domain::{MatchStatus, Outcome, OutcomeKind};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::caller::{Caller, session_cookie, unauthenticated};
use crate::problem;

/// An app error as problem+json: bad input 400/409, unknown 404, not entitled 403.
pub fn app_problem(e: AppError) -> Response {
    match e {
        AppError::Invalid(m) => problem(StatusCode::CONFLICT, "refused", "Refused", &m),
        AppError::Unusable(m) => bad_input(&m),
        AppError::TooLarge(m) => {
            problem(StatusCode::PAYLOAD_TOO_LARGE, "too-large", "Too large", &m)
        }
        AppError::NotFound(m) => problem(StatusCode::NOT_FOUND, "not-found", "Not found", &m),
        AppError::Forbidden(m) => problem(StatusCode::FORBIDDEN, "forbidden", "Forbidden", &m),
        e => {
            tracing::error!("{e}");
            problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "Temporarily unavailable",
                "the service could not answer; try again",
            )
        }
    }
}

/// An RFC 9457 problem, as every refusal is answered.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Stable: `https://innobridge.example/problems/{kind}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
}

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

pub(crate) fn bad_input(detail: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, "bad-input", "Bad input", detail)
}

/// A JSON body, or the problem saying what is wrong with it (413 when it is too large).
pub(crate) fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Response> {
    b.map(|Json(t)| t).map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "The body is too large",
                &e.body_text(),
            )
        } else {
            bad_input(&e.body_text())
        }
    })
}

/// A JSON body that may be left empty (then `T::default()`).
fn optional_body<T: DeserializeOwned + Default>(b: &[u8]) -> Result<T, Response> {
    if b.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        serde_json::from_slice(b).map_err(|e| bad_input(&e.to_string()))
    }
}

/// The caller's session for a write (its CSRF token checked), or return the refusal.
/// With a JSON body too: the session and the body, or return what refuses them.
macro_rules! writer {
    ($caller:expr, $headers:expr) => {
        match $caller.api_writer(&$headers) {
            Ok(s) => s,
            Err(r) => return r,
        }
    };
    ($caller:expr, $headers:expr, $body:expr) => {
        match $crate::api::write_body(&$caller, &$headers, $body) {
            Ok(x) => x,
            Err(r) => return r,
        }
    };
}
pub(crate) use writer;

/// The signed-in user for a read that needs one, or return 401.
macro_rules! reader {
    ($caller:expr) => {
        match $caller.user() {
            Some(u) => u,
            None => return $crate::caller::unauthenticated(),
        }
    };
}
pub(crate) use reader;

/// 204 when done, or the problem.
pub(crate) fn no_content(r: app::Result<()>) -> Response {
    match r {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => app_problem(e),
    }
}

/// A write's session (its CSRF token checked) and its JSON body, or the problem that
/// refuses it.
pub(crate) fn write_body<'c, T>(
    caller: &'c Caller,
    headers: &HeaderMap,
    b: Result<Json<T>, JsonRejection>,
) -> Result<(&'c app::accounts::Session, T), Response> {
    let s = caller.api_writer(headers)?;
    Ok((s, body(b)?))
}

/// 201 with the created record, or the problem.
pub(crate) fn created<T: serde::Serialize>(r: app::Result<T>) -> Response {
    match r {
        Ok(t) => (StatusCode::CREATED, Json(t)).into_response(),
        Err(e) => app_problem(e),
    }
}

pub(crate) fn answer<T: serde::Serialize>(r: app::Result<T>) -> Response {
    match r {
        Ok(t) => Json(t).into_response(),
        Err(e) => app_problem(e),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Login {
    email: String,
    password: String,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = Login,
    responses((status = 200, description = "Logged in; the session cookie is set", body = SessionInfo),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "Wrong e-mail or password", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "Locked after repeated failures", body = Problem, content_type = "application/problem+json")))]
pub async fn login(
    State(app): State<App>,
    caller: Caller,
    b: Result<Json<Login>, JsonRejection>,
) -> Response {
    let l = match body(b) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let previous = caller.session.as_ref().map(|s| s.token.as_str());
    match app
        .login_rotating(&caller.client, &l.email, &l.password, previous)
        .await
    {
        Err(e) => app_problem(e),
        Ok(Err(LoginError::Wrong)) => problem(
            StatusCode::UNAUTHORIZED,
            "login-failed",
            "Login failed",
            &LoginError::Wrong.to_string(),
        ),
        Ok(Err(LoginError::Locked)) => problem(
            StatusCode::TOO_MANY_REQUESTS,
            "login-locked",
            "Too many failed logins",
            &LoginError::Locked.to_string(),
        ),
        Ok(Ok(s)) => (
            [(
                header::SET_COOKIE,
                session_cookie(&s.token, SESSION_HOURS * 3600, caller.tls),
            )],
            Json(SessionInfo {
                user: s.user,
                csrf: s.csrf,
            }),
        )
            .into_response(),
    }
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
    responses((status = 202, description = "If an account has this e-mail, a reset link is mailed to it; the answer is the same either way", body = ResetAccepted),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json")))]
pub async fn request_reset(
    State(app): State<App>,
    b: Result<Json<ResetRequest>, JsonRejection>,
) -> Response {
    let r = match body(b) {
        Ok(r) => r,
        Err(r) => return r,
    };
    app.request_password_reset_after_answer(r.email);
    (
        StatusCode::ACCEPTED,
        Json(ResetAccepted {
            detail: RESET_SENT.into(),
        }),
    )
        .into_response()
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
    (status = 400, description = "Bad input, or a password that is too short", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "The link is unknown, used or expired", body = Problem, content_type = "application/problem+json")))]
pub async fn reset_password(
    State(app): State<App>,
    Path(token): Path<String>,
    b: Result<Json<NewPassword>, JsonRejection>,
) -> Response {
    let n = match body(b) {
        Ok(n) => n,
        Err(r) => return r,
    };
    match app.reset_password(&token, &n.password).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => problem(
            StatusCode::NOT_FOUND,
            "reset-link-invalid",
            "Reset link not valid",
            "this link is unknown, used or expired; ask for a new one",
        ),
        Err(AppError::Invalid(m)) => bad_input(&m),
        Err(e) => app_problem(e),
    }
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", security(("session" = []), ("csrf" = [])),
    responses((status = 204, description = "Logged out"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),))]
pub async fn logout(State(app): State<App>, caller: Caller, headers: HeaderMap) -> Response {
    let s = writer!(caller, headers);
    match app.logout(&s.token).await {
        Ok(_) => (
            StatusCode::NO_CONTENT,
            [(header::SET_COOKIE, session_cookie("", 0, caller.tls))],
        )
            .into_response(),
        Err(e) => app_problem(e),
    }
}

#[utoipa::path(get, path = "/api/v1/me", tag = "session", security(("session" = [])),
    responses((status = 200, description = "The caller and the session's CSRF token", body = SessionInfo),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),))]
pub async fn me(caller: Caller) -> Response {
    match &caller.session {
        None => unauthenticated(),
        Some(s) => Json(SessionInfo {
            user: s.user.clone(),
            csrf: s.csrf.clone(),
        })
        .into_response(),
    }
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
    responses((status = 200, description = "Hits with facet counts", body = app::SearchResults),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),))]
pub async fn search(
    State(app): State<App>,
    caller: Caller,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let params = params.iter().filter(|(k, _)| k != "lang");
    let mut q = match app::SearchQuery::from_params(params.map(|(k, v)| (k.as_str(), v.as_str()))) {
        Ok(q) => q,
        Err(m) => return bad_input(&m),
    };
    q.include_confidential = app::authz::may_search_confidential(caller.user());
    answer(app.search(&q))
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
    responses((status = 200, description = "The move made", body = domain::StatusChange),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not found (or not the caller's to see)", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Refused by the rules (e.g. an illegal move)", body = Problem, content_type = "application/problem+json"),))]
pub async fn act_on_match(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path((startup, need, action)): Path<(String, String, String)>,
    b: axum::body::Bytes,
) -> Response {
    let s = writer!(caller, headers);
    let action = match parse_action(&action) {
        Ok(a) => a,
        Err(m) => return problem(StatusCode::NOT_FOUND, "not-found", "Not found", &m),
    };
    let note: MoveNote = match optional_body(&b) {
        Ok(n) => n,
        Err(r) => return r,
    };
    answer(
        app.act_on_match(&s.user, &startup, &need, action, note.note)
            .await,
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    startup: Option<String>,
    enterprise: Option<String>,
    need: Option<String>,
    round: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
}

/// The matches the caller may see, narrowed by the query.
#[utoipa::path(get, path = "/api/v1/matches", tag = "matches", security(("session" = [])),
    params(MatchQuery),
    responses((status = 200, description = "The matches the caller may see", body = Vec<app::MatchView>),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),))]
pub async fn matches(
    State(app): State<App>,
    caller: Caller,
    Query(q): Query<MatchQuery>,
) -> Response {
    let user = reader!(caller);
    let statuses = match q.status.as_deref().map(|s| {
        s.split(',')
            .map(MatchStatus::parse)
            .collect::<Result<Vec<_>, _>>()
    }) {
        None => Vec::new(),
        Some(Ok(v)) => v,
        Some(Err(e)) => return bad_input(&e.to_string()),
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
    answer(app.matches_as(user, filter).await)
}

/// An outcome as a client sends it; the enterprise is the need's.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewOutcome {
    pub startup_id: String,
    pub need_id: String,
    pub kind: String,
    /// Defaults to today.
    pub date: Option<NaiveDate>,
    /// A decimal amount in `currency` (KRW when not given).
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub note: Option<String>,
}

impl NewOutcome {
    /// The outcome this stands for, or which field is wrong and why.
    pub fn outcome(self) -> Result<Outcome, String> {
        let kind = OutcomeKind::parse(&self.kind).map_err(|e| format!("kind: {e}"))?;
        let currency = Currency::parse(self.currency.as_deref().unwrap_or("KRW"))
            .map_err(|e| format!("currency: {e}"))?;
        let amount = match self.amount.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(Money::parse(a, currency).map_err(|e| format!("amount: {e}"))?),
        };
        if amount.is_some_and(|m| m.minor < 0) {
            return Err("amount: must not be negative".into());
        }
        Ok(Outcome {
            startup_id: self.startup_id,
            enterprise_id: String::new(),
            need_id: Some(self.need_id),
            kind,
            date: self
                .date
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            amount,
            note: self.note.filter(|n| !n.trim().is_empty()),
        })
    }
}

#[utoipa::path(post, path = "/api/v1/outcomes", tag = "matches", security(("session" = []), ("csrf" = [])),
    request_body = NewOutcome,
    responses((status = 201, description = "Recorded; the match moves to the outcome's stage", body = domain::Outcome),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not found (or not the caller's to see)", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Refused by the rules (e.g. an illegal move)", body = Problem, content_type = "application/problem+json"),))]
pub async fn record_outcome(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    b: Result<Json<NewOutcome>, JsonRejection>,
) -> Response {
    let s = writer!(caller, headers);
    let o = match body(b).and_then(|n| n.outcome().map_err(|m| bad_input(&m))) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match app.record_outcome_as(&s.user, o).await {
        Ok(o) => (StatusCode::CREATED, Json(o)).into_response(),
        Err(e) => app_problem(e),
    }
}

#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "needs", params(("id" = String, Path)),
    responses((status = 200, description = "The need as the caller may see it (a confidential one's details only to the entitled)", body = domain::Need),
    (status = 404, description = "Not found (or not the caller's to see)", body = Problem, content_type = "application/problem+json"),))]
pub async fn need(State(app): State<App>, caller: Caller, Path(id): Path<String>) -> Response {
    answer(app.need_for(caller.user(), &id).await)
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct RunRound {
    /// The round policy's fields (see docs/FORMATS.md); defaults when left out.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    policy: Option<matching::policy::Policy>,
    #[serde(default)]
    dry_run: bool,
}

/// Runs a round (program managers); the body may carry a policy (JSON, the TOML
/// file's fields) and `dry_run`.
#[utoipa::path(post, path = "/api/v1/rounds/{name}/run", tag = "rounds", security(("session" = []), ("csrf" = [])),
    params(("name" = String, Path)), request_body(content = Option<RunRound>),
    responses((status = 200, description = "What the round did", body = app::rounds::RoundSummary),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Refused by the rules (e.g. an illegal move)", body = Problem, content_type = "application/problem+json"),))]
pub async fn run_round(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(name): Path<String>,
    b: axum::body::Bytes,
) -> Response {
    let s = writer!(caller, headers);
    let body: RunRound = match optional_body(&b) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let policy = body.policy.unwrap_or_default();
    if let Err(m) = policy.validate() {
        return problem(StatusCode::BAD_REQUEST, "bad-input", "Bad policy", &m);
    }
    answer(
        app.run_round_as(&s.user, &name, &policy, body.dry_run)
            .await,
    )
}

#[utoipa::path(post, path = "/api/v1/rounds/{name}/publish", tag = "rounds", security(("session" = []), ("csrf" = [])),
    params(("name" = String, Path)),
    responses((status = 200, description = "Published", body = Published),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not found (or not the caller's to see)", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "Refused by the rules (e.g. an illegal move)", body = Problem, content_type = "application/problem+json"),))]
pub async fn publish_round(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let s = writer!(caller, headers);
    answer(
        app.publish_round_as(&s.user, &name)
            .await
            .map(|matches| Published {
                round: name,
                matches,
            }),
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Top {
    top: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/needs/{id}/recommendations", tag = "needs", security(("session" = [])),
    params(("id" = String, Path), Top),
    responses((status = 200, description = "The engine's best startups for the need, with reasons", body = Vec<app::recommend::Recommendation>),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed, or the CSRF token is missing", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not found (or not the caller's to see)", body = Problem, content_type = "application/problem+json"),))]
pub async fn need_recommendations(
    State(app): State<App>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<Top>,
) -> Response {
    let user = reader!(caller);
    let k = q.top.unwrap_or(10).clamp(1, 100);
    answer(app.recommendations_for_need_as(user, &id, k).await)
}

/// A record as a client sends it: the import columns as keys; strings, numbers and
/// lists (joined with commas) as values.
#[derive(Deserialize, utoipa::ToSchema)]
#[schema(value_type = Object)]
pub struct RecordBody(serde_json::Map<String, serde_json::Value>);

impl RecordBody {
    fn cells(self, kind: RecordKind) -> Result<HashMap<String, String>, Response> {
        let mut cells = HashMap::new();
        for (k, v) in self.0 {
            if !kind.columns().contains(&k.as_str()) {
                return Err(bad_input(&format!(
                    "'{k}' is not a {} field; fields: {}",
                    kind.as_str(),
                    kind.columns().join(", ")
                )));
            }
            let text = match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s,
                // a list, one value per element (joined as a file's list cell is)
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| match i {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join("|"),
                other => other.to_string(),
            };
            cells.insert(k, text);
        }
        Ok(cells)
    }
}

/// What a save answers: remarks (likely duplicates, a registration number that
/// named another record).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Saved {
    pub id: String,
    pub notes: Vec<String>,
}

/// Saves `kind` with id `id` for the caller — only the fields sent, the others keep
/// their stored values — or, without an id, creates a need (an id that is taken answers
/// 409, never an overwrite); field errors answer 422 with each field and reason under
/// `errors`.
async fn save_record(
    app: &App,
    caller: &Caller,
    headers: &HeaderMap,
    kind: RecordKind,
    id: Option<String>,
    b: Result<Json<RecordBody>, JsonRejection>,
) -> Response {
    let s = match caller.api_writer(headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut cells = match body(b).and_then(|b| b.cells(kind)) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let saved = match id {
        Some(id) => {
            cells.insert("id".into(), id);
            app.save_cells_as(&s.user, kind, cells).await
        }
        None => app.create_need_as(&s.user, cells).await,
    };
    match saved {
        Ok(Ok((id, notes))) => Json(Saved {
            id,
            notes: notes.iter().map(ToString::to_string).collect(),
        })
        .into_response(),
        Ok(Err(errors)) => {
            let body = serde_json::json!({
                "type": "https://innobridge.example/problems/invalid-fields",
                "title": "Invalid fields",
                "status": 422,
                "detail": errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
                "errors": errors.iter().map(|e| serde_json::json!({"field": e.field, "reason": e.reason})).collect::<Vec<_>>(),
            });
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                [(header::CONTENT_TYPE, "application/problem+json")],
                body.to_string(),
            )
                .into_response()
        }
        Err(e) => app_problem(e),
    }
}

#[utoipa::path(get, path = "/api/v1/startups/{id}", tag = "records", params(("id" = String, Path)),
    responses((status = 200, description = "A startup's profile (its business registration number only for program managers and its members)", body = Object),
    (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn startup(State(app): State<App>, caller: Caller, Path(id): Path<String>) -> Response {
    answer(app.startup_for(caller.user(), &id).await)
}

#[utoipa::path(put, path = "/api/v1/startups/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)), request_body = RecordBody,
    responses((status = 200, description = "Saved (a startup member: its own profile)", body = Saved),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, each under errors", body = Problem, content_type = "application/problem+json")))]
pub async fn put_startup(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<RecordBody>, JsonRejection>,
) -> Response {
    save_record(&app, &caller, &headers, RecordKind::Startups, Some(id), b).await
}

#[utoipa::path(delete, path = "/api/v1/startups/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Program managers only", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_startup(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = writer!(caller, headers);
    no_content(app.delete_startup_as(&s.user, &id).await)
}

#[utoipa::path(post, path = "/api/v1/needs", tag = "records", security(("session" = []), ("csrf" = [])),
    request_body = RecordBody,
    responses((status = 200, description = "Posted (an enterprise member: under its enterprise, with a new id when none is given)", body = Saved),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
    (status = 409, description = "A need with the id given exists already", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, each under errors", body = Problem, content_type = "application/problem+json")))]
pub async fn post_need(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    b: Result<Json<RecordBody>, JsonRejection>,
) -> Response {
    save_record(&app, &caller, &headers, RecordKind::Needs, None, b).await
}

#[utoipa::path(put, path = "/api/v1/needs/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)), request_body = RecordBody,
    responses((status = 200, description = "Saved", body = Saved),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Another enterprise's need", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, each under errors", body = Problem, content_type = "application/problem+json")))]
pub async fn put_need(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<RecordBody>, JsonRejection>,
) -> Response {
    save_record(&app, &caller, &headers, RecordKind::Needs, Some(id), b).await
}

#[utoipa::path(delete, path = "/api/v1/needs/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Another enterprise's need", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn delete_need(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = writer!(caller, headers);
    no_content(app.delete_need_as(&s.user, &id).await)
}

#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "records", params(("id" = String, Path)),
    responses((status = 200, description = "An enterprise's profile", body = Object),
    (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json")))]
pub async fn enterprise(State(app): State<App>, Path(id): Path<String>) -> Response {
    answer(app.enterprise(&id).await)
}

#[utoipa::path(put, path = "/api/v1/enterprises/{id}", tag = "records", security(("session" = []), ("csrf" = [])),
    params(("id" = String, Path)), request_body = RecordBody,
    responses((status = 200, description = "Saved (program managers)", body = Saved),
    (status = 400, description = "Bad input", body = Problem, content_type = "application/problem+json"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "Invalid fields, each under errors", body = Problem, content_type = "application/problem+json")))]
pub async fn put_enterprise(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<RecordBody>, JsonRejection>,
) -> Response {
    save_record(
        &app,
        &caller,
        &headers,
        RecordKind::Enterprises,
        Some(id),
        b,
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/export/{file}", tag = "records", security(("session" = [])),
    params(("file" = String, Path, description = "KIND.csv or KIND.xlsx; KIND: startups, enterprises, needs, outcomes, matches, kpi")),
    responses((status = 200, description = "The table, in the import format for records", content_type = "text/csv"),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    (status = 403, description = "Program managers only", body = Problem, content_type = "application/problem+json"),
    (status = 404, description = "No such table or format", body = Problem, content_type = "application/problem+json")))]
pub async fn export(State(app): State<App>, caller: Caller, Path(file): Path<String>) -> Response {
    let user = reader!(caller);
    match app.export_download_as(user, &file).await {
        Ok((format, bytes)) => crate::pages::admin::download(&file, format, bytes),
        Err(e) => app_problem(e),
    }
}

#[utoipa::path(get, path = "/api/v1/clusters", tag = "program",
    responses((status = 200, description = "The industry clusters", body = Vec<domain::Cluster>)))]
pub async fn clusters(State(app): State<App>) -> Response {
    answer(app.clusters().await)
}

#[utoipa::path(get, path = "/api/v1/centers", tag = "program",
    responses((status = 200, description = "The overseas growth centers", body = Vec<domain::Center>)))]
pub async fn centers(State(app): State<App>) -> Response {
    answer(app.centers().await)
}

#[utoipa::path(get, path = "/api/v1/events", tag = "program",
    responses((status = 200, description = "Forums, demo days and meetups", body = Vec<domain::Event>)))]
pub async fn events(State(app): State<App>) -> Response {
    answer(app.events().await)
}

#[utoipa::path(get, path = "/api/v1/outcomes", tag = "matches", security(("session" = [])),
    responses((status = 200, description = "The outcomes the caller may see (its own; all for program managers)", body = Vec<domain::Outcome>),
    (status = 401, description = "No session", body = Problem, content_type = "application/problem+json")))]
pub async fn outcomes(State(app): State<App>, caller: Caller) -> Response {
    let user = reader!(caller);
    answer(app.outcomes_as(user).await)
}
