//! One message from the support mailbox, taken in: read (`Incoming::read`, pure), then a new
//! ticket of the client who wrote it, a message on the ticket it answers, or held for an admin
//! (`quarantine`) — and never twice (`mail_in`, keyed by sender and Message-ID).
//!
//! What may happen to whom follows the portal's own rules: a reply is posted through
//! `tickets::post` as its sender (a client's answer to a returned ticket moves it back to work,
//! exactly as in the portal), files go through the upload checks, and a ticket is opened
//! through `tickets::create`. Each of those writes is keyed by the message, so a fetcher killed
//! half-way redoes nothing when it takes the message in again.
//!
//! A reply belongs to a ticket by its `In-Reply-To`/`References` (the Message-IDs of our own
//! e-mails, `outbox.header_id`), else by the reference in its subject (`[T-000042]`) — and only
//! when its sender is the ticket's client or staff. Automatic mail (auto-replies, bounces,
//! mailing lists) is dropped unanswered: no mail loops.

use crate::dto::limits::{SUBJECT_MAX, TEXT_MAX};
use crate::dto::{Held, NewTicket, Role, TicketMessage};
use crate::error::AppError;
use crate::server::attachments;
use crate::server::auth::{sha256_hex, Session, UserRecord, USER_COLUMNS};
use crate::server::input::cut;
use crate::server::ticket::ticket_row;
use crate::server::{tickets, AppState};
use crate::tickets::{Priority, Status};
use base64::Engine;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};

/// What a message says, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    /// The message once: its sender and Message-ID (or, without one, its bytes) hashed.
    pub key: String,
    /// The sender's address, in lower case.
    pub from: String,
    pub name: Option<String>,
    pub subject: String,
    /// What the sender wrote: the text part (or the HTML part as text), without the quoted
    /// e-mail it answers.
    pub text: String,
    /// Message-IDs it answers, nearest first, without angle brackets.
    pub answers: Vec<String>,
    /// An auto-reply, a bounce or a list's mail: never taken in, never answered.
    pub automatic: bool,
    /// Attached files: name and content.
    pub files: Vec<(String, Vec<u8>)>,
}

impl Incoming {
    /// The message in `raw`; `None` when it has no sender address.
    pub fn read(raw: &[u8]) -> Option<Incoming> {
        let message = MessageParser::default().parse(raw)?;
        let sender = message.from()?.first()?;
        let from = sender.address.as_deref()?.trim().to_lowercase();
        if from.is_empty() {
            return None;
        }
        let name = sender
            .name
            .as_deref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        let identity = match message.message_id() {
            Some(id) => format!("{from}\n{id}"),
            None => format!("{from}\n{}", hex(raw)),
        };
        let ids = |value: &HeaderValue| -> Vec<String> {
            value
                .as_text_list()
                .unwrap_or_default()
                .iter()
                .map(|id| id.trim_matches(['<', '>', ' ']).to_string())
                .collect()
        };
        let mut answers = ids(message.in_reply_to());
        answers.extend(ids(message.references()).into_iter().rev());
        let header = |name: &str| {
            message
                .header_raw(name)
                .map(|v| v.trim().to_ascii_lowercase())
        };
        let automatic = header("Auto-Submitted").is_some_and(|v| v != "no")
            || header("Precedence")
                .is_some_and(|v| ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()))
            || header("X-Autoreply").is_some()
            || header("X-Autorespond").is_some()
            || header("List-Id").is_some()
            || header("Return-Path").is_some_and(|v| v == "<>")
            || message.is_content_type("multipart", "report")
            || ["mailer-daemon@", "postmaster@"]
                .iter()
                .any(|robot| from.starts_with(robot));
        let text = message
            .body_text(0)
            .map(|t| own_words(&t))
            .unwrap_or_default();
        let files = message
            .attachments()
            .filter(|part| !part.contents().is_empty())
            .enumerate()
            .map(|(n, part)| {
                let name = part
                    .attachment_name()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("attachment-{}", n + 1));
                (name, part.contents().to_vec())
            })
            .collect();
        Some(Incoming {
            key: sha256_hex(&identity),
            from,
            name,
            subject: message.subject().unwrap_or_default().trim().to_string(),
            text,
            answers,
            automatic,
            files,
        })
    }

    /// The ticket reference in the subject (`[T-000042]`), if any.
    pub fn subject_reference(&self) -> Option<i64> {
        let (_, after) = self.subject.split_once("[T-")?;
        let (digits, _) = after.split_once(']')?;
        digits.parse().ok().filter(|id| *id > 0)
    }

    /// The subject for a new ticket: as written (without `Re:`/`Fwd:`), else the first line
    /// of the text, else the sender — never empty, never too long.
    fn ticket_subject(&self) -> String {
        let mut subject = self.subject.as_str();
        while let Some(rest) = ["re:", "fw:", "fwd:", "aw:", "sv:"].iter().find_map(|p| {
            subject
                .get(..p.len())
                .filter(|head| head.eq_ignore_ascii_case(p))
                .map(|_| subject[p.len()..].trim_start())
        }) {
            subject = rest;
        }
        let first_line = self.text.lines().find(|l| !l.trim().is_empty());
        let chosen = [Some(subject), first_line, Some(self.from.as_str())]
            .into_iter()
            .flatten()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .find(|s| !s.is_empty())
            .unwrap_or_default();
        cut(&chosen, SUBJECT_MAX)
    }

    /// What goes into the thread: the text, else the files' names (a message of files only).
    fn body(&self, fallback: &str) -> String {
        let text = cut(self.text.trim(), TEXT_MAX);
        if !text.is_empty() {
            return text;
        }
        let names: Vec<&str> = self.files.iter().map(|(n, _)| n.as_str()).collect();
        if names.is_empty() {
            fallback.to_string()
        } else {
            names.join(", ")
        }
    }
}

fn hex(raw: &[u8]) -> String {
    sha256_hex(&base64::engine::general_purpose::STANDARD.encode(raw))
}

/// The sender's own words: the text above the e-mail they answer — cut at the first quoted
/// line (`> …`, with the "… wrote:" line before it) or at an "Original Message" separator.
/// When that leaves nothing, the whole text (nothing a person wrote is lost).
pub fn own_words(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let separator = |line: &str| {
        let line = line.trim();
        line.starts_with('>')
            || (line.starts_with("-----") && line.to_ascii_lowercase().contains("original message"))
    };
    let Some(mut end) = lines.iter().position(|l| separator(l)) else {
        return text.trim().to_string();
    };
    // The attribution ("On Monday, Ana wrote:") just above the quote goes with it.
    let above = lines[..end].iter().rposition(|l| !l.trim().is_empty());
    if let Some(above) = above.filter(|&i| lines[i].trim_end().ends_with(':')) {
        end = above;
    }
    let own = lines[..end].join("\n").trim().to_string();
    if own.is_empty() {
        text.trim().to_string()
    } else {
        own
    }
}

/// What became of a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Taken in before (fetched again): nothing done.
    Seen,
    /// Automatic mail, or nothing in it: dropped, unanswered.
    Ignored,
    Opened(i64),
    Replied(i64),
    Held(Held),
}

/// Takes one message in, exactly once.
pub async fn take_in(state: &AppState, raw: &[u8]) -> Result<Outcome, AppError> {
    let Some(mail) = Incoming::read(raw) else {
        tracing::warn!("a message without a sender address in the mailbox: left there");
        return Ok(Outcome::Ignored);
    };
    let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM mail_in WHERE message_key = $1")
        .bind(&mail.key)
        .fetch_optional(&state.db.pool)
        .await?;
    if seen.is_some() {
        return Ok(Outcome::Seen);
    }
    let outcome = if mail.automatic || (mail.text.is_empty() && mail.files.is_empty()) {
        Outcome::Ignored
    } else {
        decide(state, &mail).await?
    };
    record(state, &mail, raw, outcome).await?;
    Ok(outcome)
}

async fn decide(state: &AppState, mail: &Incoming) -> Result<Outcome, AppError> {
    let senders = people_at(state, &mail.from).await?;
    if let Some(ticket) = answered_ticket(state, mail).await? {
        let row = ticket_row(state, ticket).await?;
        let sender = senders.iter().find(|u| {
            u.id == row.client_id || matches!(u.role(), Ok(Role::Operator | Role::Admin))
        });
        let Some(sender) = sender else {
            return Ok(Outcome::Held(if senders.is_empty() {
                Held::UnknownSender
            } else {
                Held::NotOnTicket
            }));
        };
        let session = as_sender(sender);
        // An answer to a closed ticket opens a new one that refers to it, as "reopen" would
        // not: the client may write about something else.
        if row.status()? == Status::Closed && row.client_id == sender.id {
            return open(state, &session, mail, Some(row.id)).await;
        }
        return reply(state, &session, mail, row.id).await;
    }
    match senders.iter().find(|u| u.role() == Ok(Role::Client)) {
        Some(client) => open(state, &as_sender(client), mail, None).await,
        None if senders.is_empty() => Ok(Outcome::Held(Held::UnknownSender)),
        None => Ok(Outcome::Held(Held::NotAClient)),
    }
}

/// The enabled accounts with this address, oldest first.
pub async fn people_at(state: &AppState, address: &str) -> Result<Vec<UserRecord>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE lower(u.email) = $1 AND u.disabled = 0 \
         ORDER BY u.id"
    ))
    .bind(address)
    .fetch_all(&state.db.pool)
    .await?)
}

/// The ticket a message answers: one of our e-mails it names, else its subject's reference.
async fn answered_ticket(state: &AppState, mail: &Incoming) -> Result<Option<i64>, AppError> {
    for id in &mail.answers {
        let ticket: Option<Option<i64>> =
            sqlx::query_scalar("SELECT ticket_id FROM outbox WHERE header_id = $1")
                .bind(format!("<{id}>"))
                .fetch_optional(&state.db.pool)
                .await?;
        if let Some(Some(ticket)) = ticket {
            return Ok(Some(ticket));
        }
    }
    let Some(id) = mail.subject_reference() else {
        return Ok(None);
    };
    Ok(sqlx::query_scalar("SELECT id FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?)
}

/// The sender as the rules see a signed-in person (e-mail has no session of its own).
pub fn as_sender(user: &UserRecord) -> Session {
    Session {
        token_hash: String::new(),
        user: user.clone(),
    }
}

/// The message's files, uploaded as its sender's; those the upload checks refuse (a type not
/// accepted, too large) are left out, as the portal leaves them out.
async fn upload_files(
    state: &AppState,
    session: &Session,
    mail: &Incoming,
) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for (n, (name, content)) in mail.files.iter().enumerate() {
        let key = format!("mail-{}-file-{n}", &mail.key[..40]);
        let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
            axum::body::Bytes::from(content.clone()),
        )]);
        let declared = Some(content.len() as i64);
        match attachments::upload(state, session, name, declared, Some(&key), body).await {
            Ok(file) => ids.push(file.id),
            Err(AppError::FileTypeNotAllowed | AppError::FileTooLarge { .. }) => {
                tracing::info!(file = %name, from = %mail.from, "an e-mailed file refused");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(ids)
}

/// Opens a ticket from the message for its sender (a client).
pub async fn open(
    state: &AppState,
    session: &Session,
    mail: &Incoming,
    earlier: Option<i64>,
) -> Result<Outcome, AppError> {
    let files = upload_files(state, session, mail).await?;
    let subject = mail.ticket_subject();
    let input = NewTicket {
        description: mail.body(&subject),
        subject,
        category_id: None,
        priority: Priority::Normal,
        earlier_ticket_id: earlier,
        idempotency_key: format!("mail-{}", &mail.key[..40]),
        attachments: files,
    };
    match tickets::create(state, session, &input).await {
        Ok(ticket) => Ok(Outcome::Opened(ticket.ticket.id)),
        Err(e) if e.status() >= 500 => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, from = %mail.from, "an e-mail could not open a ticket");
            Ok(Outcome::Held(Held::Unreadable))
        }
    }
}

/// Posts the message on the ticket as its sender.
async fn reply(
    state: &AppState,
    session: &Session,
    mail: &Incoming,
    ticket: i64,
) -> Result<Outcome, AppError> {
    let files = upload_files(state, session, mail).await?;
    let input = TicketMessage {
        ticket_id: ticket,
        body: mail.body(&mail.subject),
        internal: false,
        attachments: files,
        seen: None,
        idempotency_key: Some(format!("mail-{}", &mail.key[..40])),
    };
    match tickets::post(state, session, &input).await {
        Ok(_) => Ok(Outcome::Replied(ticket)),
        Err(AppError::Forbidden | AppError::NotFound) => Ok(Outcome::Held(Held::NotOnTicket)),
        Err(e) if e.status() >= 500 => Err(e),
        Err(e) => {
            tracing::warn!(error = %e, from = %mail.from, "an e-mailed reply was refused");
            Ok(Outcome::Held(Held::Unreadable))
        }
    }
}

/// Notes what became of the message; a held one keeps its bytes for the admin to accept.
async fn record(
    state: &AppState,
    mail: &Incoming,
    raw: &[u8],
    outcome: Outcome,
) -> Result<(), AppError> {
    let (code, ticket, held) = match outcome {
        Outcome::Seen => return Ok(()),
        Outcome::Ignored => ("ignored", None, None),
        Outcome::Opened(t) => ("opened", Some(t), None),
        Outcome::Replied(t) => ("replied", Some(t), None),
        Outcome::Held(why) => ("held", None, Some(why)),
    };
    let kept = held.map(|_| base64::engine::general_purpose::STANDARD.encode(raw));
    let (key, from, name) = (mail.key.clone(), mail.from.clone(), mail.name.clone());
    let subject = cut(&mail.subject, SUBJECT_MAX);
    let excerpt = cut(&mail.text, 500);
    let now = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO mail_in (message_key, from_address, from_name, subject, \
                     excerpt, outcome, held_why, ticket_id, raw, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (message_key) DO NOTHING",
                )
                .bind(key)
                .bind(from)
                .bind(name)
                .bind(subject)
                .bind(excerpt)
                .bind(code)
                .bind(held.map(Held::code))
                .bind(ticket)
                .bind(kept)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = "From: Ana Kovač <Ana@Example.com>\r\n\
        To: support@example.com\r\n\
        Subject: Re: [T-000042] New answer: Printer\r\n\
        Message-ID: <abc@mail.example.com>\r\n\
        In-Reply-To: <0123@salter>\r\n\
        References: <0001@salter> <0123@salter>\r\n\
        Content-Type: text/plain; charset=utf-8\r\n\r\n\
        It works now, thanks.\r\n\r\nOn Monday, Support wrote:\r\n> Try again\r\n> please\r\n";

    #[test]
    fn a_reply_reads_as_its_sender_words_and_the_mail_it_answers() {
        let mail = Incoming::read(REPLY.as_bytes()).unwrap();
        assert_eq!(mail.from, "ana@example.com");
        assert_eq!(mail.name.as_deref(), Some("Ana Kovač"));
        assert_eq!(mail.text, "It works now, thanks.");
        assert_eq!(mail.answers, ["0123@salter", "0123@salter", "0001@salter"]);
        assert_eq!(mail.subject_reference(), Some(42));
        assert!(!mail.automatic);
        assert_eq!(mail.ticket_subject(), "[T-000042] New answer: Printer");
        // The same message from another sender is another message.
        let other = Incoming::read(
            REPLY
                .replace("Ana@Example.com", "eve@evil.example")
                .as_bytes(),
        )
        .unwrap();
        assert_ne!(other.key, mail.key);
    }

    #[test]
    fn robots_are_known_by_their_headers() {
        for header in [
            "Auto-Submitted: auto-replied",
            "Precedence: bulk",
            "X-Autoreply: yes",
            "Return-Path: <>",
            "List-Id: <news.example.com>",
        ] {
            let raw = format!("{header}\r\n{REPLY}");
            assert!(
                Incoming::read(raw.as_bytes()).unwrap().automatic,
                "{header}"
            );
        }
        let raw = format!("Auto-Submitted: no\r\n{REPLY}");
        assert!(!Incoming::read(raw.as_bytes()).unwrap().automatic);
        let bounce = REPLY.replace("Ana Kovač <Ana@Example.com>", "MAILER-DAEMON@example.com");
        assert!(Incoming::read(bounce.as_bytes()).unwrap().automatic);
    }

    #[test]
    fn own_words_stop_where_the_quote_starts_and_never_come_out_empty() {
        assert_eq!(own_words("Yes.\n\n> earlier\n> text"), "Yes.");
        assert_eq!(
            own_words("Yes.\nOn Tue, Ana wrote:\n> earlier"),
            "Yes.",
            "the attribution goes with the quote"
        );
        assert_eq!(
            own_words("Fine\n-----Original Message-----\nFrom: x"),
            "Fine"
        );
        assert_eq!(own_words("> only a quote"), "> only a quote");
        assert_eq!(
            own_words("No quote: here\nat all"),
            "No quote: here\nat all"
        );
    }

    #[test]
    fn a_new_ticket_always_has_a_subject() {
        let raw = "From: a@b.example\r\nSubject: Fwd: RE:  Broken\r\n\r\nText";
        assert_eq!(
            Incoming::read(raw.as_bytes()).unwrap().ticket_subject(),
            "Broken"
        );
        let raw = "From: a@b.example\r\n\r\n\r\n  The printer   is on fire\nmore";
        assert_eq!(
            Incoming::read(raw.as_bytes()).unwrap().ticket_subject(),
            "The printer is on fire"
        );
        let raw = format!("From: a@b.example\r\nSubject: {}\r\n\r\nx", "é".repeat(500));
        let subject = Incoming::read(raw.as_bytes()).unwrap().ticket_subject();
        assert_eq!(subject.chars().count(), SUBJECT_MAX);
        assert_eq!(Incoming::read(b"Subject: no sender\r\n\r\nx"), None);
    }

    #[test]
    fn attachments_come_with_their_names() {
        let raw = "From: a@b.example\r\nSubject: Files\r\nMIME-Version: 1.0\r\n\
            Content-Type: multipart/mixed; boundary=XX\r\n\r\n\
            --XX\r\nContent-Type: text/plain\r\n\r\nSee attached\r\n\
            --XX\r\nContent-Type: application/pdf\r\n\
            Content-Disposition: attachment; filename=\"report.pdf\"\r\n\
            Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n";
        let mail = Incoming::read(raw.as_bytes()).unwrap();
        assert_eq!(mail.text, "See attached");
        assert_eq!(mail.files.len(), 1);
        assert_eq!(mail.files[0].0, "report.pdf");
        assert!(mail.files[0].1.starts_with(b"%PDF-1.4"));
    }
}
