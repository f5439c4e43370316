//! The file on disk and its row: an upload streamed, checked and flushed before its row is
//! written; a download opened for those who may see it; abandoned uploads swept away.

use super::keys::{KeyError, KeySource};
use super::seal::{self, Sealer};
use super::sniff::{display_name, Kind, TextCheck, HEAD};
use crate::dto::Attachment;
use crate::error::{AppError, Field, Problem};
use crate::server::access::{self, TicketRole};
use crate::server::auth::Session;
use crate::server::kb;
use crate::server::replay::{self, Replay};
use crate::server::ticket::ticket_row;
use crate::server::AppState;
use axum::body::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use std::path::Path;
use tokio::io::AsyncWriteExt;

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

/// Streams `body` into `dir` under a new random name, sealed with the current key of `keys`,
/// refusing it as soon as it passes `limit` bytes (the rest is never read) or when its content
/// is not an accepted kind. On success the file and the directory entry are on disk; on failure
/// nothing is left behind.
pub async fn store<S, E>(
    dir: &Path,
    keys: &KeySource,
    limit: i64,
    body: S,
) -> Result<Stored, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    crate::server::private_dir(dir).await.map_err(io_error)?;
    let storage_name = format!("{:032x}", rand::random::<u128>());
    let partial = dir.join(format!("{storage_name}.part"));
    // The `.part` file exists before the key is read: a rotation waits for it (`seal`).
    let file = tokio::fs::File::create(&partial).await.map_err(io_error)?;
    let written = match keys.ring(dir).await {
        Ok(ring) => write_checked(file, Sealer::new(ring.current()), limit, body).await,
        Err(e) => Err(key_error(e)),
    };
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
    seal::sync_dir(dir).await.map_err(io_error)?;
    Ok(Stored {
        storage_name,
        kind,
        size,
    })
}

fn key_error(e: KeyError) -> AppError {
    tracing::error!(error = %e, "attachment keys");
    AppError::Internal
}

/// Seals the stream into `file` and flushes it: the plain size, first bytes, whether it is text.
async fn write_checked<S, E>(
    mut file: tokio::fs::File,
    mut sealer: Sealer,
    limit: i64,
    mut body: S,
) -> Result<(i64, Vec<u8>, bool), AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let mut size: i64 = 0;
    let mut head = Vec::with_capacity(HEAD);
    let mut text = TextCheck::new();
    file.write_all(&sealer.header).await.map_err(io_error)?;
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
        let sealed = sealer.push(&chunk).map_err(io_error)?;
        file.write_all(&sealed).await.map_err(io_error)?;
    }
    let sealed = sealer.finish().map_err(io_error)?;
    file.write_all(&sealed).await.map_err(io_error)?;
    file.sync_all().await.map_err(io_error)?;
    Ok((size, head, text.is_text()))
}

/// Stores a pending attachment of `uploader` from `body`, after checking the length the request
/// declared (`declared`): over the limit, it is refused before a byte is read. A retry with the
/// same idempotency key answers the first upload's file without reading the body again.
pub async fn upload<S, E>(
    state: &AppState,
    uploader: &Session,
    name: &str,
    declared: Option<i64>,
    key: Option<&str>,
    body: S,
) -> Result<Attachment, AppError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let limit = state.config.max_upload_bytes;
    if declared.is_some_and(|len| len > limit) {
        return Err(AppError::FileTooLarge { limit });
    }
    let replay = Replay::new(uploader.user.id, key, &(name, declared))?;
    let id = replay::once(state, replay, |replay| async move {
        let config = &state.config;
        let stored = store(&config.files_dir, &config.files_key, limit, body).await?;
        let name = display_name(name, stored.kind);
        let (uploader, now) = (uploader.user.id, state.clock.now_ms());
        let storage_name = stored.storage_name.clone();
        let inserted = state
            .db
            .write(move |conn| {
                Box::pin(async move {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO attachments (uploader_id, name, media_type, size, \
                         storage_name, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(uploader)
                    .bind(&name)
                    .bind(stored.kind.media_type())
                    .bind(stored.size)
                    .bind(&stored.storage_name)
                    .bind(now)
                    .fetch_one(&mut *conn)
                    .await?;
                    replay.remember(conn, id, now).await?;
                    Ok(id)
                })
            })
            .await;
        if inserted.is_err() {
            let _ = tokio::fs::remove_file(state.config.files_dir.join(&storage_name)).await;
        }
        inserted
    })
    .await?;
    Ok(sqlx::query_as(
        "SELECT id, message_id, name, media_type, size FROM attachments \
         WHERE id = $1 AND uploader_id = $2",
    )
    .bind(id)
    .bind(uploader.user.id)
    .fetch_one(&state.db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct FileRow {
    uploader_id: i64,
    ticket_id: Option<i64>,
    article_id: Option<i64>,
    name: String,
    media_type: String,
    size: i64,
    storage_name: String,
    internal: i64,
}

/// A file the caller may download, opened.
pub struct Download {
    pub name: String,
    pub media_type: String,
    pub size: i64,
    /// The plain content, unsealed as it is read.
    pub content: BoxStream<'static, std::io::Result<Bytes>>,
}

/// The attachment `id` for `caller`: for whoever may see its ticket (internal ones for staff
/// only), a file of an article for whoever may read a version showing it (`kb::files`), or for
/// its uploader while pending; `NotFound` for anyone else.
pub async fn open(state: &AppState, caller: &Session, id: i64) -> Result<Download, AppError> {
    let row: FileRow = sqlx::query_as(
        "SELECT uploader_id, ticket_id, article_id, name, media_type, size, storage_name, \
         internal FROM attachments WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    match (row.ticket_id, row.article_id) {
        (None, None) if row.uploader_id != caller.user.id => return Err(AppError::NotFound),
        (None, None) => {}
        (None, Some(article)) => kb::files::may_fetch(state, caller, article, id).await?,
        (Some(ticket_id), _) => {
            let ticket = ticket_row(state, ticket_id).await?;
            let seen_as = access::ticket(caller, &ticket)?;
            if seen_as == TicketRole::Client && row.internal != 0 {
                return Err(AppError::NotFound);
            }
        }
    }
    let dir = &state.config.files_dir;
    let ring = state.config.files_key.ring(dir).await.map_err(key_error)?;
    // An erased file is gone from the disk; its row stays for the history.
    let content = seal::open_kept(&dir.join(&row.storage_name), &ring)
        .await
        .map_err(key_error)?
        .ok_or(AppError::NotFound)?;
    Ok(Download {
        name: row.name,
        media_type: row.media_type,
        size: row.size,
        content,
    })
}

/// How long an upload may stay unattached before it is swept away.
pub const PENDING_FOR_MS: i64 = 24 * 3_600_000;

/// Deletes uploads never attached to anything within `PENDING_FOR_MS` (abandoned forms): the
/// row first, then the file, so no row ever points to a missing file. How many went.
pub async fn sweep(state: &AppState) -> Result<usize, AppError> {
    let cutoff = state.clock.now_ms() - PENDING_FOR_MS;
    let stale: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, storage_name FROM attachments WHERE ticket_id IS NULL \
         AND article_id IS NULL AND created_at < $1",
    )
    .bind(cutoff)
    .fetch_all(&state.db.pool)
    .await?;
    let mut swept = 0;
    for (id, storage_name) in stale {
        let deleted = sqlx::query(
            "DELETE FROM attachments WHERE id = $1 AND ticket_id IS NULL AND article_id IS NULL",
        )
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
    use futures_util::StreamExt;

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
        let files = dir.path().join("files");
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        // 100 chunks of 64 KiB (6.4 MB) against a 1 MB limit.
        let keys = KeySource::beside(&files);
        let result = store(
            &files,
            &keys,
            1_048_576,
            chunks(100, 65_536, polled.clone()),
        )
        .await;
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
            std::fs::read_dir(&files).unwrap().count(),
            0,
            "nothing left behind"
        );
    }

    #[tokio::test]
    async fn a_stored_file_is_on_disk_sealed_under_a_random_name() {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("files");
        let keys = KeySource::beside(&files);
        let polled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stored = store(&files, &keys, 1_048_576, chunks(3, 1000, polled))
            .await
            .unwrap();
        assert_eq!((stored.kind, stored.size), (Kind::Text, 3000));
        assert_eq!(stored.storage_name.len(), 32);
        let path = files.join(&stored.storage_name);
        let on_disk = std::fs::read(&path).unwrap();
        assert!(
            !on_disk.windows(16).any(|w| w == [b'a'; 16]),
            "no plain run"
        );
        let ring = keys.ring(&files).await.unwrap();
        let plain = seal::read_all(&path, &ring).await.unwrap();
        assert_eq!(plain, vec![b'a'; 3000]);
        assert_eq!(std::fs::read_dir(&files).unwrap().count(), 1);
    }
}
