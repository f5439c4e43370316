//! Statistics over a chosen period, in the installation's time zone, computed from the ticket
//! events — the log's status moves, counted per 15-minute slot, and the facts each event keeps
//! per ticket (`facts`) — so they always agree with the history, and read the same on SQLite
//! and PostgreSQL (the arithmetic is `figures`, in Rust).
//!
//! - created, closed, reopened and the backlog by status: per step of the chart (hour, day,
//!   week), from the moves; the backlog is walked back from today's;
//! - first response (tickets created in the period), resolution and the time spent returned to
//!   the client (tickets closed in it): median and 90th percentile;
//! - by category, priority and operator; the clients' ratings and newest comments.
//!
//! Filters (category, priority, operator, client) take each ticket's current value.

pub mod attainment;
pub mod figures;
mod overview;
pub mod saved;

pub use overview::overview;

use super::db::{self, Db};
use super::{facts, history, moves, AppState};
use crate::dto::{
    Bucket, CategoryFigures, OperatorFigures, Period, PriorityFigures, Stats, StatsFilter,
    StatsQuery,
};
use crate::error::{AppError, Field, Problem};
use crate::events::Via;
use crate::tickets::{Priority, Status};
use figures::{Closed, Created, Moves};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan, Zoned};
use moves::SLOT_MS;
use std::collections::HashMap;

/// The most steps one chart has (31 days by the hour).
const MAX_STEPS: usize = 31 * 24 + 1;
/// The longest custom period.
const MAX_DAYS: i64 = 366;
/// How many of the clients' comments a report lists.
const COMMENTS: i64 = 20;

fn bad_period() -> AppError {
    AppError::invalid(Field::Period, Problem::Malformed)
}

/// The bounds of the chart's steps: the period's start, each step's start, the period's end.
/// The period a query covers in the installation's time zone, unix ms: from included, to
/// excluded (other pages' figures over the statistics' periods: the knowledge base's use).
pub fn period(state: &AppState, query: &StatsQuery) -> Result<(i64, i64), AppError> {
    let all = bounds(query, &state.config.time_zone, state.clock.now_ms())?;
    let ms = |z: Option<&Zoned>| z.map(|z| z.timestamp().as_millisecond());
    ms(all.first())
        .zip(ms(all.last()))
        .ok_or(AppError::Internal)
}

fn bounds(query: &StatsQuery, tz: &jiff::tz::TimeZone, now: i64) -> Result<Vec<Zoned>, AppError> {
    let today = Timestamp::from_millisecond(now)
        .map_err(|_| AppError::Internal)?
        .to_zoned(tz.clone())
        .date();
    let day = |text: &str| text.parse::<Date>().map_err(|_| bad_period());
    let (first, last) = match &query.period {
        Period::Today => (today, today),
        Period::Last7Days => (today.saturating_sub(6.days()), today),
        Period::Last30Days => (today.saturating_sub(29.days()), today),
        Period::ThisMonth => (today.first_of_month(), today.last_of_month()),
        Period::Custom { from, to } => (day(from)?, day(to)?),
    };
    let days = first.until(last).map_err(|_| bad_period())?.get_days() as i64;
    if !(0..MAX_DAYS).contains(&days) {
        return Err(bad_period());
    }
    let midnight = |d: Date| d.to_zoned(tz.clone()).map_err(|_| bad_period());
    let start = midnight(first)?;
    let end = midnight(last.tomorrow().map_err(|_| bad_period())?)?;
    let mut bounds = vec![start.clone()];
    let mut at = start;
    loop {
        let next = match query.bucket {
            Bucket::Hour => at.checked_add(1.hour()).map_err(|_| bad_period())?,
            Bucket::Day => midnight(at.date().tomorrow().map_err(|_| bad_period())?)?,
            // Weeks begin on Monday; the first may be short.
            Bucket::Week => {
                let to_monday = 7 - i64::from(at.date().weekday().to_monday_zero_offset());
                midnight(at.date().saturating_add(to_monday.days()))?
            }
        };
        if next >= end {
            bounds.push(end);
            break;
        }
        bounds.push(next.clone());
        if bounds.len() > MAX_STEPS {
            return Err(bad_period());
        }
        at = next;
    }
    Ok(bounds)
}

/// SQL for the place of the status in `column` in `Status::ALL` (NULL for none, as a
/// creation's `''`).
fn status_place(column: &str) -> String {
    let places: String = Status::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| format!(" WHEN '{}' THEN {i}", s.as_str()))
        .collect();
    format!("CASE {column}{places} END")
}

/// `AND …` for the filter on tickets `t`, its parameters numbered from `next`, and their values.
fn filter_sql(filter: &StatsFilter, mut next: usize) -> (String, Vec<i64>) {
    let mut sql = String::new();
    let mut binds = Vec::new();
    let mut add = |column: &str, value: Option<i64>| {
        if let Some(v) = value {
            sql.push_str(&format!(" AND t.{column} = ${next}"));
            next += 1;
            binds.push(v);
        }
    };
    add("category_id", filter.category_id);
    add("priority", filter.priority.map(Priority::rank));
    add("operator_id", filter.operator_id);
    add("client_id", filter.client_id);
    (sql, binds)
}

/// The facts of the tickets (`t`) whose `at` column lies between the two bounds in `between`,
/// narrowed by the filter: `columns` of each, read `packed`.
async fn packed_rows<const N: usize>(
    db: &Db,
    columns: &[&str],
    at: &str,
    between: &[i64],
    filter: &StatsFilter,
) -> Result<Vec<[Option<i64>; N]>, AppError> {
    let sql = format!(
        "SELECT {} FROM ticket_facts t WHERE {at} >= $1 AND {at} < $2{{filter}}",
        db::packed(columns)
    );
    unpacked_rows(db, &sql, between, filter).await
}

/// Runs `sql`, whose one row is one `db::packed` value, as `rows` does; its rows unpacked.
async fn unpacked_rows<const N: usize>(
    db: &Db,
    sql: &str,
    first: &[i64],
    filter: &StatsFilter,
) -> Result<Vec<[Option<i64>; N]>, AppError> {
    let packed: Vec<(Option<String>,)> = rows(db, sql, first, filter).await?;
    db::unpacked(packed.first().and_then(|p| p.0.as_deref()))
}

/// Runs `sql` (whose `{filter}` stands for the filter) with `first` bound before the filter's
/// values.
async fn rows<T>(
    db: &Db,
    sql: &str,
    first: &[i64],
    filter: &StatsFilter,
) -> Result<Vec<T>, AppError>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (clause, values) = filter_sql(filter, first.len() + 1);
    let sql = sql.replace("{filter}", &clause);
    let mut query = sqlx::query_as::<_, T>(&sql);
    for v in first.iter().chain(&values) {
        query = query.bind(*v);
    }
    Ok(query.fetch_all(&db.pool).await?)
}

pub async fn report(state: &AppState, query: &StatsQuery) -> Result<Stats, AppError> {
    let now = state.clock.now_ms();
    let bounds = bounds(query, &state.config.time_zone, now)?;
    let ms: Vec<i64> = bounds
        .iter()
        .map(|z| z.timestamp().as_millisecond())
        .collect();
    let (from, to) = (ms[0], ms[ms.len() - 1]);
    let db = &state.db;
    let f = &query.filter;
    // Filters read each ticket's current values, kept beside its facts (`t`).
    let joined = |sql: &str| {
        let join = if *f == StatsFilter::default() {
            ""
        } else {
            " JOIN ticket_facts t ON t.ticket_id = e.ticket_id"
        };
        sql.replace("{join}", join)
    };

    let closed_via = format!(
        "CASE t.closed_via WHEN '{}' THEN 1 WHEN '{}' THEN 2 END",
        Via::Confirmed.code(),
        Via::Silence.code()
    );
    // The tickets created and closed in the period: tens of thousands of rows, read packed.
    let created_columns = [
        "t.first_response_at - t.created_at",
        "t.first_responder",
        "t.category_id",
        "t.priority",
    ];
    let closed_columns = [
        "t.closed_at - t.created_at",
        "t.closed_by",
        "t.returned_ms",
        "t.rating",
        "t.category_id",
        "t.priority",
        &closed_via,
    ];
    let handled_sql = joined(
        "SELECT e.to_value, COUNT(DISTINCT e.ticket_id) FROM ticket_events e{join} \
         WHERE e.kind = 'assigned' AND e.at >= $1 AND e.at < $2 \
         AND e.to_value IS NOT NULL{filter} GROUP BY e.to_value",
    );
    // Unfiltered, the moves come counted per slot (`moves`, from the first slot); filtered, from
    // the log. Thousands of rows: read packed, statuses as their places in `Status::ALL`.
    let (moves_sql, moves_from) = if *f == StatsFilter::default() {
        (moves::MOVES_SQL.to_string(), from / SLOT_MS)
    } else {
        let sql = joined(&format!(
            "SELECT e.at / {SLOT_MS} AS slot, e.from_value, e.to_value, COUNT(*) AS n \
             FROM ticket_events e{{join}} WHERE e.kind IN ('created', 'status', 'forced') \
             AND e.at >= $1{{filter}} GROUP BY e.at / {SLOT_MS}, e.from_value, e.to_value"
        ));
        (sql, from)
    };
    let moves_sql = format!(
        "SELECT {} FROM ({moves_sql}) m",
        db::packed(&[
            "m.slot",
            &status_place("m.from_value"),
            &status_place("m.to_value"),
            "m.n"
        ])
    );
    let moves_from = [moves_from];
    let period = [from, to];
    let comments_binds = [from, to, COMMENTS];
    let names = |sql: &'static str| async move {
        let all: Vec<(i64, String)> = sqlx::query_as(sql).fetch_all(&db.pool).await?;
        Ok::<HashMap<i64, String>, AppError>(all.into_iter().collect())
    };
    // The reads do not depend on one another: each on a connection of its own, at once — the
    // packed ones are most of the work and go to different cores.
    let (moves, now_counts, created, closed, handled, categories, operators, comments) = tokio::try_join!(
        unpacked_rows::<4>(db, &moves_sql, &moves_from, f),
        rows::<(String, i64)>(
            db,
            "SELECT t.status, COUNT(*) FROM tickets t WHERE t.status IN \
             ('open', 'assigned', 'in_progress', 'returned_to_client'){filter} GROUP BY t.status",
            &[],
            f,
        ),
        packed_rows::<4>(db, &created_columns, "t.created_at", &period, f),
        packed_rows::<7>(db, &closed_columns, "t.closed_at", &period, f),
        rows::<(Option<String>, i64)>(db, &handled_sql, &period, f),
        names("SELECT id, name FROM categories"),
        names("SELECT id, full_name FROM users WHERE role = 'operator'"),
        rows::<(i64, String, String, Option<String>, i64)>(
            db,
            "SELECT e.ticket_id, t.subject, e.to_value, e.reason, e.at FROM ticket_events e \
             JOIN tickets t ON t.id = e.ticket_id WHERE e.kind = 'rated' AND e.at >= $1 \
             AND e.at < $2 AND e.reason IS NOT NULL AND e.id = (SELECT MAX(r.id) FROM \
             ticket_events r WHERE r.ticket_id = e.ticket_id AND r.kind = 'rated'){filter} \
             ORDER BY e.at DESC LIMIT $3",
            &comments_binds,
            f,
        ),
    )?;
    let status = |place: Option<i64>| Status::ALL.get(usize::try_from(place?).ok()?).copied();
    let moves: Vec<Moves> = moves
        .into_iter()
        .filter_map(|[slot, from, to, count]| {
            Some(Moves {
                slot_start: slot? * SLOT_MS,
                from: status(from),
                to: status(to)?,
                count: count?,
            })
        })
        .collect();
    let mut backlog_now = [0; 4];
    for (status, count) in now_counts {
        let i = Status::ALL.iter().position(|s| s.as_str() == status);
        if let Some(slot) = i.and_then(|i| backlog_now.get_mut(i)) {
            *slot = count;
        }
    }
    let created: Vec<Created> = created
        .into_iter()
        .map(
            |[response_ms, first_responder, category, priority]| Created {
                response_ms,
                first_responder,
                category,
                priority: priority.unwrap_or(1),
            },
        )
        .collect();
    let closed: Vec<Closed> = closed
        .into_iter()
        .map(
            |[resolution_ms, closed_by, returned_ms, rating, category, priority, via]| Closed {
                resolution_ms: resolution_ms.unwrap_or(0),
                closed_by,
                returned_ms: returned_ms.unwrap_or(0),
                rating,
                category,
                priority: priority.unwrap_or(1),
                via: match via {
                    Some(1) => Some(Via::Confirmed),
                    Some(2) => Some(Via::Silence),
                    _ => None,
                },
            },
        )
        .collect();
    let handled: HashMap<i64, i64> = handled
        .into_iter()
        .filter_map(|(id, n)| Some((id?.parse().ok()?, n)))
        .collect();

    let steps = figures::buckets(&ms, &moves, backlog_now, now);
    let reopened = steps.iter().map(|s| s.reopened).sum();
    let by_category = figures::sliced(&created, &closed, |c| c.category, |c| c.category)
        .into_iter()
        .map(|(id, figures)| CategoryFigures {
            category: id.and_then(|id| categories.get(&id).cloned()),
            figures,
        })
        .collect();
    let by_priority = figures::sliced(&created, &closed, |c| c.priority, |c| c.priority)
        .into_iter()
        .rev()
        .map(|(rank, figures)| PriorityFigures {
            priority: Priority::from_rank(rank),
            figures,
        })
        .collect();
    let mut by_operator: Vec<OperatorFigures> =
        figures::sliced(&created, &closed, |c| c.first_responder, |c| c.closed_by)
            .into_iter()
            .filter_map(|(id, figures)| Some((id?, figures)))
            .chain(handled.keys().map(|id| (*id, Default::default())))
            .filter_map(|(id, figures)| {
                Some(OperatorFigures {
                    operator_id: id,
                    name: operators.get(&id)?.clone(),
                    handled: handled.get(&id).copied().unwrap_or(0),
                    figures,
                })
            })
            .collect();
    // An operator with figures and assignments came twice: the one with figures stays.
    by_operator.sort_by(|a, b| a.name.cmp(&b.name).then(a.operator_id.cmp(&b.operator_id)));
    by_operator.dedup_by_key(|o| o.operator_id);

    Ok(Stats {
        from,
        to,
        totals: figures::figures(&created, &closed),
        reopened,
        first_response: figures::durations(created.iter().filter_map(|c| c.response_ms).collect()),
        resolution: figures::durations(closed.iter().map(|c| c.resolution_ms).collect()),
        returned: figures::durations(closed.iter().map(|c| c.returned_ms).collect()),
        buckets: steps,
        by_category,
        by_priority,
        by_operator,
        comments: comments
            .into_iter()
            .map(super::satisfaction::rated_ticket)
            .collect(),
    })
}

/// The facts of one ticket folded from its log (what `ticket_facts` must hold).
pub async fn recount(db: &Db, ticket: i64) -> Result<facts::Facts, AppError> {
    let client: i64 = sqlx::query_scalar("SELECT client_id FROM tickets WHERE id = $1")
        .bind(ticket)
        .fetch_one(&db.pool)
        .await?;
    let events = history::log_of(&db.pool, ticket).await?;
    Ok(facts::Facts::fold(
        client,
        events.iter().map(facts::Step::from),
    ))
}

/// Makes the facts of tickets that have none (those created before `ticket_facts` existed) by
/// folding their logs; how many. Safe to run from several processes at once.
pub async fn backfill(db: &Db) -> Result<usize, AppError> {
    let missing: Vec<i64> = sqlx::query_scalar(
        "SELECT t.id FROM tickets t WHERE NOT EXISTS \
         (SELECT 1 FROM ticket_facts f WHERE f.ticket_id = t.id) ORDER BY t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    for &ticket in &missing {
        let made = recount(db, ticket).await?;
        db.write(move |conn| {
            Box::pin(async move { facts::insert_missing(conn, ticket, &made).await })
        })
        .await?;
    }
    Ok(missing.len())
}
