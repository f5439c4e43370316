//! The status moves counted per 15-minute slot (`move_counts`), so that the charts of a period
//! read a few thousand counts instead of every move in it. The history writer notes each move
//! (a creation is a move from nothing, `''`) in `pending_moves`, in the move's own transaction:
//! a row of its own, so writers never wait on a shared counter. A background task (`roll`)
//! takes pending rows out and adds them to the counts in one transaction; a reader adds the
//! counts and the pending rows in one statement (`moves_sql`) — one snapshot, so every move is
//! counted exactly once, whichever side holds it, on either database and with several
//! processes rolling at once (a pending row is deleted once).

use crate::error::AppError;
use crate::events::EventKind;
use crate::server::db::Db;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// The slot every time zone's hours and days begin on.
pub const SLOT_MS: i64 = 15 * 60_000;

/// Pending rows taken per transaction while rolling forward.
const BATCH: i64 = 20_000;

/// Notes the move event `id` is, if it is one; called by the history writer as it appends it.
pub async fn note(
    conn: &mut AnyConnection,
    id: i64,
    at: i64,
    what: &EventKind,
) -> Result<(), AppError> {
    let (from, to) = match what {
        EventKind::Created => (String::new(), crate::tickets::Status::Open),
        EventKind::Status { from, to, .. } | EventKind::Forced { from, to, .. } => {
            (from.as_str().to_string(), *to)
        }
        _ => return Ok(()),
    };
    sqlx::query(
        "INSERT INTO pending_moves (event_id, slot, from_value, to_value) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(at / SLOT_MS)
    .bind(from)
    .bind(to.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds the pending moves to the counts, a batch per transaction; how many it took.
pub async fn roll(db: &Db) -> Result<usize, AppError> {
    let mut total = 0;
    loop {
        let mut tx = db.begin_write().await?;
        let taken: Vec<(i64, String, String)> = sqlx::query_as(
            "DELETE FROM pending_moves WHERE event_id IN \
             (SELECT event_id FROM pending_moves ORDER BY event_id LIMIT $1) \
             RETURNING slot, from_value, to_value",
        )
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut counts: HashMap<(i64, String, String), i64> = HashMap::new();
        for key in &taken {
            *counts.entry(key.clone()).or_default() += 1;
        }
        for ((slot, from, to), n) in counts {
            sqlx::query(
                "INSERT INTO move_counts (slot, from_value, to_value, n) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (slot, from_value, to_value) \
                 DO UPDATE SET n = move_counts.n + excluded.n",
            )
            .bind(slot)
            .bind(from)
            .bind(to)
            .bind(n)
            .execute(&mut *tx)
            .await?;
        }
        db.commit(tx).await?;
        total += taken.len();
        if (taken.len() as i64) < BATCH {
            return Ok(total);
        }
    }
}

/// Rolls forward every few seconds, for as long as the server runs.
pub async fn keep_rolling(db: Db) {
    loop {
        if let Err(e) = roll(&db).await {
            tracing::error!(error = %e, "counting status moves failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}

/// The moves of every slot from the one bound as `$1` on, as `(slot, from, to, count)` — a slot
/// and move may come twice (counted, and pending); `from` is `''` for a creation.
pub const MOVES_SQL: &str = "SELECT slot, from_value, to_value, n FROM move_counts \
     WHERE slot >= $1 \
     UNION ALL \
     SELECT slot, from_value, to_value, COUNT(*) FROM pending_moves WHERE slot >= $1 \
     GROUP BY slot, from_value, to_value";
