//! The outbox's sender: delivers the rows `notify` wrote over SMTP, retries failures with
//! backoff for about a day, and gives up visibly (the admin's outbox list) when the server
//! refuses a message for good or it kept failing.
//!
//! Exactly once where it can be: a row is taken with a lease (so several processes on one
//! PostgreSQL never send it together), marked sent after the server accepted it, and a row whose
//! sender died before marking it goes again when its lease ends — with the same Message-ID, made
//! when the row was, by which receivers recognise the copy. A process killed after the commit
//! and before sending sends the row when it starts again.

use super::compose::{compose, Letter};
use super::{servers, transport, weight, Transport};
use crate::dto::Notice;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::server::retry::{backoff_ms, keep_going, GIVE_UP_AFTER};
use crate::server::{settings, AppState};
use futures_util::StreamExt;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{header, Mailbox, MultiPart};
use lettre::{AsyncTransport, Message};

/// Rows taken at once.
const BATCH: i64 = 50;
/// Messages on their way at once.
const PARALLEL: usize = 8;
/// How long a sender may take over a row before another may.
const LEASE_MS: i64 = 120_000;

/// A new Message-ID.
pub fn header_id() -> String {
    format!("<{:032x}@salter>", rand::random::<u128>())
}

/// `Auto-Submitted: auto-generated` (RFC 3834): mail robots, vacation replies among them, do
/// not answer it — no mail loops.
#[derive(Clone)]
struct AutoSubmitted;

impl header::Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// What the sender knows of one row when it sends it.
#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    notice: String,
    address: String,
    header_id: String,
    ticket_id: Option<i64>,
    reader: Option<String>,
    language: Option<String>,
    role: Option<String>,
    subject: Option<String>,
    client: Option<String>,
    author: Option<String>,
    body: Option<String>,
}

/// How one try went.
enum Outcome {
    Sent,
    /// Worth trying again later.
    Failed(String),
    /// Never going to work (the server refused it for good, the address is not one).
    Refused(String),
}

/// Where a reader opens a ticket: in their own app.
fn link(base: &str, role: Option<&str>, ticket: Option<i64>) -> String {
    let app = match role {
        Some("operator") => "/operator",
        Some("admin") => "/admin",
        _ => "",
    };
    match ticket {
        Some(id) => format!("{base}{app}/tickets/{id}"),
        None => format!("{base}{app}/"),
    }
}

/// What the sender needs beside the rows: one SMTP connection pool and the envelope's parts.
struct Sender {
    transport: Transport,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    company: String,
    base: String,
    /// The support mailbox is read.
    replies: bool,
}

impl Sender {
    fn message(&self, row: &Row) -> Result<Message, String> {
        let notice = Notice::parse(&row.notice).ok_or("unknown notice")?;
        let name = row.reader.as_deref().unwrap_or_default();
        let letter = Letter {
            notice,
            lang: row
                .language
                .as_deref()
                .and_then(Lang::from_tag)
                .unwrap_or_default(),
            name,
            company: &self.company,
            ticket: row.ticket_id.zip(row.subject.as_deref()),
            client: row.client.as_deref().unwrap_or_default(),
            quote: row.author.as_deref().zip(row.body.as_deref()),
            link: &link(&self.base, row.role.as_deref(), row.ticket_id),
            replies: self.replies,
        };
        let mail = compose(&letter);
        let to = row
            .address
            .parse()
            .map(|address| Mailbox::new(Some(name.to_string()), address))
            .map_err(|e| format!("not an address: {e}"))?;
        let mut builder = Message::builder()
            .message_id(Some(row.header_id.clone()))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(AutoSubmitted);
        if let Some(reply_to) = &self.reply_to {
            builder = builder.reply_to(reply_to.clone());
        }
        builder
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| e.to_string())
    }

    async fn send(&self, row: &Row) -> Outcome {
        let message = match self.message(row) {
            Ok(message) => message,
            Err(e) => return Outcome::Refused(e),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(e) if e.is_permanent() => Outcome::Refused(e.to_string()),
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}

/// Takes up to `BATCH` rows due now for this sender; their ids.
async fn take(state: &AppState, now: i64) -> Result<Vec<i64>, AppError> {
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query_scalar(
                    "UPDATE outbox SET lease_until = $2 WHERE id IN (SELECT id FROM outbox \
                     WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= $1 \
                     AND (lease_until IS NULL OR lease_until < $1) ORDER BY next_at, id LIMIT $3) \
                     AND (lease_until IS NULL OR lease_until < $1) RETURNING id",
                )
                .bind(now)
                .bind(now + LEASE_MS)
                .bind(BATCH)
                .fetch_all(&mut *conn)
                .await?)
            })
        })
        .await
}

const ROW: &str = "SELECT o.id, o.notice, o.address, o.header_id, o.ticket_id, \
     u.full_name AS reader, u.language, u.role, t.subject, c.full_name AS client, \
     a.full_name AS author, m.body \
     FROM outbox o LEFT JOIN users u ON u.id = o.recipient_id \
     LEFT JOIN tickets t ON t.id = o.ticket_id LEFT JOIN users c ON c.id = t.client_id \
     LEFT JOIN messages m ON m.id = o.message_id AND m.internal = 0 \
     LEFT JOIN users a ON a.id = m.author_id WHERE o.id = $1";

/// Records how each try went, in one transaction.
async fn record(state: &AppState, now: i64, outcomes: Vec<(i64, Outcome)>) -> Result<(), AppError> {
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                for (id, outcome) in outcomes {
                    let (sent, error, refused) = match outcome {
                        Outcome::Sent => (true, None, false),
                        Outcome::Failed(e) => (false, Some(e), false),
                        Outcome::Refused(e) => (false, Some(e), true),
                    };
                    let attempts: i64 = sqlx::query_scalar(
                        "UPDATE outbox SET attempts = attempts + 1, lease_until = NULL \
                         WHERE id = $1 RETURNING attempts",
                    )
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
                    let given_up = refused || attempts >= GIVE_UP_AFTER;
                    sqlx::query(
                        "UPDATE outbox SET sent_at = $2, failed_at = $3, last_error = $4, \
                         next_at = $5 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(sent.then_some(now))
                    .bind((!sent && given_up).then_some(now))
                    .bind(error)
                    .bind(now + backoff_ms(attempts))
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            })
        })
        .await
}

/// Sends every row due now; how many were sent. Nothing while no SMTP server or sender address
/// is set: the rows wait.
pub async fn deliver_due(state: &AppState) -> Result<usize, AppError> {
    let servers = servers(state).await?;
    let (Some(url), Some(from)) = (servers.smtp, servers.from) else {
        return Ok(0);
    };
    let company = settings::public_info(state)
        .await?
        .company_name
        .unwrap_or_else(|| "Šalter".to_string());
    let mailbox = |address: &str| {
        address
            .parse()
            .map(|a| Mailbox::new(Some(company.clone()), a))
            .map_err(|_| AppError::Internal)
    };
    let sender = Sender {
        transport: transport(&url)?,
        from: mailbox(&from)?,
        reply_to: servers.reply_to.as_deref().map(mailbox).transpose()?,
        base: state.config.links.clone(),
        company: company.clone(),
        replies: servers.imap.is_some(),
    };
    let mut sent = 0;
    loop {
        let now = state.clock.now_ms();
        let taken = take(state, now).await?;
        let full = taken.len() as i64 == BATCH;
        let sender = &sender;
        let outcomes: Vec<(i64, Outcome)> = futures_util::stream::iter(taken)
            .map(|id| async move {
                let row = sqlx::query_as::<_, Row>(ROW)
                    .bind(id)
                    .fetch_one(&state.db.pool)
                    .await;
                match row {
                    Ok(row) => (row.id, sender.send(&row).await),
                    Err(e) => (id, Outcome::Failed(e.to_string())),
                }
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        sent += outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Sent))
            .count();
        for (id, outcome) in &outcomes {
            if let Outcome::Failed(e) | Outcome::Refused(e) = outcome {
                tracing::warn!(outbox = id, error = %e, "an e-mail was not delivered");
            }
        }
        record(state, state.clock.now_ms(), outcomes).await?;
        if !full {
            return Ok(sent);
        }
    }
}

/// The sender of one server process: sends as soon as events settle (in any process), and
/// looks again every few seconds for retries.
pub async fn keep_sending(state: AppState) {
    keep_going(
        state,
        |live| &live.mail,
        "sending e-mail",
        |state| async move { deliver_due(&state).await },
    )
    .await
}

/// Queues the admin's test e-mail to `address`, in the admin's language.
pub async fn queue_test(state: &AppState, admin: i64, address: String) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    state
        .db
        .execute(
            sqlx::query(
                "INSERT INTO outbox (recipient_id, address, notice, weight, at, header_id, \
                     next_at) VALUES ($1, $2, $3, $4, $5, $6, $5)",
            )
            .bind(admin)
            .bind(address)
            .bind(Notice::Test.code())
            .bind(weight(Notice::Test))
            .bind(now)
            .bind(header_id()),
        )
        .await?;
    state.live.mail.notify_one();
    Ok(())
}

/// How many e-mails wait, and the latest ones given up on (newest first).
pub async fn state_of(state: &AppState) -> Result<crate::dto::OutboxState, AppError> {
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(&state.db.pool)
    .await?;
    type Failed = (i64, String, Option<i64>, i64, i64, Option<String>);
    let failed: Vec<Failed> = sqlx::query_as(
        "SELECT id, address, ticket_id, failed_at, attempts, last_error FROM outbox \
         WHERE failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT 50",
    )
    .fetch_all(&state.db.pool)
    .await?;
    Ok(crate::dto::OutboxState {
        waiting,
        failed: failed
            .into_iter()
            .map(
                |(id, address, ticket_id, at, attempts, error)| crate::dto::FailedMail {
                    id,
                    address,
                    ticket_id,
                    at,
                    attempts,
                    error: error.unwrap_or_default(),
                },
            )
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_open_the_readers_own_app() {
        let base = "https://help.example.com";
        assert_eq!(
            link(base, Some("client"), Some(7)),
            "https://help.example.com/tickets/7"
        );
        assert_eq!(
            link(base, Some("operator"), Some(7)),
            "https://help.example.com/operator/tickets/7"
        );
        assert_eq!(
            link(base, Some("admin"), None),
            "https://help.example.com/admin/"
        );
    }
}
