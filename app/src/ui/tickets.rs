//! Ticket views every app shares: the status badge, the list with its keyset paging, and the
//! ticket itself — thread, history, and the moves the state machine allows the viewer.

use super::{
    choices, id_options, label, t, use_ui, ErrorNote, FileLinks, FilePicker, FormCall, Link,
    Loading, Select, TextArea, TextField, Ui,
};
use crate::api::categories::list_categories;
use crate::api::tickets::{
    edit_ticket, list_tickets, move_ticket, post_message, search_tickets, view_ticket,
};
use crate::dto::limits::TEXT_MAX;
use crate::dto::{
    Attachment, Category, Role, TicketDetail, TicketEdit, TicketMessage, TicketMove, TicketQuery,
    TicketSummary,
};
use crate::i18n::{event_text, relative_time, Msg};
use crate::tickets::{rule, Move, Needs, Priority, Status};
use leptos::prelude::*;

/// `/tickets/42` → 42.
pub fn ticket_path(path: &str) -> Option<i64> {
    path.strip_prefix("/tickets/")?.parse().ok()
}

/// "12 min ago", with the exact time on hover.
#[component]
pub fn When(at: i64) -> impl IntoView {
    let ui = use_ui();
    view! {
        <time title=move || ui.exact_time(at)>
            {move || relative_time(ui.now.get() - at, ui.lang.get())}
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
    let load = move |after: Option<String>| {
        let query = TicketQuery {
            after: after.clone(),
            ..query.get_untracked()
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
    Effect::new(move |_| {
        query.track();
        load(None);
    });
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
                let rows = tickets.get();
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

/// A link to a ticket of this app, by its reference.
#[component]
pub fn TicketLink(id: i64, reference: String) -> impl IntoView {
    let ui = use_ui();
    let path = format!("/tickets/{id}");
    view! { <a href=ui.href(&path) on:click=follow(ui, path)><code>{reference}</code></a> }
}

/// A link's click: a page change inside the app, except where the browser should act (new tab,
/// new window, download).
pub fn follow(ui: Ui, path: String) -> impl Fn(leptos::ev::MouseEvent) + 'static {
    move |e: leptos::ev::MouseEvent| {
        if !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0) {
            e.prevent_default();
            ui.navigate(&path);
        }
    }
}

#[component]
fn TicketRow(row: TicketSummary, staff: bool) -> impl IntoView {
    let who = if staff {
        row.client_name.clone()
    } else {
        row.operator_name.clone().unwrap_or_default()
    };
    let priority = row.priority;
    view! {
        <tr>
            <td><TicketLink id=row.id reference=row.reference.clone()/></td>
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
        {move || (call.busy() && detail.with(Option::is_none)).then(|| view! { <Loading/> })}
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
                .map(|m| m.html.clone())
        })
        .flatten();
    let moves: Vec<Move> = detail
        .moves
        .iter()
        .copied()
        .filter(|m| *m != Move::Assign)
        .collect();
    let files_of = |message: Option<i64>| -> Vec<Attachment> {
        detail
            .attachments
            .iter()
            .filter(|a| a.message_id == message)
            .cloned()
            .collect()
    };
    let history = detail.history.clone();
    view! {
        <h1><code>{ticket.reference.clone()}</code> " · " {ticket.subject.clone()}</h1>
        {returned_ask.map(|ask| view! {
            <section class="card returned" role="status">
                <p><strong>{t(Msg::ReturnedBanner)}</strong></p>
                <div class="text" inner_html=ask></div>
            </section>
        })}
        <section class="card">
            <dl class="facts">
                <dt>{t(Msg::Status)}</dt><dd><StatusBadge status=status/></dd>
                <dt>{t(Msg::Priority)}</dt><dd>{label(priority, Priority::label)}</dd>
                <dt>{t(Msg::Category)}</dt><dd>{ticket.category.clone().unwrap_or_else(|| Msg::NoCategory.text(ui.lang.get_untracked()).to_string())}</dd>
                <dt>{t(Msg::Client)}</dt><dd>{ticket.client_name.clone()}</dd>
                <dt>{t(Msg::Operator)}</dt><dd>{ticket.operator_name.clone().unwrap_or_else(|| Msg::Unassigned.text(ui.lang.get_untracked()).to_string())}</dd>
                <dt>{t(Msg::Updated)}</dt><dd><When at=ticket.updated_at/></dd>
                {detail.earlier_ticket.clone().map(|(id, reference)| view! {
                    <dt>{t(Msg::EarlierTicket)}</dt><dd><TicketLink id=id reference=reference/></dd>
                })}
            </dl>
            <div class="text" inner_html=detail.description_html.clone()></div>
            <FileLinks files=files_of(None)/>
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
                        <div class="text" inner_html=m.html.clone()></div>
                        <FileLinks files=files_of(Some(m.id))/>
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

/// A ticket as staff see it: the ticket, and a form for its priority and category. (Only the
/// operator and admin apps use it, so the client app does not carry it.)
#[component]
pub fn StaffTicketView(
    id: i64,
    #[prop(optional)] detail: Option<RwSignal<Option<TicketDetail>>>,
) -> impl IntoView {
    let detail = detail.unwrap_or_else(|| RwSignal::new(None));
    let categories = RwSignal::new(Vec::<Category>::new());
    let call = FormCall::new();
    call.run(list_categories(), move |list| categories.set(list));
    view! {
        <TicketView id=id detail=detail/>
        <ErrorNote message=call.message()/>
        {move || detail.get().filter(|d| d.ticket.status != Status::Closed).map(|d| view! {
            <FieldsForm ticket=d.ticket categories=categories on_change=move |d| detail.set(Some(d))/>
        })}
    }
}

/// Staff change a ticket's priority and category; each change is kept in its history.
#[component]
fn FieldsForm(
    ticket: TicketSummary,
    categories: RwSignal<Vec<Category>>,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let priority = RwSignal::new(ticket.priority);
    let current = ticket.category.clone();
    let category = RwSignal::new(
        categories
            .get_untracked()
            .iter()
            .find(|c| Some(&c.name) == current.as_ref())
            .map(|c| c.id),
    );
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TicketEdit {
            ticket_id: ticket.id,
            priority: priority.get_untracked(),
            category_id: category.get_untracked(),
        };
        call.run(edit_ticket(input), on_change);
    };
    view! {
        <form class="card form fields row" on:submit=submit>
            <Select id="edit-priority" label=Msg::Priority
                options=choices(&Priority::CHOICES)
                current=Signal::derive(move || priority.get().as_str().to_string())
                on_pick=move |v| priority.set(Priority::parse(&v).unwrap_or(Priority::Normal))/>
            <Select id="edit-category" label=Msg::Category blank=Msg::NoCategory
                options=id_options(categories, |c| c.active.then(|| (c.id, c.name.clone())))
                current=Signal::derive(move || category.get().map(|c| c.to_string()).unwrap_or_default())
                on_pick=move |v| category.set(v.parse().ok())/>
            <ErrorNote message=call.message()/>
            <button type="submit" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}

/// One move: a button, with the text box (and files) the move needs.
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
    let files = RwSignal::new(Vec::<Attachment>::new());
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TicketMove {
            ticket_id: id,
            step: mv,
            text: (needs != Needs::Nothing).then(|| text.get_untracked()),
            operator_id: None,
            attachments: files.get_untracked().iter().map(|a| a.id).collect(),
        };
        call.run(move_ticket(input), on_change);
    };
    let (field_id, files_id) = match mv {
        Move::ReturnToClient => ("move-return", "move-return-files"),
        Move::Answer => ("move-answer", "move-answer-files"),
        Move::Close => ("move-close", "move-close-files"),
        Move::Reopen => ("move-reopen", "move-reopen-files"),
        _ => ("move-text", "move-files"),
    };
    let with_message = matches!(needs, Needs::Message | Needs::Resolution);
    view! {
        <form class="form move" on:submit=submit>
            {(needs != Needs::Nothing).then(|| view! {
                <TextArea id=field_id label=needs_label(needs, mv) value=text required=true maxlength=TEXT_MAX/>
            })}
            {with_message.then(|| view! { <FilePicker id=files_id files=files call=call/> })}
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(move_label(mv, ui.app))}</button>
        </form>
    }
}

/// A message to the other side, with files; staff may make it an internal note instead.
#[component]
fn Reply(
    id: i64,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let body = RwSignal::new(String::new());
    let internal = RwSignal::new(false);
    let files = RwSignal::new(Vec::<Attachment>::new());
    let call = FormCall::new();
    let staff = ui.app != Role::Client;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = TicketMessage {
            ticket_id: id,
            body: body.get_untracked(),
            internal: internal.get_untracked(),
            attachments: files.get_untracked().iter().map(|a| a.id).collect(),
        };
        call.run(post_message(input), move |d| {
            body.set(String::new());
            files.set(Vec::new());
            on_change(d);
        });
    };
    view! {
        <form class="form reply" class:note=move || internal.get() on:submit=submit>
            <TextArea id="reply" label=Msg::Message value=body required=true maxlength=TEXT_MAX/>
            <FilePicker id="reply-files" files=files call=call/>
            {staff.then(|| view! {
                <label class="check">
                    <input type="checkbox" id="reply-internal" bind:checked=internal/>
                    {t(Msg::InternalNote)}
                </label>
                <p class="hint">{t(Msg::InternalNoteHint)}</p>
            })}
            <ErrorNote message=call.message()/>
            <button type="submit" disabled=move || call.busy()>
                {move || t(if internal.get() { Msg::AddNote } else { Msg::Send })()}
            </button>
        </form>
    }
}
