//! The floor: who is on duty, each operator's load against capacity, how many of their tickets
//! are not started, the spread (highest minus lowest load on duty), and each operator's plan —
//! capacity, skills, weekly working hours, days off — and each operator's work history.

use super::week::{Days, DaysFields, Week, WeekFields};
use app::api::assignment::{floor_view, set_plan};
use app::api::categories::list_categories;
use app::dto::{Category, Floor, OperatorPlan};
use app::i18n::Msg;
use app::ui::{t, use_ui, ErrorNote, FormCall, Link, Loading, TextField, WorkHistory};
use leptos::prelude::*;

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
    let capacity = RwSignal::new(plan.capacity.to_string());
    let tier = RwSignal::new(plan.tier.to_string());
    let skills = RwSignal::new(plan.skills.clone());
    let days_off = Days::of(plan.days_off.clone());
    let week = Week::of(&plan.hours);
    let call = FormCall::new();
    let operator_id = plan.operator_id;
    let fields = week.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = OperatorPlan {
            operator_id,
            capacity: capacity.get_untracked().trim().parse().unwrap_or(-1),
            skills: skills.get_untracked(),
            hours: week.hours(),
            days_off: days_off.all(),
            tier: tier.get_untracked().trim().parse().unwrap_or(0),
        };
        call.run(set_plan(input), move |f| floor.set(Some(f)));
    };
    view! {
        <form class="card form plan" on:submit=submit>
            <h2>{t(Msg::Plan)} " · " {name}</h2>
            <TextField id="plan-capacity" label=Msg::Capacity value=capacity kind="number" required=true/>
            <TextField id="plan-tier" label=Msg::Tier value=tier kind="number" required=true hint=Msg::TierHint/>
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
            <WeekFields week=fields legend=Msg::WorkHours hint=Msg::WorkHoursHint/>
            <DaysFields days=days_off id="plan-day-off" legend=Msg::DaysOff hint=Msg::DaysOffHint pick=Msg::PickDayOff/>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}
