//! The wire's types of the live socket's messages: places, notes, presence, chats and calls.

use serde::{Deserialize, Serialize};

use super::WorkHours;

/// A place in the delivery order of ticket events (`server::live`): the writing transaction
/// (PostgreSQL; 0 on SQLite) and the event's id. An app that has applied everything up to a
/// cursor asks for what comes after it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub tx: i64,
    pub id: i64,
}

/// What the live socket (`/ws`) tells an app, flat (one shape, cheap to decode): the cursor it
/// is now at, and either a ticket that changed (`ticket_id`; the app loads what it shows of it
/// again, through the server functions that check access again), or `reload` — too much
/// happened while it was away, so it loads everything again —, or `floor` — the floor changed
/// (breaks, plans, who is on duty; staff only) —, or, with none, where it starts. It never
/// carries what changed: nothing an app may not read travels this way.
///
/// Staff also hear who is on a ticket (`here`): sent for every ticket they may see whose
/// people change, and once for each on connecting.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LiveNote {
    pub cursor: Cursor,
    pub ticket_id: Option<i64>,
    pub reload: bool,
    pub floor: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub here: Option<Here>,
    /// A call of this person's changed (rang, was answered, ended): the `Call` as it is now, as
    /// JSON. Only the call screen reads it, a lazy chunk — so no app's first download carries
    /// its decoder (about 4 KB gzip).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// The other side of this person's call said something to their browser: the `Signal` as
    /// JSON, for the call screen likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
}

/// Who has a ticket open now (the apps leave themselves out), and who of them is writing.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Here {
    pub ticket_id: i64,
    pub people: Vec<Present>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Present {
    pub user_id: i64,
    pub name: String,
    pub typing: bool,
    /// On a live chat, for its client and its operator: the last of the other side's messages
    /// their tab has (`got`) and has shown while visible (`read`); 0 otherwise.
    #[serde(default)]
    pub got: i64,
    #[serde(default)]
    pub read: i64,
}

/// What an app tells its live socket: the ticket its tab shows (if any), whether its person is
/// writing on it (`note`: an internal note, which a client never hears of), and on a live chat
/// how far it has received and read the thread (`Present::got`, `Present::read`). Said again
/// whenever any of it changes.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Say {
    pub viewing: Option<i64>,
    pub typing: bool,
    #[serde(default)]
    pub note: bool,
    #[serde(default)]
    pub got: i64,
    #[serde(default)]
    pub read: i64,
    /// The call the tab has on screen (ringing out or talking): while some tab of each side
    /// says so, the call goes on.
    #[serde(default)]
    pub call: Option<i64>,
}

/// What an app says over its live socket: what its tab shows, or a word for the browser on the
/// other side of a call.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Up {
    Say(Say),
    Signal(Signal),
}

/// What two browsers in a call tell each other through the server (WebRTC signalling), for
/// the call `call_id`. The server only checks who may say it and passes it on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    pub call_id: i64,
    pub data: SignalData,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SignalData {
    /// A session description: an offer (`offer` true) or the answer to one.
    Description { offer: bool, sdp: String },
    /// A way to reach the sender's browser (an ICE candidate).
    Candidate {
        candidate: String,
        sdp_mid: Option<String>,
        sdp_m_line_index: Option<u16>,
    },
    /// Whether the sender's microphone is off (its picture speaks for itself).
    Media { muted: bool },
}

/// A voice or video call on a ticket, as one of its two sides sees it (`server::calls`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub id: i64,
    pub ticket_id: i64,
    pub subject: String,
    pub video: bool,
    /// The other side's name.
    pub with: String,
    /// Whether this side called (the other side rang).
    pub calling: bool,
    pub rang_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
}

/// Starting a call on a ticket: with cameras or voice only.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewCall {
    pub ticket_id: i64,
    pub video: bool,
}

/// How calls are made, as the admin sets it: the STUN and TURN servers browsers use to reach
/// each other through NAT — one per line, the address and, for TURN, its username and
/// credential (none built in: on one network none are needed) — and whether clients may call.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct CallSettings {
    pub ice_servers: String,
    pub clients_may_call: bool,
}

/// What a browser needs to make or take a call (`CallSettings`, read).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct CallSetup {
    pub ice_servers: Vec<IceServer>,
    pub clients_may_call: bool,
}

/// One STUN or TURN server (`stun:`, `stuns:`, `turn:` or `turns:` address); TURN needs a
/// username and credential.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct IceServer {
    pub url: String,
    pub username: Option<String>,
    pub credential: Option<String>,
}

/// What only a live chat has beside its ticket (`server::chat`): while it lasts, and how far
/// each side has received and read the other's messages (message ids; 0: none).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChatState {
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub client_got: i64,
    pub client_read: i64,
    pub staff_got: i64,
    pub staff_read: i64,
}

/// Whether a client may start a chat now — someone is on duty — and when support is staffed
/// (the working week of the service levels; empty: not set).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ChatAvailability {
    pub staffed: bool,
    pub hours: Vec<WorkHours>,
}

/// A client's first words in a new chat (they become the ticket's subject and description).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewChat {
    pub text: String,
    pub idempotency_key: String,
}

/// An operator hands their live chat to a colleague on duty, with a note for them (an internal
/// note on the ticket).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ChatTransfer {
    pub ticket_id: i64,
    pub operator_id: i64,
    pub note: String,
    pub idempotency_key: String,
}

/// A colleague a chat may be handed to: on duty now.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Colleague {
    pub id: i64,
    pub full_name: String,
}
