//! Fair assignment, the decision (DESIGN.md §4): a pure function over a snapshot of the
//! operators on duty and the waiting queue. The server takes the snapshot and applies the plan
//! inside one serialized write (`server::assignment`); everything that decides is here, where it
//! is tested without a database.
//!
//! The rule: a waiting ticket goes to the operator, among those on duty who may take it (spare
//! capacity, its support tier, and the skills its category asks for), with the **lowest load relative to
//! capacity**; ties go to the one who has waited longest since their last assignment (never
//! assigned counts as longest), then to the lowest id, so the decision is deterministic. The
//! queue is handed out one ticket at a time in its order (priority, then age), each decision
//! seeing the loads the earlier ones made: a backlog at shift start spreads over everyone on
//! duty, and one early operator takes at most their capacity.

use crate::events::Why;
use std::cmp::Ordering;

/// An operator on duty, as the decision sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    pub id: i64,
    /// Active tickets (assigned and in progress; returned ones too if the installation counts
    /// them).
    pub load: u32,
    pub capacity: u32,
    /// The categories this operator holds. Empty: no limits (every category that is not
    /// restricted).
    pub skills: Vec<i64>,
    /// Unix ms of the last assignment to them; `None`: never.
    pub last_assigned_at: Option<i64>,
    /// Their support tier (1: first line).
    pub tier: i64,
}

/// A ticket waiting in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub id: i64,
    pub category: Option<i64>,
    /// The category goes only to operators who hold it.
    pub restricted: bool,
    /// The support tier it is at: only that tier's operators take it.
    pub tier: i64,
}

/// One decision: who gets which ticket, and the figures that made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    pub ticket: i64,
    pub operator: i64,
    /// The operator's load and capacity when chosen.
    pub load: u32,
    pub capacity: u32,
    /// How many operators were on duty.
    pub on_duty: u32,
}

impl Assignment {
    /// The reason kept in the ticket's history; the apps show it translated
    /// ("automatic: lowest load 2/10 · on duty: 3").
    pub fn reason(&self) -> Why {
        Why::Automatic {
            load: self.load,
            capacity: self.capacity,
            on_duty: self.on_duty,
        }
    }
}

/// Whether the ticket's category allows this operator.
pub fn has_skill(op: &Operator, ticket: &Waiting) -> bool {
    match ticket.category {
        None => true,
        Some(category) if ticket.restricted || !op.skills.is_empty() => {
            op.skills.contains(&category)
        }
        Some(_) => true,
    }
}

/// Whether the operator may receive this ticket now.
pub fn may_take(op: &Operator, ticket: &Waiting) -> bool {
    op.load < op.capacity && op.tier == ticket.tier && has_skill(op, ticket)
}

/// `a` before `b`: lower relative load, then longer since the last assignment, then lower id.
fn precedes(a: &Operator, b: &Operator) -> Ordering {
    let relative = (u64::from(a.load) * u64::from(b.capacity))
        .cmp(&(u64::from(b.load) * u64::from(a.capacity)));
    relative
        .then_with(|| match (a.last_assigned_at, b.last_assigned_at) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => x.cmp(&y),
        })
        .then_with(|| a.id.cmp(&b.id))
}

/// Who gets `ticket` now, if anyone may take it.
pub fn choose<'a>(on_duty: &'a [Operator], ticket: &Waiting) -> Option<&'a Operator> {
    on_duty
        .iter()
        .filter(|op| may_take(op, ticket))
        .min_by(|a, b| precedes(a, b))
}

/// The whole queue, in its order, one ticket at a time: each decision sees the loads the
/// earlier ones made. Tickets nobody may take stay waiting; the ones behind them still go.
/// `on_duty` ends with the loads after the plan.
pub fn plan(on_duty: &mut [Operator], queue: &[Waiting], now: i64) -> Vec<Assignment> {
    let count = on_duty.len() as u32;
    let mut made = Vec::new();
    for ticket in queue {
        if on_duty.iter().all(|op| op.load >= op.capacity) {
            break;
        }
        let Some(index) = (0..on_duty.len())
            .filter(|&i| may_take(&on_duty[i], ticket))
            .min_by(|&a, &b| precedes(&on_duty[a], &on_duty[b]))
        else {
            continue;
        };
        let op = &mut on_duty[index];
        made.push(Assignment {
            ticket: ticket.id,
            operator: op.id,
            load: op.load,
            capacity: op.capacity,
            on_duty: count,
        });
        op.load += 1;
        op.last_assigned_at = Some(now);
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn op(id: i64, load: u32, capacity: u32) -> Operator {
        Operator {
            id,
            load,
            capacity,
            skills: Vec::new(),
            last_assigned_at: None,
            tier: 1,
        }
    }

    fn ticket(id: i64) -> Waiting {
        Waiting {
            id,
            category: None,
            restricted: false,
            tier: 1,
        }
    }

    #[test]
    fn the_least_loaded_relative_to_capacity_gets_it() {
        // 2/10 is less loaded than 1/2.
        let ops = [op(1, 1, 2), op(2, 2, 10)];
        assert_eq!(choose(&ops, &ticket(7)).map(|o| o.id), Some(2));
        // Full operators get nothing.
        let full = [op(1, 2, 2)];
        assert_eq!(choose(&full, &ticket(7)), None);
    }

    #[test]
    fn ties_go_to_who_waited_longest() {
        let mut a = op(1, 1, 10);
        let mut b = op(2, 1, 10);
        a.last_assigned_at = Some(500);
        b.last_assigned_at = Some(100);
        assert_eq!(
            choose(&[a.clone(), b.clone()], &ticket(1)).map(|o| o.id),
            Some(2)
        );
        b.last_assigned_at = None;
        a.last_assigned_at = None;
        assert_eq!(choose(&[b, a], &ticket(1)).map(|o| o.id), Some(1));
    }

    #[test]
    fn a_ticket_goes_only_to_operators_of_its_tier() {
        let first = op(1, 0, 10);
        let mut second = op(2, 9, 10);
        second.tier = 2;
        let escalated = Waiting {
            tier: 2,
            ..ticket(5)
        };
        let ops = [first, second];
        // The second line takes it however busy, the idle first line does not.
        assert_eq!(choose(&ops, &escalated).map(|o| o.id), Some(2));
        assert_eq!(choose(&ops, &ticket(6)).map(|o| o.id), Some(1));
        let third = Waiting {
            tier: 3,
            ..ticket(7)
        };
        assert_eq!(choose(&ops, &third), None);
    }

    #[test]
    fn skills_limit_who_may_take_a_category() {
        let mut printers = op(1, 5, 10);
        printers.skills = vec![10];
        let anyone = op(2, 0, 10);
        let restricted = Waiting {
            id: 1,
            category: Some(10),
            restricted: true,
            tier: 1,
        };
        let open_category = Waiting {
            id: 2,
            category: Some(20),
            restricted: false,
            tier: 1,
        };
        let ops = [printers, anyone];
        assert_eq!(choose(&ops, &restricted).map(|o| o.id), Some(1));
        // An operator limited to printers does not take other categories.
        assert!(!has_skill(&ops[0], &open_category));
        assert_eq!(choose(&ops, &open_category).map(|o| o.id), Some(2));
    }

    #[test]
    fn a_backlog_spreads_over_everyone_on_duty() {
        let mut ops = [op(1, 0, 10), op(2, 0, 10), op(3, 0, 2)];
        let queue: Vec<Waiting> = (1..=9).map(ticket).collect();
        let made = plan(&mut ops, &queue, 1_000);
        assert_eq!(made.len(), 9);
        let loads: Vec<u32> = ops.iter().map(|o| o.load).collect();
        // Relative loads stay level: 4/10, 4/10, 1/2.
        assert_eq!(loads, [4, 4, 1]);
        assert_eq!(made[0].reason().code(), "automatic:0/10:3");
    }

    fn arb_ops() -> impl Strategy<Value = Vec<Operator>> {
        prop::collection::vec(
            (
                0u32..12,
                0u32..12,
                prop::collection::vec(1i64..4, 0..3),
                prop::option::of(0i64..100),
            ),
            0..8,
        )
        .prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (load, capacity, skills, last))| Operator {
                    id: i as i64 + 1,
                    load,
                    capacity,
                    skills,
                    last_assigned_at: last,
                    tier: 1,
                })
                .collect()
        })
    }

    fn arb_queue() -> impl Strategy<Value = Vec<Waiting>> {
        prop::collection::vec((prop::option::of(1i64..5), any::<bool>()), 0..40).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (category, restricted))| Waiting {
                    id: i as i64 + 1,
                    category,
                    restricted,
                    tier: 1,
                })
                .collect()
        })
    }

    proptest! {
        /// Every assignment goes to an eligible operator with the minimum relative load at that
        /// moment; nobody goes over capacity; and no ticket is left waiting while someone on
        /// duty may take it.
        #[test]
        fn plans_keep_the_rule(mut ops in arb_ops(), queue in arb_queue()) {
            let before = ops.clone();
            let made = plan(&mut ops, &queue, 1_000);
            let mut state = before.clone();
            for a in &made {
                let t = queue.iter().find(|t| t.id == a.ticket).unwrap();
                let chosen = state.iter().find(|o| o.id == a.operator).unwrap().clone();
                prop_assert!(may_take(&chosen, t));
                for other in state.iter().filter(|o| may_take(o, t)) {
                    prop_assert!(
                        u64::from(chosen.load) * u64::from(other.capacity)
                            <= u64::from(other.load) * u64::from(chosen.capacity),
                        "{chosen:?} chosen over {other:?}"
                    );
                }
                let o = state.iter_mut().find(|o| o.id == a.operator).unwrap();
                o.load += 1;
                o.last_assigned_at = Some(1_000);
            }
            prop_assert_eq!(&state, &ops);
            for (o, b) in ops.iter().zip(&before) {
                prop_assert!(o.load <= o.capacity.max(b.load), "over capacity: {o:?}");
            }
            for t in queue.iter().filter(|t| made.iter().all(|a| a.ticket != t.id)) {
                prop_assert!(ops.iter().all(|o| !may_take(o, t)), "{t:?} waits");
            }
        }
    }
}
