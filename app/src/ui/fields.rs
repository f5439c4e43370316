//! Form pieces: a labelled field, and an error line screen readers announce.

use super::{t, use_ui};
use crate::codes::Code;
use crate::i18n::{Lang, Msg};
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

/// The choices of a `<select>`: `(value, text)` pairs, in the reader's language.
pub type Options = Signal<Vec<(String, String)>>;

/// An enum's choices (`Status::CHOICES`, …): each value's code and label in the reader's
/// language. One function for every enum, so one copy in each app.
pub fn choices(table: &'static [(&'static str, Msg)]) -> Options {
    let lang = use_ui().lang;
    Signal::derive(move || {
        table
            .iter()
            .map(|(value, label)| (value.to_string(), label.text(lang.get()).to_string()))
            .collect()
    })
}

/// Records (accounts, categories, tickets) as choices: their id and name.
pub fn id_options<T: Clone + Send + Sync + 'static>(
    items: RwSignal<Vec<T>>,
    pick: fn(&T) -> Option<(i64, String)>,
) -> Options {
    Signal::derive(move || {
        items
            .get()
            .iter()
            .filter_map(pick)
            .map(|(id, name)| (id.to_string(), name))
            .collect()
    })
}

/// A labelled choice. `blank` adds a first choice with the value "" ("all", "none"…);
/// `current` is the value shown as chosen; `on_pick` gets the value picked.
#[component]
pub fn Select(
    id: &'static str,
    label: Msg,
    options: Options,
    #[prop(optional)] blank: Option<Msg>,
    #[prop(optional, into)] current: Option<Signal<String>>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{t(label)}</label>
            <select id=id on:change=move |ev| on_pick(event_target_value(&ev))>
                {blank.map(|b| view! { <option value="">{t(b)}</option> })}
                {move || options.get().into_iter().map(|(value, text)| {
                    let this = value.clone();
                    let chosen = move || current.is_some_and(|c| c.with(|c| *c == this));
                    view! { <option value=value selected=chosen>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A set of checkboxes under a legend, one per option (its code the box's name, its label in
/// the reader's language); `chosen` holds the options ticked.
#[component]
pub fn Checks<T: Code + Send + Sync>(
    legend: Msg,
    #[prop(into)] options: Signal<Vec<T>>,
    chosen: RwSignal<Vec<T>>,
    label: fn(T, Lang) -> &'static str,
) -> impl IntoView {
    let lang = use_ui().lang;
    view! {
        <fieldset>
            <legend>{t(legend)}</legend>
            {move || options.get().into_iter().map(|option| view! {
                <label class="check">
                    <input type="checkbox" name=option.code()
                        prop:checked=move || chosen.with(|l| l.contains(&option))
                        on:change=move |_| chosen.update(|l| {
                            if let Some(i) = l.iter().position(|x| *x == option) {
                                l.remove(i);
                            } else {
                                l.push(option);
                            }
                        })/>
                    {move || label(option, lang.get())}
                </label>
            }).collect_view()}
        </fieldset>
    }
}
