//! One ticket: what it is about, the conversation, the moves the viewer may make, the
//! history; and the staff's view of it with the field form.

use super::forms::{ComposerTools, Draft, FieldsForm, MoveForm, Reply};
use super::{OthersHere, PriorityBadge, SlaBadge, StatusBadge, TicketLink, When};
use crate::api::categories::list_categories;
use crate::api::tickets::view_ticket;
use crate::dto::{Attachment, Category, Role, SlaTarget, Step, TicketDetail, TicketEvent};
use crate::i18n::{event_text, Msg};
use crate::tickets::{rule, Move, Needs, Status};
use crate::ui::chat::{mark_of, other_side, ChatPanel};
use crate::ui::{label, t, use_ui, ErrorNote, FileLinks, FormCall, Link, Loading};
use leptos::prelude::*;

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
    // Someone else changed it (the live connection says so): it loads again; what is being
    // written in its composer stays.
    Effect::watch(
        move || ui.touched.get(),
        move |touched, _, _| {
            if touched.is_none_or(|t| t == id) {
                call.run(view_ticket(id), move |d| detail.set(Some(d)));
            }
        },
        false,
    );
    let draft = Draft::new();
    // The server tells staff who is on this ticket.
    ui.viewing.set(Some(id));
    // On a chat the tab says how far it has received the thread, and read it while visible.
    let visible = RwSignal::new(!document().hidden());
    let shown = window_event_listener(leptos::ev::visibilitychange, move |_| {
        visible.set(!document().hidden())
    });
    Effect::new(move |_| {
        let last = detail.with(|d| {
            d.as_ref()
                .filter(|d| d.chat.is_some())
                .and_then(|d| d.messages.last().map(|m| m.id))
        });
        if let Some(last) = last {
            let (_, read) = ui.marks.get_untracked();
            ui.marks
                .set((last, if visible.get() { last } else { read }));
        }
    });
    on_cleanup(move || {
        shown.remove();
        if ui.viewing.get_untracked() == Some(id) {
            ui.viewing.set(None);
            ui.typing.set(false);
            ui.marks.set((0, 0));
        }
    });
    view! {
        <p><Link path=if ui.app == Role::Admin { "/tickets" } else { "/" } label=Msg::Back/></p>
        <p class="here" aria-live="polite"><OthersHere ticket=id/></p>
        <ErrorNote message=call.message()/>
        {move || (call.busy() && detail.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || detail.get().map(|d| view! { <TicketBody detail=d draft=draft on_change=move |d| {
            detail.set(Some(d));
            ui.changed();
        }/> })}
    }
}

#[component]
fn TicketBody(
    detail: TicketDetail,
    draft: Draft,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let ticket = detail.ticket.clone();
    let status = ticket.status;
    let stage = detail.stage();
    let priority = ticket.priority;
    // A client on a returned ticket answers in the one message box: no second box. To a
    // proposed solution, that answer says what still does not work.
    let answering = ui.app == Role::Client && status == Status::ReturnedToClient;
    let rejecting = answering && stage.proposed;
    let proposed_until = detail.proposed_until;
    let returned_ask = answering
        .then(|| {
            detail
                .messages
                .iter()
                .rev()
                .find(|m| m.author_role != Role::Client)
                .map(|m| m.html.clone())
        })
        .flatten();
    // The moves that carry a message are the composer's send buttons; the others (start, a
    // client's "solved", reopening with a reason) stand below it.
    let (steps, moves): (Vec<Move>, Vec<Move>) = detail
        .moves
        .iter()
        .copied()
        .filter(|m| *m != Move::Assign && !(answering && matches!(m, Move::Answer | Move::Reject)))
        .partition(|m| {
            matches!(
                rule(*m, ui.app, stage).map(|r| r.1),
                Some(Needs::Message | Needs::Resolution)
            )
        });
    let files_of = |message: Option<i64>| -> Vec<Attachment> {
        detail
            .attachments
            .iter()
            .filter(|a| a.message_id == message)
            .cloned()
            .collect()
    };
    let history = detail.history.clone();
    let version = detail.version();
    let chat = detail.chat;
    // On a chat, one's own messages carry the other side's marks.
    let mine =
        move |role: Role| chat.is_some() && (role == Role::Client) == (ui.app == Role::Client);
    // A send refused as stale: what others changed since the writing began.
    let since = draft.since;
    let changed_meanwhile = {
        let history = history.clone();
        move || {
            since.refused().map(|from| {
                let changes = history
                    .iter()
                    .filter(|e| e.id > from)
                    .map(|e| event_line("", e.clone()))
                    .collect_view();
                view! {
                    <section class="card changed" role="alert">
                        <p><strong>{t(Msg::ChangedMeanwhile)}</strong></p>
                        <ol class="history">{changes}</ol>
                    </section>
                }
            })
        }
    };
    view! {
        <h1><code>{ticket.reference.clone()}</code> " · " {ticket.subject.clone()}</h1>
        {returned_ask.map(|ask| view! {
            <section class="card returned" role="status">
                <p><strong>{t(if rejecting { Msg::ProposedBanner } else { Msg::ReturnedBanner })}</strong></p>
                <div class="text" inner_html=ask></div>
                {proposed_until.map(|until| view! {
                    <p class="hint">{t(Msg::ProposedClosesOn)} " " {move || ui.exact_time(until)}</p>
                })}
            </section>
        })}
        <section class="card">
            <dl class="facts">
                <dt>{t(Msg::Status)}</dt><dd><StatusBadge status=status/></dd>
                <dt>{t(Msg::Priority)}</dt><dd><PriorityBadge priority=priority/></dd>
                <dt>{t(Msg::Category)}</dt><dd>{ticket.category.clone().unwrap_or_else(|| Msg::NoCategory.text(ui.lang.get_untracked()).to_string())}</dd>
                <dt>{t(Msg::Client)}</dt><dd>{ticket.client_name.clone()}</dd>
                <dt>{t(Msg::Operator)}</dt><dd>{ticket.operator_name.clone().unwrap_or_else(|| Msg::Unassigned.text(ui.lang.get_untracked()).to_string())}</dd>
                <dt>{t(Msg::Updated)}</dt><dd><When at=ticket.updated_at/></dd>
                {proposed_until.filter(|_| ui.app != Role::Client).map(|until| view! {
                    <dt>{t(Msg::ProposedUntil)}</dt><dd>{move || ui.exact_time(until)}</dd>
                })}
                {detail.earlier_ticket.clone().map(|(id, reference)| view! {
                    <dt>{t(Msg::EarlierTicket)}</dt><dd><TicketLink id=id reference=reference/></dd>
                })}
                {detail.original_ref.clone().map(|reference| view! {
                    <dt>{t(Msg::OriginalReference)}</dt><dd><code>{reference}</code></dd>
                })}
            </dl>
            <div class="text" inner_html=detail.description_html.clone()></div>
            <FileLinks files=files_of(None)/>
        </section>
        {chat.map(|chat| view! { <ChatPanel id=ticket.id chat=chat on_change=on_change/> })}
        <section class="card">
            <h2>{t(Msg::Thread)}</h2>
            {detail.messages.is_empty().then(|| view! { <p class="empty">{t(Msg::NoMessagesYet)}</p> })}
            // A chat's new messages are read out as they come.
            <ol class="thread" aria-live=chat.map(|_| "polite")>
                {detail.story().into_iter().map(|step| match step {
                    Step::Said(m) => view! {
                        <li class=if m.internal { "message note" } else { "message" }>
                            <p class="meta">
                                <strong>{m.author_name.clone()}</strong>
                                {m.internal.then(|| view! { " · " <span class="note-label">{t(Msg::InternalNote)}</span> })}
                                " · " <When at=m.created_at/>
                                {(mine(m.author_role)).then(|| {
                                    let (id, ticket) = (m.id, ticket.id);
                                    move || chat.map(|c| view! {
                                        " · " <span class="mark">{t(mark_of(id, other_side(ticket, c)))}</span>
                                    })
                                })}
                            </p>
                            <div class="text" inner_html=m.html.clone()></div>
                            <FileLinks files=files_of(Some(m.id))/>
                        </li>
                    }.into_any(),
                    Step::Happened(e) => event_line("step", e.clone()).into_any(),
                }).collect_view()}
            </ol>
            {changed_meanwhile}
            {(status != Status::Closed).then(|| view! { <Reply id=ticket.id answering=answering rejecting=rejecting steps=steps.clone() draft=draft version=version on_change=on_change/> })}
        </section>
        {(!moves.is_empty()).then(|| view! {
            <section class="card">
                {moves.into_iter().map(|mv| view! { <MoveForm id=ticket.id stage=stage mv=mv version=version on_change=on_change/> }).collect_view()}
            </section>
        })}
        <details class="card">
            <summary>{t(Msg::History)}</summary>
            <ol class="history">
                {history.into_iter().map(|e| event_line("", e)).collect_view()}
            </ol>
        </details>
    }
}

/// One history row as a line: when, and what happened in the reader's language.
fn event_line(class: &'static str, e: TicketEvent) -> impl IntoView {
    let ui = use_ui();
    let at = e.at;
    view! { <li class=class><When at=at/> " · " {move || event_text(&e, ui.lang.get())}</li> }
}

/// A ticket as staff see it: the ticket, and a form for its priority and category. (Only the
/// operator and admin apps use it, so the client app does not carry it.)
#[component]
pub fn StaffTicketView(
    id: i64,
    #[prop(optional)] detail: Option<RwSignal<Option<TicketDetail>>>,
) -> impl IntoView {
    let ui = use_ui();
    // Staff's composer offers canned responses and the knowledge base.
    provide_context(ComposerTools(|ticket, body| {
        view! {
            <crate::ui::canned::CannedPicker ticket=ticket body=body/>
            <crate::ui::kb::ArticlePicker ticket=ticket body=body/>
        }
        .into_any()
    }));
    let detail = detail.unwrap_or_else(|| RwSignal::new(None));
    let categories = RwSignal::new(Vec::<Category>::new());
    let call = FormCall::new();
    call.run(list_categories(), move |list| categories.set(list));
    let clocks =
        move || detail.with(|d| d.as_ref().map(|d| d.sla.clone()).filter(|c| !c.is_empty()));
    // Past the first line, staff see the tier the ticket is at.
    let tier = move || detail.with(|d| d.as_ref().and_then(|d| d.tier).filter(|t| *t > 1));
    view! {
        <TicketView id=id detail=detail/>
        <crate::ui::CallButtons ticket=id/>
        {move || tier().map(|tier| view! {
            <p class="card tier">{t(Msg::Tier)} ": " <strong>{tier}</strong></p>
        })}
        {move || clocks().map(|clocks| view! {
            <section class="card sla-clocks" aria-labelledby="sla-title">
                <h2 id="sla-title">{t(Msg::ServiceLevels)}</h2>
                <dl>
                    {clocks.into_iter().map(|c| view! {
                        <dt>{label(c.target, SlaTarget::label)}</dt>
                        <dd><SlaBadge clock=c/></dd>
                    }).collect_view()}
                </dl>
            </section>
        })}
        <ErrorNote message=call.message()/>
        <Show when=move || detail.with(|d| d.as_ref().is_some_and(|d| d.ticket.status != Status::Closed))>
            <FieldsForm detail=detail categories=categories on_change=move |d| {
                detail.set(Some(d));
                ui.changed();
            }/>
        </Show>
    }
}
