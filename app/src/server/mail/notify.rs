//! Who is told what by e-mail when a ticket event is written: called by the history writer in
//! the event's transaction, so a notice exists exactly when its change committed. Nobody is told
//! of their own act but a new ticket's client (its reference); a person without an address, disabled, or who turned the notice off gets
//! nothing. Internal notes tell nobody: a client's e-mail quotes only messages to them.

use crate::dto::Notice;
use crate::error::AppError;
use crate::events::Event;
use crate::events::{EventKind, Via};
use crate::tickets::Status;
use sqlx::AnyConnection;

/// The notices one event makes, given the ticket's client and operator: what, to whom, and
/// the thread message quoted.
/// The ticket's people as notices name them.
struct Parties<'a> {
    client: i64,
    operator: Option<i64>,
    /// Told of a missed service-level target (read only for such an event).
    admins: &'a [i64],
}

fn notices(event: &Event, parties: Parties) -> Vec<(Notice, i64, Option<i64>)> {
    let Parties {
        client,
        operator,
        admins,
    } = parties;
    let by_client = event.actor == Some(client);
    let moved = |from: Status, to: Status, proposal: bool| match (from, to) {
        (_, Status::Closed) => vec![(Notice::Closed, client, None)],
        (Status::Closed, _) => std::iter::once(client)
            .chain(operator)
            .map(|who| (Notice::Reopened, who, None))
            .collect(),
        (_, Status::ReturnedToClient) if proposal => vec![(Notice::Proposed, client, None)],
        (_, Status::ReturnedToClient) => vec![(Notice::Returned, client, None)],
        _ => Vec::new(),
    };
    match &event.what {
        EventKind::Created => vec![(Notice::Received, client, None)],
        EventKind::Message { id } if by_client => operator
            .map(|op| (Notice::ClientAnswered, op, Some(*id)))
            .into_iter()
            .collect(),
        EventKind::Message { id } => vec![(Notice::Answered, client, Some(*id))],
        EventKind::Status { from, to, via, .. } => moved(*from, *to, *via == Some(Via::Proposal)),
        EventKind::Forced { from, to, .. } => moved(*from, *to, false),
        EventKind::Assigned { to: Some(op), .. } => vec![(Notice::Assigned, *op, None)],
        EventKind::Sla {
            breached: false, ..
        } => operator
            .map(|op| (Notice::SlaWarning, op, None))
            .into_iter()
            .collect(),
        // A miss escalates: the admins hear of it too.
        EventKind::Sla { breached: true, .. } => operator
            .into_iter()
            .chain(admins.iter().copied())
            .map(|who| (Notice::SlaBreached, who, None))
            .collect(),
        EventKind::Assigned { to: None, .. }
        | EventKind::Note { .. }
        | EventKind::Attachment { .. }
        | EventKind::Priority { .. }
        | EventKind::Category { .. }
        | EventKind::Rated { .. }
        | EventKind::Escalated { .. }
        | EventKind::Chat { .. }
        | EventKind::Call { .. } => Vec::new(),
    }
}

/// Writes the outbox rows `event` makes (see the module). Several notices for one person at one
/// moment become one row, the weightiest, quoting the message any of them quotes.
pub async fn on_event(conn: &mut AnyConnection, event: &Event) -> Result<(), AppError> {
    let (client, operator): (i64, Option<i64>) =
        sqlx::query_as("SELECT client_id, operator_id FROM tickets WHERE id = $1")
            .bind(event.ticket)
            .fetch_one(&mut *conn)
            .await?;
    let admins: Vec<i64> = match event.what {
        EventKind::Sla { breached: true, .. } => admin_ids(conn).await?,
        _ => Vec::new(),
    };
    let parties = Parties {
        client,
        operator,
        admins: &admins,
    };
    for (notice, whom, message) in notices(event, parties) {
        if event.actor == Some(whom) && notice != Notice::Received {
            continue;
        }
        queue(conn, notice, whom, Some(event.ticket), message, event.at).await?;
    }
    Ok(())
}

/// Tells every admin `notice` (of no ticket), at `at`.
pub async fn to_admins(conn: &mut AnyConnection, notice: Notice, at: i64) -> Result<(), AppError> {
    for admin in admin_ids(conn).await? {
        queue(conn, notice, admin, None, None, at).await?;
    }
    Ok(())
}

async fn admin_ids(conn: &mut AnyConnection) -> Result<Vec<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users WHERE role = 'admin' AND disabled = 0")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// Writes one outbox row for `whom`, unless they have no address, are disabled, or turned the
/// notice off.
async fn queue(
    conn: &mut AnyConnection,
    notice: Notice,
    whom: i64,
    ticket: Option<i64>,
    message: Option<i64>,
    at: i64,
) -> Result<(), AppError> {
    let reader: Option<(Option<String>, String, i64)> =
        sqlx::query_as("SELECT email, mail_muted, disabled FROM users WHERE id = $1")
            .bind(whom)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((Some(address), muted, 0)) = reader else {
        return Ok(());
    };
    if muted.split(',').any(|code| code == notice.code()) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO outbox (recipient_id, address, notice, weight, ticket_id, message_id, at, \
         header_id, next_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7) \
         ON CONFLICT (recipient_id, ticket_id, at) DO UPDATE SET \
         notice = CASE WHEN excluded.weight > outbox.weight THEN excluded.notice ELSE outbox.notice END, \
         weight = CASE WHEN excluded.weight > outbox.weight THEN excluded.weight ELSE outbox.weight END, \
         message_id = COALESCE(outbox.message_id, excluded.message_id)",
    )
    .bind(whom)
    .bind(address)
    .bind(notice.code())
    .bind(super::weight(notice))
    .bind(ticket)
    .bind(message)
    .bind(at)
    .bind(super::outbox::header_id())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(actor: Option<i64>, what: EventKind) -> Event {
        Event {
            ticket: 1,
            actor,
            at: 0,
            what,
        }
    }

    const CLIENT: i64 = 10;
    const OPERATOR: i64 = 20;
    const ADMIN: i64 = 30;

    fn told(actor: Option<i64>, what: EventKind) -> Vec<(Notice, i64, Option<i64>)> {
        let parties = Parties {
            client: CLIENT,
            operator: Some(OPERATOR),
            admins: &[ADMIN],
        };
        notices(&event(actor, what), parties)
    }

    #[test]
    fn each_side_hears_of_the_other() {
        assert_eq!(
            told(Some(CLIENT), EventKind::Created),
            [(Notice::Received, CLIENT, None)]
        );
        assert_eq!(
            told(Some(CLIENT), EventKind::Message { id: 5 }),
            [(Notice::ClientAnswered, OPERATOR, Some(5))]
        );
        assert_eq!(
            told(Some(OPERATOR), EventKind::Message { id: 6 }),
            [(Notice::Answered, CLIENT, Some(6))]
        );
        assert_eq!(told(Some(OPERATOR), EventKind::Note { id: 7 }), []);
        let assigned = EventKind::Assigned {
            from: None,
            to: Some(OPERATOR),
            to_name: None,
            why: None,
        };
        assert_eq!(told(None, assigned), [(Notice::Assigned, OPERATOR, None)]);
        // Service levels: the operator is warned; a miss reaches the admins too.
        let sla = |breached| EventKind::Sla {
            target: crate::events::SlaTarget::FirstResponse,
            breached,
        };
        assert_eq!(
            told(None, sla(false)),
            [(Notice::SlaWarning, OPERATOR, None)]
        );
        assert_eq!(
            told(None, sla(true)),
            [
                (Notice::SlaBreached, OPERATOR, None),
                (Notice::SlaBreached, ADMIN, None)
            ]
        );
    }

    #[test]
    fn moves_tell_the_client_and_a_reopening_both() {
        let status = |from, to, via| EventKind::Status {
            from,
            to,
            reason: None,
            via,
        };
        use Status::*;
        assert_eq!(
            told(Some(OPERATOR), status(InProgress, ReturnedToClient, None)),
            [(Notice::Returned, CLIENT, None)]
        );
        assert_eq!(
            told(
                Some(OPERATOR),
                status(InProgress, ReturnedToClient, Some(Via::Proposal))
            ),
            [(Notice::Proposed, CLIENT, None)]
        );
        assert_eq!(
            told(None, status(ReturnedToClient, Closed, Some(Via::Silence))),
            [(Notice::Closed, CLIENT, None)]
        );
        assert_eq!(
            told(Some(CLIENT), status(Closed, Assigned, None)),
            [
                (Notice::Reopened, CLIENT, None),
                (Notice::Reopened, OPERATOR, None)
            ]
        );
        assert_eq!(told(Some(OPERATOR), status(Assigned, InProgress, None)), []);
    }

    #[test]
    fn a_reply_that_returns_the_ticket_outweighs_the_reply() {
        assert!(super::super::weight(Notice::Returned) > super::super::weight(Notice::Answered));
        assert!(super::super::weight(Notice::Closed) > super::super::weight(Notice::Answered));
        for notice in Notice::ALL {
            assert_eq!(Notice::parse(notice.code()), Some(notice));
        }
    }
}
