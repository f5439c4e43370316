//! What happens to a ticket, typed. Every row of a ticket's history (`ticket_events`, the
//! append-only log of DESIGN.md §1) is one `EventKind` with what it carries: written by one
//! writer on the server (`server::history::record`), read back by one reader, and matched
//! exhaustively by the apps — a new kind does not compile until every screen says something
//! about it. Live updates, statistics and notifications read the same type.
//!
//! System reasons are codes (`Why`), translated where they are shown; free text appears only
//! where a person wrote it (a client's reason to reopen, an admin's reason to force).

use crate::tickets::{Priority, Status};
use serde::{Deserialize, Serialize};

/// What a service-level clock measures (`server::sla`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum SlaTarget {
    FirstResponse,
    NextResponse,
    Resolution,
}

impl SlaTarget {
    pub const ALL: [SlaTarget; 3] = [
        SlaTarget::FirstResponse,
        SlaTarget::NextResponse,
        SlaTarget::Resolution,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            SlaTarget::FirstResponse => "first_response",
            SlaTarget::NextResponse => "next_response",
            SlaTarget::Resolution => "resolution",
        }
    }

    pub fn parse(code: &str) -> Option<SlaTarget> {
        SlaTarget::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Why a ticket went to an operator or away from one. Stored and sent as a short code
/// (`automatic:2/10:3`, `off-duty`, `manual`, `operator-gone`, `forced:<the admin's words>`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(into = "String", try_from = "String")]
pub enum Why {
    /// The assignment step chose the operator with the lowest load relative to capacity: their
    /// load and capacity when chosen, and how many operators were on duty.
    Automatic {
        load: u32,
        capacity: u32,
        on_duty: u32,
    },
    /// The operator went off duty (a break, the end of their hours, a day off, idle, disabled):
    /// the ticket went back to the queue.
    OffDuty,
    /// An admin assigned it by hand.
    Manual,
    /// Its client reopened it while its operator was no longer active: back to the queue.
    OperatorGone,
    /// The ticket was escalated to the next support tier: back to the queue for its operators.
    Escalated,
    /// As it stood in the help desk the ticket was imported from (`salter import`).
    Imported,
    /// Its operator handed a live chat to a colleague (with a note to them).
    Transferred,
    /// An admin forced the change, in their own words.
    Forced(String),
}

impl Why {
    pub fn code(&self) -> String {
        match self {
            Why::Automatic {
                load,
                capacity,
                on_duty,
            } => format!("automatic:{load}/{capacity}:{on_duty}"),
            Why::OffDuty => "off-duty".into(),
            Why::Manual => "manual".into(),
            Why::OperatorGone => "operator-gone".into(),
            Why::Escalated => "escalated".into(),
            Why::Imported => "imported".into(),
            Why::Transferred => "transferred".into(),
            Why::Forced(words) => format!("forced:{words}"),
        }
    }

    pub fn parse(code: &str) -> Option<Why> {
        if let Some(words) = code.strip_prefix("forced:") {
            return Some(Why::Forced(words.to_string()));
        }
        if let Some(rest) = code.strip_prefix("automatic:") {
            let (load, rest) = rest.split_once('/')?;
            let (capacity, on_duty) = rest.split_once(':')?;
            return Some(Why::Automatic {
                load: load.parse().ok()?,
                capacity: capacity.parse().ok()?,
                on_duty: on_duty.parse().ok()?,
            });
        }
        match code {
            "off-duty" => Some(Why::OffDuty),
            "manual" => Some(Why::Manual),
            "operator-gone" => Some(Why::OperatorGone),
            "escalated" => Some(Why::Escalated),
            "imported" => Some(Why::Imported),
            "transferred" => Some(Why::Transferred),
            _ => None,
        }
    }
}

impl From<Why> for String {
    fn from(why: Why) -> String {
        why.code()
    }
}

impl TryFrom<String> for Why {
    type Error = &'static str;
    fn try_from(code: String) -> Result<Why, Self::Error> {
        Why::parse(&code).ok_or("unknown reason code")
    }
}

/// How a status move came about, where its from → to does not tell: the steps of closing with
/// the client's agreement (an operator proposes a solution; the client confirms it, says it is
/// not solved, or says nothing until it closes by itself). Stored as its code.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// In progress → returned to client: the operator proposed a solution.
    Proposal,
    /// Returned → closed: the client confirmed the proposed solution.
    Confirmed,
    /// Returned → in progress: the client said the proposed solution does not solve it.
    NotSolved,
    /// Returned → closed by itself: the client said nothing for the set days.
    Silence,
    /// Open → its status in the help desk it was imported from (`salter import`).
    Imported,
}

impl Via {
    pub const ALL: [Via; 5] = [
        Via::Proposal,
        Via::Confirmed,
        Via::NotSolved,
        Via::Silence,
        Via::Imported,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Via::Proposal => "proposal",
            Via::Confirmed => "confirmed",
            Via::NotSolved => "not_solved",
            Via::Silence => "silence",
            Via::Imported => "imported",
        }
    }

    pub fn parse(code: &str) -> Option<Via> {
        Via::ALL.into_iter().find(|v| v.code() == code)
    }
}

/// A step in a live chat's life (`server::chat`); stored as its code.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ChatStep {
    /// The client started the chat from the portal (the ticket's first row after `Created`).
    Started,
    /// Its client or staff ended it (the row's actor says who).
    Ended,
    /// The client left and did not come back in time: the system ended it.
    ClientLeft,
}

impl ChatStep {
    pub const ALL: [ChatStep; 3] = [ChatStep::Started, ChatStep::Ended, ChatStep::ClientLeft];

    pub const fn code(self) -> &'static str {
        match self {
            ChatStep::Started => "started",
            ChatStep::Ended => "ended",
            ChatStep::ClientLeft => "client_left",
        }
    }

    pub fn parse(code: &str) -> Option<ChatStep> {
        ChatStep::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A step in a call's life (`server::calls`); stored as its code.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CallStep {
    /// The row's actor called (the ticket's other side rang).
    Rang,
    /// The one called answered.
    Answered,
    /// An answered call ended (the row's actor hung up; the system when both sides were gone),
    /// after `seconds` of talking.
    Ended { seconds: i64 },
    /// Never answered: declined (the row's actor), hung up while ringing, or not taken in time.
    Missed,
}

impl CallStep {
    /// The code the log keeps: `rang`, `answered`, `ended:SECONDS`, `missed`.
    pub fn code(self) -> String {
        match self {
            CallStep::Rang => "rang".into(),
            CallStep::Answered => "answered".into(),
            CallStep::Ended { seconds } => format!("ended:{seconds}"),
            CallStep::Missed => "missed".into(),
        }
    }

    pub fn parse(code: &str) -> Option<CallStep> {
        Some(match code {
            "rang" => CallStep::Rang,
            "answered" => CallStep::Answered,
            "missed" => CallStep::Missed,
            _ => CallStep::Ended {
                seconds: code.strip_prefix("ended:")?.parse().ok()?,
            },
        })
    }
}

/// One thing that happened to a ticket, with what that kind of event carries. Fields marked
/// `skip` are the server's (kept in the log, used by its queries) and never leave it: clients
/// see operators by name, not by id.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The client opened the ticket (status `open`).
    Created,
    /// A move through the state machine; `reason` is what the client wrote to reopen; `via`,
    /// the step of a proposed solution it was.
    Status {
        from: Status,
        to: Status,
        reason: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via: Option<Via>,
    },
    /// An admin set the status outside the state machine, saying why. A client reads the
    /// reason only where the admin chose to show it (`TicketSettings`); `None` then.
    Forced {
        from: Status,
        to: Status,
        reason: Option<String>,
    },
    /// The ticket went to an operator, or back to the queue (`to` none). `to_name` is the
    /// receiver's name, filled in by the reader (the log keeps the id). `why` is hidden from
    /// clients (it tells the floor's loads and staffing): `None` there.
    Assigned {
        #[serde(skip)]
        from: Option<i64>,
        #[serde(skip)]
        to: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_name: Option<String>,
        why: Option<Why>,
    },
    /// A message to the other side.
    Message { id: i64 },
    /// An internal note: staff only.
    Note { id: i64 },
    /// A file on the ticket (its description when `message` is none), internal when on a note.
    Attachment {
        name: String,
        #[serde(skip)]
        message: Option<i64>,
        #[serde(skip)]
        internal: bool,
    },
    /// Staff changed the priority.
    Priority { from: Priority, to: Priority },
    /// Staff changed the category (names as they were then).
    Category {
        from: Option<String>,
        to: Option<String>,
    },
    /// The client said how the help was, after closing: good or bad, perhaps with a comment. A
    /// later rating of the same ticket replaces it (the newest counts).
    Rated { good: bool, comment: Option<String> },
    /// A service-level clock used the admin's warning share of its target (`breached` false),
    /// or all of it. Noted by the system at the moment computed; staff only.
    Sla { target: SlaTarget, breached: bool },
    /// The ticket went up to support tier `tier`, back to the queue for that tier's operators:
    /// by its operator, saying why, or by the system after a missed target (`reason` none).
    /// Staff only.
    Escalated { tier: i64, reason: Option<String> },
    /// A live chat started or ended (the ticket itself goes on through its statuses).
    Chat { step: ChatStep },
    /// A step of a voice (`video` false) or video call on the ticket. Calls are never recorded:
    /// this is all that is kept of one.
    Call { step: CallStep, video: bool },
}

/// One thing that happened to a ticket, by whom and when: what the server appends to its
/// history (`server::history::record`) and tells of.
#[derive(Clone, Debug)]
pub struct Event {
    pub ticket: i64,
    /// `None`: the system (automatic assignment, going off duty).
    pub actor: Option<i64>,
    pub at: i64,
    pub what: EventKind,
}

impl EventKind {
    /// The `kind` column: the name the log and its indexes use.
    pub const fn code(&self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Status { .. } => "status",
            EventKind::Forced { .. } => "forced",
            EventKind::Assigned { .. } => "assigned",
            EventKind::Message { .. } => "message",
            EventKind::Note { .. } => "note",
            EventKind::Attachment { .. } => "attachment",
            EventKind::Priority { .. } => "priority",
            EventKind::Category { .. } => "category",
            EventKind::Rated { .. } => "rated",
            EventKind::Sla { .. } => "sla",
            EventKind::Escalated { .. } => "escalated",
            EventKind::Chat { .. } => "chat",
            EventKind::Call { .. } => "call",
        }
    }

    /// Staff only: never shown to a client.
    pub const fn internal(&self) -> bool {
        matches!(
            self,
            EventKind::Note { .. }
                | EventKind::Attachment { internal: true, .. }
                | EventKind::Sla { .. }
                | EventKind::Escalated { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_code_reads_back_as_written() {
        let all = [
            Why::Automatic {
                load: 2,
                capacity: 10,
                on_duty: 3,
            },
            Why::OffDuty,
            Why::Manual,
            Why::OperatorGone,
            Why::Escalated,
            Why::Imported,
            Why::Transferred,
            Why::Forced("Training: skip the queue".into()),
            // An admin's words that look like a code stay the admin's words.
            Why::Forced("manual".into()),
        ];
        for why in all {
            assert_eq!(Why::parse(&why.code()), Some(why.clone()), "{}", why.code());
        }
        assert_eq!(Why::parse("manual by admin"), None);
        assert_eq!(Why::parse("automatic:x/10:3"), None);
    }

    #[test]
    fn the_wire_carries_reasons_as_codes_and_never_operator_ids() {
        let event = EventKind::Assigned {
            from: Some(7),
            to: Some(9),
            to_name: None,
            why: Some(Why::Automatic {
                load: 0,
                capacity: 10,
                on_duty: 2,
            }),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"assigned": {"why": "automatic:0/10:2"}})
        );
        let back: EventKind = serde_json::from_value(json).unwrap();
        assert_eq!(
            back,
            EventKind::Assigned {
                from: None,
                to: None,
                to_name: None,
                why: Some(Why::Automatic {
                    load: 0,
                    capacity: 10,
                    on_duty: 2
                })
            }
        );
        assert!(serde_json::from_value::<EventKind>(
            serde_json::json!({"assigned": {"why": "because"}})
        )
        .is_err());
    }

    #[test]
    fn every_via_code_reads_back_as_written() {
        for via in Via::ALL {
            assert_eq!(Via::parse(via.code()), Some(via));
        }
        assert_eq!(Via::parse("manual"), None);
        for step in ChatStep::ALL {
            assert_eq!(ChatStep::parse(step.code()), Some(step));
        }
        assert_eq!(ChatStep::parse("left"), None);
    }

    #[test]
    fn notes_and_their_files_are_internal() {
        assert!(EventKind::Note { id: 1 }.internal());
        let file = |internal| EventKind::Attachment {
            name: "a.txt".into(),
            message: Some(1),
            internal,
        };
        assert!(file(true).internal());
        assert!(!file(false).internal());
        assert!(!EventKind::Message { id: 1 }.internal());
    }
}
