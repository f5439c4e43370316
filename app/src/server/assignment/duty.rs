//! Who is on duty: an operator's signs of life (`seen`), and the roster — everyone's plan
//! (capacity, hours, days off, skills) and whether they are on duty now.

use super::{set_setting, Setting};
use crate::dto::{clock, Role, WorkHours};
use crate::error::AppError;
use crate::server::auth::Session;
use crate::server::db::flag;
use crate::server::AppState;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// `seen` writes at most this often per operator.
const SEEN_EVERY_MS: i64 = 60_000;

/// Marks an operator as signed in and active (at most one write a minute); one who comes back
/// after the duty window wakes the assignment step.
pub async fn seen(state: &AppState, session: &Session) -> Result<(), AppError> {
    if session.user.role()? != Role::Operator {
        return Ok(());
    }
    let now = state.clock.now_ms();
    let previous = {
        let mut seen = state.seen.lock().map_err(|_| AppError::Internal)?;
        let previous = seen.get(&session.user.id).copied();
        if previous.is_some_and(|at| now - at < SEEN_EVERY_MS) {
            return Ok(());
        }
        seen.insert(session.user.id, now);
        previous
    };
    let operator = session.user.id;
    state
        .db
        .write(move |conn| Box::pin(set_setting(conn, operator, Setting::LastSeenAt, now)))
        .await?;
    if previous.is_none_or(|at| now - at >= state.config.duty_window_ms) {
        state.wake_assignment();
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
pub(super) struct OperatorRow {
    pub(super) id: i64,
    pub(super) full_name: String,
    pub(super) disabled: i64,
    pub(super) capacity: Option<i64>,
    pub(super) on_break: Option<i64>,
    pub(super) on_duty: Option<i64>,
    pub(super) last_seen_at: Option<i64>,
    pub(super) last_assigned_at: Option<i64>,
    pub(super) tier: Option<i64>,
}

/// Everyone's plan and whether they are on duty now.
pub(super) struct Roster {
    pub(super) operators: Vec<OperatorRow>,
    pub(super) hours: HashMap<i64, Vec<WorkHours>>,
    pub(super) days_off: HashMap<i64, Vec<String>>,
    pub(super) skills: HashMap<i64, Vec<i64>>,
    /// Weekday (1 = Monday), minute of the day, and date, in the installation's time zone.
    pub(super) weekday: i64,
    pub(super) minute: i64,
    pub(super) today: String,
}

impl Roster {
    pub(super) async fn read(
        conn: &mut AnyConnection,
        state: &AppState,
        now: i64,
    ) -> Result<Roster, AppError> {
        let operators: Vec<OperatorRow> = sqlx::query_as(
            "SELECT u.id, u.full_name, u.disabled, s.capacity, s.on_break, s.on_duty, \
             s.last_seen_at, s.last_assigned_at, s.tier FROM users u \
             LEFT JOIN operator_settings s ON s.operator_id = u.id \
             WHERE u.role = 'operator' ORDER BY u.id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut hours: HashMap<i64, Vec<WorkHours>> = HashMap::new();
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT operator_id, weekday, start_minute, end_minute FROM work_hours \
             ORDER BY operator_id, weekday, start_minute",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (op, weekday, start_minute, end_minute) in rows {
            hours.entry(op).or_default().push(WorkHours {
                weekday,
                start_minute,
                end_minute,
            });
        }
        let mut days_off: HashMap<i64, Vec<String>> = HashMap::new();
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT operator_id, day FROM days_off ORDER BY operator_id, day")
                .fetch_all(&mut *conn)
                .await?;
        for (op, day) in rows {
            days_off.entry(op).or_default().push(day);
        }
        let mut skills: HashMap<i64, Vec<i64>> = HashMap::new();
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT operator_id, category_id FROM operator_skills ORDER BY operator_id, category_id",
        )
        .fetch_all(&mut *conn)
        .await?;
        for (op, category) in rows {
            skills.entry(op).or_default().push(category);
        }
        let local = jiff::Timestamp::from_millisecond(now)
            .map_err(|_| AppError::Internal)?
            .to_zoned(state.config.time_zone.clone());
        Ok(Roster {
            operators,
            hours,
            days_off,
            skills,
            weekday: i64::from(local.weekday().to_monday_one_offset()),
            minute: i64::from(local.hour()) * 60 + i64::from(local.minute()),
            today: local.date().to_string(),
        })
    }

    /// Today's shift, as `OperatorDuty::today` describes it.
    pub(super) fn today(&self, op: i64) -> String {
        let Some(hours) = self.hours.get(&op) else {
            return String::new();
        };
        let off = self
            .days_off
            .get(&op)
            .is_some_and(|d| d.contains(&self.today));
        let shift: Vec<String> = hours
            .iter()
            .filter(|h| h.weekday == self.weekday && !off)
            .map(|h| format!("{}–{}", clock(h.start_minute), clock(h.end_minute)))
            .collect();
        if shift.is_empty() {
            "-".to_string()
        } else {
            shift.join(", ")
        }
    }

    pub(super) fn on_duty(&self, op: &OperatorRow, state: &AppState, now: i64) -> bool {
        let active = op
            .last_seen_at
            .is_some_and(|at| now - at < state.config.duty_window_ms);
        let in_hours = self.hours.get(&op.id).is_none_or(|hours| {
            hours.iter().any(|h| {
                h.weekday == self.weekday
                    && h.start_minute <= self.minute
                    && self.minute < h.end_minute
            })
        });
        let day_off = self
            .days_off
            .get(&op.id)
            .is_some_and(|days| days.contains(&self.today));
        !flag(op.disabled) && active && !op.on_break.is_some_and(flag) && in_hours && !day_off
    }
}
