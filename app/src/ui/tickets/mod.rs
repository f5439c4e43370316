//! Ticket views every app shares: the status badge, the list with its keyset paging, and the
//! ticket itself — thread, history, and the moves the state machine allows the viewer.
//!
//! One file per reason to change: `list`, `view`, `forms`; the small pieces every one of them
//! uses are here. (A history row's sentence is `i18n::event_text`, pure and tested natively.)

mod forms;
mod list;
mod view;

pub use forms::Since;
pub use list::TicketList;
pub use view::{StaffTicketView, TicketView};

use crate::dto::{SlaClock, SlaState};
use crate::i18n::Msg;
use crate::i18n::{duration_text, relative_time};
use crate::tickets::{Priority, Status};
use crate::ui::{label, t, use_ui, Ui};
use leptos::prelude::*;

/// `/tickets/42` → 42.
pub fn ticket_path(path: &str) -> Option<i64> {
    path.strip_prefix("/tickets/")?.parse().ok()
}

/// "12 min ago", with the exact time on hover. The exact time is written when the pointer
/// comes (formatting a date in the installation's zone is costly, and a long ticket shows
/// hundreds: rendering them all on every live reload took most of an update's time).
#[component]
pub fn When(at: i64) -> impl IntoView {
    let ui = use_ui();
    let exact = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        if let Some(time) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = time.set_attribute("title", &ui.exact_time(at));
        }
    };
    view! {
        <time on:mouseenter=exact>
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

/// A ticket's priority as a badge (its label, and a mark for high and critical).
#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    view! {
        <span class=format!("badge priority-{}", priority.as_str())>{label(priority, Priority::label)}</span>
    }
}

/// A service-level clock as a badge: the time to its due moment (moving on with `Ui::now`),
/// overdue by how long, standing still, met or missed — the words always there, colour only
/// helps (near its end: the admin's warning share used).
#[component]
pub fn SlaBadge(clock: SlaClock) -> impl IntoView {
    let ui = use_ui();
    move || {
        let (lang, now) = (ui.lang.get(), ui.now.get());
        let (class, text) = match (clock.state, clock.due_at) {
            (SlaState::Running, Some(due)) if due <= now => (
                "overdue",
                format!(
                    "{} {}",
                    Msg::SlaOverdue.text(lang),
                    duration_text(now - due)
                ),
            ),
            (SlaState::Running, Some(due)) => (
                if clock.near { "near" } else { "ok" },
                format!("{} {}", duration_text(due - now), Msg::SlaLeft.text(lang)),
            ),
            (SlaState::Running | SlaState::Paused, _) => {
                ("paused", Msg::SlaPaused.text(lang).to_string())
            }
            (SlaState::Met, _) => ("met", Msg::SlaMet.text(lang).to_string()),
            (SlaState::Missed, _) => ("missed", Msg::SlaMissed.text(lang).to_string()),
        };
        let due = clock.due_at.map(|at| ui.exact_time(at));
        view! { <span class=format!("badge sla sla-{class}") title=due>{text}</span> }
    }
}

/// Who else is on a ticket now, and who of them is writing (staff hear of it; for clients it
/// stays empty).
#[component]
pub fn OthersHere(ticket: i64) -> impl IntoView {
    let ui = use_ui();
    move || {
        let others = ui.others_on(ticket);
        (!others.is_empty()).then(|| {
            let people = others
                .into_iter()
                .map(|p| {
                    view! {
                        <span class="person" class:typing=p.typing>
                            {p.name}
                            {p.typing.then(|| view! { " " <em>{t(Msg::Writing)}</em> })}
                        </span>
                    }
                })
                .collect_view();
            view! { <span class="presence">{t(Msg::AlsoHere)} " " {people}</span> }
        })
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
