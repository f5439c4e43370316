//! Webhook deliveries: written by the history writer in the event's transaction (`on_event`),
//! so a delivery exists exactly when its change committed, and posted by the sender
//! (`keep_delivering`), signed, each attempt kept.
//!
//! A delivery is taken with a lease (several processes on one PostgreSQL never post it
//! together), marked delivered when the receiver answered 2xx, and otherwise tried again with
//! the outboxes' backoff (`retry`) until it is given up after about a day. A receiver whose
//! attempts failed `PAUSE_AFTER` times in a row is paused — its deliveries wait — and the admins
//! are told by e-mail; resumed, they go. A process killed between the commit and the post posts
//! it after its restart. Receivers should expect a delivery more than once (a crash between the
//! post and its record) and know it by its `id`, the event's.

use super::address;
use crate::codes::Code;
use crate::dto::Notice;
use crate::error::AppError;
use crate::events::Event;
use crate::events::EventKind;
use crate::server::auth::hex;
use crate::server::retry::{backoff_ms, keep_going, GIVE_UP_AFTER};
use crate::server::AppState;
use crate::tickets::{reference, Priority};
use crate::webhooks::{Topic, SIGNATURE_HEADER};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::AnyConnection;
use std::time::{Duration, Instant};

/// Deliveries taken at once.
const BATCH: i64 = 50;
/// How long a sender may take over a delivery before another may.
const LEASE_MS: i64 = 60_000;
/// How long a receiver has to answer.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Failed attempts in a row after which a receiver is paused.
pub const PAUSE_AFTER: i64 = 20;

/// Writes a delivery of `event` (history row `event_id`) for each webhook that hears of its
/// topic; nothing when none does. Paused webhooks get theirs too: they wait.
pub async fn on_event(
    conn: &mut AnyConnection,
    event_id: i64,
    event: &Event,
) -> Result<(), AppError> {
    let Some(topic) = Topic::of(&event.what) else {
        return Ok(());
    };
    let hooks: Vec<(i64, String)> = sqlx::query_as("SELECT id, topics FROM webhooks")
        .fetch_all(&mut *conn)
        .await?;
    let hooks: Vec<i64> = hooks
        .into_iter()
        .filter(|(_, topics)| topics.split(',').any(|t| t == topic.code()))
        .map(|(id, _)| id)
        .collect();
    if hooks.is_empty() {
        return Ok(());
    }
    let body = payload(conn, event_id, topic, event).await?.to_string();
    for hook in hooks {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event_id, ticket_id, topic, body, at, \
             next_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(hook)
        .bind(event_id)
        .bind(event.ticket)
        .bind(topic.code())
        .bind(&body)
        .bind(event.at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An instant in the API's form (RFC 3339, UTC).
fn rfc3339(ms: i64) -> Option<String> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(|t| t.to_string())
}

/// What a receiver is sent: the event (`id`, the history row's, the same in every attempt), its
/// topic and time, who did it, the ticket as it is after it, and what changed.
async fn payload(
    conn: &mut AnyConnection,
    event_id: i64,
    topic: Topic,
    event: &Event,
) -> Result<serde_json::Value, AppError> {
    #[allow(clippy::type_complexity)]
    let (subject, status, priority, category, client, operator): (
        String,
        String,
        i64,
        Option<i64>,
        i64,
        Option<i64>,
    ) = sqlx::query_as(
        "SELECT subject, status, priority, category_id, client_id, operator_id FROM tickets \
         WHERE id = $1",
    )
    .bind(event.ticket)
    .fetch_one(&mut *conn)
    .await?;
    let mut change = serde_json::to_value(&event.what).map_err(|_| AppError::Internal)?;
    match &event.what {
        // The log's ids, which the apps' form of the event leaves out.
        EventKind::Assigned { from, to, .. } => {
            change["assigned"]["from_operator_id"] = (*from).into();
            change["assigned"]["to_operator_id"] = (*to).into();
        }
        EventKind::Message { id } | EventKind::Note { id } => {
            let (body, author): (String, i64) =
                sqlx::query_as("SELECT body, author_id FROM messages WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut *conn)
                    .await?;
            let key = if matches!(event.what, EventKind::Note { .. }) {
                "note"
            } else {
                "message"
            };
            change[key]["body"] = body.into();
            change[key]["author_id"] = author.into();
        }
        _ => {}
    }
    Ok(serde_json::json!({
        "id": event_id,
        "topic": topic,
        "at": rfc3339(event.at),
        "actor_id": event.actor,
        "ticket": {
            "id": event.ticket,
            "reference": reference(event.ticket),
            "subject": subject,
            "status": status,
            "priority": Priority::from_rank(priority),
            "category_id": category,
            "client_id": client,
            "operator_id": operator,
        },
        "change": change,
    }))
}

/// The signature header's value for `body` sent at `unix` seconds: `t=<unix>,v1=<hex>`, the hex
/// being HMAC-SHA256 with `secret` over `<unix>.<body>`.
pub fn signature(secret: &str, unix: i64, body: &str) -> String {
    format!(
        "t={unix},v1={}",
        hmac_hex(secret, &format!("{unix}.{body}"))
    )
}

fn hmac_hex(key: &str, data: &str) -> String {
    // HMAC takes a key of any length.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    mac.update(data.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[derive(sqlx::FromRow)]
struct Due {
    id: i64,
    webhook_id: i64,
    topic: String,
    body: String,
    url: String,
    secret: String,
    allow_private: i64,
}

/// How one post went.
struct Outcome {
    status: Option<i64>,
    ms: i64,
    error: Option<String>,
}

impl Outcome {
    fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Takes up to `BATCH` deliveries due now whose webhook is not paused.
async fn take(state: &AppState, now: i64) -> Result<Vec<Due>, AppError> {
    let ids: Vec<i64> = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query_scalar(
                    "UPDATE webhook_deliveries SET lease_until = $2 WHERE id IN (SELECT d.id \
                     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                     WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_at <= $1 \
                     AND (d.lease_until IS NULL OR d.lease_until < $1) AND w.paused_at IS NULL \
                     ORDER BY d.next_at, d.id LIMIT $3) \
                     AND (lease_until IS NULL OR lease_until < $1) RETURNING id",
                )
                .bind(now)
                .bind(now + LEASE_MS)
                .bind(BATCH)
                .fetch_all(&mut *conn)
                .await?)
            })
        })
        .await?;
    let mut due = Vec::with_capacity(ids.len());
    for id in ids {
        due.push(
            sqlx::query_as::<_, Due>(
                "SELECT d.id, d.webhook_id, d.topic, d.body, w.url, w.secret, w.allow_private \
                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
                 WHERE d.id = $1",
            )
            .bind(id)
            .fetch_one(&state.db.pool)
            .await?,
        );
    }
    Ok(due)
}

/// Posts one delivery to the address its URL resolves to now, checked again (a name may point
/// elsewhere since the webhook was registered); redirects are not followed.
async fn post(state: &AppState, due: &Due) -> Outcome {
    let started = Instant::now();
    let failed = |error: String| Outcome {
        status: None,
        ms: started.elapsed().as_millis() as i64,
        error: Some(error),
    };
    let url = match address::parse(&due.url) {
        Ok(url) => url,
        Err(_) => return failed("not a valid URL".into()),
    };
    let addresses = match address::resolve(&url, due.allow_private != 0).await {
        Ok(addresses) => addresses,
        Err(AppError::Invalid {
            problem: crate::error::Problem::Internal,
            ..
        }) => return failed("refused: an internal address".into()),
        Err(_) => return failed("the host has no address".into()),
    };
    // Building a client reads the system's root certificates from disk: off the runtime.
    let host = url.host_str().unwrap_or_default().to_string();
    let client = tokio::task::spawn_blocking(move || {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .resolve_to_addrs(&host, &addresses)
            .user_agent("Salter-Webhooks/1")
            .build()
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|built| built);
    let client = match client {
        Ok(client) => client,
        Err(e) => return failed(e),
    };
    let unix = state.clock.now_ms() / 1000;
    let sent = client
        .post(url)
        .header("content-type", "application/json")
        .header("Salter-Event", &due.topic)
        .header("Salter-Delivery", due.id.to_string())
        .header(SIGNATURE_HEADER, signature(&due.secret, unix, &due.body))
        .body(due.body.clone())
        .send()
        .await;
    let ms = started.elapsed().as_millis() as i64;
    match sent {
        Ok(response) => {
            let status = i64::from(response.status().as_u16());
            let error = (!response.status().is_success()).then(|| {
                response
                    .status()
                    .canonical_reason()
                    .unwrap_or("not a success")
                    .to_string()
            });
            Outcome {
                status: Some(status),
                ms,
                error,
            }
        }
        Err(e) => {
            let mut error = e.to_string();
            if let Some(source) = std::error::Error::source(&e) {
                error = format!("{error}: {source}");
            }
            failed(crate::error::excerpt(&error))
        }
    }
}

/// Records one attempt: the delivery delivered, waiting again or given up; the receiver's run
/// of failures, paused (and the admins told) when it reaches `PAUSE_AFTER`.
async fn record(state: &AppState, due: &Due, outcome: Outcome) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let (id, hook) = (due.id, due.webhook_id);
    let paused = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO webhook_attempts (delivery_id, at, status, ms, error) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id)
                .bind(now)
                .bind(outcome.status)
                .bind(outcome.ms)
                .bind(&outcome.error)
                .execute(&mut *conn)
                .await?;
                if outcome.delivered() {
                    sqlx::query(
                        "UPDATE webhook_deliveries SET delivered_at = $2, attempts = attempts + 1, \
                         lease_until = NULL WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query("UPDATE webhooks SET failing = 0 WHERE id = $1")
                        .bind(hook)
                        .execute(&mut *conn)
                        .await?;
                    return Ok(false);
                }
                let attempts: i64 = sqlx::query_scalar(
                    "UPDATE webhook_deliveries SET attempts = attempts + 1, lease_until = NULL \
                     WHERE id = $1 RETURNING attempts",
                )
                .bind(id)
                .fetch_one(&mut *conn)
                .await?;
                sqlx::query(
                    "UPDATE webhook_deliveries SET next_at = $2, failed_at = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(now + backoff_ms(attempts))
                .bind((attempts >= GIVE_UP_AFTER).then_some(now))
                .execute(&mut *conn)
                .await?;
                let paused: Option<i64> = sqlx::query_scalar(
                    "UPDATE webhooks SET failing = failing + 1, \
                     paused_at = CASE WHEN failing + 1 >= $2 AND paused_at IS NULL THEN $3 \
                     ELSE paused_at END, \
                     paused_by_failures = CASE WHEN failing + 1 >= $2 AND paused_at IS NULL \
                     THEN 1 ELSE paused_by_failures END \
                     WHERE id = $1 RETURNING paused_at",
                )
                .bind(hook)
                .bind(PAUSE_AFTER)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?;
                let just_paused = paused == Some(now);
                if just_paused {
                    crate::server::mail::notify::to_admins(&mut *conn, Notice::WebhookPaused, now)
                        .await?;
                }
                Ok(just_paused)
            })
        })
        .await?;
    if paused {
        tracing::warn!(webhook = hook, "a webhook kept failing and was paused");
        state.live.mail.notify_one();
    }
    Ok(())
}

/// Posts every delivery due now; how many were delivered.
pub async fn deliver_due(state: &AppState) -> Result<usize, AppError> {
    let mut delivered = 0;
    loop {
        let taken = take(state, state.clock.now_ms()).await?;
        let full = taken.len() as i64 == BATCH;
        for due in taken {
            let outcome = post(state, &due).await;
            if outcome.delivered() {
                delivered += 1;
            } else {
                tracing::warn!(
                    webhook = due.webhook_id,
                    delivery = due.id,
                    status = ?outcome.status,
                    error = ?outcome.error,
                    "a webhook delivery failed"
                );
            }
            record(state, &due, outcome).await?;
        }
        if !full {
            return Ok(delivered);
        }
    }
}

/// The sender of one server process: posts as soon as events settle (in any process), when a
/// delivery is queued again, and every few seconds for retries.
pub async fn keep_delivering(state: AppState) {
    keep_going(
        state,
        |live| &live.webhooks,
        "delivering webhooks",
        |state| async move { deliver_due(&state).await },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_the_time_and_the_body() {
        // RFC 4231, test case 2.
        assert_eq!(
            hmac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            signature("Jefe", 1_700_000_000, "{}"),
            format!("t=1700000000,v1={}", hmac_hex("Jefe", "1700000000.{}"))
        );
    }
}
