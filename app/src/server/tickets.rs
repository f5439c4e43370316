//! Tickets: creation (idempotent), lists (keyset pages), the ticket view, moves through the
//! state machine, the thread, and admins' forced changes. Every change writes its history row
//! (`ticket_events`) in the same transaction.

use super::access::{self, TicketRole};
use super::attachments;
use super::auth::Session;
use super::db::flag;
use super::history::{self, Event, EventRow, Reader, EVENT_COLUMNS};
use super::markdown;
use super::{accounts::clean_line, AppState};
use crate::dto::limits::{REASON_MAX, SUBJECT_MAX, TEXT_MAX};
use crate::dto::{
    ForcedChange, NewTicket, Role, ThreadMessage, TicketDetail, TicketEdit, TicketMessage,
    TicketMove, TicketPage, TicketQuery, TicketSummary,
};
use crate::error::{AppError, Field, Problem};
use crate::events::{EventKind, Why};
use crate::tickets::{moves_for, rule, Move, Needs, Priority, Status};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

const PAGE: i64 = 50;

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

pub fn reference(id: i64) -> String {
    format!("T-{id:06}")
}

fn priority_of(rank: i64) -> Priority {
    Priority::ALL
        .into_iter()
        .find(|p| p.rank() == rank)
        .unwrap_or(Priority::Normal)
}

/// Multi-line text a person wrote: trimmed, required, bounded.
fn clean_text(field: Field, text: &str, max: usize) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if text.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    Ok(text.to_string())
}

pub(super) async fn ticket_row(state: &AppState, id: i64) -> Result<TicketRow, AppError> {
    sqlx::query_as::<_, TicketRow>(
        "SELECT id, subject, description, priority, status, client_id, operator_id, \
         earlier_ticket_id, category_id, closed_at FROM tickets WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)
}

async fn insert_message(
    tx: &mut Transaction<'_, Any>,
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
    .fetch_one(&mut **tx)
    .await?;
    let what = if internal {
        EventKind::Note { id }
    } else {
        EventKind::Message { id }
    };
    history::record(
        tx,
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

fn request_hash(input: &NewTicket) -> String {
    let canonical = serde_json::json!([
        input.subject.trim(),
        input.description.trim(),
        input.category_id,
        input.priority,
        input.earlier_ticket_id,
        input.attachments
    ]);
    Sha256::digest(canonical.to_string().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The name of an active category; any other id is refused.
async fn active_category(state: &AppState, id: i64) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT name FROM categories WHERE id = $1 AND active = 1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::invalid(Field::Category, Problem::Malformed))
}

/// Opens a ticket for the signed-in client. The same idempotency key returns the same ticket.
pub async fn create(
    state: &AppState,
    session: &Session,
    input: &NewTicket,
) -> Result<TicketDetail, AppError> {
    let client_id = session.user.id;
    let subject = clean_line(Field::Subject, &input.subject, SUBJECT_MAX)?;
    let description = clean_text(Field::Description, &input.description, TEXT_MAX)?;
    let key = clean_line(Field::IdempotencyKey, &input.idempotency_key, 100)?;
    if let Some(category) = input.category_id {
        active_category(state, category).await?;
    }
    if let Some(earlier) = input.earlier_ticket_id {
        let owner: Option<i64> = sqlx::query_scalar("SELECT client_id FROM tickets WHERE id = $1")
            .bind(earlier)
            .fetch_optional(&state.db.pool)
            .await?;
        if owner != Some(client_id) {
            return Err(AppError::invalid(Field::EarlierTicket, Problem::Malformed));
        }
    }
    let hash = request_hash(input);
    let now = state.clock.now_ms();
    let (category, priority, earlier) = (
        input.category_id,
        input.priority.rank(),
        input.earlier_ticket_id,
    );
    let files = input.attachments.clone();
    let (first_key, first_hash) = (key.clone(), hash.clone());
    // Creation is the busiest write: it goes through the group commit.
    let inserted = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let inserted: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO tickets (subject, description, category_id, priority, status, \
                     client_id, earlier_ticket_id, idempotency_key, request_hash, created_at, \
                     updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $9) \
                     ON CONFLICT (client_id, idempotency_key) DO NOTHING RETURNING id",
                )
                .bind(&subject)
                .bind(&description)
                .bind(category)
                .bind(priority)
                .bind(client_id)
                .bind(earlier)
                .bind(&first_key)
                .bind(&first_hash)
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?;
                if let Some(id) = inserted {
                    let created = Event {
                        ticket: id,
                        actor: Some(client_id),
                        at: now,
                        what: EventKind::Created,
                    };
                    history::record(conn, created).await?;
                    attachments::claim(conn, &files, client_id, id, None, false, now).await?;
                }
                Ok(inserted)
            })
        })
        .await?;
    let id = match inserted {
        Some(id) => {
            super::assignment::wake(state);
            id
        }
        None => {
            let (id, first_hash): (i64, String) = sqlx::query_as(
                "SELECT id, request_hash FROM tickets WHERE client_id = $1 AND idempotency_key = $2",
            )
            .bind(client_id)
            .bind(&key)
            .fetch_one(&state.db.pool)
            .await?;
            if first_hash != hash {
                return Err(AppError::IdempotencyConflict);
            }
            id
        }
    };
    view(state, session, id).await
}

const SUMMARY_SELECT: &str = "SELECT t.id, t.subject, t.status, t.priority, c.name AS category, \
    cl.full_name AS client_name, op.full_name AS operator_name, t.created_at, t.updated_at, \
    t.closed_at FROM tickets t \
    JOIN users cl ON cl.id = t.client_id \
    LEFT JOIN users op ON op.id = t.operator_id \
    LEFT JOIN categories c ON c.id = t.category_id";

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    subject: String,
    status: String,
    priority: i64,
    category: Option<String>,
    client_name: String,
    operator_name: Option<String>,
    created_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    author_name: String,
    author_role: String,
    body: String,
    internal: i64,
    created_at: i64,
}

impl MessageRow {
    fn into_message(self) -> ThreadMessage {
        ThreadMessage {
            id: self.id,
            author_name: self.author_name,
            author_role: Role::parse(&self.author_role).unwrap_or(Role::Client),
            html: markdown::render(&self.body),
            body: self.body,
            internal: flag(self.internal),
            created_at: self.created_at,
        }
    }
}

impl SummaryRow {
    fn into_summary(self) -> Result<TicketSummary, AppError> {
        Ok(TicketSummary {
            id: self.id,
            reference: reference(self.id),
            subject: self.subject,
            status: Status::parse(&self.status).ok_or(AppError::Internal)?,
            priority: priority_of(self.priority),
            category: self.category,
            client_name: self.client_name,
            operator_name: self.operator_name,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
        })
    }
}

/// A cursor is the last row's sort key, opaque to callers: `"<priority>.<id>"` or `"<id>"`.
fn parse_cursor(after: Option<&str>) -> Result<Option<(i64, i64)>, AppError> {
    let Some(after) = after else { return Ok(None) };
    let bad = || AppError::BadRequest {
        detail: "bad page cursor".into(),
    };
    match after.split_once('.') {
        Some((p, id)) => Ok(Some((
            p.parse().map_err(|_| bad())?,
            id.parse().map_err(|_| bad())?,
        ))),
        None => Ok(Some((0, after.parse().map_err(|_| bad())?))),
    }
}

/// The caller's list: a client's own tickets, an operator's queue (priority, then age), or
/// every ticket for an admin — newest first except the queue. One page of 50 by keyset.
pub async fn list(
    state: &AppState,
    session: &Session,
    query: &TicketQuery,
) -> Result<TicketPage, AppError> {
    let cursor = parse_cursor(query.after.as_deref())?;
    let status = query.status.map(Status::as_str);
    let role = session.user.role()?;
    let rows: Vec<SummaryRow> = match role {
        Role::Operator => {
            let (p, id) = cursor.unwrap_or((i64::MAX, 0));
            let sql = format!(
                "{SUMMARY_SELECT} WHERE t.operator_id = $1 \
                 AND t.status IN ('assigned', 'in_progress', 'returned_to_client') \
                 AND ($2 IS NULL OR t.status = $2) \
                 AND (t.priority < $3 OR (t.priority = $3 AND t.id > $4)) \
                 ORDER BY t.priority DESC, t.id ASC LIMIT $5"
            );
            sqlx::query_as(&sql)
                .bind(session.user.id)
                .bind(status)
                .bind(p)
                .bind(id)
                .bind(PAGE)
                .fetch_all(&state.db.pool)
                .await?
        }
        Role::Client | Role::Admin => {
            let (_, id) = cursor.unwrap_or((0, i64::MAX));
            let client = match role {
                Role::Client => Some(session.user.id),
                _ => query.client_id,
            };
            let sql = format!(
                "{SUMMARY_SELECT} WHERE ($1 IS NULL OR t.client_id = $1) \
                 AND ($2 IS NULL OR t.status = $2) AND t.id < $3 \
                 AND ($5 IS NULL OR t.operator_id = $5) AND ($6 IS NULL OR t.category_id = $6) \
                 AND ($7 IS NULL OR t.priority = $7) AND ($8 IS NULL OR t.created_at >= $8) \
                 AND ($9 IS NULL OR t.created_at < $9) \
                 ORDER BY t.id DESC LIMIT $4"
            );
            sqlx::query_as(&sql)
                .bind(client)
                .bind(status)
                .bind(id)
                .bind(PAGE)
                .bind(query.operator_id)
                .bind(query.category_id)
                .bind(query.priority.map(Priority::rank))
                .bind(query.from)
                .bind(query.until)
                .fetch_all(&state.db.pool)
                .await?
        }
    };
    let tickets = rows
        .into_iter()
        .map(SummaryRow::into_summary)
        .collect::<Result<Vec<_>, _>>()?;
    let next = (tickets.len() as i64 == PAGE).then(|| {
        let last = &tickets[tickets.len() - 1];
        match role {
            Role::Operator => format!("{}.{}", last.priority.rank(), last.id),
            _ => last.id.to_string(),
        }
    });
    Ok(TicketPage { tickets, next })
}

/// The ticket with its thread and history, as the caller may see it.
pub async fn view(state: &AppState, session: &Session, id: i64) -> Result<TicketDetail, AppError> {
    let row = ticket_row(state, id).await?;
    let seen_as = access::ticket(session, &row)?;
    let staff = seen_as != TicketRole::Client;
    let summary = sqlx::query_as::<_, SummaryRow>(&format!("{SUMMARY_SELECT} WHERE t.id = $1"))
        .bind(id)
        .fetch_one(&state.db.pool)
        .await?
        .into_summary()?;
    let messages: Vec<MessageRow> = sqlx::query_as(
        "SELECT m.id, u.full_name AS author_name, u.role AS author_role, m.body, m.internal, \
         m.created_at FROM messages m JOIN users u ON u.id = m.author_id \
         WHERE m.ticket_id = $1 AND ($2 = 1 OR m.internal = 0) ORDER BY m.id",
    )
    .bind(id)
    .bind(i64::from(staff))
    .fetch_all(&state.db.pool)
    .await?;
    let events: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id \
         WHERE e.ticket_id = $1 AND ($2 = 1 OR e.internal = 0) ORDER BY e.id"
    ))
    .bind(id)
    .bind(i64::from(staff))
    .fetch_all(&state.db.pool)
    .await?;
    let reader = if staff { Reader::Staff } else { Reader::Client };
    let history = events
        .into_iter()
        .map(|e| e.into_event(reader))
        .collect::<Result<Vec<_>, _>>()?;
    let status = row.status()?;
    Ok(TicketDetail {
        ticket: summary,
        description_html: markdown::render(&row.description),
        description: row.description,
        earlier_ticket: row.earlier_ticket_id.map(|id| (id, reference(id))),
        messages: messages.into_iter().map(MessageRow::into_message).collect(),
        attachments: attachments::of_ticket(state, id, staff).await?,
        history,
        moves: match seen_as {
            TicketRole::Admin => moves_for(Role::Admin, status),
            TicketRole::Operator => moves_for(Role::Operator, status),
            TicketRole::Client => moves_for(Role::Client, status),
        },
    })
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

/// Sets status and operator under a guard on the status read before, so a concurrent change
/// makes this one fail instead of being overwritten. A change of operator is recorded, with why.
#[allow(clippy::too_many_arguments)]
async fn set_state(
    tx: &mut Transaction<'_, Any>,
    row: &TicketRow,
    to: Status,
    operator_id: Option<i64>,
    actor: i64,
    now: i64,
    why: Why,
) -> Result<(), AppError> {
    let closed_at = if to == Status::Closed {
        Some(now)
    } else {
        None
    };
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, operator_id = $2, updated_at = $3, closed_at = $4 \
         WHERE id = $5 AND status = $6",
    )
    .bind(to.as_str())
    .bind(operator_id)
    .bind(now)
    .bind(closed_at)
    .bind(row.id)
    .bind(&row.status)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::MoveNotAllowed);
    }
    if operator_id != row.operator_id {
        let what = EventKind::Assigned {
            from: row.operator_id,
            to: operator_id,
            why: Some(why),
        };
        let event = Event {
            ticket: row.id,
            actor: Some(actor),
            at: now,
            what,
        };
        history::record(tx, event).await?;
    }
    Ok(())
}

/// One step of the state machine, by the ticket's client, its operator, or an admin assigning.
pub async fn make_move(
    state: &AppState,
    session: &Session,
    input: &TicketMove,
) -> Result<TicketDetail, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    let seen_as = access::ticket(session, &row)?;
    let role = match seen_as {
        TicketRole::Client => Role::Client,
        TicketRole::Operator => Role::Operator,
        TicketRole::Admin => Role::Admin,
    };
    let from = row.status()?;
    let (mut to, needs) = rule(input.step, role, from).ok_or(AppError::MoveNotAllowed)?;
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
    let actor = session.user.id;
    let mut tx = state.db.begin_write().await?;
    set_state(&mut tx, &row, to, operator, actor, now, why).await?;
    let reason = if needs == Needs::Reason {
        text.clone()
    } else {
        None
    };
    let moved = Event {
        ticket: row.id,
        actor: Some(actor),
        at: now,
        what: EventKind::Status { from, to, reason },
    };
    history::record(&mut tx, moved).await?;
    let message_id = match (&text, needs) {
        (Some(body), Needs::Message | Needs::Resolution) => {
            Some(insert_message(&mut tx, row.id, actor, body, false, now).await?)
        }
        _ => None,
    };
    attachments::claim(
        &mut tx,
        &input.attachments,
        actor,
        row.id,
        message_id,
        false,
        now,
    )
    .await?;
    tx.commit().await?;
    // A reopened ticket may wait; a closed or returned one frees its operator.
    super::assignment::wake(state);
    view(state, session, row.id).await
}

/// A message in the thread, or an internal note (staff only), on a ticket that is not closed.
pub async fn post(
    state: &AppState,
    session: &Session,
    input: &TicketMessage,
) -> Result<TicketDetail, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    let seen_as = access::ticket(session, &row)?;
    if input.internal && seen_as == TicketRole::Client {
        return Err(AppError::Forbidden);
    }
    if row.status()? == Status::Closed {
        return Err(AppError::MoveNotAllowed);
    }
    let body = clean_text(Field::Text, &input.body, TEXT_MAX)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await?;
    let me = session.user.id;
    let message_id = insert_message(&mut tx, row.id, me, &body, input.internal, now).await?;
    attachments::claim(
        &mut tx,
        &input.attachments,
        me,
        row.id,
        Some(message_id),
        input.internal,
        now,
    )
    .await?;
    sqlx::query("UPDATE tickets SET updated_at = $1 WHERE id = $2")
        .bind(now)
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    view(state, session, row.id).await
}

/// An admin sets any status (and operator), with a reason the history keeps as forced.
pub async fn force(
    state: &AppState,
    session: &Session,
    input: &ForcedChange,
) -> Result<TicketDetail, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    access::ticket(session, &row)?;
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
    let actor = session.user.id;
    let mut tx = state.db.begin_write().await?;
    let why = Why::Forced(reason.clone());
    set_state(&mut tx, &row, input.status, operator, actor, now, why).await?;
    if input.status != from {
        let what = EventKind::Forced {
            from,
            to: input.status,
            reason,
        };
        let event = Event {
            ticket: row.id,
            actor: Some(actor),
            at: now,
            what,
        };
        history::record(&mut tx, event).await?;
    }
    tx.commit().await?;
    super::assignment::wake(state);
    view(state, session, row.id).await
}

/// Its operator or an admin changes the priority and category of a ticket that is not closed;
/// each changed field is one history row, written with the change.
pub async fn edit(
    state: &AppState,
    session: &Session,
    input: &TicketEdit,
) -> Result<TicketDetail, AppError> {
    let row = ticket_row(state, input.ticket_id).await?;
    if access::ticket(session, &row)? == TicketRole::Client {
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
    let old_priority = priority_of(row.priority);
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
        return view(state, session, row.id).await;
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE tickets SET priority = $1, category_id = $2, updated_at = $3 \
         WHERE id = $4 AND status <> 'closed'",
    )
    .bind(input.priority.rank())
    .bind(input.category_id)
    .bind(now)
    .bind(row.id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(AppError::MoveNotAllowed);
    }
    for what in changes {
        let event = Event {
            ticket: row.id,
            actor: Some(session.user.id),
            at: now,
            what,
        };
        history::record(&mut tx, event).await?;
    }
    tx.commit().await?;
    view(state, session, row.id).await
}

/// How many of the newest matching texts a search looks at. Reading matches newest first and
/// stopping here keeps a common word fast at any size (a word in 1 of 8 tickets: 36 → ~2 ms at
/// 100,000); the page of 50 tickets comes from these.
const SEARCH_WINDOW: i64 = 2_000;

/// Tickets the caller may see whose subject, description or messages contain every word of
/// `words` (internal notes only for staff): those of the most recent matching texts, newest
/// ticket first, at most one page.
pub async fn search(
    state: &AppState,
    session: &Session,
    words: &str,
) -> Result<TicketPage, AppError> {
    let words = clean_line(Field::Text, words, SUBJECT_MAX)?;
    let role = session.user.role()?;
    let me = session.user.id;
    let text = super::db::text_match(state.db.backend, &words);
    let sql = format!(
        "{SUMMARY_SELECT} WHERE t.id IN (SELECT x.ticket_id FROM ticket_text x \
         JOIN tickets v ON v.id = x.ticket_id \
         WHERE {} AND ($2 = 1 OR x.internal = 0) \
         AND ($3 IS NULL OR v.client_id = $3) AND ($4 IS NULL OR v.operator_id = $4) \
         ORDER BY {} LIMIT {SEARCH_WINDOW}) \
         ORDER BY t.id DESC LIMIT $5",
        text.condition, text.newest_first
    );
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql)
        .bind(text.query)
        .bind(i64::from(role != Role::Client))
        .bind((role == Role::Client).then_some(me))
        .bind((role == Role::Operator).then_some(me))
        .bind(PAGE)
        .fetch_all(&state.db.pool)
        .await?;
    let tickets = rows
        .into_iter()
        .map(SummaryRow::into_summary)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TicketPage {
        tickets,
        next: None,
    })
}
