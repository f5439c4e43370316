//! The admin's home at a glance: the waiting queue and its oldest ticket, the operators on duty
//! with their loads, today's figures and the last 7 days' satisfaction — each counted as the
//! statistics and the floor count it, so a click through shows the same number.

use super::{bounds, report};
use crate::dto::{Bucket, Overview, Period, StatsFilter, StatsQuery, WaitingTicket};
use crate::error::AppError;
use crate::server::{assignment, AppState};
use crate::tickets::{reference, Status};

pub async fn overview(state: &AppState) -> Result<Overview, AppError> {
    let db = &state.db.pool;
    let open = Status::Open.as_str();
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE status = $1")
        .bind(open)
        .fetch_one(db)
        .await?;
    let oldest: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, subject, created_at FROM tickets WHERE status = $1 \
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(open)
    .fetch_optional(db)
    .await?;
    let floor = assignment::floor(state).await?;
    let today = StatsQuery {
        period: Period::Today,
        bucket: Bucket::Hour,
        filter: StatsFilter::default(),
    };
    let today = report(state, &today).await?.totals;
    // The last 7 days' rated closings, as `report` counts them for that period.
    let week = StatsQuery {
        period: Period::Last7Days,
        bucket: Bucket::Day,
        filter: StatsFilter::default(),
    };
    let week = bounds(&week, &state.config.time_zone, state.clock.now_ms())?;
    let ms = |i: usize| week[i].timestamp().as_millisecond();
    let (good, bad): (Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT SUM(CASE WHEN rating = 1 THEN 1 ELSE 0 END), \
         SUM(CASE WHEN rating = 0 THEN 1 ELSE 0 END) FROM ticket_facts \
         WHERE closed_at >= $1 AND closed_at < $2",
    )
    .bind(ms(0))
    .bind(ms(week.len() - 1))
    .fetch_one(db)
    .await?;
    Ok(Overview {
        waiting,
        oldest_waiting: oldest.map(|(id, subject, created_at)| WaitingTicket {
            id,
            reference: reference(id),
            subject,
            created_at,
        }),
        on_duty: floor.operators.into_iter().filter(|o| o.on_duty).collect(),
        today,
        week_good: good.unwrap_or(0),
        week_bad: bad.unwrap_or(0),
    })
}
