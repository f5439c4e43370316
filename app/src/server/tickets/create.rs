//! Opening a ticket: idempotent per client (the same key and body return the first ticket,
//! another body with the same key is refused), with its files and its first history row.

use super::active_category;
use super::read::view;
use crate::dto::limits::{SUBJECT_MAX, TEXT_MAX};
use crate::dto::{NewTicket, TicketDetail};
use crate::error::{AppError, Field, Problem};
use crate::events::EventKind;
use crate::server::attachments;
use crate::server::auth::{sha256_hex, Session};
use crate::server::history::{self, Event};
use crate::server::input::{clean_line, clean_text};
use crate::server::AppState;

fn request_hash(input: &NewTicket) -> String {
    let canonical = serde_json::json!([
        input.subject.trim(),
        input.description.trim(),
        input.category_id,
        input.priority,
        input.earlier_ticket_id,
        input.attachments
    ]);
    sha256_hex(&canonical.to_string())
}

/// Opens a ticket for the signed-in client. The same idempotency key returns the same ticket.
pub async fn create(
    state: &AppState,
    session: &Session,
    input: &NewTicket,
) -> Result<TicketDetail, AppError> {
    let client_id = session.user.id;
    let subject = clean_line(Field::Subject, &input.subject, SUBJECT_MAX)?;
    let description = clean_text(Field::Description, &input.description, TEXT_MAX)?;
    let key = clean_line(Field::IdempotencyKey, &input.idempotency_key, 100)?;
    if let Some(category) = input.category_id {
        active_category(state, category).await?;
    }
    if let Some(earlier) = input.earlier_ticket_id {
        let owner: Option<i64> = sqlx::query_scalar("SELECT client_id FROM tickets WHERE id = $1")
            .bind(earlier)
            .fetch_optional(&state.db.pool)
            .await?;
        if owner != Some(client_id) {
            return Err(AppError::invalid(Field::EarlierTicket, Problem::Malformed));
        }
    }
    let hash = request_hash(input);
    let now = state.clock.now_ms();
    let (category, priority, earlier) = (
        input.category_id,
        input.priority.rank(),
        input.earlier_ticket_id,
    );
    let files = input.attachments.clone();
    let (first_key, first_hash) = (key.clone(), hash.clone());
    // Creation is the busiest write: it goes through the group commit.
    let inserted = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO tickets (subject, description, category_id, priority, status, \
                     client_id, earlier_ticket_id, idempotency_key, request_hash, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $9) \
                     ON CONFLICT (client_id, idempotency_key) DO NOTHING RETURNING id",
                )
                .bind(&subject)
                .bind(&description)
                .bind(category)
                .bind(priority)
                .bind(client_id)
                .bind(earlier)
                .bind(&first_key)
                .bind(&first_hash)
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
                if let Some(id) = inserted {
                    let created = Event {
                        ticket: id,
                        actor: Some(client_id),
                        at: now,
                        what: EventKind::Created,
                    };
                    history::record(conn, created).await?;
                    attachments::claim(conn, &files, client_id, id, None, false, now).await?;
                }
                Ok(inserted)
            })
        })
        .await?;
    let id = match inserted {
        Some(id) => {
            crate::server::assignment::wake(state);
            id
        }
        None => {
            let (id, first_hash): (i64, String) = sqlx::query_as(
                "SELECT id, request_hash FROM tickets WHERE client_id = $1 AND idempotency_key = $2",
            )
            .bind(client_id)
            .bind(&key)
            .fetch_one(&state.db.pool)
            .await?;
            if first_hash != hash {
                return Err(AppError::IdempotencyConflict);
            }
            id
        }
    };
    view(state, session, id).await
}
