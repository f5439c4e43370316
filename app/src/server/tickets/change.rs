//! Changing a ticket: moves through the state machine, messages and notes, admins' forced
//! changes, field edits. Each change writes its history rows, and its idempotency key, in its
//! own transaction and answers the ticket it changed (`tickets::mod` shows it to the caller).

use super::active_category;
use crate::dto::limits::{REASON_MAX, TEXT_MAX};
use crate::dto::{ChatTransfer, ForcedChange, Role, TicketEdit, TicketMessage, TicketMove};
use crate::error::{AppError, Field, Problem};
use crate::events::Event;
use crate::events::{EventKind, Via, Why};
use crate::server::access::{self, TicketRole};
use crate::server::attachments;
use crate::server::auth::Session;
use crate::server::chat;
use crate::server::db::Backend;
use crate::server::history;
use crate::server::input::clean_text;
use crate::server::replay::Replay;
use crate::server::settings;
use crate::server::ticket::{ticket_row, TicketRow};
use crate::server::AppState;
use crate::tickets::{rule, Move, Needs, Priority, Stage, Status, DAY_MS};
use sqlx::AnyConnection;

async fn insert_message(
    conn: &mut AnyConnection,
    ticket_id: i64,
    author_id: i64,
    body: &str,
    internal: bool,
    at: i64,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO messages (ticket_id, author_id, body, internal, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(ticket_id)
    .bind(author_id)
    .bind(body)
    .bind(i64::from(internal))
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    let what = if internal {
        EventKind::Note { id }
    } else {
        EventKind::Message { id }
    };
    history::record(
        conn,
        Event {
            ticket: ticket_id,
            actor: Some(author_id),
            at,
            what,
        },
    )
    .await?;
    Ok(id)
}

/// Refuses a change made against an older version of the ticket (`seen`) when another person
/// changed it since in a way the caller may see (the system's own steps do not count). On
/// PostgreSQL the ticket's row is locked first, so no other change slips in between this look
/// and the commit; SQLite's one writer has it already.
async fn fresh(
    conn: &mut AnyConnection,
    backend: Backend,
    ticket: i64,
    seen: Option<i64>,
    me: i64,
    seen_as: TicketRole,
) -> Result<(), AppError> {
    let Some(seen) = seen else {
        return Ok(());
    };
    if backend == Backend::Postgres {
        sqlx::query("SELECT id FROM tickets WHERE id = $1 FOR UPDATE")
            .bind(ticket)
            .execute(&mut *conn)
            .await?;
    }
    let (version, changed): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT MAX(id), MAX(CASE WHEN id > $2 AND actor_id <> $3 THEN id END) \
         FROM ticket_events WHERE ticket_id = $1 AND internal <= $4",
    )
    .bind(ticket)
    .bind(seen)
    .bind(me)
    .bind(i64::from(seen_as != TicketRole::Client))
    .fetch_one(&mut *conn)
    .await?;
    match changed {
        Some(_) => Err(AppError::Stale {
            version: version.unwrap_or(0),
        }),
        None => Ok(()),
    }
}

async fn active_operator(state: &AppState, id: i64) -> Result<bool, AppError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE id = $1 AND role = 'operator' AND disabled = 0",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(found.is_some())
}

/// Sets status (and the proposal mark) and operator under a guard on the status and proposal
/// read before, so a concurrent change makes this one fail instead of being overwritten. A
/// change of operator is recorded, with why.
async fn set_state(
    conn: &mut AnyConnection,
    row: &TicketRow,
    to: Stage,
    operator_id: Option<i64>,
    actor: Option<i64>,
    now: i64,
    why: Why,
) -> Result<(), AppError> {
    let closed_at = (to.status == Status::Closed).then_some(now);
    let proposed_at = to.proposed.then_some(now);
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, operator_id = $2, updated_at = $3, closed_at = $4, \
         proposed_at = $5 WHERE id = $6 AND status = $7 AND COALESCE(proposed_at, 0) = $8",
    )
    .bind(to.status.as_str())
    .bind(operator_id)
    .bind(now)
    .bind(closed_at)
    .bind(proposed_at)
    .bind(row.id)
    .bind(&row.status)
    .bind(row.proposed_at.unwrap_or(0))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::MoveNotAllowed);
    }
    if operator_id != row.operator_id {
        let what = EventKind::Assigned {
            from: row.operator_id,
            to: operator_id,
            to_name: None,
            why: Some(why),
        };
        let event = Event {
            ticket: row.id,
            actor,
            at: now,
            what,
        };
        history::record(conn, event).await?;
    }
    Ok(())
}

/// One step of the state machine, by the ticket's client, its operator, or an admin assigning.
pub(super) async fn make_move(
    state: &AppState,
    session: &Session,
    input: &TicketMove,
    replay: Replay,
) -> Result<i64, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    let seen_as = access::ticket(session, &row)?;
    let role = match seen_as {
        TicketRole::Client => Role::Client,
        TicketRole::Operator => Role::Operator,
        TicketRole::Admin => Role::Admin,
    };
    let stage = row.stage()?;
    let from = stage.status;
    let (mut to, needs) = rule(input.step, role, stage).ok_or(AppError::MoveNotAllowed)?;
    let text = match needs {
        Needs::Nothing => None,
        Needs::Message | Needs::Resolution => Some(clean_text(
            Field::Text,
            input.text.as_deref().unwrap_or(""),
            TEXT_MAX,
        )?),
        Needs::Reason => Some(clean_text(
            Field::Reason,
            input.text.as_deref().unwrap_or(""),
            REASON_MAX,
        )?),
    };
    let now = state.clock.now_ms();
    let (backend, actor, seen) = (state.db.backend, session.user.id, input.seen);
    if input.step == Move::Escalate {
        state
            .db
            .write(move |conn| {
                Box::pin(async move {
                    fresh(conn, backend, row.id, seen, actor, seen_as).await?;
                    crate::server::tiers::escalate(conn, &row, Some(actor), text, now).await?;
                    replay.remember(conn, row.id, now).await
                })
            })
            .await?;
        state.wake_assignment();
        return Ok(input.ticket_id);
    }
    let mut operator = row.operator_id;
    match input.step {
        Move::Assign => {
            let id = input
                .operator_id
                .ok_or(AppError::invalid(Field::Operator, Problem::Required))?;
            if !active_operator(state, id).await? {
                return Err(AppError::invalid(Field::Operator, Problem::Malformed));
            }
            operator = Some(id);
        }
        Move::Reopen => {
            if row
                .closed_at
                .is_some_and(|t| now - t > state.config.reopen_window_ms)
            {
                return Err(AppError::ReopenWindowPassed);
            }
            let still_here = match row.operator_id {
                Some(op) => active_operator(state, op).await?,
                None => false,
            };
            if !still_here {
                to = Status::Open;
                operator = None;
            }
        }
        _ => {}
    }
    let why = match input.step {
        Move::Assign => Why::Manual,
        _ => Why::OperatorGone,
    };
    let via = match input.step {
        Move::Propose => Some(Via::Proposal),
        Move::Confirm => Some(Via::Confirmed),
        Move::Reject => Some(Via::NotSolved),
        _ => None,
    };
    let to_stage = Stage {
        status: to,
        proposed: input.step == Move::Propose,
    };
    let files = input.attachments.clone();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                fresh(conn, backend, row.id, seen, actor, seen_as).await?;
                set_state(conn, &row, to_stage, operator, Some(actor), now, why).await?;
                let reason = if needs == Needs::Reason {
                    text.clone()
                } else {
                    None
                };
                let moved = Event {
                    ticket: row.id,
                    actor: Some(actor),
                    at: now,
                    what: EventKind::Status {
                        from,
                        to,
                        reason,
                        via,
                    },
                };
                history::record(conn, moved).await?;
                let message_id = match (&text, needs) {
                    (Some(body), Needs::Message | Needs::Resolution) => {
                        Some(insert_message(conn, row.id, actor, body, false, now).await?)
                    }
                    _ => None,
                };
                attachments::claim(conn, &files, actor, row.id, message_id, false, now).await?;
                replay.remember(conn, row.id, now).await
            })
        })
        .await?;
    // A reopened ticket may wait; a closed or returned one frees its operator.
    state.wake_assignment();
    Ok(input.ticket_id)
}

/// Closes every ticket whose proposed solution has waited for its client's word longer than the
/// installation's days (`TicketSettings::solution_days`): a move of the system's, recorded as
/// closed by silence, each in its own transaction. How many it closed. A ticket the client or
/// its operator moved meanwhile is left as they left it.
pub async fn lapse(state: &AppState) -> Result<usize, AppError> {
    let days = settings::ticket_settings(state).await?.solution_days;
    let now = state.clock.now_ms();
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM tickets WHERE proposed_at <= $1 AND status = $2 ORDER BY proposed_at",
    )
    .bind(now - i64::from(days) * DAY_MS)
    .bind(Status::ReturnedToClient.as_str())
    .fetch_all(&state.db.pool)
    .await?;
    let mut closed = 0;
    for id in due {
        let row = ticket_row(state, id).await?;
        let stage = row.stage()?;
        if !stage.proposed {
            continue;
        }
        let lapsed = state
            .db
            .write(move |conn| {
                Box::pin(async move {
                    let to = Stage::from(Status::Closed);
                    let why = Why::OperatorGone;
                    match set_state(conn, &row, to, row.operator_id, None, now, why).await {
                        // Moved meanwhile: left as it is.
                        Err(AppError::MoveNotAllowed) => return Ok(false),
                        moved => moved?,
                    }
                    let what = EventKind::Status {
                        from: stage.status,
                        to: Status::Closed,
                        reason: None,
                        via: Some(Via::Silence),
                    };
                    let event = Event {
                        ticket: id,
                        actor: None,
                        at: now,
                        what,
                    };
                    history::record(conn, event).await?;
                    Ok(true)
                })
            })
            .await?;
        closed += usize::from(lapsed);
    }
    if closed > 0 {
        state.wake_assignment();
    }
    Ok(closed)
}

/// Closes lapsed proposals (`lapse`) every few minutes, for as long as the server runs.
pub async fn keep_lapsing(state: AppState) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
        if let Err(e) = lapse(&state).await {
            tracing::error!(error = %e, "closing lapsed proposed solutions failed");
        }
    }
}

/// A message in the thread, or an internal note (staff only), on a ticket that is not closed.
pub(super) async fn post(
    state: &AppState,
    session: &Session,
    input: &TicketMessage,
    replay: Replay,
) -> Result<i64, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    let seen_as = access::ticket(session, &row)?;
    if input.internal && seen_as == TicketRole::Client {
        return Err(AppError::Forbidden);
    }
    match row.status()? {
        Status::Closed => return Err(AppError::MoveNotAllowed),
        // A client's message on a returned ticket is the answer the operator asked for — or,
        // to a proposed solution, what is still wrong: the ticket goes back to work, whichever
        // box the client wrote in.
        Status::ReturnedToClient if seen_as == TicketRole::Client => {
            let step = if row.stage()?.proposed {
                Move::Reject
            } else {
                Move::Answer
            };
            let answer = TicketMove {
                ticket_id: row.id,
                step,
                text: Some(input.body.clone()),
                operator_id: None,
                attachments: input.attachments.clone(),
                seen: input.seen,
                idempotency_key: None,
            };
            return make_move(state, session, &answer, replay).await;
        }
        _ => {}
    }
    let body = clean_text(Field::Text, &input.body, TEXT_MAX)?;
    let now = state.clock.now_ms();
    let me = session.user.id;
    let (ticket, seen, internal) = (row.id, input.seen, input.internal);
    let files = input.attachments.clone();
    let backend = state.db.backend;
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                fresh(conn, backend, ticket, seen, me, seen_as).await?;
                let message_id = insert_message(conn, ticket, me, &body, internal, now).await?;
                let message = Some(message_id);
                attachments::claim(conn, &files, me, ticket, message, internal, now).await?;
                sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(ticket)
                    .execute(&mut *conn)
                    .await?;
                replay.remember(conn, ticket, now).await
            })
        })
        .await?;
    Ok(row.id)
}

/// Its operator hands a live chat under way to a colleague on duty, with a note for them: the
/// ticket keeps its status and thread; the assignment (`Why::Transferred`) and the note are
/// its history rows, in one transaction.
pub(super) async fn transfer(
    state: &AppState,
    session: &Session,
    input: &ChatTransfer,
    replay: Replay,
) -> Result<i64, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    if access::ticket(session, &row)? != TicketRole::Operator {
        return Err(AppError::Forbidden);
    }
    if !chat::under_way(state, row.id).await? || row.status()? == Status::Closed {
        return Err(AppError::MoveNotAllowed);
    }
    let note = clean_text(Field::Text, &input.note, TEXT_MAX)?;
    let on_duty = chat::colleagues(state, session).await?;
    if !on_duty.iter().any(|c| c.id == input.operator_id) {
        return Err(AppError::invalid(Field::Operator, Problem::Malformed));
    }
    let now = state.clock.now_ms();
    let me = session.user.id;
    let stage = row.stage()?;
    let to = Some(input.operator_id);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                set_state(conn, &row, stage, to, Some(me), now, Why::Transferred).await?;
                insert_message(conn, row.id, me, &note, true, now).await?;
                replay.remember(conn, row.id, now).await
            })
        })
        .await?;
    state.wake_assignment();
    Ok(input.ticket_id)
}

/// An admin sets any status (and operator), with a reason the history keeps as forced.
pub(super) async fn force(
    state: &AppState,
    session: &Session,
    input: &ForcedChange,
    replay: Replay,
) -> Result<i64, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    let seen_as = access::ticket(session, &row)?;
    let reason = clean_text(Field::Reason, &input.reason, REASON_MAX)?;
    let from = row.status()?;
    let operator = match (input.status, input.operator_id.or(row.operator_id)) {
        (Status::Open, _) => None,
        (_, Some(id)) if active_operator(state, id).await? => Some(id),
        (Status::Closed, op) => op,
        _ => return Err(AppError::invalid(Field::Operator, Problem::Required)),
    };
    if input.status == from && operator == row.operator_id {
        return Err(AppError::MoveNotAllowed);
    }
    let now = state.clock.now_ms();
    let (backend, actor, seen, status) =
        (state.db.backend, session.user.id, input.seen, input.status);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                fresh(conn, backend, row.id, seen, actor, seen_as).await?;
                let why = Why::Forced(reason.clone());
                let to = Stage::from(status);
                set_state(conn, &row, to, operator, Some(actor), now, why).await?;
                if status != from {
                    let what = EventKind::Forced {
                        from,
                        to: status,
                        reason: Some(reason),
                    };
                    let event = Event {
                        ticket: row.id,
                        actor: Some(actor),
                        at: now,
                        what,
                    };
                    history::record(conn, event).await?;
                }
                replay.remember(conn, row.id, now).await
            })
        })
        .await?;
    state.wake_assignment();
    Ok(input.ticket_id)
}

/// Its operator or an admin changes the priority and category of a ticket that is not closed;
/// each changed field is one history row, written with the change.
pub(super) async fn edit(
    state: &AppState,
    session: &Session,
    input: &TicketEdit,
    replay: Replay,
) -> Result<i64, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    let seen_as = access::ticket(session, &row)?;
    if seen_as == TicketRole::Client {
        return Err(AppError::Forbidden);
    }
    if row.status()? == Status::Closed {
        return Err(AppError::MoveNotAllowed);
    }
    let category_name = |id: Option<i64>| async move {
        match id {
            None => Ok::<_, AppError>(None),
            Some(id) => Ok(
                sqlx::query_scalar("SELECT name FROM categories WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&state.db.pool)
                    .await?,
            ),
        }
    };
    let old_priority = Priority::from_rank(row.priority);
    let mut changes: Vec<EventKind> = Vec::new();
    if input.priority != old_priority {
        changes.push(EventKind::Priority {
            from: old_priority,
            to: input.priority,
        });
    }
    if input.category_id != row.category_id {
        let to = match input.category_id {
            Some(id) => Some(active_category(state, id).await?),
            None => None,
        };
        let from = category_name(row.category_id).await?;
        changes.push(EventKind::Category { from, to });
    }
    if changes.is_empty() {
        return Ok(row.id);
    }
    let now = state.clock.now_ms();
    let (backend, actor, seen, ticket) = (state.db.backend, session.user.id, input.seen, row.id);
    let (priority, category) = (input.priority.rank(), input.category_id);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                fresh(conn, backend, ticket, seen, actor, seen_as).await?;
                let updated = sqlx::query(
                    "UPDATE tickets SET priority = $1, category_id = $2, updated_at = $3 \
                     WHERE id = $4 AND status <> 'closed'",
                )
                .bind(priority)
                .bind(category)
                .bind(now)
                .bind(ticket)
                .execute(&mut *conn)
                .await?;
                if updated.rows_affected() != 1 {
                    return Err(AppError::MoveNotAllowed);
                }
                for what in changes {
                    let event = Event {
                        ticket,
                        actor: Some(actor),
                        at: now,
                        what,
                    };
                    history::record(conn, event).await?;
                }
                replay.remember(conn, ticket, now).await
            })
        })
        .await?;
    Ok(ticket)
}
