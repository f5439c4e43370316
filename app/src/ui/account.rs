//! The account page: one's password (forced after a one-time password, or by choice), one's
//! second factor (`two_factor`), where one is signed in (and ending the other sessions), e-mail
//! address and which e-mails one gets, one's API tokens (`tokens`), and for a client their own
//! data as a download.

use super::{t, use_ui, ErrorNote, FormCall, TextField, When};
use crate::api::mail::{get_mail_choices, set_mail_choices};
use crate::api::privacy::read_privacy_notice;
use crate::api::session::{change_password, end_sessions, my_sessions};
use crate::dto::limits::{EMAIL_MAX, PASSWORD_MAX};
use crate::dto::{MailChoices, Notice, PasswordChange, PrivacyNotice, Role, SessionInfo};
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

/// The account page every app has: who I am, my password, my second factor, my sessions and
/// my e-mail.
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
        <super::TwoFactorCard/>
        <SessionsCard/>
        <MailChoicesCard/>
        <super::tokens::TokensCard/>
        {move || (ui.me.get().map(|m| m.role) == Some(Role::Client)).then(|| view! { <PrivacyCard/> })}
    }
}

/// A client's own data, downloaded as one zip file, and the privacy notice they accepted.
#[component]
fn PrivacyCard() -> impl IntoView {
    let notice = RwSignal::new(None::<PrivacyNotice>);
    let call = FormCall::new();
    call.run(read_privacy_notice(), move |n| notice.set(n));
    view! {
        <section class="card" aria-labelledby="privacy-title">
            <h2 id="privacy-title">{t(Msg::Privacy)}</h2>
            {move || notice.get().map(|n| view! {
                {n.accepted_at.map(|at| view! { <p class="notice-accepted">{t(Msg::NoticeAccepted)} " " <When at=at/></p> })}
                <super::NoticeText notice=n/>
            })}
            <p class="hint">{t(Msg::ExportMyDataHelp)}</p>
            <a class="button" href="/api/privacy/export" download="">{t(Msg::ExportMyData)}</a>
        </section>
    }
}

/// Where one is signed in: each session's app, browser, address, sign-in and last activity;
/// any other one ended, or all of them.
#[component]
fn SessionsCard() -> impl IntoView {
    let ui = use_ui();
    let list = RwSignal::new(Vec::<SessionInfo>::new());
    let call = FormCall::new();
    call.run(my_sessions(), move |l| list.set(l));
    let end = move |handle: Option<String>| call.run(end_sessions(handle), move |l| list.set(l));
    let row = move |s: SessionInfo| {
        let handle = s.handle.clone();
        let lang = ui.lang.get_untracked();
        let browser = s
            .browser
            .clone()
            .unwrap_or_else(|| Msg::UnknownBrowser.text(lang).to_string());
        view! {
            <tr>
                <td data-label=Msg::SessionApp.text(lang)>{s.app.app_name(lang)}</td>
                <td data-label=Msg::SessionBrowser.text(lang)>{browser}</td>
                <td data-label=Msg::SessionAddress.text(lang)><code>{s.address.clone()}</code></td>
                <td data-label=Msg::SignedInAt.text(lang)><When at=s.signed_in_at/></td>
                <td data-label=Msg::LastActive.text(lang)><When at=s.last_seen_at/></td>
                <td data-label=Msg::Session.text(lang)>{if s.current {
                    view! { <strong>{t(Msg::ThisSession)}</strong> }.into_any()
                } else {
                    view! {
                        <button type="button" class="link" disabled=move || call.busy()
                            on:click=move |_| end(Some(handle.clone()))>{t(Msg::EndSession)}</button>
                    }.into_any()
                }}</td>
            </tr>
        }
    };
    view! {
        <section class="card sessions" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t(Msg::Sessions)}</h2>
            <p class="hint">{t(Msg::SessionsHint)}</p>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{t(Msg::SessionApp)}</th>
                        <th scope="col">{t(Msg::SessionBrowser)}</th>
                        <th scope="col">{t(Msg::SessionAddress)}</th>
                        <th scope="col">{t(Msg::SignedInAt)}</th>
                        <th scope="col">{t(Msg::LastActive)}</th>
                        <th scope="col">{t(Msg::Session)}</th>
                    </tr></thead>
                    // Rebuilt when the language changes, with the labels in it.
                    <tbody>{move || { ui.lang.track(); list.get().into_iter().map(row).collect_view() }}</tbody>
                </table>
            </div>
            <ErrorNote message=call.message()/>
            <button type="button" disabled=move || call.busy() || list.with(|l| l.len() < 2)
                on:click=move |_| end(None)>{t(Msg::EndOtherSessions)}</button>
        </section>
    }
}

/// One's e-mail address and a switch per notice one's role gets (all on until turned off).
#[component]
fn MailChoicesCard() -> impl IntoView {
    let ui = use_ui();
    let email = RwSignal::new(String::new());
    let off = RwSignal::new(Vec::<Notice>::new());
    let saved = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let call = FormCall::new();
    let show = move |c: MailChoices| {
        email.set(c.email);
        off.set(c.off);
        loaded.set(true);
    };
    call.run(get_mail_choices(), show);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let input = MailChoices {
            email: email.get_untracked(),
            off: off.get_untracked(),
        };
        call.run(set_mail_choices(input), move |c| {
            show(c);
            saved.set(true);
        });
    };
    let notices = Notice::for_role(ui.app);
    view! {
        <form class="card form" on:submit=submit>
            <h2>{t(Msg::MailChoices)}</h2>
            <p class="hint">{t(Msg::MailChoicesHint)}</p>
            // Not to be changed before one's choices arrive, which would replace the change.
            <fieldset class="until-loaded" disabled=move || !loaded.get()>
                <TextField id="my-email" label=Msg::Email value=email kind="email" autocomplete="email"
                    maxlength=EMAIL_MAX/>
                {notices.iter().map(|&n| view! {
                    <label class="check">
                        <input type="checkbox" name=n.code()
                            prop:checked=move || !off.get().contains(&n)
                            on:change=move |_| off.update(|o| {
                                if let Some(i) = o.iter().position(|x| *x == n) {
                                    o.remove(i);
                                } else {
                                    o.push(n);
                                }
                            })/>
                        {move || n.label(ui.lang.get())}
                    </label>
                }).collect_view()}
            </fieldset>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}
