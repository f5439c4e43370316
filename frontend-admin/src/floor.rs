//! The floor: who is on duty, each operator's load against capacity, how many of their tickets
//! are not started, the spread (highest minus lowest load on duty), and each operator's plan —
//! capacity, skills, weekly working hours, days off — and each operator's work history.

use app::api::assignment::{floor_view, set_plan};
use app::api::categories::list_categories;
use app::dto::{clock, minute_of, Category, Floor, OperatorPlan, WorkHours};
use app::i18n::Msg;
use app::ui::{t, use_ui, ErrorNote, FormCall, Link, Loading, TextField, WorkHistory};
use leptos::prelude::*;

const WEEKDAYS: [Msg; 7] = [
    Msg::Monday,
    Msg::Tuesday,
    Msg::Wednesday,
    Msg::Thursday,
    Msg::Friday,
    Msg::Saturday,
    Msg::Sunday,
];

/// What opens below the table for one operator (by full name).
#[derive(Clone)]
enum Panel {
    Plan(String, OperatorPlan),
    History(String, i64),
}

#[component]
pub fn FloorPage() -> impl IntoView {
    let ui = use_ui();
    let floor = RwSignal::new(None::<Floor>);
    let categories = RwSignal::new(Vec::<Category>::new());
    let open = RwSignal::new(None::<Panel>);
    let call = FormCall::new();
    // Again whenever tickets change (the live connection says so): loads, the waiting queue.
    Effect::new(move |_| {
        ui.changes.track();
        call.run(floor_view(), move |f| floor.set(Some(f)));
    });
    call.run(list_categories(), move |l| categories.set(l));
    view! {
        <h1>{t(Msg::Floor)}</h1>
        <ErrorNote message=call.message()/>
        {move || (call.busy() && floor.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || floor.get().map(|f| view! {
            <section class="card">
                <p class="spread">
                    {t(Msg::Spread)} ": "
                    <strong>{f.spread.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</strong>
                    " · " {t(Msg::TimeZone)} ": " {f.time_zone.clone()}
                </p>
                // No operators yet: say what to do, with the way to do it.
                {f.operators.is_empty().then(|| view! {
                    <p class="empty">{t(Msg::NoOperatorsYet)} " " <Link path="/accounts" label=Msg::Accounts/></p>
                })}
                <table class="floor">
                    <thead><tr>
                        <th scope="col">{t(Msg::Operator)}</th>
                        <th scope="col">{t(Msg::Status)}</th>
                        <th scope="col">{t(Msg::Load)}</th>
                        <th scope="col">{t(Msg::NotStarted)}</th>
                        <th scope="col">{t(Msg::Plan)}</th>
                        <th scope="col">{t(Msg::WorkHistory)}</th>
                    </tr></thead>
                    <tbody>
                        {f.operators.into_iter().map(|o| {
                            let lang = ui.lang.get_untracked();
                            let plan_label = format!("{} · {}", Msg::Plan.text(lang), o.full_name);
                            let history_label = format!("{} · {}", Msg::WorkHistory.text(lang), o.full_name);
                            let plan = Panel::Plan(o.full_name.clone(), o.plan.clone());
                            let history = Panel::History(o.full_name.clone(), o.plan.operator_id);
                            view! {
                                <tr>
                                    <td data-label=t(Msg::Operator)>{o.full_name.clone()}</td>
                                    <td data-label=t(Msg::Status)>{t(if o.on_break { Msg::OnBreak } else if o.on_duty { Msg::OnDuty } else { Msg::OffDuty })}</td>
                                    <td data-label=t(Msg::Load)>{format!("{} / {}", o.load, o.plan.capacity)}</td>
                                    <td data-label=t(Msg::NotStarted)>{o.not_started}</td>
                                    <td data-label=t(Msg::Plan)><button type="button" class="link" aria-label=plan_label
                                        on:click=move |_| open.set(Some(plan.clone()))>{t(Msg::Plan)}</button></td>
                                    <td data-label=t(Msg::WorkHistory)><button type="button" class="link" aria-label=history_label
                                        on:click=move |_| open.set(Some(history.clone()))>{t(Msg::WorkHistory)}</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        })}
        {move || open.get().map(|panel| match panel {
            Panel::Plan(name, plan) => view! {
                <PlanForm name=name plan=plan categories=categories floor=floor/>
            }.into_any(),
            Panel::History(name, operator) => view! {
                <h2>{t(Msg::WorkHistory)} " · " {name}</h2>
                <WorkHistory operator=operator/>
            }.into_any(),
        })}
    }
}

/// One operator's plan.
#[component]
fn PlanForm(
    name: String,
    plan: OperatorPlan,
    categories: RwSignal<Vec<Category>>,
    floor: RwSignal<Option<Floor>>,
) -> impl IntoView {
    // Labels for assistive technology in the language of the moment the form opens.
    let lang = use_ui().lang.get_untracked();
    let capacity = RwSignal::new(plan.capacity.to_string());
    let skills = RwSignal::new(plan.skills.clone());
    let days_off = RwSignal::new(plan.days_off.clone());
    // The date being picked; added to the list by its button (or by saving).
    let picked = RwSignal::new(String::new());
    let add_day = move || {
        let day = picked.get_untracked();
        if !day.is_empty() {
            days_off.update(|days| {
                if !days.contains(&day) {
                    days.push(day);
                    days.sort();
                }
            });
            picked.set(String::new());
        }
    };
    // Per weekday: "from" and "to", empty when the operator does not work that day.
    let hours: Vec<(RwSignal<String>, RwSignal<String>)> = (1..=7)
        .map(|day| {
            let h = plan.hours.iter().find(|h| h.weekday == day);
            (
                RwSignal::new(h.map(|h| clock(h.start_minute)).unwrap_or_default()),
                RwSignal::new(h.map(|h| clock(h.end_minute)).unwrap_or_default()),
            )
        })
        .collect();
    let call = FormCall::new();
    let operator_id = plan.operator_id;
    let week = hours.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = OperatorPlan {
            operator_id,
            capacity: capacity.get_untracked().trim().parse().unwrap_or(-1),
            skills: skills.get_untracked(),
            hours: week
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
                .collect(),
            days_off: {
                add_day();
                days_off.get_untracked()
            },
        };
        call.run(set_plan(input), move |f| floor.set(Some(f)));
    };
    view! {
        <form class="card form plan" on:submit=submit>
            <h2>{t(Msg::Plan)} " · " {name}</h2>
            <TextField id="plan-capacity" label=Msg::Capacity value=capacity kind="number" required=true/>
            <fieldset>
                <legend>{t(Msg::Skills)}</legend>
                <p class="hint">{t(Msg::SkillsHint)}</p>
                {move || categories.get().into_iter().map(|c| {
                    let id = c.id;
                    view! {
                        <label class="check chip">
                            <input type="checkbox" checked=move || skills.get().contains(&id)
                                on:change=move |_| skills.update(|s| if s.contains(&id) { s.retain(|x| *x != id) } else { s.push(id) })/>
                            {c.name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>{t(Msg::WorkHours)}</legend>
                <p class="hint">{t(Msg::WorkHoursHint)}</p>
                // Times on a 24-hour clock whatever the browser's language (a time input would
                // follow the browser's 12-hour clock), each with its visible "from" / "until".
                {hours.into_iter().zip(WEEKDAYS).map(|((from, to), day)| {
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
            <fieldset>
                <legend>{t(Msg::DaysOff)}</legend>
                <p class="hint">{t(Msg::DaysOffHint)}</p>
                <ul class="days-off">
                    {move || days_off.get().into_iter().map(|day| {
                        let shown = lang.day(&day);
                        let label = format!("{} {shown}", Msg::Remove.text(lang));
                        view! {
                            <li class="check chip">
                                {shown} " "
                                <button type="button" class="link" aria-label=label
                                    on:click=move |_| days_off.update(|d| d.retain(|x| *x != day))>"×"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <div class="row">
                    <label for="plan-day-off">{t(Msg::PickDayOff)}</label>
                    <input type="date" id="plan-day-off" bind:value=picked/>
                    <button type="button" on:click=move |_| add_day()>{t(Msg::Add)}</button>
                </div>
            </fieldset>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}
