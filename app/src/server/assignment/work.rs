//! An operator's work history, read from the event log.

use crate::dto::TicketEvent;
use crate::error::AppError;
use crate::server::history::{EventRow, Reader, EVENT_COLUMNS};
use crate::server::AppState;

const HISTORY_PAGE: i64 = 50;

/// An operator's work, newest first: the steps they took (moves, messages, notes, edits) and
/// every assignment to them or away from them, with its reason. Read by index from the event
/// log, a page at a time.
pub async fn work_history(
    state: &AppState,
    operator: i64,
    before: Option<i64>,
) -> Result<crate::dto::WorkHistory, AppError> {
    let before = before.unwrap_or(i64::MAX);
    let me = operator.to_string();
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM ( \
           SELECT id FROM (SELECT id FROM ticket_events WHERE actor_id = $1 AND id < $2 \
             ORDER BY id DESC LIMIT $4) AS mine \
           UNION SELECT id FROM (SELECT id FROM ticket_events WHERE kind = 'assigned' \
             AND to_value = $3 AND id < $2 ORDER BY id DESC LIMIT $4) AS given \
           UNION SELECT id FROM (SELECT id FROM ticket_events WHERE kind = 'assigned' \
             AND from_value = $3 AND id < $2 ORDER BY id DESC LIMIT $4) AS taken \
         ) AS ids JOIN ticket_events e ON e.id = ids.id \
         LEFT JOIN users u ON u.id = e.actor_id ORDER BY e.id DESC LIMIT $4"
    ))
    .bind(operator)
    .bind(before)
    .bind(&me)
    .bind(HISTORY_PAGE)
    .fetch_all(&state.db.pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let ticket = row.ticket_id;
        entries.push(TicketEvent {
            ticket: Some((ticket, crate::tickets::reference(ticket))),
            ..row.into_event(Reader::Staff)?
        });
    }
    crate::server::history::name_receivers(&state.db.pool, &mut entries).await?;
    let full = entries.len() as i64 == HISTORY_PAGE;
    let next = full.then(|| entries[entries.len() - 1].id);
    Ok(crate::dto::WorkHistory { entries, next })
}
