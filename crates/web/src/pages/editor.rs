//! The record editors: a startup's own profile and an enterprise's needs (program
//! managers may edit either). A form's fields are the import columns, so what a form
//! saves passes exactly the rules an imported row does, and a refusal names each wrong
//! field beside it.

use std::collections::HashMap;

use app::App;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use domain::records::{self, RecordKind};
use domain::{FieldError, Role};

use super::{Layout, app_error, done, message, need_login, render, url_encode};
use crate::caller::Caller;
use crate::i18n::Lang;

pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub multiline: bool,
    /// A choice among (value, label); free text when empty.
    pub options: Vec<(String, String)>,
    pub hint: &'static str,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "editor.html")]
pub struct EditorPage {
    pub l: Layout,
    pub kind: &'static str,
    pub id: String,
    /// The stored record's version the form was filled from (empty for a new need):
    /// the save is refused if the record changed meanwhile.
    pub version: String,
    pub fields: Vec<Field>,
    pub errors: Vec<String>,
}

/// (column, Korean, English, multiline) of the columns a form shows, per kind.
fn form_columns(kind: RecordKind) -> &'static [(&'static str, &'static str, &'static str, bool)] {
    match kind {
        RecordKind::Needs => &[
            ("title", "수요 제목", "Title", false),
            ("title_en", "영문 제목", "Title in English", false),
            ("description", "설명", "Description", true),
            (
                "description_en",
                "영문 설명",
                "Description in English",
                true,
            ),
            (
                "technologies",
                "필요 기술 (쉼표로 구분)",
                "Technologies (comma-separated)",
                false,
            ),
            (
                "industries",
                "산업 (쉼표로 구분)",
                "Industries (comma-separated)",
                false,
            ),
            (
                "collaboration_types",
                "협력 유형",
                "Collaboration types",
                false,
            ),
            ("preferred_stages", "선호 단계", "Preferred stages", false),
            ("slots", "선정 규모", "Slots", false),
            (
                "deadline",
                "마감일 (YYYY-MM-DD)",
                "Deadline (YYYY-MM-DD)",
                false,
            ),
            ("visibility", "공개 여부", "Visibility", false),
        ],
        _ => &[
            ("name", "회사명", "Name", false),
            ("name_en", "영문 회사명", "Name in English", false),
            ("description", "소개", "Description", true),
            (
                "description_en",
                "영문 소개",
                "Description in English",
                true,
            ),
            (
                "industries",
                "산업 (쉼표로 구분)",
                "Industries (comma-separated)",
                false,
            ),
            (
                "technologies",
                "보유 기술 (쉼표로 구분)",
                "Technologies (comma-separated)",
                false,
            ),
            ("stage", "투자 단계", "Stage", false),
            ("founded_year", "설립 연도", "Founded (year)", false),
            ("employees", "임직원 수", "Employees", false),
            ("city", "도시", "City", false),
            ("country", "국가 (ISO 코드)", "Country (ISO code)", false),
            ("funding_amount", "누적 투자액", "Funding raised", false),
            ("funding_currency", "통화", "Currency", false),
            ("website", "웹사이트", "Website", false),
            (
                "target_markets",
                "목표 시장 (쉼표로 구분)",
                "Target markets (comma-separated)",
                false,
            ),
        ],
    }
}

fn options(column: &str, lang: Lang) -> Vec<(String, String)> {
    let pick = |ko: &str, en: &str| lang.t(ko, en).to_string();
    match column {
        "stage" => std::iter::once((String::new(), "—".to_string()))
            .chain(
                domain::Stage::ALL
                    .iter()
                    .map(|s| (s.as_str().to_string(), pick(s.label_ko(), s.label_en()))),
            )
            .collect(),
        "visibility" => domain::Visibility::ALL
            .iter()
            .map(|v| (v.as_str().to_string(), pick(v.label_ko(), v.label_en())))
            .collect(),
        _ => Vec::new(),
    }
}

fn hint(column: &str) -> &'static str {
    match column {
        "collaboration_types" => {
            "poc, joint-development, licensing, procurement, investment, overseas-expansion"
        }
        "preferred_stages" => "pre-seed, seed, series-a, series-b, series-c+, growth",
        "industries" => {
            "ai, mobility, bio-health, fintech, climate-energy, robotics, semiconductor, …"
        }
        _ => "",
    }
}

fn editor(
    caller: &Caller,
    uri: &Uri,
    kind: RecordKind,
    (cells, version): (&HashMap<String, String>, &str),
    errors: &[FieldError],
) -> EditorPage {
    let lang = caller.lang;
    let fields = form_columns(kind)
        .iter()
        .map(|(name, ko, en, multiline)| Field {
            name,
            label: lang.t(ko, en),
            value: cells.get(*name).cloned().unwrap_or_default(),
            multiline: *multiline,
            options: options(name, lang),
            hint: hint(name),
            error: errors
                .iter()
                .find(|e| e.field == *name)
                .map(|e| e.reason.clone()),
        })
        .collect();
    let shown: Vec<&str> = form_columns(kind).iter().map(|c| c.0).collect();
    EditorPage {
        l: Layout::new(
            caller,
            uri,
            match kind {
                RecordKind::Needs => ("수요 편집", "Edit a need"),
                _ => ("프로필 편집", "Edit the profile"),
            },
        ),
        kind: kind.as_str(),
        id: cells.get("id").cloned().unwrap_or_default(),
        version: version.to_string(),
        fields,
        errors: errors
            .iter()
            .filter(|e| !shown.contains(&e.field.as_str()))
            .map(ToString::to_string)
            .collect(),
    }
}

/// A stored record as a form's fields, with its version.
fn form_of(record: app::Record) -> (HashMap<String, String>, String) {
    let version = app::records::version(&record);
    let (kind, values) = match &record {
        app::Record::Startup(s) => (RecordKind::Startups, records::startup_cells(s)),
        app::Record::Enterprise(e) => (RecordKind::Enterprises, records::enterprise_cells(e)),
        app::Record::Need(n) => (RecordKind::Needs, records::need_cells(n)),
        app::Record::Outcome(o) => (RecordKind::Outcomes, records::outcome_cells(o)),
    };
    let cells = kind
        .columns()
        .iter()
        .map(|c| c.to_string())
        .zip(values)
        .collect();
    (cells, version)
}

/// `/work/profile`: the signed-in startup member's profile (`?id=` for managers).
pub async fn profile_form(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to("/login?next=/work/profile").into_response();
    };
    let id = match (user.role, &user.startup_id) {
        (Role::Admin, _) => q.get("id").cloned().unwrap_or_default(),
        (Role::StartupMember, Some(own)) => own.to_string(),
        _ => {
            return message(
                &caller,
                &uri,
                StatusCode::FORBIDDEN,
                caller.lang.t(
                    "스타트업 회원만 프로필을 편집합니다.",
                    "Only a startup's members edit its profile.",
                ),
                "/work",
            );
        }
    };
    match app
        .discovery()
        .startup(&domain::StartupId::from(id.as_str()))
        .await
    {
        Ok(s) => {
            let (cells, version) = form_of(app::Record::Startup(s));
            render(&editor(
                &caller,
                &uri,
                RecordKind::Startups,
                (&cells, &version),
                &[],
            ))
        }
        Err(e) => app_error(&caller, &uri, e, "/work"),
    }
}

/// `/work/needs/new` and `/work/needs/{id}`: an enterprise member's need.
pub async fn need_form(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    id: Option<Path<String>>,
) -> Response {
    let Some(user) = caller.user() else {
        return Redirect::to("/login?next=/work").into_response();
    };
    if !matches!(user.role, Role::Admin | Role::EnterpriseMember) {
        return message(
            &caller,
            &uri,
            StatusCode::FORBIDDEN,
            caller.lang.t(
                "기업 회원만 수요를 편집합니다.",
                "Only an enterprise's members edit its needs.",
            ),
            "/work",
        );
    }
    let mut cells = HashMap::from([
        ("slots".to_string(), "1".to_string()),
        ("visibility".to_string(), "public".to_string()),
    ]);
    let mut version = String::new();
    if let Some(Path(id)) = id {
        match app
            .discovery()
            .need_for(Some(user), &domain::NeedId::from(id.as_str()))
            .await
        {
            Ok(n)
                if user.role == Role::Admin
                    || user.enterprise_id.as_deref() == Some(n.enterprise_id.as_str()) =>
            {
                (cells, version) = form_of(app::Record::Need(n));
            }
            Ok(_) => {
                return message(
                    &caller,
                    &uri,
                    StatusCode::FORBIDDEN,
                    &format!("need '{id}' belongs to another enterprise"),
                    "/work",
                );
            }
            Err(e) => return app_error(&caller, &uri, e, "/work"),
        }
    }
    render(&editor(
        &caller,
        &uri,
        RecordKind::Needs,
        (&cells, &version),
        &[],
    ))
}

/// Saves an editor's form (`/work/records/{kind}`).
pub async fn save(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(kind): Path<String>,
    Form(mut form): Form<HashMap<String, String>>,
) -> Response {
    let csrf = form.remove("csrf").unwrap_or_default();
    let read_as = form.remove("version");
    let Some(s) = caller.form_writer(&csrf) else {
        return need_login(&caller, &uri);
    };
    let kind = match RecordKind::parse(&kind) {
        Ok(k @ (RecordKind::Startups | RecordKind::Needs)) => k,
        _ => {
            return message(
                &caller,
                &uri,
                StatusCode::NOT_FOUND,
                "no such editor",
                "/work",
            );
        }
    };
    form.retain(|k, _| kind.columns().contains(&k.as_str()));
    let input = domain::inputs::RecordInput::from_cells(kind, &form);
    // the editor's form builds on the version it showed (empty: shown as not there,
    // so a record of that id saved meanwhile is not overwritten); a post without a
    // version field is a save of the fields sent, as a PUT without If-Match is
    let saving = match read_as.as_deref() {
        Some(version) if input.id().is_some() => {
            app.records()
                .save_if_unchanged(&s.user, input, version)
                .await
        }
        _ => app.records().save(&s.user, input).await,
    };
    match saving {
        Ok((_, notes)) => {
            let saved = caller.lang.t("저장했습니다", "Saved");
            let msg = if notes.is_empty() {
                saved.to_string()
            } else {
                format!(
                    "{saved} · {}",
                    notes
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            };
            let to = match kind {
                RecordKind::Needs => "/work#needs".to_string(),
                _ => format!(
                    "/startups/{}",
                    url_encode(form.get("id").map_or("", String::as_str))
                ),
            };
            let to = if kind == RecordKind::Startups && s.user.role == Role::StartupMember {
                format!(
                    "/startups/{}",
                    url_encode(s.user.startup_id.as_deref().unwrap_or(""))
                )
            } else {
                to
            };
            done(&to, &msg)
        }
        Err(app::AppError::InvalidFields(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&editor(
                &caller,
                &uri,
                kind,
                (&form, read_as.as_deref().unwrap_or_default()),
                &errors,
            )),
        )
            .into_response(),
        Err(app::AppError::Changed(_)) => {
            changed_meanwhile(&app, &caller, &uri, kind, &s.user, &form).await
        }
        Err(e) => app_error(&caller, &uri, e, "/work"),
    }
}

/// The editor again after a save refused because someone changed the record since the
/// form was opened: the reader's own values stay in the form, the fields that now
/// differ from the stored record are named, and the form carries the new version, so
/// that saving again (having seen the change) replaces it.
async fn changed_meanwhile(
    app: &App,
    caller: &Caller,
    uri: &Uri,
    kind: RecordKind,
    user: &domain::User,
    form: &HashMap<String, String>,
) -> Response {
    let id = form.get("id").map_or("", |id| id.trim());
    let stored = match kind {
        RecordKind::Needs => app
            .discovery()
            .need_for(Some(user), &domain::NeedId::from(id))
            .await
            .map(app::Record::Need),
        _ => app
            .discovery()
            .startup_for(Some(user), &domain::StartupId::from(id))
            .await
            .map(app::Record::Startup),
    };
    let lang = caller.lang;
    let (version, problem) = match stored {
        Ok(record) => {
            let (now, version) = form_of(record);
            let changed: Vec<&str> = form_columns(kind)
                .iter()
                .filter(|(name, ..)| {
                    let given = form.get(*name).map_or("", |v| v.trim());
                    now.get(*name).map_or("", |v| v.trim()) != given
                })
                .map(|(_, ko, en, _)| lang.t(ko, en))
                .collect();
            let problem = format!(
                "{} {}",
                lang.t(
                    "이 양식을 연 뒤에 다른 사람이 먼저 저장해서, 입력하신 내용은 저장하지 않았습니다.",
                    "Someone else saved this after you opened the form, so your changes were not saved.",
                ),
                if changed.is_empty() {
                    lang.t(
                        "지금 저장된 내용은 입력하신 내용과 같습니다.",
                        "What is stored now is what you entered.",
                    )
                    .to_string()
                } else {
                    format!(
                        "{}: {}. {}",
                        lang.t("지금 저장된 값과 다른 항목", "Fields that differ from what is stored now"),
                        changed.join(", "),
                        lang.t(
                            "다시 저장하면 아래 내용으로 바뀝니다.",
                            "Saving again replaces them with what is below.",
                        )
                    )
                }
            );
            (version, problem)
        }
        // deleted meanwhile: the reader's text stays, and saving again posts it anew
        Err(app::AppError::NotFound(_)) => (
            String::new(),
            lang.t(
                "이 양식을 연 뒤에 다른 사람이 이 항목을 삭제해서, 입력하신 내용은 저장하지 않았습니다. 다시 저장하면 아래 내용으로 새로 만듭니다.",
                "Someone deleted this after you opened the form, so your changes were not saved. Saving again creates it anew with what is below.",
            )
            .to_string(),
        ),
        Err(e) => return app_error(caller, uri, e, "/work"),
    };
    let error = FieldError::new("version", problem);
    (
        StatusCode::CONFLICT,
        render(&editor(caller, uri, kind, (form, &version), &[error])),
    )
        .into_response()
}
