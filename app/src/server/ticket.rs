//! One ticket as the rules read it: its row, for the access rules and every change.

use super::AppState;
use crate::error::AppError;
use crate::tickets::Status;

/// The ticket row as the rules need it.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct TicketRow {
    pub id: i64,
    pub subject: String,
    pub description: String,
    pub priority: i64,
    pub status: String,
    pub client_id: i64,
    pub operator_id: Option<i64>,
    pub earlier_ticket_id: Option<i64>,
    pub category_id: Option<i64>,
    pub closed_at: Option<i64>,
}

impl TicketRow {
    pub fn status(&self) -> Result<Status, AppError> {
        Status::parse(&self.status).ok_or(AppError::Internal)
    }
}

pub async fn ticket_row(state: &AppState, id: i64) -> Result<TicketRow, AppError> {
    sqlx::query_as::<_, TicketRow>(
        "SELECT id, subject, description, priority, status, client_id, operator_id, \
         earlier_ticket_id, category_id, closed_at FROM tickets WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)
}
