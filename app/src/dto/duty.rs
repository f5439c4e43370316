//! The wire's types of the floor and service levels: working hours, operators' plans and duty, work
//! histories, policies and clocks.

use serde::{Deserialize, Serialize};

use super::TicketEvent;

/// Working hours on one weekday (1 Monday … 7 Sunday), minutes since midnight, [start, end).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct WorkHours {
    pub weekday: i64,
    pub start_minute: i64,
    pub end_minute: i64,
}

/// `510` → `08:30`: a minute of the day as a clock time.
pub fn clock(minute: i64) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `08:30` → `510`.
pub fn minute_of(clock: &str) -> Option<i64> {
    let (h, m) = clock.split_once(':')?;
    Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?)
}

/// A service-level policy: for tickets of one priority (and one category, or any), how long
/// until the first answer, until the next answer after the client wrote, and until the close —
/// in the working hours of `ServiceLevels` or in calendar hours. The clocks stand still while a
/// ticket is returned to its client.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SlaPolicy {
    pub priority: crate::tickets::Priority,
    /// `None`: any category without a policy of its own.
    pub category_id: Option<i64>,
    pub first_response_minutes: i64,
    pub next_response_minutes: Option<i64>,
    pub resolution_minutes: i64,
    pub business_hours: bool,
}

/// The service levels: the policies, the working week and holidays they count in (the
/// installation's time zone), and the share of a target at which a clock turns to a warning.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceLevels {
    pub policies: Vec<SlaPolicy>,
    /// Empty: every hour counts, also for policies in working hours.
    pub hours: Vec<WorkHours>,
    /// `YYYY-MM-DD`.
    pub holidays: Vec<String>,
    pub warn_percent: i64,
    /// A missed target takes the ticket up one support tier (when that tier has operators).
    #[serde(default)]
    pub escalate_on_breach: bool,
}

pub use crate::events::SlaTarget;

/// Where a clock stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    /// Counting (overdue when `left_ms` is below zero).
    Running,
    /// Standing still: the ticket is returned to its client or closed.
    Paused,
    /// Stopped by what it waited for, in time.
    Met,
    /// Stopped by what it waited for, too late.
    Missed,
}

/// One service-level clock of a ticket, as staff see it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaClock {
    pub target: SlaTarget,
    pub state: SlaState,
    /// The target, in milliseconds of the policy's calendar.
    pub target_ms: i64,
    /// Working time left (below zero: overdue by that much).
    pub left_ms: i64,
    /// While running: the moment the target is (or was) reached.
    pub due_at: Option<i64>,
    /// Running and near its end: the admin's warning share of the target used.
    #[serde(default)]
    pub near: bool,
}

/// Service-level attainment of the tickets created in a period (`stats/sla`): per policy and
/// per operator, how many had clocks and how many missed each target.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct SlaAttainment {
    pub policies: Vec<AttainmentRow>,
    pub operators: Vec<AttainmentRow>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AttainmentRow {
    /// A policy's row: its priority, and its category's name (`None`: any category).
    pub priority: Option<crate::tickets::Priority>,
    pub category: Option<String>,
    /// An operator's row: their name (`None`: nobody has the ticket).
    pub operator: Option<String>,
    pub tickets: i64,
    /// Tickets that missed their first response, next response and resolution (`SlaTarget::ALL`).
    pub missed: [i64; 3],
}

/// What the admin sets for an operator's share of the work.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OperatorPlan {
    pub operator_id: i64,
    pub capacity: i64,
    /// Categories held; empty: no limits.
    pub skills: Vec<i64>,
    /// Empty: no hour limits.
    pub hours: Vec<WorkHours>,
    /// Days off, `YYYY-MM-DD` in the installation's time zone.
    pub days_off: Vec<String>,
    /// Their support tier: 1 (first line) to 9.
    #[serde(default = "first_tier")]
    pub tier: i64,
}

fn first_tier() -> i64 {
    1
}

/// An operator's duty, load and plan, as the admin sees them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct OperatorDuty {
    pub plan: OperatorPlan,
    pub full_name: String,
    pub on_duty: bool,
    pub on_break: bool,
    /// Active tickets now.
    pub load: i64,
    /// Assigned, not yet started: what goes back to the queue when they go off duty.
    pub not_started: i64,
    /// Today's shift in the installation's time zone: `08:00–16:00` (several joined by `, `),
    /// `-` for a day off or no hours today, empty when the operator has no hour limits.
    pub today: String,
    /// The operator's own view only: their tickets past a service-level target, and those near
    /// one (`SlaClock::near`).
    #[serde(default)]
    pub overdue: i64,
    #[serde(default)]
    pub near: i64,
}

/// An operator's work history, newest first, a page at a time: history rows of the tickets
/// they worked on, each naming its ticket (`TicketEvent::ticket`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WorkHistory {
    pub entries: Vec<TicketEvent>,
    /// Pass as `before` for the next page.
    pub next: Option<i64>,
}

/// The floor: every operator's duty and load, and the spread among those on duty.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Floor {
    pub operators: Vec<OperatorDuty>,
    /// Highest minus lowest load among operators on duty; `None` when nobody is.
    pub spread: Option<i64>,
    pub time_zone: String,
}

#[cfg(test)]
mod tests {
    use super::{clock, minute_of};

    #[test]
    fn clock_times_go_both_ways() {
        assert_eq!(clock(510), "08:30");
        assert_eq!(clock(1440), "24:00");
        assert_eq!(minute_of("08:30"), Some(510));
        assert_eq!(minute_of(&clock(0)), Some(0));
        assert_eq!(minute_of(""), None);
        assert_eq!(minute_of("8h"), None);
    }
}
