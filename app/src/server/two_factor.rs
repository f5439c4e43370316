//! Two-factor sign-in (TOTP, `totp`): setting it up — a secret, confirmed by a first code, then
//! ten one-time recovery codes —, the code step of signing in (`accept`), turning it off, new
//! recovery codes, an admin's reset, and which roles must have it (a setting, which
//! `salter serve --require-two-factor` replaces at each start).
//!
//! A code is accepted once: `second_factors.last_step` only grows, and a code of that step or an
//! earlier one is refused — across processes, as the update that raises it is conditional.

use super::auth::{self, second_factor_roles, sha256_hex, Session, SECOND_FACTOR_ROLES};
use super::{settings, totp, AppState};
use crate::dto::{Role, TwoFactorSetup, TwoFactorStatus};
use crate::error::{AppError, Field, Problem};
use rand::RngCore;

/// How many recovery codes a person gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// The roles that must sign in with a second factor.
pub async fn required_roles(state: &AppState) -> Result<Vec<Role>, AppError> {
    Ok(second_factor_roles(
        settings::get(state, SECOND_FACTOR_ROLES).await?.as_deref(),
    ))
}

/// Sets the roles that must sign in with a second factor; people of those roles without one
/// set one up at their next request.
pub async fn require(state: &AppState, roles: &[Role]) -> Result<Vec<Role>, AppError> {
    let text = Role::ALL
        .into_iter()
        .filter(|r| roles.contains(r))
        .map(Role::as_str)
        .collect::<Vec<_>>()
        .join(",");
    settings::put(state, SECOND_FACTOR_ROLES, text.clone()).await?;
    tracing::info!(roles = %text, "two-factor sign-in required");
    Ok(second_factor_roles(Some(&text)))
}

pub async fn status(state: &AppState, session: &Session) -> Result<TwoFactorStatus, AppError> {
    let user = &session.user;
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user.id)
    .fetch_one(&state.db.pool)
    .await?;
    Ok(TwoFactorStatus {
        on: user.has_second_factor(),
        required: user.second_factor_required()?,
        recovery_codes_left: if user.has_second_factor() { left } else { 0 },
    })
}

/// Starts setting up a second factor: a new secret, kept unconfirmed (replacing an earlier
/// unconfirmed one) until `confirm`. Refused while one is on.
pub async fn begin(state: &AppState, session: &Session) -> Result<TwoFactorSetup, AppError> {
    let user = &session.user;
    if user.has_second_factor() {
        return Err(AppError::Forbidden);
    }
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret = totp::base32(&bytes);
    let (user_id, kept, now) = (user.id, secret.clone(), state.clock.now_ms());
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let started = sqlx::query(
                    "INSERT INTO second_factors (user_id, secret, created_at, last_step) \
                     VALUES ($1, $2, $3, 0) ON CONFLICT (user_id) DO UPDATE \
                     SET secret = excluded.secret, created_at = excluded.created_at \
                     WHERE second_factors.confirmed_at IS NULL",
                )
                .bind(user_id)
                .bind(kept)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                match started.rows_affected() {
                    1 => Ok(()),
                    _ => Err(AppError::Forbidden),
                }
            })
        })
        .await?;
    let issuer = settings::public_info(state)
        .await?
        .company_name
        .unwrap_or_else(|| "Šalter".into());
    let uri = totp::otpauth_uri(&issuer, &user.username, &secret);
    let (width, path) = totp::qr_path(&uri).ok_or(AppError::Internal)?;
    Ok(TwoFactorSetup {
        secret,
        uri,
        qr_width: u32::try_from(width).map_err(|_| AppError::Internal)?,
        qr_path: path,
    })
}

/// Confirms the secret `begin` gave with a code from the app: from now on signing in asks for
/// a code. The person's other sessions, signed in without one, end. Returns the recovery codes,
/// shown this once.
pub async fn confirm(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let user = &session.user;
    if user.has_second_factor() {
        return Err(AppError::Forbidden);
    }
    let secret: String = sqlx::query_scalar(
        "SELECT secret FROM second_factors WHERE user_id = $1 AND confirmed_at IS NULL",
    )
    .bind(user.id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::invalid(Field::Code, Problem::Wrong))?;
    let now = state.clock.now_ms();
    let step = totp::from_base32(&secret)
        .and_then(|bytes| totp::matching_step(&bytes, code.trim(), now))
        .ok_or(AppError::invalid(Field::Code, Problem::Wrong))?;
    let codes = recovery_codes();
    let (this, stored) = (session.clone(), codes.clone());
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let confirmed = sqlx::query(
                    "UPDATE second_factors SET confirmed_at = $1, last_step = $2 \
                     WHERE user_id = $3 AND secret = $4 AND confirmed_at IS NULL",
                )
                .bind(now)
                .bind(step)
                .bind(this.user.id)
                .bind(secret)
                .execute(&mut *conn)
                .await?;
                if confirmed.rows_affected() != 1 {
                    return Err(AppError::Forbidden);
                }
                store_recovery_codes(conn, this.user.id, &stored).await?;
                auth::end_other_sessions(conn, &this).await
            })
        })
        .await?;
    tracing::info!(user = user.id, "second factor set up");
    Ok(codes)
}

/// Turns the second factor off, with a code (or a recovery code) as proof: one signed in on a
/// borrowed computer cannot. Refused where the role requires one.
pub async fn turn_off(state: &AppState, session: &Session, code: &str) -> Result<(), AppError> {
    let user = &session.user;
    if !user.has_second_factor() {
        return Ok(());
    }
    if user.second_factor_required()? {
        return Err(AppError::Forbidden);
    }
    if !accept(state, user.id, code).await? {
        return Err(AppError::invalid(Field::Code, Problem::Wrong));
    }
    remove(state, user.id).await?;
    tracing::info!(user = user.id, "second factor turned off");
    Ok(())
}

/// Ten new recovery codes in place of the old ones, with a code as proof.
pub async fn new_recovery_codes(
    state: &AppState,
    session: &Session,
    code: &str,
) -> Result<Vec<String>, AppError> {
    let user = &session.user;
    // Without a second factor no code is right.
    if !accept(state, user.id, code).await? {
        return Err(AppError::invalid(Field::Code, Problem::Wrong));
    }
    let codes = recovery_codes();
    let (user_id, stored) = (user.id, codes.clone());
    state
        .db
        .write(move |conn| {
            Box::pin(async move { store_recovery_codes(conn, user_id, &stored).await })
        })
        .await?;
    Ok(codes)
}

/// An admin's (or the machine's) reset, for a lost phone: the account signs in with its
/// password alone until it sets up a new second factor (at once, where its role requires one).
/// Whether it had one.
pub async fn reset(state: &AppState, account: i64) -> Result<bool, AppError> {
    let had = remove(state, account).await?;
    tracing::info!(account, had, "second factor reset");
    Ok(had)
}

async fn remove(state: &AppState, user: i64) -> Result<bool, AppError> {
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let gone = sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user)
                    .execute(&mut *conn)
                    .await?;
                Ok(gone.rows_affected() > 0)
            })
        })
        .await
}

/// Whether `code` — six digits from the app, or an unused recovery code — proves the person's
/// confirmed second factor now. Accepting uses it up: the code's step, or the recovery code.
pub async fn accept(state: &AppState, user: i64, code: &str) -> Result<bool, AppError> {
    let code = normalized(code);
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT secret, last_step FROM second_factors \
         WHERE user_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(user)
    .fetch_optional(&state.db.pool)
    .await?;
    let Some((secret, last_step)) = row else {
        return Ok(false);
    };
    let now = state.clock.now_ms();
    // What the code uses up: its step (only later than the last one used), or a recovery code.
    let step = if totp::looks_like_code(&code) {
        let step = totp::from_base32(&secret)
            .and_then(|bytes| totp::matching_step(&bytes, &code, now))
            .filter(|&step| step > last_step);
        let Some(step) = step else {
            return Ok(false);
        };
        Some(step)
    } else {
        None
    };
    let code_hash = sha256_hex(&code);
    let used = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let use_up = match step {
                    Some(step) => sqlx::query(
                        "UPDATE second_factors SET last_step = $1 \
                         WHERE user_id = $2 AND last_step < $1",
                    )
                    .bind(step)
                    .bind(user),
                    None => sqlx::query(
                        "UPDATE recovery_codes SET used_at = $1 \
                         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                    )
                    .bind(now)
                    .bind(user)
                    .bind(code_hash),
                };
                Ok(use_up.execute(&mut *conn).await?.rows_affected())
            })
        })
        .await?;
    Ok(used == 1)
}

/// A code as typed: without spaces and dashes, in lower case.
fn normalized(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Ten random recovery codes of ten base32 characters (50 bits), shown as `abcde-fghij`.
fn recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 7];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let text = totp::base32(&bytes).to_lowercase();
            format!("{}-{}", &text[..5], &text[5..10])
        })
        .collect()
}

async fn store_recovery_codes(
    conn: &mut sqlx::AnyConnection,
    user: i64,
    codes: &[String],
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user)
        .execute(&mut *conn)
        .await?;
    for code in codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user)
            .bind(sha256_hex(&normalized(code)))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_in_user_reads_the_roles_setting_this_module_writes() {
        let columns = crate::server::auth::USER_COLUMNS;
        assert!(columns.contains(&format!("key = '{SECOND_FACTOR_ROLES}'")));
    }

    #[test]
    fn admins_must_by_default_and_the_setting_names_the_roles() {
        assert_eq!(second_factor_roles(None), vec![Role::Admin]);
        assert_eq!(second_factor_roles(Some("")), vec![]);
        assert_eq!(
            second_factor_roles(Some("admin,client,nobody")),
            vec![Role::Client, Role::Admin]
        );
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_as_typed() {
        let codes = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        assert_eq!(normalized(" ABCDE-fghij "), "abcdefghij");
        assert!(!totp::looks_like_code(&normalized(&codes[0])));
        assert!(totp::looks_like_code(&normalized("123 456")));
    }
}
