//! API tokens: the keys integrations and people use for the REST API (`/api/v1`). A token acts
//! as one account — a person's own, or, made by an admin, the account an integration acts as —
//! and its scopes (`tokens::Scope`) narrow what it may do; every call then goes through the same
//! access functions as the apps, so a token never sees more than its account could.
//!
//! The secret (`slt_` and 43 characters of 256 random bits) is shown once, when it is made; only
//! its SHA-256 is kept. A token is revoked, never deleted, and says when it was last used and
//! from where. Who may see and revoke a token: `access::api_token`.

use super::access;
use super::auth::{hash_token, new_token, Session, UserRecord, USER_COLUMNS};
use super::input::clean_line;
use super::AppState;
use crate::codes;
use crate::dto::{ApiToken, IssuedToken, NewApiToken};
use crate::error::{AppError, Field, Problem};
use crate::tokens::{Scope, MAX_DAYS};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// What every secret starts with, so a leaked one is recognisable (secret scanners, logs).
pub const PREFIX: &str = "slt_";
const NAME_MAX: usize = 100;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What a token admits, beside its account: which token (for its rate limit) and its scopes.
#[derive(Clone, Debug)]
pub struct Grant {
    pub id: i64,
    pub scopes: Vec<Scope>,
}

impl Grant {
    /// `Forbidden` unless the token was given `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), AppError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

const TOKEN_COLUMNS: &str = "t.id, t.name, t.account_id, a.username AS account, t.scopes, \
    t.created_at, c.username AS created_by, t.expires_at, t.last_used_at, t.last_used_from, \
    t.revoked_at";
const TOKEN_FROM: &str =
    "api_tokens t JOIN users a ON a.id = t.account_id JOIN users c ON c.id = t.created_by";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    account_id: i64,
    account: String,
    scopes: String,
    created_at: i64,
    created_by: String,
    expires_at: Option<i64>,
    last_used_at: Option<i64>,
    last_used_from: Option<String>,
    revoked_at: Option<i64>,
}

impl From<Row> for ApiToken {
    fn from(r: Row) -> Self {
        ApiToken {
            id: r.id,
            name: r.name,
            account_id: r.account_id,
            account: r.account,
            scopes: codes::split(&r.scopes),
            created_at: r.created_at,
            created_by: r.created_by,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            last_used_from: r.last_used_from,
            revoked_at: r.revoked_at,
        }
    }
}

async fn read(state: &AppState, id: i64) -> Result<Option<ApiToken>, AppError> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM {TOKEN_FROM} WHERE t.id = $1");
    let row: Option<Row> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?;
    Ok(row.map(ApiToken::from))
}

/// Makes a token: for the caller, or (an admin) for the account named. Its scopes must be ones
/// that account may hold; its life 1 to `MAX_DAYS` days, or none. The secret is in the answer
/// and nowhere else.
pub async fn create(
    state: &AppState,
    session: &Session,
    input: &NewApiToken,
) -> Result<IssuedToken, AppError> {
    let account_id = input.account_id.unwrap_or(session.user.id);
    access::api_token(session, account_id)?;
    let name = clean_line(Field::TokenName, &input.name, NAME_MAX)?;
    let account = account(state, account_id).await?;
    if account.disabled != 0 {
        return Err(AppError::invalid(Field::Account, Problem::Malformed));
    }
    let role = account.role()?;
    if input.scopes.is_empty() {
        return Err(AppError::invalid(Field::Scopes, Problem::Required));
    }
    if input.scopes.iter().any(|s| !s.allowed_for(role)) {
        return Err(AppError::invalid(Field::Scopes, Problem::Malformed));
    }
    let now = state.clock.now_ms();
    let expires_at = match input.expires_in_days {
        None => None,
        Some(days @ 1..=MAX_DAYS) => Some(now + days * DAY_MS),
        Some(_) => {
            return Err(AppError::invalid(
                Field::ExpiryDays,
                Problem::OutOfRange {
                    min: 1,
                    max: MAX_DAYS,
                },
            ))
        }
    };
    let secret = format!("{PREFIX}{}", new_token());
    let (by, scopes, token_hash) = (
        session.user.id,
        codes::join(&input.scopes),
        hash_token(&secret),
    );
    let id: i64 = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query_scalar(
                    "INSERT INTO api_tokens (account_id, created_by, name, scopes, token_hash, \
                     created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(account_id)
                .bind(by)
                .bind(name)
                .bind(scopes)
                .bind(token_hash)
                .bind(now)
                .bind(expires_at)
                .fetch_one(&mut *conn)
                .await?)
            })
        })
        .await?;
    let token = read(state, id).await?.ok_or(AppError::Internal)?;
    Ok(IssuedToken { token, secret })
}

async fn account(state: &AppState, id: i64) -> Result<UserRecord, AppError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
    sqlx::query_as::<_, UserRecord>(&sql)
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::invalid(Field::Account, Problem::Required))
}

/// The tokens acting as the caller, newest first; for an admin with `all`, every token.
pub async fn list(
    state: &AppState,
    session: &Session,
    all: bool,
) -> Result<Vec<ApiToken>, AppError> {
    let every = all && session.user.role()? == crate::dto::Role::Admin;
    let filter = if every { "" } else { "WHERE t.account_id = $1" };
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM {TOKEN_FROM} {filter} ORDER BY t.id DESC");
    let mut query = sqlx::query_as::<_, Row>(&sql);
    if !every {
        query = query.bind(session.user.id);
    }
    let rows = query.fetch_all(&state.db.pool).await?;
    Ok(rows.into_iter().map(ApiToken::from).collect())
}

/// Revokes a token the caller may see: refused from its next call on, in every process. The
/// token as it is now (revoking twice changes nothing).
pub async fn revoke(state: &AppState, session: &Session, id: i64) -> Result<ApiToken, AppError> {
    let token = read(state, id).await?.ok_or(AppError::NotFound)?;
    access::api_token(session, token.account_id)?;
    let revoke =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(state.clock.now_ms())
            .bind(id);
    state.db.execute(revoke).await?;
    read(state, id).await?.ok_or(AppError::Internal)
}

/// A token found by its secret, with its account.
#[derive(sqlx::FromRow)]
struct Held {
    token_id: i64,
    scopes: String,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    last_used_at: Option<i64>,
    #[sqlx(flatten)]
    user: UserRecord,
}

/// The account and grant of a secret from an `Authorization: Bearer` header, or `None` when it
/// is not a token in force: unknown, revoked, expired, or its account disabled. The use is noted
/// (at most once a minute per token, through the one writer).
pub async fn resolve(
    state: &AppState,
    secret: &str,
    from: IpAddr,
) -> Result<Option<(Session, Grant)>, AppError> {
    if !secret.starts_with(PREFIX) {
        return Ok(None);
    }
    let token_hash = hash_token(secret);
    let sql = format!(
        "SELECT t.id AS token_id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at, \
         {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.account_id \
         WHERE t.token_hash = $1"
    );
    let Some(held) = sqlx::query_as::<_, Held>(&sql)
        .bind(&token_hash)
        .fetch_optional(&state.db.pool)
        .await?
    else {
        return Ok(None);
    };
    let (id, user) = (held.token_id, held.user);
    let now = state.clock.now_ms();
    if held.revoked_at.is_some() || held.expires_at.is_some_and(|t| t <= now) || user.disabled != 0
    {
        return Ok(None);
    }
    if held.last_used_at.is_none_or(|t| now - t > 60_000) {
        let address = from.to_string();
        state
            .db
            .execute(
                sqlx::query(
                    "UPDATE api_tokens SET last_used_at = $1, last_used_from = $2 \
                         WHERE id = $3",
                )
                .bind(now)
                .bind(address)
                .bind(id),
            )
            .await?;
    }
    let grant = Grant {
        id,
        scopes: codes::split(&held.scopes),
    };
    Ok(Some((Session { token_hash, user }, grant)))
}

/// Calls per token per minute on the REST API, counted in memory by each process (so behind a
/// load balancer each process allows its own share). A fixed window: simple to explain in the
/// `RateLimit` headers, and a burst at a window's edge is at most twice the limit.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<i64, (i64, u32)>>,
}

/// Where a token stands in its window: what the `RateLimit-*` headers say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateState {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the window starts over.
    pub reset_secs: u64,
    /// Whether this call was over the limit (and so refused).
    pub refused: bool,
}

const WINDOW_MS: i64 = 60_000;

impl RateLimiter {
    /// Counts one call of `token` at `now` against `limit` per minute.
    pub fn count(&self, token: i64, now: i64, limit: u32) -> RateState {
        let start = now - now.rem_euclid(WINDOW_MS);
        let reset_secs = ((start + WINDOW_MS - now) as u64).div_ceil(1000);
        let Ok(mut windows) = self.windows.lock() else {
            return RateState {
                limit,
                remaining: limit,
                reset_secs,
                refused: false,
            };
        };
        if windows.len() > 10_000 {
            windows.retain(|_, (s, _)| *s == start);
        }
        let entry = windows.entry(token).or_insert((start, 0));
        if entry.0 != start {
            *entry = (start, 0);
        }
        let refused = entry.1 >= limit;
        if !refused {
            entry.1 += 1;
        }
        RateState {
            limit,
            remaining: limit - entry.1,
            reset_secs,
            refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_gets_its_limit_per_minute_and_no_more() {
        let limiter = RateLimiter::default();
        let t0 = 1_700_000_080_000; // 40 s into a minute
        for n in 1..=3 {
            let s = limiter.count(7, t0, 3);
            assert_eq!((s.remaining, s.refused, s.reset_secs), (3 - n, false, 20));
        }
        assert!(limiter.count(7, t0 + 1, 3).refused);
        // Another token has its own count; the next minute starts over.
        assert!(!limiter.count(8, t0, 3).refused);
        let next = limiter.count(7, t0 + 20_000, 3);
        assert_eq!(
            (next.remaining, next.refused, next.reset_secs),
            (2, false, 60)
        );
    }
}
