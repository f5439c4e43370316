//! What a ticket's history says about it, one row per ticket (`ticket_facts`), for statistics:
//! when it was created, first answered and by whom, last closed and by whose hand, how often it
//! was reopened, how long it waited returned to the client, and its rating.
//!
//! Defined once, as a fold over the ticket's events (`Facts::fold`). The history writer keeps
//! the row by applying each event as it appends it (`apply`, the same rules in SQL, in the
//! event's transaction); `stats::backfill` makes the rows of tickets older than the table with
//! the fold; and a test checks that the row always equals the fold of the log.

use super::db::Db;
use crate::error::AppError;
use crate::events::{Event, EventKind, Via};
use crate::tickets::Status;
use sqlx::AnyConnection;

/// One ticket's facts.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Facts {
    pub created_at: i64,
    pub first_response_at: Option<i64>,
    pub first_responder: Option<i64>,
    pub closed_at: Option<i64>,
    pub closed_by: Option<i64>,
    pub reopens: i64,
    pub returned_ms: i64,
    pub returned_since: Option<i64>,
    pub rating: Option<i64>,
    pub rated_at: Option<i64>,
    /// How the last close came about, where not outright: `Via::Confirmed` or `Via::Silence`,
    /// as its code.
    pub closed_via: Option<String>,
}

/// The columns of `Facts`, as selected.
pub const FACT_COLUMNS: &str = "created_at, first_response_at, first_responder, closed_at, \
     closed_by, reopens, returned_ms, returned_since, rating, rated_at, closed_via";

/// The code a close's way is kept as in the facts: a client's confirmation, or silence.
fn closing_via(what: &EventKind) -> Option<&'static str> {
    match what {
        EventKind::Status {
            via: Some(via @ (Via::Confirmed | Via::Silence)),
            ..
        } => Some(via.code()),
        _ => None,
    }
}

impl Facts {
    /// The facts of a ticket of `client` whose events, in order, are `events`.
    pub fn fold<'a>(client: i64, events: impl IntoIterator<Item = Step<'a>>) -> Facts {
        let mut facts = Facts::default();
        let mut holder = None;
        for e in events {
            match e.what {
                EventKind::Created => facts.created_at = e.at,
                EventKind::Assigned { to, .. } => holder = *to,
                EventKind::Message { .. } => {
                    if facts.first_response_at.is_none() && e.actor.is_some_and(|a| a != client) {
                        facts.first_response_at = Some(e.at);
                        facts.first_responder = e.actor;
                    }
                }
                EventKind::Status { from, to, .. } | EventKind::Forced { from, to, .. } => {
                    if from == to {
                        continue;
                    }
                    if *from == Status::ReturnedToClient {
                        if let Some(since) = facts.returned_since.take() {
                            facts.returned_ms += e.at - since;
                        }
                    }
                    if *to == Status::ReturnedToClient {
                        facts.returned_since = Some(e.at);
                    }
                    if *to == Status::Closed {
                        facts.closed_at = Some(e.at);
                        facts.closed_by = holder;
                        facts.closed_via = closing_via(e.what).map(str::to_string);
                    }
                    if *from == Status::Closed {
                        facts.closed_at = None;
                        facts.closed_by = None;
                        facts.closed_via = None;
                        facts.reopens += 1;
                    }
                }
                EventKind::Rated { good, .. } => {
                    facts.rating = Some(i64::from(*good));
                    facts.rated_at = Some(e.at);
                }
                EventKind::Note { .. }
                | EventKind::Attachment { .. }
                | EventKind::Priority { .. }
                | EventKind::Category { .. }
                | EventKind::Sla { .. }
                | EventKind::Escalated { .. }
                | EventKind::Chat { .. }
                | EventKind::Call { .. } => {}
            }
        }
        facts
    }
}

/// One event as the fold reads it: when, by whom, what.
#[derive(Clone, Copy, Debug)]
pub struct Step<'a> {
    pub at: i64,
    pub actor: Option<i64>,
    pub what: &'a EventKind,
}

impl<'a> From<&'a Event> for Step<'a> {
    fn from(event: &'a Event) -> Step<'a> {
        Step {
            at: event.at,
            actor: event.actor,
            what: &event.what,
        }
    }
}

/// Applies one event of ticket `t`, just appended in the same transaction, to its row — the
/// rules of `Facts::fold`, in SQL. The holder at a close is the ticket's operator, which every
/// change sets before it records its events.
pub async fn apply(conn: &mut AnyConnection, t: i64, event: Step<'_>) -> Result<(), AppError> {
    match event.what {
        // One statement: creation is the busiest write.
        EventKind::Created => {
            sqlx::query(
                "INSERT INTO ticket_facts (ticket_id, created_at, category_id, priority, \
                 operator_id, client_id) \
                 SELECT id, $2, category_id, priority, operator_id, client_id FROM tickets \
                 WHERE id = $1",
            )
            .bind(t)
            .bind(event.at)
            .execute(&mut *conn)
            .await?;
        }
        // Written after the ticket's row changed.
        EventKind::Assigned { .. } | EventKind::Priority { .. } | EventKind::Category { .. } => {
            copy_ticket(conn, t).await?;
        }
        EventKind::Message { .. } => {
            sqlx::query(
                "UPDATE ticket_facts SET first_response_at = $2, first_responder = $3 \
                 WHERE ticket_id = $1 AND first_response_at IS NULL \
                 AND $3 <> (SELECT client_id FROM tickets WHERE id = $1)",
            )
            .bind(t)
            .bind(event.at)
            .bind(event.actor)
            .execute(&mut *conn)
            .await?;
        }
        EventKind::Status { from, to, .. } | EventKind::Forced { from, to, .. } if from != to => {
            let returned = Status::ReturnedToClient.as_str();
            let closed = Status::Closed.as_str();
            sqlx::query(
                "UPDATE ticket_facts SET \
                 returned_ms = returned_ms + CASE WHEN $3 = $5 AND returned_since IS NOT NULL \
                   THEN $2 - returned_since ELSE 0 END, \
                 returned_since = CASE WHEN $4 = $5 THEN $2 WHEN $3 = $5 THEN NULL \
                   ELSE returned_since END, \
                 closed_at = CASE WHEN $4 = $6 THEN $2 WHEN $3 = $6 THEN NULL ELSE closed_at END, \
                 closed_by = CASE WHEN $4 = $6 THEN (SELECT operator_id FROM tickets WHERE id = $1) \
                   WHEN $3 = $6 THEN NULL ELSE closed_by END, \
                 closed_via = CASE WHEN $4 = $6 THEN $7 WHEN $3 = $6 THEN NULL \
                   ELSE closed_via END, \
                 reopens = reopens + CASE WHEN $3 = $6 THEN 1 ELSE 0 END \
                 WHERE ticket_id = $1",
            )
            .bind(t)
            .bind(event.at)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(returned)
            .bind(closed)
            .bind(closing_via(event.what))
            .execute(&mut *conn)
            .await?;
        }
        EventKind::Rated { good, .. } => {
            sqlx::query("UPDATE ticket_facts SET rating = $2, rated_at = $3 WHERE ticket_id = $1")
                .bind(t)
                .bind(i64::from(*good))
                .bind(event.at)
                .execute(&mut *conn)
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Copies the ticket's current category, priority, operator and client beside its facts, where
/// the statistics filter and slice by them (not part of the fold: they are the ticket's row).
async fn copy_ticket(conn: &mut AnyConnection, t: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE ticket_facts SET (category_id, priority, operator_id, client_id) = \
         (SELECT category_id, priority, operator_id, client_id FROM tickets WHERE id = $1) \
         WHERE ticket_id = $1",
    )
    .bind(t)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether every ticket's copies beside its facts are its row's (for the tests).
pub async fn copies_agree(db: &Db) -> Result<bool, AppError> {
    let differ: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM ticket_facts f JOIN tickets t ON t.id = f.ticket_id \
         WHERE COALESCE(f.category_id, 0) <> COALESCE(t.category_id, 0) \
         OR f.priority <> t.priority OR COALESCE(f.operator_id, 0) <> COALESCE(t.operator_id, 0) \
         OR f.client_id <> t.client_id",
    )
    .fetch_one(&db.pool)
    .await?;
    Ok(differ == 0)
}

/// The facts row of one ticket, as kept.
pub async fn of_ticket(db: &Db, ticket: i64) -> Result<Option<Facts>, AppError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {FACT_COLUMNS} FROM ticket_facts WHERE ticket_id = $1"
    ))
    .bind(ticket)
    .fetch_optional(&db.pool)
    .await?)
}

/// Writes the row of a ticket that has none (`stats::backfill`): made by the fold.
pub async fn insert_missing(
    conn: &mut AnyConnection,
    ticket: i64,
    f: &Facts,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "INSERT INTO ticket_facts (ticket_id, {FACT_COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (ticket_id) DO NOTHING"
    ))
    .bind(ticket)
    .bind(f.created_at)
    .bind(f.first_response_at)
    .bind(f.first_responder)
    .bind(f.closed_at)
    .bind(f.closed_by)
    .bind(f.reopens)
    .bind(f.returned_ms)
    .bind(f.returned_since)
    .bind(f.rating)
    .bind(f.rated_at)
    .bind(&f.closed_via)
    .execute(&mut *conn)
    .await?;
    copy_ticket(conn, ticket).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Why;

    const CLIENT: i64 = 1;
    const OPERATOR: i64 = 2;

    fn at(at: i64, actor: Option<i64>, what: EventKind) -> (i64, Option<i64>, EventKind) {
        (at, actor, what)
    }

    fn fold(events: &[(i64, Option<i64>, EventKind)]) -> Facts {
        Facts::fold(
            CLIENT,
            events.iter().map(|(at, actor, what)| Step {
                at: *at,
                actor: *actor,
                what,
            }),
        )
    }

    fn status(from: Status, to: Status) -> EventKind {
        EventKind::Status {
            from,
            to,
            reason: None,
            via: None,
        }
    }

    #[test]
    fn a_ticket_returned_reopened_and_rated_folds_to_its_facts() {
        use Status::*;
        let assigned = EventKind::Assigned {
            from: None,
            to: Some(OPERATOR),
            to_name: None,
            why: Some(Why::Manual),
        };
        let events = [
            at(0, Some(CLIENT), EventKind::Created),
            at(5, Some(CLIENT), EventKind::Message { id: 1 }),
            at(10, None, assigned),
            at(10, None, status(Open, Assigned)),
            at(20, Some(OPERATOR), status(Assigned, InProgress)),
            at(30, Some(OPERATOR), EventKind::Message { id: 2 }),
            at(30, Some(OPERATOR), status(InProgress, ReturnedToClient)),
            at(70, Some(CLIENT), status(ReturnedToClient, InProgress)),
            at(80, Some(OPERATOR), EventKind::Message { id: 3 }),
            at(80, Some(OPERATOR), status(InProgress, Closed)),
            at(90, Some(CLIENT), status(Closed, Assigned)),
            at(95, Some(OPERATOR), status(Assigned, InProgress)),
            at(100, Some(OPERATOR), status(InProgress, ReturnedToClient)),
            at(130, Some(OPERATOR), status(ReturnedToClient, Closed)),
            at(
                140,
                Some(CLIENT),
                EventKind::Rated {
                    good: false,
                    comment: None,
                },
            ),
        ];
        assert_eq!(
            fold(&events),
            Facts {
                created_at: 0,
                first_response_at: Some(30),
                first_responder: Some(OPERATOR),
                closed_at: Some(130),
                closed_by: Some(OPERATOR),
                reopens: 1,
                returned_ms: 40 + 30,
                returned_since: None,
                rating: Some(0),
                rated_at: Some(140),
                closed_via: None,
            }
        );
        // Reopened and not closed again: not resolved.
        let open = fold(&events[..11]);
        assert_eq!(
            (open.closed_at, open.closed_by, open.reopens),
            (None, None, 1)
        );
    }

    #[test]
    fn a_close_keeps_how_it_came_about_until_reopened() {
        use Status::*;
        let via = |from, to, via| EventKind::Status {
            from,
            to,
            reason: None,
            via: Some(via),
        };
        let events = [
            at(0, Some(CLIENT), EventKind::Created),
            at(
                10,
                Some(OPERATOR),
                via(InProgress, ReturnedToClient, Via::Proposal),
            ),
            at(20, None, via(ReturnedToClient, Closed, Via::Silence)),
        ];
        assert_eq!(fold(&events).closed_via.as_deref(), Some("silence"));
        let mut more = events.to_vec();
        more.push(at(30, Some(CLIENT), status(Closed, Assigned)));
        assert_eq!(fold(&more).closed_via, None);
        more.push(at(
            40,
            Some(OPERATOR),
            via(InProgress, ReturnedToClient, Via::Proposal),
        ));
        more.push(at(
            50,
            Some(CLIENT),
            via(ReturnedToClient, Closed, Via::Confirmed),
        ));
        assert_eq!(fold(&more).closed_via.as_deref(), Some("confirmed"));
        more.push(at(60, Some(CLIENT), status(Closed, Assigned)));
        more.push(at(70, Some(OPERATOR), status(Assigned, Closed)));
        assert_eq!(fold(&more).closed_via, None);
    }
}
