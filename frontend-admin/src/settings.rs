//! Installation settings: the company name, which roles must sign in with a second factor, what
//! clients see of tickets, how calls are made, e-mail (with the mail
//! held from the support mailbox), service levels, and the ticket categories.

use app::api::calls::{get_call_settings, set_call_settings};
use app::api::privacy::{
    get_retention, preview_retention, read_privacy_notice, set_privacy_notice, set_retention,
};
use app::api::session::me;
use app::api::settings::{get_ticket_settings, set_company_name, set_ticket_settings};
use app::api::two_factor::{require_second_factor, second_factor_roles};
use app::dto::limits::{COMPANY_NAME_MAX, ICE_SERVERS_MAX, TEXT_MAX};
use app::dto::{CallSettings, Retention, Role, TicketSettings};
use app::i18n::Msg;
use app::ui::{label, t, use_ui, ErrorNote, FormCall, TextArea, TextField};
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let ui = use_ui();
    let name = RwSignal::new(ui.company.get_untracked().unwrap_or_default());
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        call.run(set_company_name(name.get_untracked()), move |settings| {
            ui.company.set(settings.company_name);
            saved.set(true);
        });
    };
    view! {
        <h1>{t(Msg::Settings)}</h1>
        <form class="card form" on:submit=submit>
            <TextField id="company-name" label=Msg::CompanyName value=name hint=Msg::CompanyNameHint
                required=true maxlength=COMPANY_NAME_MAX/>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
        <TwoFactorRolesCard/>
        <ClientViewCard/>
        <CallsCard/>
        <RetentionCard/>
        <PrivacyNoticeCard/>
        <super::mail::MailCard/>
        <super::mail::HeldMailCard/>
        <super::service_levels::ServiceLevelsCard/>
        <super::categories::CategoriesCard/>
    }
}

/// What clients see of their tickets (the switch saves at once), how long a proposed solution
/// waits for them, and what a live chat weighs in its operator's load.
#[component]
fn ClientViewCard() -> impl IntoView {
    let shown = RwSignal::new(None::<TicketSettings>);
    let days = RwSignal::new(String::new());
    let weight = RwSignal::new(String::new());
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let show = move |s: TicketSettings| {
        days.set(s.solution_days.to_string());
        weight.set(s.chat_weight.to_string());
        shown.set(Some(s));
    };
    call.run(get_ticket_settings(), show);
    let save = move |input: TicketSettings| {
        saved.set(false);
        call.run(set_ticket_settings(input), move |s| {
            show(s);
            saved.set(true);
        });
    };
    let toggle = move |_| {
        if let Some(now) = shown.get_untracked() {
            save(TicketSettings {
                forced_reasons_to_clients: !now.forced_reasons_to_clients,
                ..now
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(now) = shown.get_untracked() {
            // Not a number: 0, which the server refuses with the allowed range.
            let number =
                |field: RwSignal<String>| field.get_untracked().trim().parse().unwrap_or(0);
            save(TicketSettings {
                solution_days: number(days),
                chat_weight: number(weight),
                ..now
            });
        }
    };
    view! {
        <section class="card form">
            <h2>{t(Msg::ClientView)}</h2>
            <label class="check">
                <input type="checkbox" id="forced-reasons"
                    prop:checked=move || shown.get().is_some_and(|s| s.forced_reasons_to_clients)
                    disabled=move || shown.get().is_none() || call.busy() on:change=toggle/>
                {t(Msg::ForcedReasonsToClients)}
            </label>
            <p class="hint">{t(Msg::ForcedReasonsHint)}</p>
            <form class="form row" on:submit=submit>
                <fieldset class="until-loaded" disabled=move || shown.get().is_none()>
                    <TextField id="solution-days" label=Msg::SolutionDays value=days kind="number"
                        hint=Msg::SolutionDaysHint required=true/>
                    <TextField id="chat-weight" label=Msg::ChatWeight value=weight kind="number"
                        hint=Msg::ChatWeightHint required=true/>
                </fieldset>
                <button type="submit" disabled=move || shown.get().is_none() || call.busy()>{t(Msg::Save)}</button>
            </form>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
        </section>
    }
}

/// How calls are made: the STUN and TURN servers browsers use to reach each other, and whether
/// clients may ask for a call.
#[component]
fn CallsCard() -> impl IntoView {
    let servers = RwSignal::new(String::new());
    let may_call = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let show = move |s: CallSettings| {
        servers.set(s.ice_servers);
        may_call.set(s.clients_may_call);
        loaded.set(true);
    };
    call.run(get_call_settings(), show);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let input = CallSettings {
            ice_servers: servers.get_untracked(),
            clients_may_call: may_call.get_untracked(),
        };
        call.run(set_call_settings(input), move |s| {
            show(s);
            saved.set(true);
        });
    };
    view! {
        <form class="card form" on:submit=submit aria-labelledby="calls-title">
            <h2 id="calls-title">{t(Msg::Calls)}</h2>
            <p class="hint">{t(Msg::CallsHint)}</p>
            <fieldset class="until-loaded" disabled=move || !loaded.get()>
                <TextArea id="ice-servers" label=Msg::IceServers value=servers maxlength=ICE_SERVERS_MAX/>
                <p class="hint">{t(Msg::IceServersHint)}</p>
                <label class="check">
                    <input type="checkbox" id="clients-may-call" bind:checked=may_call/>
                    {t(Msg::ClientsMayCall)}
                </label>
            </fieldset>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
            <button type="submit" disabled=move || !loaded.get() || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}

/// The roles that must sign in with a second factor; each switch saves at once. One who checks
/// their own role without having one sets it up next.
#[component]
fn TwoFactorRolesCard() -> impl IntoView {
    let ui = use_ui();
    let roles = RwSignal::new(None::<Vec<Role>>);
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    call.run(second_factor_roles(), move |r| roles.set(Some(r)));
    let toggle = move |role: Role| {
        let Some(mut now) = roles.get_untracked() else {
            return;
        };
        if now.contains(&role) {
            now.retain(|r| *r != role);
        } else {
            now.push(role);
        }
        saved.set(false);
        call.run(require_second_factor(now), move |r| {
            // Their own role required: the app asks them to set one up, if they have none.
            if r.contains(&Role::Admin) {
                call.run(me(), move |m| ui.me.set(Some(m)));
            }
            roles.set(Some(r));
            saved.set(true);
        });
    };
    view! {
        <section class="card form">
            <h2>{t(Msg::TwoFactor)}</h2>
            <p class="hint">{t(Msg::TwoFactorRolesHint)}</p>
            {Role::ALL.into_iter().map(|role| view! {
                <label class="check">
                    <input type="checkbox" id=format!("two-factor-{}", role.as_str())
                        prop:checked=move || roles.get().is_some_and(|r| r.contains(&role))
                        disabled=move || roles.get().is_none() || call.busy()
                        on:change=move |_| toggle(role)/>
                    {label(role, Role::label)}
                </label>
            }).collect_view()}
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
        </section>
    }
}

/// How long closed tickets keep their texts and files: the days typed are checked first (how
/// many closed tickets they would erase now), then saved; empty keeps them for ever.
#[component]
fn RetentionCard() -> impl IntoView {
    let ui = use_ui();
    let days = RwSignal::new(String::new());
    let shown = RwSignal::new(None::<Retention>);
    let checked = RwSignal::new(None::<(i64, i64)>);
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let show = move |r: Retention| {
        days.set(r.days.map(|d| d.to_string()).unwrap_or_default());
        shown.set(Some(r));
    };
    call.run(get_retention(), show);
    // Not a number: 0, which the server refuses with the allowed range.
    let typed = move || {
        let text = days.get_untracked();
        (!text.trim().is_empty()).then(|| text.trim().parse().unwrap_or(0))
    };
    let check = move |_| {
        if let Some(d) = typed() {
            checked.set(None);
            call.run(preview_retention(d), move |n| checked.set(Some((d, n))));
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        call.run(set_retention(typed()), move |r| {
            show(r);
            saved.set(true);
        });
    };
    let due = move || {
        let lang = ui.lang.get();
        match (checked.get(), shown.get()) {
            (Some((d, n)), _) => Some(app::i18n::retention_due(d, n, lang)),
            (None, Some(Retention { days: Some(d), due })) => {
                Some(app::i18n::retention_due(d, due, lang))
            }
            (None, Some(Retention { days: None, .. })) => {
                Some(Msg::KeptForEver.text(lang).to_string())
            }
            (None, None) => None,
        }
    };
    view! {
        <section class="card form" aria-labelledby="retention-title">
            <h2 id="retention-title">{t(Msg::Retention)}</h2>
            <p class="hint">{t(Msg::RetentionHint)}</p>
            <form class="form row" on:submit=submit>
                <fieldset class="until-loaded" disabled=move || shown.get().is_none()>
                    <TextField id="retention-days" label=Msg::RetentionDays value=days kind="number"/>
                </fieldset>
                <button type="button" on:click=check disabled=move || call.busy()>{t(Msg::CheckFirst)}</button>
                <button type="submit" disabled=move || shown.get().is_none() || call.busy()>{t(Msg::Save)}</button>
            </form>
            <p class="retention-due" role="status">{due}</p>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
        </section>
    }
}

/// The privacy notice clients read from the sign-in page and accept once per version.
#[component]
fn PrivacyNoticeCard() -> impl IntoView {
    let text = RwSignal::new(String::new());
    let saved = RwSignal::new(false);
    let loaded = RwSignal::new(false);
    let call = FormCall::new();
    call.run(read_privacy_notice(), move |n| {
        text.set(n.map(|n| n.text).unwrap_or_default());
        loaded.set(true);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        call.run(set_privacy_notice(text.get_untracked()), move |_| {
            saved.set(true)
        });
    };
    view! {
        <form class="card form" on:submit=submit aria-labelledby="notice-title">
            <h2 id="notice-title">{t(Msg::PrivacyNotice)}</h2>
            <p class="hint">{t(Msg::PrivacyNoticeHint)}</p>
            <fieldset class="until-loaded" disabled=move || !loaded.get()>
                <TextArea id="privacy-notice" label=Msg::PrivacyNotice value=text maxlength=TEXT_MAX/>
            </fieldset>
            <ErrorNote message=call.message()/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
            <button type="submit" disabled=move || call.busy()>{t(Msg::Save)}</button>
        </form>
    }
}
