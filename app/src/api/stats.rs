//! Statistics and reports for the admin console.

use crate::dto::{Overview, SaveReport, SavedReport, SlaAttainment, Stats, StatsQuery};

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

endpoint! {
    /// Every saved report, by name.
    "stats/reports" for Admin => pub async fn saved_reports() -> Vec<SavedReport> |caller| {
        use crate::server::stats::saved;
        saved::list(&caller.state).await
    }
}

endpoint! {
    /// Saves a report (replacing one of the same name); every saved report.
    "stats/save_report" for Admin => pub async fn save_stats_report(input: SaveReport) -> Vec<SavedReport> |caller| {
        use crate::server::stats::saved;
        let reports = saved::save(&caller.state, caller.session()?, &input).await?;
        let target = reports.iter().find(|r| r.name == input.name.trim()).map(|r| r.id);
        caller.audit(crate::audit::Action::ReportSaved, target, input.name.trim()).await?;
        Ok(reports)
    }
}

endpoint! {
    /// Deletes a saved report; every one left.
    "stats/delete_report" for Admin => pub async fn delete_report(id: i64) -> Vec<SavedReport> |caller| {
        use crate::server::stats::saved;
        let reports = saved::delete(&caller.state, id).await?;
        caller.audit(crate::audit::Action::ReportDeleted, Some(id), "").await?;
        Ok(reports)
    }
}

endpoint! {
    /// Service-level attainment of the tickets created in the period, per policy and operator.
    "stats/sla" for Admin => pub async fn stats_sla(query: StatsQuery) -> SlaAttainment |caller| {
        crate::server::stats::attainment::attainment(&caller.state, &query).await
    }
}
