//! `cargo xtask bench assignment`: fair assignment in numbers.
//!
//! 1. A simulated day, minute by minute, with the rule itself (`app::assignment::plan`): 20
//!    operators on staggered eight-hour shifts from 06:00 to 23:30 (capacity 10, a 30-minute
//!    break each), 2,000 tickets arriving between 06:00 and 22:00 (most around midday), each
//!    worked for 10–45 minutes once started. An operator going off duty (break or shift end) hands back what
//!    they have not started. Prints the spread of loads among operators on duty over the day
//!    and the waiting time (arrival → assignment) p50/p99.
//! 2. The decision time with 1,000 operators on duty (target p99 ≤ 1 ms, QUALITY.md).

use crate::common::stats::percentile;
use crate::common::{Report, Target};
use app::assignment::{choose, plan, Operator, Waiting};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Instant;

const MINUTE: i64 = 60_000;

struct Shift {
    start: i64,
    end: i64,
    break_at: i64,
}

struct Work {
    ticket: i64,
    operator: i64,
    assigned_at: i64,
    /// Minutes of work once started (started 5 minutes after assignment).
    takes: i64,
}

fn day(report: &mut Report) {
    let mut rng = StdRng::seed_from_u64(42);
    let operators = 20;
    let shifts: Vec<Shift> = (0..operators)
        .map(|i| {
            // Starts from 06:00 to 15:30, one every 30 minutes; breaks half-way.
            let start = (6 * 60 + i * 30) as i64;
            Shift {
                start,
                end: start + 8 * 60,
                break_at: start + 4 * 60,
            }
        })
        .collect();
    // Arrivals: 2,000 between 06:00 and 22:00, denser around 12:00.
    let mut arrivals: Vec<i64> = (0..2_000)
        .map(|_| {
            let a: f64 = rng.gen_range(0.0..1.0);
            let b: f64 = rng.gen_range(0.0..1.0);
            (6.0 * 60.0 + (a + b) / 2.0 * 16.0 * 60.0) as i64
        })
        .collect();
    arrivals.sort();
    let mut waiting: Vec<(Waiting, i64)> = Vec::new();
    let mut working: Vec<Work> = Vec::new();
    let mut last_assigned = vec![None::<i64>; operators as usize];
    let mut waits = Vec::new();
    let mut spreads = Vec::new();
    let mut next = 0;
    for minute in 6 * 60..24 * 60 {
        let now = minute * MINUTE;
        while next < arrivals.len() && arrivals[next] <= minute {
            waiting.push((
                Waiting {
                    id: next as i64,
                    tier: 1,
                    category: None,
                    restricted: false,
                },
                minute,
            ));
            next += 1;
        }
        // Finished work leaves; operators off duty hand back what they have not started.
        working.retain(|w| minute < w.assigned_at + 5 + w.takes);
        let on_duty = |op: usize| {
            let s = &shifts[op];
            minute >= s.start
                && minute < s.end
                && !(minute >= s.break_at && minute < s.break_at + 30)
        };
        let mut handed_back = Vec::new();
        working.retain(|w| {
            let keep = on_duty(w.operator as usize) || minute >= w.assigned_at + 5;
            if !keep {
                handed_back.push(w.ticket);
            }
            keep
        });
        for ticket in handed_back {
            let arrived = arrivals[ticket as usize];
            waiting.push((
                Waiting {
                    id: ticket,
                    tier: 1,
                    category: None,
                    restricted: false,
                },
                arrived,
            ));
            waits.retain(|&(t, _)| t != ticket);
        }
        waiting.sort_by_key(|(w, _)| w.id);
        let mut duty: Vec<Operator> = (0..operators as usize)
            .filter(|&op| on_duty(op))
            .map(|op| Operator {
                id: op as i64,
                load: working.iter().filter(|w| w.operator == op as i64).count() as u32,
                capacity: 10,
                skills: Vec::new(),
                last_assigned_at: last_assigned[op],
                tier: 1,
            })
            .collect();
        let queue: Vec<Waiting> = waiting.iter().map(|(w, _)| *w).collect();
        for a in plan(&mut duty, &queue, now) {
            let arrived = waiting
                .iter()
                .find(|(w, _)| w.id == a.ticket)
                .map(|(_, at)| *at)
                .unwrap_or(minute);
            waits.push((a.ticket, (minute - arrived) as f64));
            working.push(Work {
                ticket: a.ticket,
                operator: a.operator,
                assigned_at: minute,
                takes: rng.gen_range(10..=45),
            });
            last_assigned[a.operator as usize] = Some(now);
            waiting.retain(|(w, _)| w.id != a.ticket);
        }
        // Sampled at twenty past: a shift starts on every full and half hour, and a newcomer
        // starts empty (the rule fills them first, it takes nothing away from the others).
        if minute % 60 == 20 && !duty.is_empty() {
            let loads = duty.iter().map(|o| o.load);
            let spread = loads.clone().max().unwrap_or(0) - loads.min().unwrap_or(0);
            spreads.push((minute, duty.len(), spread, waiting.len()));
        }
    }
    println!("== a day: 20 operators on staggered shifts, 2,000 tickets");
    println!("time   on duty  spread  waiting");
    for (minute, on, spread, queue) in &spreads {
        println!(
            "{:02}:{:02}  {on:>7}  {spread:>6}  {queue:>7}",
            minute / 60,
            minute % 60
        );
    }
    let mut w: Vec<f64> = waits.iter().map(|(_, m)| *m).collect();
    w.sort_by(|a, b| a.total_cmp(b));
    let worst = spreads.iter().map(|s| s.2).max().unwrap_or(0);
    let (p50, p99) = (percentile(&w, 0.5), percentile(&w, 0.99));
    println!(
        "assigned {} of 2000; waiting p50 {p50:.0} min, p99 {p99:.0} min; largest spread {worst}",
        w.len(),
    );
    report.record(
        "day · tickets assigned",
        w.len() as f64,
        "tickets",
        Target::AtLeast(2_000.0),
    );
    report.record("day · waiting p50", p50, "min", Target::None);
    report.record("day · waiting p99", p99, "min", Target::None);
    report.record(
        "day · largest spread on duty",
        worst as f64,
        "tickets",
        Target::None,
    );
}

fn decision_time(report: &mut Report) {
    let mut rng = StdRng::seed_from_u64(7);
    let ops: Vec<Operator> = (0..1_000)
        .map(|id| Operator {
            id,
            load: rng.gen_range(0..10),
            capacity: 10,
            skills: if rng.gen_bool(0.2) {
                vec![rng.gen_range(1..6)]
            } else {
                Vec::new()
            },
            last_assigned_at: Some(rng.gen_range(0..1_000_000)),
            tier: 1,
        })
        .collect();
    let mut times = Vec::with_capacity(10_000);
    let mut chosen = 0;
    for i in 0..10_000 {
        let ticket = Waiting {
            id: i,
            tier: 1,
            category: rng.gen_bool(0.3).then(|| rng.gen_range(1..6)),
            restricted: rng.gen_bool(0.1),
        };
        let start = Instant::now();
        let pick = choose(&ops, &ticket);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        chosen += usize::from(pick.is_some());
    }
    times.sort_by(|a, b| a.total_cmp(b));
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!(
        "\n== decision with 1,000 operators on duty ({chosen} of 10,000 placed)\n\
         p50 {p50:.4} ms   p99 {p99:.4} ms   (target p99 ≤ 1 ms)",
    );
    report.record("decision, 1,000 on duty · p50", p50, "ms", Target::None);
    report.record(
        "decision, 1,000 on duty · p99",
        p99,
        "ms",
        Target::AtMost(1.0),
    );
}

pub fn run() {
    let mut report = Report::new("assignment");
    report.setting("operators", 20);
    report.setting("tickets", 2_000);
    day(&mut report);
    decision_time(&mut report);
    report.write();
}
