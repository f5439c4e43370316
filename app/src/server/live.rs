//! Live updates: ticket events delivered to the apps as they commit, in commit order, each only
//! to the sockets allowed to see it.
//!
//! The event log (`ticket_events`, written by `history` in every change's transaction) is the
//! source of truth; nothing is kept anywhere else. One `tail` per process reads what has
//! *settled* after its cursor — on PostgreSQL, only events of transactions older than every
//! transaction still running (`db::settled`, migration 0011), so an event that commits later
//! never has a lower place than one already delivered — and fans it out on a broadcast
//! channel. Each socket keeps what its session may see (`Settled::seen_by`: `access::ticket`
//! with the ticket's parties as they are when the event is read, so an operator who lost a
//! ticket hears nothing more of it but the event that took it; internal events for staff
//! only). After a reconnect, a
//! socket first catches up from the app's cursor (`catch_up`). The HTTP side — the upgrade,
//! frames, heartbeats — is the server crate's (`server/src/live.rs`).

use super::access::{self, TicketRole};
use super::auth::Session;
use super::db::{self, flag};
use super::ticket::Parties;
use super::AppState;
use crate::dto::{Cursor, Here, LiveNote};
use crate::error::AppError;
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};

/// Events read at once. An app further behind than this is told to load everything again.
const BATCH: i64 = 500;
/// How often the tail looks without being woken: events whose commit woke nobody (on
/// PostgreSQL, those that settle when an older transaction without events ends).
const POLL: Duration = Duration::from_millis(500);
/// Events the fan-out holds for slow sockets; one that falls further behind reloads.
pub const FAN_OUT: usize = 1024;

/// One event as delivery reads it: where it is in the order, its ticket, whose the ticket is
/// now, and — for an assignment — the operator it left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settled {
    pub cursor: Cursor,
    pub ticket_id: i64,
    pub internal: bool,
    pub parties: Parties,
    pub left: Option<i64>,
}

impl Settled {
    /// Whether `session` may hear of this event: the ticket's own access rule, internal events
    /// (notes and their files) for staff only — and the operator a ticket was taken from hears
    /// that one event, so it leaves their queue (a note names the ticket, nothing of it).
    pub fn seen_by(&self, session: &Session) -> bool {
        match access::ticket(session, self.parties) {
            Ok(TicketRole::Client) => !self.internal,
            Ok(TicketRole::Operator | TicketRole::Admin) => true,
            Err(_) => self.left == Some(session.user.id),
        }
    }

    pub fn note(&self) -> LiveNote {
        LiveNote {
            ticket_id: Some(self.ticket_id),
            ..start_note(self.cursor, false)
        }
    }
}

/// Where an app starts (`cursor`), or, with `reload`, that it must load everything again.
pub fn start_note(cursor: Cursor, reload: bool) -> LiveNote {
    LiveNote {
        cursor,
        ticket_id: None,
        reload,
        floor: false,
        here: None,
        call: None,
        signal: None,
    }
}

/// Who is on a ticket now (staff only: `presence::here_for`).
pub fn here_note(cursor: Cursor, here: Here) -> LiveNote {
    LiveNote {
        here: Some(here),
        ..start_note(cursor, false)
    }
}

/// The floor changed (a break, a plan, who is on duty, the loads): staff's floor views and
/// duty bars load again. Clients never hear of it.
pub fn floor_note(cursor: Cursor, session: &Session) -> Option<LiveNote> {
    let staff = session
        .user
        .role()
        .is_ok_and(|r| r != crate::dto::Role::Client);
    staff.then_some(LiveNote {
        floor: true,
        ..start_note(cursor, false)
    })
}

/// Tells every process's sockets that the floor changed. It is no event of the log: a socket
/// away at the time does not hear of it, but an app that comes back loads its floor anyway.
pub async fn floor_changed(state: &AppState) {
    if !state.db.notify(db::FLOOR_CHANNEL, "").await {
        let _ = state.live.floor.send(());
    }
}

/// The process's live hub: the tail's fan-out, how far it has read, its wake-up, and whether
/// the process is stopping (the sockets then close, telling the apps to come back).
pub struct Live {
    events: broadcast::Sender<Settled>,
    floor: broadcast::Sender<()>,
    head: watch::Sender<Cursor>,
    wake: Notify,
    /// Wakes the e-mail sender (`mail::outbox`) for a row written outside the ticket events.
    pub mail: Notify,
    /// Wakes the e-mail fetcher (`inbox`) when the mailbox setting changed.
    pub mail_in: Notify,
    /// Wakes the webhook sender (`webhooks::outbox`) for a delivery queued again or resumed.
    pub webhooks: Notify,
    closing: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Live {
        Live {
            events: broadcast::channel(FAN_OUT).0,
            floor: broadcast::channel(16).0,
            head: watch::channel(Cursor::default()).0,
            wake: Notify::new(),
            mail: Notify::new(),
            mail_in: Notify::new(),
            webhooks: Notify::new(),
            closing: watch::channel(false).0,
        }
    }
}

impl Live {
    /// Changes each time events settle (committed, in any process).
    pub fn settled(&self) -> watch::Receiver<Cursor> {
        self.head.subscribe()
    }

    /// Something may have committed: the tail looks now rather than at its next tick.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Every event the tail reads from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Settled> {
        self.events.subscribe()
    }

    /// Every change of the floor from now on.
    pub fn floor(&self) -> broadcast::Receiver<()> {
        self.floor.subscribe()
    }

    /// How far the tail has read.
    pub fn head(&self) -> Cursor {
        *self.head.borrow()
    }

    /// The process is stopping: every socket closes.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }

    /// Changes when the process starts stopping.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }
}

/// Settled events after `after`, in delivery order, at most `limit`.
pub async fn settled_after(
    state: &AppState,
    after: Cursor,
    limit: i64,
) -> Result<Vec<Settled>, AppError> {
    let sql = format!(
        "SELECT e.tx, e.id, e.ticket_id, e.internal, t.client_id, t.operator_id, \
         CASE WHEN e.kind = 'assigned' THEN e.from_value END \
         FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id \
         WHERE (e.tx, e.id) > ($1, $2){} ORDER BY e.tx, e.id LIMIT $3",
        db::settled(state.db.backend)
    );
    type Row = (i64, i64, i64, i64, i64, Option<i64>, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(after.tx)
        .bind(after.id)
        .bind(limit)
        .fetch_all(&state.db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(tx, id, ticket_id, internal, client_id, operator_id, left)| Settled {
                cursor: Cursor { tx, id },
                ticket_id,
                internal: flag(internal),
                parties: Parties {
                    client_id,
                    operator_id,
                },
                left: left.and_then(|id| id.parse().ok()),
            },
        )
        .collect())
}

/// The last settled event's place (the start of the log when there is none).
async fn last_settled(state: &AppState) -> Result<Cursor, AppError> {
    let sql = format!(
        "SELECT e.tx, e.id FROM ticket_events e WHERE 1 = 1{} \
         ORDER BY e.tx DESC, e.id DESC LIMIT 1",
        db::settled(state.db.backend)
    );
    let last: Option<(i64, i64)> = sqlx::query_as(&sql).fetch_optional(&state.db.pool).await?;
    Ok(last.map(|(tx, id)| Cursor { tx, id }).unwrap_or_default())
}

/// What a socket sends first: the events after the app's cursor that it may see, or — when
/// the app is further behind than one batch — a note to load everything again from the
/// tail's place. Answers the notes and the cursor the socket has reached.
pub async fn catch_up(
    state: &AppState,
    session: &Session,
    after: Cursor,
) -> Result<(Vec<LiveNote>, Cursor), AppError> {
    let missed = settled_after(state, after, BATCH).await?;
    if missed.len() as i64 == BATCH {
        let head = state.live.head().max(after);
        return Ok((vec![start_note(head, true)], head));
    }
    let reached = missed.last().map_or(after, |e| e.cursor);
    let notes = missed
        .iter()
        .filter(|e| e.seen_by(session))
        .map(Settled::note)
        .collect();
    Ok((notes, reached))
}

/// A channel other processes NOTIFY on beside the events' and the floor's (presence, calls), and
/// what this process does with what it hears there.
pub type Hearing = (&'static str, fn(&AppState, &str));

/// The process's tail: from the last settled event at start, reads what settles and fans it
/// out, woken by the process's own changes, by other processes' commits (PostgreSQL NOTIFY),
/// and every `POLL`; what other processes say on the `hearings`' channels goes to their handlers.
pub async fn tail(state: AppState, hearings: Vec<Hearing>) {
    let live = &state.live;
    let mut at = loop {
        match last_settled(&state).await {
            Ok(cursor) => break cursor,
            Err(e) => {
                tracing::warn!(error = %e, "live: cannot read the event log yet");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    };
    live.head.send_replace(at);
    let mut channels = vec![db::EVENTS_CHANNEL, db::FLOOR_CHANNEL];
    channels.extend(hearings.iter().map(|(channel, _)| *channel));
    if let Some(listener) = state.db.listener(&channels).await {
        tokio::spawn(wake_on_notify(state.clone(), listener, hearings));
    }
    loop {
        match settled_after(&state, at, BATCH).await {
            Ok(batch) => {
                for event in &batch {
                    // No socket listening is no error.
                    let _ = live.events.send(*event);
                }
                if let Some(last) = batch.last() {
                    at = last.cursor;
                    live.head.send_replace(at);
                }
                if batch.len() as i64 == BATCH {
                    continue;
                }
            }
            Err(e) => tracing::warn!(error = %e, "live: reading the event log failed"),
        }
        tokio::select! {
            _ = live.wake.notified() => {}
            _ = state.db.committed() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}

/// PostgreSQL: every NOTIFY of committed events (sent by `db::announce` — from any process)
/// wakes the tail, every floor change reaches this process's sockets, and what is said on a
/// hearing's channel goes to its handler; a lost connection is made again.
async fn wake_on_notify(state: AppState, mut listener: db::Listener, hearings: Vec<Hearing>) {
    loop {
        match listener.recv().await {
            Ok(n) if n.channel() == db::FLOOR_CHANNEL => {
                let _ = state.live.floor.send(());
            }
            Ok(n) => match hearings.iter().find(|(channel, _)| *channel == n.channel()) {
                Some((_, heard)) => heard(&state, n.payload()),
                None => state.live.wake(),
            },
            Err(e) => {
                tracing::warn!(error = %e, "live: listening for other processes' events failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
