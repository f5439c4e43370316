//! The moving format, version 1: what `salter export` writes and `salter import files` reads —
//! a directory (or a zip, for one client's data) holding
//!
//! - `salter-export.json`, the `Manifest`: the format's name and version, the source (an id
//!   that stays the same for every export of one installation, so that importing two exports of
//!   it brings nothing twice), when it was made and how many of each it holds;
//! - `accounts.jsonl`, `categories.jsonl`, `tickets.jsonl`: one JSON object per line (`Account`,
//!   `Category`, `Ticket` — a ticket with its thread, files and ratings);
//! - `files/…`, each attachment as it was uploaded, named by the `path` of its `File`.
//!
//! Records point at each other by their `ref`, the source's own id as text. Times are RFC 3339.
//! Fields with a default may be left out by a program writing the format. The same records come
//! out of the osTicket reader (`osticket`) and the CSV reader (`files`), so every source is
//! imported by one importer (`import`).

use crate::roles::Role;
use crate::tickets::{Priority, Status};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "salter-export";
pub const VERSION: u32 = 1;
pub const MANIFEST: &str = "salter-export.json";
pub const ACCOUNTS: &str = "accounts.jsonl";
pub const CATEGORIES: &str = "categories.jsonl";
pub const TICKETS: &str = "tickets.jsonl";

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// Who made it: `salter:<installation id>`, or any stable name for another program's data.
    pub source: String,
    pub exported_at: Timestamp,
    #[serde(default)]
    pub counts: Counts,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub accounts: u64,
    pub categories: u64,
    pub tickets: u64,
    pub messages: u64,
    pub files: u64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Account {
    #[serde(rename = "ref")]
    pub id: String,
    /// Kept when free here; otherwise (and when missing) made from the full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    pub role: Role,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Category {
    #[serde(rename = "ref")]
    pub id: String,
    pub name: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    /// Its reference where it came from; kept beside the new one (`tickets.original_ref`).
    #[serde(rename = "ref")]
    pub id: String,
    pub subject: String,
    #[serde(default)]
    pub description: String,
    /// A category's `ref`.
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default = "normal")]
    pub priority: Priority,
    #[serde(default = "open")]
    pub status: Status,
    /// The client's account `ref`.
    pub client: String,
    /// The operator's account `ref`.
    #[serde(default)]
    pub operator: Option<String>,
    pub created_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    /// Files that came with the description.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<File>,
    #[serde(default)]
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<Rating>,
}

fn normal() -> Priority {
    Priority::Normal
}

fn open() -> Status {
    Status::Open
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The author's account `ref`.
    pub author: String,
    pub body: String,
    /// An internal note: staff's only.
    #[serde(default)]
    pub internal: bool,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<File>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub name: String,
    /// Where its bytes are, relative to the export's directory (`files/…`).
    pub path: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    pub good: bool,
    #[serde(default)]
    pub comment: Option<String>,
    pub at: Timestamp,
}

/// Unix milliseconds as a time of the format.
pub fn time(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_written_line_takes_the_defaults() {
        let line =
            r#"{"ref":"A-7","subject":"VPN","client":"c1","created_at":"2024-05-01T08:00:00Z"}"#;
        let t: Ticket = serde_json::from_str(line).unwrap();
        assert_eq!((t.status, t.priority), (Status::Open, Priority::Normal));
        assert!(t.messages.is_empty() && t.operator.is_none());
        assert_eq!(t.created_at.as_millisecond(), 1_714_550_400_000);
        let account: Account =
            serde_json::from_str(r#"{"ref":"c1","full_name":"Ana Anić","role":"client"}"#).unwrap();
        assert_eq!((account.role, account.disabled), (Role::Client, false));
    }

    #[test]
    fn an_unknown_status_is_refused_not_guessed() {
        let line = r#"{"ref":"A-7","subject":"x","client":"c1","status":"pending","created_at":"2024-05-01T08:00:00Z"}"#;
        assert!(serde_json::from_str::<Ticket>(line).is_err());
    }
}
