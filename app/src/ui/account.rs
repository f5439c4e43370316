//! Changing one's password: forced after a one-time password, or by choice on the account page.

use super::{error_message, t, use_ui, ErrorNote, TextField};
use crate::api::session::change_password;
use crate::dto::limits::PASSWORD_MAX;
use crate::dto::PasswordChange;
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// New password twice (and the current one unless `forced`).
#[component]
pub fn PasswordForm(forced: bool) -> impl IntoView {
    let ui = use_ui();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let mismatch = RwSignal::new(false);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        error.set(None);
        mismatch.set(new.get() != repeat.get());
        if mismatch.get() {
            return;
        }
        busy.set(true);
        let input = PasswordChange {
            current_password: (!forced).then(|| current.get()),
            new_password: new.get(),
        };
        spawn_local(async move {
            match change_password(input).await {
                Ok(me) => {
                    current.set(String::new());
                    new.set(String::new());
                    repeat.set(String::new());
                    done.set(true);
                    ui.me.set(Some(me));
                }
                Err(e) => ui.fail(error, e),
            }
            busy.set(false);
        });
    };
    let lang = ui.lang;
    let message = Signal::derive(move || {
        if mismatch.get() {
            Some(Msg::PasswordsDiffer.text(lang.get()).to_string())
        } else {
            error_message(error)()
        }
    });
    view! {
        <form class="card form" on:submit=submit>
            <h2>{t(Msg::ChangePasswordTitle)}</h2>
            {forced.then(|| view! { <p>{t(Msg::MustChangeIntro)}</p> })}
            {(!forced).then(|| view! {
                <TextField id="current-password" label=Msg::CurrentPassword value=current
                    kind="password" autocomplete="current-password" required=true/>
            })}
            <TextField id="new-password" label=Msg::NewPassword value=new kind="password"
                autocomplete="new-password" hint=Msg::PasswordHint required=true maxlength=PASSWORD_MAX/>
            <TextField id="repeat-password" label=Msg::RepeatPassword value=repeat kind="password"
                autocomplete="new-password" required=true maxlength=PASSWORD_MAX/>
            <ErrorNote message=message/>
            <p class="success" role="status" hidden=move || !done.get()>{t(Msg::PasswordChanged)}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::ChangePassword)}</button>
        </form>
    }
}

/// The account page every app has: language and password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let ui = use_ui();
    view! {
        <h1>{t(Msg::Account)}</h1>
        <section class="card">
            <p>
                <strong>{move || ui.me.get().map(|m| m.full_name).unwrap_or_default()}</strong>
                " · "
                <span>{move || ui.me.get().map(|m| m.username).unwrap_or_default()}</span>
            </p>
            <div class="field">
                <label for="account-lang">{t(Msg::Language)}</label>
                <select id="account-lang" on:change=move |ev| {
                    if let Some(lang) = Lang::from_tag(&event_target_value(&ev)) {
                        ui.set_lang(lang);
                    }
                }>
                    {Lang::ALL.into_iter().map(|l| view! {
                        <option value=l.code() selected=move || ui.lang.get() == l>{l.native_name()}</option>
                    }).collect_view()}
                </select>
            </div>
        </section>
        <PasswordForm forced=false/>
    }
}
