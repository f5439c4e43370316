//! `/api/v1/statistics`: the admin console's statistics over chosen days
//! (`app::server::stats`), computed from the ticket events as the console computes them — the
//! same figures, for a report of one's own or a dashboard elsewhere.

use super::{time, ErrorBody, Token};
use app::dto::{
    Bucket, CategoryFigures, Durations, Figures, OperatorFigures, Period, PriorityFigures,
    StatsFilter, StatsQuery,
};
use app::error::AppError;
use app::roles::Role;
use app::server::access::Policy;
use app::server::stats;
use app::tokens::Scope;
use axum::extract::Query;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<app::server::AppState> {
    OpenApiRouter::new().routes(routes!(report))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// The first day (`YYYY-MM-DD`, in the installation's time zone).
    pub from: String,
    /// The last day, included.
    pub to: String,
    /// The length of each step: `hour`, `day` (default) or `week`.
    #[param(inline)]
    pub step: Option<Bucket>,
    pub category_id: Option<i64>,
    pub priority: Option<app::tickets::Priority>,
    pub operator_id: Option<i64>,
    pub client_id: Option<i64>,
}

/// One step of time: what happened in it, and the backlog at its end (none for a step that
/// has not ended yet).
#[derive(Serialize, ToSchema)]
pub struct StatisticsStep {
    #[schema(format = DateTime)]
    pub start: String,
    pub created: i64,
    pub closed: i64,
    pub reopened: i64,
    /// Tickets open, assigned, in progress and returned to the client at the step's end.
    pub backlog: Option<[i64; 4]>,
}

/// The statistics of a period; durations in milliseconds.
#[derive(Serialize, ToSchema)]
pub struct Statistics {
    #[schema(format = DateTime)]
    pub from: String,
    /// Excluded.
    #[schema(format = DateTime)]
    pub to: String,
    pub steps: Vec<StatisticsStep>,
    pub totals: Figures,
    pub reopened: i64,
    /// Of the tickets created in the period.
    pub first_response: Durations,
    /// Of the tickets closed in the period; the time they spent returned to the client apart.
    pub resolution: Durations,
    pub returned: Durations,
    pub by_category: Vec<CategoryFigures>,
    pub by_priority: Vec<PriorityFigures>,
    pub by_operator: Vec<OperatorFigures>,
}

/// Statistics of a period
///
/// Tickets created, closed and reopened per step, the backlog, first response and resolution
/// times, satisfaction, by category, priority and operator — the admin console's figures. An
/// admin's token with scope `statistics:read`.
#[utoipa::path(operation_id = "statistics", get, path = "/statistics", tag = "statistics",
    params(StatisticsQuery), security(("token" = [])),
    responses((status = 200, description = "Done", body = Statistics),
        (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn report(
    Extension(api): Token,
    Query(q): Query<StatisticsQuery>,
) -> Result<Json<Statistics>, AppError> {
    api.admit(Scope::StatisticsRead, Policy::Role(Role::Admin))?;
    let query = StatsQuery {
        period: Period::Custom {
            from: q.from,
            to: q.to,
        },
        bucket: q.step.unwrap_or(Bucket::Day),
        filter: StatsFilter {
            category_id: q.category_id,
            priority: q.priority,
            operator_id: q.operator_id,
            client_id: q.client_id,
        },
    };
    let s = stats::report(&api.caller.state, &query).await?;
    Ok(Json(Statistics {
        from: time(s.from),
        to: time(s.to),
        steps: s
            .buckets
            .into_iter()
            .map(|b| StatisticsStep {
                start: time(b.start),
                created: b.created,
                closed: b.closed,
                reopened: b.reopened,
                backlog: b.backlog,
            })
            .collect(),
        totals: s.totals,
        reopened: s.reopened,
        first_response: s.first_response,
        resolution: s.resolution,
        returned: s.returned,
        by_category: s.by_category,
        by_priority: s.by_priority,
        by_operator: s.by_operator,
    }))
}
