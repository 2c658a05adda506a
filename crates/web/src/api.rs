//! The JSON API under `/api/v1`: log in and out (an HttpOnly, SameSite=Strict cookie;
//! Secure behind TLS), who am I, search with facets, matches as the caller may see them
//! and their moves, outcomes, needs and their recommendations, rounds. Writes need the
//! session cookie and its CSRF token in the `X-CSRF-Token` header. Every refusal is
//! problem+json.

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
use domain::{MatchStatus, Outcome, OutcomeKind, Role};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::caller::{Caller, session_cookie, unauthenticated};
use crate::problem;

/// An app error as problem+json: bad input 400/409, unknown 404, not entitled 403.
pub fn app_problem(e: AppError) -> Response {
    match e {
        AppError::Invalid(m) => problem(StatusCode::CONFLICT, "refused", "Refused", &m),
        AppError::Unusable(m) => bad_input(&m),
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

fn bad_input(detail: &str) -> Response {
    problem(StatusCode::BAD_REQUEST, "bad-input", "Bad input", detail)
}

/// A JSON body, or the problem saying what is wrong with it.
fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, Response> {
    b.map(|Json(t)| t).map_err(|e| bad_input(&e.body_text()))
}

/// A JSON body that may be left empty (then `T::default()`).
fn optional_body<T: DeserializeOwned + Default>(b: &[u8]) -> Result<T, Response> {
    if b.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        serde_json::from_slice(b).map_err(|e| bad_input(&e.to_string()))
    }
}

fn answer<T: serde::Serialize>(r: app::Result<T>) -> Response {
    match r {
        Ok(t) => Json(t).into_response(),
        Err(e) => app_problem(e),
    }
}

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

pub async fn login(
    State(app): State<App>,
    caller: Caller,
    b: Result<Json<Login>, JsonRejection>,
) -> Response {
    let l = match body(b) {
        Ok(l) => l,
        Err(r) => return r,
    };
    match app.login(&l.email, &l.password).await {
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
            Json(serde_json::json!({"user": s.user, "csrf": s.csrf})),
        )
            .into_response(),
    }
}

pub async fn logout(State(app): State<App>, caller: Caller, headers: HeaderMap) -> Response {
    let s = match caller.api_writer(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.logout(&s.token).await {
        Ok(_) => (
            StatusCode::NO_CONTENT,
            [(header::SET_COOKIE, session_cookie("", 0, caller.tls))],
        )
            .into_response(),
        Err(e) => app_problem(e),
    }
}

pub async fn me(caller: Caller) -> Response {
    match &caller.session {
        None => unauthenticated(),
        Some(s) => Json(serde_json::json!({"user": s.user, "csrf": s.csrf})).into_response(),
    }
}

/// Startups or needs by text with filters and facet counts; confidential needs only
/// for program managers.
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
    q.include_confidential = caller.user().is_some_and(|u| u.role == Role::Admin);
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

#[derive(Deserialize, Default)]
pub struct MoveNote {
    note: Option<String>,
}

pub async fn act_on_match(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path((startup, need, action)): Path<(String, String, String)>,
    b: axum::body::Bytes,
) -> Response {
    let s = match caller.api_writer(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
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

#[derive(Deserialize)]
pub struct MatchQuery {
    startup: Option<String>,
    enterprise: Option<String>,
    need: Option<String>,
    round: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
}

/// The matches the caller may see, narrowed by the query.
pub async fn matches(
    State(app): State<App>,
    caller: Caller,
    Query(q): Query<MatchQuery>,
) -> Response {
    let Some(user) = caller.user() else {
        return unauthenticated();
    };
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
#[derive(Deserialize)]
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

pub async fn record_outcome(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    b: Result<Json<NewOutcome>, JsonRejection>,
) -> Response {
    let s = match caller.api_writer(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let o = match body(b).and_then(|n| n.outcome().map_err(|m| bad_input(&m))) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match app.record_outcome_as(&s.user, o).await {
        Ok(o) => (StatusCode::CREATED, Json(o)).into_response(),
        Err(e) => app_problem(e),
    }
}

pub async fn need(State(app): State<App>, caller: Caller, Path(id): Path<String>) -> Response {
    answer(app.need_for(caller.user(), &id).await)
}

#[derive(Deserialize, Default)]
pub struct RunRound {
    #[serde(default)]
    policy: Option<matching::policy::Policy>,
    #[serde(default)]
    dry_run: bool,
}

/// Runs a round (program managers); the body may carry a policy (JSON, the TOML
/// file's fields) and `dry_run`.
pub async fn run_round(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(name): Path<String>,
    b: axum::body::Bytes,
) -> Response {
    let s = match caller.api_writer(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
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

pub async fn publish_round(
    State(app): State<App>,
    caller: Caller,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let s = match caller.api_writer(&headers) {
        Ok(s) => s,
        Err(r) => return r,
    };
    answer(
        app.publish_round_as(&s.user, &name)
            .await
            .map(|n| serde_json::json!({"round": name, "matches": n})),
    )
}

#[derive(Deserialize)]
pub struct Top {
    top: Option<usize>,
}

pub async fn need_recommendations(
    State(app): State<App>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<Top>,
) -> Response {
    let Some(user) = caller.user() else {
        return unauthenticated();
    };
    let k = q.top.unwrap_or(10).clamp(1, 100);
    answer(app.recommendations_for_need_as(user, &id, k).await)
}
