//! A ticket's history (`ticket_events`): the one writer every change calls in its own
//! transaction, and the one reader that turns the log's rows back into typed events
//! (`crate::events`). Nothing else writes the log's columns or reads their meaning.

use super::facts;
use crate::dto::TicketEvent;
use crate::error::AppError;
use crate::events::{CallStep, ChatStep, Event, EventKind, SlaTarget, Via, Why};
use crate::tickets::{Priority, Status};
use sqlx::{AnyConnection, AnyPool};

/// The log's columns for one event, beside its `kind`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Columns {
    from: Option<String>,
    to: Option<String>,
    reason: Option<String>,
    message: Option<i64>,
    via: Option<String>,
}

impl Columns {
    fn of(what: &EventKind) -> Columns {
        let change = |from: &str, to: &str| Columns {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            ..Columns::default()
        };
        match what {
            EventKind::Created => Columns {
                to: Some(Status::Open.as_str().to_string()),
                ..Columns::default()
            },
            EventKind::Status {
                from,
                to,
                reason,
                via,
            } => Columns {
                reason: reason.clone(),
                via: via.map(|v| v.code().to_string()),
                ..change(from.as_str(), to.as_str())
            },
            EventKind::Forced { from, to, reason } => Columns {
                reason: reason.clone(),
                ..change(from.as_str(), to.as_str())
            },
            EventKind::Assigned { from, to, why, .. } => Columns {
                from: from.map(|id| id.to_string()),
                to: to.map(|id| id.to_string()),
                reason: why.as_ref().map(Why::code),
                ..Columns::default()
            },
            EventKind::Message { id } | EventKind::Note { id } => Columns {
                message: Some(*id),
                ..Columns::default()
            },
            EventKind::Attachment { name, message, .. } => Columns {
                to: Some(name.clone()),
                message: *message,
                ..Columns::default()
            },
            EventKind::Priority { from, to } => change(from.as_str(), to.as_str()),
            EventKind::Category { from, to } => Columns {
                from: from.clone(),
                to: to.clone(),
                ..Columns::default()
            },
            EventKind::Rated { good, comment } => Columns {
                to: Some(if *good { "good" } else { "bad" }.to_string()),
                reason: comment.clone(),
                ..Columns::default()
            },
            EventKind::Escalated { tier, reason } => Columns {
                to: Some(tier.to_string()),
                reason: reason.clone(),
                ..Columns::default()
            },
            EventKind::Chat { step } => Columns {
                to: Some(step.code().to_string()),
                ..Columns::default()
            },
            EventKind::Call { step, video } => Columns {
                from: Some(if *video { "video" } else { "voice" }.to_string()),
                to: Some(step.code()),
                ..Columns::default()
            },
            EventKind::Sla { target, breached } => Columns {
                from: Some(target.code().to_string()),
                to: Some(if *breached { "breach" } else { "warning" }.to_string()),
                ..Columns::default()
            },
        }
    }

    /// The event these columns hold under `kind`; `None` for a row no writer makes.
    fn read(self, kind: &str, internal: bool) -> Option<EventKind> {
        let status = |v: &Option<String>| v.as_deref().and_then(Status::parse);
        let priority = |v: &Option<String>| v.as_deref().and_then(Priority::parse);
        let operator = |v: &Option<String>| v.as_deref().and_then(|id| id.parse::<i64>().ok());
        Some(match kind {
            "created" => EventKind::Created,
            "status" => EventKind::Status {
                from: status(&self.from)?,
                to: status(&self.to)?,
                reason: self.reason,
                via: match self.via {
                    Some(code) => Some(Via::parse(&code)?),
                    None => None,
                },
            },
            "forced" => EventKind::Forced {
                from: status(&self.from)?,
                to: status(&self.to)?,
                reason: Some(self.reason?),
            },
            "assigned" => EventKind::Assigned {
                from: operator(&self.from),
                to: operator(&self.to),
                to_name: None,
                why: Some(Why::parse(self.reason.as_deref()?)?),
            },
            "message" => EventKind::Message { id: self.message? },
            "note" => EventKind::Note { id: self.message? },
            "attachment" => EventKind::Attachment {
                name: self.to?,
                message: self.message,
                internal,
            },
            "priority" => EventKind::Priority {
                from: priority(&self.from)?,
                to: priority(&self.to)?,
            },
            "category" => EventKind::Category {
                from: self.from,
                to: self.to,
            },
            "rated" => EventKind::Rated {
                good: match self.to?.as_str() {
                    "good" => true,
                    "bad" => false,
                    _ => return None,
                },
                comment: self.reason,
            },
            "escalated" => EventKind::Escalated {
                tier: self.to?.parse().ok()?,
                reason: self.reason,
            },
            "chat" => EventKind::Chat {
                step: ChatStep::parse(self.to.as_deref()?)?,
            },
            "call" => EventKind::Call {
                step: CallStep::parse(self.to.as_deref()?)?,
                video: match self.from.as_deref()? {
                    "video" => true,
                    "voice" => false,
                    _ => return None,
                },
            },
            "sla" => EventKind::Sla {
                target: SlaTarget::parse(self.from.as_deref()?)?,
                breached: match self.to?.as_str() {
                    "breach" => true,
                    "warning" => false,
                    _ => return None,
                },
            },
            _ => return None,
        })
    }
}

/// Appends one event to its ticket's history, applies it to the ticket's facts
/// (`facts::apply`), notes it if it is a move (`moves::note`), queues the e-mail it makes
/// (`mail::notify`) and the webhook deliveries (`webhooks::outbox`); its id.
pub async fn record(conn: &mut AnyConnection, event: Event) -> Result<i64, AppError> {
    let ids = append(&mut *conn, std::slice::from_ref(&event)).await?;
    let id = ids.first().copied().ok_or(AppError::Internal)?;
    super::mail::notify::on_event(&mut *conn, &event).await?;
    super::webhooks::outbox::on_event(&mut *conn, id, &event).await?;
    Ok(id)
}

/// Appends events in the order given — in one statement —, each applied to its ticket's
/// facts and noted if it is a move; their ids. Alone, it tells nobody: `salter import`
/// (`moving`) brings a ticket's past with it, whose people heard of it then.
pub async fn append(conn: &mut AnyConnection, events: &[Event]) -> Result<Vec<i64>, AppError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO ticket_events (ticket_id, actor_id, at, kind, from_value, to_value, reason, \
         message_id, internal, via) VALUES {} RETURNING id",
        super::db::rows_of(events.len(), 10)
    );
    let mut insert = sqlx::query_scalar::<_, i64>(&sql);
    for event in events {
        let columns = Columns::of(&event.what);
        insert = insert
            .bind(event.ticket)
            .bind(event.actor)
            .bind(event.at)
            .bind(event.what.code())
            .bind(columns.from)
            .bind(columns.to)
            .bind(columns.reason)
            .bind(columns.message)
            .bind(i64::from(event.what.internal()))
            .bind(columns.via);
    }
    let ids = super::db::in_written_order(insert.fetch_all(&mut *conn).await?);
    for (event, id) in events.iter().zip(&ids) {
        facts::apply(&mut *conn, event.ticket, event.into()).await?;
        super::moves::note(&mut *conn, *id, event.at, &event.what).await?;
    }
    Ok(ids)
}

/// A ticket's whole log as written, in order, with the operator ids the server keeps (for the
/// facts' fold).
pub async fn log_of(pool: &AnyPool, ticket: i64) -> Result<Vec<Event>, AppError> {
    type Row = (
        i64,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<i64>,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at, actor_id, kind, from_value, to_value, reason, message_id, internal, via \
         FROM ticket_events WHERE ticket_id = $1 ORDER BY id",
    )
    .bind(ticket)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(
            |(at, actor, kind, from, to, reason, message, internal, via)| {
                let columns = Columns {
                    from,
                    to,
                    reason,
                    message,
                    via,
                };
                let what = columns
                    .read(&kind, super::db::flag(internal))
                    .ok_or(AppError::Internal)?;
                Ok(Event {
                    ticket,
                    actor,
                    at,
                    what,
                })
            },
        )
        .collect()
}

/// What a reader selects from `ticket_events e` (with `users u` joined on the actor) to make an
/// `EventRow`.
pub const EVENT_COLUMNS: &str = "e.id, e.at, u.full_name AS actor_name, e.kind, e.from_value, \
     e.to_value, e.reason, e.message_id, e.internal, e.ticket_id, e.via";

/// A row of the log as selected by `EVENT_COLUMNS`.
#[derive(sqlx::FromRow, Debug)]
pub struct EventRow {
    id: i64,
    at: i64,
    actor_name: Option<String>,
    kind: String,
    from_value: Option<String>,
    to_value: Option<String>,
    reason: Option<String>,
    message_id: Option<i64>,
    internal: i64,
    pub ticket_id: i64,
    via: Option<String>,
}

/// Who reads a history: a ticket's client sees that it was assigned, not why (the reason
/// tells the floor's loads and staffing), and that an admin forced a status, but their reason
/// only when the admin chose to show such reasons to clients (it may be an internal remark).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Client { forced_reasons: bool },
    Staff,
}

impl EventRow {
    /// An admin's forced change (whose reason a client may or may not read).
    pub fn is_forced(&self) -> bool {
        self.kind == "forced"
    }

    pub fn into_event(self, reader: Reader) -> Result<TicketEvent, AppError> {
        let columns = Columns {
            from: self.from_value,
            to: self.to_value,
            reason: self.reason,
            message: self.message_id,
            via: self.via,
        };
        let Some(mut what) = columns.read(&self.kind, super::db::flag(self.internal)) else {
            tracing::error!(event = self.id, kind = %self.kind, "a history row no writer makes");
            return Err(AppError::Internal);
        };
        if let Reader::Client { forced_reasons } = reader {
            match &mut what {
                EventKind::Assigned { why, .. } => *why = None,
                EventKind::Forced { reason, .. } if !forced_reasons => *reason = None,
                _ => {}
            }
        }
        Ok(TicketEvent {
            id: self.id,
            at: self.at,
            actor_name: self.actor_name,
            what,
            ticket: None,
        })
    }
}

/// Names each assignment's receiver: the log keeps ids, people read names (every reader sees
/// names, never ids).
pub async fn name_receivers(pool: &AnyPool, events: &mut [TicketEvent]) -> Result<(), AppError> {
    let receiver = |e: &TicketEvent| match e.what {
        EventKind::Assigned { to: Some(id), .. } => Some(id),
        _ => None,
    };
    let mut ids: Vec<i64> = events.iter().filter_map(receiver).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let places: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, full_name FROM users WHERE id IN ({})",
        places.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for id in &ids {
        query = query.bind(id);
    }
    let names: std::collections::HashMap<i64, String> =
        query.fetch_all(pool).await?.into_iter().collect();
    for event in events {
        let id = receiver(event);
        if let EventKind::Assigned { to_name, .. } = &mut event.what {
            *to_name = id.and_then(|id| names.get(&id).cloned());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_as_written() {
        let all = [
            EventKind::Created,
            EventKind::Status {
                from: Status::Closed,
                to: Status::Assigned,
                reason: Some("It burns again.".into()),
                via: None,
            },
            EventKind::Status {
                from: Status::Assigned,
                to: Status::InProgress,
                reason: None,
                via: None,
            },
            EventKind::Status {
                from: Status::ReturnedToClient,
                to: Status::Closed,
                reason: None,
                via: Some(Via::Silence),
            },
            EventKind::Forced {
                from: Status::Open,
                to: Status::Closed,
                reason: Some("Duplicate".into()),
            },
            EventKind::Assigned {
                from: None,
                to: Some(12),
                to_name: None,
                why: Some(Why::Automatic {
                    load: 1,
                    capacity: 10,
                    on_duty: 2,
                }),
            },
            EventKind::Assigned {
                from: Some(12),
                to: None,
                to_name: None,
                why: Some(Why::OffDuty),
            },
            EventKind::Message { id: 4 },
            EventKind::Note { id: 5 },
            EventKind::Attachment {
                name: "invoice.pdf".into(),
                message: Some(5),
                internal: true,
            },
            EventKind::Attachment {
                name: "photo.png".into(),
                message: None,
                internal: false,
            },
            EventKind::Priority {
                from: Priority::Normal,
                to: Priority::Critical,
            },
            EventKind::Category {
                from: None,
                to: Some("Printers".into()),
            },
            EventKind::Rated {
                good: false,
                comment: Some("Slow".into()),
            },
            EventKind::Sla {
                target: SlaTarget::NextResponse,
                breached: true,
            },
            EventKind::Sla {
                target: SlaTarget::FirstResponse,
                breached: false,
            },
            EventKind::Escalated {
                tier: 2,
                reason: Some("Needs a network engineer".into()),
            },
            EventKind::Escalated {
                tier: 3,
                reason: None,
            },
            EventKind::Chat {
                step: ChatStep::Started,
            },
            EventKind::Chat {
                step: ChatStep::ClientLeft,
            },
            EventKind::Call {
                step: CallStep::Rang,
                video: true,
            },
            EventKind::Call {
                step: CallStep::Ended { seconds: 125 },
                video: false,
            },
            EventKind::Call {
                step: CallStep::Missed,
                video: false,
            },
        ];
        for what in all {
            let read = Columns::of(&what).read(what.code(), what.internal());
            assert_eq!(read, Some(what));
        }
    }

    #[test]
    fn rows_no_writer_makes_are_refused() {
        let reason = |r: &str| Columns {
            reason: Some(r.into()),
            ..Columns::default()
        };
        assert_eq!(reason("manual by admin").read("assigned", false), None);
        assert_eq!(Columns::default().read("assigned", false), None);
        assert_eq!(Columns::default().read("status", false), None);
        assert_eq!(Columns::default().read("renamed", false), None);
        let moved = |via: &str| Columns {
            from: Some("in_progress".into()),
            to: Some("closed".into()),
            via: Some(via.into()),
            ..Columns::default()
        };
        assert_eq!(moved("because").read("status", false), None);
        assert!(moved("silence").read("status", false).is_some());
    }
}
