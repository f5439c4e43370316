//! Opening a ticket: idempotent per client (the same key and body return the first ticket,
//! another body with the same key is refused), with its files and its first history row.

use super::active_category;
use super::read::view;
use crate::dto::limits::{SUBJECT_MAX, TEXT_MAX};
use crate::dto::{NewTicket, Role, TicketDetail, TicketEvent, TicketSummary};
use crate::error::{AppError, Field, Problem};
use crate::events::Event;
use crate::events::EventKind;
use crate::server::attachments;
use crate::server::auth::{sha256_hex, Session};
use crate::server::history;
use crate::server::input::{clean_line, clean_text};
use crate::server::markdown;
use crate::server::AppState;
use crate::tickets::{moves_for, reference, Priority, Status};

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
    open(state, session, input, false).await
}

/// Opens a ticket — a live chat with `chat` (`super::chat::start_chat`, which checks first
/// that someone is on duty): its row in `chats` and the `Chat { Started }` row come in the same
/// transaction.
pub(super) async fn open(
    state: &AppState,
    session: &Session,
    input: &NewTicket,
    chat: bool,
) -> Result<TicketDetail, AppError> {
    let client_id = session.user.id;
    let subject = clean_line(Field::Subject, &input.subject, SUBJECT_MAX)?;
    let description = clean_text(Field::Description, &input.description, TEXT_MAX)?;
    let key = clean_line(Field::IdempotencyKey, &input.idempotency_key, 100)?;
    let category_name = match input.category_id {
        Some(category) => Some(active_category(state, category).await?),
        None => None,
    };
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
    let (written_subject, written_description) = (subject.clone(), description.clone());
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
                .bind(&written_subject)
                .bind(&written_description)
                .bind(category)
                .bind(priority)
                .bind(client_id)
                .bind(earlier)
                .bind(&first_key)
                .bind(&first_hash)
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
                let Some(id) = inserted else {
                    return Ok(None);
                };
                let created = Event {
                    ticket: id,
                    actor: Some(client_id),
                    at: now,
                    what: EventKind::Created,
                };
                let event = history::record(conn, created).await?;
                attachments::claim(conn, &files, client_id, id, None, false, now).await?;
                if chat {
                    crate::server::chat::begin(conn, id, client_id, now).await?;
                }
                Ok(Some((id, event)))
            })
        })
        .await?;
    let id = match inserted {
        Some((id, event)) => {
            state.wake_assignment();
            if input.attachments.is_empty() && !chat {
                let opened = Opened {
                    id,
                    event,
                    subject,
                    description,
                    category: category_name,
                    priority: input.priority,
                    earlier: input.earlier_ticket_id,
                    at: now,
                };
                return Ok(opened.into_detail(session));
            }
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

/// A ticket just opened, as creation knows it.
struct Opened {
    id: i64,
    /// Its one history row, `Created`.
    event: i64,
    subject: String,
    description: String,
    category: Option<String>,
    priority: Priority,
    earlier: Option<i64>,
    at: i64,
}

impl Opened {
    /// The ticket as its client sees it now — what `view` would read back, made from what
    /// creation wrote (the busiest write saves its five reads; `a_ticket_lives_its_whole_life`
    /// compares the two). Tickets opened with files are read back.
    fn into_detail(self, session: &Session) -> TicketDetail {
        let client = &session.user;
        TicketDetail {
            ticket: TicketSummary {
                id: self.id,
                reference: reference(self.id),
                subject: self.subject,
                status: Status::Open,
                priority: self.priority,
                category: self.category,
                client_name: client.full_name.clone(),
                client_username: client.username.clone(),
                operator_name: None,
                created_at: self.at,
                updated_at: self.at,
                closed_at: None,
                sla: None,
                live_chat: false,
            },
            description_html: markdown::render(&self.description),
            description: self.description,
            earlier_ticket: self.earlier.map(|id| (id, reference(id))),
            original_ref: None,
            messages: Vec::new(),
            attachments: Vec::new(),
            history: vec![TicketEvent {
                id: self.event,
                at: self.at,
                actor_name: Some(client.full_name.clone()),
                what: EventKind::Created,
                ticket: None,
            }],
            moves: moves_for(Role::Client, Status::Open),
            proposed_until: None,
            operator_id: None,
            sla: Vec::new(),
            tier: None,
            chat: None,
        }
    }
}
