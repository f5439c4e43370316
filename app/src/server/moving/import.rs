//! The importer: records of the moving format (`format`), from whichever `Reader`, into this
//! installation — accounts, categories, then tickets in batches. Safe to run again: every
//! account, category and ticket brought in is noted in `imported` under its source and `ref`
//! (a ticket in the transaction that writes it), and what is noted is not brought again.
//!
//! - An account already here (the same role and e-mail address, else the same role and
//!   username) is taken as the same person; a new one gets a one-time password, listed in the
//!   `Summary` for the admin to hand out. Staff beyond the edition's limit come in disabled.
//! - A ticket keeps its times, its reference there (`tickets.original_ref`) and its thread; its
//!   history is written as it happened where the times allow — opened, each message, note and
//!   file, its operator and its status as it stood there (`Why::Imported`, `Via::Imported`) —
//!   through `history::append`, which tells nobody: no e-mail, no webhook.
//! - A ticket that cannot come (its client unknown, no subject) is left out and named in the
//!   summary with the reason; a file that cannot (missing, refused by its content) likewise.

use super::format::{Account, Category, File, Ticket};
use crate::dto::limits::{CATEGORY_MAX, FULL_NAME_MAX, SUBJECT_MAX, USERNAME_MAX};
use crate::error::AppError;
use crate::events::Event;
use crate::events::{EventKind, Via, Why};
use crate::roles::Role;
use crate::server::accounts::{self, NewRow};
use crate::server::attachments::{display_name, store, Stored};
use crate::server::history;
use crate::server::input::{shows_something, single_line, unix_newlines};
use crate::server::{categories, db, username, AppState};
use crate::tickets::Status;
use futures_util::{stream, StreamExt};
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use std::future::Future;

/// Tickets per transaction, each checked before the transaction begins: one flush to disk for
/// all of them.
const BATCH: usize = 200;
/// The largest file brought over (a file there may be larger than uploads here allow).
const FILE_MAX: i64 = 100 * 1_048_576;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The source cannot be read, or holds what the format does not allow; nothing of what
    /// follows is imported.
    #[error("{0}")]
    Source(String),
    #[error("the database: {0}")]
    Database(#[from] AppError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> ImportError {
        ImportError::Database(e.into())
    }
}

/// Where records come from: the moving format's files, CSV files, an osTicket database.
pub(crate) trait Reader {
    /// Names the source in `imported`: the same for every run over the same data.
    fn source(&self) -> String;
    fn accounts(&mut self) -> impl Future<Output = Result<Vec<Account>, ImportError>>;
    fn categories(&mut self) -> impl Future<Output = Result<Vec<Category>, ImportError>>;
    /// How many tickets there are, when known (the progress bar).
    fn ticket_count(&mut self) -> impl Future<Output = Result<Option<u64>, ImportError>>;
    /// The next tickets, at most `n`; empty once all were read.
    fn tickets(&mut self, n: usize) -> impl Future<Output = Result<Vec<Ticket>, ImportError>>;
    /// A file's bytes, by its `path`; `None` when it is not there.
    fn file(&mut self, path: &str) -> impl Future<Output = Result<Option<Vec<u8>>, ImportError>>;
}

/// A new account's one-time password, for the admin to hand out.
#[derive(Debug)]
pub struct Issued {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub one_time_password: String,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Summary {
    pub accounts_created: u64,
    /// Taken as accounts already here (same role, e-mail or username).
    pub accounts_matched: u64,
    pub categories_created: u64,
    pub categories_matched: u64,
    pub tickets_imported: u64,
    pub messages: u64,
    pub files: u64,
    /// Brought by an earlier run: accounts, categories and tickets.
    pub already_there: u64,
    /// Staff brought in disabled, the edition's limit being reached.
    pub disabled_by_limit: Vec<String>,
    /// What was left out, and why.
    pub left_out: Vec<String>,
    pub passwords: Vec<Issued>,
}

/// Progress: tickets done, and of how many when known.
pub type Progress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

/// Imports everything `reader` holds.
pub(crate) async fn run<R: Reader>(
    state: &AppState,
    reader: &mut R,
    progress: Progress<'_>,
) -> Result<Summary, ImportError> {
    let source = reader.source();
    let mut summary = Summary::default();
    let mut known = Known::load(state, &source).await?;
    let accounts = reader.accounts().await?;
    bring_accounts(state, &source, accounts, &mut known, &mut summary).await?;
    let categories = reader.categories().await?;
    bring_categories(state, &source, categories, &mut known, &mut summary).await?;
    let total = reader.ticket_count().await?;
    let mut done = 0u64;
    progress(done, total);
    loop {
        let batch = reader.tickets(BATCH).await?;
        if batch.is_empty() {
            break;
        }
        done += batch.len() as u64;
        let (new, old): (Vec<Ticket>, Vec<Ticket>) = batch
            .into_iter()
            .partition(|t| !known.tickets.contains(&t.id));
        summary.already_there += old.len() as u64;
        bring_tickets(state, &source, reader, new, &mut known, &mut summary).await?;
        progress(done, total);
    }
    Ok(summary)
}

/// What earlier runs brought from this source: its refs and the rows they became.
struct Known {
    /// Each account's id here and role.
    accounts: HashMap<String, (i64, Role)>,
    categories: HashMap<String, i64>,
    tickets: HashSet<String>,
}

impl Known {
    async fn load(state: &AppState, source: &str) -> Result<Known, ImportError> {
        let rows: Vec<(String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT i.kind, i.ref, i.local_id, u.role FROM imported i \
             LEFT JOIN users u ON i.kind = 'account' AND u.id = i.local_id WHERE i.source = $1",
        )
        .bind(source)
        .fetch_all(&state.db.pool)
        .await?;
        let mut known = Known {
            accounts: HashMap::new(),
            categories: HashMap::new(),
            tickets: HashSet::new(),
        };
        for (kind, id, local, role) in rows {
            match kind.as_str() {
                "account" => {
                    let role = role
                        .as_deref()
                        .and_then(Role::parse)
                        .ok_or(AppError::Internal)?;
                    known.accounts.insert(id, (local, role)).map(|_| ())
                }
                "category" => known.categories.insert(id, local).map(|_| ()),
                _ => known.tickets.insert(id).then_some(()),
            };
        }
        Ok(known)
    }
}

async fn note<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    conn: E,
    source: &str,
    kind: &str,
    id: &str,
    local: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO imported (source, kind, ref, local_id) VALUES ($1, $2, $3, $4)")
        .bind(source)
        .bind(kind)
        .bind(id)
        .bind(local)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A line as it may be stored: without direction or control characters, trimmed, at most
/// `max` characters; `None` when nothing is left.
pub(crate) fn fit_line(text: &str, max: usize) -> Option<String> {
    let line: String = single_line(text)
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect();
    let line = line.trim().to_string();
    shows_something(&line).then_some(line)
}

/// A text as it may be stored: new lines as `\n`, no control characters but new lines and tabs.
fn fit_text(text: &str) -> String {
    unix_newlines(text)
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_string()
}

/// A username as given when it is one this installation could have made, else `None`.
fn kept_username(given: Option<&str>) -> Option<String> {
    let name = given?.trim().to_lowercase();
    let fine = !name.is_empty()
        && name.len() <= USERNAME_MAX - 8
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    fine.then_some(name)
}

/// An account made: its ref there, its id and role here, and its password unless it came
/// disabled.
type Made = (String, (i64, Role), Option<Issued>);

async fn bring_accounts(
    state: &AppState,
    source: &str,
    accounts: Vec<Account>,
    known: &mut Known,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let mut room: HashMap<Role, Option<i64>> = HashMap::new();
    let mut new = Vec::new();
    for a in accounts {
        if known.accounts.contains_key(&a.id) {
            summary.already_there += 1;
            continue;
        }
        let email = accounts::clean_email(a.email.as_deref()).ok().flatten();
        if let Some(id) = same_person(state, &a, email.as_deref()).await? {
            note(&state.db.pool, source, "account", &a.id, id).await?;
            known.accounts.insert(a.id, (id, a.role));
            summary.accounts_matched += 1;
            continue;
        }
        let Some(full_name) = fit_line(&a.full_name, FULL_NAME_MAX)
            .or_else(|| email.clone())
            .or_else(|| a.username.clone())
        else {
            summary.left_out.push(format!("account {}: no name", a.id));
            continue;
        };
        let mut disabled = a.disabled;
        if !disabled {
            let left = match room.get(&a.role) {
                Some(left) => *left,
                None => accounts::room(state, a.role).await?,
            };
            match left {
                Some(0) => {
                    disabled = true;
                    summary.disabled_by_limit.push(full_name.clone());
                }
                Some(n) => {
                    room.insert(a.role, Some(n - 1));
                }
                None => {
                    room.insert(a.role, None);
                }
            }
        }
        let base =
            kept_username(a.username.as_deref()).unwrap_or_else(|| username::base(&full_name));
        new.push((a, full_name, email, base, disabled));
    }
    // Each new account's password is hashed on the blocking pool: a few at once.
    let made: Vec<Result<Made, ImportError>> = stream::iter(new)
        .map(|(a, full_name, email, base, disabled)| async move {
            let issued = accounts::insert(
                state,
                NewRow {
                    full_name: &full_name,
                    email: email.as_deref(),
                    role: a.role,
                    username_base: &base,
                    created_at: a
                        .created_at
                        .map_or_else(|| state.clock.now_ms(), |t| t.as_millisecond()),
                    disabled,
                },
            )
            .await?;
            let id = issued.account.id;
            note(&state.db.pool, source, "account", &a.id, id).await?;
            let handed = (!disabled).then_some(Issued {
                username: issued.account.username,
                full_name,
                role: a.role,
                one_time_password: issued.one_time_password,
            });
            Ok((a.id, (id, a.role), handed))
        })
        .buffer_unordered(4)
        .collect()
        .await;
    for made in made {
        let (id, local, handed) = made?;
        known.accounts.insert(id, local);
        summary.accounts_created += 1;
        summary.passwords.extend(handed);
    }
    summary
        .passwords
        .sort_by(|a, b| a.username.cmp(&b.username));
    Ok(())
}

/// An account already here that is this person: the same role and e-mail address, else the
/// same role and username.
async fn same_person(
    state: &AppState,
    a: &Account,
    email: Option<&str>,
) -> Result<Option<i64>, ImportError> {
    let pool = &state.db.pool;
    if let Some(email) = email {
        let id = sqlx::query_scalar(
            "SELECT id FROM users WHERE role = $1 AND LOWER(email) = LOWER($2) ORDER BY id LIMIT 1",
        )
        .bind(a.role.as_str())
        .bind(email)
        .fetch_optional(pool)
        .await?;
        if id.is_some() {
            return Ok(id);
        }
    }
    let Some(name) = kept_username(a.username.as_deref()) else {
        return Ok(None);
    };
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE role = $1 AND username = $2")
            .bind(a.role.as_str())
            .bind(name)
            .fetch_optional(pool)
            .await?,
    )
}

async fn bring_categories(
    state: &AppState,
    source: &str,
    categories: Vec<Category>,
    known: &mut Known,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    for c in categories {
        if known.categories.contains_key(&c.id) {
            summary.already_there += 1;
            continue;
        }
        let Some(name) = fit_line(&c.name, CATEGORY_MAX) else {
            summary.left_out.push(format!("category {}: no name", c.id));
            continue;
        };
        let mut tx = state.db.begin_write().await?;
        let id = match categories::named(&mut *tx, &name).await? {
            Some(id) => {
                summary.categories_matched += 1;
                id
            }
            None => {
                summary.categories_created += 1;
                sqlx::query_scalar(
                    "INSERT INTO categories (name, active) VALUES ($1, $2) RETURNING id",
                )
                .bind(&name)
                .bind(i64::from(c.active))
                .fetch_one(&mut *tx)
                .await?
            }
        };
        note(&mut *tx, source, "category", &c.id, id).await?;
        state.db.commit(tx).await?;
        known.categories.insert(c.id, id);
    }
    Ok(())
}

/// A file of a ticket, stored before its transaction: which message it came with (`None`: the
/// description), its name, and what the store made of it.
struct Kept {
    message: Option<usize>,
    name: String,
    stored: Stored,
}

/// Tickets whose check passed: each with its plan and its files on disk.
type Ready<'t> = Vec<(&'t Ticket, Plan, Vec<Kept>)>;

async fn bring_tickets<R: Reader>(
    state: &AppState,
    source: &str,
    reader: &mut R,
    tickets: Vec<Ticket>,
    known: &mut Known,
    summary: &mut Summary,
) -> Result<(), ImportError> {
    let mut ready: Ready<'_> = Vec::with_capacity(tickets.len());
    for t in &tickets {
        let plan = match check(known, t) {
            Ok(plan) => plan,
            Err(why) => {
                summary.left_out.push(format!("ticket {}: {why}", t.id));
                continue;
            }
        };
        // The files go to disk first (a row never points at a file that is not there).
        let mut files = Vec::new();
        let all = t.files.iter().map(|f| (None, f)).chain(
            t.messages
                .iter()
                .enumerate()
                .flat_map(|(i, m)| m.files.iter().map(move |f| (Some(i), f))),
        );
        for (message, file) in all {
            match keep_file(state, reader, &t.id, file, summary).await {
                Ok(Some(stored)) => files.push(Kept {
                    message,
                    name: display_name(&file.name, stored.kind),
                    stored,
                }),
                Ok(None) => {}
                Err(e) => {
                    // No row will point at what this batch stored: take it away again.
                    let stored = ready.iter().flat_map(|(_, _, f)| f).chain(&files);
                    forget_files(state, stored.map(|f| &f.stored.storage_name)).await;
                    return Err(e);
                }
            }
        }
        ready.push((t, plan, files));
    }
    if ready.is_empty() {
        return Ok(());
    }
    // One transaction for the batch: every ticket in it, or (the database failing) none.
    let written = async {
        let mut tx = state.db.begin_write().await?;
        for (t, plan, files) in &ready {
            put_ticket(&mut tx, source, t, plan, files).await?;
        }
        state.db.commit(tx).await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = written {
        let names = ready
            .iter()
            .flat_map(|(_, _, f)| f)
            .map(|f| &f.stored.storage_name);
        forget_files(state, names).await;
        return Err(e.into());
    }
    for (t, _, files) in ready {
        known.tickets.insert(t.id.clone());
        summary.tickets_imported += 1;
        summary.messages += t.messages.len() as u64;
        summary.files += files.len() as u64;
    }
    Ok(())
}

async fn forget_files<'a>(state: &AppState, names: impl Iterator<Item = &'a String>) {
    for name in names {
        let _ = tokio::fs::remove_file(state.config.files_dir.join(name)).await;
    }
}

/// Reads a file from the source and seals it into the files directory; `None`, noted, when it
/// is missing or refused by its content or size.
async fn keep_file<R: Reader>(
    state: &AppState,
    reader: &mut R,
    ticket: &str,
    file: &File,
    summary: &mut Summary,
) -> Result<Option<Stored>, ImportError> {
    let Some(bytes) = reader.file(&file.path).await? else {
        summary
            .left_out
            .push(format!("ticket {ticket}: file {} is missing", file.path));
        return Ok(None);
    };
    let body = stream::iter([Ok::<_, std::io::Error>(axum::body::Bytes::from(bytes))]);
    let config = &state.config;
    match store(&config.files_dir, &config.files_key, FILE_MAX, body).await {
        Ok(stored) => Ok(Some(stored)),
        Err(AppError::Internal) => Err(AppError::Internal.into()),
        Err(e) => {
            summary.left_out.push(format!(
                "ticket {ticket}: file {} refused ({})",
                file.path,
                e.code()
            ));
            Ok(None)
        }
    }
}

/// What a ticket becomes here, checked before anything is written.
struct Plan {
    client: i64,
    operator: Option<i64>,
    category: Option<i64>,
    subject: String,
    description: String,
    status: Status,
    /// Each message's author here.
    authors: Vec<i64>,
}

/// Whether `t` can come, and as what; the reason when it cannot.
fn check(known: &Known, t: &Ticket) -> Result<Plan, String> {
    let account = |id: &str| known.accounts.get(id).copied();
    let client = match account(&t.client) {
        Some((id, Role::Client)) => id,
        Some(_) => return Err(format!("account {} is not a client", t.client)),
        None => return Err(format!("no account {} for its client", t.client)),
    };
    let operator = match &t.operator {
        Some(id) => match account(id) {
            Some((local, Role::Operator | Role::Admin)) => Some(local),
            Some(_) => return Err(format!("account {id} is not staff")),
            None => return Err(format!("no account {id} for its operator")),
        },
        None => None,
    };
    let category = match &t.category {
        Some(id) => match known.categories.get(id) {
            Some(local) => Some(*local),
            None => return Err(format!("no category {id}")),
        },
        None => None,
    };
    let subject = fit_line(&t.subject, SUBJECT_MAX).ok_or("no subject")?;
    let status = match (t.status, operator) {
        (Status::Open, Some(_)) => Status::Assigned,
        (Status::Assigned | Status::InProgress | Status::ReturnedToClient, None) => {
            return Err(format!("status {} without an operator", t.status.as_str()))
        }
        (status, _) => status,
    };
    let description = match fit_text(&t.description) {
        text if text.is_empty() => subject.clone(),
        text => text,
    };
    let authors = t
        .messages
        .iter()
        .map(|m| {
            account(&m.author)
                .map(|(id, _)| id)
                .ok_or_else(|| format!("no account {} for a message", m.author))
        })
        .collect::<Result<_, _>>()?;
    Ok(Plan {
        client,
        operator,
        category,
        subject,
        description,
        status,
        authors,
    })
}

/// One ticket, its thread, files and history, as `plan` says.
async fn put_ticket(
    conn: &mut AnyConnection,
    source: &str,
    t: &Ticket,
    plan: &Plan,
    files: &[Kept],
) -> Result<(), AppError> {
    let client = plan.client;
    let created = t.created_at.as_millisecond();
    let latest = t
        .messages
        .iter()
        .map(|m| m.at.as_millisecond())
        .chain(t.updated_at.map(|u| u.as_millisecond()))
        .chain(t.closed_at.map(|c| c.as_millisecond()))
        .fold(created, i64::max);
    let closed_at = (plan.status == Status::Closed).then(|| {
        t.closed_at
            .map_or(latest, |c| c.as_millisecond().max(created))
    });
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tickets (subject, description, category_id, priority, status, client_id, \
         operator_id, idempotency_key, request_hash, created_at, updated_at, closed_at, \
         original_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, $11, $12) \
         RETURNING id",
    )
    .bind(&plan.subject)
    .bind(&plan.description)
    .bind(plan.category)
    .bind(t.priority.rank())
    .bind(plan.status.as_str())
    .bind(client)
    .bind(plan.operator)
    .bind(format!("import:{source}:{}", t.id))
    .bind(created)
    .bind(latest)
    .bind(closed_at)
    .bind(&t.id)
    .fetch_one(&mut *conn)
    .await?;

    // The thread, in one statement.
    let ats: Vec<i64> = t
        .messages
        .iter()
        .map(|m| m.at.as_millisecond().max(created))
        .collect();
    let message_ids = if t.messages.is_empty() {
        Vec::new()
    } else {
        let sql = format!(
            "INSERT INTO messages (ticket_id, author_id, body, internal, created_at) VALUES {} \
             RETURNING id",
            db::rows_of(t.messages.len(), 5)
        );
        let mut insert = sqlx::query_scalar::<_, i64>(&sql);
        for ((m, author), at) in t.messages.iter().zip(&plan.authors).zip(&ats) {
            insert = insert
                .bind(id)
                .bind(*author)
                .bind(fit_text(&m.body))
                .bind(i64::from(m.internal))
                .bind(*at);
        }
        db::in_written_order(insert.fetch_all(&mut *conn).await?)
    };

    // The history, in the order it happened (the opening first).
    let mut events: Vec<(i64, Option<i64>, EventKind)> = Vec::new();
    let mut first_staff_word = None;
    let thread = t.messages.iter().zip(&plan.authors).zip(&ats);
    for (((m, &author), &at), &message) in thread.zip(&message_ids) {
        if author != client && first_staff_word.is_none() {
            first_staff_word = Some(at);
        }
        let what = if m.internal {
            EventKind::Note { id: message }
        } else {
            EventKind::Message { id: message }
        };
        events.push((at, Some(author), what));
    }
    for f in files {
        let (message, uploader, at, internal) = match f.message {
            Some(i) => (
                Some(message_ids[i]),
                plan.authors[i],
                ats[i],
                t.messages[i].internal,
            ),
            None => (None, client, created, false),
        };
        sqlx::query(
            "INSERT INTO attachments (uploader_id, ticket_id, message_id, name, media_type, size, \
             storage_name, internal, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(uploader)
        .bind(id)
        .bind(message)
        .bind(&f.name)
        .bind(f.stored.kind.media_type())
        .bind(f.stored.size)
        .bind(&f.stored.storage_name)
        .bind(i64::from(internal))
        .bind(at)
        .execute(&mut *conn)
        .await?;
        let what = EventKind::Attachment {
            name: f.name.clone(),
            message,
            internal,
        };
        events.push((at, Some(uploader), what));
    }
    if let Some(op) = plan.operator {
        let what = EventKind::Assigned {
            from: None,
            to: Some(op),
            to_name: None,
            why: Some(Why::Imported),
        };
        events.push((first_staff_word.unwrap_or(created), None, what));
    }
    if plan.status != Status::Open {
        let what = EventKind::Status {
            from: Status::Open,
            to: plan.status,
            reason: None,
            via: Some(Via::Imported),
        };
        events.push((closed_at.unwrap_or(latest), None, what));
    }
    for r in &t.ratings {
        let what = EventKind::Rated {
            good: r.good,
            comment: r.comment.as_deref().map(fit_text).filter(|c| !c.is_empty()),
        };
        events.push((r.at.as_millisecond().max(created), Some(client), what));
    }
    events.sort_by_key(|(at, _, _)| *at);
    let opened = Event {
        ticket: id,
        actor: Some(client),
        at: created,
        what: EventKind::Created,
    };
    let history: Vec<Event> = std::iter::once(opened)
        .chain(events.into_iter().map(|(at, actor, what)| Event {
            ticket: id,
            actor,
            at,
            what,
        }))
        .collect();
    history::append(&mut *conn, &history).await?;
    note(&mut *conn, source, "ticket", &t.id, id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_texts_are_made_storable_not_refused() {
        assert_eq!(
            fit_line("  VPN\u{202e} down\u{7} ", 200).as_deref(),
            Some("VPN down")
        );
        assert_eq!(fit_line(" \u{200b} ", 200), None);
        assert_eq!(fit_line("abcdef", 3).as_deref(), Some("abc"));
        assert_eq!(fit_text("a\r\nb\u{0}\tc\r"), "a\nb\tc");
    }

    #[test]
    fn usernames_are_kept_only_when_this_installation_could_have_made_them() {
        assert_eq!(
            kept_username(Some(" Ana.Anic ")).as_deref(),
            Some("ana.anic")
        );
        assert_eq!(kept_username(Some("ana anić")), None);
        assert_eq!(kept_username(Some("")), None);
        assert_eq!(kept_username(None), None);
    }
}
