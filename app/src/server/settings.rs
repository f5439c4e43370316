//! Installation-wide settings: the company or service name, and the time zone every app shows
//! exact times in.

use super::input::clean_line;
use super::AppState;
use crate::dto::limits::COMPANY_NAME_MAX;
use crate::dto::PublicSettings;
use crate::error::{AppError, Field};

const COMPANY_NAME: &str = "company_name";

pub async fn public_info(state: &AppState) -> Result<PublicSettings, AppError> {
    let company_name: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(COMPANY_NAME)
            .fetch_optional(&state.db.pool)
            .await?;
    Ok(PublicSettings {
        company_name,
        time_zone: state.config.time_zone_name(),
    })
}

pub async fn set_company_name(state: &AppState, name: &str) -> Result<PublicSettings, AppError> {
    let name = clean_line(Field::CompanyName, name, COMPANY_NAME_MAX)?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(COMPANY_NAME)
    .bind(&name)
    .execute(&state.db.pool)
    .await?;
    Ok(PublicSettings {
        company_name: Some(name),
        time_zone: state.config.time_zone_name(),
    })
}
