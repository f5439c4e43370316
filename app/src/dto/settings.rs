//! The wire's types of what an app starts with, and the settings and privacy choices an admin
//! makes.

use serde::{Deserialize, Serialize};

use super::{limits, CurrentUser, Cursor, TicketPage};

/// What anyone may know before signing in.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct PublicSettings {
    /// `None` until the admin names the company; the apps then show a neutral name.
    pub company_name: Option<String>,
    /// The installation's time zone (IANA name): exact times are shown in it.
    pub time_zone: String,
}

/// What an app needs before its first screen, written into its page (`index.html`) by the server
/// so that it starts without asking: each part is what its server function would answer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Boot {
    /// `settings/public_info`.
    pub settings: PublicSettings,
    /// `session/me`; none when not signed in.
    pub me: Option<CurrentUser>,
    /// `privacy/notice`, in the client portal only (the other apps show none).
    pub notice: Option<PrivacyNotice>,
    /// On a page that opens on the ticket list (`Role::opens_on_list`), for its role's person:
    /// what `tickets/list` answers with no filter, so the app shows it at once…
    pub tickets: Option<TicketPage>,
    /// …and the live place read just before it, where the app's socket starts: a change made in
    /// between reaches it.
    pub cursor: Option<Cursor>,
}

/// The id of the element of an app's page that carries its `Boot`.
pub const BOOT_ELEMENT: &str = "boot";

/// How tickets read to clients and wait for them, as the admin sets it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketSettings {
    /// Clients read an admin's reason for forcing a status (off: they see only that it changed).
    pub forced_reasons_to_clients: bool,
    /// After how many days without a word from the client a proposed solution closes the
    /// ticket by itself (`limits::SOLUTION_DAYS`).
    pub solution_days: u32,
    /// How many tickets a live chat under way counts as in its operator's load
    /// (`limits::CHAT_WEIGHT`).
    #[serde(default = "chat_weight_default")]
    pub chat_weight: u32,
}

fn chat_weight_default() -> u32 {
    limits::CHAT_WEIGHT_DEFAULT
}

/// The privacy notice the admin wrote, as a reader sees it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PrivacyNotice {
    /// The admin's Markdown (for the admin's form).
    pub text: String,
    /// The same, rendered safely.
    pub html: String,
    /// The moment it last changed: what a client accepts.
    pub version: String,
    /// When the caller accepted this version (Unix milliseconds); none when not signed in or not yet.
    pub accepted_at: Option<i64>,
}

/// How long closed tickets keep what people wrote and sent (none: for ever), and how many
/// closed tickets are past that now.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    pub days: Option<i64>,
    pub due: i64,
}

/// What erasing a client took away: their tickets (kept without their name) and files (deleted).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Erased {
    pub tickets: i64,
    pub files: i64,
}
