//! The parts of a form that set a working week and a list of days — an operator's plan (hours,
//! days off) and the service levels' calendar (working week, holidays).

use app::dto::{clock, minute_of, WorkHours};
use app::i18n::{Msg, WEEKDAYS};
use app::ui::{t, use_ui};
use leptos::prelude::*;

/// Per weekday: "from" and "until" as typed, empty on a day without hours.
#[derive(Clone)]
pub struct Week(Vec<(RwSignal<String>, RwSignal<String>)>);

impl Week {
    pub fn of(hours: &[WorkHours]) -> Week {
        Week(
            (1..=7)
                .map(|day| {
                    let h = hours.iter().find(|h| h.weekday == day);
                    (
                        RwSignal::new(h.map(|h| clock(h.start_minute)).unwrap_or_default()),
                        RwSignal::new(h.map(|h| clock(h.end_minute)).unwrap_or_default()),
                    )
                })
                .collect(),
        )
    }

    /// The days with both times filled in (`00:00` as the end: midnight, the day's end).
    pub fn hours(&self) -> Vec<WorkHours> {
        self.0
            .iter()
            .zip(1..)
            .filter_map(|((from, to), weekday)| {
                Some(WorkHours {
                    weekday,
                    start_minute: minute_of(&from.get_untracked())?,
                    end_minute: minute_of(&to.get_untracked()).map(|m| {
                        if m == 0 {
                            1440
                        } else {
                            m
                        }
                    })?,
                })
            })
            .collect()
    }
}

/// The week's fields. Times on a 24-hour clock whatever the browser's language (a time input
/// would follow the browser's 12-hour clock), each with its visible "from" / "until".
#[component]
pub fn WeekFields(week: Week, legend: Msg, hint: Msg) -> impl IntoView {
    // Labels for assistive technology in the language of the moment the form opens.
    let lang = use_ui().lang.get_untracked();
    view! {
        <fieldset>
            <legend>{t(legend)}</legend>
            <p class="hint">{t(hint)}</p>
            {week.0.into_iter().zip(WEEKDAYS).map(|((from, to), day)| {
                let time = |bound: Msg, value: RwSignal<String>| view! {
                    <label class="time">
                        {t(bound)}
                        <input type="text" inputmode="numeric" pattern="([01][0-9]|2[0-4]):[0-5][0-9]" placeholder="08:00"
                            maxlength="5" size="5" aria-label=format!("{} {}", day.text(lang), bound.text(lang)) bind:value=value/>
                    </label>
                };
                view! {
                    <div class="row hours">
                        <span class="day">{t(day)}</span>
                        {time(Msg::HoursFrom, from)}
                        {time(Msg::HoursUntil, to)}
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A list of days (`YYYY-MM-DD`) and the date being picked, added by its button — or by
/// saving (`all`).
#[derive(Clone, Copy)]
pub struct Days {
    list: RwSignal<Vec<String>>,
    picked: RwSignal<String>,
}

impl Days {
    pub fn of(days: Vec<String>) -> Days {
        Days {
            list: RwSignal::new(days),
            picked: RwSignal::new(String::new()),
        }
    }

    fn add_picked(self) {
        let day = self.picked.get_untracked();
        if !day.is_empty() {
            self.list.update(|days| {
                if !days.contains(&day) {
                    days.push(day);
                    days.sort();
                }
            });
            self.picked.set(String::new());
        }
    }

    /// Every day, the one being picked too.
    pub fn all(self) -> Vec<String> {
        self.add_picked();
        self.list.get_untracked()
    }
}

#[component]
pub fn DaysFields(
    days: Days,
    id: &'static str,
    legend: Msg,
    hint: Msg,
    pick: Msg,
) -> impl IntoView {
    let lang = use_ui().lang.get_untracked();
    view! {
        <fieldset>
            <legend>{t(legend)}</legend>
            <p class="hint">{t(hint)}</p>
            <ul class="days-off">
                {move || days.list.get().into_iter().map(|day| {
                    let shown = lang.day(&day);
                    let label = format!("{} {shown}", Msg::Remove.text(lang));
                    view! {
                        <li class="check chip">
                            {shown} " "
                            <button type="button" class="link" aria-label=label
                                on:click=move |_| days.list.update(|d| d.retain(|x| *x != day))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="row">
                <label for=id>{t(pick)}</label>
                <input type="date" id=id bind:value=days.picked/>
                <button type="button" on:click=move |_| days.add_picked()>{t(Msg::Add)}</button>
            </div>
        </fieldset>
    }
}
