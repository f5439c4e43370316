//! Installation-wide settings: the company or service name, the time zone every app shows
//! exact times in, and how tickets read to clients. One row per key in `settings`.

use super::input::clean_line;
use super::AppState;
use crate::dto::limits::{CHAT_WEIGHT_DEFAULT, COMPANY_NAME_MAX, SOLUTION_DAYS_DEFAULT};
use crate::dto::{PublicSettings, TicketSettings};
use crate::error::{AppError, Field, Problem};

const COMPANY_NAME: &str = "company_name";
const FORCED_REASONS_TO_CLIENTS: &str = "forced_reasons_to_clients";
const SOLUTION_DAYS: &str = "solution_days";
const INSTALLATION_ID: &str = "installation_id";
const CHAT_WEIGHT: &str = "chat_weight";

pub(super) async fn get(state: &AppState, key: &str) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&state.db.pool)
            .await?,
    )
}

/// Sets one setting, through the one writer.
pub(super) async fn put(
    state: &AppState,
    key: &'static str,
    value: String,
) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
}

/// This installation's id, made when first asked for (by its first export): every export of
/// it names the same source, so importing two of them brings nothing twice.
pub async fn installation_id(state: &AppState) -> Result<String, AppError> {
    if let Some(id) = get(state, INSTALLATION_ID).await? {
        return Ok(id);
    }
    let made = format!("{:032x}", rand::random::<u128>());
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                // Another process asking at once: the first one's stays.
                sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(INSTALLATION_ID)
                    .bind(made)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await?;
    get(state, INSTALLATION_ID).await?.ok_or(AppError::Internal)
}

/// Removes one setting, through the one writer.
pub(super) async fn clear(state: &AppState, key: &'static str) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("DELETE FROM settings WHERE key = $1")
                    .bind(key)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await
}

pub async fn public_info(state: &AppState) -> Result<PublicSettings, AppError> {
    Ok(PublicSettings {
        company_name: get(state, COMPANY_NAME).await?,
        time_zone: state.config.time_zone_name(),
    })
}

pub async fn set_company_name(state: &AppState, name: &str) -> Result<PublicSettings, AppError> {
    let name = clean_line(Field::CompanyName, name, COMPANY_NAME_MAX)?;
    put(state, COMPANY_NAME, name.clone()).await?;
    Ok(PublicSettings {
        company_name: Some(name),
        time_zone: state.config.time_zone_name(),
    })
}

/// How tickets read to clients and wait for them; by default an admin's reason for forcing a
/// status is staff's, and a proposed solution waits a week.
pub async fn ticket_settings(state: &AppState) -> Result<TicketSettings, AppError> {
    let days = get(state, SOLUTION_DAYS).await?;
    Ok(TicketSettings {
        forced_reasons_to_clients: get(state, FORCED_REASONS_TO_CLIENTS).await?.as_deref()
            == Some("1"),
        solution_days: days
            .and_then(|d| d.parse().ok())
            .unwrap_or(SOLUTION_DAYS_DEFAULT),
        chat_weight: chat_weight(state).await?,
    })
}

/// How many tickets a live chat under way counts as in its operator's load.
pub async fn chat_weight(state: &AppState) -> Result<u32, AppError> {
    Ok(get(state, CHAT_WEIGHT)
        .await?
        .and_then(|w| w.parse().ok())
        .unwrap_or(CHAT_WEIGHT_DEFAULT))
}

pub async fn set_ticket_settings(
    state: &AppState,
    input: &TicketSettings,
) -> Result<TicketSettings, AppError> {
    let in_range = |field, value, allowed: std::ops::RangeInclusive<u32>| {
        if allowed.contains(&value) {
            return Ok(());
        }
        let (min, max) = (i64::from(*allowed.start()), i64::from(*allowed.end()));
        Err(AppError::invalid(field, Problem::OutOfRange { min, max }))
    };
    in_range(
        Field::SolutionDays,
        input.solution_days,
        crate::dto::limits::SOLUTION_DAYS,
    )?;
    in_range(
        Field::ChatWeight,
        input.chat_weight,
        crate::dto::limits::CHAT_WEIGHT,
    )?;
    let shown = if input.forced_reasons_to_clients {
        "1"
    } else {
        "0"
    };
    put(state, FORCED_REASONS_TO_CLIENTS, shown.into()).await?;
    put(state, SOLUTION_DAYS, input.solution_days.to_string()).await?;
    put(state, CHAT_WEIGHT, input.chat_weight.to_string()).await?;
    ticket_settings(state).await
}
