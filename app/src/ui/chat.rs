//! Live chat in the apps (`server::chat`): the portal's offer — "Chat with us" while someone is
//! on duty, the chat under way to resume — and its start page, which says when support is
//! staffed otherwise; on a chat's ticket, the panel — who is writing, ending it, handing it
//! over — and the marks on one's own messages (sent, delivered, read).

use super::{t, use_ui, ActionKey, ErrorNote, FormCall, Link, Select, TextArea};
use crate::api::chat::{
    can_chat, chat_colleagues, current_chat, end_chat, start_chat, transfer_chat,
};
use crate::dto::limits::TEXT_MAX;
use crate::dto::{clock, ChatAvailability, ChatState, ChatTransfer, NewChat, Role, TicketDetail};
use crate::i18n::{Msg, WEEKDAYS};
use leptos::prelude::*;

/// The portal's home offers the chat under way, or a new one while someone is on duty.
#[component]
pub fn ChatOffer() -> impl IntoView {
    let offer = RwSignal::new(None::<Msg>);
    let call = FormCall::new();
    call.run(current_chat(), move |current| match current {
        Some(_) => offer.set(Some(Msg::ResumeChat)),
        None => call.run(can_chat(), move |a| {
            offer.set(a.staffed.then_some(Msg::ChatWithUs))
        }),
    });
    move || {
        offer
            .get()
            .map(|label| view! { <Link path="/chat" label=label/> })
    }
}

/// The client's chat page: the chat under way opens again; otherwise their first words start
/// one while someone is on duty, and when nobody is, it says when support is staffed and
/// offers a ticket.
#[component]
pub fn ChatStart() -> impl IntoView {
    let ui = use_ui();
    let availability = RwSignal::new(None::<ChatAvailability>);
    let loads = FormCall::new();
    loads.run(current_chat(), move |current| match current {
        Some(id) => ui.navigate(&format!("/tickets/{id}")),
        None => loads.run(can_chat(), move |a| availability.set(Some(a))),
    });
    let text = RwSignal::new(String::new());
    let key = ActionKey::new();
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewChat {
            text: text.get_untracked(),
            idempotency_key: key.current(),
        };
        call.run(start_chat(input), move |d| {
            key.renew();
            ui.navigate(&format!("/tickets/{}", d.ticket.id));
        });
    };
    view! {
        <h1>{t(Msg::ChatWithUs)}</h1>
        <ErrorNote message=loads.message()/>
        {move || availability.get().map(|a| if a.staffed {
            view! {
                <form class="form card" on:submit=submit>
                    <TextArea id="chat-first" label=Msg::ChatFirstWords value=text required=true maxlength=TEXT_MAX/>
                    <ErrorNote message=call.message()/>
                    <p class="actions">
                        <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::StartChat)}</button>
                    </p>
                </form>
            }.into_any()
        } else {
            view! {
                <section class="card" role="status">
                    <p>{t(Msg::ChatClosed)}</p>
                    {(!a.hours.is_empty()).then(|| view! {
                        <p>{t(Msg::ChatHours)}</p>
                        <ul class="hours">
                            {a.hours.iter().map(|h| {
                                let day = WEEKDAYS.get((h.weekday - 1) as usize).copied().unwrap_or(Msg::Monday);
                                let span = format!(" {}–{}", clock(h.start_minute), clock(h.end_minute));
                                view! { <li>{t(day)} {span}</li> }
                            }).collect_view()}
                        </ul>
                    })}
                    <p class="actions"><Link path="/new" label=Msg::NewTicket/></p>
                </section>
            }.into_any()
        })}
    }
}

/// How far the other side has received and read a chat: as kept, or further as their tab says
/// now (presence). Tracked.
pub(super) fn other_side(ticket: i64, chat: ChatState) -> (i64, i64) {
    let ui = use_ui();
    let kept = if ui.app == Role::Client {
        (chat.staff_got, chat.staff_read)
    } else {
        (chat.client_got, chat.client_read)
    };
    ui.others_on(ticket)
        .iter()
        .fold(kept, |(got, read), p| (got.max(p.got), read.max(p.read)))
}

/// The mark on one's own message: read, delivered, or sent.
pub fn mark_of(message: i64, (got, read): (i64, i64)) -> Msg {
    if message <= read {
        Msg::MarkRead
    } else if message <= got {
        Msg::MarkDelivered
    } else {
        Msg::MarkSent
    }
}

/// Above a chat's thread: that it is live (or ended), who is writing, ending it, and for its
/// operator handing it to a colleague.
#[component]
pub(super) fn ChatPanel(
    id: i64,
    chat: ChatState,
    on_change: impl Fn(TicketDetail) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let live = chat.ended_at.is_none();
    let call = FormCall::new();
    let end = move |_| call.run(end_chat(id), on_change);
    let writing = move || {
        let names: Vec<String> = ui
            .others_on(id)
            .into_iter()
            .filter(|p| p.typing)
            .map(|p| p.name)
            .collect();
        (!names.is_empty())
            .then(|| view! { <p class="typing">{names.join(", ")} " " {t(Msg::IsTyping)}</p> })
    };
    // An operator sees only the tickets they hold: this one is theirs to hand over.
    let hand_over = (live && ui.app == Role::Operator).then(|| view! { <HandOver id=id/> });
    view! {
        <section class="card chat" aria-labelledby="chat-title">
            <h2 id="chat-title">{t(Msg::LiveChat)}</h2>
            <p class="hint">{t(if live { Msg::ChatUnderWay } else { Msg::ChatEnded })}</p>
            <div aria-live="polite">{writing}</div>
            <ErrorNote message=call.message()/>
            {live.then(|| view! {
                <p class="actions">
                    <button type="button" disabled=move || call.busy() on:click=end>{t(Msg::EndChat)}</button>
                </p>
            })}
            {hand_over}
        </section>
    }
}

/// Its operator hands a chat to a colleague on duty, with a note for them.
#[component]
fn HandOver(id: i64) -> impl IntoView {
    let ui = use_ui();
    let colleagues = RwSignal::new(Vec::<(String, String)>::new());
    let to = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let key = ActionKey::new();
    let call = FormCall::new();
    let load = move |_| {
        call.run(chat_colleagues(), move |list| {
            colleagues.set(
                list.into_iter()
                    .map(|c| (c.id.to_string(), c.full_name))
                    .collect(),
            )
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(operator_id) = to.get_untracked().parse() else {
            return;
        };
        let input = ChatTransfer {
            ticket_id: id,
            operator_id,
            note: note.get_untracked(),
            idempotency_key: key.current(),
        };
        call.run(transfer_chat(input), move |_| {
            key.renew();
            ui.changed();
            ui.navigate("/");
        });
    };
    view! {
        <details on:toggle=load>
            <summary>{t(Msg::HandOverChat)}</summary>
            <form class="form" on:submit=submit>
                <Select id="hand-over-to" label=Msg::HandOverTo options=colleagues.into() blank=Msg::PickColleague
                    current=to on_pick=move |v| to.set(v)/>
                <TextArea id="hand-over-note" label=Msg::HandOverNote value=note required=true maxlength=TEXT_MAX/>
                <ErrorNote message=call.message()/>
                <p class="actions">
                    <button type="submit" disabled=move || call.busy()>{t(Msg::HandOverChat)}</button>
                </p>
            </form>
        </details>
    }
}
