//! One's second factor: set up — the QR code and key for the authenticator app, a first code,
//! then the recovery codes shown once — on the account page, or before anything else where the
//! role requires it; turned off, or new recovery codes, with a code.

use super::{t, ErrorNote, FormCall, Loading, TextField};
use crate::api::two_factor::{
    begin_second_factor, confirm_second_factor, new_recovery_codes, second_factor_status,
    turn_off_second_factor,
};
use crate::dto::{TwoFactorSetup, TwoFactorStatus};
use crate::i18n::Msg;
use leptos::prelude::*;

/// Setting up a second factor; `forced` when the role requires it before anything else. Once
/// the recovery codes have been read, `on_done`.
#[component]
pub fn SetUpSecondFactor(forced: bool, on_done: Callback<()>) -> impl IntoView {
    let setup = RwSignal::new(None::<TwoFactorSetup>);
    let codes = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let call = FormCall::new();
    call.run(begin_second_factor(), move |s| setup.set(Some(s)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        call.run(confirm_second_factor(code.get_untracked()), move |c| {
            code.set(String::new());
            codes.set(Some(c));
        });
    };
    let steps = move || {
        match (codes.get(), setup.get()) {
        (Some(list), _) => view! {
            <RecoveryCodes codes=list/>
            <p><button type="button" class="primary" on:click=move |_| on_done.run(())>{t(Msg::Done)}</button></p>
        }
        .into_any(),
        (None, Some(s)) => view! {
            <p>{t(Msg::ScanQrCode)}</p>
            <QrCode width=s.qr_width path=s.qr_path/>
            <p>{t(Msg::SecretKey)} ": " <code class="secret">{grouped(&s.secret)}</code></p>
            <form class="form" on:submit=submit>
                <TextField id="setup-code" label=Msg::AuthCode value=code
                    autocomplete="one-time-code" required=true/>
                <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::TurnOnTwoFactor)}</button>
            </form>
        }
        .into_any(),
        (None, None) => view! { <Loading/> }.into_any(),
    }
    };
    view! {
        <section class="card form">
            <h2>{t(Msg::TwoFactor)}</h2>
            <p>{t(if forced { Msg::TwoFactorRequiredIntro } else { Msg::TwoFactorIntro })}</p>
            {steps}
            <ErrorNote message=call.message()/>
        </section>
    }
}

/// The secret in groups of four, as it is easiest to type.
fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code, dark on light whatever the theme (scanners need it so), with its quiet zone.
#[component]
fn QrCode(width: u32, path: String) -> impl IntoView {
    let side = width + 8;
    view! {
        <svg class="qr" viewBox=format!("-4 -4 {side} {side}") role="img" aria-label=t(Msg::QrCode)
            shape-rendering="crispEdges">
            <rect x="-4" y="-4" width=side height=side fill="#fff"/>
            <path d=path fill="#000"/>
        </svg>
    }
}

#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <h3>{t(Msg::RecoveryCodes)}</h3>
        <p>{t(Msg::RecoveryCodesOnce)}</p>
        <ol class="recovery-codes">
            {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
        </ol>
    }
}

/// The account page's card: whether signing in asks for a code, and what one can change.
#[component]
pub fn TwoFactorCard() -> impl IntoView {
    let status = RwSignal::new(None::<TwoFactorStatus>);
    let setting_up = RwSignal::new(false);
    let fresh = RwSignal::new(None::<Vec<String>>);
    let code = RwSignal::new(String::new());
    let call = FormCall::new();
    let load = move || call.run(second_factor_status(), move |s| status.set(Some(s)));
    load();
    let finished = Callback::new(move |_| {
        setting_up.set(false);
        load();
    });
    let new_codes = move |_| {
        fresh.set(None);
        call.run(new_recovery_codes(code.get_untracked()), move |c| {
            code.set(String::new());
            fresh.set(Some(c));
            load();
        });
    };
    let turn_off = move |_| {
        fresh.set(None);
        call.run(turn_off_second_factor(code.get_untracked()), move |()| {
            code.set(String::new());
            load();
        });
    };
    move || {
        match status.get() {
        _ if setting_up.get() => view! { <SetUpSecondFactor forced=false on_done=finished/> }.into_any(),
        None => view! { <section class="card"><h2>{t(Msg::TwoFactor)}</h2><Loading/></section> }.into_any(),
        Some(s) if !s.on => view! {
            <section class="card form">
                <h2>{t(Msg::TwoFactor)}</h2>
                <p>{t(Msg::TwoFactorIntro)}</p>
                <p><span class="badge off">{t(Msg::StateOff)}</span> " " {t(Msg::TwoFactorIsOff)}</p>
                <p><button type="button" class="primary" on:click=move |_| setting_up.set(true)>{t(Msg::SetUpTwoFactor)}</button></p>
                <ErrorNote message=call.message()/>
            </section>
        }
        .into_any(),
        Some(s) => view! {
            <section class="card form">
                <h2>{t(Msg::TwoFactor)}</h2>
                <p><span class="badge on">{t(Msg::StateOn)}</span> " " {t(Msg::TwoFactorIsOn)}</p>
                <p>{t(Msg::RecoveryCodesLeft)} " " <strong>{s.recovery_codes_left}</strong></p>
                {s.required.then(|| view! { <p class="hint">{t(Msg::TwoFactorRequiredNote)}</p> })}
                <form class="form row" on:submit=|ev| ev.prevent_default()>
                    <TextField id="manage-code" label=Msg::AuthCode value=code hint=Msg::AuthCodeHint
                        autocomplete="one-time-code"/>
                    <button type="button" on:click=new_codes disabled=move || call.busy()>{t(Msg::NewRecoveryCodes)}</button>
                    {(!s.required).then(|| view! {
                        <button type="button" on:click=turn_off disabled=move || call.busy()>{t(Msg::TurnOffTwoFactor)}</button>
                    })}
                </form>
                <ErrorNote message=call.message()/>
                {move || fresh.get().map(|list| view! { <RecoveryCodes codes=list/> })}
            </section>
        }
        .into_any(),
    }
    }
}
