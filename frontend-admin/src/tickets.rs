//! All tickets, with the admin's filters: operator, client, category, priority, period (and
//! the status filter and search every list has).

use app::api::accounts::accounts_overview;
use app::api::categories::list_categories;
use app::dto::{Account, Category, Role, TicketQuery};
use app::i18n::Msg;
use app::tickets::Priority;
use app::ui::{choices, id_options, t, ErrorNote, FormCall, Select, TicketList};
use leptos::prelude::*;

/// A date input's value (`2026-11-22`) as local midnight in unix ms; `days` later for "until".
pub fn day_start(value: &str, days: u32) -> Option<i64> {
    let mut parts = value.split('-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let date = js_sys::Date::new_with_year_month_day(y, m as i32 - 1, (d + days) as i32);
    Some(date.get_time() as i64)
}

/// One filter picked: its new value (`None`: any).
#[derive(Clone, Copy)]
pub enum Pick {
    Operator(Option<i64>),
    Client(Option<i64>),
    Category(Option<i64>),
    Priority(Option<Priority>),
}

/// The choices that narrow tickets — operator, client, category, priority —, each `Pick`
/// handed to `on_pick`.
#[component]
pub fn TicketFilters(on_pick: impl Fn(Pick) + Copy + Send + Sync + 'static) -> impl IntoView {
    let accounts = RwSignal::new(Vec::<Account>::new());
    let categories = RwSignal::new(Vec::<Category>::new());
    let call = FormCall::new();
    call.run(accounts_overview(), move |list| accounts.set(list.accounts));
    call.run(list_categories(), move |list| categories.set(list));
    let operators: fn(&Account) -> Option<(i64, String)> =
        |a| (a.role == Role::Operator).then(|| (a.id, a.full_name.clone()));
    // Clients by name and username: two of one name are told apart.
    let clients: fn(&Account) -> Option<(i64, String)> =
        |a| (a.role == Role::Client).then(|| (a.id, format!("{} ({})", a.full_name, a.username)));
    let id = |v: String| v.parse().ok();
    view! {
        <Select id="filter-operator" label=Msg::Operator blank=Msg::Anyone
            options=id_options(accounts, operators)
            on_pick=move |v| on_pick(Pick::Operator(id(v)))/>
        <Select id="filter-client" label=Msg::Client blank=Msg::Anyone
            options=id_options(accounts, clients)
            on_pick=move |v| on_pick(Pick::Client(id(v)))/>
        <Select id="filter-category" label=Msg::Category blank=Msg::Any
            options=id_options(categories, |c| Some((c.id, c.name.clone())))
            on_pick=move |v| on_pick(Pick::Category(id(v)))/>
        <Select id="filter-priority" label=Msg::Priority blank=Msg::Any
            options=choices(&Priority::CHOICES)
            on_pick=move |v| on_pick(Pick::Priority(Priority::parse(&v)))/>
        <ErrorNote message=call.message()/>
    }
}

#[component]
pub fn AdminTicketsPage() -> impl IntoView {
    let query = RwSignal::new(TicketQuery::default());
    let date = move |id: &'static str, msg: Msg, days: u32| {
        view! {
            <div class="field">
                <label for=id>{t(msg)}</label>
                <input type="date" id=id on:change=move |ev| {
                    let at = day_start(&event_target_value(&ev), days);
                    query.update(|q| if days == 0 { q.from = at } else { q.until = at });
                }/>
            </div>
        }
    };
    view! {
        <TicketList title=Msg::AllTickets empty=Msg::NoTickets filter=true query=query>
            <div class="filters row">
                <TicketFilters on_pick=move |pick| query.update(|q| match pick {
                    Pick::Operator(v) => q.operator_id = v,
                    Pick::Client(v) => q.client_id = v,
                    Pick::Category(v) => q.category_id = v,
                    Pick::Priority(v) => q.priority = v,
                })/>
                {date("filter-from", Msg::From, 0)}
                {date("filter-until", Msg::Until, 1)}
            </div>
        </TicketList>
    }
}
