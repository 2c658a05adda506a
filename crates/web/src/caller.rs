//! Who is calling, read once per request: the session behind the cookie (if any), the
//! page language, whether the request came over TLS; and the CSRF check every write
//! passes (the `X-CSRF-Token` header for the API, a `csrf` form field for pages).

use app::App;
use app::accounts::Session;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use domain::User;

use crate::api::app_problem;
use crate::i18n::Lang;
use crate::problem;

/// The session cookie's name.
pub const COOKIE: &str = "innobridge_session";
/// The remembered language's cookie.
pub const LANG_COOKIE: &str = "lang";

pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The session cookie for `token` (empty and expired to end it).
pub fn session_cookie(token: &str, max_age: i64, tls: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if tls { "; Secure" } else { "" }
    )
}

/// The caller of any route.
pub struct Caller {
    pub session: Option<Session>,
    pub lang: Lang,
    pub tls: bool,
}

impl Caller {
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The session for an API write: there must be one, and the request must carry
    /// its CSRF token in `X-CSRF-Token`.
    pub fn api_writer(&self, headers: &HeaderMap) -> Result<&Session, Response> {
        let s = self.session.as_ref().ok_or_else(unauthenticated)?;
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

    /// The session for a form post: there must be one, and the form's `csrf` field
    /// must be its token. None otherwise (the page handler answers).
    pub fn form_writer(&self, csrf: &str) -> Option<&Session> {
        self.session
            .as_ref()
            .filter(|s| !csrf.is_empty() && s.csrf == csrf)
    }
}

impl FromRequestParts<App> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let headers = &parts.headers;
        let session = match cookie_value(headers, COOKIE) {
            None => None,
            Some(token) => app.session(token).await.map_err(app_problem)?,
        };
        let query_lang = crate::pages::query_value(parts.uri.query(), "lang");
        let lang = Lang::from_request(query_lang.as_deref(), cookie_value(headers, LANG_COOKIE));
        Ok(Caller {
            session,
            lang,
            tls: behind_tls(headers),
        })
    }
}

pub fn unauthenticated() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "Log in first",
        "this needs a session: POST /api/v1/session with e-mail and password",
    )
}
