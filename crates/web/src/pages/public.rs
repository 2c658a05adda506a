//! Public pages: the startup directory (search with facets) and profiles, the needs
//! board and a need's page, log in and out, and the language switch.

use std::collections::HashMap;

use app::accounts::{LoginError, SESSION_HOURS};
use app::{App, AppError};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Need, Startup};
use serde::Deserialize;

use super::{Layout, app_error, local_path, message, query_value, render, url_encode};
use crate::caller::{Caller, LANG_COOKIE, session_cookie};
use crate::i18n::Lang;

/// A facet value with its count and the link that toggles it.
pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub on: bool,
}

pub struct FacetGroup {
    pub title: String,
    pub values: Vec<FacetLink>,
}

pub struct StartupCard {
    pub s: Startup,
    pub snippet: String,
    pub industries: Vec<String>,
    pub stage: String,
}

pub struct NeedCard {
    pub n: Need,
    pub enterprise: String,
    pub snippet: String,
    pub confidential: bool,
}

#[derive(Template)]
#[template(path = "directory.html")]
pub struct DirectoryPage {
    pub l: Layout,
    pub needs: bool,
    pub q: String,
    pub total: usize,
    pub startups: Vec<StartupCard>,
    pub need_cards: Vec<NeedCard>,
    pub facets: Vec<FacetGroup>,
    pub hidden: Vec<(String, String)>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub did_you_mean: Option<String>,
    pub any_word: bool,
}

fn facet_title(dim: &str, lang: Lang) -> &'static str {
    match dim {
        "industry" => lang.t("산업", "Industry"),
        "technology" => lang.t("기술", "Technology"),
        "stage" => lang.t("투자 단계", "Stage"),
        "cluster" => lang.t("클러스터", "Cluster"),
        "country" => lang.t("국가", "Country"),
        _ => lang.t("발굴 경로", "Source"),
    }
}

/// A facet's value as the page's language names it: industries, stages and
/// technologies by their labels, clusters by the program's names for them
/// (`clusters`), countries by name; other values as written.
fn facet_label(dim: &str, value: &str, lang: Lang, clusters: &[domain::Cluster]) -> String {
    match dim {
        "cluster" => cluster_name(value, lang, clusters),
        "country" => crate::i18n::country_name(value, lang)
            .unwrap_or(value)
            .to_string(),
        "industry" => {
            let (ko, en) = domain::industry::labels(value);
            lang.t(ko, en).to_string()
        }
        "stage" => domain::Stage::parse(value)
            .map(|s| lang.t(s.label_ko(), s.label_en()).to_string())
            .unwrap_or_else(|_| value.to_string()),
        "technology" if lang == Lang::Ko => app::Glossary::builtin()
            .korean(value)
            .unwrap_or(value)
            .to_string(),
        _ => value.to_string(),
    }
}

/// A cluster's name in `lang` by its code; the code when the program has no such cluster.
fn cluster_name(code: &str, lang: Lang, clusters: &[domain::Cluster]) -> String {
    clusters
        .iter()
        .find(|c| c.code.as_str() == code)
        .map_or(code, |c| lang.t(&c.name_ko, &c.name_en))
        .to_string()
}

/// A startup's industries and stage as the page's language names them.
fn startup_labels(s: &Startup, lang: Lang) -> (Vec<String>, String) {
    (
        s.industries
            .iter()
            .map(|c| facet_label("industry", c, lang, &[]))
            .collect(),
        s.stage
            .map(|st| facet_label("stage", st.as_str(), lang, &[]))
            .unwrap_or_default(),
    )
}

/// The link to `base` with `params`.
fn link(base: &str, params: &[(String, String)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    if q.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", q.join("&"))
    }
}

/// The directory of startups (`/startups`) or the needs board (`/needs`).
async fn listing(
    app: &App,
    caller: &Caller,
    uri: &Uri,
    params: Vec<(String, String)>,
    needs: bool,
) -> Response {
    let base = if needs { "/needs" } else { "/startups" };
    let params: Vec<(String, String)> = params
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "lang" | "msg" | "kind"))
        .collect();
    let mut query = params.clone();
    query.push(("kind".into(), if needs { "need" } else { "startup" }.into()));
    let mut q =
        match app::SearchQuery::from_params(query.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            Ok(q) => q,
            Err(m) => return message(caller, uri, StatusCode::BAD_REQUEST, &m, base),
        };
    q.include_confidential = app::authz::may_search_confidential(caller.user());
    q.facet_limit = 8;
    q.language = Some(match caller.lang {
        crate::i18n::Lang::Ko => domain::Language::Ko,
        crate::i18n::Lang::En => domain::Language::En,
    });
    let res = match app.discovery().search(&q) {
        Ok(r) => r,
        Err(e) => return app_error(caller, uri, e, base),
    };
    let clusters = match app.clusters().list().await {
        Ok(c) => c,
        Err(e) => return app_error(caller, uri, e, base),
    };
    let ids: Vec<String> = res.hits.iter().map(|h| h.id.clone()).collect();
    let snippets: HashMap<&str, &str> = res
        .hits
        .iter()
        .map(|h| (h.id.as_str(), h.snippet.as_str()))
        .collect();
    let lang = caller.lang;
    let (mut startups, mut need_cards) = (Vec::new(), Vec::new());
    if needs {
        let (found, names) = match tokio::try_join!(
            app.discovery().needs_by_ids_for(caller.user(), &ids),
            app.discovery().enterprise_names()
        ) {
            Ok(x) => x,
            Err(e) => return app_error(caller, uri, e, "/"),
        };
        let mut by_id: HashMap<domain::NeedId, Need> =
            found.into_iter().map(|n| (n.id.clone(), n)).collect();
        for id in &ids {
            if let Some(n) = by_id.remove(id.as_str()) {
                let confidential = app::authz::is_withheld(&n);
                need_cards.push(NeedCard {
                    enterprise: names
                        .get(n.enterprise_id.as_str())
                        .cloned()
                        .unwrap_or_default(),
                    snippet: if confidential {
                        String::new()
                    } else {
                        snippets.get(id.as_str()).copied().unwrap_or("").to_string()
                    },
                    confidential,
                    n,
                });
            }
        }
    } else {
        let found = match app.discovery().startups_by_ids(&ids).await {
            Ok(x) => x,
            Err(e) => return app_error(caller, uri, e, "/"),
        };
        let mut by_id: HashMap<domain::StartupId, Startup> =
            found.into_iter().map(|s| (s.id.clone(), s)).collect();
        for id in &ids {
            if let Some(s) = by_id.remove(id.as_str()) {
                let (industries, stage) = startup_labels(&s, lang);
                startups.push(StartupCard {
                    industries,
                    stage,
                    snippet: snippets.get(id.as_str()).copied().unwrap_or("").to_string(),
                    s,
                });
            }
        }
    }
    let without = |name: &str, value: Option<&str>| -> Vec<(String, String)> {
        params
            .iter()
            .filter(|(k, v)| !(k == name && value.is_none_or(|x| x == v)) && k != "page")
            .cloned()
            .collect()
    };
    let facets = app::DIMENSIONS
        .iter()
        .filter_map(|dim| {
            let values = res.facets.get(*dim)?;
            if values.is_empty() {
                return None;
            }
            Some(FacetGroup {
                title: facet_title(dim, lang).to_string(),
                values: values
                    .iter()
                    .map(|v| {
                        let on = params.iter().any(|(k, x)| k == dim && *x == v.value);
                        let mut p = without(dim, Some(&v.value));
                        if !on {
                            p.push((dim.to_string(), v.value.clone()));
                        }
                        FacetLink {
                            label: facet_label(dim, &v.value, lang, &clusters),
                            count: v.count,
                            href: link(base, &p),
                            on,
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    let page = q.offset / q.limit + 1;
    let at_page = |n: usize| {
        let mut p = without("page", None);
        p.push(("page".into(), n.to_string()));
        link(base, &p)
    };
    let hidden = params
        .iter()
        .filter(|(k, _)| k != "q" && k != "page")
        .cloned()
        .collect();
    let page_view = DirectoryPage {
        l: Layout::new(
            caller,
            uri,
            if needs {
                ("기업 수요 게시판", "Needs board")
            } else {
                ("스타트업 디렉터리", "Startup directory")
            },
        ),
        needs,
        q: q.text.clone(),
        total: res.total,
        startups,
        need_cards,
        facets,
        hidden,
        prev: (page > 1).then(|| at_page(page - 1)),
        next: (q.offset + q.limit < res.total).then(|| at_page(page + 1)),
        did_you_mean: res
            .did_you_mean
            .map(|d| link(base, &[("q".to_string(), d)])),
        any_word: !res.matched_all_words,
    };
    render(&page_view)
}

pub async fn directory(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    listing(&app, &caller, &uri, params, false).await
}

pub async fn needs_board(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    listing(&app, &caller, &uri, params, true).await
}

#[derive(Template)]
#[template(path = "startup.html")]
pub struct StartupPage {
    pub l: Layout,
    pub s: Startup,
    pub industries: Vec<String>,
    pub stage: String,
    pub funding: String,
    /// (code, name) of each cluster it is in.
    pub clusters: Vec<(String, String)>,
    /// Its country by name (the code when it has none here).
    pub country: String,
    pub own: bool,
}

pub async fn startup_profile(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(id): Path<domain::StartupId>,
) -> Response {
    let s = match app.discovery().startup_for(caller.user(), &id).await {
        Ok(s) => s,
        Err(e) => return app_error(&caller, &uri, e, "/startups"),
    };
    let lang = caller.lang;
    let own = caller
        .user()
        .is_some_and(|u| u.startup_id.as_deref() == Some(s.id.as_str()));
    let (industries, stage) = startup_labels(&s, lang);
    let programs_clusters = match app.clusters().list().await {
        Ok(c) => c,
        Err(e) => return app_error(&caller, &uri, e, "/startups"),
    };
    let clusters = s
        .clusters
        .iter()
        .map(|c| (c.to_string(), cluster_name(c, lang, &programs_clusters)))
        .collect();
    let country = s
        .country
        .as_deref()
        .map(|c| facet_label("country", c, lang, &[]))
        .unwrap_or_default();
    let page = StartupPage {
        clusters,
        country,
        l: Layout::new(
            &caller,
            &uri,
            (&s.name, s.name_en.as_deref().unwrap_or(&s.name)),
        ),
        industries,
        stage,
        funding: s
            .funding
            .map(|m| crate::i18n::money(m, caller.lang))
            .unwrap_or_default(),
        own,
        s,
    };
    render(&page)
}

pub struct RecommendedStartup {
    pub rank: usize,
    pub id: String,
    pub name: String,
    pub score: f64,
    pub reasons: Vec<domain::Reason>,
}

#[derive(Template)]
#[template(path = "need.html")]
pub struct NeedPage {
    pub l: Layout,
    pub n: Need,
    pub enterprise: String,
    pub withheld: bool,
    pub industries: Vec<String>,
    /// The engine's recommendations, for the need's enterprise and admins.
    pub recommendations: Vec<RecommendedStartup>,
    pub matches: Vec<app::MatchView>,
}

pub async fn need_page(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(id): Path<domain::NeedId>,
) -> Response {
    let n = match app.discovery().need_for(caller.user(), &id).await {
        Ok(n) => n,
        Err(e) => return app_error(&caller, &uri, e, "/needs"),
    };
    let mut recommendations = Vec::new();
    let mut matches = Vec::new();
    if let Some(u) = caller.user()
        && app::authz::may_see_recommendations(u, &n.enterprise_id)
    {
        let recs = app
            .recommendations()
            .for_need(u, &id, 10)
            .await
            .unwrap_or_default();
        let ids: Vec<String> = recs.iter().map(|r| r.id.clone()).collect();
        let names: HashMap<String, String> = app
            .discovery()
            .startups_by_ids(&ids)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.id.into_string(), s.name))
            .collect();
        recommendations = recs
            .into_iter()
            .map(|r| RecommendedStartup {
                rank: r.rank,
                name: names.get(&r.id).cloned().unwrap_or_else(|| r.id.clone()),
                id: r.id,
                score: r.score,
                reasons: r.reasons,
            })
            .collect();
        matches = app
            .pipeline()
            .matches(
                u,
                app::MatchFilter {
                    need: Some(id.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap_or_default();
    }
    let page = NeedPage {
        l: Layout::new(&caller, &uri, (&n.title, &n.title)),
        enterprise: app
            .discovery()
            .enterprise(&n.enterprise_id)
            .await
            .map(|e| e.name)
            .unwrap_or_default(),
        withheld: app::authz::is_withheld(&n),
        industries: n
            .industries
            .iter()
            .map(|c| facet_label("industry", c, caller.lang, &[]))
            .collect(),
        recommendations,
        matches,
        n,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub l: Layout,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
}

pub async fn login_form(caller: Caller, uri: Uri) -> Response {
    let next = query_value(uri.query(), "next").unwrap_or_else(|| "/work".into());
    render(&LoginPage {
        l: Layout::new(&caller, &uri, ("로그인", "Log in")),
        email: String::new(),
        next,
        error: None,
    })
}

#[derive(Template)]
#[template(path = "password_reset.html")]
pub struct ResetPage {
    pub l: Layout,
    pub action: String,
    pub asks_email: bool,
    pub error: Option<String>,
    pub done: Option<String>,
}

fn reset_page(
    caller: &Caller,
    uri: &Uri,
    token: Option<&str>,
    error: Option<String>,
    done: Option<String>,
) -> ResetPage {
    ResetPage {
        l: Layout::new(caller, uri, ("비밀번호 재설정", "Reset the password")),
        action: match token {
            Some(t) => format!("/password-reset/{}", url_encode(t)),
            None => "/password-reset".into(),
        },
        asks_email: token.is_none(),
        error,
        done,
    }
}

pub async fn reset_request_form(caller: Caller, uri: Uri) -> Response {
    render(&reset_page(&caller, &uri, None, None, None))
}

#[derive(Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

/// The same page whether or not the e-mail has an account.
pub async fn request_reset(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<ResetRequestForm>,
) -> Response {
    app.accounts().request_password_reset_after_answer(f.email);
    let done = caller.lang.t(
        "이 이메일로 가입한 계정이 있으면 새 비밀번호를 정하는 링크를 보냈습니다.",
        crate::api::RESET_SENT,
    );
    render(&reset_page(&caller, &uri, None, None, Some(done.into())))
}

pub async fn reset_form(caller: Caller, uri: Uri, Path(token): Path<String>) -> Response {
    render(&reset_page(&caller, &uri, Some(&token), None, None))
}

#[derive(Deserialize)]
pub struct NewPasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Path(token): Path<String>,
    Form(f): Form<NewPasswordForm>,
) -> Response {
    let t = |ko: &str, en: &str| Some(caller.lang.t(ko, en).to_string());
    let (status, error, done) = match app.accounts().reset_password(&token, &f.password).await {
        Ok(true) => (
            StatusCode::OK,
            None,
            t(
                "새 비밀번호를 정했습니다. 다른 곳의 로그인은 모두 끝났습니다.",
                "Your new password is set; every other login has ended.",
            ),
        ),
        Ok(false) => (
            StatusCode::NOT_FOUND,
            t(
                "링크가 맞지 않거나 이미 쓰였거나 기한이 지났습니다. 새 링크를 요청하세요.",
                "This link is unknown, used or expired; ask for a new one.",
            ),
            None,
        ),
        Err(app::AppError::Conflict(m)) => (StatusCode::BAD_REQUEST, Some(m), None),
        Err(e) => return app_error(&caller, &uri, e, "/password-reset"),
    };
    let page = reset_page(&caller, &uri, Some(&token), error, done);
    (status, render(&page)).into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Logs in from the form. The login form needs no CSRF token (there is no session
/// to ride yet); SameSite=Strict keeps the new cookie off cross-site requests.
pub async fn login(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<LoginForm>,
) -> Response {
    let failed = |status: StatusCode, msg: String| {
        let page = LoginPage {
            l: Layout::new(&caller, &uri, ("로그인", "Log in")),
            email: f.email.clone(),
            next: f.next.clone(),
            error: Some(msg),
        };
        (status, render(&page)).into_response()
    };
    // where to go is settled before the session is made, so nothing after it can fail
    let to = local_path(&f.next, "/work");
    let previous = caller.session.as_ref().map(|s| s.token.as_str());
    match app
        .accounts()
        .login_rotating(&caller.client, &f.email, &f.password, previous)
        .await
    {
        Err(AppError::Login(LoginError::Wrong)) => failed(
            StatusCode::UNAUTHORIZED,
            caller
                .lang
                .t(
                    "이메일 또는 비밀번호가 맞지 않습니다.",
                    "Wrong e-mail or password.",
                )
                .into(),
        ),
        Err(AppError::Login(LoginError::Locked)) => failed(
            StatusCode::TOO_MANY_REQUESTS,
            caller
                .lang
                .t(
                    "로그인 실패가 많아 15분 동안 잠겼습니다.",
                    "Too many failed logins; locked for 15 minutes.",
                )
                .into(),
        ),
        Err(e) => app_error(&caller, &uri, e, "/login"),
        Ok(s) => (
            [(
                header::SET_COOKIE,
                session_cookie(&s.token, SESSION_HOURS * 3600, caller.tls),
            )],
            Redirect::to(&to),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(app): State<App>,
    caller: Caller,
    uri: Uri,
    Form(f): Form<CsrfOnly>,
) -> Response {
    let Some(s) = caller.form_writer(&f.csrf) else {
        return super::need_login(&caller, &uri);
    };
    if let Err(e) = app.accounts().logout(&s.token).await {
        return app_error(&caller, &uri, e, "/");
    }
    (
        [(header::SET_COOKIE, session_cookie("", 0, caller.tls))],
        Redirect::to("/"),
    )
        .into_response()
}

fn lang_cookie(code: &str) -> String {
    format!("{LANG_COOKIE}={code}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
}

/// Switches the page language, remembers it, and goes back.
pub async fn switch_lang(Path(code): Path<String>, uri: Uri) -> Response {
    let code = if code == "en" { "en" } else { "ko" };
    let back = query_value(uri.query(), "back").unwrap_or_else(|| "/".into());
    // the switch must not bounce back to a `?lang=` link that overrides the cookie
    let back = back
        .split_once("?lang=")
        .map_or(back.as_str(), |(p, _)| p)
        .to_string();
    (
        [(header::SET_COOKIE, lang_cookie(code))],
        Redirect::to(&local_path(&back, "/")),
    )
        .into_response()
}
