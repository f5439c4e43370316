//! One ticket as the rules read it: its row, for the access rules and every change.

use super::AppState;
use crate::error::AppError;
use crate::tickets::{Stage, Status};
use sqlx::AnyConnection;

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
    /// Since when a proposed solution waits for the client's word.
    pub proposed_at: Option<i64>,
    /// The support tier it is at (`server::tiers`).
    pub tier: i64,
    /// Its reference where it was imported from (`moving`).
    pub original_ref: Option<String>,
}

/// Whose a ticket is — its client and its operator — which is all the access rules read of it
/// (`access::ticket`). Live delivery reads just this, for every event it fans out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parties {
    pub client_id: i64,
    pub operator_id: Option<i64>,
}

impl From<&TicketRow> for Parties {
    fn from(row: &TicketRow) -> Parties {
        Parties {
            client_id: row.client_id,
            operator_id: row.operator_id,
        }
    }
}

impl TicketRow {
    pub fn status(&self) -> Result<Status, AppError> {
        Status::parse(&self.status).ok_or(AppError::Internal)
    }

    /// Where the ticket stands for the state machine.
    pub fn stage(&self) -> Result<Stage, AppError> {
        let status = self.status()?;
        Ok(Stage {
            status,
            proposed: status == Status::ReturnedToClient && self.proposed_at.is_some(),
        })
    }
}

const ROW: &str = "SELECT id, subject, description, priority, status, client_id, operator_id, \
     earlier_ticket_id, category_id, closed_at, proposed_at, tier, original_ref FROM tickets \
     WHERE id = $1";

pub async fn ticket_row(state: &AppState, id: i64) -> Result<TicketRow, AppError> {
    sqlx::query_as::<_, TicketRow>(ROW)
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The row as a transaction sees it.
pub async fn ticket_row_in(conn: &mut AnyConnection, id: i64) -> Result<TicketRow, AppError> {
    sqlx::query_as::<_, TicketRow>(ROW)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)
}
