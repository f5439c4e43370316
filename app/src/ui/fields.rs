//! Form pieces: a labelled field, and an error line screen readers announce.

use super::t;
use crate::i18n::Msg;
use leptos::prelude::*;

/// A labelled input bound to a signal, with an optional hint under it.
#[component]
pub fn TextField(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let described = hint.map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label for=id>{t(label)}</label>
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                aria-describedby=described
                bind:value=value
            />
            {hint.map(|h| view! { <p class="hint" id=hint_id>{t(h)}</p> })}
        </div>
    }
}

/// Shows an error, if any, where assistive technology announces it.
#[component]
pub fn ErrorNote(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="error" role="alert" hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// A labelled multi-line text box bound to a signal.
#[component]
pub fn TextArea(
    id: &'static str,
    label: Msg,
    value: RwSignal<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t(label)}</label>
            <textarea id=id name=id rows="4" required=required maxlength=maxlength bind:value=value></textarea>
        </div>
    }
}
