//! Business time: the installation's working week and holidays in its time zone. Pure — given
//! instants in Unix milliseconds, how much working time lies between two, and when a working
//! time from an instant ends. Without working hours every moment counts (calendar hours).

use crate::dto::WorkHours;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// How far ahead a clock is looked for before it is called never (a week with no working
/// minute, a year of holidays).
const HORIZON_DAYS: i32 = 3 * 366;

#[derive(Clone, Debug)]
pub struct Calendar {
    pub zone: TimeZone,
    /// Working hours per weekday; empty: every moment counts.
    pub hours: Vec<WorkHours>,
    /// Days with no working hours.
    pub holidays: Vec<Date>,
}

impl Calendar {
    /// Every moment counts.
    pub fn always(zone: TimeZone) -> Calendar {
        Calendar {
            zone,
            hours: Vec::new(),
            holidays: Vec::new(),
        }
    }

    fn date_of(&self, ms: i64) -> Date {
        Timestamp::from_millisecond(ms)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(self.zone.clone())
            .date()
    }

    /// The instant `minute` minutes after the start of `date` in local time (1440: the next
    /// day's start). A minute that does not exist (a clock moved forward) counts as the one
    /// after the gap.
    fn instant(&self, date: Date, minute: i64) -> i64 {
        let (date, minute) = if minute >= 1440 {
            (date.tomorrow().unwrap_or(date), minute - 1440)
        } else {
            (date, minute)
        };
        let time = jiff::civil::Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0)
            .unwrap_or(jiff::civil::Time::midnight());
        date.to_datetime(time)
            .to_zoned(self.zone.clone())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(0)
    }

    /// The working windows of one day, `[start, end)` in milliseconds, in order.
    fn windows(&self, date: Date) -> Vec<(i64, i64)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let weekday = i64::from(date.weekday().to_monday_one_offset());
        let mut windows: Vec<(i64, i64)> = self
            .hours
            .iter()
            .filter(|h| h.weekday == weekday && h.end_minute > h.start_minute)
            .map(|h| {
                (
                    self.instant(date, h.start_minute),
                    self.instant(date, h.end_minute),
                )
            })
            .collect();
        windows.sort_unstable();
        windows
    }

    /// Working milliseconds in `[from, to)`.
    pub fn between(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        if self.hours.is_empty() {
            return to - from;
        }
        let (mut date, last) = (self.date_of(from), self.date_of(to));
        let mut total = 0;
        while date <= last {
            for (start, end) in self.windows(date) {
                total += (end.min(to) - start.max(from)).max(0);
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
        total
    }

    /// The instant at which `amount` working milliseconds after `from` have passed; `None` when
    /// there is no working time ahead for years.
    pub fn add(&self, from: i64, amount: i64) -> Option<i64> {
        if amount <= 0 {
            return Some(from);
        }
        if self.hours.is_empty() {
            return from.checked_add(amount);
        }
        let mut left = amount;
        let mut date = self.date_of(from);
        for _ in 0..HORIZON_DAYS {
            for (start, end) in self.windows(date) {
                let start = start.max(from);
                if end <= start {
                    continue;
                }
                if end - start >= left {
                    return Some(start + left);
                }
                left -= end - start;
            }
            date = date.tomorrow().ok()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = 3_600_000;

    /// Monday to Friday 08:00–16:00 in Sarajevo; New Year's Day off.
    fn office() -> Calendar {
        Calendar {
            zone: TimeZone::get("Europe/Sarajevo").unwrap(),
            hours: (1..=5)
                .map(|weekday| WorkHours {
                    weekday,
                    start_minute: 8 * 60,
                    end_minute: 16 * 60,
                })
                .collect(),
            holidays: vec!["2027-01-01".parse().unwrap()],
        }
    }

    fn at(text: &str) -> i64 {
        let zoned: jiff::Zoned = format!("{text}[Europe/Sarajevo]").parse().unwrap();
        zoned.timestamp().as_millisecond()
    }

    #[test]
    fn working_time_skips_nights_weekends_and_holidays() {
        let office = office();
        // Thursday 31 December 2026, 15:00: one hour left that day; Friday is New Year's Day;
        // the weekend; Monday from 08:00.
        let thursday = at("2026-12-31T15:00");
        assert_eq!(office.add(thursday, HOUR), Some(at("2026-12-31T16:00")));
        assert_eq!(office.add(thursday, 2 * HOUR), Some(at("2027-01-04T09:00")));
        assert_eq!(office.between(thursday, at("2027-01-04T09:00")), 2 * HOUR);
        // Before opening the clock starts at 08:00; on a Saturday, on Monday.
        assert_eq!(
            office.add(at("2027-01-05T06:30"), HOUR),
            Some(at("2027-01-05T09:00"))
        );
        assert_eq!(
            office.add(at("2027-01-09T12:00"), 30 * 60_000),
            Some(at("2027-01-11T08:30"))
        );
        assert_eq!(
            office.between(at("2027-01-08T16:00"), at("2027-01-11T08:00")),
            0
        );
        // A full working week is 40 hours.
        assert_eq!(
            office.between(at("2027-01-11T00:00"), at("2027-01-18T00:00")),
            40 * HOUR
        );
    }

    #[test]
    fn calendar_hours_count_every_moment() {
        let always = Calendar::always(TimeZone::UTC);
        assert_eq!(always.add(1_000, 5 * HOUR), Some(1_000 + 5 * HOUR));
        assert_eq!(always.between(0, 7 * 24 * HOUR), 7 * 24 * HOUR);
    }

    #[test]
    fn a_week_without_working_time_never_ends_a_clock() {
        let mut closed = office();
        closed.hours.clear();
        closed.hours.push(WorkHours {
            weekday: 1,
            start_minute: 600,
            end_minute: 600,
        });
        assert_eq!(closed.add(at("2027-01-05T09:00"), HOUR), None);
    }

    proptest! {
        /// What `add` adds, `between` counts back, from any moment.
        #[test]
        fn add_and_between_agree(start in 1_700_000_000_000i64..1_900_000_000_000, minutes in 0i64..20_000) {
            let office = office();
            let amount = minutes * 60_000;
            let end = office.add(start, amount).unwrap();
            prop_assert!(end >= start);
            prop_assert_eq!(office.between(start, end), amount);
        }
    }
}
