//! Tickets: creation (idempotent), lists (keyset pages), the ticket view, moves through the
//! state machine, the thread, and admins' forced changes. Every change writes its history row
//! (`ticket_events`) in the same transaction. One file per reason to change: `create`, `read`
//! (lists, view, search, cursors), `change` (moves, posts, forced changes, edits).

mod change;
mod create;
mod read;

pub use change::{edit, force, make_move, post};
pub use create::create;
pub use read::{list, search, view};

use super::AppState;
use crate::error::{AppError, Field, Problem};

/// The name of an active category; any other id is refused.
async fn active_category(state: &AppState, id: i64) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT name FROM categories WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::invalid(Field::Category, Problem::Malformed))
}
