//! The account page's API tokens: one's own tokens for the REST API — made with a name, scopes
//! and a life, the secret shown once, listed with their last use, revoked —, and for an admin
//! every token, and a token made for the account an integration acts as.

use super::{id_options, t, use_ui, Checks, ErrorNote, FormCall, Select, TextField, When};
use crate::api::accounts::accounts_overview;
use crate::api::tokens::{create_api_token, list_api_tokens, revoke_api_token};
use crate::codes::Code;
use crate::dto::{Account, ApiToken, NewApiToken, Role};
use crate::i18n::Msg;
use crate::tokens::{Scope, MAX_DAYS};
use leptos::prelude::*;

#[component]
pub fn TokensCard() -> impl IntoView {
    let ui = use_ui();
    let admin = ui.app == Role::Admin;
    let list = RwSignal::new(Vec::<ApiToken>::new());
    let call = FormCall::new();
    let reload = move || call.run(list_api_tokens(admin), move |l| list.set(l));
    reload();
    let revoke = FormCall::new();
    let row = move |token: ApiToken| {
        let lang = ui.lang.get_untracked();
        let id = token.id;
        let now = ui.now.get_untracked();
        let state = if token.revoked_at.is_some() {
            Some(Msg::TokenRevoked)
        } else if token.expires_at.is_some_and(|at| at <= now) {
            Some(Msg::TokenExpired)
        } else {
            None
        };
        let scopes = token
            .scopes
            .iter()
            .map(|s| s.label(lang))
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <tr class:revoked=state.is_some()>
                <td data-label=Msg::TokenName.text(lang)><strong>{token.name.clone()}</strong></td>
                {admin.then(|| view! {
                    <td data-label=Msg::TokenAccount.text(lang)><code>{token.account.clone()}</code></td>
                })}
                <td data-label=Msg::TokenScopes.text(lang)>{scopes}</td>
                <td data-label=Msg::LastUsed.text(lang)>{match token.last_used_at {
                    Some(at) => view! {
                        <When at=at/> " · " <code>{token.last_used_from.clone().unwrap_or_default()}</code>
                    }.into_any(),
                    None => view! { {t(Msg::TokenNeverUsed)} }.into_any(),
                }}</td>
                <td data-label=Msg::Expires.text(lang)>{match token.expires_at {
                    Some(at) => view! { <When at=at/> }.into_any(),
                    None => view! { {t(Msg::TokenNeverExpires)} }.into_any(),
                }}</td>
                <td data-label=Msg::State.text(lang)>{match state {
                    Some(state) => view! { <span class="badge">{t(state)}</span> }.into_any(),
                    None => view! {
                        <button type="button" class="link danger" disabled=move || revoke.busy()
                            on:click=move |_| revoke.run(revoke_api_token(id), move |_| reload())>
                            {t(Msg::RevokeToken)}</button>
                    }.into_any(),
                }}</td>
            </tr>
        }
    };
    view! {
        <section class="card tokens" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{t(Msg::ApiTokens)}</h2>
            <p class="hint">{t(if admin { Msg::ApiTokensAdminHint } else { Msg::ApiTokensHint })}</p>
            <p class="hint"><a href="/api/v1/docs" target="_blank" rel="noopener">{t(Msg::ApiReference)}</a></p>
            {move || if list.with(Vec::is_empty) {
                view! { <p>{t(Msg::NoApiTokens)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">{t(Msg::TokenName)}</th>
                                {admin.then(|| view! { <th scope="col">{t(Msg::TokenAccount)}</th> })}
                                <th scope="col">{t(Msg::TokenScopes)}</th>
                                <th scope="col">{t(Msg::LastUsed)}</th>
                                <th scope="col">{t(Msg::Expires)}</th>
                                <th scope="col">{t(Msg::State)}</th>
                            </tr></thead>
                            // Rebuilt when the language changes, with the labels in it.
                            <tbody>{move || { ui.lang.track(); list.get().into_iter().map(row).collect_view() }}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <ErrorNote message=call.message()/>
            <ErrorNote message=revoke.message()/>
            <NewTokenForm admin=admin on_made=reload/>
        </section>
    }
}

/// A new token: its name, scopes (those the account may hold) and life; an admin picks the
/// account it acts as. The secret is shown here once, after it is made.
#[component]
fn NewTokenForm(admin: bool, on_made: impl Fn() + Copy + 'static) -> impl IntoView {
    let ui = use_ui();
    let name = RwSignal::new(String::new());
    let days = RwSignal::new(String::from("90"));
    let scopes = RwSignal::new(vec![Scope::TicketsRead]);
    let account = RwSignal::new(String::new());
    let accounts = RwSignal::new(Vec::<Account>::new());
    let secret = RwSignal::new(None::<String>);
    let call = FormCall::new();
    if admin {
        call.run(accounts_overview(), move |l| {
            accounts.set(l.accounts.into_iter().filter(|a| !a.disabled).collect())
        });
    }
    // The role of the account the token will act as: the scopes it may hold.
    let role = Signal::derive(move || {
        let chosen = account.get().parse::<i64>().ok();
        chosen
            .and_then(|id| accounts.with(|l| l.iter().find(|a| a.id == id).map(|a| a.role)))
            .unwrap_or(ui.app)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        secret.set(None);
        let days = days.get_untracked();
        let input = NewApiToken {
            name: name.get_untracked(),
            scopes: scopes
                .get_untracked()
                .into_iter()
                .filter(|s| s.allowed_for(role.get_untracked()))
                .collect(),
            // Not a number: sent as given, so the server names the field.
            expires_in_days: match days.trim() {
                "" => None,
                n => Some(n.parse().unwrap_or(0)),
            },
            account_id: account.get_untracked().parse().ok(),
        };
        call.run(create_api_token(input), move |issued| {
            name.set(String::new());
            secret.set(Some(issued.secret));
            on_made();
        });
    };
    let select = |ev: leptos::ev::FocusEvent| {
        use wasm_bindgen::JsCast;
        if let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.select();
        }
    };
    view! {
        <form class="form" on:submit=submit>
            <h3>{t(Msg::CreateToken)}</h3>
            <TextField id="token-name" label=Msg::TokenName value=name required=true maxlength=100/>
            {admin.then(|| view! {
                <Select id="token-account" label=Msg::TokenAccount blank=Msg::TokenForMe
                    options=id_options(accounts, |a| Some((a.id, format!("{} ({})", a.full_name, a.username))))
                    current=account on_pick=move |v| account.set(v)/>
            })}
            <Checks legend=Msg::TokenScopes chosen=scopes label=Scope::label
                options=Signal::derive(move || {
                    Scope::ALL.iter().copied().filter(|s| s.allowed_for(role.get())).collect()
                })/>
            <div class="field">
                <label for="token-days">{t(Msg::TokenExpiry)}</label>
                <input id="token-days" name="token-days" type="number" min="1" max=MAX_DAYS
                    aria-describedby="token-days-hint" bind:value=days/>
                <p class="hint" id="token-days-hint">{t(Msg::TokenExpiryHint)}</p>
            </div>
            <ErrorNote message=call.message()/>
            {move || secret.get().map(|s| view! {
                <div class="token-secret" role="status">
                    <label for="token-secret">{t(Msg::TokenCreated)}</label>
                    <input id="token-secret" readonly value=s on:focus=select/>
                </div>
            })}
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::CreateToken)}</button>
        </form>
    }
}
