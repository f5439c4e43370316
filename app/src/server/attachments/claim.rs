//! Files joining a ticket: the caller's pending uploads claimed by a creation, message or move
//! in that change's transaction, each with its history row; and the files of a ticket as the
//! caller sees them.

use super::MAX_PER_MESSAGE;
use crate::dto::Attachment;
use crate::error::{AppError, Field, Problem};
use crate::events::Event;
use crate::events::EventKind;
use crate::server::history;
use crate::server::AppState;
use sqlx::AnyConnection;

/// Makes the caller's pending attachments part of a ticket (and of a message), with one history
/// row each, in the caller's transaction. An id that is not a pending file of `uploader` is
/// refused, and the transaction with it.
#[allow(clippy::too_many_arguments)]
pub async fn claim(
    conn: &mut AnyConnection,
    ids: &[i64],
    uploader: i64,
    ticket_id: i64,
    message_id: Option<i64>,
    internal: bool,
    now: i64,
) -> Result<(), AppError> {
    if ids.len() > MAX_PER_MESSAGE {
        return Err(AppError::invalid(
            Field::Attachment,
            Problem::TooLong {
                max: MAX_PER_MESSAGE,
            },
        ));
    }
    for id in ids {
        let name: Option<String> = sqlx::query_scalar(
            "UPDATE attachments SET ticket_id = $1, message_id = $2, internal = $3 \
             WHERE id = $4 AND uploader_id = $5 AND ticket_id IS NULL AND article_id IS NULL \
             RETURNING name",
        )
        .bind(ticket_id)
        .bind(message_id)
        .bind(i64::from(internal))
        .bind(id)
        .bind(uploader)
        .fetch_optional(&mut *conn)
        .await?;
        let name = name.ok_or(AppError::invalid(Field::Attachment, Problem::Malformed))?;
        let what = EventKind::Attachment {
            name,
            message: message_id,
            internal,
        };
        let event = Event {
            ticket: ticket_id,
            actor: Some(uploader),
            at: now,
            what,
        };
        history::record(conn, event).await?;
    }
    Ok(())
}

/// The attachments of a ticket the caller sees (internal ones for staff only).
pub async fn of_ticket(
    state: &AppState,
    ticket_id: i64,
    staff: bool,
) -> Result<Vec<Attachment>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, message_id, name, media_type, size FROM attachments \
         WHERE ticket_id = $1 AND ($2 = 1 OR internal = 0) ORDER BY id",
    )
    .bind(ticket_id)
    .bind(i64::from(staff))
    .fetch_all(&state.db.pool)
    .await?)
}
