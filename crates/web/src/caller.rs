//! Who is calling, read once per request: the session behind the cookie (if any), the
//! page language, whether the request came over TLS, the client's network address; and
//! the CSRF check of a form post (the API's writes check `X-CSRF-Token` in
//! [`crate::extract::Writer`]).

use std::net::{IpAddr, SocketAddr};
use std::sync::LazyLock;

use app::App;
use app::accounts::Session;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use domain::User;

use crate::i18n::Lang;
use crate::problem::ApiError;

/// The session cookie's name.
pub const COOKIE: &str = "innobridge_session";
/// The remembered language's cookie.
pub const LANG_COOKIE: &str = "lang";

pub fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The session cookie for `token` (empty and expired to end it).
pub fn session_cookie(token: &str, max_age: i64, tls: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if tls { "; Secure" } else { "" }
    )
}

/// Proxies whose `X-Forwarded-For` is believed: `INNOBRIDGE_TRUSTED_PROXIES`, IP
/// addresses separated by commas. Without it the header is ignored, since anyone can
/// send it.
static TRUSTED_PROXIES: LazyLock<Vec<IpAddr>> = LazyLock::new(|| {
    let list = std::env::var("INNOBRIDGE_TRUSTED_PROXIES").unwrap_or_default();
    list.split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .filter_map(|a| match a.parse() {
            Ok(ip) => Some(ip),
            Err(_) => {
                tracing::error!("INNOBRIDGE_TRUSTED_PROXIES: '{a}' is not an IP address; ignored");
                None
            }
        })
        .collect()
});

/// The client's address: the connection's peer, unless the peer is a trusted proxy;
/// then the nearest address in `X-Forwarded-For` that is not one (the proxy appends
/// what it saw, so addresses further left may be made up).
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    let Some(mut client) = peer else {
        return "unknown".into();
    };
    if trusted.contains(&client) {
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        for hop in forwarded.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if trusted.contains(&ip) => client = ip,
                Ok(ip) => return ip.to_string(),
                Err(_) => break,
            }
        }
    }
    client.to_string()
}

/// The caller of any route.
pub struct Caller {
    pub session: Option<Session>,
    pub lang: Lang,
    pub tls: bool,
    /// The network address logins are counted against (see [`client_address`]).
    pub client: String,
    /// The message the previous answer left for this page (see [`crate::flash`]).
    pub flash: Option<String>,
}

impl Caller {
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The session for a form post: there must be one, and the form's `csrf` field
    /// must be its token. None otherwise (the page handler answers).
    pub fn form_writer(&self, csrf: &str) -> Option<&Session> {
        self.session
            .as_ref()
            .filter(|s| !csrf.is_empty() && s.csrf == csrf)
    }
}

/// The session behind the request's cookie, if it has a live one.
pub(crate) async fn session_of(parts: &Parts, app: &App) -> Result<Option<Session>, ApiError> {
    match cookie_value(&parts.headers, COOKIE) {
        None => Ok(None),
        Some(token) => Ok(app.accounts().session(token).await?),
    }
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let session = session_of(parts, app).await?;
        let headers = &parts.headers;
        let query_lang = crate::pages::query_value(parts.uri.query(), "lang");
        let lang = Lang::from_request(query_lang.as_deref(), cookie_value(headers, LANG_COOKIE));
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Caller {
            session,
            lang,
            tls: behind_tls(headers),
            client: client_address(peer, headers, &TRUSTED_PROXIES),
            flash: crate::flash::read(headers),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let peer: IpAddr = "198.51.100.1".parse().unwrap();
        // no trusted proxy: the header is anyone's word
        assert_eq!(client_address(Some(peer), &headers, &[]), "198.51.100.1");
        // from the trusted proxy: the address it saw, not what the client wrote before it
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy]),
            "203.0.113.7"
        );
        // a peer that is not the proxy cannot borrow the proxy's trust
        assert_eq!(
            client_address(Some(peer), &headers, &[proxy]),
            "198.51.100.1"
        );
        assert_eq!(client_address(None, &headers, &[proxy]), "unknown");
        // a chain of trusted proxies is walked through
        headers.insert("x-forwarded-for", "203.0.113.9, 10.0.0.3".parse().unwrap());
        let inner: IpAddr = "10.0.0.3".parse().unwrap();
        assert_eq!(
            client_address(Some(proxy), &headers, &[proxy, inner]),
            "203.0.113.9"
        );
        // a garbled hop stops the walk at the last trusted address
        headers.insert("x-forwarded-for", "junk".parse().unwrap());
        assert_eq!(client_address(Some(proxy), &headers, &[proxy]), "10.0.0.2");
    }
}
