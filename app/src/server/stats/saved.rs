//! Reports the admins saved: a name and what to show (`ReportDefinition`), kept as JSON and
//! computed afresh by `report` each time one is run — a saved report is a question, not an
//! answer.

use crate::dto::limits::REPORT_NAME_MAX;
use crate::dto::{ReportDefinition, SaveReport, SavedReport};
use crate::error::{AppError, Field, Problem};
use crate::server::auth::Session;
use crate::server::input::clean_line;
use crate::server::AppState;

/// Every saved report, by name.
pub async fn list(state: &AppState) -> Result<Vec<SavedReport>, AppError> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, definition FROM saved_reports ORDER BY lower(name), id")
            .fetch_all(&state.db.pool)
            .await?;
    rows.into_iter()
        .map(|(id, name, definition)| {
            let definition = serde_json::from_str(&definition).map_err(|e| {
                tracing::error!(report = id, error = %e, "a saved report that does not read back");
                AppError::Internal
            })?;
            Ok(SavedReport {
                id,
                name,
                definition,
            })
        })
        .collect()
}

/// Saves a report under its name, replacing one of the same name; every saved report. Its
/// period and filters are checked as running it checks them, so what is saved runs.
pub async fn save(
    state: &AppState,
    session: &Session,
    input: &SaveReport,
) -> Result<Vec<SavedReport>, AppError> {
    let name = clean_line(Field::ReportName, &input.name, REPORT_NAME_MAX)?;
    let mut measures = Vec::new();
    for m in &input.definition.measures {
        if !measures.contains(m) {
            measures.push(*m);
        }
    }
    if measures.is_empty() {
        return Err(AppError::invalid(Field::Measures, Problem::Required));
    }
    let definition = ReportDefinition {
        measures,
        ..input.definition.clone()
    };
    super::bounds(
        &definition.query,
        &state.config.time_zone,
        state.clock.now_ms(),
    )?;
    let json = serde_json::to_string(&definition).map_err(|_| AppError::Internal)?;
    let (now, by) = (state.clock.now_ms(), session.user.id);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("DELETE FROM saved_reports WHERE lower(name) = lower($1)")
                    .bind(&name)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "INSERT INTO saved_reports (name, definition, saved_by, saved_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(name)
                .bind(json)
                .bind(by)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await?;
    list(state).await
}

/// Deletes a saved report; every one left.
pub async fn delete(state: &AppState, id: i64) -> Result<Vec<SavedReport>, AppError> {
    let delete = sqlx::query("DELETE FROM saved_reports WHERE id = $1").bind(id);
    if state.db.execute(delete).await? != 1 {
        return Err(AppError::NotFound);
    }
    list(state).await
}
