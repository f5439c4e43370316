//! The arithmetic of statistics, pure: steps of time from what the log's moves say, medians
//! and 90th percentiles, and the figures of a slice of tickets. `stats::report` reads the rows
//! and hands them here.

use crate::dto::{Durations, Figures, StatsBucket};
use crate::events::Via;
use crate::tickets::Status;
use std::collections::BTreeMap;

/// The log's status moves counted per 15-minute slot (every time zone's hours and days begin
/// on one): `from` none for a creation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moves {
    pub slot_start: i64,
    pub from: Option<Status>,
    pub to: Status,
    pub count: i64,
}

/// A ticket created in the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Created {
    /// From its creation to the first response, if there was one.
    pub response_ms: Option<i64>,
    pub first_responder: Option<i64>,
    pub category: Option<i64>,
    pub priority: i64,
}

/// A ticket closed in the period (its last close).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Closed {
    /// From its creation to its (last) close.
    pub resolution_ms: i64,
    pub closed_by: Option<i64>,
    pub returned_ms: i64,
    pub rating: Option<i64>,
    pub category: Option<i64>,
    pub priority: i64,
    /// How it was closed, where not outright.
    pub via: Option<Via>,
}

/// Where a status counts in the backlog (closed tickets are not in it).
fn backlog_index(status: Status) -> Option<usize> {
    match status {
        Status::Open => Some(0),
        Status::Assigned => Some(1),
        Status::InProgress => Some(2),
        Status::ReturnedToClient => Some(3),
        Status::Closed => None,
    }
}

/// The steps between `bounds` (each step from one bound to the next): what was created, closed
/// and reopened in each, and the backlog at its end — walked back from `backlog_now`, the
/// backlog at `now`, undoing the moves made since. `moves` holds every move from the first
/// bound on, also those after the last.
pub fn buckets(
    bounds: &[i64],
    moves: &[Moves],
    backlog_now: [i64; 4],
    now: i64,
) -> Vec<StatsBucket> {
    let mut steps: Vec<StatsBucket> = bounds
        .windows(2)
        .map(|w| {
            let inside = moves
                .iter()
                .filter(|m| m.slot_start >= w[0] && m.slot_start < w[1]);
            let mut step = StatsBucket {
                start: w[0],
                created: 0,
                closed: 0,
                reopened: 0,
                backlog: None,
            };
            for m in inside {
                match (m.from, m.to) {
                    (None, _) => step.created += m.count,
                    (Some(from), Status::Closed) if from != Status::Closed => {
                        step.closed += m.count
                    }
                    (Some(Status::Closed), to) if to != Status::Closed => step.reopened += m.count,
                    _ => {}
                }
            }
            step
        })
        .collect();
    let mut newest_first: Vec<&Moves> = moves.iter().collect();
    newest_first.sort_by_key(|m| std::cmp::Reverse(m.slot_start));
    let mut undo = newest_first.into_iter().peekable();
    let mut backlog = backlog_now;
    for (step, end) in steps.iter_mut().zip(bounds.iter().skip(1)).rev() {
        if step.start > now {
            continue;
        }
        while let Some(m) = undo.next_if(|m| m.slot_start >= *end) {
            if let Some(i) = backlog_index(m.to) {
                backlog[i] -= m.count;
            }
            if let Some(i) = m.from.and_then(backlog_index) {
                backlog[i] += m.count;
            }
        }
        step.backlog = Some(backlog);
    }
    steps
}

/// The value at rank ⌈p·n⌉ of the sorted values (nearest rank).
fn rank(sorted: &[i64], p: f64) -> Option<i64> {
    let n = sorted.len();
    let at = ((p * n as f64).ceil() as usize).clamp(1, n.max(1)) - 1;
    sorted.get(at).copied()
}

pub fn durations(mut values: Vec<i64>) -> Durations {
    values.sort_unstable();
    Durations {
        count: values.len() as i64,
        median_ms: rank(&values, 0.5),
        p90_ms: rank(&values, 0.9),
    }
}

/// The figures of the tickets in `created` and `closed`.
pub fn figures<'a>(
    created: impl IntoIterator<Item = &'a Created>,
    closed: impl IntoIterator<Item = &'a Closed>,
) -> Figures {
    let (mut n_created, mut responses) = (0, Vec::new());
    for c in created {
        n_created += 1;
        if let Some(ms) = c.response_ms {
            responses.push(ms);
        }
    }
    let (mut n_closed, mut resolutions, mut good, mut bad) = (0, Vec::new(), 0, 0);
    let (mut confirmed, mut lapsed) = (0, 0);
    for c in closed {
        n_closed += 1;
        match c.via {
            Some(Via::Confirmed) => confirmed += 1,
            Some(Via::Silence) => lapsed += 1,
            _ => {}
        }
        resolutions.push(c.resolution_ms);
        match c.rating {
            Some(1) => good += 1,
            Some(_) => bad += 1,
            None => {}
        }
    }
    Figures {
        created: n_created,
        closed: n_closed,
        confirmed,
        lapsed,
        first_response_median_ms: durations(responses).median_ms,
        resolution_median_ms: durations(resolutions).median_ms,
        good,
        bad,
    }
}

/// The figures of each slice of tickets, by a key of the created and of the closed ones.
pub fn sliced<K: Ord + Clone>(
    created: &[Created],
    closed: &[Closed],
    created_key: impl Fn(&Created) -> K,
    closed_key: impl Fn(&Closed) -> K,
) -> BTreeMap<K, Figures> {
    let mut keys: Vec<K> = created.iter().map(&created_key).collect();
    keys.extend(closed.iter().map(&closed_key));
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|k| {
            let f = figures(
                created.iter().filter(|c| created_key(c) == k),
                closed.iter().filter(|c| closed_key(c) == k),
            );
            (k, f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Assigned, Open};

    fn moved(slot_start: i64, from: Option<Status>, to: Status) -> Moves {
        Moves {
            slot_start,
            from,
            to,
            count: 1,
        }
    }

    #[test]
    fn steps_count_their_moves_and_the_backlog_walks_back_from_now() {
        // Three steps of 100; now is inside the third.
        let bounds = [0, 100, 200, 300];
        let moves = [
            moved(0, None, Open),
            moved(50, Some(Open), Assigned),
            moved(100, None, Open),
            moved(150, Some(Assigned), Status::Closed),
            moved(200, Some(Status::Closed), Assigned),
            moved(200, None, Open),
        ];
        // Now: one open from before, two open (100, 200), one assigned (reopened).
        let now_backlog = [3, 1, 0, 0];
        let steps = buckets(&bounds, &moves, now_backlog, 250);
        let got: Vec<_> = steps
            .iter()
            .map(|s| (s.created, s.closed, s.reopened, s.backlog))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, 0, 0, Some([1, 1, 0, 0])),
                (1, 1, 0, Some([2, 0, 0, 0])),
                (1, 0, 1, Some([3, 1, 0, 0])),
            ]
        );
        // A step after now has no backlog yet.
        let steps = buckets(&[0, 100, 200, 300, 400], &moves, now_backlog, 250);
        assert_eq!(steps[3].backlog, None);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(durations(vec![]), Durations::default());
        let d = durations(vec![40, 10, 30, 20]);
        assert_eq!((d.count, d.median_ms, d.p90_ms), (4, Some(20), Some(40)));
        let d = durations((1..=10).collect());
        assert_eq!((d.median_ms, d.p90_ms), (Some(5), Some(9)));
        assert_eq!(durations(vec![7]).p90_ms, Some(7));
    }

    #[test]
    fn slices_keep_their_own_tickets() {
        let created = [
            Created {
                response_ms: Some(10),
                first_responder: Some(5),
                category: Some(1),
                priority: 1,
            },
            Created {
                response_ms: None,
                first_responder: None,
                category: None,
                priority: 3,
            },
        ];
        let closed = [Closed {
            resolution_ms: 100,
            closed_by: Some(5),
            returned_ms: 30,
            rating: Some(0),
            category: Some(1),
            priority: 1,
            via: Some(Via::Confirmed),
        }];
        let by = sliced(&created, &closed, |c| c.category, |c| c.category);
        assert_eq!(by.len(), 2);
        assert_eq!(
            by[&Some(1)],
            Figures {
                created: 1,
                closed: 1,
                confirmed: 1,
                lapsed: 0,
                first_response_median_ms: Some(10),
                resolution_median_ms: Some(100),
                good: 0,
                bad: 1
            }
        );
        assert_eq!((by[&None].created, by[&None].closed), (1, 0));
    }
}
