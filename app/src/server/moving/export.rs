//! The exporter: this installation in the moving format (`format`) — every account, category
//! and ticket (`Scope::Everything`, `salter export DIR`), or one client's (`Scope::Client`, the
//! zip an admin or the client downloads: their account, their tickets without internal notes,
//! and the staff who wrote on them, by name only). Tickets are read 500 at a time by id, each
//! written with its thread, files (opened from their sealed store) and ratings.

use super::format::{self, Account, Category, Counts, File, Manifest, Message, Rating, Ticket};
use crate::error::AppError;
use crate::roles::Role;
use crate::server::attachments::{keys::KeyError, seal};
use crate::server::{settings, AppState};
use crate::tickets::{reference, Priority, Status};
use axum::body::Bytes;
use futures_util::stream::BoxStream;
use std::collections::HashMap;
use std::future::Future;

const PAGE: i64 = 500;

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Everything,
    /// One client's data, as they may read it.
    Client(i64),
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the export (or reading a stored file) failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("the files' keys: {0}")]
    Keys(#[from] KeyError),
    #[error("the database: {0}")]
    Database(#[from] AppError),
}

impl From<sqlx::Error> for ExportError {
    fn from(e: sqlx::Error) -> ExportError {
        ExportError::Database(e.into())
    }
}

/// Where an export goes: a directory (`salter export`) or a zip.
pub(crate) trait Sink {
    /// Appends one line to the JSON Lines file `name`.
    fn line(&mut self, name: &str, line: Vec<u8>) -> impl Future<Output = std::io::Result<()>>;
    /// Writes a file at `path` from its chunks.
    fn file(
        &mut self,
        path: &str,
        content: BoxStream<'static, std::io::Result<Bytes>>,
    ) -> impl Future<Output = std::io::Result<()>>;
    /// Writes the manifest, last: an export without one is incomplete.
    fn finish(&mut self, manifest: &Manifest) -> impl Future<Output = std::io::Result<()>>;
}

fn json<T: serde::Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(std::io::Error::other)
}

type AccountRow = (i64, String, String, Option<String>, String, i64, i64);
type TicketRow = (
    i64,
    String,
    String,
    Option<i64>,
    i64,
    String,
    i64,
    Option<i64>,
    i64,
    i64,
    Option<i64>,
);

/// One page of tickets, by id, as the scope sees it.
struct Span {
    first: i64,
    last: i64,
    /// A client's id, or 0: every client.
    client: i64,
    /// 1: staff's view, with internal notes and their files.
    staff_view: i64,
}

impl Span {
    /// The rows `sql` reads for the page: `$1`–`$2` its ids, `$3` the client, `$4` staff's view.
    async fn rows<T>(&self, pool: &sqlx::AnyPool, sql: &str) -> Result<Vec<T>, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        sqlx::query_as(sql)
            .bind(self.first)
            .bind(self.last)
            .bind(self.client)
            .bind(self.staff_view)
            .fetch_all(pool)
            .await
    }
}

/// Writes `scope` into `sink`; what it holds.
pub(crate) async fn write<S: Sink>(
    state: &AppState,
    scope: Scope,
    sink: &mut S,
) -> Result<Counts, ExportError> {
    let pool = &state.db.pool;
    let (client, staff_view) = match scope {
        Scope::Everything => (0, 1),
        Scope::Client(id) => (id, 0),
    };
    let mut counts = Counts::default();
    // Accounts: everyone; or the client, and the staff who had or wrote on their tickets.
    let people: Vec<AccountRow> = sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.email, u.role, u.disabled, u.created_at \
         FROM users u WHERE $1 = 0 OR u.id = $1 \
         OR u.id IN (SELECT t.operator_id FROM tickets t WHERE t.client_id = $1) \
         OR u.id IN (SELECT m.author_id FROM messages m JOIN tickets t ON t.id = m.ticket_id \
                     WHERE t.client_id = $1 AND m.internal = 0) \
         ORDER BY u.id",
    )
    .bind(client)
    .fetch_all(pool)
    .await?;
    for (id, username, full_name, email, role, disabled, created_at) in people {
        let role = Role::parse(&role).ok_or(AppError::Internal)?;
        // Staff in a client's export are names on the thread, nothing more.
        let whole = client == 0 || id == client;
        let account = Account {
            id: id.to_string(),
            username: whole.then_some(username),
            full_name,
            email: email.filter(|_| whole),
            role,
            disabled: disabled != 0,
            created_at: whole.then(|| format::time(created_at)),
        };
        sink.line(format::ACCOUNTS, json(&account)?).await?;
        counts.accounts += 1;
    }
    let categories: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT id, name, active FROM categories ORDER BY id")
            .fetch_all(pool)
            .await?;
    for (id, name, active) in categories {
        let category = Category {
            id: id.to_string(),
            name,
            active: active != 0,
        };
        sink.line(format::CATEGORIES, json(&category)?).await?;
        counts.categories += 1;
    }
    let ring = state.config.files_key.ring(&state.config.files_dir).await?;
    let mut after = 0i64;
    loop {
        let page: Vec<TicketRow> = sqlx::query_as(
            "SELECT id, subject, description, category_id, priority, status, client_id, \
             operator_id, created_at, updated_at, closed_at FROM tickets \
             WHERE id > $1 AND ($2 = 0 OR client_id = $2) ORDER BY id LIMIT $3",
        )
        .bind(after)
        .bind(client)
        .bind(PAGE)
        .fetch_all(pool)
        .await?;
        let (Some(first), Some(last)) = (page.first(), page.last()) else {
            break;
        };
        let (first, last) = (first.0, last.0);
        after = last;
        let span = Span {
            first,
            last,
            client,
            staff_view,
        };
        let messages: Vec<(i64, i64, i64, String, i64, i64)> = span
            .rows(
                pool,
                "SELECT m.id, m.ticket_id, m.author_id, m.body, m.internal, m.created_at \
                 FROM messages m JOIN tickets t ON t.id = m.ticket_id \
                 WHERE m.ticket_id BETWEEN $1 AND $2 AND ($3 = 0 OR t.client_id = $3) \
                 AND (m.internal = 0 OR $4 = 1) ORDER BY m.id",
            )
            .await?;
        let files: Vec<(i64, i64, Option<i64>, String, String)> = span
            .rows(
                pool,
                "SELECT a.id, a.ticket_id, a.message_id, a.name, a.storage_name \
                 FROM attachments a JOIN tickets t ON t.id = a.ticket_id \
                 WHERE a.ticket_id BETWEEN $1 AND $2 AND ($3 = 0 OR t.client_id = $3) \
                 AND (a.internal = 0 OR $4 = 1) ORDER BY a.id",
            )
            .await?;
        let ratings: Vec<(i64, i64, Option<String>, Option<String>)> = span
            .rows(
                pool,
                "SELECT e.ticket_id, e.at, e.to_value, e.reason FROM ticket_events e \
                 JOIN tickets t ON t.id = e.ticket_id \
                 WHERE e.ticket_id BETWEEN $1 AND $2 AND ($3 = 0 OR t.client_id = $3) \
                 AND (e.internal = 0 OR $4 = 1) AND e.kind = 'rated' ORDER BY e.id",
            )
            .await?;

        let mut tickets: Vec<Ticket> = Vec::with_capacity(page.len());
        let mut index = HashMap::new();
        for row in page {
            let (id, subject, description, category, priority, status, client_id, operator) =
                (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
            index.insert(id, tickets.len());
            tickets.push(Ticket {
                id: reference(id),
                subject,
                description,
                category: category.map(|c| c.to_string()),
                priority: Priority::from_rank(priority),
                status: Status::parse(&status).ok_or(AppError::Internal)?,
                client: client_id.to_string(),
                operator: operator.map(|o| o.to_string()),
                created_at: format::time(row.8),
                updated_at: Some(format::time(row.9)),
                closed_at: row.10.map(format::time),
                files: Vec::new(),
                messages: Vec::new(),
                ratings: Vec::new(),
            });
        }
        let mut message_at = HashMap::new();
        for (id, ticket, author, body, internal, at) in messages {
            let t = &mut tickets[index[&ticket]];
            message_at.insert(id, (index[&ticket], t.messages.len()));
            t.messages.push(Message {
                author: author.to_string(),
                body,
                internal: internal != 0,
                at: format::time(at),
                files: Vec::new(),
            });
        }
        for (id, ticket, message, name, storage_name) in files {
            let t = index[&ticket];
            let path = format!("files/{}/{id}-{name}", tickets[t].id);
            // A file erased since (the retention period passed) is no longer there to give.
            let stored = state.config.files_dir.join(&storage_name);
            let Some(content) = seal::open_kept(&stored, &ring).await? else {
                continue;
            };
            sink.file(&path, content).await?;
            counts.files += 1;
            let file = File { name, path };
            match message.and_then(|m| message_at.get(&m)) {
                Some((t, m)) => tickets[*t].messages[*m].files.push(file),
                None => tickets[t].files.push(file),
            }
        }
        for (ticket, at, good, comment) in ratings {
            tickets[index[&ticket]].ratings.push(Rating {
                good: good.as_deref() == Some("good"),
                comment,
                at: format::time(at),
            });
        }
        for t in &tickets {
            counts.tickets += 1;
            counts.messages += t.messages.len() as u64;
            sink.line(format::TICKETS, json(t)?).await?;
        }
    }
    let manifest = Manifest {
        format: format::FORMAT.into(),
        version: format::VERSION,
        source: format!("salter:{}", settings::installation_id(state).await?),
        exported_at: format::time(state.clock.now_ms()),
        counts: counts.clone(),
    };
    sink.finish(&manifest).await?;
    Ok(counts)
}
