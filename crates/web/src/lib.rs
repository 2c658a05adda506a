//! HTTP front end: the server-rendered pages (public, each role's work, the program
//! office) and the JSON API under `/api/v1`. Everything here calls the `app` crate,
//! which decides who may do what; nothing here touches SQL.

mod api;
mod caller;
mod calls_api;
mod extract;
mod flash;
mod headers;
mod i18n;
mod openapi;
// page handlers return early with a ready HTML `Response` as their error; boxing it
// buys nothing
#[allow(clippy::result_large_err)]
mod pages;
mod problem;
mod program_api;
mod telemetry;

use std::net::SocketAddr;

use app::App;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};

use crate::problem::{ApiError, ApiResult};

/// An application form with its files: the largest attachment a call may ask for, and
/// room for the rest of the form.
const ATTACHMENT_FORM_LIMIT: usize = domain::screening::MAX_ATTACHMENT_BYTES as usize + 1024 * 1024;

/// The router with every route, for `serve` and for tests.
pub fn router(app: App) -> Router {
    let routes = Router::new()
        .route("/healthz", get(healthz))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/", get(pages::kpi::kpi_page))
        .route("/kpi", get(pages::kpi::kpi_page))
        .route("/startups", get(pages::public::directory))
        .route("/startups/{id}", get(pages::public::startup_profile))
        .route("/needs", get(pages::public::needs_board))
        .route("/needs/{id}", get(pages::public::need_page))
        .route(
            "/login",
            get(pages::public::login_form).post(pages::public::login),
        )
        .route("/logout", post(pages::public::logout))
        .route(
            "/password-reset",
            get(pages::public::reset_request_form).post(pages::public::request_reset),
        )
        .route(
            "/password-reset/{token}",
            get(pages::public::reset_form).post(pages::public::reset_password),
        )
        .route("/lang/{code}", get(pages::public::switch_lang))
        .route("/work", get(pages::work::work))
        .route(
            "/work/matches/{startup}/{need}/{action}",
            post(pages::work::move_match),
        )
        .route("/work/outcomes", post(pages::work::record_outcome))
        .route("/work/profile", get(pages::editor::profile_form))
        .route("/work/needs/new", get(pages::editor::need_form))
        .route("/work/needs/{id}", get(pages::editor::need_form))
        .route("/work/records/{kind}", post(pages::editor::save))
        .route(
            "/events",
            get(pages::forum::events).post(pages::forum::save_event),
        )
        .route("/events/{code}", get(pages::forum::event))
        .route("/events/{code}/register", post(pages::forum::register))
        .route("/events/{code}/cancel", post(pages::forum::cancel))
        .route(
            "/events/{code}/availability",
            post(pages::forum::availability),
        )
        .route("/events/{code}/requests", post(pages::forum::request))
        .route("/events/{code}/schedule", post(pages::forum::schedule))
        .route("/events/{code}/agenda", get(pages::forum::agenda))
        .route("/events/{code}/agenda.ics", get(pages::forum::agenda_file))
        .route("/events/requests/{id}/{action}", post(pages::forum::answer))
        .route(
            "/clusters",
            get(pages::clusters::clusters).post(pages::clusters::save_cluster),
        )
        .route("/clusters/{code}", get(pages::clusters::cluster))
        .route("/kpi/{file}", get(pages::clusters::matrix_csv))
        .route(
            "/centers",
            get(pages::centers::centers).post(pages::centers::save_center),
        )
        .route("/centers/{code}", get(pages::centers::center))
        .route("/centers/{code}/apply", post(pages::centers::apply))
        .route(
            "/centers/{code}/outcomes",
            post(pages::centers::record_outcome),
        )
        .route(
            "/centers/applications/{id}/{action}",
            post(pages::centers::decide),
        )
        .route(
            "/calls",
            get(pages::calls::calls).post(pages::calls::create),
        )
        .route("/calls/{code}", get(pages::calls::call))
        .route(
            "/calls/{code}/apply",
            post(pages::calls::apply)
                .layer(axum::extract::DefaultBodyLimit::max(ATTACHMENT_FORM_LIMIT)),
        )
        .route(
            "/calls/{code}/evaluators",
            post(pages::calls::add_evaluator),
        )
        .route(
            "/calls/{code}/stage/{action}",
            post(pages::calls::stage_action),
        )
        .route("/calls/{code}/decide", post(pages::calls::decide))
        .route("/calls/{code}/reviews", get(pages::calls::reviews))
        .route("/calls/{code}/export.xlsx", get(pages::calls::workbook))
        .route("/calls/reviews/{id}", post(pages::calls::score))
        .route("/calls/conflicts", post(pages::calls::conflict))
        .route("/calls/propose", post(pages::calls::propose))
        .route("/calls/applications/{id}/route", post(pages::calls::route))
        .route(
            "/calls/applications/{id}/withdraw",
            post(pages::calls::withdraw),
        )
        .route(
            "/calls/applications/{id}/files/{key}",
            get(pages::calls::file),
        )
        .route("/inbox", get(pages::calls::inbox))
        .route("/admin", get(pages::admin::home))
        .route("/admin/rounds", post(pages::admin::run_round))
        .route("/admin/rounds/{name}", get(pages::admin::round))
        .route(
            "/admin/rounds/{name}/publish",
            post(pages::admin::publish_round),
        )
        .route("/admin/export/{file}", get(pages::admin::export))
        .route(
            "/admin/import",
            get(pages::admin::import_form)
                .post(pages::admin::import)
                .layer(axum::extract::DefaultBodyLimit::max(
                    pages::admin::IMPORT_LIMIT,
                )),
        )
        .merge(openapi::swagger_ui())
        .route("/api/v1/kpi", get(api_kpi))
        .route("/api/v1/kpi/breakdowns", get(api_breakdowns))
        .route("/api/v1/session", post(api::login).delete(api::logout))
        .route("/api/v1/password-reset", post(api::request_reset))
        .route("/api/v1/password-reset/{token}", post(api::reset_password))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/matches", get(api::matches))
        .route(
            "/api/v1/matches/{startup}/{need}/{action}",
            post(api::act_on_match),
        )
        .route(
            "/api/v1/outcomes",
            get(api::outcomes).post(api::record_outcome),
        )
        .route("/api/v1/clusters", get(api::clusters))
        .route("/api/v1/centers", get(api::centers))
        .route(
            "/api/v1/events",
            get(api::events).post(program_api::save_event),
        )
        .route("/api/v1/events/{code}", get(program_api::event))
        .route(
            "/api/v1/events/{code}/registration",
            post(program_api::register),
        )
        .route(
            "/api/v1/events/{code}/availability",
            put(program_api::availability),
        )
        .route(
            "/api/v1/events/{code}/requests",
            get(program_api::requests).post(program_api::request),
        )
        .route(
            "/api/v1/events/{code}/schedule",
            post(program_api::schedule),
        )
        .route("/api/v1/events/{code}/agenda", get(program_api::agenda))
        .route(
            "/api/v1/events/{code}/agenda.ics",
            get(program_api::agenda_ics),
        )
        .route(
            "/api/v1/meeting-requests/{id}/{action}",
            post(program_api::answer_request),
        )
        .route("/api/v1/calls", get(calls_api::calls))
        .route(
            "/api/v1/calls/{code}",
            get(calls_api::call).put(calls_api::put_call),
        )
        .route(
            "/api/v1/calls/{code}/applications",
            get(calls_api::applications),
        )
        .route("/api/v1/calls/{code}/application", put(calls_api::apply))
        .route(
            "/api/v1/applications/{id}/withdraw",
            post(calls_api::withdraw),
        )
        .route(
            "/api/v1/applications/{id}/files/{key}",
            get(calls_api::get_file)
                .put(calls_api::put_file)
                .layer(axum::extract::DefaultBodyLimit::max(ATTACHMENT_FORM_LIMIT)),
        )
        .route(
            "/api/v1/calls/{code}/evaluators",
            post(calls_api::add_evaluator),
        )
        .route("/api/v1/conflicts", post(calls_api::conflict))
        .route("/api/v1/calls/{code}/assign", post(calls_api::assign))
        .route("/api/v1/calls/{code}/reviews", get(calls_api::my_reviews))
        .route("/api/v1/reviews/{id}", post(calls_api::score))
        .route(
            "/api/v1/calls/{code}/stage/{action}",
            post(calls_api::stage),
        )
        .route("/api/v1/calls/{code}/standings", get(calls_api::standings))
        .route("/api/v1/calls/{code}/decide", post(calls_api::decide))
        .route("/api/v1/inbox", get(calls_api::inbox))
        .route("/api/v1/proposals", post(calls_api::propose))
        .route("/api/v1/calls/{code}/export.xlsx", get(calls_api::workbook))
        .route("/api/v1/kpi/funnel", get(calls_api::funnel))
        .route("/api/v1/applications/{id}/route", post(calls_api::route))
        .route("/api/v1/inbox/read", post(calls_api::read_inbox))
        .route(
            "/api/v1/clusters/{code}",
            get(program_api::cluster).put(program_api::put_cluster),
        )
        .route(
            "/api/v1/centers/{code}",
            get(program_api::center).put(program_api::put_center),
        )
        .route(
            "/api/v1/centers/{code}/applications",
            get(program_api::applications).post(program_api::apply),
        )
        .route(
            "/api/v1/centers/{code}/outcomes",
            post(program_api::record_outcome),
        )
        .route(
            "/api/v1/center-applications/{id}/{action}",
            post(program_api::decide),
        )
        .route(
            "/api/v1/startups/{id}",
            get(api::startup)
                .put(api::put_startup)
                .delete(api::delete_startup),
        )
        .route(
            "/api/v1/enterprises/{id}",
            get(api::enterprise).put(api::put_enterprise),
        )
        .route("/api/v1/export/{file}", get(api::export))
        .route("/api/v1/needs", post(api::post_need))
        .route(
            "/api/v1/needs/{id}",
            get(api::need).put(api::put_need).delete(api::delete_need),
        )
        .route(
            "/api/v1/needs/{id}/recommendations",
            get(api::need_recommendations),
        )
        .route("/api/v1/rounds/{name}/run", post(api::run_round))
        .route("/api/v1/rounds/{name}/publish", post(api::publish_round))
        .fallback(not_found)
        .layer(axum::middleware::from_fn(flash::clear_shown))
        .layer(axum::middleware::from_fn(refuse_unusable_requests))
        .layer(axum::middleware::from_fn(problems_for_rejections))
        .layer(axum::middleware::from_fn(headers::secure))
        .with_state(app);
    telemetry::traced(routes)
}

/// Serves until Ctrl-C, with the background jobs `jobs` configures running (see
/// `app::jobs`) and stopped after the last request has been answered; `ready` is told
/// the bound address (useful with port 0).
pub async fn serve(
    app: App,
    addr: SocketAddr,
    jobs: app::jobs::JobsConfig,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let jobs = app::jobs::Jobs::start(app.clone(), jobs);
    ready(listener.local_addr()?);
    // the peer's address reaches the handlers: logins are counted per client
    let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, service)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    jobs.stop().await;
    served
}

async fn healthz(State(app): State<App>) -> Response {
    if app.healthy().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

#[utoipa::path(get, path = "/api/v1/kpi", tag = "kpi",
    responses((status = 200, description = "The program's KPIs against their targets", body = domain::kpi::Kpis)))]
async fn api_kpi(State(app): State<App>) -> ApiResult<axum::Json<domain::kpi::Kpis>> {
    let kpis = app
        .kpi()
        .figures()
        .await
        .map_err(|e| ApiError::unavailable("kpi-unavailable", "KPIs unavailable", &e))?;
    Ok(axum::Json(kpis))
}

#[utoipa::path(get, path = "/api/v1/kpi/breakdowns", tag = "kpi",
    responses((status = 200, description = "Accepted matches by cluster and industry, and the convergence (industry × industry) and inter-cluster (cluster × cluster) matrices", body = domain::kpi::Breakdowns)))]
async fn api_breakdowns(State(app): State<App>) -> ApiResult<axum::Json<domain::kpi::Breakdowns>> {
    Ok(axum::Json(app.kpi().breakdowns().await?))
}

async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::not_found(format!("no resource at {}", uri.path())).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            axum::response::Html(pages::not_found_html()),
        )
            .into_response()
    }
}

/// The longest request target taken (hyper itself answers a bare 414 past 64 KiB).
const MAX_URI_BYTES: usize = 8 * 1024;

/// Turns away, before routing, what no handler can use: a request target longer than
/// [`MAX_URI_BYTES`] (414) and a path whose decoded segments hold control characters
/// (400; a newline in a segment would otherwise end up in a header such as `Location`).
/// On the API the refusal becomes problem+json like any other.
async fn refuse_unusable_requests(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let refuse = |status: StatusCode, ko: &str, en: &str| {
        let html = format!(
            "<!doctype html><meta charset=utf-8><title>{}</title><p>{ko} / {en} <a href=\"/\">innobridge</a>",
            status.as_u16()
        );
        (status, axum::response::Html(html)).into_response()
    };
    let uri = req.uri();
    let length = uri.path_and_query().map_or(0, |p| p.as_str().len());
    if length > MAX_URI_BYTES {
        let en = format!("the address is longer than {MAX_URI_BYTES} bytes");
        return if uri.path().starts_with("/api/") {
            ApiError::new(
                StatusCode::URI_TOO_LONG,
                "uri-too-long",
                "Address too long",
                en,
            )
            .into_response()
        } else {
            refuse(StatusCode::URI_TOO_LONG, "주소가 너무 깁니다.", &en)
        };
    }
    if percent_encoding::percent_decode_str(uri.path()).any(|b| b.is_ascii_control()) {
        let en = "the address holds a control character (such as a newline)";
        return if uri.path().starts_with("/api/") {
            ApiError::bad_input(en).into_response()
        } else {
            refuse(
                StatusCode::BAD_REQUEST,
                "주소에 쓸 수 없는 문자(줄바꿈 등)가 있습니다.",
                en,
            )
        };
    }
    next.run(req).await
}

/// The API answers every refusal with problem+json, including those the framework
/// makes before a handler runs (a path segment that is not a number, a query that
/// does not parse, a body that is too large): their plain text becomes the detail.
async fn problems_for_rejections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    let asked = format!("{} {}", req.method(), req.uri().path());
    let res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !api || is_problem || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let bytes = axum::body::to_bytes(res.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let detail = match text.trim() {
        // what broke is for the log, not the client
        t if status.is_server_error() => {
            tracing::error!("{asked}: {status}: {t}");
            problem::UNAVAILABLE_DETAIL.to_string()
        }
        "" if status == StatusCode::METHOD_NOT_ALLOWED => {
            format!("{asked}: not a method this resource takes")
        }
        "" => format!("{asked}: {status}"),
        t => t.to_string(),
    };
    let (kind, title) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "The body is too large"),
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "Method not allowed"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported-media-type", "Unsupported media type"),
        s if s.is_server_error() => ("unavailable", "Unavailable"),
        _ => ("bad-input", "Bad input"),
    };
    let status = if status == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        StatusCode::BAD_REQUEST
    } else {
        status
    };
    ApiError::new(status, kind, title, detail).into_response()
}
