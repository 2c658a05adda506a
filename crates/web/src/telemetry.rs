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
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// Wraps a router so that each request gets an id and a span (see the module docs), and
/// a handler's panic is answered as a 500 problem instead of a dropped connection.
pub fn traced(router: axum::Router) -> axum::Router {
    router
        // a panic becomes a logged 500 inside the request's span, not a dropped connection
        .layer(CatchPanicLayer::custom(crate::problem::ApiError::panicked))
        // copies the id onto the answer
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

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn panics() -> &'static str {
        panic!("a bug")
    }

    #[tokio::test]
    async fn a_panicking_handler_is_answered_500_with_a_problem() {
        let router = traced(axum::Router::new().route("/boom", get(panics)));
        let req = Request::builder().uri("/boom").body(Body::empty()).unwrap();
        let res = router.oneshot(req).await.unwrap();
        assert_eq!(res.status(), 500);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert!(res.headers().contains_key("x-request-id"));
        let body = axum::body::to_bytes(res.into_body(), 1 << 16)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["type"], "https://innobridge.example/problems/internal");
        assert!(
            !body.to_string().contains("a bug"),
            "the cause stays in the log"
        );
    }
}
