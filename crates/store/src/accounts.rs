//! Users as login finds them, server-side sessions and counted login attempts. Tokens and
//! passwords never reach this module in the clear: the app passes hashes.

use domain::{Language, Role, User};
use sqlx::Row;

use crate::{Result, Store, corrupt, now_text};

/// A live session: its user and the token forms must echo back.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub user: User,
    pub csrf: String,
    pub expires_at: String,
}

fn user_from_row(r: &impl crate::Get) -> Result<User> {
    let role: String = r.col("role")?;
    let lang: String = r.col("language")?;
    Ok(User {
        email: r.col("email")?,
        display_name: r.col("display_name")?,
        role: Role::parse(&role).map_err(|e| corrupt("role", e))?,
        enterprise_id: r.col("enterprise_ext")?,
        startup_id: r.col("startup_ext")?,
        center_code: r.col("center_code")?,
        language: lang.parse().unwrap_or(Language::Ko),
    })
}

const USER_SELECT: &str =
    "SELECT u.*, e.ext_id AS enterprise_ext, s.ext_id AS startup_ext, c.code AS center_code
     FROM users u LEFT JOIN enterprises e ON e.id = u.enterprise_id
     LEFT JOIN startups s ON s.id = u.startup_id LEFT JOIN centers c ON c.id = u.center_id";

impl crate::accounts::Accounts<'_> {
    /// The user with this e-mail and its stored password hash.
    pub async fn user_with_hash(self, email: &str) -> Result<Option<(User, Option<String>)>> {
        crate::with_pool!(self.store, pool => {
            let sql = format!("{USER_SELECT} WHERE u.email = $1");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(email.trim().to_lowercase())
                .fetch_optional(pool)
                .await?;
            row.map(|r| Ok((user_from_row(&r)?, r.try_get("password_hash")?)))
                .transpose()
        })
    }

    pub async fn create_session(
        self,
        token_hash: &str,
        email: &str,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
                 SELECT $1, id, $2, $3, $4 FROM users WHERE email = $5",
            )
            .bind(token_hash)
            .bind(csrf)
            .bind(now_text())
            .bind(expires_at)
            .bind(email.trim().to_lowercase())
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The session with this token hash, unless it has expired by `now`.
    pub async fn session(self, token_hash: &str, now: &str) -> Result<Option<SessionRecord>> {
        crate::with_pool!(self.store, pool => {
            let sql = format!(
                "{USER_SELECT} JOIN sessions x ON x.user_id = u.id WHERE x.token_hash = $1 AND x.expires_at > $2"
            )
            .replace("SELECT u.*", "SELECT u.*, x.csrf AS csrf, x.expires_at AS expires_at");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?;
            row.map(|r| {
                Ok(SessionRecord {
                    user: user_from_row(&r)?,
                    csrf: r.try_get("csrf")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .transpose()
        })
    }

    pub async fn end_session(self, token_hash: &str) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let n = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected();
            Ok(n > 0)
        })
    }

    /// Stores a reset token for the account with this e-mail and queues the mail that
    /// carries it, unless the account has had `max_recent` resets since `since`.
    /// Whether a mail was queued (false also when there is no such account).
    pub async fn create_password_reset(
        self,
        email: &str,
        token_hash: &str,
        expires_at: &str,
        since: &str,
        max_recent: i64,
        mail: (&str, &str),
    ) -> Result<bool> {
        crate::with_pool!(self.store, pool => {
            let email = email.trim().to_lowercase();
            let now = now_text();
            let mut tx = crate::Begin::begin_write(pool).await?;
            // a write first, so the transaction never upgrades a read to a write; it
            // also locks the account's row (PostgreSQL), so parallel requests count the
            // account's recent resets one after another
            sqlx::query("UPDATE users SET email = email WHERE email = $1")
                .bind(&email)
                .execute(&mut *tx)
                .await?;
            let stored = sqlx::query(
                "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
             SELECT $1, u.id, $2, $3 FROM users u WHERE u.email = $4
               AND (SELECT COUNT(*) FROM password_resets r WHERE r.user_id = u.id AND r.created_at >= $5) < $6",
            )
            .bind(token_hash)
            .bind(&now)
            .bind(expires_at)
            .bind(&email)
            .bind(since)
            .bind(max_recent)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if stored == 0 {
                return Ok(false);
            }
            crate::mail::queue_mail(&mut tx, &email, mail, &now).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The account an unused, unexpired reset token belongs to (its new password is
    /// checked against the account's name and e-mail before the token is spent).
    pub async fn password_reset_user(self, token_hash: &str, now: &str) -> Result<Option<User>> {
        crate::with_pool!(self.store, pool => {
            let sql = format!(
                "{USER_SELECT} JOIN password_resets r ON r.user_id = u.id
                 WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2"
            );
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(token_hash)
                .bind(now)
                .fetch_optional(pool)
                .await?;
            row.map(|r| user_from_row(&r)).transpose()
        })
    }

    /// Sets a new password hash through an unused, unexpired reset token, in one
    /// transaction that also spends the token, ends every session of the account and
    /// forgets its failed logins. The account's e-mail, or None for a bad token.
    pub async fn reset_password(
        self,
        token_hash: &str,
        now: &str,
        password_hash: &str,
    ) -> Result<Option<String>> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let found: Option<(i64, String)> = sqlx::query_as(
                "UPDATE password_resets SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3
             RETURNING user_id, (SELECT email FROM users WHERE id = user_id)",
            )
            .bind(now)
            .bind(token_hash)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((user_id, email)) = found else {
                return Ok(None);
            };
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM login_attempts WHERE email = $1")
                .bind(&email)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Some(email))
        })
    }

    /// Counts one login attempt by `email` from `client`, and one from `client` as a
    /// whole, in windows that start again when older than `since`. Each count is one
    /// upsert that records the attempt and answers the window's total, inside one write
    /// transaction, so a burst of parallel attempts is counted one by one. Answers
    /// (attempts by this e-mail from this client, attempts from this client).
    pub async fn count_login_attempt(
        self,
        email: &str,
        client: &str,
        now: &str,
        since: &str,
    ) -> Result<(u64, u64)> {
        const COUNT: &str = "INSERT INTO login_attempts (email, client, window_start, attempts)
             VALUES ($1, $2, $3, 1)
             ON CONFLICT (email, client) DO UPDATE SET
               attempts = CASE WHEN login_attempts.window_start < $4 THEN 1
                               ELSE login_attempts.attempts + 1 END,
               window_start = CASE WHEN login_attempts.window_start < $4 THEN $3
                                   ELSE login_attempts.window_start END
             RETURNING attempts";
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            let mut counts = [0u64; 2];
            for (n, who) in counts.iter_mut().zip([email.trim().to_lowercase(), String::new()]) {
                let (attempts,): (i64,) = sqlx::query_as(COUNT)
                    .bind(who)
                    .bind(client)
                    .bind(now)
                    .bind(since)
                    .fetch_one(&mut *tx)
                    .await?;
                *n = attempts as u64;
            }
            tx.commit().await?;
            Ok((counts[0], counts[1]))
        })
    }

    /// After a successful login: the e-mail's attempts from `client` are forgotten and
    /// the client's own count takes this attempt back.
    pub async fn forget_login_attempts(self, email: &str, client: &str) -> Result<()> {
        crate::with_pool!(self.store, pool => {
            let mut tx = crate::Begin::begin_write(pool).await?;
            sqlx::query("DELETE FROM login_attempts WHERE email = $1 AND client = $2")
                .bind(email.trim().to_lowercase())
                .bind(client)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE login_attempts SET attempts = attempts - 1
                 WHERE email = '' AND client = $1 AND attempts > 0",
            )
            .bind(client)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }
}

/// People and their sessions: accounts with their password hashes, sessions, password resets and counted login attempts.
#[derive(Clone, Copy)]
pub struct Accounts<'a> {
    pub(crate) store: &'a Store,
}
