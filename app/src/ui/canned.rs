//! Canned responses in the staff apps: the page where they are written (`CannedPage`), and the
//! composer's picker (`CannedPicker`) — `/` and a shortcut typed in the message box, or the
//! list under it, inserts one with its placeholders filled for the ticket. Only the staff apps
//! reference them (`StaffTicketView` hands the picker to the composer), so the client app does
//! not carry them.

use crate::api::canned::{delete_canned, fill_canned, list_canned, save_canned};
use crate::canned::{offered, slash_word, PLACEHOLDERS};
use crate::dto::limits::{SHORTCUT_MAX, TEXT_MAX};
use crate::dto::{Canned, CannedInput, Role};
use crate::i18n::Msg;
use crate::ui::{t, use_ui, ErrorNote, FormCall, Loading, TextArea, TextField, When};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlTextAreaElement, KeyboardEvent};

/// The composer's text box (`forms::Reply`).
const REPLY: &str = "reply";

/// A response's text on one line, shortened for a list.
fn gist(body: &str) -> String {
    let line = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(90) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    }
}

/// Staff's canned responses: the shared ones and their own, with how often each was used, and
/// a form to write or change one. Admins write shared ones (and may keep their own); operators
/// write their own and use the shared ones as they are.
#[component]
pub fn CannedPage() -> impl IntoView {
    let ui = use_ui();
    let admin = ui.app == Role::Admin;
    let list = RwSignal::new(None::<Vec<Canned>>);
    let load = FormCall::new();
    load.run(list_canned(), move |l| list.set(Some(l)));
    let editing = RwSignal::new(None::<i64>);
    let name = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let shared = RwSignal::new(admin);
    let save = FormCall::new();
    let remove = FormCall::new();
    let reset = move || {
        editing.set(None);
        name.set(String::new());
        body.set(String::new());
        shared.set(admin);
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = CannedInput {
            id: editing.get_untracked(),
            name: name.get_untracked(),
            body: body.get_untracked(),
            shared: shared.get_untracked(),
        };
        save.run(save_canned(input), move |l| {
            list.set(Some(l));
            reset();
        });
    };
    let edit = move |c: Canned| {
        editing.set(Some(c.id));
        name.set(c.name);
        body.set(c.body);
        shared.set(c.shared);
        if let Some(field) = document()
            .get_element_by_id("canned-name")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = field.focus();
        }
    };
    let delete = move |id: i64| {
        remove.run(delete_canned(id), move |l| {
            list.set(Some(l));
            if editing.get_untracked() == Some(id) {
                reset();
            }
        });
    };
    let rows = move |all: Vec<Canned>| {
        let lang = ui.lang.get();
        all.into_iter()
            .map(|c| {
                let changeable = admin || !c.shared;
                let edit_label = format!("{} · /{}", Msg::Edit.text(lang), c.name);
                let delete_label = format!("{} · /{}", Msg::Delete.text(lang), c.name);
                let id = c.id;
                let whose = if c.shared { Msg::CannedShared } else { Msg::CannedPersonal };
                let picked = c.clone();
                view! {
                    <tr>
                        <td data-label=Msg::Shortcut.text(lang)><code>"/" {c.name.clone()}</code></td>
                        <td data-label=Msg::Text.text(lang)>{gist(&c.body)}</td>
                        <td data-label=Msg::CannedWhose.text(lang)>{t(whose)}</td>
                        <td data-label=Msg::CannedUses.text(lang) class="num">{c.uses}</td>
                        <td data-label=Msg::CannedLastUsed.text(lang)>
                            {c.last_used_at.map(|at| view! { <When at=at/> })}
                        </td>
                        <td data-label=Msg::Actions.text(lang)>
                            {changeable.then(|| view! {
                                <button type="button" class="link" aria-label=edit_label
                                    on:click=move |_| edit(picked.clone())>{t(Msg::Edit)}</button>
                                " "
                                <button type="button" class="link" aria-label=delete_label
                                    disabled=move || remove.busy() on:click=move |_| delete(id)>{t(Msg::Delete)}</button>
                            })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <h1>{t(Msg::CannedResponses)}</h1>
        <p class="hint">{t(Msg::CannedIntro)}</p>
        <section class="card">
            <ErrorNote message=load.message()/>
            {move || (load.busy() && list.with(Option::is_none)).then(|| view! { <Loading/> })}
            {move || list.get().map(|all| if all.is_empty() {
                view! { <p class="empty">{t(Msg::CannedNone)}</p> }.into_any()
            } else {
                view! {
                    <table class="canned">
                        <thead><tr>
                            <th scope="col">{t(Msg::Shortcut)}</th>
                            <th scope="col">{t(Msg::Text)}</th>
                            <th scope="col">{t(Msg::CannedWhose)}</th>
                            <th scope="col" class="num">{t(Msg::CannedUses)}</th>
                            <th scope="col">{t(Msg::CannedLastUsed)}</th>
                            <th scope="col">{t(Msg::Actions)}</th>
                        </tr></thead>
                        <tbody>{rows(all)}</tbody>
                    </table>
                }.into_any()
            })}
            <ErrorNote message=remove.message()/>
        </section>
        <form class="card form canned-form" on:submit=submit>
            <h2>{move || t(if editing.get().is_some() { Msg::CannedEditing } else { Msg::CannedNew })()}</h2>
            <TextField id="canned-name" label=Msg::Shortcut value=name hint=Msg::ShortcutHint
                required=true maxlength=SHORTCUT_MAX + 1/>
            <TextArea id="canned-body" label=Msg::Text value=body required=true maxlength=TEXT_MAX/>
            <p class="hint">{t(Msg::CannedPlaceholders)} " " <code>{PLACEHOLDERS}</code></p>
            {admin.then(|| view! {
                <label class="check">
                    <input type="checkbox" id="canned-shared" bind:checked=shared/>
                    {t(Msg::CannedShared)}
                </label>
            })}
            <ErrorNote message=save.message()/>
            <p class="actions">
                <button type="submit" class="primary" disabled=move || save.busy()>{t(Msg::Save)}</button>
                {move || editing.get().is_some().then(|| view! {
                    <button type="button" on:click=move |_| reset()>{t(Msg::Cancel)}</button>
                })}
            </p>
        </form>
    }
}

/// The text box `id`, once on the page.
fn text_box(id: &str) -> Option<HtmlTextAreaElement> {
    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
}

/// The composer's text box, once on the page.
fn reply_box() -> Option<HtmlTextAreaElement> {
    text_box(REPLY)
}

/// Puts `text` into the composer's text box where the caret is — in place of the `/shortcut`
/// being typed there when `replace_typed` —, the caret after it.
pub(super) fn put_in_reply(body: RwSignal<String>, text: &str, replace_typed: bool) {
    put_at_caret(REPLY, body, text, replace_typed);
}

/// Puts `text` into the text box `id` (whose text is `body`) where the caret is — in place of
/// the `/shortcut` being typed there when `replace_typed` —, the caret after it.
pub(super) fn put_at_caret(id: &str, body: RwSignal<String>, text: &str, replace_typed: bool) {
    let Some(reply) = text_box(id) else { return };
    let value = reply.value();
    let caret = reply.selection_start().ok().flatten().unwrap_or(0) as usize;
    let range = slash_word(&value, caret)
        .filter(|_| replace_typed)
        .map(|(r, _)| r)
        .unwrap_or_else(|| {
            let at = crate::canned::byte_offset(&value, caret);
            at..at
        });
    let mut next = value.clone();
    next.replace_range(range.clone(), text);
    let end = (next[..range.start].encode_utf16().count() + text.encode_utf16().count()) as u32;
    body.set(next.clone());
    // The box shows the new text now (the signal reaches it a moment later).
    reply.set_value(&next);
    let _ = reply.set_selection_range(end, end);
    let _ = reply.focus();
}

/// Calls `handler` for each `event` on the composer's text box. The listener belongs to the
/// element: it goes with it, and runs before the console's own keys (listening on the window),
/// which leave alone a key it took (`default_prevented`).
fn on_reply_box(event: &str, handler: impl Fn(Event) + 'static) {
    if let Some(reply) = reply_box() {
        let listener = Closure::<dyn Fn(Event)>::new(handler).into_js_value();
        let _ = reply.add_event_listener_with_callback(event, listener.unchecked_ref());
    }
}

/// Canned responses for a ticket's composer: typing `/` and a shortcut in the message box
/// offers the matching ones (↑ ↓ choose, Enter or Tab inserts, Escape closes), and the button
/// under the box opens the whole list with a search field (the console's `c`). The chosen one
/// comes back from the server filled for the ticket, and goes in where the caret is — in place
/// of `/shortcut` when typed.
#[component]
pub fn CannedPicker(ticket: i64, body: RwSignal<String>) -> impl IntoView {
    let all = RwSignal::new(None::<Vec<Canned>>);
    let load = FormCall::new();
    let loaded = move || {
        if all.with_untracked(Option::is_none) && load.pending.get_untracked() == 0 {
            load.run(list_canned(), move |l| all.set(Some(l)));
        }
    };
    // The shortcut being typed after `/` at the caret, and the offer picked with the arrows.
    let typed = RwSignal::new(None::<String>);
    let active = RwSignal::new(0usize);
    // The whole list, opened with the button, and its search.
    let listing = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let inserting = FormCall::new();
    let shown = move |word: &str| -> Vec<Canned> {
        all.with(|a| {
            a.as_deref()
                .map(|a| offered(a, word).into_iter().cloned().collect())
                .unwrap_or_default()
        })
    };
    let offers = Memo::new(move |_| typed.get().map(|w| shown(&w)).unwrap_or_default());
    let matches = Memo::new(move |_| {
        let word = search.get();
        if word.trim().is_empty() {
            all.get().unwrap_or_default()
        } else {
            shown(word.trim())
        }
    });
    // Where the caret is now: the word after `/`, if one is being typed.
    let follow = move || {
        let Some(reply) = reply_box() else { return };
        let caret = reply.selection_start().ok().flatten().unwrap_or(0) as usize;
        let value = reply.value();
        let word = slash_word(&value, caret).map(|(_, w)| w.to_string());
        if word.is_some() {
            loaded();
        }
        if typed.try_get_untracked().flatten() != word {
            let _ = active.try_set(0);
            let _ = typed.try_set(word);
        }
    };
    // A chosen response, filled for the ticket, in place of `/shortcut` or at the caret.
    let insert = move |c: Canned, replace_typed: bool| {
        inserting.run(fill_canned(c.id, ticket), move |text: String| {
            put_in_reply(body, &text, replace_typed);
            typed.set(None);
            listing.set(false);
        });
    };
    Effect::new(move |_| {
        on_reply_box("input", move |_| follow());
        on_reply_box("click", move |_| follow());
        on_reply_box("keydown", move |e| {
            let Ok(e) = e.dyn_into::<KeyboardEvent>() else {
                return;
            };
            let offers = offers.try_get_untracked().unwrap_or_default();
            if offers.is_empty() {
                return;
            }
            let last = offers.len() - 1;
            match e.key().as_str() {
                "ArrowDown" => active.update(|a| *a = (*a + 1).min(last)),
                "ArrowUp" => active.update(|a| *a = a.saturating_sub(1)),
                "Enter" | "Tab" => {
                    let pick = active.get_untracked().min(last);
                    insert(offers[pick].clone(), true);
                }
                "Escape" => typed.set(None),
                _ => return,
            }
            e.prevent_default();
        });
        on_reply_box("keyup", move |e| {
            let moved = e.dyn_ref::<KeyboardEvent>().is_some_and(|k| {
                matches!(
                    k.key().as_str(),
                    "ArrowLeft" | "ArrowRight" | "Home" | "End"
                )
            });
            if moved {
                follow();
            }
        });
    });
    let open = move |_| {
        loaded();
        listing.update(|l| *l = !*l);
        if listing.get_untracked() {
            request_animation_frame(|| {
                if let Some(field) = document()
                    .get_element_by_id("canned-search")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = field.focus();
                }
            });
        }
    };
    let whose = |c: &Canned| {
        if c.shared {
            Msg::CannedShared
        } else {
            Msg::CannedPersonal
        }
    };
    // An offer for the shortcut being typed: the caret stays in the box, the arrows choose.
    let offer = move |c: Canned, selected: bool| {
        let (name, text, whose) = (c.name.clone(), gist(&c.body), whose(&c));
        view! {
            <li role="option" aria-selected=selected.to_string() class:active=selected
                on:mousedown=|e| e.prevent_default()
                on:click=move |_| insert(c.clone(), true)>
                <code>"/" {name}</code> " " <span class="gist">{text}</span>
                " " <span class="hint">{t(whose)}</span>
            </li>
        }
    };
    // One of the whole list: a button.
    let listed = move |c: Canned| {
        let (name, text, whose) = (c.name.clone(), gist(&c.body), whose(&c));
        view! {
            <li>
                <button type="button" class="link" on:click=move |_| insert(c.clone(), false)>
                    <code>"/" {name}</code>
                </button>
                " " <span class="gist">{text}</span> " " <span class="hint">{t(whose)}</span>
            </li>
        }
    };
    view! {
        <p class="hint" id="canned-hint">{t(Msg::CannedSlashHint)}</p>
        {move || {
            let offers = offers.get();
            (typed.get().is_some() && !offers.is_empty()).then(|| {
                let active = active.get();
                view! {
                    <ul class="canned-offers" role="listbox" id="canned-offers" aria-label=t(Msg::CannedResponses)>
                        {offers.into_iter().enumerate().map(|(i, c)| offer(c, i == active)).collect_view()}
                    </ul>
                }
            })
        }}
        <p class="canned-open">
            <button type="button" class="link" id="canned-open" aria-expanded=move || listing.get().to_string()
                on:click=open>{t(Msg::CannedInsert)}</button>
        </p>
        {move || listing.get().then(|| view! {
            <div class="card canned-list">
                <TextField id="canned-search" label=Msg::CannedFind value=search/>
                {move || (load.busy() && all.with(Option::is_none)).then(|| view! { <Loading/> })}
                {move || {
                    let found = matches.get();
                    if found.is_empty() && all.with(Option::is_some) {
                        view! { <p class="empty">{t(Msg::CannedNoMatch)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="canned-all">
                                {found.into_iter().map(listed).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }}
            </div>
        })}
        <ErrorNote message=load.message()/>
        <ErrorNote message=inserting.message()/>
    }
}
