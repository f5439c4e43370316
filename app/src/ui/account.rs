//! Changing one's password: forced after a one-time password, or by choice on the account page.

use super::{t, use_ui, ErrorNote, FormCall, TextField};
use crate::api::session::change_password;
use crate::dto::limits::PASSWORD_MAX;
use crate::dto::PasswordChange;
use crate::i18n::Msg;
use leptos::prelude::*;

/// New password twice (and the current one unless `forced`).
#[component]
pub fn PasswordForm(forced: bool) -> impl IntoView {
    let ui = use_ui();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let done = RwSignal::new(false);
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        mismatch.set(new.get() != repeat.get());
        if mismatch.get() {
            return;
        }
        let input = PasswordChange {
            current_password: (!forced).then(|| current.get()),
            new_password: new.get(),
        };
        call.run(change_password(input), move |me| {
            for field in [current, new, repeat] {
                field.set(String::new());
            }
            done.set(true);
            ui.me.set(Some(me));
        });
    };
    let error = call.message();
    let message = Signal::derive(move || {
        if mismatch.get() {
            Some(Msg::PasswordsDiffer.text(ui.lang.get()).to_string())
        } else {
            error.get()
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
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::ChangePassword)}</button>
        </form>
    }
}

/// The account page every app has: who I am, and my password.
#[component]
pub fn AccountPage() -> impl IntoView {
    let ui = use_ui();
    view! {
        <h1>{t(Msg::Account)}</h1>
        <section class="card">
            <p>
                <strong>{move || ui.me.get().map(|m| m.full_name).unwrap_or_default()}</strong>
                " · "
                <code>{move || ui.me.get().map(|m| m.username).unwrap_or_default()}</code>
            </p>
        </section>
        <PasswordForm forced=false/>
    }
}
