//! Idempotency keys for the writes a browser may retry: messages and notes, moves, forced
//! changes, field edits and uploads (ticket creation keeps its key on the ticket row). The apps
//! send one key per user action and reuse it when they retry; the first request with a key
//! records it in the same transaction as its change, so a request whose answer was lost —
//! a dropped connection, a server killed after the commit — is answered again from what it
//! did, never done twice. The same key with another request is refused
//! (`idempotency_conflict`). A request without a key is simply not deduplicated.

use super::auth::sha256_hex;
use super::input::clean_line;
use super::AppState;
use crate::error::{AppError, Field};
use serde::Serialize;
use sqlx::AnyConnection;
use std::future::Future;

/// The longest key accepted.
pub const KEY_MAX: usize = 100;

/// A request's key, if it sent one: its sender, the key, and what the request said.
#[derive(Clone, Debug, Default)]
pub struct Replay(Option<Key>);

#[derive(Clone, Debug)]
struct Key {
    user: i64,
    key: String,
    request_hash: String,
}

impl Replay {
    pub fn new(user: i64, key: Option<&str>, request: &impl Serialize) -> Result<Replay, AppError> {
        let Some(key) = key else {
            return Ok(Replay(None));
        };
        let key = clean_line(Field::IdempotencyKey, key, KEY_MAX)?;
        let said = serde_json::to_string(request).map_err(|_| AppError::Internal)?;
        Ok(Replay(Some(Key {
            user,
            key,
            request_hash: sha256_hex(&said),
        })))
    }

    /// What the first request with this key changed or made, if there was one.
    async fn answered(&self, state: &AppState) -> Result<Option<i64>, AppError> {
        let Some(key) = &self.0 else {
            return Ok(None);
        };
        let first: Option<(i64, String)> = sqlx::query_as(
            "SELECT object_id, request_hash FROM request_keys WHERE user_id = $1 AND key = $2",
        )
        .bind(key.user)
        .bind(&key.key)
        .fetch_optional(&state.db.pool)
        .await?;
        match first {
            Some((_, hash)) if hash != key.request_hash => Err(AppError::IdempotencyConflict),
            Some((object, _)) => Ok(Some(object)),
            None => Ok(None),
        }
    }

    /// Records the key with what its request changed, in that change's transaction.
    pub async fn remember(
        &self,
        conn: &mut AnyConnection,
        object: i64,
        now: i64,
    ) -> Result<(), AppError> {
        let Some(key) = &self.0 else {
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO request_keys (user_id, key, request_hash, object_id, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(key.user)
        .bind(&key.key)
        .bind(&key.request_hash)
        .bind(object)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}

/// Runs `change` once per key and answers what it changed (a ticket's id, an attachment's):
/// a retry gets the first request's object without doing anything, and so does a twin that
/// lost the race to the first (its transaction failed on the key, or on the change itself).
pub async fn once<Fut>(
    state: &AppState,
    replay: Replay,
    change: impl FnOnce(Replay) -> Fut,
) -> Result<i64, AppError>
where
    Fut: Future<Output = Result<i64, AppError>>,
{
    if let Some(object) = replay.answered(state).await? {
        return Ok(object);
    }
    match change(replay.clone()).await {
        Ok(object) => Ok(object),
        Err(e) => match replay.answered(state).await {
            Ok(Some(object)) => Ok(object),
            _ => Err(e),
        },
    }
}

/// Keys are kept a week: far longer than any browser retries.
pub const KEPT_FOR_MS: i64 = 7 * 24 * 3_600_000;

/// Forgets the keys older than `KEPT_FOR_MS`; how many.
pub async fn forget_old(state: &AppState) -> Result<u64, AppError> {
    let before = state.clock.now_ms() - KEPT_FOR_MS;
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let done = sqlx::query("DELETE FROM request_keys WHERE created_at < $1")
                    .bind(before)
                    .execute(&mut *conn)
                    .await?;
                Ok(done.rows_affected())
            })
        })
        .await
}

/// Forgets old keys every hour (the `salter serve` process runs it).
pub async fn keep_tidy(state: AppState) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        if let Err(e) = forget_old(&state).await {
            tracing::error!(error = %e, "forgetting old idempotency keys failed");
        }
    }
}
