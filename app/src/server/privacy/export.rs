//! One client's data as a zip in the moving format (`moving::format`, the same files an
//! export of the whole installation holds, so it imports elsewhere unchanged): their account,
//! their tickets with the messages they can read, their files under `files/` as they uploaded
//! or received them, their ratings, and the staff who wrote to them by name — and
//! `privacy.json`, what the format does not carry (their language, when they accepted each
//! version of the privacy notice). Internal notes and their files are staff's and stay out; so
//! does everything of any other client.

use crate::dto::Role;
use crate::error::AppError;
use crate::server::moving::export::{self, ExportError, Scope};
use crate::server::moving::{format, Zipped};
use crate::server::AppState;
use serde::Serialize;

/// The zip, and the name to offer it under.
pub struct Export {
    pub file_name: String,
    pub zip: Vec<u8>,
}

/// What the moving format does not carry.
#[derive(Serialize)]
struct Privacy {
    exported_at: jiff::Timestamp,
    language: Option<String>,
    /// When they accepted each version of the privacy notice.
    privacy_notice_accepted_at: Vec<jiff::Timestamp>,
}

fn failed(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "exporting a client's data");
    AppError::Internal
}

/// Client `client_id`'s data (the caller was checked by `access::client_data`); `NotFound` for
/// an id that is not a client's.
pub async fn export(state: &AppState, client_id: i64) -> Result<Export, AppError> {
    let pool = &state.db.pool;
    let (username, language): (String, Option<String>) =
        sqlx::query_as("SELECT username, language FROM users WHERE id = $1 AND role = $2")
            .bind(client_id)
            .bind(Role::Client.as_str())
            .fetch_optional(pool)
            .await?
            .ok_or(AppError::NotFound)?;
    let accepted: Vec<i64> = sqlx::query_scalar(
        "SELECT accepted_at FROM privacy_acceptances WHERE user_id = $1 ORDER BY accepted_at",
    )
    .bind(client_id)
    .fetch_all(pool)
    .await?;
    let mut zip = Zipped::new();
    match export::write(state, Scope::Client(client_id), &mut zip).await {
        Ok(_) => {}
        Err(ExportError::Database(e)) => return Err(e),
        Err(e) => return Err(failed(e)),
    }
    let privacy = Privacy {
        exported_at: format::time(state.clock.now_ms()),
        language,
        privacy_notice_accepted_at: accepted.into_iter().map(format::time).collect(),
    };
    let json = serde_json::to_vec_pretty(&privacy).map_err(failed)?;
    zip.add("privacy.json", &json).map_err(failed)?;
    Ok(Export {
        file_name: format!("{username}-data.zip"),
        zip: zip.into_bytes().map_err(failed)?,
    })
}
