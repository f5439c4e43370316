//! Fair assignment, the serialized step (DESIGN.md §4). `run` takes the assignment lock (one
//! row `FOR UPDATE` on PostgreSQL; SQLite's single writer), reads a snapshot — who is on duty,
//! their loads, capacities, skills and last assignments, and the waiting queue — hands the queue
//! out with the pure `crate::assignment::plan`, and writes each assignment with its history rows
//! (the reason carries the figures: `automatic:2/10:3`), all in one transaction.
//!
//! **On duty** = an operator account that is not disabled, seen within `Config::duty_window_ms` (any request:
//! `seen`), not on a break, inside their working hours (none set: no limit) and not on a day off,
//! in `Config::time_zone`. An operator who was on duty and no longer is hands back the tickets
//! not yet started (and the started ones too unless `keep_started_when_off_duty`).
//!
//! The step runs whenever something may change the outcome — a ticket created, reopened,
//! closed, returned or forced; a break switched; an operator's plan or a category changed; an
//! operator coming back — through `wake`, and every `TICK` anyway, for shifts that start and end
//! by the clock. Wake-ups during a run coalesce into one more run.

use super::auth::Session;
use super::db::flag;
use super::history::{self, Event, EventRow, Reader, EVENT_COLUMNS};
use super::AppState;
use crate::assignment::{plan, Operator, Waiting};
use crate::dto::{clock, Floor, OperatorDuty, OperatorPlan, Role, TicketEvent, WorkHours};
use crate::error::{AppError, Field, Problem};
use crate::events::{EventKind, Why};
use crate::tickets::Status;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// The step runs at least this often.
pub const TICK: Duration = Duration::from_secs(15);
/// `seen` writes at most this often per operator.
const SEEN_EVERY_MS: i64 = 60_000;

/// Asks for a run soon (coalesced).
pub fn wake(state: &AppState) {
    state.assign.notify_one();
}

/// The background loop of one server process.
pub async fn keep_assigning(state: AppState) {
    loop {
        tokio::select! {
            _ = state.assign.notified() => {}
            _ = tokio::time::sleep(TICK) => {}
        }
        if let Err(e) = run(&state).await {
            tracing::error!(error = %e, "assignment step failed");
        }
    }
}

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
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO operator_settings (operator_id, last_seen_at) VALUES ($1, $2) \
                     ON CONFLICT (operator_id) DO UPDATE SET last_seen_at = excluded.last_seen_at",
                )
                .bind(operator)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await?;
    if previous.is_none_or(|at| now - at >= state.config.duty_window_ms) {
        wake(state);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct OperatorRow {
    id: i64,
    full_name: String,
    disabled: i64,
    capacity: Option<i64>,
    on_break: Option<i64>,
    on_duty: Option<i64>,
    last_seen_at: Option<i64>,
    last_assigned_at: Option<i64>,
}

/// Everyone's plan and whether they are on duty now.
struct Roster {
    operators: Vec<OperatorRow>,
    hours: HashMap<i64, Vec<WorkHours>>,
    days_off: HashMap<i64, Vec<String>>,
    skills: HashMap<i64, Vec<i64>>,
    /// Weekday (1 = Monday), minute of the day, and date, in the installation's time zone.
    weekday: i64,
    minute: i64,
    today: String,
}

impl Roster {
    async fn read(
        conn: &mut AnyConnection,
        state: &AppState,
        now: i64,
    ) -> Result<Roster, AppError> {
        let operators: Vec<OperatorRow> = sqlx::query_as(
            "SELECT u.id, u.full_name, u.disabled, s.capacity, s.on_break, s.on_duty, \
             s.last_seen_at, s.last_assigned_at FROM users u \
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
    fn today(&self, op: i64) -> String {
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

    fn on_duty(&self, op: &OperatorRow, state: &AppState, now: i64) -> bool {
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

const DEFAULT_CAPACITY: i64 = 10;

/// Statuses that count as load.
fn load_condition(state: &AppState) -> &'static str {
    if state.config.returned_counts_as_load {
        "status IN ('assigned', 'in_progress', 'returned_to_client')"
    } else {
        "status IN ('assigned', 'in_progress')"
    }
}

/// One assignment step; how many tickets it assigned. Nothing when the installation assigns by
/// hand.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    if !state.config.automatic_assignment {
        return Ok(0);
    }
    let state = state.clone();
    let lock = super::db::assignment_lock(state.db.backend);
    let db = state.db.clone();
    db.write(move |conn| {
        Box::pin(async move {
            if let Some(sql) = lock {
                sqlx::query(sql).execute(&mut *conn).await?;
            }
            step(conn, &state).await
        })
    })
    .await
}

async fn step(conn: &mut AnyConnection, state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now_ms();
    let roster = Roster::read(conn, state, now).await?;
    let load = load_condition(state);
    let mut on_duty = Vec::new();
    for op in &roster.operators {
        let duty = roster.on_duty(op, state, now);
        if duty != op.on_duty.is_some_and(flag) {
            if !duty {
                hand_back(conn, state, op.id, now).await?;
            }
            sqlx::query(
                "INSERT INTO operator_settings (operator_id, on_duty) VALUES ($1, $2) \
                 ON CONFLICT (operator_id) DO UPDATE SET on_duty = excluded.on_duty",
            )
            .bind(op.id)
            .bind(i64::from(duty))
            .execute(&mut *conn)
            .await?;
        }
        if duty {
            let capacity = op.capacity.unwrap_or(DEFAULT_CAPACITY);
            // Counted only up to the capacity: beyond it the operator takes nothing anyway.
            let current: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE operator_id = $1 AND {load} \
                 LIMIT $2) AS active"
            ))
            .bind(op.id)
            .bind(capacity)
            .fetch_one(&mut *conn)
            .await?;
            on_duty.push(Operator {
                id: op.id,
                load: u32::try_from(current).unwrap_or(u32::MAX),
                capacity: u32::try_from(capacity).unwrap_or(0),
                skills: roster.skills.get(&op.id).cloned().unwrap_or_default(),
                last_assigned_at: op.last_assigned_at,
            });
        }
    }
    let spare: i64 = on_duty
        .iter()
        .map(|o| i64::from(o.capacity.saturating_sub(o.load)))
        .sum();
    if spare == 0 {
        return Ok(0);
    }
    // The head of the queue; skill limits may skip some, so read a few times the spare room.
    let queue: Vec<(i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT t.id, t.category_id, COALESCE(c.restricted, 0) FROM tickets t \
         LEFT JOIN categories c ON c.id = t.category_id WHERE t.status = 'open' \
         ORDER BY t.priority DESC, t.id ASC LIMIT $1",
    )
    .bind(spare * 4 + 100)
    .fetch_all(&mut *conn)
    .await?;
    let queue: Vec<Waiting> = queue
        .into_iter()
        .map(|(id, category, restricted)| Waiting {
            id,
            category,
            restricted: flag(restricted),
        })
        .collect();
    let made = plan(&mut on_duty, &queue, now);
    for a in &made {
        let to = (Status::Assigned, Some(a.operator));
        system_move(conn, a.ticket, (Status::Open, None), to, a.reason(), now).await?;
    }
    let assigned: HashSet<i64> = made.iter().map(|a| a.operator).collect();
    for op in assigned {
        sqlx::query(
            "INSERT INTO operator_settings (operator_id, last_assigned_at) VALUES ($1, $2) \
             ON CONFLICT (operator_id) DO UPDATE SET last_assigned_at = excluded.last_assigned_at",
        )
        .bind(op)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(made.len())
}

/// The system moves a ticket — to an operator, or back to the queue — under a guard on the
/// status it read, and writes the change's two history rows (`assigned` with the reason,
/// `status`), with no actor.
async fn system_move(
    conn: &mut AnyConnection,
    ticket: i64,
    from: (Status, Option<i64>),
    to: (Status, Option<i64>),
    why: Why,
    now: i64,
) -> Result<(), AppError> {
    let updated = sqlx::query(
        "UPDATE tickets SET status = $1, operator_id = $2, updated_at = $3 \
         WHERE id = $4 AND status = $5",
    )
    .bind(to.0.as_str())
    .bind(to.1)
    .bind(now)
    .bind(ticket)
    .bind(from.0.as_str())
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        // Read in this same serialized transaction: a mismatch is a bug, not a race.
        return Err(AppError::Internal);
    }
    let by_the_system = |what| Event {
        ticket,
        actor: None,
        at: now,
        what,
    };
    let assigned = EventKind::Assigned {
        from: from.1,
        to: to.1,
        why: Some(why),
    };
    history::record(conn, by_the_system(assigned)).await?;
    let status = EventKind::Status {
        from: from.0,
        to: to.0,
        reason: None,
    };
    history::record(conn, by_the_system(status)).await
}

/// An operator went off duty: their unstarted tickets (and the started ones, unless they keep
/// them) go back to the queue, each with its history rows.
async fn hand_back(
    conn: &mut AnyConnection,
    state: &AppState,
    operator: i64,
    now: i64,
) -> Result<(), AppError> {
    let statuses = if state.config.keep_started_when_off_duty {
        "status = 'assigned'"
    } else {
        "status IN ('assigned', 'in_progress')"
    };
    let tickets: Vec<(i64, String)> = sqlx::query_as(&format!(
        "SELECT id, status FROM tickets WHERE operator_id = $1 AND {statuses} ORDER BY id"
    ))
    .bind(operator)
    .fetch_all(&mut *conn)
    .await?;
    for (id, status) in tickets {
        let from = (
            Status::parse(&status).ok_or(AppError::Internal)?,
            Some(operator),
        );
        system_move(conn, id, from, (Status::Open, None), Why::OffDuty, now).await?;
    }
    Ok(())
}

/// The floor as the admin sees it.
pub async fn floor(state: &AppState) -> Result<Floor, AppError> {
    let now = state.clock.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let roster = Roster::read(&mut conn, state, now).await?;
    let loads: Vec<(i64, i64, i64)> = sqlx::query_as(&format!(
        "SELECT operator_id, COUNT(*), SUM(CASE WHEN status = 'assigned' THEN 1 ELSE 0 END) \
         FROM tickets WHERE operator_id IS NOT NULL AND {} GROUP BY operator_id",
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
                },
                full_name: op.full_name.clone(),
                on_duty: roster.on_duty(op, state, now),
                on_break: op.on_break.is_some_and(flag),
                load,
                not_started,
                today: roster.today(op.id),
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
    for h in &input.hours {
        let fits = (1..=7).contains(&h.weekday)
            && (0..1440).contains(&h.start_minute)
            && h.start_minute < h.end_minute
            && h.end_minute <= 1440;
        if !fits {
            return Err(AppError::invalid(Field::WorkHours, Problem::Malformed));
        }
    }
    for day in &input.days_off {
        if day.parse::<jiff::civil::Date>().is_err() {
            return Err(AppError::invalid(Field::DaysOff, Problem::Malformed));
        }
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
                sqlx::query(
                    "INSERT INTO operator_settings (operator_id, capacity) VALUES ($1, $2) \
                     ON CONFLICT (operator_id) DO UPDATE SET capacity = excluded.capacity",
                )
                .bind(op)
                .bind(input.capacity)
                .execute(&mut *conn)
                .await?;
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
    wake(state);
    floor(state).await
}

/// The operator's own break switch; their duty as they see it.
pub async fn set_break(
    state: &AppState,
    session: &Session,
    on_break: bool,
) -> Result<OperatorDuty, AppError> {
    sqlx::query(
        "INSERT INTO operator_settings (operator_id, on_break) VALUES ($1, $2) \
         ON CONFLICT (operator_id) DO UPDATE SET on_break = excluded.on_break",
    )
    .bind(session.user.id)
    .bind(i64::from(on_break))
    .execute(&state.db.pool)
    .await?;
    // Going on a break is going off duty: settle it now, not at the next tick.
    run(state).await?;
    my_duty(state, session).await
}

/// The operator's own duty, load and plan.
pub async fn my_duty(state: &AppState, session: &Session) -> Result<OperatorDuty, AppError> {
    floor(state)
        .await?
        .operators
        .into_iter()
        .find(|o| o.plan.operator_id == session.user.id)
        .ok_or(AppError::NotFound)
}

const HISTORY_PAGE: i64 = 50;

/// An operator's work, newest first: the steps they took (moves, messages, notes, edits) and
/// every assignment to them or away from them, with its reason. Read by index from the event
/// log, a page at a time.
pub async fn work_history(
    state: &AppState,
    operator: i64,
    before: Option<i64>,
) -> Result<crate::dto::WorkHistory, AppError> {
    let before = before.unwrap_or(i64::MAX);
    let me = operator.to_string();
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM ( \
           SELECT id FROM (SELECT id FROM ticket_events WHERE actor_id = $1 AND id < $2 \
             ORDER BY id DESC LIMIT $4) AS mine \
           UNION SELECT id FROM (SELECT id FROM ticket_events WHERE kind = 'assigned' \
             AND to_value = $3 AND id < $2 ORDER BY id DESC LIMIT $4) AS given \
           UNION SELECT id FROM (SELECT id FROM ticket_events WHERE kind = 'assigned' \
             AND from_value = $3 AND id < $2 ORDER BY id DESC LIMIT $4) AS taken \
         ) AS ids JOIN ticket_events e ON e.id = ids.id \
         LEFT JOIN users u ON u.id = e.actor_id ORDER BY e.id DESC LIMIT $4"
    ))
    .bind(operator)
    .bind(before)
    .bind(&me)
    .bind(HISTORY_PAGE)
    .fetch_all(&state.db.pool)
    .await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        let ticket = row.ticket_id;
        entries.push(TicketEvent {
            ticket: Some((ticket, crate::tickets::reference(ticket))),
            ..row.into_event(Reader::Staff)?
        });
    }
    let full = entries.len() as i64 == HISTORY_PAGE;
    let next = full.then(|| entries[entries.len() - 1].id);
    Ok(crate::dto::WorkHistory { entries, next })
}
