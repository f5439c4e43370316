//! Webhooks: receivers the admin registers — a URL, the topics it hears of
//! (`webhooks::Topic`), a secret its deliveries are signed with — and what each was sent.
//!
//! - `address`: where a webhook may post (no loopback, link-local or private address unless
//!   the admin allowed it: SSRF).
//! - `outbox`: the deliveries, written in the event's transaction by the history writer, and
//!   the sender that posts them, signed, retrying with backoff, pausing a receiver that keeps
//!   failing.
//!
//! Admins only: the endpoints' guard (`api::webhooks`) is the one check.

pub mod address;
pub mod outbox;

use super::auth::{new_token, Session};
use super::AppState;
use crate::codes::{self, Code};
use crate::dto::{IssuedWebhook, NewWebhook, Webhook, WebhookAttempt, WebhookDelivery};
use crate::error::{AppError, Field, Problem};
use crate::webhooks::Topic;

/// What every secret starts with, so a leaked one is recognisable.
const SECRET_PREFIX: &str = "whsec_";
const URL_MAX: usize = 2000;
/// Deliveries shown for one webhook, newest first.
const SHOWN: i64 = 50;

const WEBHOOK_COLUMNS: &str = "w.id, w.url, w.topics, w.allow_private, w.created_at, \
    u.username AS created_by, w.failing, w.paused_at, w.paused_by_failures, \
    (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id \
     AND d.delivered_at IS NULL AND d.failed_at IS NULL) AS waiting, \
    (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id \
     AND d.failed_at IS NOT NULL) AS failed";
const WEBHOOK_FROM: &str = "webhooks w JOIN users u ON u.id = w.created_by";

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    url: String,
    topics: String,
    allow_private: i64,
    created_at: i64,
    created_by: String,
    failing: i64,
    paused_at: Option<i64>,
    paused_by_failures: i64,
    waiting: i64,
    failed: i64,
}

impl From<Row> for Webhook {
    fn from(r: Row) -> Self {
        Webhook {
            id: r.id,
            url: r.url,
            topics: codes::split(&r.topics),
            allow_private: r.allow_private != 0,
            created_at: r.created_at,
            created_by: r.created_by,
            failing: r.failing,
            paused_at: r.paused_at,
            paused_by_failures: r.paused_by_failures != 0,
            waiting: r.waiting,
            failed: r.failed,
        }
    }
}

/// Every webhook, newest first.
pub async fn list(state: &AppState) -> Result<Vec<Webhook>, AppError> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM {WEBHOOK_FROM} ORDER BY w.id DESC");
    let rows = sqlx::query_as::<_, Row>(&sql)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows.into_iter().map(Webhook::from).collect())
}

async fn read(state: &AppState, id: i64) -> Result<Webhook, AppError> {
    let sql = format!("SELECT {WEBHOOK_COLUMNS} FROM {WEBHOOK_FROM} WHERE w.id = $1");
    sqlx::query_as::<_, Row>(&sql)
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .map(Webhook::from)
        .ok_or(AppError::NotFound)
}

/// Registers a webhook and answers its secret, this once. Refused, changing nothing: a URL that
/// is not http(s), names no address, or (unless allowed) points at this machine or a private
/// network; no topic.
pub async fn create(
    state: &AppState,
    admin: &Session,
    input: &NewWebhook,
) -> Result<IssuedWebhook, AppError> {
    if input.url.chars().count() > URL_MAX {
        return Err(AppError::invalid(
            Field::WebhookUrl,
            Problem::TooLong { max: URL_MAX },
        ));
    }
    let url = address::parse(&input.url)?;
    if input.topics.is_empty() {
        return Err(AppError::invalid(Field::Topics, Problem::Required));
    }
    address::resolve(&url, input.allow_private).await?;
    let secret = format!("{SECRET_PREFIX}{}", new_token());
    let now = state.clock.now_ms();
    let url = url.to_string();
    let topics = codes::join(&input.topics);
    let allow_private = i64::from(input.allow_private);
    let by = admin.user.id;
    let stored = secret.clone();
    let id: i64 = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query_scalar(
                    "INSERT INTO webhooks (url, topics, secret, allow_private, created_by, \
                     created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(url)
                .bind(topics)
                .bind(stored)
                .bind(allow_private)
                .bind(by)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?)
            })
        })
        .await?;
    Ok(IssuedWebhook {
        webhook: read(state, id).await?,
        secret,
    })
}

/// Pauses a webhook (its deliveries wait) or resumes it: its waiting deliveries go at once, as
/// if they had never failed.
pub async fn set_paused(state: &AppState, id: i64, paused: bool) -> Result<Webhook, AppError> {
    read(state, id).await?;
    let now = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                if paused {
                    sqlx::query(
                        "UPDATE webhooks SET paused_at = $2, paused_by_failures = 0 \
                         WHERE id = $1 AND paused_at IS NULL",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                } else {
                    sqlx::query(
                        "UPDATE webhooks SET paused_at = NULL, paused_by_failures = 0, \
                         failing = 0 WHERE id = $1",
                    )
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query(
                        "UPDATE webhook_deliveries SET next_at = $2, attempts = 0 \
                         WHERE webhook_id = $1 AND delivered_at IS NULL AND failed_at IS NULL",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            })
        })
        .await?;
    state.live.webhooks.notify_one();
    read(state, id).await
}

/// Removes a webhook with its deliveries; the webhook as it was.
pub async fn delete(state: &AppState, id: i64) -> Result<Webhook, AppError> {
    let webhook = read(state, id).await?;
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "DELETE FROM webhook_attempts WHERE delivery_id IN \
                     (SELECT id FROM webhook_deliveries WHERE webhook_id = $1)",
                )
                .bind(id)
                .execute(&mut *conn)
                .await?;
                for sql in [
                    "DELETE FROM webhook_deliveries WHERE webhook_id = $1",
                    "DELETE FROM webhooks WHERE id = $1",
                ] {
                    sqlx::query(sql).bind(id).execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .await?;
    Ok(webhook)
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    topic: String,
    ticket_id: i64,
    at: i64,
    delivered_at: Option<i64>,
    failed_at: Option<i64>,
    next_at: i64,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    delivery_id: i64,
    at: i64,
    status: Option<i64>,
    ms: i64,
    error: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, topic, ticket_id, at, delivered_at, failed_at, next_at";

/// A webhook's latest deliveries, newest first, each with its attempts, newest first.
pub async fn deliveries(state: &AppState, id: i64) -> Result<Vec<WebhookDelivery>, AppError> {
    read(state, id).await?;
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 \
         ORDER BY id DESC LIMIT $2"
    );
    let rows = sqlx::query_as::<_, DeliveryRow>(&sql)
        .bind(id)
        .bind(SHOWN)
        .fetch_all(&state.db.pool)
        .await?;
    let oldest = rows.last().map_or(0, |r| r.id);
    let attempts = sqlx::query_as::<_, AttemptRow>(
        "SELECT a.delivery_id, a.at, a.status, a.ms, a.error FROM webhook_attempts a \
         JOIN webhook_deliveries d ON d.id = a.delivery_id \
         WHERE d.webhook_id = $1 AND d.id >= $2 ORDER BY a.id DESC",
    )
    .bind(id)
    .bind(oldest)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let waiting = r.delivered_at.is_none() && r.failed_at.is_none();
            Some(WebhookDelivery {
                id: r.id,
                topic: Topic::parse(&r.topic)?,
                ticket_id: r.ticket_id,
                at: r.at,
                delivered_at: r.delivered_at,
                failed_at: r.failed_at,
                next_at: waiting.then_some(r.next_at),
                attempts: attempts
                    .iter()
                    .filter(|a| a.delivery_id == r.id)
                    .map(|a| WebhookAttempt {
                        at: a.at,
                        status: a.status,
                        ms: a.ms,
                        error: a.error.clone(),
                    })
                    .collect(),
            })
        })
        .collect())
}

/// Sends a delivery again — delivered, given up or waiting —, now; the webhook it belongs to.
pub async fn redeliver(state: &AppState, delivery: i64) -> Result<Webhook, AppError> {
    let now = state.clock.now_ms();
    let webhook: Option<i64> = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query_scalar(
                    "UPDATE webhook_deliveries SET delivered_at = NULL, failed_at = NULL, \
                     attempts = 0, next_at = $2, lease_until = NULL WHERE id = $1 \
                     RETURNING webhook_id",
                )
                .bind(delivery)
                .bind(now)
                .fetch_optional(&mut *conn)
                .await?)
            })
        })
        .await?;
    let webhook = webhook.ok_or(AppError::NotFound)?;
    state.live.webhooks.notify_one();
    read(state, webhook).await
}
