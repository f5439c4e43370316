//! Tickets: creation (idempotent), lists (keyset pages), the ticket view, moves through the
//! state machine, the thread, and admins' forced changes. Every change writes its history row
//! (`ticket_events`) in the same transaction. One file per reason to change: `create`, `read`
//! (lists, view, search, cursors), `change` (moves, posts, forced changes, edits), `chat` (a
//! live chat started or ended).

mod change;
mod chat;
mod create;
mod read;

pub use change::{keep_lapsing, lapse};
pub use chat::{end_chat, start_chat};
pub use create::create;
pub use read::{list, search, view};

use super::auth::Session;
use super::replay::{self, Replay};
use super::AppState;
use crate::dto::{ChatTransfer, ForcedChange, TicketDetail, TicketEdit, TicketMessage, TicketMove};
use crate::error::{AppError, Field, Problem};
use crate::tickets::Move;
use std::future::Future;

/// A change that a retry with the same idempotency key answers again instead of repeating;
/// answers the ticket as the caller now sees it.
async fn once<Fut>(
    state: &AppState,
    session: &Session,
    key: Option<&str>,
    request: &impl serde::Serialize,
    change: impl FnOnce(Replay) -> Fut,
) -> Result<TicketDetail, AppError>
where
    Fut: Future<Output = Result<i64, AppError>>,
{
    let replay = Replay::new(session.user.id, key, request)?;
    let ticket = replay::once(state, replay, change).await?;
    view(state, session, ticket).await
}

/// Its operator hands a live chat to a colleague (`change::transfer`). The ticket leaves them:
/// the answer is the ticket as they last held it.
pub async fn transfer(
    state: &AppState,
    session: &Session,
    input: &ChatTransfer,
) -> Result<TicketDetail, AppError> {
    let replay = Replay::new(session.user.id, Some(&input.idempotency_key), input)?;
    let ticket = replay::once(state, replay, |r| {
        change::transfer(state, session, input, r)
    })
    .await?;
    read::view_escalated(state, ticket).await
}

/// One step of the state machine, by the ticket's client, its operator, or an admin assigning.
pub async fn make_move(
    state: &AppState,
    session: &Session,
    input: &TicketMove,
) -> Result<TicketDetail, AppError> {
    let key = input.idempotency_key.as_deref();
    if input.step == Move::Escalate {
        // The ticket leaves the operator: the answer is the ticket as they last held it.
        let replay = Replay::new(session.user.id, key, input)?;
        let ticket = replay::once(state, replay, |r| {
            change::make_move(state, session, input, r)
        })
        .await?;
        return read::view_escalated(state, ticket).await;
    }
    once(state, session, key, input, |r| {
        change::make_move(state, session, input, r)
    })
    .await
}

/// A message in the thread, or an internal note (staff only), on a ticket that is not closed.
pub async fn post(
    state: &AppState,
    session: &Session,
    input: &TicketMessage,
) -> Result<TicketDetail, AppError> {
    let key = input.idempotency_key.as_deref();
    once(state, session, key, input, |r| {
        change::post(state, session, input, r)
    })
    .await
}

/// An admin sets any status (and operator), with a reason the history keeps as forced.
pub async fn force(
    state: &AppState,
    session: &Session,
    input: &ForcedChange,
) -> Result<TicketDetail, AppError> {
    let key = input.idempotency_key.as_deref();
    once(state, session, key, input, |r| {
        change::force(state, session, input, r)
    })
    .await
}

/// Its operator or an admin changes the priority and category of a ticket that is not closed.
pub async fn edit(
    state: &AppState,
    session: &Session,
    input: &TicketEdit,
) -> Result<TicketDetail, AppError> {
    let key = input.idempotency_key.as_deref();
    once(state, session, key, input, |r| {
        change::edit(state, session, input, r)
    })
    .await
}

/// The name of an active category; any other id is refused.
async fn active_category(state: &AppState, id: i64) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT name FROM categories WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::invalid(Field::Category, Problem::Malformed))
}
