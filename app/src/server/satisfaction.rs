//! Client satisfaction: after a ticket closes its client may say how the help was — good or
//! bad, with an optional comment — for `tickets::RATING_DAYS` days, changing it as often as
//! they like (each rating is a `Rated` history row; the newest counts). An operator reads the
//! ratings of the tickets they closed; an admin reads anyone's.

use super::access::{self, TicketRole};
use super::auth::Session;
use super::db::Backend;
use super::history;
use super::input::clean_text;
use super::ticket::ticket_row;
use super::AppState;
use crate::dto::limits::REASON_MAX;
use crate::dto::{Rate, RatedTicket, Ratings};
use crate::error::{AppError, Field};
use crate::events::Event;
use crate::events::EventKind;
use crate::tickets::{reference, Status, DAY_MS, RATING_DAYS};

/// Records the client's rating of their closed ticket; the ticket's id.
pub async fn rate(state: &AppState, session: &Session, input: &Rate) -> Result<i64, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    if access::ticket(session, &row)? != TicketRole::Client {
        return Err(AppError::Forbidden);
    }
    let comment = match input.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(clean_text(Field::Comment, text, REASON_MAX)?),
    };
    let now = state.clock.now_ms();
    let (ticket, actor, good, backend) = (row.id, session.user.id, input.good, state.db.backend);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                // Read again in the transaction: a reopening just before makes the ticket
                // unratable.
                let lock = match backend {
                    Backend::Postgres => " FOR UPDATE",
                    Backend::Sqlite => "",
                };
                let (status, closed_at): (String, Option<i64>) = sqlx::query_as(&format!(
                    "SELECT status, closed_at FROM tickets WHERE id = $1{lock}"
                ))
                .bind(ticket)
                .fetch_one(&mut *conn)
                .await?;
                let Some(closed_at) = closed_at.filter(|_| status == Status::Closed.as_str())
                else {
                    return Err(AppError::MoveNotAllowed);
                };
                if now - closed_at > RATING_DAYS * DAY_MS {
                    return Err(AppError::RatingWindowPassed);
                }
                let what = EventKind::Rated { good, comment };
                history::record(
                    conn,
                    Event {
                        ticket,
                        actor: Some(actor),
                        at: now,
                        what,
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await?;
    Ok(ticket)
}

/// How many of the newest ratings an operator's page lists.
const RECENT: i64 = 20;

/// The ratings of the tickets an operator holds or closed: each ticket's newest rating.
pub async fn of_operator(state: &AppState, operator: i64) -> Result<Ratings, AppError> {
    let rows: Vec<(i64, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT t.id, t.subject, e.to_value, e.reason, e.at \
         FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id AND e.kind = 'rated' \
         WHERE t.operator_id = $1 AND e.id = (SELECT MAX(r.id) FROM ticket_events r \
           WHERE r.ticket_id = t.id AND r.kind = 'rated') \
         ORDER BY e.id DESC",
    )
    .bind(operator)
    .fetch_all(&state.db.pool)
    .await?;
    let good = rows.iter().filter(|r| r.2 == "good").count() as i64;
    Ok(Ratings {
        good,
        bad: rows.len() as i64 - good,
        recent: rows
            .into_iter()
            .take(RECENT as usize)
            .map(rated_ticket)
            .collect(),
    })
}

/// A rating as read from its `rated` history row: (ticket, subject, `good`/`bad`, comment, at).
pub(super) fn rated_ticket(
    (id, subject, rating, comment, at): (i64, String, String, Option<String>, i64),
) -> RatedTicket {
    RatedTicket {
        ticket_id: id,
        reference: reference(id),
        subject,
        good: rating == "good",
        comment,
        at,
    }
}
