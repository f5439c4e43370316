//! Navigation inside one app: the path below the app's base as a signal, links that move it
//! with the History API, and the back button. A few lines instead of a router crate: each app
//! has a handful of fixed pages, and every kilobyte of WebAssembly is downloaded by every user
//! (the size budget in QUALITY.md).

use super::{t, use_ui, Ui};
use crate::i18n::Msg;
use leptos::ev;
use leptos::prelude::*;

impl Ui {
    /// A path inside this app as the browser sees it (`/settings` → `/admin/settings`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.app.app_path().trim_end_matches('/'), path)
    }

    /// Goes to a page of this app, as a link would.
    pub fn navigate(&self, path: &str) {
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&self.href(path)),
            );
        }
        self.path.set(path.to_string());
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }

    /// Follows the back and forward buttons.
    pub(super) fn track_history(self) {
        let handle = window_event_listener(ev::popstate, move |_| {
            self.path.set(
                self.app
                    .page_of(&window().location().pathname().unwrap_or_default()),
            );
        });
        on_cleanup(move || handle.remove());
    }
}

/// A link to a page of this app; marked as the current page when it is.
#[component]
pub fn Link(path: &'static str, label: Msg) -> impl IntoView {
    let ui = use_ui();
    let click = move |e: ev::MouseEvent| {
        // New tab, new window, download: leave those to the browser.
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0 {
            return;
        }
        e.prevent_default();
        ui.navigate(path);
    };
    view! {
        <a href=ui.href(path) on:click=click
            aria-current=move || (ui.path.get() == path).then_some("page")>
            {t(label)}
        </a>
    }
}
