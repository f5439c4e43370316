//! Statistics and reports for the admin console.

use crate::dto::{Overview, Stats, StatsQuery};

endpoint! {
    /// Statistics over a period, by step of time, category, priority and operator.
    "stats/report" for Admin => pub async fn stats_report(query: StatsQuery) -> Stats |caller| {
        use crate::server::stats;
        stats::report(&caller.state, &query).await
    }
}

endpoint! {
    /// The admin's home: the waiting queue, who is on duty, today, the week's satisfaction.
    "stats/overview" for Admin => pub async fn stats_overview() -> Overview |caller| {
        use crate::server::stats;
        stats::overview(&caller.state).await
    }
}
