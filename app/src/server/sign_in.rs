//! Signing in: checking a person's credentials (and second factor) against the limits on
//! failed attempts, and opening a session when they hold (`auth` resolves it afterwards).

use super::auth::{hash_token, new_token, UserRecord, USER_COLUMNS};
use super::db::flag;
use super::{passwords, two_factor, AppState};
use crate::dto::limits::{PASSWORD_MAX, USERNAME_MAX};
use crate::dto::{Credentials, CurrentUser};
use crate::error::{AppError, Field, Problem};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Counts failed sign-ins per client address within a window. In memory: each server process
/// counts its own; the per-name counts, kept in the database, hold across processes.
#[derive(Default)]
pub struct AddressLimiter {
    failures: Mutex<HashMap<IpAddr, (i64, i64)>>,
}

impl AddressLimiter {
    /// `ip`'s failures in the window, and when that window started.
    fn failures(&self, ip: IpAddr, now: i64, window: i64) -> (i64, i64) {
        let Ok(map) = self.failures.lock() else {
            return (0, now);
        };
        match map.get(&ip) {
            Some(&(count, start)) if now - start < window => (count, start),
            _ => (0, now),
        }
    }

    fn record_failure(&self, ip: IpAddr, now: i64, window: i64) {
        let Ok(mut map) = self.failures.lock() else {
            return;
        };
        if map.len() > 100_000 {
            map.retain(|_, (_, start)| now - *start < window);
        }
        let entry = map.entry(ip).or_insert((0, now));
        if now - entry.1 >= window {
            *entry = (0, now);
        }
        entry.0 += 1;
    }
}

/// An account name's failed sign-ins in the current window, real name or not.
#[derive(sqlx::FromRow, Clone, Copy, Debug, PartialEq, Eq)]
struct Strikes {
    failures: i64,
    last_failure_at: i64,
}

impl Strikes {
    /// How long an address that has failed must still wait before it may try this name again:
    /// nothing for the first `free` failures, then 1 s, 2 s, 4 s … up to `max_ms`.
    fn wait_ms(self, now: i64, free: i64, max_ms: i64) -> Option<i64> {
        let over = self.failures - free;
        if over < 0 {
            return None;
        }
        let delay = 1_000i64
            .checked_shl(over.min(32) as u32)
            .unwrap_or(max_ms)
            .min(max_ms);
        let left = self.last_failure_at + delay - now;
        (left > 0).then_some(left)
    }
}

async fn strikes(state: &AppState, name: &str, now: i64) -> Result<Option<Strikes>, AppError> {
    Ok(sqlx::query_as::<_, Strikes>(
        "SELECT failures, last_failure_at FROM signin_failures \
         WHERE username = $1 AND window_start > $2",
    )
    .bind(name)
    .bind(now - state.config.signin_window_ms)
    .fetch_optional(&state.db.pool)
    .await?)
}

/// Counts one more failure for `name` (and forgets the names whose window has passed), through
/// the one writer.
async fn strike(state: &AppState, name: &str, now: i64) -> Result<(), AppError> {
    let (name, since) = (name.to_string(), now - state.config.signin_window_ms);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("DELETE FROM signin_failures WHERE last_failure_at <= $1")
                    .bind(since)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "INSERT INTO signin_failures (username, failures, window_start, \
                     last_failure_at) VALUES ($1, 1, $2, $2) ON CONFLICT (username) DO UPDATE SET \
                     failures = CASE WHEN signin_failures.window_start > $3 \
                         THEN signin_failures.failures + 1 ELSE 1 END, \
                     window_start = CASE WHEN signin_failures.window_start > $3 \
                         THEN signin_failures.window_start ELSE $2 END, \
                     last_failure_at = $2",
                )
                .bind(name)
                .bind(now)
                .bind(since)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
}

/// Counts a failed sign-in against the address and, when it is one that could exist, the
/// account name; answers `err`.
async fn failure<T>(
    state: &AppState,
    ip: IpAddr,
    name: Option<&str>,
    now: i64,
    err: AppError,
) -> Result<T, AppError> {
    let window = state.config.signin_window_ms;
    state.address_limiter.record_failure(ip, now, window);
    if let Some(name) = name {
        strike(state, name, now).await?;
    }
    Err(err)
}

fn retry_after(ms: i64) -> u64 {
    (ms.max(0) as u64).div_ceil(1000).max(1)
}

async fn find_by_username(
    state: &AppState,
    username: &str,
) -> Result<Option<UserRecord>, AppError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
    Ok(sqlx::query_as::<_, UserRecord>(&sql)
        .bind(username)
        .fetch_optional(&state.db.pool)
        .await?)
}

/// Checks the credentials and, when they hold, opens a session. Returns the user and the
/// session token for the cookie; the token is never stored or logged in clear.
///
/// The limits (ARCHITECTURE.md, "Sign-in limits"): an address with `signin_address_limit`
/// failures in the window is stopped until the window ends. An account name with more than
/// `signin_free_tries` failures makes every address that has failed wait a growing delay
/// before trying it again; an address without failures is never delayed, so the owner signs
/// in while an attacker is slowed. Unknown names are counted, delayed and answered exactly as
/// real ones, so a limit never tells which usernames exist.
///
/// An account with a second factor signs in with a code too: the right password without one
/// answers `SecondFactorNeeded` (no session, no failure counted); a wrong code — or one already
/// used — counts as a failed sign-in, under the same limits.
pub async fn sign_in(
    state: &AppState,
    ip: IpAddr,
    agent: &str,
    input: &Credentials,
) -> Result<(CurrentUser, String), AppError> {
    let username = input.username.trim().to_lowercase();
    if username.is_empty() {
        return Err(AppError::invalid(Field::Username, Problem::Required));
    }
    if input.password.is_empty() {
        return Err(AppError::invalid(Field::Password, Problem::Required));
    }
    let cfg = &state.config;
    let now = state.clock.now_ms();
    let window = cfg.signin_window_ms;
    let (address_failures, address_since) = state.address_limiter.failures(ip, now, window);
    if address_failures >= cfg.signin_address_limit {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: retry_after(address_since + window - now),
        });
    }
    let plausible =
        username.chars().count() <= USERNAME_MAX && input.password.chars().count() <= PASSWORD_MAX;
    let strikes = if plausible {
        strikes(state, &username, now).await?
    } else {
        None
    };
    if address_failures > 0 {
        if let Some(wait) =
            strikes.and_then(|s| s.wait_ms(now, cfg.signin_free_tries, cfg.signin_delay_max_ms))
        {
            return Err(AppError::TooManyAttempts {
                retry_after_secs: retry_after(wait),
            });
        }
    }
    let user = if plausible {
        find_by_username(state, &username).await?
    } else {
        None
    };
    let verified = match &user {
        Some(user) => passwords::verify(&input.password, &user.password_hash).await?,
        None => {
            passwords::verify_nothing(&input.password).await?;
            false
        }
    };
    let counted = plausible.then_some(username.as_str());
    let Some(user) = user.filter(|_| verified) else {
        return failure(state, ip, counted, now, AppError::WrongCredentials).await;
    };
    if user.has_second_factor() {
        let code = input.code.as_deref().unwrap_or_default();
        if code.trim().is_empty() {
            return Err(AppError::SecondFactorNeeded);
        }
        if !two_factor::accept(state, user.id, code).await? {
            let wrong = AppError::invalid(Field::Code, Problem::Wrong);
            return failure(state, ip, counted, now, wrong).await;
        }
    }
    if flag(user.disabled) {
        return Err(AppError::AccountDisabled);
    }
    if user.must_change_password() && user.otp_expires_at.is_some_and(|t| t <= now) {
        return Err(AppError::OneTimePasswordExpired);
    }
    let role = user.role()?;
    if role != input.app {
        return Err(AppError::WrongApp { role });
    }
    let token = new_token();
    let (struck, hash, user_id) = (strikes.is_some(), hash_token(&token), user.id);
    let (agent, address) = (agent.to_string(), ip.to_string());
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                if struck {
                    sqlx::query("DELETE FROM signin_failures WHERE username = $1")
                        .bind(username)
                        .execute(&mut *conn)
                        .await?;
                }
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, agent, \
                     address) VALUES ($1, $2, $3, $3, $4, $5)",
                )
                .bind(hash)
                .bind(user_id)
                .bind(now)
                .bind(agent)
                .bind(address)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(user = user.id, "signed in");
    Ok((user.me()?, token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_failures_count_within_their_window() {
        let limiter = AddressLimiter::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..3 {
            limiter.record_failure(ip, 1_000, 60_000);
        }
        assert_eq!(limiter.failures(ip, 2_000, 60_000), (3, 1_000));
        assert_eq!(limiter.failures([10, 0, 0, 2].into(), 2_000, 60_000).0, 0);
        assert_eq!(limiter.failures(ip, 61_000, 60_000).0, 0);
    }

    #[test]
    fn delays_grow_after_the_free_tries_and_stop_growing() {
        let strikes = |failures| Strikes {
            failures,
            last_failure_at: 0,
        };
        assert_eq!(strikes(4).wait_ms(0, 5, 60_000), None);
        assert_eq!(strikes(5).wait_ms(0, 5, 60_000), Some(1_000));
        assert_eq!(strikes(7).wait_ms(500, 5, 60_000), Some(3_500));
        assert_eq!(strikes(200).wait_ms(0, 5, 60_000), Some(60_000));
        assert_eq!(strikes(200).wait_ms(60_000, 5, 60_000), None);
    }
}
