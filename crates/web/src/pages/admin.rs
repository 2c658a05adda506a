//! The program office's pages: matching rounds (run with a policy, review the
//! proposals with their reasons, publish), every pipeline, exports of every table, the
//! audit log.

use app::App;
use app::export::Format;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::{MatchingRound, Role};
use matching::policy::{Mode, Policy};
use serde::Deserialize;

use super::{Layout, app_error, done, message, need_login, render, url_encode};
use crate::caller::Caller;

/// Program managers only: others get a refusal page, visitors the login form.
fn admin_only(caller: &Caller, uri: &Uri) -> Result<(), Response> {
    match caller.user() {
        None => {
            Err(Redirect::to(&format!("/login?next={}", url_encode(uri.path()))).into_response())
        }
        Some(u) if u.role == Role::Admin => Ok(()),
        Some(_) => Err(message(
            caller,
            uri,
            StatusCode::FORBIDDEN,
            caller.lang.t(
                "프로그램 매니저만 볼 수 있습니다.",
                "Program managers only.",
            ),
            "/work",
        )),
    }
}

#[derive(Template)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub l: Layout,
    pub policy: Policy,
    pub rounds: Vec<MatchingRound>,
    pub audit: Vec<app::AuditRecord>,
    pub next_round: String,
    pub exports: Vec<&'static str>,
    /// The entry the "older" link pages from, when there are older ones.
    pub audit_older: Option<i64>,
}

/// Audit entries per page.
const AUDIT_PAGE: i64 = 50;

impl AdminPage {
    /// The scoring weights as the form shows them: (field, label, value).
    pub fn weights(&self) -> Vec<(&'static str, &'static str, f64)> {
        let w = &self.policy.weights;
        let t = |ko, en| self.l.t(ko, en);
        vec![
            ("w_text", t("설명 유사도", "description similarity"), w.text),
            (
                "w_technology",
                t("기술 일치", "technology overlap"),
                w.technology,
            ),
            ("w_industry", t("산업 일치", "industry fit"), w.industry),
            (
                "w_convergence",
                t("융합 가산", "convergence bonus"),
                w.convergence,
            ),
            ("w_stage", t("성장 단계", "stage fit"), w.stage),
            (
                "w_collaboration",
                t("협력 방식", "collaboration fit"),
                w.collaboration,
            ),
            ("w_cluster", t("같은 클러스터", "same cluster"), w.cluster),
            (
                "w_inter_cluster",
                t("클러스터 간 가산", "inter-cluster bonus"),
                w.inter_cluster,
            ),
            ("w_overseas", t("해외 진출", "overseas fit"), w.overseas),
        ]
    }
}

pub async fn home(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    if let Err(r) = admin_only(&caller, &uri) {
        return r;
    }
    let user = caller.user().expect("checked");
    let before = q.get("audit_before").and_then(|b| b.parse().ok());
    let (rounds, audit) = match tokio::try_join!(
        app.rounds().list(user),
        app.audit_log(user, AUDIT_PAGE + 1, before)
    ) {
        Ok(x) => x,
        Err(e) => return app_error(&caller, &uri, e, "/"),
    };
    let mut audit = audit;
    let audit_older = (audit.len() as i64 > AUDIT_PAGE).then(|| {
        audit.truncate(AUDIT_PAGE as usize);
        audit.last().map_or(0, |a| a.id)
    });
    let year = chrono::Local::now().format("%Y");
    render(&AdminPage {
        audit_older,
        l: Layout::new(&caller, &uri, ("프로그램 관리", "Program office")),
        policy: Policy::default(),
        rounds,
        audit,
        next_round: format!("round-{year}"),
        exports: vec![
            "startups",
            "enterprises",
            "needs",
            "outcomes",
            "matches",
            "kpi",
        ],
    })
}

#[derive(Deserialize)]
pub struct RunForm {
    #[serde(default)]
    csrf: String,
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    dry_run: Option<String>,
    #[serde(default)]
    floor: String,
    #[serde(default)]
    startup_cap: String,
    #[serde(default)]
    coverage_bonus: String,
    #[serde(default)]
    candidates_per_need: String,
    /// The scoring weights, `w_text`, `w_technology`, ... (empty: the default).
    #[serde(flatten)]
    weights: std::collections::HashMap<String, String>,
}

/// A number from a form field (empty: `default`), or which field is wrong.
fn number<T: std::str::FromStr>(field: &str, value: &str, default: T) -> Result<T, String> {
    match value.trim() {
        "" => Ok(default),
        v => v
            .parse()
            .map_err(|_| format!("{field}: '{v}' is not a number")),
    }
}

pub async fn run_round(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<RunForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let name = f.name.trim();
    if name.is_empty() || name.len() > 80 {
        return message(
            &caller,
            &uri,
            StatusCode::BAD_REQUEST,
            "name: a round needs a name of 1 to 80 characters",
            "/admin",
        );
    }
    let mode = match f.mode.as_str() {
        "stable-startups" => Mode::StableStartups,
        "stable-needs" => Mode::StableNeeds,
        _ => Mode::Optimal,
    };
    let d = Policy::default();
    let policy = (|| -> Result<Policy, String> {
        let dw = &d.weights;
        let w = |name: &str, default: f64| {
            let field = format!("w_{name}");
            number(
                &field,
                f.weights.get(&field).map_or("", String::as_str),
                default,
            )
        };
        let weights = matching::policy::Weights {
            text: w("text", dw.text)?,
            technology: w("technology", dw.technology)?,
            industry: w("industry", dw.industry)?,
            convergence: w("convergence", dw.convergence)?,
            stage: w("stage", dw.stage)?,
            collaboration: w("collaboration", dw.collaboration)?,
            cluster: w("cluster", dw.cluster)?,
            inter_cluster: w("inter_cluster", dw.inter_cluster)?,
            overseas: w("overseas", dw.overseas)?,
        };
        let p = Policy {
            mode,
            weights,
            floor: number("floor", &f.floor, d.floor)?,
            startup_cap: number("startup_cap", &f.startup_cap, d.startup_cap)?,
            coverage_bonus: number("coverage_bonus", &f.coverage_bonus, d.coverage_bonus)?,
            candidates_per_need: number(
                "candidates_per_need",
                &f.candidates_per_need,
                d.candidates_per_need,
            )?,
            ..d.clone()
        };
        p.validate()?;
        Ok(p)
    })();
    let policy = match policy {
        Ok(p) => p,
        Err(m) => return message(&caller, &uri, StatusCode::BAD_REQUEST, &m, "/admin"),
    };
    let dry = f.dry_run.is_some();
    match app
        .rounds()
        .run(&s.user, name, &policy, dry)
        .await
        .map(|r| r.summary)
    {
        Ok(sum) => done(
            &format!("/admin/rounds/{}", url_encode(name)),
            &format!(
                "{}: {} · {} ({:.1}%){}",
                name,
                caller.lang.count(sum.pairs, "건 제안", "proposals"),
                caller
                    .lang
                    .count(sum.startups_matched, "개 스타트업", "startups"),
                sum.startups_matched_share * 100.0,
                if dry {
                    caller
                        .lang
                        .t(" · 모의 실행(저장 안 함)", " · dry run, nothing stored")
                } else {
                    ""
                }
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, "/admin"),
    }
}

#[derive(Template)]
#[template(path = "round.html")]
pub struct RoundPage {
    pub l: Layout,
    pub name: String,
    pub published: bool,
    pub matches: Vec<app::MatchView>,
}

pub async fn round(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(name): Path<String>,
) -> Response {
    if let Err(r) = admin_only(&caller, &uri) {
        return r;
    }
    let user = caller.user().expect("checked");
    let filter = app::MatchFilter {
        round: Some(name.clone()),
        ..Default::default()
    };
    let (r, mut matches) = match tokio::try_join!(
        app.rounds().get(user, &name),
        app.pipeline().matches(user, filter)
    ) {
        Ok(x) => x,
        Err(e) => return app_error(&caller, &uri, e, "/admin"),
    };
    matches.sort_by(|a, b| b.score.total_cmp(&a.score));
    render(&RoundPage {
        l: Layout::new(&caller, &uri, ("매칭 라운드", "Matching round")),
        published: r.status == domain::RoundStatus::Published,
        name,
        matches,
    })
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn publish_round(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    match app.rounds().publish(&s.user, &name).await {
        Ok(n) => done(
            &format!("/admin/rounds/{}", url_encode(&name)),
            &format!(
                "{name}: {}",
                caller.lang.count(n, "건 공개", "proposals published")
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, "/admin"),
    }
}

/// `/admin/export/{kind}.{csv|xlsx}`: a table as a download.
pub async fn export(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(file): Path<String>,
) -> Response {
    if let Err(r) = admin_only(&caller, &uri) {
        return r;
    }
    let user = caller.user().expect("checked");
    match app.records().export_download(user, &file).await {
        Ok((format, bytes)) => download(&file, format, bytes),
        Err(e) => app_error(&caller, &uri, e, "/admin"),
    }
}

/// A file to save, named after what it holds.
pub fn download(file: &str, format: Format, bytes: Vec<u8>) -> Response {
    let mime = match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"innobridge-{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub l: Layout,
    pub kinds: Vec<&'static str>,
    pub report: Option<app::import::ImportReport>,
    pub error: Option<String>,
}

/// The largest file the import page takes.
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

fn import_page(
    caller: &Caller,
    uri: &Uri,
    report: Option<app::import::ImportReport>,
    error: Option<String>,
) -> ImportPage {
    ImportPage {
        l: Layout::new(caller, uri, ("가져오기", "Import")),
        kinds: vec!["startups", "enterprises", "needs", "outcomes"],
        report,
        error,
    }
}

pub async fn import_form(caller: Caller, uri: Uri) -> Response {
    if let Err(r) = admin_only(&caller, &uri) {
        return r;
    }
    render(&import_page(&caller, &uri, None, None))
}

/// Takes an uploaded CSV or XLSX file and imports it: the good rows are kept and each
/// bad one is listed with its row, column and reason.
pub async fn import(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    form: axum::extract::Multipart,
) -> Response {
    let refused = |status: StatusCode, msg: String| {
        (status, render(&import_page(&caller, &uri, None, Some(msg)))).into_response()
    };
    let fields = match super::read_multipart(form).await {
        Ok(f) => f,
        Err(m) => return refused(StatusCode::BAD_REQUEST, m),
    };
    let (csrf, kind) = (
        super::field_text(&fields, "csrf"),
        super::field_text(&fields, "kind"),
    );
    let file = fields
        .get("file")
        .map(|(name, b)| (name.clone().unwrap_or_default(), b.clone()));
    let Some(s) = caller.form_writer(&csrf) else {
        return need_login(&caller, &uri);
    };
    let kind = match domain::records::RecordKind::parse(&kind) {
        Ok(k) => k,
        Err(e) => return refused(StatusCode::BAD_REQUEST, format!("kind: {e}")),
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return refused(
            StatusCode::BAD_REQUEST,
            caller
                .lang
                .t("파일을 선택해 주세요.", "Choose a file.")
                .into(),
        );
    };
    let ext = name.rsplit('.').next().unwrap_or("").to_lowercase();
    if ext != "csv" && ext != "xlsx" {
        return refused(
            StatusCode::BAD_REQUEST,
            format!("file: '{name}' is neither .csv nor .xlsx"),
        );
    }
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            return refused(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("no room for the upload: {e}"),
            );
        }
    };
    let path = dir.path().join(format!("upload.{ext}"));
    if let Err(e) = tokio::fs::write(&path, &bytes).await {
        return refused(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("no room for the upload: {e}"),
        );
    }
    match app
        .records()
        .import_file(&s.user, kind, &path, &|_, _| {})
        .await
    {
        Ok(mut report) => {
            report.file = name;
            let status = if report.rejected.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (
                status,
                render(&import_page(&caller, &uri, Some(report), None)),
            )
                .into_response()
        }
        Err(app::AppError::Unusable(m)) => refused(
            StatusCode::BAD_REQUEST,
            m.replace(&path.display().to_string(), &name),
        ),
        Err(app::AppError::TooLarge(m)) => refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            m.replace(&path.display().to_string(), &name),
        ),
        Err(e) => app_error(&caller, &uri, e, "/admin/import"),
    }
}
