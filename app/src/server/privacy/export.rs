//! One client's data as a zip: `data.json` (account, privacy-notice acceptances, tickets with
//! the messages the client can read, their files and ratings) and each file of theirs under `files/`, as they uploaded or
//! received it. Internal notes and their files are staff's and stay out; so does everything of
//! any other client.

use crate::dto::Role;
use crate::error::AppError;
use crate::server::attachments::{keys::KeyError, seal};
use crate::server::AppState;
use crate::tickets::{reference, Priority};
use futures_util::StreamExt;
use serde::Serialize;
use std::io::Write;

/// The zip, and the name to offer it under.
pub struct Export {
    pub file_name: String,
    pub zip: Vec<u8>,
}

#[derive(Serialize)]
struct Data {
    /// When this export was made (Unix milliseconds).
    exported_at: i64,
    account: Account,
    /// When they accepted each version of the privacy notice (Unix milliseconds).
    privacy_notice_accepted_at: Vec<i64>,
    tickets: Vec<Ticket>,
}

#[derive(Serialize, sqlx::FromRow)]
struct Account {
    id: i64,
    username: String,
    full_name: String,
    email: Option<String>,
    language: Option<String>,
    created_at: i64,
}

#[derive(Serialize)]
struct Ticket {
    reference: String,
    subject: String,
    description: String,
    status: String,
    priority: &'static str,
    category: Option<String>,
    created_at: i64,
    closed_at: Option<i64>,
    messages: Vec<Message>,
    files: Vec<File>,
    ratings: Vec<Rating>,
}

#[derive(Serialize)]
struct Message {
    at: i64,
    author: String,
    body: String,
}

#[derive(Serialize)]
struct File {
    name: String,
    media_type: String,
    size: i64,
    /// Where it is in the zip.
    path: String,
}

#[derive(Serialize)]
struct Rating {
    at: i64,
    good: bool,
    comment: Option<String>,
}

type TicketRow = (
    i64,
    String,
    String,
    String,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

/// Client `client_id`'s data (the caller was checked by `access::client_data`); `NotFound` for
/// an id that is not a client's.
pub async fn export(state: &AppState, client_id: i64) -> Result<Export, AppError> {
    let pool = &state.db.pool;
    let account: Account = sqlx::query_as(
        "SELECT id, username, full_name, email, language, created_at FROM users \
         WHERE id = $1 AND role = $2",
    )
    .bind(client_id)
    .bind(Role::Client.as_str())
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let tickets: Vec<TicketRow> = sqlx::query_as(
        "SELECT t.id, t.subject, t.description, t.status, t.priority, c.name, t.created_at, \
         t.closed_at FROM tickets t LEFT JOIN categories c ON c.id = t.category_id \
         WHERE t.client_id = $1 ORDER BY t.id",
    )
    .bind(client_id)
    .fetch_all(pool)
    .await?;
    let messages: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT m.ticket_id, m.created_at, u.full_name, m.body FROM messages m \
         JOIN tickets t ON t.id = m.ticket_id JOIN users u ON u.id = m.author_id \
         WHERE t.client_id = $1 AND m.internal = 0 ORDER BY m.id",
    )
    .bind(client_id)
    .fetch_all(pool)
    .await?;
    let files: Vec<(i64, i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT a.ticket_id, a.id, a.name, a.media_type, a.size, a.storage_name \
         FROM attachments a JOIN tickets t ON t.id = a.ticket_id \
         WHERE t.client_id = $1 AND a.internal = 0 ORDER BY a.id",
    )
    .bind(client_id)
    .fetch_all(pool)
    .await?;
    let ratings: Vec<(i64, i64, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT e.ticket_id, e.at, e.to_value, e.reason FROM ticket_events e \
         JOIN tickets t ON t.id = e.ticket_id WHERE t.client_id = $1 AND e.kind = 'rated' \
         ORDER BY e.id",
    )
    .bind(client_id)
    .fetch_all(pool)
    .await?;

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let ring = state
        .config
        .files_key
        .ring(&state.config.files_dir)
        .await
        .map_err(key_error)?;
    let privacy_notice_accepted_at = sqlx::query_scalar(
        "SELECT accepted_at FROM privacy_acceptances WHERE user_id = $1 ORDER BY accepted_at",
    )
    .bind(client_id)
    .fetch_all(pool)
    .await?;
    let mut data = Data {
        exported_at: state.clock.now_ms(),
        account,
        privacy_notice_accepted_at,
        tickets: Vec::with_capacity(tickets.len()),
    };
    for (id, subject, description, status, priority, category, created_at, closed_at) in tickets {
        let reference = reference(id);
        let mut ticket = Ticket {
            reference: reference.clone(),
            subject,
            description,
            status,
            priority: Priority::from_rank(priority).as_str(),
            category,
            created_at,
            closed_at,
            messages: messages
                .iter()
                .filter(|m| m.0 == id)
                .map(|(_, at, author, body)| Message {
                    at: *at,
                    author: author.clone(),
                    body: body.clone(),
                })
                .collect(),
            files: Vec::new(),
            ratings: ratings
                .iter()
                .filter(|r| r.0 == id)
                .map(|(_, at, good, comment)| Rating {
                    at: *at,
                    good: good.as_deref() == Some("good"),
                    comment: comment.clone(),
                })
                .collect(),
        };
        for (_, file_id, name, media_type, size, storage_name) in files.iter().filter(|f| f.0 == id)
        {
            let path = format!("files/{reference}/{file_id}-{name}");
            let path_in_store = state.config.files_dir.join(storage_name);
            // A file erased since (the retention period passed) is no longer there to give.
            let Some(mut content) = seal::open_kept(&path_in_store, &ring)
                .await
                .map_err(key_error)?
            else {
                continue;
            };
            zip.start_file(path.as_str(), options).map_err(zip_error)?;
            while let Some(chunk) = content.next().await {
                let chunk = chunk.map_err(|e| key_error(e.into()))?;
                zip.write_all(&chunk).map_err(|e| zip_error(e.into()))?;
            }
            ticket.files.push(File {
                name: name.clone(),
                media_type: media_type.clone(),
                size: *size,
                path,
            });
        }
        data.tickets.push(ticket);
    }
    let json = serde_json::to_vec_pretty(&data).map_err(|_| AppError::Internal)?;
    zip.start_file("data.json", options).map_err(zip_error)?;
    zip.write_all(&json).map_err(|e| zip_error(e.into()))?;
    let zip = zip.finish().map_err(zip_error)?.into_inner();
    Ok(Export {
        file_name: format!("{}-data.zip", data.account.username),
        zip,
    })
}

fn key_error(e: KeyError) -> AppError {
    tracing::error!(error = %e, "exporting a client's files");
    AppError::Internal
}

fn zip_error(e: zip::result::ZipError) -> AppError {
    tracing::error!(error = %e, "writing a client's export");
    AppError::Internal
}
