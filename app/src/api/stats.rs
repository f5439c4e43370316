//! Statistics and reports for the admin console.

use crate::dto::{Stats, StatsQuery};

endpoint! {
    /// Statistics over a period, by step of time, category, priority and operator.
    "stats/report" for Admin => pub async fn stats_report(query: StatsQuery) -> Stats |caller| {
        use crate::server::stats;
        stats::report(&caller.state, &query).await
    }
}
