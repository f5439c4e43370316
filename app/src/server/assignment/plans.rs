//! The floor and the operators' plans: what the admin sees and sets, and an operator's own
//! break switch and duty.

use super::duty::Roster;
use super::step::run;
use super::{load_condition, load_sum, set_setting, Setting, DEFAULT_CAPACITY};
use crate::dto::{Floor, OperatorDuty, OperatorPlan};
use crate::error::{AppError, Field, Problem};
use crate::server::auth::Session;
use crate::server::db::flag;
use crate::server::settings;
use crate::server::AppState;
use std::collections::{HashMap, HashSet};

/// The floor as the admin sees it.
pub async fn floor(state: &AppState) -> Result<Floor, AppError> {
    let now = state.clock.now_ms();
    // A chat under way weighs the admin's `chat_weight` tickets. Read before this call holds a
    // connection of its own: a call never waits for a second one while holding one (under load,
    // all of them holding one would leave none).
    let weight = settings::chat_weight(state).await?;
    let mut conn = state.db.pool.acquire().await?;
    let roster = Roster::read(&mut conn, state, now).await?;
    let loads: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT operator_id, {}, SUM(CASE WHEN status = 'assigned' THEN 1 ELSE 0 END) \
         FROM tickets WHERE operator_id IS NOT NULL AND {} GROUP BY operator_id",
        load_sum(weight),
        load_condition(state)
    ))
    .fetch_all(&mut *conn)
    .await?;
    let loads: HashMap<i64, (i64, i64)> = loads.into_iter().map(|(o, l, n)| (o, (l, n))).collect();
    let operators: Vec<OperatorDuty> = roster
        .operators
        .iter()
        .filter(|op| !flag(op.disabled))
        .map(|op| {
            let (load, not_started) = loads.get(&op.id).copied().unwrap_or((0, 0));
            OperatorDuty {
                plan: OperatorPlan {
                    operator_id: op.id,
                    capacity: op.capacity.unwrap_or(DEFAULT_CAPACITY),
                    skills: roster.skills.get(&op.id).cloned().unwrap_or_default(),
                    hours: roster.hours.get(&op.id).cloned().unwrap_or_default(),
                    days_off: roster.days_off.get(&op.id).cloned().unwrap_or_default(),
                    tier: op.tier.unwrap_or(1),
                },
                full_name: op.full_name.clone(),
                on_duty: roster.on_duty(op, state, now),
                on_break: op.on_break.is_some_and(flag),
                load,
                not_started,
                today: roster.today(op.id),
                overdue: 0,
                near: 0,
            }
        })
        .collect();
    let duty_loads = operators.iter().filter(|o| o.on_duty).map(|o| o.load);
    let spread = duty_loads
        .clone()
        .max()
        .zip(duty_loads.min())
        .map(|(high, low)| high - low);
    Ok(Floor {
        operators,
        spread,
        time_zone: state.config.time_zone_name(),
    })
}

/// The admin sets an operator's capacity, skills, working hours and days off.
pub async fn set_plan(state: &AppState, input: &OperatorPlan) -> Result<Floor, AppError> {
    if !(0..=1000).contains(&input.capacity) {
        return Err(AppError::invalid(Field::Capacity, Problem::Malformed));
    }
    crate::server::input::checked_week(&input.hours, &input.days_off, Field::DaysOff)?;
    if !(1..=9).contains(&input.tier) {
        return Err(AppError::invalid(
            Field::Tier,
            Problem::OutOfRange { min: 1, max: 9 },
        ));
    }
    let is_operator: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND role = 'operator'")
            .bind(input.operator_id)
            .fetch_optional(&state.db.pool)
            .await?;
    if is_operator.is_none() {
        return Err(AppError::NotFound);
    }
    let input = input.clone();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let op = input.operator_id;
                set_setting(conn, op, Setting::Capacity, input.capacity).await?;
                set_setting(conn, op, Setting::Tier, input.tier).await?;
                for table in ["operator_skills", "work_hours", "days_off"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE operator_id = $1"))
                        .bind(op)
                        .execute(&mut *conn)
                        .await?;
                }
                for category in input.skills.iter().collect::<HashSet<_>>() {
                    sqlx::query(
                        "INSERT INTO operator_skills (operator_id, category_id) \
                         SELECT $1, id FROM categories WHERE id = $2",
                    )
                    .bind(op)
                    .bind(category)
                    .execute(&mut *conn)
                    .await?;
                }
                for h in &input.hours {
                    sqlx::query(
                        "INSERT INTO work_hours (operator_id, weekday, start_minute, end_minute) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    )
                    .bind(op)
                    .bind(h.weekday)
                    .bind(h.start_minute)
                    .bind(h.end_minute)
                    .execute(&mut *conn)
                    .await?;
                }
                for day in input.days_off.iter().collect::<HashSet<_>>() {
                    sqlx::query("INSERT INTO days_off (operator_id, day) VALUES ($1, $2)")
                        .bind(op)
                        .bind(day)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .await?;
    state.wake_assignment();
    crate::server::live::floor_changed(state).await;
    floor(state).await
}

/// The operator's own break switch; their duty as they see it.
pub async fn set_break(
    state: &AppState,
    session: &Session,
    on_break: bool,
) -> Result<OperatorDuty, AppError> {
    let (operator, value) = (session.user.id, i64::from(on_break));
    state
        .db
        .write(move |conn| Box::pin(set_setting(conn, operator, Setting::OnBreak, value)))
        .await?;
    // Going on a break is going off duty: settle it now, not at the next tick.
    run(state).await?;
    crate::server::live::floor_changed(state).await;
    my_duty(state, session).await
}

/// The operator's own duty, load and plan, and how many of their tickets are overdue or near a
/// service-level target.
pub async fn my_duty(state: &AppState, session: &Session) -> Result<OperatorDuty, AppError> {
    let duty = floor(state)
        .await?
        .operators
        .into_iter()
        .find(|o| o.plan.operator_id == session.user.id)
        .ok_or(AppError::NotFound)?;
    let (overdue, near) = crate::server::sla::urgency_of(state, session.user.id).await?;
    Ok(OperatorDuty {
        overdue,
        near,
        ..duty
    })
}
