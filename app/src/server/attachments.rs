//! Attachments: files on a ticket's thread.
//!
//! **Upload** (`POST /api/attachments?name=<file name>`, the file as the raw request body). The
//! caller is checked first (signed in, password replaced), then the declared length: an
//! over-size upload is refused before a byte of it is read. The body is then streamed to a
//! temporary file under `Config::files_dir` (never inside the served site), counted as it goes
//! and refused the moment it passes the limit. Its kind is decided by its content, never by its
//! name (`Kind::of`): PNG, JPEG, GIF, PDF and ZIP by their magic bytes, text when it is UTF-8
//! without NUL bytes and does not start like markup — so HTML and SVG are refused whatever they
//! are called. The file is flushed to disk and renamed to its random name (and the directory
//! flushed) *before* the row that points to it commits.
//!
//! The row starts **pending**: it belongs to its uploader and no ticket. A ticket creation, a
//! message or a move claims it (`claim`) in its own transaction, which writes the history row
//! too; from then on it is part of the ticket (an internal note's files are internal).
//!
//! **Download** (`GET /api/attachments/<id>`): for whoever may see the ticket (`access::ticket`;
//! internal ones for staff only), or for the uploader while pending; anyone else gets `404`.
//! Always `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, and a sandbox
//! CSP, so no file is ever rendered as a page of this origin.

use super::access::{self, Policy, TicketRole};
use super::gateway;
use super::history::{self, Event};
use super::ticket::ticket_row;
use super::AppState;
use crate::dto::Attachment;
use crate::error::{AppError, Field, Problem};
use crate::events::EventKind;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::{Stream, StreamExt};
use http::header::{
    CACHE_CONTROL, CONNECTION, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY,
    CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use serde::Deserialize;
use sqlx::AnyConnection;
use std::path::{Path as FsPath, PathBuf};
use tokio::io::AsyncWriteExt;

/// At most this many files on one message.
pub const MAX_PER_MESSAGE: usize = 10;
const HEAD: usize = 512;
const NAME_MAX: usize = 200;

/// The kinds of file accepted, decided by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Pdf,
    Zip,
    Text,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Pdf => "application/pdf",
            Kind::Zip => "application/zip",
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    /// The extensions a name of this kind may end with; the first is added when it ends with
    /// none of them.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Png => &["png"],
            Kind::Jpeg => &["jpg", "jpeg"],
            Kind::Gif => &["gif"],
            Kind::Pdf => &["pdf"],
            Kind::Zip => &["zip"],
            Kind::Text => &["txt", "log"],
        }
    }

    /// The kind of a file from its first bytes, and whether the whole of it is plain text.
    pub fn of(head: &[u8], plain_text: bool) -> Option<Kind> {
        let magic: [(&[u8], Kind); 7] = [
            (b"\x89PNG\r\n\x1a\n", Kind::Png),
            (b"\xFF\xD8\xFF", Kind::Jpeg),
            (b"GIF87a", Kind::Gif),
            (b"GIF89a", Kind::Gif),
            (b"%PDF-", Kind::Pdf),
            (b"PK\x03\x04", Kind::Zip),
            (b"PK\x05\x06", Kind::Zip),
        ];
        if let Some((_, kind)) = magic.iter().find(|(m, _)| head.starts_with(m)) {
            return Some(*kind);
        }
        (plain_text && !looks_like_markup(head)).then_some(Kind::Text)
    }
}

/// HTML, SVG and XML start with `<` after an optional byte-order mark and white space.
fn looks_like_markup(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Whether a stream of bytes is UTF-8 text without NUL bytes, checked chunk by chunk.
struct TextCheck {
    carry: Vec<u8>,
    ok: bool,
}

impl TextCheck {
    fn feed(&mut self, chunk: &[u8]) {
        if !self.ok {
            return;
        }
        if chunk.contains(&0) {
            self.ok = false;
            return;
        }
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(chunk);
        match std::str::from_utf8(&bytes) {
            Ok(_) => {}
            // A character cut at the chunk's end: finish it with the next chunk.
            Err(e) if e.error_len().is_none() => self.carry = bytes[e.valid_up_to()..].to_vec(),
            Err(_) => self.ok = false,
        }
    }

    fn is_text(&self) -> bool {
        self.ok && self.carry.is_empty()
    }
}

/// The name shown and offered for download: the last path component, without control
/// characters, bounded, and ending in an extension that fits what the file really is.
pub fn display_name(given: &str, kind: Kind) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_MAX)
        .collect();
    let clean = clean.trim().trim_start_matches('.').to_string();
    let clean = if clean.is_empty() {
        "file".to_string()
    } else {
        clean
    };
    let extension = clean
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if kind.extensions().contains(&extension.as_str()) {
        clean
    } else {
        format!("{clean}.{}", kind.extensions()[0])
    }
}

fn io_error(e: std::io::Error) -> AppError {
    tracing::error!(error = %e, "attachment storage");
    AppError::Internal
}

/// A file written to storage and flushed.
pub struct Stored {
    pub storage_name: String,
    pub kind: Kind,
    pub size: i64,
}

/// Streams `body` into `dir` under a new random name, refusing it as soon as it passes `limit`
/// bytes (the rest is never read) or when its content is not an accepted kind. On success the
/// file and the directory entry are on disk; on failure nothing is left behind.
pub async fn store<S, E>(dir: &FsPath, limit: i64, body: S) -> Result<Stored, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    super::private_dir(dir).await.map_err(io_error)?;
    let storage_name = format!("{:032x}", rand::random::<u128>());
    let partial = dir.join(format!("{storage_name}.part"));
    let written = write_checked(&partial, limit, body).await;
    let kind = match written {
        Ok((0, _, _)) => Err(AppError::invalid(Field::Attachment, Problem::Required)),
        Ok((size, head, text)) => Kind::of(&head, text)
            .map(|kind| (size, kind))
            .ok_or(AppError::FileTypeNotAllowed),
        Err(e) => Err(e),
    };
    let (size, kind) = match kind {
        Ok(found) => found,
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(e);
        }
    };
    if let Err(e) = tokio::fs::rename(&partial, dir.join(&storage_name)).await {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(io_error(e));
    }
    // The new directory entry must be on disk too before a row may point to it.
    let directory = dir.to_path_buf();
    tokio::task::spawn_blocking(move || std::fs::File::open(directory)?.sync_all())
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(io_error)?;
    Ok(Stored {
        storage_name,
        kind,
        size,
    })
}

/// Writes the stream to `path` and flushes it: its size, its first bytes, whether it is text.
async fn write_checked<S, E>(
    path: &FsPath,
    limit: i64,
    mut body: S,
) -> Result<(i64, Vec<u8>, bool), AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut file = tokio::fs::File::create(path).await.map_err(io_error)?;
    let mut size: i64 = 0;
    let mut head = Vec::with_capacity(HEAD);
    let mut text = TextCheck {
        carry: Vec::new(),
        ok: true,
    };
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest {
            detail: format!("upload interrupted: {e}"),
        })?;
        size += chunk.len() as i64;
        if size > limit {
            return Err(AppError::FileTooLarge { limit });
        }
        let room = HEAD - head.len();
        head.extend_from_slice(&chunk[..room.min(chunk.len())]);
        text.feed(&chunk);
        file.write_all(&chunk).await.map_err(io_error)?;
    }
    file.sync_all().await.map_err(io_error)?;
    Ok((size, head, text.is_text()))
}

#[derive(Deserialize)]
pub struct UploadQuery {
    name: String,
}

/// `POST /api/attachments?name=…`: stores a pending attachment of the caller. A refusal may
/// leave the body unread, so it closes the connection (`Connection: close`): a client must not
/// send its next request down a connection still carrying the rest of this one.
pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    req: Request,
) -> Response {
    match store_upload(state, query, req).await {
        Ok(stored) => Json(stored).into_response(),
        Err(e) => {
            let mut res = e.into_response();
            res.headers_mut()
                .insert(CONNECTION, http::HeaderValue::from_static("close"));
            res
        }
    }
}

async fn store_upload(
    state: AppState,
    query: UploadQuery,
    req: Request,
) -> Result<Attachment, AppError> {
    let (parts, body) = req.into_parts();
    let caller = gateway::caller_from(state.clone(), &parts).await?;
    let session = access::check(caller.session.as_ref(), Policy::AnyRole)?
        .ok_or(AppError::Unauthenticated)?;
    let limit = state.config.max_upload_bytes;
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(AppError::FileTooLarge { limit });
    }
    let stored = store(&state.config.files_dir, limit, body.into_data_stream()).await?;
    let name = display_name(&query.name, stored.kind);
    let media_type = stored.kind.media_type();
    let inserted = sqlx::query_scalar(
        "INSERT INTO attachments (uploader_id, name, media_type, size, storage_name, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(session.user.id)
    .bind(&name)
    .bind(media_type)
    .bind(stored.size)
    .bind(&stored.storage_name)
    .bind(state.clock.now_ms())
    .fetch_one(&state.db.pool)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) => {
            let _ = tokio::fs::remove_file(state.config.files_dir.join(&stored.storage_name)).await;
            return Err(e.into());
        }
    };
    Ok(Attachment {
        id,
        message_id: None,
        name,
        media_type: media_type.to_string(),
        size: stored.size,
    })
}

/// Makes the caller's pending attachments part of a ticket (and of a message), with one history
/// row each, in the caller's transaction. An id that is not a pending file of `uploader` is
/// refused, and the transaction with it.
#[allow(clippy::too_many_arguments)]
pub async fn claim(
    conn: &mut AnyConnection,
    ids: &[i64],
    uploader: i64,
    ticket_id: i64,
    message_id: Option<i64>,
    internal: bool,
    now: i64,
) -> Result<(), AppError> {
    if ids.len() > MAX_PER_MESSAGE {
        return Err(AppError::invalid(
            Field::Attachment,
            Problem::TooLong {
                max: MAX_PER_MESSAGE,
            },
        ));
    }
    for id in ids {
        let name: Option<String> = sqlx::query_scalar(
            "UPDATE attachments SET ticket_id = $1, message_id = $2, internal = $3 \
             WHERE id = $4 AND uploader_id = $5 AND ticket_id IS NULL RETURNING name",
        )
        .bind(ticket_id)
        .bind(message_id)
        .bind(i64::from(internal))
        .bind(id)
        .bind(uploader)
        .fetch_optional(&mut *conn)
        .await?;
        let name = name.ok_or(AppError::invalid(Field::Attachment, Problem::Malformed))?;
        let what = EventKind::Attachment {
            name,
            message: message_id,
            internal,
        };
        let event = Event {
            ticket: ticket_id,
            actor: Some(uploader),
            at: now,
            what,
        };
        history::record(conn, event).await?;
    }
    Ok(())
}

/// The attachments of a ticket the caller sees (internal ones for staff only).
pub async fn of_ticket(
    state: &AppState,
    ticket_id: i64,
    staff: bool,
) -> Result<Vec<Attachment>, AppError> {
    Ok(sqlx::query_as(
        "SELECT id, message_id, name, media_type, size FROM attachments \
         WHERE ticket_id = $1 AND ($2 = 1 OR internal = 0) ORDER BY id",
    )
    .bind(ticket_id)
    .bind(i64::from(staff))
    .fetch_all(&state.db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct FileRow {
    uploader_id: i64,
    ticket_id: Option<i64>,
    name: String,
    media_type: String,
    size: i64,
    storage_name: String,
    internal: i64,
}

/// `GET /api/attachments/<id>`: the file, as a download, for those who may see it.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Response, AppError> {
    let (parts, _) = req.into_parts();
    let caller = gateway::caller_from(state.clone(), &parts).await?;
    let session = access::check(caller.session.as_ref(), Policy::AnyRole)?
        .ok_or(AppError::Unauthenticated)?;
    let row: FileRow = sqlx::query_as(
        "SELECT uploader_id, ticket_id, name, media_type, size, storage_name, internal \
         FROM attachments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    match row.ticket_id {
        None if row.uploader_id != session.user.id => return Err(AppError::NotFound),
        None => {}
        Some(ticket_id) => {
            let ticket = ticket_row(&state, ticket_id).await?;
            let seen_as = access::ticket(session, &ticket)?;
            if seen_as == TicketRole::Client && row.internal != 0 {
                return Err(AppError::NotFound);
            }
        }
    }
    let path: PathBuf = state.config.files_dir.join(&row.storage_name);
    let file = tokio::fs::File::open(&path).await.map_err(io_error)?;
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    Ok((
        [
            (CONTENT_TYPE, row.media_type),
            (CONTENT_LENGTH, row.size.to_string()),
            (CONTENT_DISPOSITION, content_disposition(&row.name)),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
            (CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266).
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// How long an upload may stay unattached before it is swept away.
pub const PENDING_FOR_MS: i64 = 24 * 3_600_000;

/// Deletes uploads never attached to anything within `PENDING_FOR_MS` (abandoned forms): the
/// row first, then the file, so no row ever points to a missing file. How many went.
pub async fn sweep(state: &AppState) -> Result<usize, AppError> {
    let cutoff = state.clock.now_ms() - PENDING_FOR_MS;
    let stale: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, storage_name FROM attachments WHERE ticket_id IS NULL AND created_at < $1",
    )
    .bind(cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    let mut swept = 0;
    for (id, storage_name) in stale {
        let deleted = sqlx::query("DELETE FROM attachments WHERE id = $1 AND ticket_id IS NULL")
            .bind(id)
            .execute(&state.db.pool)
            .await?;
        if deleted.rows_affected() == 1 {
            let _ = tokio::fs::remove_file(state.config.files_dir.join(&storage_name)).await;
            swept += 1;
        }
    }
    Ok(swept)
}

/// The background sweep of one server process: once an hour.
pub async fn keep_tidy(state: AppState) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        match sweep(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(swept = n, "unattached uploads removed"),
            Err(e) => tracing::error!(error = %e, "sweeping unattached uploads failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content_not_names() {
        assert_eq!(Kind::of(b"\x89PNG\r\n\x1a\nrest", false), Some(Kind::Png));
        assert_eq!(Kind::of(b"%PDF-1.7", false), Some(Kind::Pdf));
        assert_eq!(Kind::of(b"GIF89a...", false), Some(Kind::Gif));
        assert_eq!(Kind::of(b"PK\x03\x04", false), Some(Kind::Zip));
        assert_eq!(
            Kind::of(b"2026-11-22 error: disk full\n", true),
            Some(Kind::Text)
        );
        // Markup is refused even when it is valid text.
        assert_eq!(
            Kind::of(b"<svg xmlns='http://www.w3.org/2000/svg'/>", true),
            None
        );
        assert_eq!(Kind::of(b"\xEF\xBB\xBF \n<!DOCTYPE html>", true), None);
        assert_eq!(Kind::of(b"MZ\x90\x00", false), None);
    }

    #[test]
    fn text_is_checked_across_chunks() {
        let mut check = TextCheck {
            carry: Vec::new(),
            ok: true,
        };
        let text = "Šalter čćđ".as_bytes();
        // Cut inside the two-byte 'Š'.
        check.feed(&text[..1]);
        check.feed(&text[1..]);
        assert!(check.is_text());
        check.feed(b"\xFF\xFE");
        assert!(!check.is_text());
        let mut cut = TextCheck {
            carry: Vec::new(),
            ok: true,
        };
        cut.feed(&text[..1]);
        assert!(!cut.is_text(), "a file may not end inside a character");
    }

    #[test]
    fn names_fit_the_content() {
        assert_eq!(display_name("screen.PNG", Kind::Png), "screen.PNG");
        assert_eq!(display_name("page.html", Kind::Png), "page.html.png");
        assert_eq!(display_name("../../etc/passwd", Kind::Text), "passwd.txt");
        assert_eq!(display_name("C:\\x\\boot.log", Kind::Text), "boot.log");
        assert_eq!(display_name("", Kind::Pdf), "file.pdf");
        assert_eq!(display_name(".htaccess", Kind::Text), "htaccess.txt");
    }

    #[test]
    fn downloads_name_the_file_safely() {
        assert_eq!(
            content_disposition("račun \"1\".pdf"),
            "attachment; filename=\"ra_un _1_.pdf\"; filename*=UTF-8''ra%C4%8Dun%20%221%22.pdf"
        );
    }

    fn chunks(
        n: usize,
        size: usize,
        polled: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        futures_util::stream::iter(0..n).map(move |_| {
            polled.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Bytes::from(vec![b'a'; size]))
        })
    }

    #[tokio::test]
    async fn an_oversize_stream_is_refused_without_reading_it_whole() {
        let dir = tempfile::tempdir().unwrap();
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        // 100 chunks of 64 KiB (6.4 MB) against a 1 MB limit.
        let result = store(dir.path(), 1_048_576, chunks(100, 65_536, polled.clone())).await;
        assert!(matches!(
            result,
            Err(AppError::FileTooLarge { limit: 1_048_576 })
        ));
        assert_eq!(
            polled.load(std::sync::atomic::Ordering::SeqCst),
            17,
            "stops at the chunk that passes the limit"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "nothing left behind"
        );
    }

    #[tokio::test]
    async fn a_stored_file_is_on_disk_under_a_random_name() {
        let dir = tempfile::tempdir().unwrap();
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stored = store(dir.path(), 1_048_576, chunks(3, 1000, polled))
            .await
            .unwrap();
        assert_eq!((stored.kind, stored.size), (Kind::Text, 3000));
        assert_eq!(stored.storage_name.len(), 32);
        let on_disk = std::fs::read(dir.path().join(&stored.storage_name)).unwrap();
        assert_eq!(on_disk.len(), 3000);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
