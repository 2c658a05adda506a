//! What API handlers take from a request instead of checking it themselves, each
//! refusing with an [`ApiError`]: the signed-in session ([`SignedIn`]; 401 without
//! one), a write's session whose CSRF token the request echoes ([`Writer`]; 401, or
//! 403 without the token) and a JSON body ([`JsonBody`], [`OptionalJsonBody`]; 400,
//! or 413 when too large).
//!
//! Axum runs a handler's extractors in the order of its arguments. Handlers list the
//! path and query first (a malformed one is 400 whoever asks), then the session, and
//! the body last: a write that is not allowed is refused before its body is read.

use app::App;
use app::accounts::Session;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::caller::session_of;
use crate::problem::ApiError;

/// The caller's session, for a read that needs one.
pub struct SignedIn(pub Session);

impl FromRequestParts<App> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        session_of(parts, app)
            .await?
            .map(SignedIn)
            .ok_or_else(ApiError::unauthenticated)
    }
}

/// The caller's session for a write: the request carries its CSRF token in
/// `X-CSRF-Token`.
pub struct Writer(pub Session);

impl FromRequestParts<App> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let SignedIn(session) = SignedIn::from_request_parts(parts, app).await?;
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        if sent != Some(session.csrf.as_str()) {
            return Err(ApiError::csrf_mismatch());
        }
        Ok(Writer(session))
    }
}

/// The version a write builds on, from `If-Match` (the `ETag` its read answered):
/// `None` without the header, when any version will do. A list of several, `*` or a
/// weak tag is not a version a save can check and is refused (400).
pub struct IfMatch(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let value = String::from_utf8_lossy(value.as_bytes());
        let value = value.trim();
        // a weak tag says the record may differ: never enough to save over (RFC 9110)
        match value.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            Some(version) if !version.is_empty() && !version.contains('"') => {
                Ok(IfMatch(Some(version.to_string())))
            }
            _ => Err(ApiError::bad_input(format!(
                "If-Match must be one strong ETag as a read answered it (\"…\"), not '{}'",
                value.chars().take(80).collect::<String>()
            ))),
        }
    }
}

/// The `ETag` header of a record as the caller was shown it, given as its cells
/// (`domain::records::need_cells`…).
pub fn etag(cells: &[String]) -> [(axum::http::HeaderName, String); 1] {
    [(
        axum::http::header::ETAG,
        format!("\"{}\"", app::records::version_of_cells(cells)),
    )]
}

/// A JSON body (`Content-Type: application/json`): malformed JSON or a field the
/// type does not have is 400; a field of the wrong type is 422 with the field's path
/// under `errors`, as a field that breaks a record's rules is.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<serde_json::Value>::from_request(req, state).await?;
        typed(value).map(JsonBody)
    }
}

/// Every body the API takes is an object: a list (`[]`) would otherwise read as a struct
/// with every field left out, and a save of nothing answered 200.
fn typed<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::bad_input(
            "the body is a JSON object ({\"field\": value, …})",
        ));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let reason = e.inner().to_string();
        if reason.starts_with("unknown field") {
            return ApiError::bad_input(reason);
        }
        let field = match e.path().to_string() {
            root if root == "." => "body".to_string(),
            path => path,
        };
        ApiError::from(app::AppError::InvalidFields(vec![domain::FieldError::new(
            field, reason,
        )]))
    })
}

/// A JSON body that may be left empty (then `T::default()`), whatever its content
/// type says.
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(T::default()));
        }
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_input(e.to_string()))?;
        typed(value).map(OptionalJsonBody)
    }
}
