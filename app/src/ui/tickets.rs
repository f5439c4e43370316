//! Ticket views every app shares: the status badge, the list with its keyset paging, and the
//! ticket itself — thread, history, and the moves the state machine allows the viewer.

use super::{label, t, use_ui, ErrorNote, FormCall, Link, TextArea, TextField};
use crate::api::tickets::{list_tickets, move_ticket, post_message, search_tickets, view_ticket};
use crate::dto::limits::TEXT_MAX;
use crate::dto::{
    Role, TicketDetail, TicketEvent, TicketMessage, TicketMove, TicketQuery, TicketSummary,
};
use crate::i18n::{relative_time, Lang, Msg};
use crate::tickets::{rule, Move, Needs, Priority, Status};
use leptos::prelude::*;

/// `/tickets/42` → 42.
pub fn ticket_path(path: &str) -> Option<i64> {
    path.strip_prefix("/tickets/")?.parse().ok()
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// "12 min ago", with the exact time on hover.
#[component]
pub fn When(at: i64) -> impl IntoView {
    let ui = use_ui();
    view! {
        <time title=move || super::local_time(at, ui.lang.get())>
            {move || relative_time(now_ms() - at, ui.lang.get())}
        </time>
    }
}

/// A status as a labelled badge: the name is always there, colour only helps.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    view! {
        <span class=format!("badge status-{}", status.as_str())>{label(status, Status::label)}</span>
    }
}

/// A page of tickets with "show more", optionally filtered by status.
#[component]
pub fn TicketList(title: Msg, empty: Msg, #[prop(optional)] filter: bool) -> impl IntoView {
    let ui = use_ui();
    let tickets = RwSignal::new(Vec::<TicketSummary>::new());
    let next = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let status = RwSignal::new(None::<Status>);
    let call = FormCall::new();
    let load = move |after: Option<String>| {
        let query = TicketQuery {
            status: status.get_untracked(),
            after: after.clone(),
            ..TicketQuery::default()
        };
        call.run(list_tickets(query), move |page| {
            if after.is_none() {
                tickets.set(page.tickets);
            } else {
                tickets.update(|all| all.extend(page.tickets));
            }
            next.set(page.next);
            loaded.set(true);
        });
    };
    load(None);
    let staff = ui.app != Role::Client;
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
        {filter.then(|| view! {
            <div class="field inline">
                <label for="status-filter">{t(Msg::Status)}</label>
                <select id="status-filter" on:change=move |ev| {
                    status.set(Status::parse(&event_target_value(&ev)));
                    load(None);
                }>
                    <option value="">{t(Msg::AllStatuses)}</option>
                    {Status::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str()>{label(s, Status::label)}</option>
                    }).collect_view()}
                </select>
            </div>
        })}
        <ErrorNote message=call.message()/>
        <section class="card">
            {move || {
                let rows = tickets.get();
                if !loaded.get() {
                    view! { <p class="loading" aria-busy="true">{t(Msg::Loading)}</p> }.into_any()
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
                                <th scope="col">{t(Msg::Updated)}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| view! { <TicketRow row=row staff=staff/> }).collect_view()}
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
fn TicketRow(row: TicketSummary, staff: bool) -> impl IntoView {
    let ui = use_ui();
    let path = format!("/tickets/{}", row.id);
    let href = ui.href(&path);
    let open = move |e: leptos::ev::MouseEvent| {
        if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0) {
            e.prevent_default();
            ui.navigate(&path);
        }
    };
    let who = if staff {
        row.client_name.clone()
    } else {
        row.operator_name.clone().unwrap_or_default()
    };
    let priority = row.priority;
    view! {
        <tr>
            <td><a href=href on:click=open><code>{row.reference.clone()}</code></a></td>
            <td>{row.subject.clone()}</td>
            <td><StatusBadge status=row.status/></td>
            <td class=format!("priority-{}", priority.as_str())>{label(priority, Priority::label)}</td>
            <td>{who}</td>
            <td><When at=row.updated_at/></td>
        </tr>
    }
}

fn move_label(mv: Move, role: Role) -> Msg {
    match (mv, role) {
        (Move::Assign, _) => Msg::MoveAssign,
        (Move::Start, _) => Msg::MoveStart,
        (Move::ReturnToClient, _) => Msg::MoveReturn,
        (Move::Answer, _) => Msg::MoveAnswer,
        (Move::Close, Role::Client) => Msg::MoveCloseClient,
        (Move::Close, _) => Msg::MoveClose,
        (Move::Reopen, _) => Msg::MoveReopen,
    }
}

fn needs_label(needs: Needs, mv: Move) -> Msg {
    match (needs, mv) {
        (Needs::Message, Move::Answer) => Msg::NeedsAnswer,
        (Needs::Message, _) => Msg::NeedsMessage,
        (Needs::Resolution, _) => Msg::NeedsResolution,
        _ => Msg::NeedsReason,
    }
}

fn event_text(e: &TicketEvent, lang: Lang) -> String {
    let what = match e.kind.as_str() {
        "created" => Msg::EventCreated,
        "forced" => Msg::EventForced,
        "assigned" => Msg::EventAssigned,
        "message" => Msg::EventMessage,
        "note" => Msg::EventNote,
        _ => Msg::EventStatus,
    };
    let status = |v: &Option<String>| v.as_deref().and_then(Status::parse).map(|s| s.label(lang));
    let mut text = e
        .actor_name
        .clone()
        .unwrap_or_else(|| Msg::System.text(lang).to_string());
    text.push(' ');
    text.push_str(what.text(lang));
    if let Some(to) = status(&e.to_value) {
        text.push_str(": ");
        if let Some(from) = status(&e.from_value) {
            text.push_str(from);
            text.push_str(" → ");
        }
        text.push_str(to);
    }
    if let Some(reason) = &e.reason {
        text.push_str(" — ");
        text.push_str(reason);
    }
    text
}

/// One ticket: what it is about, the conversation, the moves the viewer may make, the history.
/// A page around it (the admin's tools) may share `detail` to show the ticket its calls return.
#[component]
pub fn TicketView(
    id: i64,
    #[prop(optional)] detail: Option<RwSignal<Option<TicketDetail>>>,
) -> impl IntoView {
    let ui = use_ui();
    let detail = detail.unwrap_or_else(|| RwSignal::new(None));
    let call = FormCall::new();
    call.run(view_ticket(id), move |d| detail.set(Some(d)));
    view! {
        <p><Link path=if ui.app == Role::Admin { "/tickets" } else { "/" } label=Msg::Back/></p>
        <ErrorNote message=call.message()/>
        {move || detail.get().map(|d| view! { <TicketBody detail=d on_change=move |d| detail.set(Some(d))/> })}
    }
}

#[component]
fn TicketBody(
    detail: TicketDetail,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let ticket = detail.ticket.clone();
    let status = ticket.status;
    let priority = ticket.priority;
    let returned_ask = (ui.app == Role::Client && status == Status::ReturnedToClient)
        .then(|| {
            detail
                .messages
                .iter()
                .rev()
                .find(|m| m.author_role != Role::Client)
                .map(|m| m.body.clone())
        })
        .flatten();
    let moves: Vec<Move> = detail
        .moves
        .iter()
        .copied()
        .filter(|m| *m != Move::Assign)
        .collect();
    let history = detail.history.clone();
    view! {
        <h1><code>{ticket.reference.clone()}</code> " · " {ticket.subject.clone()}</h1>
        {returned_ask.map(|ask| view! {
            <section class="card returned" role="status">
                <p><strong>{t(Msg::ReturnedBanner)}</strong></p>
                <p class="text">{ask}</p>
            </section>
        })}
        <section class="card">
            <dl class="facts">
                <dt>{t(Msg::Status)}</dt><dd><StatusBadge status=status/></dd>
                <dt>{t(Msg::Priority)}</dt><dd>{label(priority, Priority::label)}</dd>
                <dt>{t(Msg::Client)}</dt><dd>{ticket.client_name.clone()}</dd>
                <dt>{t(Msg::Operator)}</dt><dd>{ticket.operator_name.clone().unwrap_or_else(|| Msg::Unassigned.text(ui.lang.get_untracked()).to_string())}</dd>
                <dt>{t(Msg::Updated)}</dt><dd><When at=ticket.updated_at/></dd>
            </dl>
            <p class="text">{detail.description.clone()}</p>
        </section>
        <section class="card">
            <h2>{t(Msg::Thread)}</h2>
            <ol class="thread">
                {detail.messages.iter().map(|m| view! {
                    <li class=if m.internal { "message note" } else { "message" }>
                        <p class="meta">
                            <strong>{m.author_name.clone()}</strong>
                            {m.internal.then(|| view! { " · " <span class="note-label">{t(Msg::InternalNote)}</span> })}
                            " · " <When at=m.created_at/>
                        </p>
                        <p class="text">{m.body.clone()}</p>
                    </li>
                }).collect_view()}
            </ol>
            {(status != Status::Closed).then(|| view! { <Reply id=ticket.id on_change=on_change/> })}
        </section>
        {(!moves.is_empty()).then(|| view! {
            <section class="card">
                {moves.into_iter().map(|mv| view! { <MoveForm id=ticket.id status=status mv=mv on_change=on_change/> }).collect_view()}
            </section>
        })}
        <section class="card">
            <h2>{t(Msg::History)}</h2>
            <ol class="history">
                {history.into_iter().map(|e| {
                    let at = e.at;
                    view! { <li><When at=at/> " · " {move || event_text(&e, ui.lang.get())}</li> }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// One move: a button, with the text box the move needs.
#[component]
fn MoveForm(
    id: i64,
    status: Status,
    mv: Move,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let needs = rule(mv, ui.app, status)
        .map(|r| r.1)
        .unwrap_or(Needs::Nothing);
    let text = RwSignal::new(String::new());
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TicketMove {
            ticket_id: id,
            step: mv,
            text: (needs != Needs::Nothing).then(|| text.get_untracked()),
            operator_id: None,
            attachments: Vec::new(),
        };
        call.run(move_ticket(input), on_change);
    };
    let field_id = match mv {
        Move::ReturnToClient => "move-return",
        Move::Answer => "move-answer",
        Move::Close => "move-close",
        Move::Reopen => "move-reopen",
        _ => "move-text",
    };
    view! {
        <form class="form move" on:submit=submit>
            {(needs != Needs::Nothing).then(|| view! {
                <TextArea id=field_id label=needs_label(needs, mv) value=text required=true maxlength=TEXT_MAX/>
            })}
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy.get()>{t(move_label(mv, ui.app))}</button>
        </form>
    }
}

/// A message to the other side; staff may make it an internal note instead.
#[component]
fn Reply(
    id: i64,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let call = FormCall::new();
    let staff = ui.app != Role::Client;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TicketMessage {
            ticket_id: id,
            body: body.get_untracked(),
            internal: internal.get_untracked(),
            attachments: Vec::new(),
        };
        call.run(post_message(input), move |d| {
            body.set(String::new());
            on_change(d);
        });
    };
    view! {
        <form class="form reply" class:note=move || internal.get() on:submit=submit>
            <TextArea id="reply" label=Msg::Message value=body required=true maxlength=TEXT_MAX/>
            {staff.then(|| view! {
                <label class="check">
                    <input type="checkbox" id="reply-internal" bind:checked=internal/>
                    {t(Msg::InternalNote)}
                </label>
                <p class="hint">{t(Msg::InternalNoteHint)}</p>
            })}
            <ErrorNote message=call.message()/>
            <button type="submit" disabled=move || call.busy.get()>
                {move || t(if internal.get() { Msg::AddNote } else { Msg::Send })()}
            </button>
        </form>
    }
}
