//! The wire's types of e-mail: notices, each person's choices, the server settings, held mail and
//! the outbox.

use serde::{Deserialize, Serialize};

use super::{IssuedCredentials, Role};

/// What an e-mail tells its reader. The code is the outbox's `notice` column and the word a
/// person's choices (`users.mail_muted`) are kept in (`server::mail`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// To a client: their new ticket arrived, with its reference.
    Received,
    /// To a client: staff wrote on their ticket.
    Answered,
    /// To a client: their ticket came back to them for more information.
    Returned,
    /// To a client: an operator proposed a solution to confirm.
    Proposed,
    /// To a client: their ticket was closed.
    Closed,
    /// To a client and the ticket's operator: a closed ticket was opened again.
    Reopened,
    /// To an operator: a ticket became theirs.
    Assigned,
    /// To an operator: the client wrote on their ticket.
    ClientAnswered,
    /// To an operator: a service-level target of their ticket is near.
    SlaWarning,
    /// To the ticket's operator and the admins: a service-level target was missed.
    SlaBreached,
    /// The admin's "send a test e-mail".
    Test,
    /// To the admins: a webhook's receiver kept failing and was paused.
    WebhookPaused,
}

impl Notice {
    pub const ALL: [Notice; 12] = [
        Notice::Received,
        Notice::Answered,
        Notice::Returned,
        Notice::Proposed,
        Notice::Closed,
        Notice::Reopened,
        Notice::Assigned,
        Notice::ClientAnswered,
        Notice::SlaWarning,
        Notice::SlaBreached,
        Notice::Test,
        Notice::WebhookPaused,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Notice::Received => "received",
            Notice::Answered => "answered",
            Notice::Returned => "returned",
            Notice::Proposed => "proposed",
            Notice::Closed => "closed",
            Notice::Reopened => "reopened",
            Notice::Assigned => "assigned",
            Notice::ClientAnswered => "client_answered",
            Notice::SlaWarning => "sla_warning",
            Notice::SlaBreached => "sla_breached",
            Notice::Test => "test",
            Notice::WebhookPaused => "webhook_paused",
        }
    }

    pub fn parse(code: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The notices a person of `role` may get, in the order their choices are shown.
    pub fn for_role(role: Role) -> &'static [Notice] {
        match role {
            Role::Client => &[
                Notice::Received,
                Notice::Answered,
                Notice::Returned,
                Notice::Proposed,
                Notice::Closed,
                Notice::Reopened,
            ],
            Role::Operator => &[
                Notice::Assigned,
                Notice::ClientAnswered,
                Notice::Reopened,
                Notice::SlaWarning,
                Notice::SlaBreached,
            ],
            Role::Admin => &[Notice::SlaBreached, Notice::WebhookPaused],
        }
    }
}

/// A person's e-mail: their address, and the notices they turned off (of `Notice::for_role`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct MailChoices {
    pub email: String,
    pub off: Vec<Notice>,
}

/// The mail servers and addresses, as the admin sees and sets them; empty where unset. A
/// server's password is shown as `********` and kept when sent back so.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct MailSettings {
    pub smtp_url: String,
    #[serde(default)]
    pub imap_url: String,
    pub from: String,
    pub reply_to: String,
}

/// Why a message to the support mailbox waits for an admin instead of becoming a ticket or a
/// reply. The code is `mail_in.held_why`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Held {
    /// No account has the sender's address.
    UnknownSender,
    /// It answers a ticket whose client or staff the sender is not.
    NotOnTicket,
    /// From staff, answering no ticket: only clients open tickets.
    NotAClient,
    /// Its content was refused (the checks a ticket's text passes).
    Unreadable,
}

impl Held {
    pub const ALL: [Held; 4] = [
        Held::UnknownSender,
        Held::NotOnTicket,
        Held::NotAClient,
        Held::Unreadable,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Held::UnknownSender => "unknown_sender",
            Held::NotOnTicket => "not_on_ticket",
            Held::NotAClient => "not_a_client",
            Held::Unreadable => "unreadable",
        }
    }

    pub fn parse(code: &str) -> Option<Held> {
        Held::ALL.into_iter().find(|h| h.code() == code)
    }
}

/// A message held for the admin: who sent it, what it says, and why it waits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct HeldMail {
    pub id: i64,
    pub from_address: String,
    pub from_name: Option<String>,
    pub subject: String,
    pub excerpt: String,
    pub why: Held,
    pub received_at: i64,
}

/// A held message accepted: the ticket it opened, and the client account made for its sender
/// when there was none (its one-time password to pass on).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AcceptedMail {
    pub ticket_id: i64,
    pub new_account: Option<IssuedCredentials>,
}

/// The outbox as the admin watches it: how many e-mails wait, and those given up on.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboxState {
    pub waiting: i64,
    pub failed: Vec<FailedMail>,
}

/// An e-mail that could not be delivered: to whom, about what, and why.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FailedMail {
    pub id: i64,
    pub address: String,
    pub ticket_id: Option<i64>,
    pub at: i64,
    pub attempts: i64,
    pub error: String,
}
