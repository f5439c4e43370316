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
//! ticket, and on a live chat its client too — who is there and writing (never an internal
//! note being written), and how far the operator has received and read the chat. On other
//! tickets clients never hear of presence (their own is shown to staff).

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

/// One socket's presence, as every process hears it: the ticket its tab shows, the call it
/// has on screen; neither is leaving.
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
    /// Writing an internal note (staff only hear of it).
    pub note: bool,
    /// The ticket is a live chat (its client hears of it too).
    pub chat: bool,
    /// On a chat, for its client or its operator: how far the tab has received and read it.
    pub got: i64,
    pub read: i64,
    /// The call the tab has on screen, if it is one of its sides (`calls::may_be_in`).
    #[serde(default)]
    pub call: Option<i64>,
}

impl Saying {
    /// Whether the tab is anywhere: on a ticket or in a call. One that is nowhere is leaving.
    fn somewhere(&self) -> bool {
        self.ticket.is_some() || self.call.is_some()
    }
}

impl Saying {
    fn changed(&self) -> Option<Changed> {
        Some(Changed {
            ticket: self.ticket?,
            parties: Parties {
                client_id: self.client_id,
                operator_id: self.operator_id,
            },
            chat: self.chat,
        })
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

/// A ticket whose people changed, with its parties and whether it is a chat (for who may hear
/// of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Changed {
    pub ticket: i64,
    pub parties: Parties,
    pub chat: bool,
}

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

    /// Who is on `ticket`, one line per person, as staff hear it.
    pub fn here(&self, ticket: i64) -> Here {
        self.gather(ticket, |s| s.typing)
    }

    /// Who is on `ticket` as its client hears it: writing an internal note is not writing.
    pub fn here_for_client(&self, ticket: i64) -> Here {
        self.gather(ticket, |s| s.typing && !s.note)
    }

    /// One line per person on `ticket`, `typing` telling whether a tab's writing counts.
    fn gather(&self, ticket: i64, typing: fn(&Saying) -> bool) -> Here {
        let entries = self.entries();
        let mut on: Vec<&Saying> = entries
            .values()
            .map(|e| &e.saying)
            .filter(|s| s.ticket == Some(ticket))
            .collect();
        on.sort_by_key(|s| (s.user_id, !typing(s)));
        let mut people: Vec<Present> = Vec::new();
        for s in on {
            // One line per person, however many tabs: writing in any is writing, and the
            // furthest tab counts for the marks.
            match people.last_mut() {
                Some(p) if p.user_id == s.user_id => {
                    p.typing |= typing(s);
                    p.got = p.got.max(s.got);
                    p.read = p.read.max(s.read);
                }
                _ => people.push(Present {
                    user_id: s.user_id,
                    name: s.name.clone(),
                    typing: typing(s),
                    got: s.got,
                    read: s.read,
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
            .filter_map(|e| e.saying.changed())
            .collect();
        tickets.sort_unstable_by_key(|t| t.ticket);
        tickets.dedup_by_key(|t| t.ticket);
        tickets
    }

    /// Whether `user` has `ticket` open in some tab now.
    pub fn is_on(&self, ticket: i64, user: i64) -> bool {
        self.entries()
            .values()
            .any(|e| e.saying.ticket == Some(ticket) && e.saying.user_id == user)
    }

    /// Whether `user` has call `call` on screen in some tab now.
    pub fn in_call(&self, call: i64, user: i64) -> bool {
        self.entries()
            .values()
            .any(|e| e.saying.call == Some(call) && e.saying.user_id == user)
    }

    /// Takes in a saying; the tickets whose people it changed are announced.
    pub fn hear(&self, saying: Saying) {
        let until = Instant::now() + TTL;
        let touched: Vec<Changed> = {
            let mut entries = self.entries();
            let before = if saying.somewhere() {
                let entry = Entry {
                    saying: saying.clone(),
                    until,
                };
                entries.insert(saying.socket, entry)
            } else {
                entries.remove(&saying.socket)
            };
            let before = before.map(|e| e.saying);
            if before.as_ref() == Some(&saying) {
                // Said again: it holds longer, nothing changed.
                return;
            }
            let mut touched: Vec<Changed> = [before.as_ref(), Some(&saying)]
                .into_iter()
                .flatten()
                .filter_map(Saying::changed)
                .collect();
            touched.dedup_by_key(|t| t.ticket);
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
                gone.extend(e.saying.changed());
            }
            holds
        });
        for ticket in gone {
            let _ = self.changed.send(ticket);
        }
    }
}

/// The ticket a tab says it shows, if its session may see it: its parties (for who may hear
/// that someone is on it), whether it is a chat, and how the session sees it. Any other ticket
/// puts nobody anywhere.
pub async fn may_be_on(state: &AppState, session: &Session, ticket: i64) -> Option<OnTicket> {
    let row = ticket_row(state, ticket).await.ok()?;
    let seen_as = access::ticket(session, &row).ok()?;
    // A chat under way or ended (`chat`): its client hears who is on it.
    let chats: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM chats WHERE ticket_id = $1")
        .bind(ticket)
        .fetch_one(&state.db.pool)
        .await
        .ok()?;
    let chat = chats > 0;
    Some(OnTicket {
        parties: Parties::from(&row),
        chat,
        seen_as,
    })
}

/// A ticket a tab shows, as read when it said so.
#[derive(Clone, Copy, Debug)]
pub struct OnTicket {
    pub parties: Parties,
    pub chat: bool,
    pub seen_as: TicketRole,
}

/// Who is on a ticket, for `session`: staff who may see the ticket hear it, and a chat's
/// client hears who else is on their chat (an empty list included: nobody is left) — never
/// that someone writes an internal note.
pub fn here_for(state: &AppState, session: &Session, changed: Changed) -> Option<Here> {
    match access::ticket(session, changed.parties) {
        Ok(TicketRole::Operator | TicketRole::Admin) => Some(state.presence.here(changed.ticket)),
        Ok(TicketRole::Client) if changed.chat => {
            let mut here = state.presence.here_for_client(changed.ticket);
            here.people.retain(|p| p.user_id != session.user.id);
            Some(here)
        }
        _ => None,
    }
}

/// Says a saying to every process (this one included).
pub async fn say(state: &AppState, saying: Saying) {
    let sent = match serde_json::to_string(&saying) {
        Ok(payload) => state.db.notify(db::PRESENCE_CHANNEL, &payload).await,
        Err(_) => false,
    };
    if !sent {
        state.presence.hear(saying);
    }
}

/// A saying heard from NOTIFY.
pub fn heard(state: &AppState, payload: &str) {
    match serde_json::from_str::<Saying>(payload) {
        Ok(saying) => state.presence.hear(saying),
        Err(e) => tracing::warn!(error = %e, "presence: a saying that does not decode"),
    }
}

/// Drops expired sayings, for the process's life.
pub async fn sweep(state: AppState) {
    loop {
        tokio::time::sleep(SWEEP).await;
        state.presence.sweep();
    }
}
