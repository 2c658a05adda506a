//! Server-rendered pages in Korean and English: the public landing, directory and
//! needs board, login, each role's work pages and the program office's admin pages.
//! Forms carry the session's CSRF token; every write goes through `app`, which decides
//! who may do it.

pub mod admin;
pub mod calls;
pub mod centers;
pub mod charts;
pub mod clusters;
pub mod editor;
pub mod forum;
pub mod kpi;
pub mod public;
pub mod work;

use askama::Template;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::{MatchStatus, Reason, Role, User};

use crate::caller::Caller;
use crate::i18n::Lang;

/// What every page's frame needs: language, the signed-in user and their CSRF token,
/// the page's own path (for the language switch) and title, and a one-line message.
pub struct Layout {
    pub lang: Lang,
    pub user: Option<User>,
    pub csrf: String,
    pub path: String,
    pub title: String,
    pub flash: Option<String>,
}

impl Layout {
    pub fn new(caller: &Caller, uri: &Uri, title: (&str, &str)) -> Layout {
        let flash = caller.flash.clone();
        Layout {
            lang: caller.lang,
            user: caller.user().cloned(),
            csrf: caller
                .session
                .as_ref()
                .map(|s| s.csrf.clone())
                .unwrap_or_default(),
            path: uri
                .path_and_query()
                .map_or("/".into(), |p| p.as_str().to_string()),
            title: caller.lang.t(title.0, title.1).to_string(),
            flash,
        }
    }

    pub fn t<'a>(&self, ko: &'a str, en: &'a str) -> &'a str {
        self.lang.t(ko, en)
    }

    pub fn ko(&self) -> bool {
        self.lang == Lang::Ko
    }

    /// [`Lang::count`] in the page's language.
    pub fn count(&self, n: impl std::fmt::Display, ko: &str, en: &str) -> String {
        self.lang.count(n, ko, en)
    }

    /// [`Layout::count`] of a number of things, its thousands grouped (`1,054건`).
    pub fn tally(&self, n: impl std::borrow::Borrow<usize>, ko: &str, en: &str) -> String {
        let n = i64::try_from(*n.borrow()).unwrap_or(i64::MAX);
        self.count(crate::i18n::thousands(n), ko, en)
    }

    /// A technology tag as the page's language names it: in Korean, the glossary's
    /// Korean for it when it has one; the tag as written otherwise.
    pub fn tag<'a>(&self, tag: &'a str) -> &'a str {
        match self.lang {
            Lang::Ko => app::Glossary::builtin().korean(tag).unwrap_or(tag),
            Lang::En => tag,
        }
    }

    /// A name in the page's language: its English on an English page when it has
    /// one (a proper name needs no marker when it has none).
    pub fn name<'a>(&self, own: &'a str, en: Option<&'a str>) -> &'a str {
        match (self.lang, en.map(str::trim).filter(|e| !e.is_empty())) {
            (Lang::En, Some(en)) => en,
            _ => own,
        }
    }

    /// A match's need title in the page's language, with [`Layout::text`]'s marker.
    pub fn need_title<'a>(&self, m: &'a app::MatchView) -> Translated<'a> {
        self.text(&m.need_title, m.need_title_en.as_deref())
    }

    /// A moment in Seoul time, the zone named ([`crate::i18n::seoul_time`]).
    pub fn time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        crate::i18n::seoul_time(at)
    }

    /// [`Layout::time`] of a stored RFC 3339 timestamp; other text as it is.
    pub fn time_text(&self, at: &str) -> String {
        chrono::DateTime::parse_from_rfc3339(at)
            .map(|t| self.time(&t.with_timezone(&chrono::Utc)))
            .unwrap_or_else(|_| at.to_string())
    }

    /// An amount as the page's language writes it (`8억 8,000만 원`, `₩880,000,000`).
    pub fn money(&self, m: &domain::Money) -> String {
        crate::i18n::money(*m, self.lang)
    }

    /// A record's translatable text in the page's language: `own` is the text in the
    /// record's own language (Korean for a Seoul company), `en` its English when given.
    /// Where the page's language is missing, the other is shown, marked with its name.
    pub fn text<'a>(&self, own: &'a str, en: Option<&'a str>) -> Translated<'a> {
        let en = en.map(str::trim).filter(|e| !e.is_empty());
        let hangul = domain::korean::has_hangul(own);
        match (self.lang, en) {
            (Lang::En, Some(en)) => Translated::as_is(en),
            (Lang::En, None) if hangul => Translated::marked(own, "in Korean"),
            // a foreign record's own language is not Korean: say so rather than pass
            // its English off as the page's language
            (Lang::Ko, _) if !hangul && own.chars().any(|c| c.is_ascii_alphabetic()) => {
                Translated::marked(own, "영어")
            }
            _ => Translated::as_is(own),
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }

    pub fn status(&self, s: &MatchStatus) -> &'static str {
        self.lang.t(s.label_ko(), s.label_en())
    }

    pub fn reason<'a>(&self, r: &'a Reason) -> &'a str {
        self.lang.t(&r.ko, &r.en)
    }
}

/// A text as a page shows it, and the name of its language when that is not the
/// page's (the page's language was missing).
pub struct Translated<'a> {
    pub text: &'a str,
    pub fallback: Option<&'static str>,
}

impl<'a> Translated<'a> {
    fn as_is(text: &'a str) -> Self {
        Translated {
            text,
            fallback: None,
        }
    }

    fn marked(text: &'a str, language: &'static str) -> Self {
        Translated {
            text,
            fallback: Some(language),
        }
    }
}

/// The decoded value of `name` in a query string.
pub fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Where a redirect taken from the request (login's `next`, the language switch's
/// `back`) may go: `target` when it is a path on this site, otherwise `fallback`. The
/// target is resolved as a URL against a fixed base and must keep that origin, and it
/// must be a plain absolute path: `//host`, `/\host`, a scheme, backslashes and control
/// characters (a tab or newline that browsers strip, turning `/\t/host` into `//host`)
/// all fall back. The answer is the URL's own serialisation, so it is always a valid
/// `Location` header.
pub fn local_path(target: &str, fallback: &str) -> String {
    let base = url::Url::parse("https://innobridge.invalid/").expect("a valid base URL");
    let plain = target.starts_with('/')
        && !target.starts_with("//")
        && !target.chars().any(|c| c.is_control() || c == '\\');
    match base.join(target) {
        Ok(url) if plain && url.origin() == base.origin() => {
            // what is sent must itself be a plain path: dot segments resolve away, so
            // `/.//host` would otherwise leave as `//host`, another site to a browser
            let path = &url[url::Position::BeforePath..];
            if path.starts_with("//") || path.starts_with("/\\") {
                fallback.to_string()
            } else {
                path.to_string()
            }
        }
        _ => fallback.to_string(),
    }
}

/// `name` cut down to letters, digits, `-` and `_` (others become `_`), for a file
/// name in `Content-Disposition` that no header or file system misreads.
pub fn file_stem(name: &str) -> String {
    name.chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Encodes a query value.
pub fn url_encode(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Renders a page (a template failure is logged and answered 500 with a plain
/// message; templates are checked at compile time, so this means a bug).
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "page could not be drawn").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub l: Layout,
    pub heading: String,
    pub detail: String,
    pub back: String,
}

/// An error page with a status, what went wrong, and a way back.
pub fn message(
    caller: &Caller,
    uri: &Uri,
    status: StatusCode,
    detail: &str,
    back: &str,
) -> Response {
    let (ko, en) = match status {
        StatusCode::FORBIDDEN => ("권한이 없습니다", "Not allowed"),
        StatusCode::NOT_FOUND => ("찾을 수 없습니다", "Not found"),
        StatusCode::CONFLICT => ("처리할 수 없습니다", "Refused"),
        s if s.is_client_error() => ("입력을 확인해 주세요", "Please check the input"),
        _ => ("잠시 후 다시 시도해 주세요", "Please try again shortly"),
    };
    let page = MessagePage {
        l: Layout::new(caller, uri, (ko, en)),
        heading: caller.lang.t(ko, en).to_string(),
        detail: detail.to_string(),
        back: back.to_string(),
    };
    (status, render(&page)).into_response()
}

/// An app error as a page, with the status and words the API would answer it with.
pub fn app_error(caller: &Caller, uri: &Uri, e: app::AppError, back: &str) -> Response {
    let refusal = crate::problem::ApiError::from(e);
    message(caller, uri, refusal.status(), refusal.detail(), back)
}

/// Where a form post without a valid session and CSRF token goes.
pub fn need_login(caller: &Caller, uri: &Uri) -> Response {
    if caller.session.is_some() {
        message(
            caller,
            uri,
            StatusCode::FORBIDDEN,
            caller.lang.t(
                "양식이 만료되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.",
                "The form has expired; reload the page and try again.",
            ),
            "/work",
        )
    } else {
        Redirect::to(&format!("/login?next={}", url_encode(uri.path()))).into_response()
    }
}

/// A form that carries only the session's CSRF token (a button's post).
#[derive(serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// A multipart form's fields by name: (file name, bytes); or what broke in reading it.
pub async fn read_multipart(
    mut form: axum::extract::Multipart,
) -> Result<std::collections::HashMap<String, (Option<String>, axum::body::Bytes)>, String> {
    let mut fields = std::collections::HashMap::new();
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|e| format!("upload: {e}"))?
    {
        let name = f.name().unwrap_or("").to_string();
        let file_name = f.file_name().map(str::to_string);
        let bytes = f.bytes().await.map_err(|e| format!("upload: {e}"))?;
        fields.insert(name, (file_name, bytes));
    }
    Ok(fields)
}

/// A multipart field as text.
pub fn field_text(
    fields: &std::collections::HashMap<String, (Option<String>, axum::body::Bytes)>,
    name: &str,
) -> String {
    fields
        .get(name)
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .unwrap_or_default()
}

/// Back to `to` with a one-line message shown there (in a signed cookie, see
/// [`crate::flash`]).
pub fn done(to: &str, msg: &str) -> Response {
    (
        [(header::SET_COOKIE, crate::flash::set_cookie(msg))],
        Redirect::to(&local_path(to, "/")),
    )
        .into_response()
}

/// The style sheet (embedded; cached for a day).
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/app.css"),
    )
        .into_response()
}

pub fn not_found_html() -> String {
    "<!doctype html><meta charset=utf-8><title>404</title><p>페이지를 찾을 수 없습니다 / Page not found. <a href=\"/\">innobridge</a>".into()
}

#[cfg(test)]
mod tests {
    use super::{local_path, query_value, url_encode};

    #[test]
    fn redirects_stay_on_this_site() {
        for ok in [
            "/work",
            "/events/x/agenda?lang=en",
            "/startups?q=a%20b&page=2",
        ] {
            assert_eq!(local_path(ok, "/"), ok);
        }
        assert_eq!(
            local_path("/스타트업 a", "/"),
            "/%EC%8A%A4%ED%83%80%ED%8A%B8%EC%97%85%20a"
        );
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n",
            "/a\r\nSet-Cookie: x=1",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\u{85}/evil.example",
            // dot segments that resolve into `//host` (found by trying as an attacker)
            "/.//evil.example",
            "/a/..//evil.example",
            "/%2E//evil.example",
        ] {
            assert_eq!(local_path(bad, "/fallback"), "/fallback", "{bad:?}");
        }
    }

    #[test]
    fn query_values_round_trip() {
        for s in ["매칭 완료 3건", "a&b=c", "100%", "plain"] {
            let q = format!("x=1&msg={}", url_encode(s));
            assert_eq!(query_value(Some(&q), "msg").as_deref(), Some(s));
        }
        assert_eq!(query_value(Some("a=1"), "msg"), None);
    }
}
