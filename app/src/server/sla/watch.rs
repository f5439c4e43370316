//! The watcher: notes each running clock's warning and breach once, at the moment computed —
//! a ticket event (staff only, `EventKind::Sla`) written by the history writer, so the operator
//! hears of it in the console and by e-mail, and the admins of a breach (`mail::notify`).
//!
//! A breach escalates the ticket to the next support tier when the admin chose so
//! (`ServiceLevels::escalate_on_breach`, `tiers::escalate`), in the same change.
//!
//! Once: `sla_alerts` holds one row per ticket, target, wait (the moment it began) and kind,
//! inserted in the event's transaction — a second watcher (another process, the next round)
//! finds it and writes nothing. A watcher that was stopped notes what it missed when it runs
//! again, at the moments they happened.

use super::{open_tickets, Book};
use crate::error::AppError;
use crate::events::Event;
use crate::events::EventKind;
use crate::server::history;
use crate::server::ticket::ticket_row_in;
use crate::server::tiers;
use crate::server::AppState;
use std::time::Duration;

/// How often the clocks are looked at.
const EVERY: Duration = Duration::from_secs(30);

/// Notes the warnings and breaches due by now; how many.
pub async fn check(state: &AppState) -> Result<usize, AppError> {
    let Some(book) = Book::open(state).await? else {
        return Ok(0);
    };
    let now = state.clock.now_ms();
    let mut noted = 0;
    for ticket in open_tickets(state, None).await? {
        let readings = book.readings_of(state, &ticket).await?;
        if readings.is_empty() {
            continue;
        }
        let done: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT target, started_at, breached FROM sla_alerts WHERE ticket_id = $1",
        )
        .bind(ticket.id)
        .fetch_all(&state.db.pool)
        .await?;
        for r in readings {
            for (breached, moment) in [(false, r.warn_at), (true, r.clock.due_at)] {
                let Some(at) = moment.filter(|m| *m <= now) else {
                    continue;
                };
                let key = (
                    r.clock.target.code().to_string(),
                    r.started_at,
                    i64::from(breached),
                );
                if done.contains(&key) {
                    continue;
                }
                let what = EventKind::Sla {
                    target: r.clock.target,
                    breached,
                };
                if note(state, ticket.id, r.started_at, what, at, book.escalate).await? {
                    noted += 1;
                    if breached && book.escalate {
                        state.wake_assignment();
                    }
                }
            }
        }
    }
    Ok(noted)
}

/// Writes one alert and its event, unless another watcher did; whether this one did. A breach
/// takes the ticket up one tier in the same change when the admin chose so and that tier has
/// operators.
async fn note(
    state: &AppState,
    ticket: i64,
    started_at: i64,
    what: EventKind,
    at: i64,
    escalate: bool,
) -> Result<bool, AppError> {
    let EventKind::Sla { target, breached } = what else {
        return Ok(false);
    };
    let written = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let inserted = sqlx::query(
                    "INSERT INTO sla_alerts (ticket_id, target, started_at, breached, at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(ticket)
                .bind(target.code())
                .bind(started_at)
                .bind(i64::from(breached))
                .bind(at)
                .execute(&mut *conn)
                .await?
                .rows_affected();
                if inserted == 1 {
                    let event = Event {
                        ticket,
                        actor: None,
                        at,
                        what,
                    };
                    history::record(&mut *conn, event).await?;
                    if breached && escalate {
                        let row = ticket_row_in(&mut *conn, ticket).await?;
                        match tiers::escalate(&mut *conn, &row, None, None, at).await {
                            Ok(_) | Err(AppError::Invalid { .. }) => {}
                            Err(e) => return Err(e),
                        }
                    }
                }
                Ok(inserted == 1)
            })
        })
        .await?;
    Ok(written)
}

/// Runs for the life of the process.
pub async fn keep_watching(state: AppState) {
    loop {
        if let Err(e) = check(&state).await {
            tracing::warn!(error = %e, "checking the service-level clocks");
        }
        tokio::time::sleep(EVERY).await;
    }
}
