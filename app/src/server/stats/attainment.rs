//! Service-level attainment over a period: of the tickets created in it that have a policy, how
//! many missed each target — per policy and per operator (the ticket's operator now), narrowed
//! by the statistics' filters. A target counts as missed when the watcher noted its breach
//! (`sla_alerts`, `sla::watch`); a clock still running counts as not missed so far. A separate
//! call from the statistics' own, so that their speed at a million tickets is not this one's.

use super::{bounds, rows};
use crate::dto::{AttainmentRow, SlaAttainment, SlaTarget, StatsQuery};
use crate::error::AppError;
use crate::server::sla::Book;
use crate::server::AppState;
use crate::tickets::Priority;
use std::collections::{BTreeMap, HashMap};

/// A group of tickets (priority, category, operator) and how many of them: created; missed a
/// target (its code).
type Created = (i64, Option<i64>, Option<i64>, i64);
type Missed = (i64, Option<i64>, Option<i64>, String, i64);

pub async fn attainment(state: &AppState, query: &StatsQuery) -> Result<SlaAttainment, AppError> {
    let Some(book) = Book::open(state).await? else {
        return Ok(SlaAttainment::default());
    };
    let now = state.clock.now_ms();
    let bounds = bounds(query, &state.config.time_zone, now)?;
    let (from, to) = (
        bounds[0].timestamp().as_millisecond(),
        bounds[bounds.len() - 1].timestamp().as_millisecond(),
    );
    let (db, f) = (&state.db, &query.filter);
    let created: Vec<Created> = rows(
        db,
        "SELECT t.priority, t.category_id, t.operator_id, COUNT(*) FROM ticket_facts t \
         WHERE t.created_at >= $1 AND t.created_at < $2{filter} \
         GROUP BY t.priority, t.category_id, t.operator_id",
        &[from, to],
        f,
    )
    .await?;
    let missed: Vec<Missed> = rows(
        db,
        "SELECT t.priority, t.category_id, t.operator_id, a.target, COUNT(DISTINCT a.ticket_id) \
         FROM sla_alerts a JOIN ticket_facts t ON t.ticket_id = a.ticket_id \
         WHERE a.breached = 1 AND t.created_at >= $1 AND t.created_at < $2{filter} \
         GROUP BY t.priority, t.category_id, t.operator_id, a.target",
        &[from, to],
        f,
    )
    .await?;
    let categories: HashMap<i64, String> = sqlx::query_as("SELECT id, name FROM categories")
        .fetch_all(&state.db.pool)
        .await?
        .into_iter()
        .collect();
    let operators: HashMap<i64, String> =
        sqlx::query_as("SELECT id, full_name FROM users WHERE role = 'operator'")
            .fetch_all(&state.db.pool)
            .await?
            .into_iter()
            .collect();
    // Keyed by the policy (most urgent priority first) and by the operator.
    let mut by_policy: BTreeMap<(std::cmp::Reverse<i64>, i64), AttainmentRow> = BTreeMap::new();
    let mut by_operator: HashMap<Option<i64>, AttainmentRow> = HashMap::new();
    let mut count = |priority: i64,
                     category: Option<i64>,
                     operator: Option<i64>,
                     add: &dyn Fn(&mut AttainmentRow)| {
        let Some(policy) = book.policy(Priority::from_rank(priority), category) else {
            return;
        };
        let key = (
            std::cmp::Reverse(policy.priority.rank()),
            policy.category_id.unwrap_or(0),
        );
        add(by_policy.entry(key).or_insert_with(|| AttainmentRow {
            priority: Some(policy.priority),
            category: policy.category_id.and_then(|c| categories.get(&c).cloned()),
            operator: None,
            tickets: 0,
            missed: [0; 3],
        }));
        add(by_operator
            .entry(operator)
            .or_insert_with(|| AttainmentRow {
                priority: None,
                category: None,
                operator: operator.and_then(|o| operators.get(&o).cloned()),
                tickets: 0,
                missed: [0; 3],
            }));
    };
    for (priority, category, operator, n) in created {
        count(priority, category, operator, &|row| row.tickets += n);
    }
    for (priority, category, operator, target, n) in missed {
        let Some(i) = SlaTarget::ALL.iter().position(|t| t.code() == target) else {
            continue;
        };
        count(priority, category, operator, &|row| row.missed[i] += n);
    }
    let mut operators: Vec<AttainmentRow> = by_operator.into_values().collect();
    operators.sort_by(|a, b| a.operator.cmp(&b.operator));
    Ok(SlaAttainment {
        policies: by_policy.into_values().collect(),
        operators,
    })
}
