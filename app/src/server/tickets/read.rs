//! Reading tickets: the caller's list (keyset pages), one ticket with its thread and history as
//! the caller may see it, and search.

use crate::dto::limits::SUBJECT_MAX;
use crate::dto::{
    Role, SlaClock, ThreadMessage, TicketDetail, TicketPage, TicketQuery, TicketSummary,
};
use crate::error::{AppError, Field};
use crate::server::access::{self, TicketRole};
use crate::server::attachments;
use crate::server::auth::Session;
use crate::server::db::flag;
use crate::server::history::{self, EventRow, Reader, EVENT_COLUMNS};
use crate::server::input::clean_line;
use crate::server::markdown;
use crate::server::sla;
use crate::server::ticket::{ticket_row, TicketRow};
use crate::server::AppState;
use crate::tickets::{moves_for, reference, Move, Priority, Status, DAY_MS};

const PAGE: i64 = 50;

const SUMMARY_SELECT: &str = "SELECT t.id, t.subject, t.status, t.priority, c.name AS category, \
    cl.full_name AS client_name, cl.username AS client_username, op.full_name AS operator_name, t.created_at, t.updated_at, \
    t.closed_at, t.client_id, t.category_id, ch.started_at AS chat_started_at, \
    ch.ended_at AS chat_ended_at FROM tickets t \
    JOIN users cl ON cl.id = t.client_id \
    LEFT JOIN chats ch ON ch.ticket_id = t.id \
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
    client_username: String,
    operator_name: Option<String>,
    created_at: i64,
    updated_at: i64,
    closed_at: Option<i64>,
    client_id: i64,
    category_id: Option<i64>,
    chat_started_at: Option<i64>,
    chat_ended_at: Option<i64>,
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
    /// Its service-level clock that runs out first, for staff.
    async fn sla(&self, state: &AppState, book: &sla::Book) -> Result<Option<SlaClock>, AppError> {
        let ticket = sla::Ticket {
            id: self.id,
            priority: Priority::from_rank(self.priority),
            category: self.category_id,
            client: self.client_id,
        };
        let clocks = book.clocks_of(state, &ticket).await?;
        Ok(sla::clock::most_urgent(&clocks))
    }

    fn into_summary(self) -> Result<TicketSummary, AppError> {
        Ok(TicketSummary {
            id: self.id,
            reference: reference(self.id),
            subject: self.subject,
            status: Status::parse(&self.status).ok_or(AppError::Internal)?,
            priority: Priority::from_rank(self.priority),
            category: self.category,
            client_name: self.client_name,
            client_username: self.client_username,
            operator_name: self.operator_name,
            created_at: self.created_at,
            updated_at: self.updated_at,
            closed_at: self.closed_at,
            sla: None,
            live_chat: self.chat_started_at.is_some() && self.chat_ended_at.is_none(),
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

/// A query's conditions and the values bound to them, numbered as they are added. Only the
/// conditions in use are written: PostgreSQL then plans each shape once and keeps the plan
/// (`($n IS NULL OR …)` for an unused filter made it plan every call anew — ~0.8 ms a list).
#[derive(Default)]
struct Conditions<'a> {
    sql: Vec<String>,
    values: Vec<Value<'a>>,
}

enum Value<'a> {
    Int(i64),
    Text(&'a str),
}

impl<'a> Conditions<'a> {
    /// Adds `condition`, each `?` in it standing for the next of `values`.
    fn and<const N: usize>(&mut self, condition: &str, values: [Value<'a>; N]) {
        debug_assert_eq!(condition.matches('?').count(), N, "{condition}");
        let mut parts = condition.split('?');
        let mut sql = parts.next().unwrap_or_default().to_string();
        for (value, part) in values.into_iter().zip(parts) {
            self.values.push(value);
            sql.push_str(&format!("${}{part}", self.values.len()));
        }
        self.sql.push(sql);
    }

    /// Adds `condition` with its one `?` when there is a value to compare with.
    fn and_some(&mut self, condition: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.and(condition, [Value::Int(v)]);
        }
    }

    /// The rows of `sql`, whose `{}` is where these conditions go.
    async fn fetch<T>(self, state: &AppState, sql: &str) -> Result<Vec<T>, AppError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let sql = sql.replace("{}", &self.sql.join(" AND "));
        let mut query = sqlx::query_as(&sql);
        for value in self.values {
            query = match value {
                Value::Int(v) => query.bind(v),
                Value::Text(v) => query.bind(v),
            };
        }
        Ok(query.fetch_all(&state.db.pool).await?)
    }

    /// A page of summaries of the tickets meeting these conditions, in this order.
    async fn summaries(self, state: &AppState, order: &str) -> Result<Vec<SummaryRow>, AppError> {
        let sql = format!("{SUMMARY_SELECT} WHERE {{}} ORDER BY {order} LIMIT {PAGE}");
        self.fetch(state, &sql).await
    }
}

/// The summaries of these tickets (a page at most), newest first: one statement for any
/// number of them, so PostgreSQL keeps its plan.
async fn summaries_of(state: &AppState, ids: &[i64]) -> Result<Vec<SummaryRow>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let slots = (1..=PAGE)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("{SUMMARY_SELECT} WHERE t.id IN ({slots}) ORDER BY t.id DESC");
    let mut query = sqlx::query_as(&sql);
    for n in 0..PAGE as usize {
        query = query.bind(ids.get(n).copied());
    }
    Ok(query.fetch_all(&state.db.pool).await?)
}

/// The caller's list: a client's own tickets, an operator's queue (priority, then age), or
/// every ticket for an admin — newest first except the queue. One page of 50 by keyset.
pub async fn list(
    state: &AppState,
    session: &Session,
    query: &TicketQuery,
) -> Result<TicketPage, AppError> {
    let cursor = parse_cursor(query.after.as_deref())?;
    let role = session.user.role()?;
    let mut when = Conditions::default();
    if let Some(status) = query.status {
        when.and("t.status = ?", [Value::Text(status.as_str())]);
    }
    let rows = match role {
        Role::Operator => {
            let (p, id) = cursor.unwrap_or((i64::MAX, 0));
            when.and("t.operator_id = ?", [Value::Int(session.user.id)]);
            when.and(
                "t.status IN ('assigned', 'in_progress', 'returned_to_client')",
                [],
            );
            when.and(
                "(t.priority < ? OR (t.priority = ? AND t.id > ?))",
                [Value::Int(p), Value::Int(p), Value::Int(id)],
            );
            when.summaries(state, "t.priority DESC, t.id ASC").await?
        }
        Role::Client | Role::Admin => {
            let (_, id) = cursor.unwrap_or((0, i64::MAX));
            let client = match role {
                Role::Client => Some(session.user.id),
                _ => query.client_id,
            };
            when.and("t.id < ?", [Value::Int(id)]);
            when.and_some("t.client_id = ?", client);
            when.and_some("t.operator_id = ?", query.operator_id);
            when.and_some("t.category_id = ?", query.category_id);
            when.and_some("t.priority = ?", query.priority.map(Priority::rank));
            when.and_some("t.created_at >= ?", query.from);
            when.and_some("t.created_at < ?", query.until);
            when.summaries(state, "t.id DESC").await?
        }
    };
    // Staff see how long each active ticket has left.
    let book = match role {
        Role::Client => None,
        Role::Operator | Role::Admin => sla::Book::open(state).await?,
    };
    let mut tickets = Vec::with_capacity(rows.len());
    for row in rows {
        let clock = match &book {
            Some(book) if row.status != Status::Closed.as_str() => row.sla(state, book).await?,
            _ => None,
        };
        tickets.push(TicketSummary {
            sla: clock,
            ..row.into_summary()?
        });
    }
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
    view_as(state, row, seen_as).await
}

/// The ticket an operator has just escalated, as they saw it until then: it is no longer
/// theirs, so `access::ticket` would hide it. Only for the answer to that move (its access was
/// checked before the move; a replay is the same person's own).
pub(super) async fn view_escalated(state: &AppState, id: i64) -> Result<TicketDetail, AppError> {
    let row = ticket_row(state, id).await?;
    view_as(state, row, TicketRole::Operator).await
}

async fn view_as(
    state: &AppState,
    row: TicketRow,
    seen_as: TicketRole,
) -> Result<TicketDetail, AppError> {
    let id = row.id;
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
    let reader = if staff {
        Reader::Staff
    } else {
        // The setting is read only where it matters: most tickets were never forced.
        let forced_reasons = events.iter().any(EventRow::is_forced)
            && crate::server::settings::ticket_settings(state)
                .await?
                .forced_reasons_to_clients;
        Reader::Client { forced_reasons }
    };
    let mut history = events
        .into_iter()
        .map(|e| e.into_event(reader))
        .collect::<Result<Vec<_>, _>>()?;
    history::name_receivers(&state.db.pool, &mut history).await?;
    let stage = row.stage()?;
    let mut moves = match seen_as {
        TicketRole::Admin => moves_for(Role::Admin, stage),
        TicketRole::Operator => moves_for(Role::Operator, stage),
        TicketRole::Client => moves_for(Role::Client, stage),
    };
    if moves.contains(&Move::Escalate)
        && !crate::server::tiers::can_escalate(&state.db.pool, row.tier).await?
    {
        moves.retain(|m| *m != Move::Escalate);
    }
    let sla = match sla::Book::open(state).await? {
        Some(book) if staff => {
            let ticket = sla::Ticket {
                id,
                priority: Priority::from_rank(row.priority),
                category: row.category_id,
                client: row.client_id,
            };
            book.clocks_of(state, &ticket).await?
        }
        _ => Vec::new(),
    };
    let proposed_until = match row.proposed_at.filter(|_| stage.proposed) {
        Some(at) => {
            let days = crate::server::settings::ticket_settings(state)
                .await?
                .solution_days;
            Some(at + i64::from(days) * DAY_MS)
        }
        None => None,
    };
    Ok(TicketDetail {
        ticket: summary,
        description_html: markdown::render(&row.description),
        description: row.description,
        earlier_ticket: row.earlier_ticket_id.map(|id| (id, reference(id))),
        original_ref: row.original_ref,
        messages: messages.into_iter().map(MessageRow::into_message).collect(),
        attachments: attachments::of_ticket(state, id, staff).await?,
        history,
        operator_id: row.operator_id.filter(|_| staff),
        moves,
        proposed_until,
        sla,
        tier: staff.then_some(row.tier),
        chat: crate::server::chat::state_of(state, id).await?,
    })
}

/// How many of the newest matching texts a search looks at. Reading matches newest first and
/// stopping here keeps a common word fast at any size (a word in 1 of 8 tickets: 36 → ~2 ms at
/// 100,000); the page of 50 tickets comes from these.
const SEARCH_WINDOW: i64 = 2_000;
/// A search's first look: enough texts for a page of distinct tickets in the common case.
const FIRST_WINDOW: i64 = 4 * PAGE;

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
    let text = crate::server::db::text_match(state.db.backend, &words);
    // The newest few hundred matching texts usually hold a full page (for an admin, who may see
    // every match, unless a few tickets hold most of them); only when they do not is the whole
    // window read. Which tickets is planned at each search (how common the words are decides
    // the plan); their summaries apart, by a statement whose plan is kept.
    let mut ids: Vec<(i64,)> = Vec::new();
    for window in [FIRST_WINDOW, SEARCH_WINDOW] {
        let mut when = Conditions::default();
        when.and(text.condition, [Value::Text(&text.query)]);
        let only = match role {
            Role::Client => {
                when.and("x.internal = 0", []);
                Some(("v.client_id = ?", me))
            }
            Role::Operator => Some(("v.operator_id = ?", me)),
            Role::Admin => None,
        };
        let join = match only {
            Some((condition, me)) => {
                when.and(condition, [Value::Int(me)]);
                "JOIN tickets v ON v.id = x.ticket_id"
            }
            None => "",
        };
        let sql = format!(
            "SELECT DISTINCT m.ticket_id FROM (SELECT x.ticket_id FROM ticket_text x {join} \
             WHERE {{}} ORDER BY {} LIMIT {window}) m ORDER BY m.ticket_id DESC LIMIT {PAGE}",
            text.newest_first
        );
        ids = when.fetch(state, &sql).await?;
        if ids.len() as i64 == PAGE {
            break;
        }
    }
    let ids: Vec<i64> = ids.into_iter().map(|(id,)| id).collect();
    let rows = summaries_of(state, &ids).await?;
    let tickets = rows
        .into_iter()
        .map(SummaryRow::into_summary)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TicketPage {
        tickets,
        next: None,
    })
}
