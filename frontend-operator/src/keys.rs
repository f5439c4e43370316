//! The console's keys, for a whole shift without the mouse: `j`/`k` move through the queue,
//! Enter opens the ticket (the link's own), `r` replies, `n` writes an internal note, `c` opens
//! the canned responses, `?` lists the keys. A key typed into a field is the field's; Escape
//! leaves the field (unless the field took it: the canned responses' offers close on it).

use app::i18n::Msg;
use app::ui::t;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};

const KEYS: [(&str, Msg); 7] = [
    ("j", Msg::KeyNext),
    ("k", Msg::KeyPrevious),
    ("Enter", Msg::KeyOpen),
    ("r", Msg::KeyReply),
    ("n", Msg::KeyNote),
    ("c", Msg::KeyCanned),
    ("?", Msg::KeyHelp),
];

/// The ticket links of the queue, in order.
const QUEUE_LINKS: &str = "table.tickets tbody tr td:first-child a";

#[component]
pub fn Keys() -> impl IntoView {
    let help = RwSignal::new(false);
    let listener = window_event_listener(leptos::ev::keydown, move |e| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
            return;
        }
        if let Some(field) = typing_in(&e) {
            // Escape leaves the field, so the keys work again.
            if e.key() == "Escape" {
                let _ = field.blur();
            }
            return;
        }
        match e.key().as_str() {
            "j" => step(1),
            "k" => step(-1),
            "r" => write(false),
            "n" => write(true),
            "c" => canned(),
            "?" => help.update(|shown| *shown = !*shown),
            "Escape" if help.get_untracked() => help.set(false),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || listener.remove());
    view! {
        <button type="button" class="link keys-hint" aria-expanded=move || help.get().to_string()
            on:click=move |_| help.update(|shown| *shown = !*shown)>
            {t(Msg::Keys)} " " <kbd>"?"</kbd>
        </button>
        {move || help.get().then(|| view! {
            <section class="card keys" role="dialog" aria-labelledby="keys-title">
                <h2 id="keys-title">{t(Msg::Keys)}</h2>
                <dl>
                    {KEYS.iter().map(|&(key, what)| view! {
                        <dt><kbd>{key}</kbd></dt>
                        <dd>{t(what)}</dd>
                    }).collect_view()}
                </dl>
                <button type="button" on:click=move |_| help.set(false)>{t(Msg::KeysClose)}</button>
            </section>
        })}
    }
}

/// The field the user is typing in, which the key goes to.
fn typing_in(e: &KeyboardEvent) -> Option<HtmlElement> {
    e.target()
        .and_then(|target| target.dyn_into::<HtmlElement>().ok())
        .filter(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Moves the focus `by` rows through the queue (from the top or the bottom when no row has it).
fn step(by: i32) {
    let document = document();
    let Ok(links) = document.query_selector_all(QUEUE_LINKS) else {
        return;
    };
    let count = links.length() as i32;
    if count == 0 {
        return;
    }
    let active = document.active_element().map(JsValue::from);
    let current = (0..count).find(|&i| links.get(i as u32).map(JsValue::from) == active);
    let next = match current {
        Some(i) => (i + by).clamp(0, count - 1),
        None if by > 0 => 0,
        None => count - 1,
    };
    if let Some(link) = links
        .get(next as u32)
        .and_then(|l| l.dyn_into::<HtmlElement>().ok())
    {
        let _ = link.focus();
    }
}

/// Puts the cursor in the open ticket's answer box, as a reply to the client or as a note.
fn write(note: bool) {
    let document = document();
    let Some(reply) = document
        .get_element_by_id("reply")
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    if let Some(internal) = document
        .get_element_by_id("reply-internal")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    {
        if internal.checked() != note {
            internal.click();
        }
    }
    let _ = reply.focus();
}

/// Opens the open ticket's list of canned responses (its search field takes the focus).
fn canned() {
    if let Some(open) = document()
        .get_element_by_id("canned-open")
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        open.click();
    }
}
