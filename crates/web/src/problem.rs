//! One error path for the API: every refusal a handler, an extractor or a middleware
//! makes is an [`ApiError`], rendered in one place (its `IntoResponse`) as RFC 9457
//! problem+json with a stable `type`. An [`AppError`] becomes one with `?`, mapped
//! here once; a failure of the service itself (the database, the search index) is
//! logged here and answered without its detail, which may hold SQL or file paths.

use app::AppError;
use app::accounts::LoginError;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where the problem types live: a problem's `type` is this followed by its kind.
pub const PROBLEM_TYPES: &str = "https://innobridge.example/problems/";

/// What an API handler answers: its value, or the problem that refuses the request.
pub type ApiResult<T> = Result<T, ApiError>;

/// A refusal on its way to the client as problem+json.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    /// The stable last segment of the problem's `type`.
    kind: &'static str,
    title: &'static str,
    detail: String,
    /// Each wrong field and why (for invalid fields, 422).
    errors: Vec<domain::FieldError>,
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
    /// For invalid fields (422): each field that is wrong and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InvalidField>,
}

/// A field of a record that cannot be saved as given.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct InvalidField {
    pub field: String,
    pub reason: String,
}

/// What a failure of the service tells the client: nothing of its cause.
pub(crate) const UNAVAILABLE_DETAIL: &str = "the service could not answer; try again";

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            title,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// Input that cannot be used: a path, query or body that does not parse or
    /// names something that is not allowed there.
    pub fn bad_input(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-input", "Bad input", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// A request that needs a session and came without one.
    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Log in first",
            "this needs a session: POST /api/v1/session with e-mail and password",
        )
    }

    /// A write whose `X-CSRF-Token` is not its session's token.
    pub fn csrf_mismatch() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "Missing or wrong CSRF token",
            "send the session's csrf token in the X-CSRF-Token header",
        )
    }

    /// A failure of the service, logged with its cause; the client learns only that
    /// it may try again, under the problem kind `kind`.
    pub fn unavailable(kind: &'static str, title: &'static str, cause: &AppError) -> Self {
        tracing::error!("{cause}");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            kind,
            title,
            UNAVAILABLE_DETAIL,
        )
    }

    /// A request whose handler panicked: a bug of ours, logged with what it said; the
    /// client is told only that it failed, as 500 problem+json, and the server goes on.
    pub fn panicked(said: Box<dyn std::any::Any + Send + 'static>) -> Response {
        let said = said
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| said.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        tracing::error!(panic = said, "a request's handler panicked");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the request failed; it has been logged",
        )
        .into_response()
    }

    /// A body the framework could not take, with its own words as the detail: too
    /// large (413) or unreadable (400).
    fn rejected_body(status: StatusCode, text: String) -> Self {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            Self::new(status, "too-large", "The body is too large", text)
        } else {
            Self::bad_input(text)
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What the client is told about the refusal.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The problem+json body.
    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("{PROBLEM_TYPES}{}", self.kind),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            errors: self
                .errors
                .iter()
                .map(|e| InvalidField {
                    field: e.field.clone(),
                    reason: e.reason.clone(),
                })
                .collect(),
        }
    }
}

impl From<AppError> for ApiError {
    /// Bad input 400, not entitled 403, unknown 404, refused by the rules 409, changed
    /// since it was read 412, too large 413, invalid fields 422, a login refused 401 or (locked) 429, a failure
    /// of the service 503.
    fn from(e: AppError) -> Self {
        // what the app says of a refusal is for the client; of a failure, it is not
        let said = e.to_string();
        match e {
            AppError::Unusable(_) => Self::bad_input(said),
            AppError::Conflict(_) => Self::new(StatusCode::CONFLICT, "refused", "Refused", said),
            AppError::Changed(_) => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "changed",
                "Changed since it was read",
                said,
            ),
            AppError::InvalidFields(errors) => Self {
                errors,
                ..Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-fields",
                    "Invalid fields",
                    said,
                )
            },
            AppError::TooLarge(_) => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Too large",
                said,
            ),
            AppError::NotFound(_) => Self::not_found(said),
            AppError::Forbidden(_) => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", said)
            }
            AppError::Login(LoginError::Wrong) => Self::new(
                StatusCode::UNAUTHORIZED,
                "login-failed",
                "Login failed",
                said,
            ),
            AppError::Login(LoginError::Locked) => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "login-locked",
                "Too many failed logins",
                said,
            ),
            e @ (AppError::Store(_) | AppError::Search(_)) => {
                Self::unavailable("unavailable", "Temporarily unavailable", &e)
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        Self::rejected_body(e.status(), e.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(e: BytesRejection) -> Self {
        Self::rejected_body(e.status(), e.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // a problem is strings and a number: serialising it cannot fail
        let body = serde_json::to_string(&self.problem()).unwrap_or_default();
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use app::StoreError;

    use super::*;

    #[test]
    fn every_app_error_has_its_status_and_stable_type() {
        let field = domain::FieldError::new("founded", "not a date");
        for (e, status, kind) in [
            (AppError::Unusable("no header".into()), 400, "bad-input"),
            (AppError::Conflict("an illegal move".into()), 409, "refused"),
            (
                AppError::Changed("changed meanwhile".into()),
                412,
                "changed",
            ),
            (AppError::InvalidFields(vec![field]), 422, "invalid-fields"),
            (AppError::TooLarge("past 10 MB".into()), 413, "too-large"),
            (AppError::NotFound("no need nd-1".into()), 404, "not-found"),
            (AppError::Forbidden("not yours".into()), 403, "forbidden"),
            (AppError::Login(LoginError::Wrong), 401, "login-failed"),
            (AppError::Login(LoginError::Locked), 429, "login-locked"),
            (
                AppError::Store(StoreError::Corrupt("x".into())),
                503,
                "unavailable",
            ),
            (AppError::Search("index gone".into()), 503, "unavailable"),
        ] {
            let said = e.to_string();
            let p = ApiError::from(e).problem();
            assert_eq!(p.status, status, "{said}");
            assert_eq!(p.kind, format!("{PROBLEM_TYPES}{kind}"), "{said}");
            assert!(!p.title.is_empty() && !p.detail.is_empty(), "{said}");
            if status < 500 {
                assert_eq!(p.detail, said, "a refusal says why");
            }
        }
    }

    #[test]
    fn invalid_fields_are_listed_each_with_its_reason() {
        let e = AppError::InvalidFields(vec![
            domain::FieldError::new("founded", "not a date"),
            domain::FieldError::new("email", "not an e-mail address"),
        ]);
        let body = serde_json::to_value(ApiError::from(e).problem()).unwrap();
        assert_eq!(
            body["detail"],
            "founded: not a date; email: not an e-mail address"
        );
        assert_eq!(body["errors"][1]["field"], "email");
        assert_eq!(body["errors"][1]["reason"], "not an e-mail address");
        // other problems carry no `errors` at all
        let body = serde_json::to_value(ApiError::not_found("nothing").problem()).unwrap();
        assert!(body.get("errors").is_none(), "{body}");
    }

    #[test]
    fn a_failure_of_the_service_never_shows_its_cause() {
        let sql = "near \"SELEKT\": syntax error in SELECT hash FROM users WHERE email = $1";
        let path = "/var/lib/innobridge/index/meta.json";
        for e in [
            AppError::Store(StoreError::Corrupt(format!("{sql} ({path})"))),
            AppError::Search(format!("cannot open {path}")),
        ] {
            let res = ApiError::from(e);
            assert!(res.status().is_server_error());
            let body = serde_json::to_string(&res.problem()).unwrap();
            for secret in ["SELECT", "users", "/var/lib", "meta.json", "syntax"] {
                assert!(!body.contains(secret), "{secret} leaked: {body}");
            }
        }
    }
}
