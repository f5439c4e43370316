//! The privacy notice: the admin writes it (Markdown, rendered like a message); the sign-in
//! page links it; a client accepts each version once before using the portal, and the date is
//! kept (`privacy_acceptances`) and shown to them and to the admin. A changed notice is a new
//! version, asked again.

use crate::dto::limits::TEXT_MAX;
use crate::dto::PrivacyNotice;
use crate::error::{AppError, Field};
use crate::server::auth::Session;
use crate::server::input::clean_text;
use crate::server::{markdown, settings, AppState};

const NOTICE: &str = "privacy_notice";
/// The moment the notice last changed, as text: the version clients accept.
pub const VERSION: &str = "privacy_notice_version";

/// The notice, if the admin wrote one, with when `caller` accepted this version.
pub async fn notice(
    state: &AppState,
    caller: Option<&Session>,
) -> Result<Option<PrivacyNotice>, AppError> {
    let Some(text) = settings::get(state, NOTICE).await? else {
        return Ok(None);
    };
    let version = settings::get(state, VERSION).await?.unwrap_or_default();
    let accepted_at =
        match caller {
            Some(session) => sqlx::query_scalar(
                "SELECT accepted_at FROM privacy_acceptances WHERE user_id = $1 AND version = $2",
            )
            .bind(session.user.id)
            .bind(&version)
            .fetch_optional(&state.db.pool)
            .await?,
            None => None,
        };
    Ok(Some(PrivacyNotice {
        html: markdown::render(&text),
        text,
        version,
        accepted_at,
    }))
}

/// Writes the notice (empty: there is none); a new version, which clients accept anew.
pub async fn set(state: &AppState, text: &str) -> Result<Option<PrivacyNotice>, AppError> {
    if text.trim().is_empty() {
        settings::clear(state, NOTICE).await?;
        settings::clear(state, VERSION).await?;
        return Ok(None);
    }
    let text = clean_text(Field::PrivacyNotice, text, TEXT_MAX)?;
    settings::put(state, NOTICE, text).await?;
    settings::put(state, VERSION, state.clock.now_ms().to_string()).await?;
    notice(state, None).await
}

/// The client accepts `version` of the notice (again: nothing changes); the notice as they now
/// see it. A version that is no longer the notice's records nothing: the answer is the new one,
/// not accepted, for them to read first.
pub async fn accept(
    state: &AppState,
    session: &Session,
    version: &str,
) -> Result<PrivacyNotice, AppError> {
    let current = settings::get(state, VERSION)
        .await?
        .ok_or(AppError::NotFound)?;
    if current != version {
        return notice(state, Some(session))
            .await?
            .ok_or(AppError::NotFound);
    }
    let (user, version, now) = (session.user.id, current, state.clock.now_ms());
    state
        .db
        .execute(
            sqlx::query(
                "INSERT INTO privacy_acceptances (user_id, version, accepted_at) \
                     VALUES ($1, $2, $3) ON CONFLICT (user_id, version) DO NOTHING",
            )
            .bind(user)
            .bind(version)
            .bind(now),
        )
        .await?;
    notice(state, Some(session))
        .await?
        .ok_or(AppError::NotFound)
}
