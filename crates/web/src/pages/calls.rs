//! Open calls' pages: the list, a call's page (a startup's application form with its
//! files; the organiser's applications, evaluators, assignment, stage closing, ranking
//! beside the engine's fit and decisions), an evaluator's review sheets with conflict
//! declarations, file downloads, and everyone's inbox.

use std::collections::{BTreeMap, HashMap};

use app::App;
use app::calls::{Assignment, RankedEntry, runs_call};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::screening::{
    AttachmentSpec, Call, CallApplication, Notification, Question, Rubric, default_stages,
};
use domain::{CallApplicationStatus, Role, Track};
use serde::Deserialize;

use super::{
    CsrfForm, Layout, app_error, done, field_text, message, need_login, read_multipart, render,
};
use crate::caller::Caller;
use crate::problem::ApiError;

#[derive(Template)]
#[template(path = "calls.html")]
pub struct CallsPage {
    pub l: Layout,
    pub calls: Vec<Call>,
    /// The enterprise member's needs, for a new call.
    pub needs: Vec<domain::Need>,
    pub may_create: bool,
    /// (id, name) of every enterprise, for a startup's proposal.
    pub enterprises: Vec<(String, String)>,
    pub startup_member: bool,
    pub now: chrono::DateTime<chrono::Utc>,
}

impl CallsPage {
    pub fn track(&self, t: &Track) -> &'static str {
        self.l.t(t.label_ko(), t.label_en())
    }
    pub fn is_open(&self, c: &Call) -> bool {
        c.is_open(self.now)
    }
}

pub async fn calls(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    let calls = match app.calls().list().await {
        Ok(c) => c,
        Err(e) => return app_error(&caller, &uri, e, "/"),
    };
    let user = caller.user();
    let needs = match user.and_then(|u| u.enterprise_id.as_deref()) {
        Some(e) => match app
            .discovery()
            .needs_of(&domain::EnterpriseId::from(e))
            .await
        {
            Ok(n) => n,
            Err(e) => return app_error(&caller, &uri, e, "/"),
        },
        None => vec![],
    };
    let startup_member = user.is_some_and(|u| u.role == Role::StartupMember);
    let enterprises = if startup_member {
        match app.discovery().enterprise_names().await {
            Ok(m) => {
                let mut v: Vec<(String, String)> = m.into_iter().collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                v
            }
            Err(e) => return app_error(&caller, &uri, e, "/"),
        }
    } else {
        vec![]
    };
    render(&CallsPage {
        l: Layout::new(&caller, &uri, ("공모와 심사", "Open calls")),
        calls,
        needs,
        enterprises,
        startup_member,
        may_create: user.is_some_and(|u| matches!(u.role, Role::Admin | Role::EnterpriseMember)),
        now: chrono::Utc::now(),
    })
}

#[derive(Deserialize)]
pub struct NewCallForm {
    #[serde(default)]
    csrf: String,
    code: String,
    title: String,
    #[serde(default)]
    need_id: String,
    #[serde(default)]
    description: String,
    /// YYYY-MM-DD; the call closes at the end of that day in Seoul.
    deadline: String,
    /// One question a line; a leading `*` marks it required.
    #[serde(default)]
    questions: String,
    #[serde(default)]
    deck: Option<String>,
    #[serde(default)]
    deck_mb: String,
    #[serde(default)]
    reviews: String,
}

/// An enterprise member opens a call on one of its needs (a program manager, an
/// on-demand call); the form covers the usual call, the API every option.
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<NewCallForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let bad = |m: String| message(&caller, &uri, StatusCode::BAD_REQUEST, &m, "/calls");
    let Ok(day) = f.deadline.trim().parse::<chrono::NaiveDate>() else {
        return bad(format!(
            "deadline: '{}' is not a date (YYYY-MM-DD)",
            f.deadline
        ));
    };
    // the end of that day in Seoul
    let deadline = day
        .and_hms_opt(23, 59, 59)
        .expect("valid")
        .and_local_timezone(crate::i18n::seoul())
        .single()
        .expect("a fixed offset maps each local time to one moment")
        .with_timezone(&chrono::Utc);
    let questions = f
        .questions
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let text = l.trim_start_matches('*').trim();
            Question {
                key: format!("q{}", i + 1),
                ko: text.into(),
                en: text.into(),
                required: l.starts_with('*'),
            }
        })
        .collect();
    let mb: u64 = f.deck_mb.trim().parse().unwrap_or(10);
    let attachments = f
        .deck
        .is_some()
        .then(|| AttachmentSpec {
            key: "deck".into(),
            ko: "피치덱 (PDF)".into(),
            en: "Pitch deck (PDF)".into(),
            required: true,
            types: vec!["application/pdf".into()],
            max_bytes: mb.clamp(1, 25) * 1024 * 1024,
        })
        .into_iter()
        .collect();
    let user = &s.user;
    let need_id = Some(f.need_id.trim().to_string()).filter(|n| !n.is_empty());
    let call = Call {
        code: f.code.trim().into(),
        track: if user.role == Role::Admin {
            Track::OnDemand
        } else {
            Track::TopDown
        },
        need_id: need_id.map(Into::into),
        enterprise_id: user.enterprise_id.clone(),
        enterprises: vec![],
        title: f.title.trim().to_string(),
        description: Some(f.description.trim().to_string()).filter(|d| !d.is_empty()),
        deadline,
        questions,
        attachments,
        rubric: Rubric::default(),
        stages: default_stages(),
        stage: 0,
        stage_open: true,
        reviews_per_application: f.reviews.trim().parse().unwrap_or(2),
    };
    match app.calls().save(user, &call).await {
        Ok(()) => done(
            &format!("/calls/{}", call.code),
            caller.lang.t("공모를 열었습니다", "Call opened"),
        ),
        Err(e) => app_error(&caller, &uri, e, "/calls"),
    }
}

#[derive(Deserialize)]
pub struct ProposalForm {
    #[serde(default)]
    csrf: String,
    enterprise_id: domain::EnterpriseId,
    proposal: String,
}

/// A startup proposes a collaboration to an enterprise without an open call.
pub async fn propose(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<ProposalForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    match app
        .calls()
        .propose(&s.user, &f.enterprise_id, &f.proposal, chrono::Utc::now())
        .await
    {
        Ok(a) => done(
            &format!("/calls/{}", a.call),
            caller.lang.t("제안을 보냈습니다", "Proposal sent"),
        ),
        Err(e) => app_error(&caller, &uri, e, "/calls"),
    }
}

#[derive(Deserialize)]
pub struct RouteForm {
    #[serde(default)]
    csrf: String,
    /// Empty: decline.
    #[serde(default)]
    need_id: String,
}

/// The enterprise routes a proposal to one of its needs, or declines it.
pub async fn route(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(id): Path<domain::ApplicationId>,
    Form(f): Form<RouteForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let need = Some(f.need_id.trim())
        .filter(|n| !n.is_empty())
        .map(domain::NeedId::from);
    match app.calls().route_proposal(&s.user, id, need.as_ref()).await {
        Ok(a) => done(
            &format!("/calls/{}", a.call),
            if need.is_some() {
                caller.lang.t("수요로 연결했습니다", "Routed to the need")
            } else {
                caller.lang.t("제안을 반려했습니다", "Proposal declined")
            },
        ),
        Err(e) => app_error(&caller, &uri, e, "/calls"),
    }
}

#[derive(Template)]
#[template(path = "call.html")]
pub struct CallPage {
    pub l: Layout,
    pub c: Call,
    pub open: bool,
    pub organiser: bool,
    pub startup_member: bool,
    pub evaluator: bool,
    pub mine: Option<CallApplication>,
    pub applications: Vec<CallApplication>,
    pub evaluators: Vec<String>,
    pub standings: Vec<RankedEntry>,
    /// The running enterprise's needs, to route bottom-up proposals to.
    pub needs: Vec<domain::Need>,
}

impl CallPage {
    pub fn status(&self, s: &CallApplicationStatus) -> &'static str {
        self.l.t(s.label_ko(), s.label_en())
    }
    pub fn answer(&self, key: &str) -> String {
        self.mine
            .as_ref()
            .and_then(|a| a.answers.get(key).cloned())
            .unwrap_or_default()
    }
    pub fn attached(&self, key: &str) -> bool {
        self.mine
            .as_ref()
            .is_some_and(|a| a.attached.iter().any(|k| k == key))
    }
    pub fn editable(&self) -> bool {
        self.open
            && self.mine.as_ref().is_none_or(|a| {
                a.stage == 0
                    && matches!(
                        a.status,
                        CallApplicationStatus::Draft
                            | CallApplicationStatus::Submitted
                            | CallApplicationStatus::Withdrawn
                    )
            })
    }
    pub fn stage_name(&self, i: &usize) -> String {
        self.c
            .stages
            .get(*i)
            .map(|s| self.l.t(&s.ko, &s.en).to_string())
            .unwrap_or_default()
    }
    pub fn label<'a>(&self, ko: &'a str, en: &'a str) -> &'a str {
        self.l.t(ko, en)
    }
    pub fn bottom_up(&self) -> bool {
        self.c.track == Track::BottomUp
    }
}

pub async fn call(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CallCode>,
) -> Response {
    let back = "/calls";
    let c = match app.calls().get(&code).await {
        Ok(c) => c,
        Err(e) => return app_error(&caller, &uri, e, back),
    };
    let user = caller.user();
    let organiser = user.is_some_and(|u| runs_call(u, &c));
    let (mut applications, mut evaluators, mut standings) = (vec![], vec![], vec![]);
    if let (Some(u), true) = (user, organiser) {
        let got = tokio::try_join!(
            app.calls().applications(u, &code),
            app.calls().evaluators(&code),
            app.calls().standings(u, &code)
        );
        match got {
            Ok((a, e, s)) => (applications, evaluators, standings) = (a, e, s),
            Err(e) => return app_error(&caller, &uri, e, back),
        }
    }
    let mine = match user.filter(|u| u.role == Role::StartupMember) {
        Some(u) => match app.calls().applications(u, &code).await {
            Ok(a) => a.into_iter().next(),
            Err(e) => return app_error(&caller, &uri, e, back),
        },
        None => None,
    };
    let evaluator = match user {
        Some(u) => match app.calls().evaluators(&code).await {
            Ok(e) => e.contains(&u.email),
            Err(e) => return app_error(&caller, &uri, e, back),
        },
        None => false,
    };
    let needs = match (&c.enterprise_id, organiser && c.track == Track::BottomUp) {
        (Some(e), true) => match app.discovery().needs_of(e).await {
            Ok(n) => n,
            Err(e) => return app_error(&caller, &uri, e, back),
        },
        _ => vec![],
    };
    let title = c.title.clone();
    render(&CallPage {
        needs,
        l: Layout::new(&caller, &uri, (&title, &title)),
        open: c.is_open(chrono::Utc::now()),
        startup_member: user.is_some_and(|u| u.role == Role::StartupMember),
        organiser,
        evaluator,
        c,
        mine,
        applications,
        evaluators,
        standings,
    })
}

/// A startup saves (`action=draft`) or submits (`action=submit`) its application with
/// its answers (`q_KEY`) and files (`f_KEY`); a refused file stores nothing.
pub async fn apply(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CallCode>,
    form: Multipart,
) -> Response {
    let back = format!("/calls/{code}");
    let fields = match read_multipart(form).await {
        Ok(f) => f,
        Err(m) => return message(&caller, &uri, StatusCode::BAD_REQUEST, &m, &back),
    };
    let Some(s) = caller.form_writer(&field_text(&fields, "csrf")) else {
        return need_login(&caller, &uri);
    };
    let user = &s.user;
    let now = chrono::Utc::now();
    let answers: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|(k, (_, b))| {
            Some((
                k.strip_prefix("q_")?.to_string(),
                String::from_utf8_lossy(b).trim().to_string(),
            ))
        })
        .collect();
    let files: Vec<app::calls::NewAttachment> = fields
        .iter()
        .filter(|(_, (_, bytes))| !bytes.is_empty())
        .filter_map(|(name, (file_name, bytes))| {
            let key = name.strip_prefix("f_")?;
            Some(app::calls::NewAttachment {
                key,
                file_name: file_name.as_deref().unwrap_or(key),
                bytes,
            })
        })
        .collect();
    let submit = field_text(&fields, "action") == "submit";
    // one save: answers, files and status together, or nothing when refused
    if let Err(e) = app
        .calls()
        .save_application_with_files(user, &code, answers, &files, submit, now)
        .await
    {
        return app_error(&caller, &uri, e, &back);
    }
    done(
        &back,
        if submit {
            caller
                .lang
                .t("지원서를 제출했습니다", "Application submitted")
        } else {
            caller.lang.t("임시 저장했습니다", "Draft saved")
        },
    )
}

pub async fn withdraw(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(id): Path<domain::ApplicationId>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    match app
        .calls()
        .withdraw_application(&s.user, id, chrono::Utc::now())
        .await
    {
        Ok(a) => done(
            &format!("/calls/{}", a.call),
            caller
                .lang
                .t("지원을 철회했습니다", "Application withdrawn"),
        ),
        Err(e) => app_error(&caller, &uri, e, "/calls"),
    }
}

/// A file of an application, to those entitled.
/// The file extension for a media type that an upload's bytes were checked to be.
fn extension_of(media: &str) -> &'static str {
    match media {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "application/zip" => "zip",
        "video/mp4" => "mp4",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "pptx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        _ => "bin",
    }
}

/// An attachment, served under a name the server makes (the application, the form's
/// key and the extension of the type its bytes were checked to be at upload) with
/// `nosniff`, so an uploader's `.html` or `.exe` name never reaches the reader.
pub async fn file(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path((id, key)): Path<(domain::ApplicationId, String)>,
) -> Response {
    let Some(user) = caller.user() else {
        return ApiError::unauthenticated().into_response();
    };
    match app.calls().attachment(user, id, &key).await {
        Ok((_uploaders_name, media, bytes)) => attachment(id, &key, media, bytes),
        Err(e) => app_error(&caller, &uri, e, "/calls"),
    }
}

/// Application `id`'s file under form key `key`, of the media type its bytes were
/// checked to be, as a download (pages and API share it).
pub fn attachment(id: domain::ApplicationId, key: &str, media: String, bytes: Vec<u8>) -> Response {
    // named by what the server checked, never by the uploader's file name
    let name = format!(
        "application-{id}-{}.{}",
        super::file_stem(key),
        extension_of(&media)
    );
    (
        [
            (header::CONTENT_TYPE, media),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct EvaluatorForm {
    #[serde(default)]
    csrf: String,
    email: String,
}

pub async fn add_evaluator(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CallCode>,
    Form(f): Form<EvaluatorForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/calls/{code}");
    match app
        .calls()
        .add_evaluator(&s.user, &code, f.email.trim())
        .await
    {
        Ok(()) => done(
            &back,
            caller.lang.t("심사위원을 추가했습니다", "Evaluator added"),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

/// The organiser's stage buttons: `assign`, `close`, `open`.
pub async fn stage_action(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path((code, action)): Path<(domain::CallCode, String)>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/calls/{code}");
    let r = match action.as_str() {
        "assign" => app
            .calls()
            .assign_stage(&s.user, &code)
            .await
            .map(|n| caller.lang.count(n, "건 배정", "reviews assigned")),
        "close" => app
            .calls()
            .set_stage_open(&s.user, &code, false)
            .await
            .map(|()| {
                caller
                    .lang
                    .t("심사를 마감했습니다", "Scoring closed")
                    .to_string()
            }),
        "open" => app
            .calls()
            .set_stage_open(&s.user, &code, true)
            .await
            .map(|()| {
                caller
                    .lang
                    .t("심사를 다시 열었습니다", "Scoring reopened")
                    .to_string()
            }),
        other => return message(&caller, &uri, StatusCode::NOT_FOUND, other, &back),
    };
    match r {
        Ok(m) => done(&back, &m),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

/// Advances the top N; `o_ID` = `advance` or `reject` with `r_ID` the reason overrides
/// the ranking for that application.
pub async fn decide(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CallCode>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some(s) = caller.form_writer(f.get("csrf").map_or("", String::as_str)) else {
        return need_login(&caller, &uri);
    };
    let back = format!("/calls/{code}");
    let top: usize = f
        .get("top")
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0);
    let overrides: Vec<(domain::ApplicationId, bool, String)> = f
        .iter()
        .filter_map(|(k, v)| {
            let id: domain::ApplicationId = k.strip_prefix("o_")?.parse().ok()?;
            let advance = match v.as_str() {
                "advance" => true,
                "reject" => false,
                _ => return None,
            };
            Some((
                id,
                advance,
                f.get(&format!("r_{id}")).cloned().unwrap_or_default(),
            ))
        })
        .collect();
    match app
        .calls()
        .decide_stage(&s.user, &code, top, &overrides)
        .await
    {
        Ok(n) => done(&back, &caller.lang.count(n, "건 통과", "advanced")),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

#[derive(Template)]
#[template(path = "reviews.html")]
pub struct ReviewsPage {
    pub l: Layout,
    pub c: Call,
    pub assignments: Vec<Assignment>,
}

impl ReviewsPage {
    pub fn range(&self, max: &u32) -> Vec<u32> {
        (0..=*max).collect()
    }
    pub fn scored(&self, a: &Assignment, key: &str) -> Option<u32> {
        a.review.scores.as_ref().and_then(|s| s.get(key).copied())
    }
    pub fn question(&self, key: &str) -> String {
        self.c
            .questions
            .iter()
            .find(|q| q.key == key)
            .map_or(key.to_string(), |q| self.l.t(&q.ko, &q.en).to_string())
    }
}

/// An evaluator's own review sheets in the call's current stage.
pub async fn reviews(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CallCode>,
) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to(&format!("/login?next=/calls/{code}/reviews")).into_response();
    };
    let got = tokio::try_join!(app.calls().get(&code), app.calls().my_reviews(user, &code));
    match got {
        Ok((c, assignments)) => render(&ReviewsPage {
            l: Layout::new(&caller, &uri, ("내 심사", "My reviews")),
            c,
            assignments,
        }),
        Err(e) => app_error(&caller, &uri, e, "/calls"),
    }
}

/// A review sheet: `s_CRITERION` scores and a comment.
pub async fn score(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(id): Path<domain::ReviewId>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some(s) = caller.form_writer(f.get("csrf").map_or("", String::as_str)) else {
        return need_login(&caller, &uri);
    };
    let back = f
        .get("back")
        .cloned()
        .filter(|b| b.starts_with("/calls/"))
        .unwrap_or("/calls".into());
    let mut scores = BTreeMap::new();
    for (k, v) in &f {
        if let Some(key) = k.strip_prefix("s_") {
            match v.trim().parse() {
                Ok(n) => scores.insert(key.to_string(), n),
                Err(_) => {
                    return message(
                        &caller,
                        &uri,
                        StatusCode::BAD_REQUEST,
                        &format!("{key}: '{v}' is not a score"),
                        &back,
                    );
                }
            };
        }
    }
    let comment = f.get("comment").map(|c| c.trim()).filter(|c| !c.is_empty());
    match app
        .calls()
        .submit_review(&s.user, id, scores, comment)
        .await
    {
        Ok(r) => done(
            &back,
            &format!(
                "{} {:.1}",
                caller.lang.t("심사 점수 저장", "Review saved"),
                r.weighted.unwrap_or(0.0)
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

#[derive(Deserialize)]
pub struct ConflictForm {
    #[serde(default)]
    csrf: String,
    startup_id: domain::StartupId,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

pub async fn conflict(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<ConflictForm>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return need_login(&caller, &uri);
    };
    let back = Some(f.back.clone())
        .filter(|b| b.starts_with("/calls/"))
        .unwrap_or("/calls".into());
    let reason = Some(f.reason.trim()).filter(|r| !r.is_empty());
    match app
        .calls()
        .declare_conflict(&s.user, &f.startup_id, reason)
        .await
    {
        Ok(()) => done(
            &back,
            caller.lang.t(
                "이해충돌을 신고했습니다. 해당 지원서는 더 이상 보이지 않습니다.",
                "Conflict declared: that application is no longer shown to you.",
            ),
        ),
        Err(e) => app_error(&caller, &uri, e, &back),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub l: Layout,
    pub messages: Vec<Notification>,
}

/// The user's messages, newest first; seeing them marks them read.
pub async fn inbox(State(app): State<App>, caller: Caller, uri: Uri) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to("/login?next=/inbox").into_response();
    };
    let messages = match app.inbox().list(user).await {
        Ok(m) => m,
        Err(e) => return app_error(&caller, &uri, e, "/"),
    };
    if let Err(e) = app.inbox().mark_read(user).await {
        return app_error(&caller, &uri, e, "/");
    }
    render(&InboxPage {
        l: Layout::new(&caller, &uri, ("알림함", "Inbox")),
        messages,
    })
}

/// A call's workbook (applications, closed stages' scores per evaluator, stage
/// results) for its organiser; pages and API share it.
pub async fn workbook(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(code): Path<domain::CallCode>,
) -> Response {
    let Some(user) = caller.user() else {
        return ApiError::unauthenticated().into_response();
    };
    match app.calls().workbook(user, &code).await {
        Ok(bytes) => workbook_download(&code, bytes),
        Err(e) => app_error(&caller, &uri, e, &format!("/calls/{code}")),
    }
}

/// Call `code`'s workbook as a download.
pub fn workbook_download(code: &str, bytes: Vec<u8>) -> Response {
    super::admin::download(
        &format!("call-{code}.xlsx"),
        app::export::Format::Xlsx,
        bytes,
    )
}
