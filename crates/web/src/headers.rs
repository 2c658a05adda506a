//! Security headers on every answer: a Content-Security-Policy that allows no inline
//! script (nor inline style outside the API explorer), no framing, no referrer beyond
//! this site, no MIME sniffing, HSTS when the request came over TLS, and `no-store` on
//! whatever may be private: every answer to a request with a session, an answer that
//! sets a cookie, and any file download.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of every page: only this site's own files, no inline script or style,
/// no plugins, forms post only here, and no one may frame us.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The Swagger UI at `/api/docs` sets styles inline from its scripts; its scripts are
/// still files of this site.
const CSP_API_DOCS: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn secure(req: Request, next: Next) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let tls = crate::caller::behind_tls(req.headers());
    // the style sheet is the same for everyone and stays cacheable
    let signed_in = crate::caller::cookie_value(req.headers(), crate::caller::COOKIE).is_some()
        && !req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let private = signed_in
        || h.contains_key(header::SET_COOKIE)
        || h.contains_key(header::CONTENT_DISPOSITION);
    if private {
        // neither the browser nor a proxy keeps a copy of someone's own pages or files
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let csp = if docs { CSP_API_DOCS } else { CSP };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}
