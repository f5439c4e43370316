//! A ticket's service-level clocks, folded from its log. Pure: the policy's targets, the
//! calendar they count in, and what happened when — out come, for each target, the time left,
//! the moment it runs out, and whether it was met.
//!
//! - **First response** runs from creation to the first message from staff.
//! - **Next response** runs from a client's message (after the first response) to the next
//!   message from staff; only the latest such wait is shown.
//! - **Resolution** runs from creation to the close; a reopened ticket's runs on from where
//!   it stopped.
//!
//! Every clock stands still while the ticket is returned to its client, and while it is closed.

use super::calendar::Calendar;
use crate::dto::{SlaClock, SlaState, SlaTarget};
use crate::tickets::Status;

/// A policy's targets, in milliseconds of its calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Targets {
    pub first_response: i64,
    pub next_response: Option<i64>,
    pub resolution: i64,
}

/// What the clocks read of one event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Staff wrote to the client.
    StaffMessage,
    /// The client wrote.
    ClientMessage,
    /// The ticket's status is now this.
    Status(Status),
}

/// One clock as it is folded.
#[derive(Clone, Copy, Debug, Default)]
struct Running {
    /// Working time of the spans already ended.
    spent: i64,
    /// Running since.
    since: Option<i64>,
    /// When its wait began (creation; a client's message for a next response).
    started: Option<i64>,
    /// Stopped by what it waited for.
    done: bool,
}

/// A clock as the server reads it: what staff see, and what the watcher notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    pub clock: SlaClock,
    /// When its wait began: a wait's warning and breach are noted once.
    pub started_at: i64,
    /// While running: the moment the warning share of the target is used.
    pub warn_at: Option<i64>,
}

impl Running {
    fn start(&mut self, at: i64) {
        *self = Running {
            started: Some(at),
            ..Running::default()
        };
    }

    /// Runs or stands still from `at`, as the ticket's status allows.
    fn set(&mut self, calendar: &Calendar, at: i64, may_run: bool) {
        let run = may_run && self.started.is_some() && !self.done;
        match (self.since, run) {
            (None, true) => self.since = Some(at),
            (Some(since), false) => {
                self.spent += calendar.between(since, at);
                self.since = None;
            }
            _ => {}
        }
    }

    /// The moment `amount` of working time is used, while running.
    fn moment(&self, calendar: &Calendar, amount: i64) -> Option<i64> {
        self.since
            .and_then(|since| calendar.add(since, amount - self.spent))
    }

    fn read(
        &self,
        calendar: &Calendar,
        target: SlaTarget,
        limits: (i64, i64),
        now: i64,
    ) -> Reading {
        let (limit, warn) = limits;
        let spent = self.spent + self.since.map_or(0, |s| calendar.between(s, now));
        let state = match (self.done, self.since) {
            (true, _) if spent <= limit => SlaState::Met,
            (true, _) => SlaState::Missed,
            (false, Some(_)) => SlaState::Running,
            (false, None) => SlaState::Paused,
        };
        let warn_at = self.moment(calendar, warn);
        Reading {
            clock: SlaClock {
                target,
                state,
                target_ms: limit,
                left_ms: limit - spent,
                due_at: self.moment(calendar, limit),
                near: warn_at.is_some_and(|w| w <= now),
            },
            started_at: self.started.unwrap_or_default(),
            warn_at,
        }
    }
}

/// The clocks of a ticket created at `created` whose log says `marks` (in order), at `now`;
/// each warns when `warn_percent` of its target is used.
pub fn clocks(
    targets: Targets,
    calendar: &Calendar,
    created: i64,
    marks: &[(i64, Mark)],
    (warn_percent, now): (i64, i64),
) -> Vec<Reading> {
    let mut first = Running::default();
    let mut next = Running::default();
    let mut resolution = Running::default();
    first.start(created);
    resolution.start(created);
    let mut status = Status::Open;
    let may_run = |s: Status| !matches!(s, Status::ReturnedToClient | Status::Closed);
    for clock in [&mut first, &mut resolution] {
        clock.set(calendar, created, true);
    }
    for &(at, mark) in marks {
        // Stop the clocks at `at` first, then let those that may run go on.
        for clock in [&mut first, &mut next, &mut resolution] {
            clock.set(calendar, at, false);
        }
        match mark {
            Mark::StaffMessage => {
                first.done = true;
                next.done = true;
            }
            Mark::ClientMessage if first.done && (next.started.is_none() || next.done) => {
                next.start(at)
            }
            Mark::ClientMessage => {}
            Mark::Status(now_status) => {
                status = now_status;
                // A close stops the resolution clock; a reopening starts it again.
                resolution.done = status == Status::Closed;
            }
        }
        for clock in [&mut first, &mut next, &mut resolution] {
            clock.set(calendar, at, may_run(status));
        }
    }
    let limits = |limit: i64| (limit, limit * warn_percent / 100);
    let mut out = vec![
        first.read(
            calendar,
            SlaTarget::FirstResponse,
            limits(targets.first_response),
            now,
        ),
        resolution.read(
            calendar,
            SlaTarget::Resolution,
            limits(targets.resolution),
            now,
        ),
    ];
    if let (Some(limit), Some(_)) = (targets.next_response, next.started) {
        out.insert(
            1,
            next.read(calendar, SlaTarget::NextResponse, limits(limit), now),
        );
    }
    out
}

/// Of a ticket's clocks, the one that runs out first among those running — what a queue sorts
/// and colours by.
pub fn most_urgent(clocks: &[SlaClock]) -> Option<SlaClock> {
    clocks
        .iter()
        .filter(|c| c.state == SlaState::Running)
        .min_by_key(|c| c.left_ms)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    const HOUR: i64 = 3_600_000;
    const TARGETS: Targets = Targets {
        first_response: 2 * HOUR,
        next_response: Some(4 * HOUR),
        resolution: 8 * HOUR,
    };

    fn read(marks: &[(i64, Mark)], now: i64) -> Vec<SlaClock> {
        clocks(
            TARGETS,
            &Calendar::always(TimeZone::UTC),
            0,
            marks,
            (75, now),
        )
        .into_iter()
        .map(|r| r.clock)
        .collect()
    }

    fn clock(clocks: &[SlaClock], target: SlaTarget) -> SlaClock {
        *clocks.iter().find(|c| c.target == target).unwrap()
    }

    #[test]
    fn a_new_ticket_runs_towards_first_response_and_resolution() {
        let now = read(&[], HOUR);
        assert_eq!(now.len(), 2);
        let first = clock(&now, SlaTarget::FirstResponse);
        assert_eq!(
            (first.state, first.left_ms, first.due_at, first.near),
            (SlaState::Running, HOUR, Some(2 * HOUR), false)
        );
        // Three quarters of the target used: near its end.
        assert!(clock(&read(&[], 90 * 60_000), SlaTarget::FirstResponse).near);
        assert_eq!(most_urgent(&now).unwrap().target, SlaTarget::FirstResponse);
        // Past the target it is overdue, and says since when.
        let late = clock(&read(&[], 3 * HOUR), SlaTarget::FirstResponse);
        assert_eq!((late.left_ms, late.due_at), (-HOUR, Some(2 * HOUR)));
    }

    #[test]
    fn returned_to_the_client_the_clocks_stand_still() {
        let marks = [
            (HOUR, Mark::Status(Status::InProgress)),
            (HOUR, Mark::StaffMessage),
            (HOUR, Mark::Status(Status::ReturnedToClient)),
            (5 * HOUR, Mark::ClientMessage),
            (5 * HOUR, Mark::Status(Status::InProgress)),
        ];
        let paused = read(&marks[..3], 4 * HOUR);
        let resolution = clock(&paused, SlaTarget::Resolution);
        assert_eq!(
            (resolution.state, resolution.left_ms, resolution.due_at),
            (SlaState::Paused, 7 * HOUR, None)
        );
        assert_eq!(
            clock(&paused, SlaTarget::FirstResponse).state,
            SlaState::Met
        );
        // Back in progress at 5 h: the four hours away did not count; the client's answer
        // starts the next-response clock.
        let back = read(&marks, 6 * HOUR);
        let resolution = clock(&back, SlaTarget::Resolution);
        assert_eq!(
            (resolution.left_ms, resolution.due_at),
            (6 * HOUR, Some(12 * HOUR))
        );
        let next = clock(&back, SlaTarget::NextResponse);
        assert_eq!((next.state, next.left_ms), (SlaState::Running, 3 * HOUR));
    }

    #[test]
    fn closing_meets_or_misses_and_reopening_runs_on() {
        let closed = [
            (3 * HOUR, Mark::StaffMessage),
            (9 * HOUR, Mark::Status(Status::Closed)),
        ];
        let after = read(&closed, 20 * HOUR);
        assert_eq!(
            clock(&after, SlaTarget::FirstResponse).state,
            SlaState::Missed
        );
        assert_eq!(clock(&after, SlaTarget::Resolution).state, SlaState::Missed);
        assert_eq!(most_urgent(&after), None);
        let on_time = read(&closed[..1], 4 * HOUR);
        assert_eq!(
            clock(&on_time, SlaTarget::Resolution).state,
            SlaState::Running
        );
        let mut reopened = closed.to_vec();
        reopened.push((20 * HOUR, Mark::Status(Status::Open)));
        let resolution = clock(&read(&reopened, 21 * HOUR), SlaTarget::Resolution);
        assert_eq!(
            (resolution.state, resolution.left_ms),
            (SlaState::Running, -2 * HOUR)
        );
    }
}
