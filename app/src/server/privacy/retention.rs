//! Retention: the admin sets how long closed tickets keep what people wrote and sent; past
//! that, a background job erases their texts and files the way a client's erasure does
//! (`erase::erase_tickets`), keeping the tickets so the statistics stay right. Before choosing,
//! the admin sees how many closed tickets a period would erase now (a dry run).

use super::erase::{erase_tickets, remove_files};
use crate::dto::limits::RETENTION_DAYS;
use crate::dto::Retention;
use crate::error::{AppError, Field, Problem};
use crate::server::{settings, AppState};
use crate::tickets::{Status, DAY_MS};

const RETENTION_DAYS_KEY: &str = "retention_days";

/// At most this many tickets in one transaction of the job.
const BATCH: i64 = 200;

/// How many closed tickets, not erased yet, closed before `cutoff`.
async fn due_before(state: &AppState, cutoff: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE status = $1 AND closed_at < $2 AND erased_at IS NULL",
    )
    .bind(Status::Closed.as_str())
    .bind(cutoff)
    .fetch_one(&state.db.pool)
    .await?)
}

fn checked(days: i64) -> Result<i64, AppError> {
    if !RETENTION_DAYS.contains(&days) {
        let (min, max) = (*RETENTION_DAYS.start(), *RETENTION_DAYS.end());
        return Err(AppError::invalid(
            Field::RetentionDays,
            Problem::OutOfRange { min, max },
        ));
    }
    Ok(days)
}

/// The period in force (none: kept for ever) and how many closed tickets are past it now.
pub async fn retention(state: &AppState) -> Result<Retention, AppError> {
    let days = settings::get(state, RETENTION_DAYS_KEY)
        .await?
        .and_then(|d| d.parse::<i64>().ok());
    let due = match days {
        Some(days) => preview(state, days).await?,
        None => 0,
    };
    Ok(Retention { days, due })
}

/// The dry run: how many closed tickets `days` would erase now.
pub async fn preview(state: &AppState, days: i64) -> Result<i64, AppError> {
    let days = checked(days)?;
    due_before(state, state.clock.now_ms() - days * DAY_MS).await
}

/// Sets the period (none: keep for ever). The job applies it at its next round.
pub async fn set(state: &AppState, days: Option<i64>) -> Result<Retention, AppError> {
    match days {
        Some(days) => settings::put(state, RETENTION_DAYS_KEY, checked(days)?.to_string()).await?,
        None => settings::clear(state, RETENTION_DAYS_KEY).await?,
    }
    retention(state).await
}

/// Erases every closed ticket past the period, a batch per transaction; how many.
pub async fn apply(state: &AppState) -> Result<i64, AppError> {
    let Retention {
        days: Some(days), ..
    } = retention(state).await?
    else {
        return Ok(0);
    };
    let now = state.clock.now_ms();
    let cutoff = now - days * DAY_MS;
    let mut erased = 0;
    loop {
        let (count, stored) = state
            .db
            .write(move |conn| {
                Box::pin(async move {
                    let ids: Vec<i64> = sqlx::query_scalar(
                        "SELECT id FROM tickets WHERE status = $1 AND closed_at < $2 \
                         AND erased_at IS NULL ORDER BY closed_at LIMIT $3",
                    )
                    .bind(Status::Closed.as_str())
                    .bind(cutoff)
                    .bind(BATCH)
                    .fetch_all(&mut *conn)
                    .await?;
                    let stored = erase_tickets(conn, &ids, false, now).await?;
                    Ok((ids.len() as i64, stored))
                })
            })
            .await?;
        remove_files(state, stored).await;
        erased += count;
        if count < BATCH {
            return Ok(erased);
        }
    }
}

/// The background job of one server process: once an hour (so a restart never skips a day).
pub async fn keep_retaining(state: AppState) {
    loop {
        match apply(&state).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                tickets = n,
                "closed tickets past the retention period erased"
            ),
            Err(e) => tracing::error!(error = %e, "applying the retention period failed"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}
