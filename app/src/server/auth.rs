//! Who is asking: the user row the rules read, sessions (resolving, ending), their tokens, and
//! changing one's own password. Checking credentials to open a session is `sign_in`'s.

use super::db::flag;
use super::{passwords, AppState};
use crate::dto::{CurrentUser, PasswordChange, Role};
use crate::error::{AppError, Field, Problem};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// The setting: the roles that must sign in with a second factor, comma-separated
/// (`USER_COLUMNS` reads it by this name too; `two_factor` sets it).
pub const SECOND_FACTOR_ROLES: &str = "two_factor_roles";
/// Without the setting, admins must have a second factor; operators and clients may.
const DEFAULT_SECOND_FACTOR_ROLES: [Role; 1] = [Role::Admin];

/// The roles that must sign in with a second factor, as a stored setting names them (the
/// default when there is none).
pub fn second_factor_roles(value: Option<&str>) -> Vec<Role> {
    match value {
        None => DEFAULT_SECOND_FACTOR_ROLES.to_vec(),
        Some(text) => Role::ALL
            .into_iter()
            .filter(|role| text.split(',').any(|r| r.trim() == role.as_str()))
            .collect(),
    }
}

/// A user row as the auth rules need it (`USER_COLUMNS`).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub password_hash: String,
    pub must_change_password: i64,
    pub otp_expires_at: Option<i64>,
    pub disabled: i64,
    /// 1 when the person has a confirmed second factor (`two_factor`).
    pub second_factor: i64,
    /// The roles that must sign in with a second factor, as the setting stores them.
    pub two_factor_roles: Option<String>,
}

impl UserRecord {
    pub fn role(&self) -> Result<Role, AppError> {
        Role::parse(&self.role).ok_or_else(|| {
            tracing::error!(user = self.id, role = %self.role, "unknown role in database");
            AppError::Internal
        })
    }

    pub fn must_change_password(&self) -> bool {
        flag(self.must_change_password)
    }

    pub fn has_second_factor(&self) -> bool {
        flag(self.second_factor)
    }

    /// Whether the person's role must sign in with a second factor.
    pub fn second_factor_required(&self) -> Result<bool, AppError> {
        let required = second_factor_roles(self.two_factor_roles.as_deref());
        Ok(required.contains(&self.role()?))
    }

    /// Whether the person's role must sign in with a second factor and they have none yet.
    pub fn must_set_up_second_factor(&self) -> Result<bool, AppError> {
        Ok(!self.has_second_factor() && self.second_factor_required()?)
    }

    pub fn me(&self) -> Result<CurrentUser, AppError> {
        Ok(CurrentUser {
            id: self.id,
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            role: self.role()?,
            must_change_password: self.must_change_password(),
            must_set_up_second_factor: self.must_set_up_second_factor()?,
        })
    }
}

/// The columns of `UserRecord`, over `users u`.
pub const USER_COLUMNS: &str = "u.id, u.username, u.full_name, u.role, u.password_hash, \
    u.must_change_password, u.otp_expires_at, u.disabled, \
    (SELECT COUNT(*) FROM second_factors f \
     WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) AS second_factor, \
    (SELECT value FROM settings WHERE key = 'two_factor_roles') AS two_factor_roles";

/// A signed-in request: the session's token hash and its user.
#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: String,
    pub user: UserRecord,
}

/// How a session token is stored: its SHA-256 only.
pub fn hash_token(token: &str) -> String {
    sha256_hex(token)
}

/// The SHA-256 of `text` in hex: stored tokens, and the fingerprints of requests that carry an
/// idempotency key.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Bytes in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A session is over once idle or old enough, or when its account is disabled.
pub fn ended(state: &AppState, created_at: i64, last_seen_at: i64, disabled: i64) -> bool {
    let now = state.clock.now_ms();
    let cfg = &state.config;
    flag(disabled)
        || now - last_seen_at >= cfg.session_idle_ms
        || now - created_at >= cfg.session_absolute_ms
}

/// Whether a session still holds, without counting as activity: an open live socket asks
/// this now and then, and must not keep an idle session alive.
pub async fn session_holds(state: &AppState, session: &Session) -> Result<bool, AppError> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.created_at, s.last_seen_at, u.disabled \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(&session.token_hash)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.is_some_and(|(created, seen, disabled)| !ended(state, created, seen, disabled)))
}

/// The session a token belongs to, if it is still valid. Ends sessions that timed out.
pub async fn resolve_session(state: &AppState, token: &str) -> Result<Option<Session>, AppError> {
    let token_hash = hash_token(token);
    let sql = format!(
        "SELECT s.created_at, s.last_seen_at, {USER_COLUMNS} \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
    );
    let Some(row) = sqlx::query(&sql)
        .bind(&token_hash)
        .fetch_optional(&state.db.pool)
        .await?
    else {
        return Ok(None);
    };
    use sqlx::{FromRow, Row};
    let created_at: i64 = row.try_get("created_at")?;
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    let user = UserRecord::from_row(&row)?;
    let now = state.clock.now_ms();
    if ended(state, created_at, last_seen_at, user.disabled) {
        end_session(state, &token_hash).await?;
        return Ok(None);
    }
    // Write at most once a minute per session, not on every request — through the one writer,
    // so on SQLite it joins the next group commit instead of waiting for the lock.
    if now - last_seen_at > 60_000 {
        let seen = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash.clone());
        state.db.execute(seen).await?;
    }
    Ok(Some(Session { token_hash, user }))
}

pub async fn end_session(state: &AppState, token_hash: &str) -> Result<(), AppError> {
    let end =
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_string());
    state.db.execute(end).await?;
    Ok(())
}

/// Ends the person's sessions but this one, in the transaction of a change the others did not
/// prove (a new password, a second factor set up).
pub async fn end_other_sessions(
    conn: &mut sqlx::AnyConnection,
    session: &Session,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(session.user.id)
        .bind(&session.token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the caller's password. The other sessions of the user end; this one stays.
pub async fn change_password(
    state: &AppState,
    session: &Session,
    input: &PasswordChange,
) -> Result<(), AppError> {
    let user = &session.user;
    if !user.must_change_password() {
        let current = input.current_password.as_deref().unwrap_or_default();
        if current.is_empty() {
            return Err(AppError::invalid(Field::CurrentPassword, Problem::Required));
        }
        if !passwords::verify(current, &user.password_hash).await? {
            return Err(AppError::invalid(Field::CurrentPassword, Problem::Wrong));
        }
    }
    passwords::check_new(&input.new_password, &user.username)?;
    if passwords::verify(&input.new_password, &user.password_hash).await? {
        return Err(AppError::invalid(Field::NewPassword, Problem::Unchanged));
    }
    let hash = passwords::hash(&input.new_password).await?;
    let now = state.clock.now_ms();
    let this = session.clone();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "UPDATE users SET password_hash = $1, must_change_password = 0, \
                     otp_expires_at = NULL, updated_at = $2 WHERE id = $3",
                )
                .bind(hash)
                .bind(now)
                .bind(this.user.id)
                .execute(&mut *conn)
                .await?;
                end_other_sessions(conn, &this).await
            })
        })
        .await?;
    tracing::info!(user = user.id, "password changed");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_stored_hashed() {
        let t = new_token();
        assert_eq!(t.len(), 43);
        assert_ne!(t, new_token());
        assert_eq!(hash_token(&t).len(), 64);
        assert_ne!(hash_token(&t), t);
    }
}
