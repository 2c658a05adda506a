//! The one-line message a page shows after a form's redirect ("saved", "refused: …").
//! It travels in a short-lived cookie signed with this process's key, never in the
//! URL, so nobody can put text of their choosing into our page frame with a link; the
//! page that shows it clears it.

use std::sync::LazyLock;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::caller::cookie_value;

/// The flash cookie's name.
pub const COOKIE: &str = "innobridge_flash";

/// A random key made when the process starts. A message made by another instance
/// behind the same load balancer does not verify here and is simply not shown.
static KEY: LazyLock<[u8; 32]> = LazyLock::new(|| {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the operating system's random numbers");
    key
});

fn mac() -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(&*KEY).expect("HMAC takes a key of any length")
}

/// The `Set-Cookie` value that carries `msg` to the next page.
pub fn set_cookie(msg: &str) -> String {
    let value: String = form_urlencoded::byte_serialize(msg.as_bytes()).collect();
    let mut m = mac();
    m.update(value.as_bytes());
    let tag = hex::encode(m.finalize().into_bytes());
    format!("{COOKIE}={value}.{tag}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict")
}

/// The message of a request's flash cookie, when its signature holds.
pub fn read(headers: &HeaderMap) -> Option<String> {
    let (value, tag) = cookie_value(headers, COOKIE)?.rsplit_once('.')?;
    let mut m = mac();
    m.update(value.as_bytes());
    m.verify_slice(&hex::decode(tag).ok()?).ok()?;
    form_urlencoded::parse(format!("m={value}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

/// Clears a flash cookie the request brought (the page has shown it), unless the
/// answer sets a new one.
pub async fn clear_shown(req: Request, next: Next) -> Response {
    let had = cookie_value(req.headers(), COOKIE).is_some();
    let mut res = next.run(req).await;
    let sets_new = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(COOKIE.as_bytes()));
    if had && !sets_new {
        res.headers_mut().append(
            header::SET_COOKIE,
            HeaderValue::from_static(
                "innobridge_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict",
            ),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h
    }

    #[test]
    fn a_signed_message_reads_back_and_a_forged_one_does_not() {
        for msg in ["저장했습니다 / Saved", "refused: a; b=c, 100%", ""] {
            let set = set_cookie(msg);
            let pair = set.split(';').next().unwrap();
            assert_eq!(read(&request_with(pair)).as_deref(), Some(msg), "{set}");
        }
        let set = set_cookie("Saved");
        let (pair, _) = set.split_once(';').unwrap();
        let (_, tag) = pair.rsplit_once('.').unwrap();
        for forged in [
            format!("{COOKIE}=Your+account+is+closed.+Call+010.{tag}"),
            format!("{COOKIE}=Your+account+is+closed"),
            format!("{COOKIE}=x.zz"),
        ] {
            assert_eq!(read(&request_with(&forged)), None, "{forged}");
        }
    }
}
