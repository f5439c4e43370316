//! The wire's types of statistics: measures, periods, filters, figures, saved reports and the
//! admin's overview.

use serde::{Deserialize, Serialize};

use super::{OperatorDuty, RatedTicket};

/// What a saved report shows in each of its columns.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Created,
    Closed,
    Reopened,
    /// Closed by the client confirming a proposed solution.
    Confirmed,
    /// Closed by itself, the client silent on a proposed solution.
    Lapsed,
    /// Tickets assigned (by operator).
    Handled,
    /// Medians.
    FirstResponse,
    Resolution,
    Satisfied,
    /// Tickets not closed at the end of each step (by time).
    Backlog,
}

impl Measure {
    pub const ALL: [Measure; 10] = [
        Measure::Created,
        Measure::Closed,
        Measure::Reopened,
        Measure::Confirmed,
        Measure::Lapsed,
        Measure::Handled,
        Measure::FirstResponse,
        Measure::Resolution,
        Measure::Satisfied,
        Measure::Backlog,
    ];
}

/// What a saved report's rows are.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// One row per step of the period (hour, day, week).
    Time,
    Category,
    Priority,
    Operator,
}

/// A report as saved: its columns, its rows, and the statistics it reads.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ReportDefinition {
    pub measures: Vec<Measure>,
    pub breakdown: Breakdown,
    pub query: StatsQuery,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SavedReport {
    pub id: i64,
    pub name: String,
    pub definition: ReportDefinition,
}

/// A report to save under `name`; one of the same name (whatever its case) is replaced.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SaveReport {
    pub name: String,
    pub definition: ReportDefinition,
}

/// The admin's home: what needs attention now, at a glance, each part leading to its page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Overview {
    /// Tickets waiting for an operator, and the one waiting longest.
    pub waiting: i64,
    pub oldest_waiting: Option<WaitingTicket>,
    /// The operators on duty now, with their loads.
    pub on_duty: Vec<OperatorDuty>,
    /// Today in the installation's time zone, as the statistics count it.
    pub today: Figures,
    /// The tickets closed in the last 7 days, as the statistics count them: rated good, bad.
    pub week_good: i64,
    pub week_bad: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WaitingTicket {
    pub id: i64,
    pub reference: String,
    pub subject: String,
    pub created_at: i64,
}

/// A period of statistics, in the installation's time zone.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Today,
    Last7Days,
    Last30Days,
    ThisMonth,
    /// From the first day to the last, both included (`YYYY-MM-DD`).
    Custom {
        from: String,
        to: String,
    },
}

/// The time step of a chart.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Bucket {
    Hour,
    Day,
    Week,
}

/// Which tickets count: each filter by the ticket's current value, none set: all.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct StatsFilter {
    pub category_id: Option<i64>,
    pub priority: Option<crate::tickets::Priority>,
    pub operator_id: Option<i64>,
    pub client_id: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StatsQuery {
    pub period: Period,
    pub bucket: Bucket,
    #[serde(default)]
    pub filter: StatsFilter,
}

/// Statistics over a period, computed from the ticket events (`server::stats`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    /// The period, unix ms, from included, to excluded.
    pub from: i64,
    pub to: i64,
    pub buckets: Vec<StatsBucket>,
    /// Over the whole period.
    pub totals: Figures,
    pub reopened: i64,
    /// First response of the tickets created in the period; resolution, and the time spent
    /// returned to the client (apart), of the tickets closed in it.
    pub first_response: Durations,
    pub resolution: Durations,
    pub returned: Durations,
    pub by_category: Vec<CategoryFigures>,
    pub by_priority: Vec<PriorityFigures>,
    pub by_operator: Vec<OperatorFigures>,
    /// The clients' newest comments on tickets rated in the period.
    pub comments: Vec<RatedTicket>,
}

/// One step of time: what happened in it, and the backlog at its end (`None` for a step that
/// has not ended yet… or begun: it lies after now).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct StatsBucket {
    pub start: i64,
    pub created: i64,
    pub closed: i64,
    pub reopened: i64,
    /// Tickets open, assigned, in progress and returned to the client at the step's end.
    pub backlog: Option<[i64; 4]>,
}

/// Median and 90th percentile (nearest rank) of some durations, in ms.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Durations {
    pub count: i64,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
}

/// The figures of one slice of tickets: created and closed in the period, the median first
/// response (of those created) and resolution (of those closed), and the ratings of those
/// closed.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figures {
    pub created: i64,
    pub closed: i64,
    /// Of those closed: by the client confirming a proposed solution, and by themselves after
    /// the client said nothing (the rest were closed outright).
    pub confirmed: i64,
    pub lapsed: i64,
    pub first_response_median_ms: Option<i64>,
    pub resolution_median_ms: Option<i64>,
    pub good: i64,
    pub bad: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryFigures {
    /// `None`: tickets without a category.
    pub category: Option<String>,
    pub figures: Figures,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PriorityFigures {
    pub priority: crate::tickets::Priority,
    pub figures: Figures,
}

/// An operator's figures: tickets assigned to them in the period (`handled`); closed — by
/// the operator holding the ticket at its close —; first responses they wrote.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OperatorFigures {
    pub operator_id: i64,
    pub name: String,
    pub handled: i64,
    pub figures: Figures,
}
