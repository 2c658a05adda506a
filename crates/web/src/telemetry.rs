//! What a request did, for the logs: every request runs in a `request` span carrying its
//! method, route, request id, and, once answered, its status and latency. The id comes
//! from the `x-request-id` header a proxy set, or is made here, and is sent back on the
//! answer so that a user's report can be found in the logs.
//!
//! The route is the matched pattern (`/password-reset/{token}`), never the address as
//! sent, so tokens and ids in paths stay out of the logs; only an unmatched address
//! (a 404) is logged as it came.

use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Response;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// Wraps a router so that each request gets an id and a span (see the module docs).
pub fn traced(router: axum::Router) -> axum::Router {
    router
        // the innermost of the three: copies the id onto the answer
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_request(())
                .on_response(answered)
                .on_failure(()),
        )
        // the outermost: the id exists before the span is made
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

fn request_span(req: &Request) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str())
        .unwrap_or_else(|| req.uri().path());
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "request",
        method = %req.method(),
        route,
        request_id,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

fn answered<B>(res: &Response<B>, latency: Duration, span: &Span) {
    let status = res.status().as_u16();
    let latency_ms = latency.as_secs_f64() * 1000.0;
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    if res.status().is_server_error() {
        tracing::error!(status, latency_ms, "answered");
    } else {
        tracing::info!(status, latency_ms, "answered");
    }
}
