//! The ticket's life, defined once: the five statuses, the priorities, and the state machine —
//! which move who may make from which status, and what it needs. The server enforces it; the
//! apps only offer the moves it allows (DESIGN.md §3). Admins' forced changes are the one
//! audited exception and do not go through `rule`.

use crate::roles::Role;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created by the client; waiting for an operator.
    Open,
    /// An operator has it; work has not started.
    Assigned,
    InProgress,
    /// The operator needs more information from the client.
    ReturnedToClient,
    /// Solved; archived.
    Closed,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Assigned,
        Status::InProgress,
        Status::ReturnedToClient,
        Status::Closed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::ReturnedToClient => "returned_to_client",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Critical,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Sort key: critical first.
    pub fn rank(self) -> i64 {
        self as i64
    }

    /// The priority of a stored rank (normal for one no priority has).
    pub fn from_rank(rank: i64) -> Priority {
        Priority::ALL
            .into_iter()
            .find(|p| p.rank() == rank)
            .unwrap_or(Priority::Normal)
    }
}

/// A day, in the milliseconds every timestamp is kept in.
pub const DAY_MS: i64 = 86_400_000;

/// For how many days after a ticket closed its client may rate the help (and change the rating).
pub const RATING_DAYS: i64 = 7;

/// The reference people see and say: `T-000042`.
pub fn reference(id: i64) -> String {
    format!("T-{id:06}")
}

/// A step a user takes with a ticket.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// Admin, by hand: open → assigned to an operator (automatic assignment does the same on
    /// its own, `server::assignment`).
    Assign,
    /// Operator: assigned → in progress; or back to work on a returned ticket without waiting
    /// for the client.
    Start,
    /// Operator: in progress → returned to client, asking for information.
    ReturnToClient,
    /// Client: returned → in progress, with the information; back to the same operator.
    Answer,
    /// Operator: in progress (or returned, when the client does not answer) → closed with a
    /// resolution. Client: any open status → closed.
    Close,
    /// Client: closed → assigned to the same operator (open if that operator is gone).
    Reopen,
    /// Operator: in progress → returned to client as a proposed solution, for the client to
    /// confirm; it closes by itself when the client says nothing for the set days.
    Propose,
    /// Client: the proposed solution solves it → closed.
    Confirm,
    /// Client: the proposed solution does not solve it, saying why → in progress, same operator.
    Reject,
    /// Operator: assigned or in progress → open at the next support tier, saying why; the
    /// assignment gives it to an operator of that tier.
    Escalate,
}

impl Move {
    pub const ALL: [Move; 10] = [
        Move::Assign,
        Move::Start,
        Move::ReturnToClient,
        Move::Answer,
        Move::Close,
        Move::Reopen,
        Move::Propose,
        Move::Confirm,
        Move::Reject,
        Move::Escalate,
    ];
}

/// Where a ticket stands for the state machine: its status and, returned to the client, whether
/// as a proposed solution waiting for the client's word.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Stage {
    pub status: Status,
    pub proposed: bool,
}

impl Stage {
    /// Returned to the client with a proposed solution.
    pub const PROPOSED: Stage = Stage {
        status: Status::ReturnedToClient,
        proposed: true,
    };
}

impl From<Status> for Stage {
    fn from(status: Status) -> Stage {
        Stage {
            status,
            proposed: false,
        }
    }
}

/// What a move must carry.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    Nothing,
    /// A message to the other side (returning, answering, saying what is still wrong).
    Message,
    /// The resolution note (an operator closing or proposing a solution).
    Resolution,
    /// Why (reopening).
    Reason,
}

/// The status a move leads to and what it needs, if `role` may make it from `from`.
/// Whether the user is the ticket's own client or operator is the access module's question.
/// The stage after a move is proposed exactly when the move is `Propose`.
pub fn rule(mv: Move, role: Role, from: impl Into<Stage>) -> Option<(Status, Needs)> {
    use Status::*;
    let Stage {
        status: from,
        proposed,
    } = from.into();
    match (mv, role, from, proposed) {
        (Move::Assign, Role::Admin, Open, _) => Some((Assigned, Needs::Nothing)),
        (Move::Start, Role::Operator, Assigned | ReturnedToClient, _) => {
            Some((InProgress, Needs::Nothing))
        }
        (Move::ReturnToClient, Role::Operator, InProgress, _) => {
            Some((ReturnedToClient, Needs::Message))
        }
        (Move::Propose, Role::Operator, InProgress, _) => {
            Some((ReturnedToClient, Needs::Resolution))
        }
        (Move::Answer, Role::Client, ReturnedToClient, false) => Some((InProgress, Needs::Message)),
        (Move::Confirm, Role::Client, ReturnedToClient, true) => Some((Closed, Needs::Nothing)),
        (Move::Reject, Role::Client, ReturnedToClient, true) => Some((InProgress, Needs::Message)),
        (Move::Close, Role::Operator, InProgress | ReturnedToClient, _) => {
            Some((Closed, Needs::Resolution))
        }
        // A client with a proposed solution before them confirms it instead.
        (Move::Close, Role::Client, Open | Assigned | InProgress | ReturnedToClient, false) => {
            Some((Closed, Needs::Nothing))
        }
        (Move::Reopen, Role::Client, Closed, _) => Some((Assigned, Needs::Reason)),
        (Move::Escalate, Role::Operator, Assigned | InProgress, _) => Some((Open, Needs::Reason)),
        _ => None,
    }
}

/// The moves to offer `role` on a ticket at `stage`.
pub fn moves_for(role: Role, stage: impl Into<Stage>) -> Vec<Move> {
    let stage = stage.into();
    Move::ALL
        .into_iter()
        .filter(|mv| rule(*mv, role, stage).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path_of_the_brief() {
        let steps = [
            (Move::Assign, Role::Admin, Status::Open, Status::Assigned),
            (
                Move::Start,
                Role::Operator,
                Status::Assigned,
                Status::InProgress,
            ),
            (
                Move::ReturnToClient,
                Role::Operator,
                Status::InProgress,
                Status::ReturnedToClient,
            ),
            (
                Move::Answer,
                Role::Client,
                Status::ReturnedToClient,
                Status::InProgress,
            ),
            (
                Move::Close,
                Role::Operator,
                Status::InProgress,
                Status::Closed,
            ),
            (Move::Reopen, Role::Client, Status::Closed, Status::Assigned),
        ];
        for (mv, role, from, to) in steps {
            assert_eq!(
                rule(mv, role, from).map(|r| r.0),
                Some(to),
                "{mv:?} by {role:?} from {from:?}"
            );
        }
    }

    #[test]
    fn what_each_move_needs() {
        assert_eq!(
            rule(Move::ReturnToClient, Role::Operator, Status::InProgress)
                .unwrap()
                .1,
            Needs::Message
        );
        assert_eq!(
            rule(Move::Answer, Role::Client, Status::ReturnedToClient)
                .unwrap()
                .1,
            Needs::Message
        );
        assert_eq!(
            rule(Move::Close, Role::Operator, Status::InProgress)
                .unwrap()
                .1,
            Needs::Resolution
        );
        assert_eq!(
            rule(Move::Reopen, Role::Client, Status::Closed).unwrap().1,
            Needs::Reason
        );
    }

    #[test]
    fn others_may_not_make_each_others_moves() {
        assert_eq!(rule(Move::Start, Role::Client, Status::Assigned), None);
        assert_eq!(
            rule(Move::Answer, Role::Operator, Status::ReturnedToClient),
            None
        );
        assert_eq!(rule(Move::Reopen, Role::Operator, Status::Closed), None);
        assert_eq!(rule(Move::Close, Role::Operator, Status::Assigned), None);
        assert_eq!(rule(Move::Close, Role::Client, Status::Closed), None);
        assert_eq!(
            moves_for(Role::Client, Status::ReturnedToClient),
            vec![Move::Answer, Move::Close]
        );
        assert_eq!(
            moves_for(Role::Operator, Status::InProgress),
            vec![
                Move::ReturnToClient,
                Move::Close,
                Move::Propose,
                Move::Escalate
            ]
        );
    }

    #[test]
    fn operators_escalate_what_they_hold_saying_why() {
        for from in [Status::Assigned, Status::InProgress] {
            assert_eq!(
                rule(Move::Escalate, Role::Operator, from),
                Some((Status::Open, Needs::Reason))
            );
        }
        assert_eq!(
            rule(Move::Escalate, Role::Operator, Status::ReturnedToClient),
            None
        );
        assert_eq!(rule(Move::Escalate, Role::Client, Status::InProgress), None);
        assert_eq!(rule(Move::Escalate, Role::Admin, Status::Assigned), None);
    }

    /// Closing with the client's agreement: the operator proposes, and the client — only then,
    /// and only the client — confirms or says it is not solved (instead of answering or
    /// closing); the operator may still take it back to work or close it.
    #[test]
    fn a_proposed_solution_waits_for_the_clients_word() {
        assert_eq!(
            rule(Move::Propose, Role::Operator, Status::InProgress),
            Some((Status::ReturnedToClient, Needs::Resolution))
        );
        assert_eq!(
            moves_for(Role::Client, Stage::PROPOSED),
            vec![Move::Confirm, Move::Reject]
        );
        assert_eq!(
            rule(Move::Reject, Role::Client, Stage::PROPOSED),
            Some((Status::InProgress, Needs::Message))
        );
        assert_eq!(
            moves_for(Role::Operator, Stage::PROPOSED),
            vec![Move::Start, Move::Close]
        );
        assert_eq!(
            rule(Move::Confirm, Role::Client, Status::ReturnedToClient),
            None
        );
        assert_eq!(
            rule(Move::Reject, Role::Client, Status::ReturnedToClient),
            None
        );
        assert_eq!(rule(Move::Confirm, Role::Operator, Stage::PROPOSED), None);
        assert_eq!(rule(Move::Propose, Role::Operator, Status::Assigned), None);
    }

    /// A ticket that is not closed always has a next step for the people on it: its client,
    /// and its operator (who is never left waiting on a client who does not answer).
    #[test]
    fn no_open_ticket_is_stuck() {
        for status in Status::ALL {
            if status == Status::Closed {
                continue;
            }
            assert!(!moves_for(Role::Client, status).is_empty(), "{status:?}");
            if status != Status::Open {
                assert!(!moves_for(Role::Operator, status).is_empty(), "{status:?}");
            }
        }
        assert!(!moves_for(Role::Client, Stage::PROPOSED).is_empty());
        assert!(!moves_for(Role::Operator, Stage::PROPOSED).is_empty());
        assert_eq!(
            moves_for(Role::Operator, Status::ReturnedToClient),
            vec![Move::Start, Move::Close]
        );
    }

    fn any_move() -> impl Strategy<Value = Move> {
        proptest::sample::select(Move::ALL.to_vec())
    }
    fn any_role() -> impl Strategy<Value = Role> {
        proptest::sample::select(Role::ALL.to_vec())
    }
    fn any_status() -> impl Strategy<Value = Status> {
        proptest::sample::select(Status::ALL.to_vec())
    }
    fn any_stage() -> impl Strategy<Value = Stage> {
        (any_status(), any::<bool>()).prop_map(|(status, proposed)| Stage { status, proposed })
    }

    proptest! {
        #[test]
        fn every_allowed_move_changes_the_status(mv in any_move(), role in any_role(), from in any_stage()) {
            if let Some((to, _)) = rule(mv, role, from) {
                prop_assert_ne!(to, from.status);
            }
        }

        #[test]
        fn only_clients_reopen_and_only_from_closed(mv in any_move(), role in any_role(), from in any_stage()) {
            if from.status == Status::Closed && rule(mv, role, from).is_some() {
                prop_assert_eq!((mv, role), (Move::Reopen, Role::Client));
            }
        }
    }
}
