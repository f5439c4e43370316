//! The serialized step: under the assignment lock, read the snapshot, hand the queue out with
//! the pure rule, write each assignment with its history; hand back the work of operators who
//! went off duty.

use super::duty::Roster;
use super::{load_condition, load_sum, set_setting, Setting, DEFAULT_CAPACITY};
use crate::assignment::{plan, Operator, Waiting};
use crate::error::AppError;
use crate::events::Event;
use crate::events::{EventKind, Why};
use crate::server::db::flag;
use crate::server::history;
use crate::server::settings;
use crate::server::AppState;
use crate::tickets::Status;
use sqlx::AnyConnection;
use std::collections::HashSet;

/// One assignment step; how many tickets it assigned. Nothing when the installation assigns by
/// hand.
pub async fn run(state: &AppState) -> Result<usize, AppError> {
    if !state.config.automatic_assignment {
        return Ok(0);
    }
    // Read before the write: the step's transaction reads nothing through the pool.
    let weight = settings::chat_weight(state).await?;
    let state = state.clone();
    let lock = crate::server::db::assignment_lock(state.db.backend);
    let db = state.db.clone();
    db.write(move |conn| {
        Box::pin(async move {
            if let Some(sql) = lock {
                sqlx::query(sql).execute(&mut *conn).await?;
            }
            step(conn, &state, weight).await
        })
    })
    .await
}

/// The step in the writer's transaction; `weight`: what a chat under way counts in a load.
async fn step(conn: &mut AnyConnection, state: &AppState, weight: u32) -> Result<usize, AppError> {
    let now = state.clock.now_ms();
    let roster = Roster::read(conn, state, now).await?;
    let load = load_condition(state);
    let sum = load_sum(weight);
    let mut on_duty = Vec::new();
    for op in &roster.operators {
        let duty = roster.on_duty(op, state, now);
        if duty != op.on_duty.is_some_and(flag) {
            if !duty {
                hand_back(conn, state, op.id, now).await?;
            }
            set_setting(conn, op.id, Setting::OnDuty, i64::from(duty)).await?;
        }
        if duty {
            let capacity = op.capacity.unwrap_or(DEFAULT_CAPACITY);
            // Counted only up to the capacity: beyond it the operator takes nothing anyway.
            // A chat under way weighs the admin's `chat_weight` tickets.
            let current: i64 = sqlx::query_scalar(&format!(
                "SELECT {sum} FROM (SELECT id FROM tickets WHERE operator_id = $1 AND {load} \
                 LIMIT $2) AS active"
            ))
            .bind(op.id)
            .bind(capacity)
            .fetch_one(&mut *conn)
            .await?;
            on_duty.push(Operator {
                id: op.id,
                load: u32::try_from(current.min(capacity)).unwrap_or(u32::MAX),
                capacity: u32::try_from(capacity).unwrap_or(0),
                skills: roster.skills.get(&op.id).cloned().unwrap_or_default(),
                last_assigned_at: op.last_assigned_at,
                tier: op.tier.unwrap_or(1),
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
    let queue: Vec<(i64, Option<i64>, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.category_id, COALESCE(c.restricted, 0), t.tier FROM tickets t \
         LEFT JOIN categories c ON c.id = t.category_id WHERE t.status = 'open' \
         ORDER BY t.priority DESC, t.id ASC LIMIT $1",
    )
    .bind(spare * 4 + 100)
    .fetch_all(&mut *conn)
    .await?;
    let queue: Vec<Waiting> = queue
        .into_iter()
        .map(|(id, category, restricted, tier)| Waiting {
            id,
            category,
            restricted: flag(restricted),
            tier,
        })
        .collect();
    let made = plan(&mut on_duty, &queue, now);
    for a in &made {
        let to = (Status::Assigned, Some(a.operator));
        system_move(conn, a.ticket, (Status::Open, None), to, a.reason(), now).await?;
    }
    let assigned: HashSet<i64> = made.iter().map(|a| a.operator).collect();
    for op in assigned {
        set_setting(conn, op, Setting::LastAssignedAt, now).await?;
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
        "UPDATE tickets SET status = $1, operator_id = $2, updated_at = $3, proposed_at = NULL \
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
        to_name: None,
        why: Some(why),
    };
    history::record(conn, by_the_system(assigned)).await?;
    let status = EventKind::Status {
        from: from.0,
        to: to.0,
        reason: None,
        via: None,
    };
    history::record(conn, by_the_system(status)).await?;
    Ok(())
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
