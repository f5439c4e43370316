//! Service levels on the settings page: the policies (per priority, and category or any), the
//! working week and holidays they count in, and the share of a target at which a clock warns.
//! Saved together; what the server refuses is said with its field and nothing changes.

use super::week::{Days, DaysFields, Week, WeekFields};
use app::api::categories::list_categories;
use app::api::sla::{get_service_levels, set_service_levels};
use app::dto::{Category, ServiceLevels, SlaPolicy};
use app::i18n::Msg;
use app::tickets::Priority;
use app::ui::{t, use_ui, ErrorNote, FormCall, TextField};
use leptos::prelude::*;

/// One policy as its row of fields holds it.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    priority: RwSignal<String>,
    category: RwSignal<String>,
    first: RwSignal<String>,
    next: RwSignal<String>,
    resolution: RwSignal<String>,
    business: RwSignal<bool>,
}

impl Row {
    fn of(key: usize, p: &SlaPolicy) -> Row {
        Row {
            key,
            priority: RwSignal::new(p.priority.as_str().to_string()),
            category: RwSignal::new(p.category_id.map(|c| c.to_string()).unwrap_or_default()),
            first: RwSignal::new(p.first_response_minutes.to_string()),
            next: RwSignal::new(
                p.next_response_minutes
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            ),
            resolution: RwSignal::new(p.resolution_minutes.to_string()),
            business: RwSignal::new(p.business_hours),
        }
    }

    /// The policy the fields say; an unreadable number goes as 0, which the server refuses
    /// with the field named.
    fn policy(&self) -> SlaPolicy {
        let minutes = |s: RwSignal<String>| s.get_untracked().trim().parse().unwrap_or(0);
        let next = self.next.get_untracked();
        SlaPolicy {
            priority: Priority::parse(&self.priority.get_untracked()).unwrap_or(Priority::Normal),
            category_id: self.category.get_untracked().parse().ok(),
            first_response_minutes: minutes(self.first),
            next_response_minutes: (!next.trim().is_empty()).then(|| minutes(self.next)),
            resolution_minutes: minutes(self.resolution),
            business_hours: self.business.get_untracked(),
        }
    }
}

/// A new policy's defaults: normal priority, any category, an hour to answer, a day to solve.
const NEW: SlaPolicy = SlaPolicy {
    priority: Priority::Normal,
    category_id: None,
    first_response_minutes: 60,
    next_response_minutes: None,
    resolution_minutes: 1440,
    business_hours: true,
};

#[component]
pub fn ServiceLevelsCard() -> impl IntoView {
    let loaded = RwSignal::new(None::<ServiceLevels>);
    let categories = RwSignal::new(Vec::<Category>::new());
    let call = FormCall::new();
    call.run(get_service_levels(), move |l| loaded.set(Some(l)));
    call.run(list_categories(), move |c| categories.set(c));
    move || {
        loaded
            .get()
            .map(|levels| view! { <LevelsForm levels categories/> })
    }
}

#[component]
fn LevelsForm(levels: ServiceLevels, categories: RwSignal<Vec<Category>>) -> impl IntoView {
    let lang = use_ui().lang.get_untracked();
    let rows = RwSignal::new(
        levels
            .policies
            .iter()
            .enumerate()
            .map(|(k, p)| Row::of(k, p))
            .collect::<Vec<_>>(),
    );
    let next_key = StoredValue::new(levels.policies.len());
    let add = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(Row::of(key, &NEW)));
    };
    let week = Week::of(&levels.hours);
    let holidays = Days::of(levels.holidays.clone());
    let warn = RwSignal::new(levels.warn_percent.to_string());
    let escalate = RwSignal::new(levels.escalate_on_breach);
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let fields = week.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let input = ServiceLevels {
            policies: rows.get_untracked().iter().map(Row::policy).collect(),
            hours: week.hours(),
            holidays: holidays.all(),
            warn_percent: warn.get_untracked().trim().parse().unwrap_or(0),
            escalate_on_breach: escalate.get_untracked(),
        };
        call.run(set_service_levels(input), move |_| saved.set(true));
    };
    let label = move |m: Msg| m.text(lang);
    view! {
        <form class="card form service-levels" on:submit=submit aria-labelledby="sla-levels-title">
            <h2 id="sla-levels-title">{t(Msg::ServiceLevels)}</h2>
            <p class="hint">{t(Msg::ServiceLevelsHint)}</p>
            <fieldset>
                <legend>{t(Msg::SlaPolicies)}</legend>
                {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty">{t(Msg::NoSlaPolicies)}</p> })}
                <table class="sla-policies">
                    <thead><tr>
                        <th scope="col">{t(Msg::Priority)}</th>
                        <th scope="col">{t(Msg::Category)}</th>
                        <th scope="col">{t(Msg::FirstResponseMinutes)}</th>
                        <th scope="col">{t(Msg::NextResponseMinutes)}</th>
                        <th scope="col">{t(Msg::ResolutionMinutes)}</th>
                        <th scope="col">{t(Msg::InBusinessHours)}</th>
                        <th scope="col"><span class="visually-hidden">{t(Msg::Remove)}</span></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || rows.get() key=|r| r.key let:row>
                            <tr>
                                <td data-label=t(Msg::Priority)>
                                    <select aria-label=label(Msg::Priority) bind:value=row.priority>
                                        {Priority::CHOICES.iter().map(|(code, name)| view! {
                                            <option value=*code>{t(*name)}</option>
                                        }).collect_view()}
                                    </select>
                                </td>
                                <td data-label=t(Msg::Category)>
                                    <select aria-label=label(Msg::Category) bind:value=row.category>
                                        <option value="">{t(Msg::AnyCategory)}</option>
                                        {move || categories.get().into_iter().map(|c| view! {
                                            <option value=c.id.to_string()>{c.name}</option>
                                        }).collect_view()}
                                    </select>
                                </td>
                                <td data-label=t(Msg::FirstResponseMinutes)>
                                    <input type="number" min="1" required=true aria-label=label(Msg::FirstResponseMinutes) bind:value=row.first/>
                                </td>
                                <td data-label=t(Msg::NextResponseMinutes)>
                                    <input type="number" min="1" aria-label=label(Msg::NextResponseMinutes) bind:value=row.next/>
                                </td>
                                <td data-label=t(Msg::ResolutionMinutes)>
                                    <input type="number" min="1" required=true aria-label=label(Msg::ResolutionMinutes) bind:value=row.resolution/>
                                </td>
                                <td data-label=t(Msg::InBusinessHours)>
                                    <input type="checkbox" aria-label=label(Msg::InBusinessHours) bind:checked=row.business/>
                                </td>
                                <td>
                                    <button type="button" class="link" on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>
                                        {t(Msg::Remove)}
                                    </button>
                                </td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                <button type="button" on:click=add>{t(Msg::AddSlaPolicy)}</button>
            </fieldset>
            <WeekFields week=fields legend=Msg::BusinessHours hint=Msg::BusinessHoursHint/>
            <DaysFields days=holidays id="sla-holiday" legend=Msg::Holidays hint=Msg::HolidaysHint pick=Msg::PickHoliday/>
            <TextField id="sla-warn" label=Msg::WarnPercent value=warn kind="number" required=true/>
            <label class="check">
                <input type="checkbox" bind:checked=escalate/>
                {t(Msg::EscalateOnBreach)}
            </label>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}
