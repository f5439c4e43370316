//! Service levels: the admin's policies, working week and holidays (`levels`, `set_levels`),
//! and each ticket's clocks, folded from its log when it is read (`clock`) in the time of its
//! policy's calendar (`calendar`). Nothing is stored per ticket: a policy changed today applies
//! to every ticket of its priority at once, and the clocks always agree with the history.

pub mod calendar;
pub mod clock;
pub mod watch;

use super::history::log_of;
use super::input::checked_week;
use super::{settings, AppState};
use crate::dto::{ServiceLevels, SlaClock, SlaPolicy};
use crate::error::{AppError, Field, Problem};
use crate::events::Event;
use crate::events::EventKind;
use crate::tickets::Priority;
use calendar::Calendar;
use clock::{Mark, Reading, Targets};

const HOURS: &str = "sla_hours";
const HOLIDAYS: &str = "sla_holidays";
const WARN_PERCENT: &str = "sla_warn_percent";
const ESCALATE: &str = "sla_escalate_on_breach";
pub const WARN_PERCENT_DEFAULT: i64 = 75;
/// The longest target: a year.
const MINUTES_MAX: i64 = 366 * 24 * 60;

#[derive(sqlx::FromRow)]
struct PolicyRow {
    priority: i64,
    category_id: Option<i64>,
    first_response_minutes: i64,
    next_response_minutes: Option<i64>,
    resolution_minutes: i64,
    business_hours: i64,
}

impl PolicyRow {
    fn into_policy(self) -> SlaPolicy {
        SlaPolicy {
            priority: Priority::from_rank(self.priority),
            category_id: self.category_id,
            first_response_minutes: self.first_response_minutes,
            next_response_minutes: self.next_response_minutes,
            resolution_minutes: self.resolution_minutes,
            business_hours: self.business_hours != 0,
        }
    }
}

fn json<T: serde::de::DeserializeOwned + Default>(text: Option<String>) -> T {
    text.and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// The service levels as the admin set them (most urgent priority first).
pub async fn levels(state: &AppState) -> Result<ServiceLevels, AppError> {
    levels_with(state, policies(state).await?).await
}

/// The policies, most urgent priority first.
async fn policies(state: &AppState) -> Result<Vec<SlaPolicy>, AppError> {
    let rows: Vec<PolicyRow> = sqlx::query_as(
        "SELECT priority, category_id, first_response_minutes, next_response_minutes, \
         resolution_minutes, business_hours FROM sla_policies \
         ORDER BY priority DESC, category_id IS NOT NULL, category_id",
    )
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.into_iter().map(PolicyRow::into_policy).collect())
}

/// The service levels around these policies: the calendar and warning settings.
async fn levels_with(
    state: &AppState,
    policies: Vec<SlaPolicy>,
) -> Result<ServiceLevels, AppError> {
    Ok(ServiceLevels {
        policies,
        hours: json(settings::get(state, HOURS).await?),
        holidays: json(settings::get(state, HOLIDAYS).await?),
        warn_percent: settings::get(state, WARN_PERCENT)
            .await?
            .and_then(|p| p.parse().ok())
            .unwrap_or(WARN_PERCENT_DEFAULT),
        escalate_on_breach: settings::get(state, ESCALATE).await?.as_deref() == Some("1"),
    })
}

/// Replaces the service levels, all checked first: targets from a minute to a year, one policy
/// per priority and category, categories that exist, a working week and holidays as the floor's
/// plans take them, a warning between 1 and 99 % of a target.
pub async fn set_levels(
    state: &AppState,
    input: &ServiceLevels,
) -> Result<ServiceLevels, AppError> {
    if !(1..=99).contains(&input.warn_percent) {
        return Err(AppError::invalid(
            Field::WarnPercent,
            Problem::OutOfRange { min: 1, max: 99 },
        ));
    }
    let mut holidays = checked_week(&input.hours, &input.holidays, Field::Holidays)?;
    holidays.sort_unstable();
    holidays.dedup();
    let range = Problem::OutOfRange {
        min: 1,
        max: MINUTES_MAX,
    };
    let mut seen = Vec::new();
    for p in &input.policies {
        let minutes = [
            Some(p.first_response_minutes),
            p.next_response_minutes,
            Some(p.resolution_minutes),
        ];
        if minutes
            .into_iter()
            .flatten()
            .any(|m| !(1..=MINUTES_MAX).contains(&m))
        {
            return Err(AppError::invalid(Field::SlaPolicy, range));
        }
        if seen.contains(&(p.priority, p.category_id)) {
            return Err(AppError::invalid(Field::SlaPolicy, Problem::Taken));
        }
        seen.push((p.priority, p.category_id));
        if let Some(category) = p.category_id {
            let known: Option<i64> = sqlx::query_scalar("SELECT id FROM categories WHERE id = $1")
                .bind(category)
                .fetch_optional(&state.db.pool)
                .await?;
            if known.is_none() {
                return Err(AppError::invalid(Field::Category, Problem::Malformed));
            }
        }
    }
    let policies = input.policies.clone();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("DELETE FROM sla_policies")
                    .execute(&mut *conn)
                    .await?;
                for p in policies {
                    sqlx::query(
                        "INSERT INTO sla_policies (priority, category_id, \
                         first_response_minutes, next_response_minutes, resolution_minutes, \
                         business_hours) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(p.priority.rank())
                    .bind(p.category_id)
                    .bind(p.first_response_minutes)
                    .bind(p.next_response_minutes)
                    .bind(p.resolution_minutes)
                    .bind(i64::from(p.business_hours))
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            })
        })
        .await?;
    let hours = serde_json::to_string(&input.hours).map_err(|_| AppError::Internal)?;
    settings::put(state, HOURS, hours).await?;
    let days: Vec<String> = holidays.iter().map(ToString::to_string).collect();
    let days = serde_json::to_string(&days).map_err(|_| AppError::Internal)?;
    settings::put(state, HOLIDAYS, days).await?;
    settings::put(state, WARN_PERCENT, input.warn_percent.to_string()).await?;
    let escalate = i64::from(input.escalate_on_breach).to_string();
    settings::put(state, ESCALATE, escalate).await?;
    levels(state).await
}

/// Everything a ticket's clocks are read with: the policies and the two calendars.
pub struct Book {
    policies: Vec<SlaPolicy>,
    business: Calendar,
    always: Calendar,
    pub warn_percent: i64,
    /// A missed target takes the ticket up one tier.
    pub escalate: bool,
}

impl Book {
    /// The policies in force, or `None` when there are none (no ticket has clocks).
    pub async fn open(state: &AppState) -> Result<Option<Book>, AppError> {
        // Every staff list opens the book: without policies (most desks) the settings are
        // not read at all.
        let policies = policies(state).await?;
        if policies.is_empty() {
            return Ok(None);
        }
        let levels = levels_with(state, policies).await?;
        let zone = state.config.time_zone.clone();
        let holidays = levels
            .holidays
            .iter()
            .filter_map(|d| d.parse().ok())
            .collect();
        Ok(Some(Book {
            policies: levels.policies,
            business: Calendar {
                zone: zone.clone(),
                hours: levels.hours,
                holidays,
            },
            always: Calendar::always(zone),
            warn_percent: levels.warn_percent,
            escalate: levels.escalate_on_breach,
        }))
    }

    /// The policy for a ticket of this priority and category: its category's own, else the
    /// priority's for any category.
    pub fn policy(&self, priority: Priority, category: Option<i64>) -> Option<&SlaPolicy> {
        let of = |c: Option<i64>| {
            self.policies
                .iter()
                .find(|p| p.priority == priority && p.category_id == c)
        };
        category.and_then(|c| of(Some(c))).or_else(|| of(None))
    }

    /// A ticket's clocks from its log, as the server reads them (none without a policy).
    pub fn readings(&self, ticket: &Ticket, log: &[Event], now: i64) -> Vec<Reading> {
        let Some(policy) = self.policy(ticket.priority, ticket.category) else {
            return Vec::new();
        };
        let Some(created) = log
            .iter()
            .find(|e| matches!(e.what, EventKind::Created))
            .map(|e| e.at)
        else {
            return Vec::new();
        };
        let minutes = |m: i64| m * 60_000;
        let targets = Targets {
            first_response: minutes(policy.first_response_minutes),
            next_response: policy.next_response_minutes.map(minutes),
            resolution: minutes(policy.resolution_minutes),
        };
        let calendar = if policy.business_hours {
            &self.business
        } else {
            &self.always
        };
        let marks = marks(log, ticket.client);
        clock::clocks(targets, calendar, created, &marks, (self.warn_percent, now))
    }

    /// The readings of a ticket, from its log.
    pub async fn readings_of(
        &self,
        state: &AppState,
        ticket: &Ticket,
    ) -> Result<Vec<Reading>, AppError> {
        if self.policy(ticket.priority, ticket.category).is_none() {
            return Ok(Vec::new());
        }
        let log = log_of(&state.db.pool, ticket.id).await?;
        Ok(self.readings(ticket, &log, state.clock.now_ms()))
    }

    /// A ticket's clocks as staff see them.
    pub async fn clocks_of(
        &self,
        state: &AppState,
        ticket: &Ticket,
    ) -> Result<Vec<SlaClock>, AppError> {
        let readings = self.readings_of(state, ticket).await?;
        Ok(readings.into_iter().map(|r| r.clock).collect())
    }
}

/// The tickets not closed — of one operator, or all — as the clocks need them.
pub async fn open_tickets(
    state: &AppState,
    operator: Option<i64>,
) -> Result<Vec<Ticket>, AppError> {
    let rows: Vec<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT id, priority, category_id, client_id FROM tickets \
         WHERE status <> 'closed' AND ($1 IS NULL OR operator_id = $1)",
    )
    .bind(operator)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, priority, category, client)| Ticket {
            id,
            priority: Priority::from_rank(priority),
            category,
            client,
        })
        .collect())
}

/// Of an operator's active tickets, how many are past a service-level target and how many are
/// near one.
pub async fn urgency_of(state: &AppState, operator: i64) -> Result<(i64, i64), AppError> {
    let Some(book) = Book::open(state).await? else {
        return Ok((0, 0));
    };
    let now = state.clock.now_ms();
    let (mut overdue, mut near) = (0, 0);
    for ticket in open_tickets(state, Some(operator)).await? {
        let clocks = book.clocks_of(state, &ticket).await?;
        if let Some(urgent) = clock::most_urgent(&clocks) {
            if urgent.due_at.is_some_and(|due| due <= now) {
                overdue += 1;
            } else if urgent.near {
                near += 1;
            }
        }
    }
    Ok((overdue, near))
}

/// What choosing a ticket's policy and reading its log need of it.
#[derive(Clone, Copy, Debug)]
pub struct Ticket {
    pub id: i64,
    pub priority: Priority,
    pub category: Option<i64>,
    pub client: i64,
}

/// What the clocks read of a log: messages by side, and the status after each move.
fn marks(log: &[Event], client: i64) -> Vec<(i64, Mark)> {
    log.iter()
        .filter_map(|e| {
            let mark = match &e.what {
                EventKind::Message { .. } if e.actor == Some(client) => Mark::ClientMessage,
                EventKind::Message { .. } => Mark::StaffMessage,
                EventKind::Status { to, .. } | EventKind::Forced { to, .. } => Mark::Status(*to),
                _ => return None,
            };
            Some((e.at, mark))
        })
        .collect()
}
