//! Fair assignment, the serialized step (DESIGN.md §4). `run` takes the assignment lock (one
//! row `FOR UPDATE` on PostgreSQL; SQLite's single writer), reads a snapshot — who is on duty,
//! their loads, capacities, skills and last assignments, and the waiting queue — hands the queue
//! out with the pure `crate::assignment::plan`, and writes each assignment with its history rows
//! (the reason carries the figures: `automatic:2/10:3`), all in one transaction.
//!
//! **On duty** = an operator account that is not disabled, seen within `Config::duty_window_ms` (any request,
//! and every heartbeat of an open console's live socket: `seen`), not on a break, inside their working hours (none set: no limit) and not on a day off,
//! in `Config::time_zone`. An operator who was on duty and no longer is hands back the tickets
//! not yet started (and the started ones too unless `keep_started_when_off_duty`).
//!
//! The step runs whenever something may change the outcome — a ticket created, reopened,
//! closed, returned or forced; a break switched; an operator's plan or a category changed; an
//! operator coming back — through `AppState::wake_assignment`, and every `TICK` anyway, for
//! shifts that start and end by the clock. Wake-ups during a run coalesce into one more run.
//!
//! One file per reason to change: `duty` (signs of life, the roster), `step` (the serialized
//! step and hand-back), `plans` (the floor, plans, breaks), `work` (work histories).

mod duty;
mod plans;
mod step;
mod work;

pub use duty::seen;
pub use plans::{floor, my_duty, set_break, set_plan};
pub use step::run;
pub use work::work_history;

use super::AppState;
use crate::error::AppError;
use sqlx::AnyConnection;
use std::time::Duration;

/// The step runs at least this often.
pub const TICK: Duration = Duration::from_secs(15);

/// The background loop of one server process.
pub async fn keep_assigning(state: AppState) {
    // The floor as last seen, so staff hear when it changed by itself (shifts by the clock,
    // operators coming and going) — and only then.
    let mut last_floor = None;
    loop {
        tokio::select! {
            _ = state.assign.notified() => {}
            _ = tokio::time::sleep(TICK) => {}
        }
        match run(&state).await {
            // Its assignments and hand-backs reach the live sockets now; so does a floor that
            // changed.
            Ok(_) => {
                state.live.wake();
                if let Ok(now) = floor(&state).await {
                    if last_floor.as_ref().is_some_and(|before| *before != now) {
                        crate::server::live::floor_changed(&state).await;
                    }
                    last_floor = Some(now);
                }
            }
            Err(e) => tracing::error!(error = %e, "assignment step failed"),
        }
    }
}

pub(super) const DEFAULT_CAPACITY: i64 = 10;

/// One of an operator's settings (a column of `operator_settings`).
#[derive(Clone, Copy, Debug)]
pub(super) enum Setting {
    Capacity,
    OnBreak,
    OnDuty,
    LastSeenAt,
    LastAssignedAt,
    Tier,
}

impl Setting {
    const fn column(self) -> &'static str {
        match self {
            Setting::Capacity => "capacity",
            Setting::OnBreak => "on_break",
            Setting::OnDuty => "on_duty",
            Setting::LastSeenAt => "last_seen_at",
            Setting::LastAssignedAt => "last_assigned_at",
            Setting::Tier => "tier",
        }
    }
}

/// Sets one setting of an operator, making their row of settings if they have none.
pub(super) async fn set_setting(
    conn: &mut AnyConnection,
    operator: i64,
    setting: Setting,
    value: i64,
) -> Result<(), AppError> {
    let column = setting.column();
    sqlx::query(&format!(
        "INSERT INTO operator_settings (operator_id, {column}) VALUES ($1, $2) \
         ON CONFLICT (operator_id) DO UPDATE SET {column} = excluded.{column}"
    ))
    .bind(operator)
    .bind(value)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Statuses that count as load.
pub(super) fn load_condition(state: &AppState) -> &'static str {
    if state.config.returned_counts_as_load {
        "status IN ('assigned', 'in_progress', 'returned_to_client')"
    } else {
        "status IN ('assigned', 'in_progress')"
    }
}

/// The load an operator's tickets make, as an SQL sum over `tickets` rows: one each, a chat
/// under way `weight` (the admin's `chat_weight`, a number the server holds).
pub(super) fn load_sum(weight: u32) -> String {
    format!(
        "COALESCE(SUM(CASE WHEN id IN (SELECT ticket_id FROM chats WHERE ended_at IS NULL) \
         THEN {weight} ELSE 1 END), 0)"
    )
}
