//! Accounts: the bootstrap admin, creation with generated usernames and one-time passwords,
//! resets and disabling — and the edition's limits on them.

use super::db::flag;
use super::input::clean_line;
use super::{licence, passwords, username, AppState};
use crate::dto::limits::{EMAIL_MAX, FULL_NAME_MAX};
use crate::dto::{Account, AccountList, IssuedCredentials, NewAccount, Role, RoleUsage};
use crate::error::{AppError, Field, Problem};
use crate::i18n::Lang;

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    full_name: String,
    email: Option<String>,
    role: String,
    disabled: i64,
    must_change_password: i64,
    second_factor: i64,
    notice_accepted_at: Option<i64>,
    created_at: i64,
}

impl AccountRow {
    fn into_account(self) -> Result<Account, AppError> {
        let role = Role::parse(&self.role).ok_or(AppError::Internal)?;
        Ok(Account {
            id: self.id,
            username: self.username,
            full_name: self.full_name,
            email: self.email,
            role,
            disabled: flag(self.disabled),
            must_change_password: flag(self.must_change_password),
            second_factor: flag(self.second_factor),
            notice_accepted_at: self.notice_accepted_at,
            created_at: self.created_at,
        })
    }
}

const ACCOUNT_COLUMNS: &str =
    "id, username, full_name, email, role, disabled, must_change_password, created_at, \
     (SELECT COUNT(*) FROM second_factors f \
      WHERE f.user_id = users.id AND f.confirmed_at IS NOT NULL) AS second_factor, \
     (SELECT p.accepted_at FROM privacy_acceptances p WHERE p.user_id = users.id \
      AND p.version = (SELECT value FROM settings WHERE key = 'privacy_notice_version')) \
      AS notice_accepted_at";

pub(crate) fn clean_email(email: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let email = clean_line(Field::Email, email, EMAIL_MAX)?;
    let well_formed = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    };
    if !well_formed {
        return Err(AppError::invalid(Field::Email, Problem::Malformed));
    }
    Ok(Some(email))
}

/// How many more active accounts of `role` the edition allows; `None`: no limit.
pub async fn room(state: &AppState, role: Role) -> Result<Option<i64>, AppError> {
    Ok(match licence::standing(state).await?.limit(role) {
        Some(limit) => Some((limit - active_count(state, role).await?).max(0)),
        None => None,
    })
}

async fn active_count(state: &AppState, role: Role) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND disabled = 0")
            .bind(role.as_str())
            .fetch_one(&state.db.pool)
            .await?,
    )
}

async fn check_limit(state: &AppState, role: Role) -> Result<(), AppError> {
    if let Some(limit) = licence::standing(state).await?.limit(role) {
        if active_count(state, role).await? >= limit {
            return Err(AppError::EditionLimit { role, limit });
        }
    }
    Ok(())
}

pub async fn account(state: &AppState, id: i64) -> Result<Account, AppError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = $1");
    sqlx::query_as::<_, AccountRow>(&sql)
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::NotFound)?
        .into_account()
}

/// An account about to be inserted.
pub struct NewRow<'a> {
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub role: Role,
    /// The username wanted; a number is appended when it is taken.
    pub username_base: &'a str,
    /// When it was made: now, or where it came from (`salter import`).
    pub created_at: i64,
    pub disabled: bool,
}

/// Inserts an account under the first free username, with a fresh one-time password. No
/// limit is checked here: `create` checks the edition's, and `moving::import` brings accounts
/// beyond it in disabled.
pub async fn insert(state: &AppState, row: NewRow<'_>) -> Result<IssuedCredentials, AppError> {
    let NewRow {
        full_name,
        email,
        role,
        username_base,
        created_at,
        disabled,
    } = row;
    let otp = passwords::generate_one_time_password();
    let hash = passwords::hash(&otp).await?;
    let now = state.clock.now_ms();
    let expires_at = now + state.config.otp_ttl_ms;
    // A concurrent creation may take the name between the look-up and the insert: try again.
    for _ in 0..5 {
        let taken: Vec<String> = sqlx::query_scalar(
            "SELECT username FROM users WHERE username = $1 OR username LIKE $2",
        )
        .bind(username_base)
        .bind(format!("{username_base}%"))
        .fetch_all(&state.db.pool)
        .await?;
        let username = username::first_free(username_base, &taken);
        let (full_name, email, hash) = (
            full_name.to_string(),
            email.map(str::to_string),
            hash.clone(),
        );
        let inserted: Option<i64> = state
            .db
            .write(move |conn| {
                Box::pin(async move {
                    Ok(sqlx::query_scalar(
                        "INSERT INTO users (username, full_name, email, role, password_hash, \
                         must_change_password, otp_expires_at, created_at, updated_at, \
                         disabled) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9) \
                         ON CONFLICT (username) DO NOTHING RETURNING id",
                    )
                    .bind(username)
                    .bind(full_name)
                    .bind(email)
                    .bind(role.as_str())
                    .bind(hash)
                    .bind(expires_at)
                    .bind(created_at)
                    .bind(now)
                    .bind(i64::from(disabled))
                    .fetch_optional(&mut *conn)
                    .await?)
                })
            })
            .await?;
        if let Some(id) = inserted {
            tracing::info!(account = id, role = role.as_str(), "account created");
            return Ok(IssuedCredentials {
                account: account(state, id).await?,
                one_time_password: otp,
                expires_at,
            });
        }
    }
    Err(AppError::Internal)
}

/// Creates the single admin account on an empty database. `None` when any account exists.
/// Safe to run from several processes at once: only one insert of `admin` can succeed.
pub async fn bootstrap(state: &AppState) -> Result<Option<IssuedCredentials>, AppError> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&state.db.pool)
        .await?;
    if existing > 0 {
        return Ok(None);
    }
    let otp = passwords::generate_one_time_password();
    let hash = passwords::hash(&otp).await?;
    let now = state.clock.now_ms();
    let expires_at = now + state.config.otp_ttl_ms;
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (username, full_name, role, password_hash, must_change_password, \
         otp_expires_at, created_at, updated_at) \
         VALUES ('admin', 'Administrator', 'admin', $1, 1, $2, $3, $3) \
         ON CONFLICT (username) DO NOTHING RETURNING id",
    )
    .bind(&hash)
    .bind(expires_at)
    .bind(now)
    .fetch_optional(&state.db.pool)
    .await?;
    match inserted {
        Some(id) => Ok(Some(IssuedCredentials {
            account: account(state, id).await?,
            one_time_password: otp,
            expires_at,
        })),
        None => Ok(None),
    }
}

pub async fn create(state: &AppState, input: &NewAccount) -> Result<IssuedCredentials, AppError> {
    let full_name = clean_line(Field::FullName, &input.full_name, FULL_NAME_MAX)?;
    let email = clean_email(input.email.as_deref())?;
    check_limit(state, input.role).await?;
    insert(
        state,
        NewRow {
            full_name: &full_name,
            email: email.as_deref(),
            role: input.role,
            username_base: &username::base(&full_name),
            created_at: state.clock.now_ms(),
            disabled: false,
        },
    )
    .await
}

pub async fn overview(state: &AppState) -> Result<AccountList, AppError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users ORDER BY role, full_name, id");
    let accounts = sqlx::query_as::<_, AccountRow>(&sql)
        .fetch_all(&state.db.pool)
        .await?
        .into_iter()
        .map(AccountRow::into_account)
        .collect::<Result<Vec<_>, _>>()?;
    let standing = licence::standing(state).await?;
    let usage = Role::ALL
        .into_iter()
        .map(|role| RoleUsage {
            role,
            active: accounts
                .iter()
                .filter(|a| a.role == role && !a.disabled)
                .count() as i64,
            limit: standing.limit(role),
        })
        .collect();
    Ok(AccountList {
        accounts,
        edition: standing.edition(),
        usage,
        licence: standing.licence,
    })
}

/// Gives the account a new one-time password and signs it out everywhere.
pub async fn reset_password(state: &AppState, id: i64) -> Result<IssuedCredentials, AppError> {
    let otp = passwords::generate_one_time_password();
    let hash = passwords::hash(&otp).await?;
    let now = state.clock.now_ms();
    let expires_at = now + state.config.otp_ttl_ms;
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let updated = sqlx::query(
                    "UPDATE users SET password_hash = $1, must_change_password = 1, \
                     otp_expires_at = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(hash)
                .bind(expires_at)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
                if updated.rows_affected() == 0 {
                    return Err(AppError::NotFound);
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                // A fresh password starts without the failures of the old one.
                sqlx::query(
                    "DELETE FROM signin_failures \
                     WHERE username = (SELECT username FROM users WHERE id = $1)",
                )
                .bind(id)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(account = id, "password reset");
    Ok(IssuedCredentials {
        account: account(state, id).await?,
        one_time_password: otp,
        expires_at,
    })
}

/// The same reset, by username: for `salter admin reset-password`.
pub async fn reset_password_of(
    state: &AppState,
    username: &str,
) -> Result<IssuedCredentials, AppError> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username.trim().to_lowercase())
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    reset_password(state, id).await
}

/// Disables (and signs out everywhere) or enables an account.
pub async fn set_disabled(state: &AppState, id: i64, disabled: bool) -> Result<Account, AppError> {
    let current = account(state, id).await?;
    if current.disabled == disabled {
        return Ok(current);
    }
    if !disabled {
        check_limit(state, current.role).await?;
    }
    let now = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
                    .bind(i64::from(disabled))
                    .bind(now)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                if disabled {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .await?;
    tracing::info!(account = id, disabled, "account state changed");
    account(state, id).await
}

/// Keeps the language a person reads the apps in (their e-mail is written in it).
pub async fn set_language(state: &AppState, user: i64, lang: Lang) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
                    .bind(user)
                    .bind(lang.code())
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accounts_read_the_notice_version_the_notice_writes() {
        let key = crate::server::privacy::notice::VERSION;
        assert!(ACCOUNT_COLUMNS.contains(&format!("key = '{key}'")));
    }

    #[test]
    fn emails_are_optional_but_well_formed() {
        assert_eq!(clean_email(None).unwrap(), None);
        assert_eq!(clean_email(Some("  ")).unwrap(), None);
        assert_eq!(
            clean_email(Some(" ana@example.ba ")).unwrap().as_deref(),
            Some("ana@example.ba")
        );
        for bad in ["ana", "ana@", "@x.ba", "ana@x", "a b@x.ba", "a@x.ba@y.ba"] {
            assert!(clean_email(Some(bad)).is_err(), "{bad} accepted");
        }
    }
}
