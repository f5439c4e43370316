//! Presence: who has a ticket open, and who is writing on it — shown to staff on the ticket
//! and in their queue, so two people do not answer the same client at once.
//!
//! Each live socket tells what its tab shows (`dto::Say`); its process turns that into a
//! `Saying` with the person and the ticket's parties (read, and access checked, by the socket
//! first), and says it again every `REFRESH`. A saying holds for `TTL` where it is heard: a tab
//! that closes is gone at once (its socket says so), one whose process died is gone within
//! seconds. On PostgreSQL every saying travels as NOTIFY `salter_presence`, so every process
//! knows who is where whichever process their socket is on; with SQLite (one process) it is
//! heard directly. Nothing of it is stored: presence is what is, now.
//!
//! Who hears it is decided at delivery like for events (`seen_by`): staff who may see the
//! ticket. Clients never hear of presence (their own is shown to staff).

use super::access::{self, TicketRole};
use super::auth::Session;
use super::db;
use super::ticket::{ticket_row, Parties};
use super::AppState;
use crate::dto::{Here, Present};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// How often a socket says again what its tab shows.
pub const REFRESH: Duration = Duration::from_secs(5);
/// How long a saying holds without being said again.
const TTL: Duration = Duration::from_secs(12);
/// How often expired sayings are looked for.
const SWEEP: Duration = Duration::from_secs(1);

/// One socket's presence, as every process hears it. `ticket: None` is leaving.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Saying {
    /// The process and the socket within it.
    pub socket: (u64, u64),
    pub ticket: Option<i64>,
    pub client_id: i64,
    pub operator_id: Option<i64>,
    pub user_id: i64,
    pub name: String,
    pub typing: bool,
}

impl Saying {
    fn parties(&self) -> Parties {
        Parties {
            client_id: self.client_id,
            operator_id: self.operator_id,
        }
    }
}

struct Entry {
    saying: Saying,
    until: Instant,
}

/// The process's knowledge of who is where, and the tickets whose people changed.
pub struct Presence {
    /// This process among others (the first half of every socket's key).
    pub process: u64,
    entries: Mutex<HashMap<(u64, u64), Entry>>,
    changed: broadcast::Sender<Changed>,
}

/// A ticket whose people changed, with its parties (for who may hear of it).
pub type Changed = (i64, Parties);

impl Default for Presence {
    fn default() -> Presence {
        Presence {
            process: rand::random(),
            entries: Mutex::default(),
            changed: broadcast::channel(256).0,
        }
    }
}

impl Presence {
    /// The tickets whose people change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Changed> {
        self.changed.subscribe()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<(u64, u64), Entry>> {
        // A panic while holding it leaves nothing half-done: the map stays usable.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Who is on `ticket`, one line per person.
    pub fn here(&self, ticket: i64) -> Here {
        let entries = self.entries();
        let mut on: Vec<&Saying> = entries
            .values()
            .map(|e| &e.saying)
            .filter(|s| s.ticket == Some(ticket))
            .collect();
        on.sort_by_key(|s| (s.user_id, !s.typing));
        let mut people: Vec<Present> = Vec::new();
        for s in on {
            // One line per person, however many tabs: writing in any is writing.
            match people.last_mut() {
                Some(p) if p.user_id == s.user_id => p.typing |= s.typing,
                _ => people.push(Present {
                    user_id: s.user_id,
                    name: s.name.clone(),
                    typing: s.typing,
                }),
            }
        }
        Here {
            ticket_id: ticket,
            people,
        }
    }

    /// Every ticket someone is on, with its parties.
    pub fn tickets(&self) -> Vec<Changed> {
        let mut tickets: Vec<Changed> = self
            .entries()
            .values()
            .filter_map(|e| Some((e.saying.ticket?, e.saying.parties())))
            .collect();
        tickets.sort_unstable_by_key(|t| t.0);
        tickets.dedup_by_key(|t| t.0);
        tickets
    }

    /// Takes in a saying; the tickets whose people it changed are announced.
    pub fn hear(&self, saying: Saying) {
        let until = Instant::now() + TTL;
        let touched: Vec<Changed> = {
            let mut entries = self.entries();
            let before = match saying.ticket {
                Some(_) => entries.insert(
                    saying.socket,
                    Entry {
                        saying: saying.clone(),
                        until,
                    },
                ),
                None => entries.remove(&saying.socket),
            };
            let before = before.map(|e| e.saying);
            if before.as_ref() == Some(&saying) {
                // Said again: it holds longer, nothing changed.
                return;
            }
            let mut touched: Vec<Changed> = [before.as_ref(), Some(&saying)]
                .into_iter()
                .flatten()
                .filter_map(|s| Some((s.ticket?, s.parties())))
                .collect();
            touched.dedup_by_key(|t| t.0);
            touched
        };
        for ticket in touched {
            let _ = self.changed.send(ticket);
        }
    }

    /// Drops the sayings not said again in time.
    fn sweep(&self) {
        let now = Instant::now();
        let mut gone = Vec::new();
        self.entries().retain(|_, e| {
            let holds = e.until > now;
            if !holds {
                gone.extend(e.saying.ticket.map(|t| (t, e.saying.parties())));
            }
            holds
        });
        for ticket in gone {
            let _ = self.changed.send(ticket);
        }
    }
}

/// The ticket a tab says it shows, if its session may see it: its parties (for who may hear
/// that someone is on it). Any other ticket puts nobody anywhere.
pub async fn may_be_on(state: &AppState, session: &Session, ticket: i64) -> Option<Parties> {
    let row = ticket_row(state, ticket).await.ok()?;
    access::ticket(session, &row).ok()?;
    Some(Parties::from(&row))
}

/// Who is on a ticket, for `session`: only staff who may see the ticket hear it (an empty
/// list included: nobody is left).
pub fn here_for(state: &AppState, session: &Session, (ticket, parties): Changed) -> Option<Here> {
    matches!(
        access::ticket(session, parties),
        Ok(TicketRole::Operator | TicketRole::Admin)
    )
    .then(|| state.live.presence.here(ticket))
}

/// Says a saying to every process (this one included).
pub async fn say(state: &AppState, saying: Saying) {
    let sent = match serde_json::to_string(&saying) {
        Ok(payload) => state.db.notify(db::PRESENCE_CHANNEL, &payload).await,
        Err(_) => false,
    };
    if !sent {
        state.live.presence.hear(saying);
    }
}

/// A saying heard from NOTIFY.
pub fn heard(state: &AppState, payload: &str) {
    match serde_json::from_str::<Saying>(payload) {
        Ok(saying) => state.live.presence.hear(saying),
        Err(e) => tracing::warn!(error = %e, "presence: a saying that does not decode"),
    }
}

/// Drops expired sayings, for the process's life.
pub async fn sweep(state: AppState) {
    loop {
        tokio::time::sleep(SWEEP).await;
        state.live.presence.sweep();
    }
}
