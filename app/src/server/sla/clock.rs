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
    started: bool,
    /// Stopped by what it waited for.
    done: bool,
}

impl Running {
    fn start(&mut self) {
        *self = Running {
            started: true,
            ..Running::default()
        };
    }

    /// Runs or stands still from `at`, as the ticket's status allows.
    fn set(&mut self, calendar: &Calendar, at: i64, may_run: bool) {
        let run = may_run && self.started && !self.done;
        match (self.since, run) {
            (None, true) => self.since = Some(at),
            (Some(since), false) => {
                self.spent += calendar.between(since, at);
                self.since = None;
            }
            _ => {}
        }
    }

    fn read(&self, calendar: &Calendar, target: SlaTarget, limit: i64, now: i64) -> SlaClock {
        let spent = self.spent + self.since.map_or(0, |s| calendar.between(s, now));
        let state = match (self.done, self.since) {
            (true, _) if spent <= limit => SlaState::Met,
            (true, _) => SlaState::Missed,
            (false, Some(_)) => SlaState::Running,
            (false, None) => SlaState::Paused,
        };
        SlaClock {
            target,
            state,
            target_ms: limit,
            left_ms: limit - spent,
            due_at: self
                .since
                .and_then(|since| calendar.add(since, limit - self.spent)),
            near: false,
        }
    }
}

/// The clocks of a ticket created at `created` whose log says `marks` (in order), at `now`.
pub fn clocks(
    targets: Targets,
    calendar: &Calendar,
    created: i64,
    marks: &[(i64, Mark)],
    now: i64,
) -> Vec<SlaClock> {
    let mut first = Running::default();
    let mut next = Running::default();
    let mut resolution = Running::default();
    first.start();
    resolution.start();
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
            Mark::ClientMessage if first.done && (!next.started || next.done) => next.start(),
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
    let mut out = vec![
        first.read(
            calendar,
            SlaTarget::FirstResponse,
            targets.first_response,
            now,
        ),
        resolution.read(calendar, SlaTarget::Resolution, targets.resolution, now),
    ];
    if let (Some(limit), true) = (targets.next_response, next.started) {
        out.insert(1, next.read(calendar, SlaTarget::NextResponse, limit, now));
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
        clocks(TARGETS, &Calendar::always(TimeZone::UTC), 0, marks, now)
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
            (first.state, first.left_ms, first.due_at),
            (SlaState::Running, HOUR, Some(2 * HOUR))
        );
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
