//! Webhooks' topics: the kinds of ticket event a receiver may subscribe to. Every event of the
//! history (`events::EventKind`) belongs to one topic or to none, decided here in one place
//! (`Topic::of`), so a new kind of event has to be placed before it compiles.

use crate::codes::Code;
use crate::events::EventKind;
use serde::{Deserialize, Serialize};

/// One kind of delivery; stored and sent as its code (`ticket.created`), which is also the
/// `Salter-Event` header of a delivery.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// A ticket was opened.
    #[serde(rename = "ticket.created")]
    Created,
    /// A ticket's status changed (by a step, an admin forcing it, or the system).
    #[serde(rename = "ticket.status_changed")]
    StatusChanged,
    /// A ticket went to an operator, or back to the queue.
    #[serde(rename = "ticket.assigned")]
    Assigned,
    /// A message on a ticket's thread, from either side.
    #[serde(rename = "ticket.message")]
    Message,
    /// An internal note (staff only).
    #[serde(rename = "ticket.note")]
    Note,
    /// A service-level target was missed.
    #[serde(rename = "ticket.sla_breached")]
    SlaBreached,
    /// A client rated the help on a closed ticket.
    #[serde(rename = "ticket.rated")]
    Rated,
}

impl Code for Topic {
    const ALL: &'static [Topic] = &[
        Topic::Created,
        Topic::StatusChanged,
        Topic::Assigned,
        Topic::Message,
        Topic::Note,
        Topic::SlaBreached,
        Topic::Rated,
    ];

    fn code(self) -> &'static str {
        match self {
            Topic::Created => "ticket.created",
            Topic::StatusChanged => "ticket.status_changed",
            Topic::Assigned => "ticket.assigned",
            Topic::Message => "ticket.message",
            Topic::Note => "ticket.note",
            Topic::SlaBreached => "ticket.sla_breached",
            Topic::Rated => "ticket.rated",
        }
    }
}

impl Topic {
    /// The topic an event is delivered under; `None`: no receiver hears of it.
    pub fn of(what: &EventKind) -> Option<Topic> {
        match what {
            EventKind::Created => Some(Topic::Created),
            EventKind::Status { .. } | EventKind::Forced { .. } => Some(Topic::StatusChanged),
            EventKind::Assigned { .. } => Some(Topic::Assigned),
            EventKind::Message { .. } => Some(Topic::Message),
            EventKind::Note { .. } => Some(Topic::Note),
            EventKind::Sla { breached: true, .. } => Some(Topic::SlaBreached),
            EventKind::Rated { .. } => Some(Topic::Rated),
            EventKind::Sla {
                breached: false, ..
            }
            | EventKind::Attachment { .. }
            | EventKind::Priority { .. }
            | EventKind::Category { .. }
            | EventKind::Escalated { .. }
            | EventKind::Chat { .. }
            | EventKind::Call { .. } => None,
        }
    }
}

/// The header a delivery's signature travels in: `t=<Unix seconds>,v1=<hex>`, the hex being
/// HMAC-SHA256 with the webhook's secret over `<t>.<body>`.
pub const SIGNATURE_HEADER: &str = "Salter-Signature";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::tickets::Status;

    #[test]
    fn topics_travel_and_are_stored_as_their_codes() {
        for &topic in Topic::ALL {
            assert_eq!(
                serde_json::to_value(topic).unwrap(),
                serde_json::json!(topic.code())
            );
        }
        let stored = codes::join(&[Topic::Message, Topic::Created, Topic::Message]);
        assert_eq!(stored, "ticket.created,ticket.message");
        assert_eq!(
            codes::split::<Topic>(&stored),
            vec![Topic::Created, Topic::Message]
        );
    }

    #[test]
    fn a_warning_is_not_a_breach_and_a_forced_status_is_a_status_change() {
        let sla = |breached| EventKind::Sla {
            target: crate::events::SlaTarget::Resolution,
            breached,
        };
        assert_eq!(Topic::of(&sla(true)), Some(Topic::SlaBreached));
        assert_eq!(Topic::of(&sla(false)), None);
        let forced = EventKind::Forced {
            from: Status::Open,
            to: Status::Closed,
            reason: Some("duplicate".into()),
        };
        assert_eq!(Topic::of(&forced), Some(Topic::StatusChanged));
    }
}
