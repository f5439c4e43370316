//! The wire's types of tickets: opening, lists, the view and its story, moves, edits, categories,
//! canned responses and ratings.

use serde::{Deserialize, Serialize};

use super::{ChatState, Role, SlaClock};

/// A client's new ticket. `idempotency_key` is made by the client once per ticket it means to
/// create; a retried request with the same key returns the first ticket.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewTicket {
    pub subject: String,
    pub description: String,
    pub category_id: Option<i64>,
    pub priority: crate::tickets::Priority,
    /// An earlier ticket of the same client this one refers to.
    pub earlier_ticket_id: Option<i64>,
    pub idempotency_key: String,
    /// Files uploaded before (`POST /api/attachments`), pending until this claims them.
    #[serde(default)]
    pub attachments: Vec<i64>,
}

/// A file on a ticket: on a message (`message_id`), or on the ticket's description.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Attachment {
    pub id: i64,
    pub message_id: Option<i64>,
    pub name: String,
    pub media_type: String,
    pub size: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Category {
    pub id: i64,
    pub name: String,
    /// Deactivated categories stay on their tickets but are no longer offered.
    pub active: bool,
    /// Its tickets go only to operators who hold it.
    #[serde(default)]
    pub restricted: bool,
}

/// A new category (`id` none), or a change to one.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CategoryInput {
    pub id: Option<i64>,
    pub name: String,
    pub active: bool,
    #[serde(default)]
    pub restricted: bool,
}

/// A canned response as staff see it: its shortcut, its text with placeholders as written,
/// whether it is shared with all staff (else it is the reader's own), and how often it was
/// inserted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Canned {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub shared: bool,
    pub uses: i64,
    pub last_used_at: Option<i64>,
}

/// A new canned response (`id` none), or a change to one. `shared` ones are the admins'.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct CannedInput {
    pub id: Option<i64>,
    pub name: String,
    pub body: String,
    pub shared: bool,
}

/// A change to a ticket's fields by its operator or an admin; each changed field becomes a
/// history row.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TicketEdit {
    pub ticket_id: i64,
    pub priority: crate::tickets::Priority,
    pub category_id: Option<i64>,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A ticket as lists show it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketSummary {
    pub id: i64,
    /// What people quote: `T-000042`.
    pub reference: String,
    pub subject: String,
    pub status: crate::tickets::Status,
    pub priority: crate::tickets::Priority,
    pub category: Option<String>,
    pub client_name: String,
    /// Tells apart clients with the same name (a client's own list carries their own).
    pub client_username: String,
    pub operator_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    /// For staff: the service-level clock that runs out first, if one runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaClock>,
    /// A live chat under way (`server::chat`): the lists mark it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub live_chat: bool,
}

/// One page of a ticket list, and where the next one starts (keyset, never OFFSET).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketPage {
    pub tickets: Vec<TicketSummary>,
    pub next: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct TicketQuery {
    pub status: Option<crate::tickets::Status>,
    /// Admin filters (a client's list is its own whatever these say).
    #[serde(default)]
    pub operator_id: Option<i64>,
    #[serde(default)]
    pub client_id: Option<i64>,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub priority: Option<crate::tickets::Priority>,
    /// Created at or after (unix ms).
    #[serde(default)]
    pub from: Option<i64>,
    /// Created before (unix ms).
    #[serde(default)]
    pub until: Option<i64>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ThreadMessage {
    pub id: i64,
    pub author_name: String,
    pub author_role: Role,
    pub body: String,
    /// `body` rendered from light Markdown and sanitized on the server.
    pub html: String,
    /// An internal note: staff only.
    pub internal: bool,
    pub created_at: i64,
}

/// One row of a ticket's history: who, when, and what happened.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketEvent {
    pub id: i64,
    pub at: i64,
    /// `None`: the system.
    pub actor_name: Option<String>,
    pub what: crate::events::EventKind,
    /// Outside the ticket's own view (a work history): the ticket's id and reference.
    #[serde(default)]
    pub ticket: Option<(i64, String)>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketDetail {
    pub ticket: TicketSummary,
    pub description: String,
    /// `description` rendered from light Markdown and sanitized on the server.
    pub description_html: String,
    /// The earlier ticket this one refers to: its id and reference.
    pub earlier_ticket: Option<(i64, String)>,
    /// Its reference in the help desk it was imported from (`salter import`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_ref: Option<String>,
    pub messages: Vec<ThreadMessage>,
    pub attachments: Vec<Attachment>,
    pub history: Vec<TicketEvent>,
    /// The moves the caller may make now.
    pub moves: Vec<crate::tickets::Move>,
    /// Returned to the client as a proposed solution: when it closes by itself unless the
    /// client confirms it or says it is not solved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_until: Option<i64>,
    /// The ticket's operator, for staff (the admin's tools show who has it); clients see
    /// operators by name only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<i64>,
    /// For staff: the ticket's service-level clocks (none without a policy for it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sla: Vec<SlaClock>,
    /// For staff: the support tier it is at (`None` for clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<i64>,
    /// A live chat: its own state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chat: Option<ChatState>,
}

/// A client's rating of the help on a closed ticket: good or bad, and perhaps a comment.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub ticket_id: i64,
    pub good: bool,
    pub comment: Option<String>,
}

/// How an operator's clients rated the help: the current rating of each ticket counted, and the
/// newest ones.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Ratings {
    pub good: i64,
    pub bad: i64,
    pub recent: Vec<RatedTicket>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RatedTicket {
    pub ticket_id: i64,
    pub reference: String,
    pub subject: String,
    pub good: bool,
    pub comment: Option<String>,
    pub at: i64,
}

/// One entry of a ticket's story as its conversation shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step<'a> {
    Said(&'a ThreadMessage),
    Happened(&'a TicketEvent),
}

impl TicketDetail {
    /// The version of the ticket this view shows: its last history row the caller may see.
    pub fn version(&self) -> i64 {
        self.history.iter().map(|e| e.id).max().unwrap_or(0)
    }

    /// The client's current rating: the newest (good, comment).
    pub fn rating(&self) -> Option<(bool, Option<String>)> {
        self.history.iter().rev().find_map(|e| match &e.what {
            crate::events::EventKind::Rated { good, comment } => Some((*good, comment.clone())),
            _ => None,
        })
    }

    /// Until when (unix ms) the client may rate this ticket; `None` while it is not closed.
    pub fn rating_until(&self) -> Option<i64> {
        let closed = self
            .ticket
            .closed_at
            .filter(|_| self.ticket.status == crate::tickets::Status::Closed)?;
        Some(closed + crate::tickets::RATING_DAYS * crate::tickets::DAY_MS)
    }

    /// Where the ticket stands for the state machine (a proposed solution waiting or not).
    pub fn stage(&self) -> crate::tickets::Stage {
        crate::tickets::Stage {
            status: self.ticket.status,
            proposed: self.proposed_until.is_some(),
        }
    }

    /// The conversation as it happened: the messages, and between them the steps that moved
    /// the ticket (status, assignment, forced and field changes). Left out: what the page shows
    /// otherwise (the opening is the description; a message, note or file is its message), and
    /// the status change that comes with an assignment (the assignment's line says it).
    pub fn story(&self) -> Vec<Step<'_>> {
        use crate::events::EventKind;
        use crate::tickets::Status;
        let told = |e: &&TicketEvent| match &e.what {
            EventKind::Created
            | EventKind::Message { .. }
            | EventKind::Note { .. }
            | EventKind::Attachment { .. } => false,
            EventKind::Status {
                from: Status::Open,
                to: Status::Assigned,
                ..
            } => !self
                .history
                .iter()
                .any(|o| o.at == e.at && matches!(o.what, EventKind::Assigned { .. })),
            _ => true,
        };
        let mut events = self.history.iter().filter(told).peekable();
        let mut steps = Vec::with_capacity(self.messages.len() + self.history.len());
        for m in &self.messages {
            while let Some(e) = events.next_if(|e| e.at <= m.created_at) {
                steps.push(Step::Happened(e));
            }
            steps.push(Step::Said(m));
        }
        steps.extend(events.map(Step::Happened));
        steps
    }
}

/// A step with a ticket: the move, and the message, resolution or reason it needs.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TicketMove {
    pub ticket_id: i64,
    pub step: crate::tickets::Move,
    pub text: Option<String>,
    /// For `Assign`: the operator.
    pub operator_id: Option<i64>,
    /// Files on the move's message (pending uploads of the caller).
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct TicketMessage {
    pub ticket_id: i64,
    pub body: String,
    /// An internal note (operators and admins only).
    pub internal: bool,
    /// Files on the message (pending uploads of the caller).
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// An admin's forced change: any status, optionally another operator, always a reason.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ForcedChange {
    pub ticket_id: i64,
    pub status: crate::tickets::Status,
    pub operator_id: Option<i64>,
    pub reason: String,
    /// The ticket's version the change was made against (`TicketDetail::version` as the person
    /// saw it): if someone else changed the ticket since, nothing happens and the answer is
    /// `AppError::Stale`. Without one, the change is made whatever happened meanwhile.
    #[serde(default)]
    pub seen: Option<i64>,
    /// One per user action, reused when the app retries it: a retry is answered from what
    /// the first request did (`server::replay`). Without one, a retry may repeat the change.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventKind, Why};
    use crate::tickets::{Priority, Status};

    #[test]
    fn the_story_interleaves_what_was_said_with_what_happened() {
        let event = |id, at, what| TicketEvent {
            id,
            at,
            actor_name: None,
            what,
            ticket: None,
        };
        let status = |from, to| EventKind::Status {
            from,
            to,
            reason: None,
            via: None,
        };
        let message = ThreadMessage {
            id: 7,
            author_name: "Ana".into(),
            author_role: Role::Client,
            body: "Which model?".into(),
            html: "Which model?".into(),
            internal: false,
            created_at: 30,
        };
        let assigned = EventKind::Assigned {
            from: None,
            to: None,
            to_name: Some("Tarik".into()),
            why: Some(Why::Manual),
        };
        let history = vec![
            event(1, 10, EventKind::Created),
            event(2, 20, assigned),
            event(3, 20, status(Status::Open, Status::Assigned)),
            event(4, 25, status(Status::Assigned, Status::InProgress)),
            event(5, 30, status(Status::InProgress, Status::ReturnedToClient)),
            event(6, 30, EventKind::Message { id: 7 }),
            event(7, 40, status(Status::ReturnedToClient, Status::Closed)),
        ];
        let detail = TicketDetail {
            ticket: TicketSummary {
                id: 1,
                reference: "T-000001".into(),
                subject: "Printer".into(),
                status: Status::Closed,
                priority: Priority::Normal,
                category: None,
                client_name: "Ana".into(),
                client_username: "ana".into(),
                operator_name: None,
                created_at: 10,
                updated_at: 40,
                closed_at: Some(40),
                sla: None,
                live_chat: false,
            },
            description: String::new(),
            description_html: String::new(),
            earlier_ticket: None,
            original_ref: None,
            messages: vec![message],
            attachments: Vec::new(),
            history: history.clone(),
            moves: Vec::new(),
            proposed_until: None,
            operator_id: None,
            sla: Vec::new(),
            tier: None,
            chat: None,
        };
        assert_eq!(
            detail.story(),
            vec![
                Step::Happened(&history[1]),
                Step::Happened(&history[3]),
                Step::Happened(&history[4]),
                Step::Said(&detail.messages[0]),
                Step::Happened(&history[6]),
            ]
        );
    }
}
