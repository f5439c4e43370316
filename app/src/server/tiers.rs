//! Support tiers: operators belong to one (first line 1, second line 2, …; `operator_settings`)
//! and each ticket is at one (`tickets.tier`, 1 when opened); the assignment gives a ticket only
//! to operators of its tier (`app::assignment::may_take`). Escalating takes a ticket up one
//! tier, back to the queue — by its operator with a reason (`Move::Escalate`), or by the system
//! after a missed target when the admin chose so (`sla::watch`) — as one change with its
//! history rows: the unassignment, the move to open, and `EventKind::Escalated` (staff only:
//! the client sees the ticket waiting again, not why).

use super::history;
use super::ticket::TicketRow;
use crate::error::{AppError, Field, Problem};
use crate::events::Event;
use crate::events::{EventKind, Why};
use crate::tickets::Status;
use sqlx::{AnyConnection, AnyPool};

/// Active operators at a tier, counted.
const STAFFED: &str = "SELECT COUNT(*) FROM users u \
    LEFT JOIN operator_settings s ON s.operator_id = u.id \
    WHERE u.role = 'operator' AND u.disabled = 0 AND COALESCE(s.tier, 1) = $1";

/// Whether a ticket at `tier` could go up one: someone works at the next tier (the operator's
/// view offers "escalate" only then).
pub async fn can_escalate(pool: &AnyPool, tier: i64) -> Result<bool, AppError> {
    let staffed: i64 = sqlx::query_scalar(STAFFED)
        .bind(tier + 1)
        .fetch_one(pool)
        .await?;
    Ok(staffed > 0)
}

/// Takes `row` up one tier, inside the caller's transaction; the new tier. Refused when no
/// active operator is at that tier (nobody could take the ticket) or the ticket changed since
/// it was read.
pub async fn escalate(
    conn: &mut AnyConnection,
    row: &TicketRow,
    actor: Option<i64>,
    reason: Option<String>,
    now: i64,
) -> Result<i64, AppError> {
    let next = row.tier + 1;
    let ready: i64 = sqlx::query_scalar(STAFFED)
        .bind(next)
        .fetch_one(&mut *conn)
        .await?;
    if ready == 0 {
        return Err(AppError::invalid(
            Field::Tier,
            Problem::OutOfRange {
                min: 1,
                max: row.tier,
            },
        ));
    }
    let updated = sqlx::query(
        "UPDATE tickets SET status = 'open', operator_id = NULL, tier = $1, updated_at = $2, \
         proposed_at = NULL WHERE id = $3 AND status = $4 AND tier = $5",
    )
    .bind(next)
    .bind(now)
    .bind(row.id)
    .bind(&row.status)
    .bind(row.tier)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::MoveNotAllowed);
    }
    let from = row.status()?;
    let mut events = Vec::new();
    if row.operator_id.is_some() {
        events.push(EventKind::Assigned {
            from: row.operator_id,
            to: None,
            to_name: None,
            why: Some(Why::Escalated),
        });
    }
    if from != Status::Open {
        events.push(EventKind::Status {
            from,
            to: Status::Open,
            reason: None,
            via: None,
        });
    }
    events.push(EventKind::Escalated { tier: next, reason });
    for what in events {
        let event = Event {
            ticket: row.id,
            actor,
            at: now,
            what,
        };
        history::record(&mut *conn, event).await?;
    }
    Ok(next)
}
