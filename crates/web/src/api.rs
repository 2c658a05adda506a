//! The session and match endpoints of `/api/v1`: log in and out (an HttpOnly,
//! SameSite=Strict cookie; Secure behind TLS), who am I, move a match, read a need as
//! the caller may see it. Writes need the session cookie and its CSRF token in the
//! `X-CSRF-Token` header. Every refusal is problem+json.

use app::accounts::{LoginError, SESSION_HOURS, Session};
use app::{App, AppError};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::match_state::Action;
use serde::Deserialize;

use crate::problem;

/// The session cookie's name.
pub const COOKIE: &str = "innobridge_session";

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// An app error as problem+json: bad input 400/409, unknown 404, not entitled 403.
pub fn app_problem(e: AppError) -> Response {
    match e {
        AppError::Invalid(m) => problem(StatusCode::CONFLICT, "refused", "Refused", &m),
        AppError::Unusable(m) => problem(StatusCode::BAD_REQUEST, "bad-input", "Bad input", &m),
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

fn unauthenticated() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Log in first",
        "this needs a session: POST /api/v1/session with e-mail and password",
    )
}

/// The caller's session, if its cookie names a live one.
async fn session(app: &App, headers: &HeaderMap) -> Result<Option<Session>, Response> {
    match cookie_value(headers, COOKIE) {
        None => Ok(None),
        Some(token) => app.session(token).await.map_err(app_problem),
    }
}

/// The caller's session for a write: it must exist and the request must carry its
/// CSRF token.
async fn writer(app: &App, headers: &HeaderMap) -> Result<Session, Response> {
    let s = session(app, headers).await?.ok_or_else(unauthenticated)?;
    let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    if sent != Some(s.csrf.as_str()) {
        return Err(problem(
            StatusCode::FORBIDDEN,
            "csrf",
            "Missing or wrong CSRF token",
            "send the session's csrf token in the X-CSRF-Token header",
        ));
    }
    Ok(s)
}

pub async fn login(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Json<Login>, JsonRejection>,
) -> Response {
    let Json(l) = match body {
        Ok(b) => b,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad-input",
                "Bad input",
                &e.body_text(),
            );
        }
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
        Ok(Ok(s)) => {
            let cookie = format!(
                "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                s.token,
                SESSION_HOURS * 3600,
                if behind_tls(&headers) { "; Secure" } else { "" }
            );
            (
                [(header::SET_COOKIE, cookie)],
                Json(serde_json::json!({"user": s.user, "csrf": s.csrf})),
            )
                .into_response()
        }
    }
}

pub async fn logout(State(app): State<App>, headers: HeaderMap) -> Response {
    let s = match writer(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.logout(&s.token).await {
        Ok(_) => (
            StatusCode::NO_CONTENT,
            [(
                header::SET_COOKIE,
                format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
            )],
        )
            .into_response(),
        Err(e) => app_problem(e),
    }
}

pub async fn me(State(app): State<App>, headers: HeaderMap) -> Response {
    match session(&app, &headers).await {
        Err(r) => r,
        Ok(None) => unauthenticated(),
        Ok(Some(s)) => Json(serde_json::json!({"user": s.user, "csrf": s.csrf})).into_response(),
    }
}

pub async fn act_on_match(
    State(app): State<App>,
    headers: HeaderMap,
    Path((startup, need, action)): Path<(String, String, String)>,
) -> Response {
    let s = match writer(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let action = match action.as_str() {
        "accept" => Action::Accept,
        "decline" => Action::Decline,
        "withdraw" => Action::Withdraw,
        a => {
            return problem(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                &format!("'{a}' is not an action: accept, decline or withdraw"),
            );
        }
    };
    match app
        .act_on_match(&s.user, &startup, &need, action, None)
        .await
    {
        Ok(change) => Json(change).into_response(),
        Err(e) => app_problem(e),
    }
}

pub async fn need(State(app): State<App>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let viewer = match session(&app, &headers).await {
        Ok(s) => s.map(|s| s.user),
        Err(r) => return r,
    };
    match app.need_for(viewer.as_ref(), &id).await {
        Ok(n) => Json(n).into_response(),
        Err(e) => app_problem(e),
    }
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
    headers: HeaderMap,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let s = match writer(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body: RunRound = if body.iter().all(u8::is_ascii_whitespace) {
        RunRound::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "bad-input",
                    "Bad input",
                    &e.to_string(),
                );
            }
        }
    };
    let policy = body.policy.unwrap_or_default();
    if let Err(m) = policy.validate() {
        return problem(StatusCode::BAD_REQUEST, "bad-input", "Bad policy", &m);
    }
    match app
        .run_round_as(&s.user, &name, &policy, body.dry_run)
        .await
    {
        Ok(summary) => Json(summary).into_response(),
        Err(e) => app_problem(e),
    }
}

pub async fn publish_round(
    State(app): State<App>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let s = match writer(&app, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match app.publish_round_as(&s.user, &name).await {
        Ok(n) => Json(serde_json::json!({"round": name, "matches": n})).into_response(),
        Err(e) => app_problem(e),
    }
}

#[derive(Deserialize)]
pub struct Top {
    top: Option<usize>,
}

pub async fn need_recommendations(
    State(app): State<App>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<Top>,
) -> Response {
    let s = match session(&app, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return unauthenticated(),
        Err(r) => return r,
    };
    let k = q.top.unwrap_or(10).clamp(1, 100);
    match app.recommendations_for_need_as(&s.user, &id, k).await {
        Ok(r) => Json(r).into_response(),
        Err(e) => app_problem(e),
    }
}
