//! The ticket list: a page with keyset "show more", search, and the row of each ticket.

use super::{OthersHere, PriorityBadge, SlaBadge, StatusBadge, TicketLink, When};
use crate::api::tickets::{list_tickets, search_tickets};
use crate::dto::{Role, TicketPage, TicketQuery, TicketSummary};
use crate::i18n::Msg;
use crate::tickets::Status;
use crate::ui::{choices, t, use_ui, ErrorNote, FormCall, Loading, Select, TextField};
use leptos::prelude::*;

/// A page of tickets with "show more", optionally filtered by status. A page may hold the
/// query (the admin's filters, shown as `children`): the list follows every change of it.
#[component]
pub fn TicketList(
    title: Msg,
    empty: Msg,
    #[prop(optional)] filter: bool,
    #[prop(optional)] query: Option<RwSignal<TicketQuery>>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let ui = use_ui();
    let tickets = RwSignal::new(Vec::<TicketSummary>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let query = query.unwrap_or_else(|| RwSignal::new(TicketQuery::default()));
    let call = FormCall::new();
    let show = move |page: TicketPage, more: bool| {
        if more {
            tickets.update(|all| all.extend(page.tickets));
        } else {
            tickets.set(page.tickets);
        }
        next.set(page.next);
        loaded.set(true);
    };
    let load = move |after: Option<String>| {
        let query = TicketQuery {
            after: after.clone(),
            ..query.get_untracked()
        };
        call.run(list_tickets(query), move |page| show(page, after.is_some()));
    };
    Effect::new(move |_| {
        query.track();
        ui.changes.track();
        // The first page may have come with the app's page: shown as it is, not asked for.
        match query.with_untracked(|q| ui.take_first_list(q)) {
            Some(page) => show(page, false),
            None => load(None),
        }
    });
    let staff = ui.app != Role::Client;
    let admin = ui.app == Role::Admin;
    // Staff may sort the page by the moment each ticket's most urgent clock runs out.
    let by_due = RwSignal::new(false);
    let due = |row: &TicketSummary| row.sla.and_then(|c| c.due_at).unwrap_or(i64::MAX);
    let words = RwSignal::new(String::new());
    // Words: search (one page of matches); no words: back to the list.
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let w = words.get_untracked();
        if w.trim().is_empty() {
            load(None);
        } else {
            call.run(search_tickets(w), move |page| {
                tickets.set(page.tickets);
                next.set(None);
            });
        }
    };
    view! {
        <h1>{t(title)}</h1>
        <form class="search row" role="search" on:submit=search>
            <TextField id="search" label=Msg::SearchWords value=words kind="search"/>
            <button type="submit">{t(Msg::Search)}</button>
        </form>
        {children.map(|c| c())}
        {filter.then(|| view! {
            <div class="filters row">
                <Select id="status-filter" label=Msg::Status blank=Msg::AllStatuses
                    options=choices(&Status::CHOICES)
                    on_pick=move |v| query.update(|q| q.status = Status::parse(&v))/>
            </div>
        })}
        <ErrorNote message=call.message()/>
        <section class="card">
            {move || {
                let mut rows = tickets.get();
                let timed = rows.iter().any(|r| r.sla.is_some());
                if timed && by_due.get() {
                    rows.sort_by_key(due);
                }
                if !loaded.get() {
                    view! { <Loading/> }.into_any()
                } else if rows.is_empty() {
                    view! { <p class="empty">{t(empty)}</p> }.into_any()
                } else {
                    view! {
                        <table class="tickets">
                            <thead><tr>
                                <th scope="col">{t(Msg::Reference)}</th>
                                <th scope="col">{t(Msg::Subject)}</th>
                                <th scope="col">{t(Msg::Status)}</th>
                                <th scope="col">{t(Msg::Priority)}</th>
                                <th scope="col">{t(if staff { Msg::Client } else { Msg::Operator })}</th>
                                {admin.then(|| view! {
                                    <th scope="col">{t(Msg::Operator)}</th>
                                    <th scope="col">{t(Msg::Category)}</th>
                                })}
                                {timed.then(|| view! {
                                    <th scope="col" aria-sort=move || if by_due.get() { "ascending" } else { "none" }>
                                        <button type="button" class="link" aria-pressed=move || by_due.get().to_string()
                                            on:click=move |_| by_due.update(|b| *b = !*b)>{t(Msg::TimeLeft)}</button>
                                    </th>
                                })}
                                <th scope="col">{t(Msg::Updated)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.iter().map(|row| {
                                    // Two clients of one name are told apart by their usernames.
                                    let clash = staff && rows.iter().any(|o| o.client_name == row.client_name
                                        && o.client_username != row.client_username);
                                    view! { <TicketRow row=row.clone() staff=staff admin=admin clash=clash timed=timed/> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }
            }}
            {move || next.get().is_some().then(|| view! {
                <button type="button" on:click=move |_| load(next.get_untracked())>{t(Msg::LoadMore)}</button>
            })}
        </section>
    }
}

#[component]
fn TicketRow(
    row: TicketSummary,
    staff: bool,
    admin: bool,
    clash: bool,
    timed: bool,
) -> impl IntoView {
    let who = match (staff, clash) {
        (true, false) => row.client_name.clone(),
        (true, true) => format!("{} ({})", row.client_name, row.client_username),
        (false, _) => row.operator_name.clone().unwrap_or_default(),
    };
    let priority = row.priority;
    view! {
        <tr>
            <td data-label=t(Msg::Reference)><TicketLink id=row.id reference=row.reference.clone()/></td>
            <td data-label=t(Msg::Subject)>
                {row.live_chat.then(|| view! { <span class="badge chat-badge">{t(Msg::LiveChat)}</span> " " })}
                {row.subject.clone()}
                {staff.then(|| view! { " " <OthersHere ticket=row.id/> })}
            </td>
            <td data-label=t(Msg::Status)><StatusBadge status=row.status/></td>
            <td data-label=t(Msg::Priority)><PriorityBadge priority=priority/></td>
            <td data-label=t(if staff { Msg::Client } else { Msg::Operator })>{who}</td>
            {admin.then(|| view! {
                <td data-label=t(Msg::Operator)>{row.operator_name.clone()}</td>
                <td data-label=t(Msg::Category)>{row.category.clone()}</td>
            })}
            {timed.then(|| view! {
                <td data-label=t(Msg::TimeLeft)>{row.sla.map(|clock| view! { <SlaBadge clock/> })}</td>
            })}
            <td data-label=t(Msg::Updated)><When at=row.updated_at/></td>
        </tr>
    }
}
