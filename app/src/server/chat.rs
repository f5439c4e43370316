//! Live chat: a ticket a client opens from the portal while operators are on duty, talked
//! through in real time. Everything a ticket has, a chat has — fair assignment, the thread
//! (its transcript, kept when the chat ends), files, moves, history —; this module holds only
//! what a chat adds, in `chats`:
//! - **Starting** (`tickets::start_chat`, its ticket opened with the row `begin` writes): only
//!   while someone is on duty (`availability`); a client with a chat under way (`current`)
//!   gets that one back — coming back to the portal resumes it.
//! - **Load**: while it lasts a chat counts `TicketSettings::chat_weight` tickets in its
//!   operator's load (`assignment`'s sum of loads).
//! - **Marks**: how far each side has received and read the other's messages, said by the
//!   tabs over the live socket (`dto::Say`) and kept here (`mark`), heard live as presence.
//! - **Ending**: by either side (`end`), or by the system once the client has been away from
//!   it for `Config::chat_resume_window` (`keep_sweeping`, who is where read from `presence`).
//!   The ticket goes on through its statuses.
//! - **Handing over**: its operator gives it to a colleague on duty with a note
//!   (`tickets::transfer`), or up a tier with the ticket's own `Move::Escalate`.
//!
//! Who may: `access::ticket`, as for every ticket.

use super::access::{self, TicketRole};
use super::assignment;
use super::auth::Session;
use super::history;
use super::AppState;
use crate::dto::{ChatAvailability, ChatState, Colleague, WorkHours};
use crate::error::AppError;
use crate::events::{ChatStep, Event, EventKind};
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often chats whose client left are looked for.
const SWEEP: Duration = Duration::from_secs(15);

/// Whether a client may chat now, and when support is staffed.
pub async fn availability(state: &AppState) -> Result<ChatAvailability, AppError> {
    let floor = assignment::floor(state).await?;
    let hours: Vec<WorkHours> = super::sla::levels(state).await?.hours;
    Ok(ChatAvailability {
        staffed: floor.operators.iter().any(|o| o.on_duty),
        hours,
    })
}

/// The client's chat under way, if any.
pub async fn current(state: &AppState, session: &Session) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT c.ticket_id FROM chats c JOIN tickets t ON t.id = c.ticket_id \
         WHERE t.client_id = $1 AND c.ended_at IS NULL ORDER BY c.ticket_id DESC LIMIT 1",
    )
    .bind(session.user.id)
    .fetch_optional(&state.db.pool)
    .await?)
}

/// A new chat's row and its `Started` history row, in the transaction that opens its ticket.
pub async fn begin(
    conn: &mut AnyConnection,
    ticket: i64,
    client: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO chats (ticket_id, started_at) VALUES ($1, $2)")
        .bind(ticket)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    let started = Event {
        ticket,
        actor: Some(client),
        at: now,
        what: EventKind::Chat {
            step: ChatStep::Started,
        },
    };
    history::record(conn, started).await?;
    Ok(())
}

/// A ticket's chat, if it is one.
pub async fn state_of(state: &AppState, ticket: i64) -> Result<Option<ChatState>, AppError> {
    let row: Option<(i64, Option<i64>, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT started_at, ended_at, client_got, client_read, staff_got, staff_read \
         FROM chats WHERE ticket_id = $1",
    )
    .bind(ticket)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(row.map(
        |(started_at, ended_at, client_got, client_read, staff_got, staff_read)| ChatState {
            started_at,
            ended_at,
            client_got,
            client_read,
            staff_got,
            staff_read,
        },
    ))
}

/// Ends a chat under way, by its client, its operator or an admin (one who may see the
/// ticket); ending one already ended changes nothing.
pub async fn end(state: &AppState, session: &Session, ticket: i64) -> Result<(), AppError> {
    let row = super::ticket::ticket_row(state, ticket).await?;
    access::ticket(session, &row)?;
    if state_of(state, ticket).await?.is_none() {
        return Err(AppError::NotFound);
    }
    close(state, ticket, Some(session.user.id), ChatStep::Ended).await?;
    Ok(())
}

/// Ends a chat if it is under way, with its history row; whether it did.
async fn close(
    state: &AppState,
    ticket: i64,
    actor: Option<i64>,
    step: ChatStep,
) -> Result<bool, AppError> {
    let now = state.clock.now_ms();
    let ended = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let ended = sqlx::query(
                    "UPDATE chats SET ended_at = $2 WHERE ticket_id = $1 AND ended_at IS NULL",
                )
                .bind(ticket)
                .bind(now)
                .execute(&mut *conn)
                .await?
                .rows_affected()
                    == 1;
                if ended {
                    let event = Event {
                        ticket,
                        actor,
                        at: now,
                        what: EventKind::Chat { step },
                    };
                    history::record(conn, event).await?;
                }
                Ok(ended)
            })
        })
        .await?;
    if ended {
        // Its operator's load went down.
        state.wake_assignment();
    }
    Ok(ended)
}

/// Whether a chat is under way.
pub async fn under_way(state: &AppState, ticket: i64) -> Result<bool, AppError> {
    Ok(state_of(state, ticket)
        .await?
        .is_some_and(|c| c.ended_at.is_none()))
}

/// The colleagues an operator may hand a chat to: operators on duty but themselves.
pub async fn colleagues(state: &AppState, session: &Session) -> Result<Vec<Colleague>, AppError> {
    let floor = assignment::floor(state).await?;
    Ok(floor
        .operators
        .into_iter()
        .filter(|o| o.on_duty && o.plan.operator_id != session.user.id)
        .map(|o| Colleague {
            id: o.plan.operator_id,
            full_name: o.full_name,
        })
        .collect())
}

/// Keeps how far a chat's client or operator has received and read it, as their tab said
/// (`dto::Say`): only ever further, never past the thread's last message, never read before
/// received. Others (an admin looking on) mark nothing. The marks as kept now — what the
/// others on the chat hear (`presence`): `(0, 0)` for no marks, or a ticket that is no chat.
pub async fn mark(
    state: &AppState,
    seen_as: TicketRole,
    ticket: i64,
    got: i64,
    read: i64,
) -> Result<(i64, i64), AppError> {
    let side = match seen_as {
        TicketRole::Client => "client",
        TicketRole::Operator => "staff",
        TicketRole::Admin => return Ok((0, 0)),
    };
    let read = read.min(got);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(&format!(
                    "UPDATE chats SET {side}_got = CASE WHEN $2 > {side}_got THEN $2 ELSE {side}_got END, \
                     {side}_read = CASE WHEN $3 > {side}_read THEN $3 ELSE {side}_read END \
                     WHERE ticket_id = $1 AND ($2 > {side}_got OR $3 > {side}_read) \
                     AND $2 <= (SELECT COALESCE(MAX(id), 0) FROM messages WHERE ticket_id = $1)"
                ))
                .bind(ticket)
                .bind(got)
                .bind(read)
                .execute(&mut *conn)
                .await?;
                let kept: Option<(i64, i64)> = sqlx::query_as(&format!(
                    "SELECT {side}_got, {side}_read FROM chats WHERE ticket_id = $1"
                ))
                .bind(ticket)
                .fetch_optional(&mut *conn)
                .await?;
                Ok(kept.unwrap_or((0, 0)))
            })
        })
        .await
}

/// Ends the chats whose client has been away (no tab of theirs shows it) longer than
/// `Config::chat_resume_window`, for the process's life. Presence says who is on a chat (every process hears every tab); how long a client
/// has been away is counted from when this process first saw them gone.
pub async fn keep_sweeping(state: AppState) {
    let mut away: HashMap<i64, Instant> = HashMap::new();
    loop {
        tokio::time::sleep(SWEEP).await;
        if let Err(e) = sweep(&state, &mut away, Instant::now()).await {
            tracing::warn!(error = %e, "chat sweep failed");
        }
    }
}

/// One look: chats whose client is away are noted (`away`: since when this process saw them
/// gone), those away long enough end. How many ended.
pub async fn sweep(
    state: &AppState,
    away: &mut HashMap<i64, Instant>,
    now: Instant,
) -> Result<usize, AppError> {
    let mut ended = 0;
    let chats: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT c.ticket_id, t.client_id FROM chats c JOIN tickets t ON t.id = c.ticket_id \
         WHERE c.ended_at IS NULL",
    )
    .fetch_all(&state.db.pool)
    .await?;
    away.retain(|ticket, _| chats.iter().any(|(t, _)| t == ticket));
    for (ticket, client) in chats {
        if state.presence.is_on(ticket, client) {
            away.remove(&ticket);
            continue;
        }
        let since = *away.entry(ticket).or_insert(now);
        if now.duration_since(since) >= state.config.chat_resume_window {
            ended += usize::from(close(state, ticket, None, ChatStep::ClientLeft).await?);
            away.remove(&ticket);
        }
    }
    Ok(ended)
}
