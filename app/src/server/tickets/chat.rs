//! A ticket as a live chat (`server::chat` keeps what a chat adds: its row, marks, sweeping):
//! starting one — the ticket opened with its chat — and ending one, each answering the ticket
//! as the caller sees it. Handing one over is a change of the ticket (`change::transfer`).

use super::create::open;
use super::read::view;
use crate::dto::limits::TEXT_MAX;
use crate::dto::{NewChat, NewTicket, TicketDetail};
use crate::error::{AppError, Field};
use crate::server::auth::Session;
use crate::server::chat;
use crate::server::input::{clean_text, cut};
use crate::server::AppState;
use crate::tickets::Priority;

/// A chat's subject: the start of the client's first line.
const SUBJECT_CHARS: usize = 80;

/// Starts a chat with the client's first words — or gives back the one under way. Refused
/// (`AppError::NobodyOnDuty`) while no operator is on duty: the portal offers a ticket then.
pub async fn start_chat(
    state: &AppState,
    session: &Session,
    input: &NewChat,
) -> Result<TicketDetail, AppError> {
    if let Some(ticket) = chat::current(state, session).await? {
        return view(state, session, ticket).await;
    }
    let text = clean_text(Field::ChatText, &input.text, TEXT_MAX)?;
    if !chat::availability(state).await?.staffed {
        return Err(AppError::NobodyOnDuty);
    }
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut subject = cut(first_line, SUBJECT_CHARS);
    if subject.len() < first_line.len() {
        subject.push('…');
    }
    let ticket = NewTicket {
        subject,
        description: text,
        category_id: None,
        priority: Priority::Normal,
        earlier_ticket_id: None,
        idempotency_key: input.idempotency_key.clone(),
        attachments: Vec::new(),
    };
    open(state, session, &ticket, true).await
}

/// Ends a chat (`chat::end`: by its client, its operator or an admin); the ticket as the
/// caller sees it.
pub async fn end_chat(
    state: &AppState,
    session: &Session,
    ticket: i64,
) -> Result<TicketDetail, AppError> {
    chat::end(state, session, ticket).await?;
    view(state, session, ticket).await
}
