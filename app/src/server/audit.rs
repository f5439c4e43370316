//! The audit log: the one writer of `audit_log` (`record`, called by the server functions once
//! an act has succeeded — `gateway::Caller::audit` — and by the machine's commands), and the
//! admin's reader, filtered and newest first. The table refuses changes and deletions itself.

use super::AppState;
use crate::audit::{Action, AuditEntry, AuditPage, AuditQuery};
use crate::error::AppError;

/// How much of a detail, or of a name tried at sign-in, is kept.
const TEXT_MAX: usize = 500;
/// Rows per page.
const PAGE: usize = 100;

/// Who acted, and from where.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: Option<i64>,
    pub name: String,
    pub address: String,
}

impl Actor {
    /// `salter` run on the machine itself.
    pub fn machine() -> Actor {
        Actor {
            id: None,
            name: String::new(),
            address: String::new(),
        }
    }
}

fn kept(text: &str) -> String {
    text.chars().take(TEXT_MAX).collect()
}

/// Appends one row, through the one writer.
pub async fn record(
    state: &AppState,
    actor: &Actor,
    action: Action,
    target: Option<i64>,
    detail: &str,
) -> Result<(), AppError> {
    let (actor, detail, at) = (actor.clone(), kept(detail), state.clock.now_ms());
    tracing::info!(actor = %actor.name, action = action.code(), ?target, "audited");
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO audit_log (at, actor_id, actor, address, action, target_id, \
                     detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(at)
                .bind(actor.id)
                .bind(kept(&actor.name))
                .bind(actor.address)
                .bind(action.code())
                .bind(target)
                .bind(detail)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    actor: String,
    address: String,
    action: String,
    target_id: Option<i64>,
    detail: String,
}

/// The rows the query asks for, newest first, a page at a time.
pub async fn list(state: &AppState, query: &AuditQuery) -> Result<AuditPage, AppError> {
    let mut sql = String::from(
        "SELECT id, at, actor_id, actor, address, action, target_id, detail FROM audit_log \
         WHERE 1 = 1",
    );
    let mut n = 0;
    let mut next = |condition: &str| {
        n += 1;
        format!(" AND {}", condition.replace('?', &format!("${n}")))
    };
    let actor = query
        .actor
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| format!("%{}%", a.to_lowercase().replace(['%', '_'], "")));
    if query.action.is_some() {
        sql += &next("action = ?");
    }
    if actor.is_some() {
        sql += &next("lower(actor) LIKE ?");
    }
    if query.from.is_some() {
        sql += &next("at >= ?");
    }
    if query.to.is_some() {
        sql += &next("at < ?");
    }
    if query.before.is_some() {
        sql += &next("id < ?");
    }
    sql += &format!(" ORDER BY id DESC LIMIT {}", PAGE + 1);
    let mut q = sqlx::query_as::<_, Row>(&sql);
    if let Some(action) = query.action {
        q = q.bind(action.code());
    }
    if let Some(actor) = actor {
        q = q.bind(actor);
    }
    for value in [query.from, query.to, query.before].into_iter().flatten() {
        q = q.bind(value);
    }
    let mut rows = q.fetch_all(&state.db.pool).await?;
    let more = rows.len() > PAGE;
    rows.truncate(PAGE);
    let entries = rows
        .into_iter()
        .map(|r| {
            let action = Action::parse(&r.action).ok_or_else(|| {
                tracing::error!(action = %r.action, "unknown act in the audit log");
                AppError::Internal
            })?;
            Ok(AuditEntry {
                id: r.id,
                at: r.at,
                actor_id: r.actor_id,
                actor: r.actor,
                address: r.address,
                action,
                target_id: r.target_id,
                detail: r.detail,
            })
        })
        .collect::<Result<_, AppError>>()?;
    Ok(AuditPage { entries, more })
}
