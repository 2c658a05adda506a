//! Accounts: users with argon2id password hashes, logins limited per e-mail and client
//! address and per client address, and
//! server-side sessions whose random token only the browser holds (the database keeps
//! its SHA-256), each with its own CSRF token.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{Duration, SecondsFormat, Utc};
use domain::User;
use sha2::{Digest, Sha256};

use crate::{App, AppError, Principal, Result};

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Login attempts allowed per e-mail from one client address within
/// [`LOCKOUT_MINUTES`] (a successful login forgets them). The owner of the account,
/// coming from another address, is not locked out by someone else's attempts.
pub const MAX_FAILURES: u64 = 5;
/// Login attempts that did not succeed allowed from one client address, over all
/// e-mails, within [`LOCKOUT_MINUTES`]; attempts refused by the lockout count too, so
/// an address that keeps trying stays locked. Everyone sharing that address (a NAT)
/// waits with it.
pub const MAX_CLIENT_FAILURES: u64 = 30;
/// The client address of logins that did not come over the network (the CLI, tests).
pub const LOCAL_CLIENT: &str = "local";
pub const LOCKOUT_MINUTES: i64 = 15;
/// How long a session lives.
pub const SESSION_HOURS: i64 = 12;

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;
/// Reset mails sent per account and hour at most; more requests are answered alike
/// and send nothing.
pub const MAX_RESETS_PER_HOUR: i64 = 3;

/// A session as the browser holds it.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value (random, 256 bits, URL-safe).
    pub token: String,
    /// What every form and write request must echo back.
    pub csrf: String,
    pub user: User,
}

/// Why a login was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("wrong e-mail or password")]
    Wrong,
    #[error("too many failed logins from here; try again in {LOCKOUT_MINUTES} minutes")]
    Locked,
}

fn ts(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn random_token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| AppError::Conflict(format!("no randomness: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// A random password for generated accounts (20 hex digits, 80 bits).
pub fn random_password() -> Result<String> {
    Ok(random_token()?[..20].to_string())
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

/// An argon2id PHC string for `password` (fresh salt).
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(AppError::Conflict(format!(
            "a password needs at least {MIN_PASSWORD} characters"
        )));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Conflict(format!("cannot hash the password: {e}")))
}

/// The least zxcvbn score a password needs (0–4; 3: "safely unguessable", about 10^8
/// guesses). zxcvbn knows the most common passwords of public breaches, common words
/// and names, keyboard patterns, repeats, sequences and dates.
const MIN_PASSWORD_SCORE: u8 = 3;

fn weak(ko: &str, en: &str) -> AppError {
    AppError::Conflict(format!("{ko} / {en}"))
}

/// Refuses a password for `user` that is short, common or easy to guess, or that is
/// built on the user's own e-mail or name, with the reason in Korean and English.
pub fn check_password(password: &str, user: &User) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(weak(
            &format!("비밀번호는 {MIN_PASSWORD}자 이상이어야 합니다"),
            &format!("a password needs at least {MIN_PASSWORD} characters"),
        ));
    }
    let email = user.email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_string();
    let name = user.display_name.trim().to_lowercase();
    let own = [email.as_str(), local.as_str(), name.as_str()];
    let lower = password.to_lowercase();
    if own
        .iter()
        .any(|w| w.chars().count() >= 4 && lower.contains(w))
    {
        return Err(weak(
            "비밀번호에 이메일이나 이름을 넣지 마세요",
            "a password must not contain your e-mail or name",
        ));
    }
    if u8::from(zxcvbn::zxcvbn(password, &own).score()) < MIN_PASSWORD_SCORE {
        return Err(weak(
            "흔히 쓰이거나 추측하기 쉬운 비밀번호입니다. 여러 단어를 이어 더 길게 정하세요",
            "this password is common or easy to guess; choose a longer one of several words",
        ));
    }
    Ok(())
}

/// Checked against when the e-mail has no account, so that an unknown e-mail costs the
/// same argon2id work as a wrong password and timing tells nothing.
static DECOY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password("no account has this password").unwrap_or_default());

fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Accounts and sessions: adding people, logging in and out, password resets.
#[derive(Clone, Copy)]
pub struct Accounts<'a> {
    pub(crate) app: &'a App,
}

impl Accounts<'_> {
    /// Adds a user with a password ([`check_password`]; hashed with argon2id before it
    /// is stored).
    pub async fn add_user(
        self,
        who: impl Into<Principal<'_>>,
        user: &User,
        password: &str,
    ) -> Result<()> {
        let who = who.into();
        who.require_program_manager("add accounts")?;
        check_password(password, user)?;
        let hash = hash_password(password)?;
        self.app
            .store
            .accounts()
            .add_user(user, Some(&hash), who.audit_name())
            .await
            .map_err(AppError::from)
    }

    /// [`Accounts::login_from`] for a caller on this machine ([`LOCAL_CLIENT`]).
    pub async fn login(self, email: &str, password: &str) -> Result<Session> {
        self.app
            .accounts()
            .login_from(LOCAL_CLIENT, email, password)
            .await
    }

    /// Checks a password from `client` (its network address) and opens a session. Each
    /// attempt is counted before the password is checked, atomically, so after
    /// [`MAX_FAILURES`] attempts on one e-mail from one address, or
    /// [`MAX_CLIENT_FAILURES`] from one address, within [`LOCKOUT_MINUTES`], the rest
    /// are refused unchecked, however many arrive at once. A refusal is
    /// [`AppError::Login`].
    #[tracing::instrument(skip_all)]
    pub async fn login_from(self, client: &str, email: &str, password: &str) -> Result<Session> {
        let now = Utc::now();
        let since = ts(now - Duration::minutes(LOCKOUT_MINUTES));
        let (by_account, by_client) = self
            .app
            .store
            .accounts()
            .count_login_attempt(email, client, &ts(now), &since)
            .await?;
        if by_account > MAX_FAILURES || by_client > MAX_CLIENT_FAILURES {
            return Err(LoginError::Locked.into());
        }
        let found = self.app.store.accounts().user_with_hash(email).await?;
        let user = match found {
            Some((u, Some(h))) if verify(password, &h) => u,
            found => {
                if !matches!(found, Some((_, Some(_)))) {
                    verify(password, &DECOY_HASH);
                }
                return Err(LoginError::Wrong.into());
            }
        };
        self.app
            .store
            .accounts()
            .forget_login_attempts(email, client)
            .await?;
        let (token, csrf) = (random_token()?, random_token()?);
        let expires = ts(Utc::now() + Duration::hours(SESSION_HOURS));
        self.app
            .store
            .accounts()
            .create_session(&token_hash(&token), &user.email, &csrf, &expires)
            .await?;
        Ok(Session { token, csrf, user })
    }

    /// [`Accounts::login_from`] from a browser that may already hold a session: on success
    /// the old session ends, so a token planted before login (session fixation) or left
    /// from another user is worth nothing afterwards.
    pub async fn login_rotating(
        self,
        client: &str,
        email: &str,
        password: &str,
        previous: Option<&str>,
    ) -> Result<Session> {
        let fresh = self
            .app
            .accounts()
            .login_from(client, email, password)
            .await?;
        if let Some(old) = previous {
            self.app
                .store
                .accounts()
                .end_session(&token_hash(old))
                .await?;
        }
        Ok(fresh)
    }

    /// [`Accounts::request_password_reset`] after the caller has answered, in the
    /// background (see [`crate::jobs`]): whether the e-mail has an account (a token and
    /// a mail to store, or nothing) then shows neither in the answer nor in its timing.
    /// A failure is logged; the user may ask again.
    pub fn request_password_reset_after_answer(self, email: String) {
        let app = self.app.clone();
        self.app.in_background("password reset", async move {
            app.accounts().request_password_reset(&email).await
        });
    }

    /// Asks for a password-reset link. The answer is the same whether or not an
    /// account has this e-mail (no enumeration): only the mail outbox differs.
    pub async fn request_password_reset(self, email: &str) -> Result<()> {
        let token = random_token()?;
        let path = format!("/password-reset/{token}");
        let link = match std::env::var("INNOBRIDGE_PUBLIC_URL") {
            Ok(base) => format!("{}{path}", base.trim_end_matches('/')),
            Err(_) => path,
        };
        let body = format!(
            "innobridge 비밀번호를 새로 정하려면 아래 링크를 여세요 ({RESET_MINUTES}분 동안, 한 번만 쓸 수 있습니다).\n\
             To set a new innobridge password, open this link (it works once, for {RESET_MINUTES} minutes).\n\n{link}\n\n\
             요청하지 않았다면 이 메일을 무시하세요. If you did not ask, ignore this mail.\n"
        );
        let now = Utc::now();
        self.app
            .store
            .accounts()
            .create_password_reset(
                email,
                &token_hash(&token),
                &ts(now + Duration::minutes(RESET_MINUTES)),
                &ts(now - Duration::hours(1)),
                MAX_RESETS_PER_HOUR,
                ("[innobridge] 비밀번호 재설정 / Password reset", &body),
            )
            .await?;
        Ok(())
    }

    /// Sets a new password ([`check_password`]) with the token from a reset mail; every
    /// session of the account ends. False when the link is unknown, used or expired.
    pub async fn reset_password(self, token: &str, password: &str) -> Result<bool> {
        let (hashed, now) = (token_hash(token), ts(Utc::now()));
        let Some(user) = self
            .app
            .store
            .accounts()
            .password_reset_user(&hashed, &now)
            .await?
        else {
            return Ok(false);
        };
        check_password(password, &user)?;
        let hash = hash_password(password)?;
        Ok(self
            .app
            .store
            .accounts()
            .reset_password(&hashed, &now, &hash)
            .await?
            .is_some())
    }

    /// The live session a cookie token belongs to.
    pub async fn session(self, token: &str) -> Result<Option<Session>> {
        let now = ts(Utc::now());
        Ok(self
            .app
            .store
            .accounts()
            .session(&token_hash(token), &now)
            .await?
            .map(|r| Session {
                token: token.to_string(),
                csrf: r.csrf,
                user: r.user,
            }))
    }

    pub async fn logout(self, token: &str) -> Result<bool> {
        Ok(self
            .app
            .store
            .accounts()
            .end_session(&token_hash(token))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_with_their_own_salt() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse battery!", &a));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn passphrases_pass_and_common_or_personal_passwords_do_not() {
        let user = User {
            email: "founder@journey.example".into(),
            display_name: "Founder Park".into(),
            role: domain::Role::StartupMember,
            enterprise_id: None,
            startup_id: None,
            center_code: None,
            language: domain::Language::Ko,
        };
        for good in [
            "a long enough secret",
            "a brand new secret",
            "journey-password-1",
            "calls-password-1",
            "matrix-password-1",
            "api-password-22",
            "서울 혁신 다리 2026",
        ] {
            assert!(check_password(good, &user).is_ok(), "{good}");
        }
        for bad in [
            "aaaaaaaaaa",
            "password12",
            "qwerty12345",
            "founder2026!",
            "founder park 1",
        ] {
            assert!(check_password(bad, &user).is_err(), "{bad}");
        }
    }
}
