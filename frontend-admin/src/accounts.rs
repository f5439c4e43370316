//! Accounts: create one (username and one-time password shown once), reset a password or a
//! lost second factor, disable or enable, a client's data exported or erased for good (the
//! username typed to confirm), and the edition in force: its licence, its limits in plain
//! numbers, and the form that installs a licence.

use app::api::accounts::{
    accounts_overview, create_account, install_licence, reset_password, reset_second_factor,
    set_account_disabled,
};
use app::api::privacy::erase_client;
use app::dto::limits::{EMAIL_MAX, FULL_NAME_MAX};
use app::dto::{
    Account, AccountList, Edition, IssuedCredentials, LicenceInfo, NewAccount, Role, SetDisabled,
};
use app::i18n::Msg;
use app::ui::{
    choices, label, t, use_ui, ErrorNote, FormCall, Loading, Select, TextArea, TextField, When,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn AccountsPage() -> impl IntoView {
    let list = RwSignal::new(None::<AccountList>);
    let issued = RwSignal::new(None::<IssuedCredentials>);
    let erasing = RwSignal::new(None::<Account>);
    // Loading the list and acting on a row share one error line.
    let call = FormCall::new();
    let reload = move || call.run(accounts_overview(), move |l| list.set(Some(l)));
    reload();
    view! {
        <h1>{t(Msg::Accounts)}</h1>
        <CreateAccount issued=issued on_change=reload/>
        {move || issued.get().map(|c| view! { <CredentialsPanel issued=c on_done=move || issued.set(None)/> })}
        {move || erasing.get().map(|a| view! { <ErasePanel client=a erasing=erasing on_change=reload/> })}
        <ErrorNote message=call.message()/>
        {move || match list.get() {
            None => view! { <Loading/> }.into_any(),
            Some(l) => view! { <Usage list=l.clone() on_installed=move |l| list.set(Some(l))/> <AccountTable accounts=l.accounts issued=issued erasing=erasing call=call on_change=reload/> }.into_any(),
        }}
    }
}

#[component]
fn CreateAccount(
    issued: RwSignal<Option<IssuedCredentials>>,
    on_change: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let full_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Client);
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewAccount {
            full_name: full_name.get_untracked(),
            email: Some(email.get_untracked()).filter(|e| !e.trim().is_empty()),
            role: role.get_untracked(),
        };
        call.run(create_account(input), move |c| {
            full_name.set(String::new());
            email.set(String::new());
            issued.set(Some(c));
            on_change();
        });
    };
    view! {
        <form class="card form" on:submit=submit>
            <h2>{t(Msg::NewAccount)}</h2>
            <div class="row">
                <TextField id="full-name" label=Msg::FullName value=full_name required=true maxlength=FULL_NAME_MAX/>
                <TextField id="email" label=Msg::EmailOptional value=email kind="email" maxlength=EMAIL_MAX/>
                <Select id="role" label=Msg::Role
                    options=choices(&Role::CHOICES)
                    current=Signal::derive(move || role.get().as_str().to_string())
                    on_pick=move |v| role.set(Role::parse(&v).unwrap_or(Role::Client))/>
            </div>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::CreateAccount)}</button>
        </form>
    }
}

/// Erasing a client: what it does, whether their tickets' texts stay, and their username typed
/// again before the button does it (the second confirmation; the server checks it too).
#[component]
fn ErasePanel(
    client: Account,
    erasing: RwSignal<Option<Account>>,
    on_change: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let keep_texts = RwSignal::new(false);
    let call = FormCall::new();
    let (id, username) = (client.id, client.username.clone());
    let matches = {
        let username = username.clone();
        move || typed.get().trim() == username
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        call.run(
            erase_client(id, typed.get_untracked(), keep_texts.get_untracked()),
            move |_| {
                erasing.set(None);
                on_change();
            },
        );
    };
    view! {
        <form class="card form erase" on:submit=submit aria-labelledby="erase-title">
            <h2 id="erase-title">{t(Msg::EraseClientTitle)}</h2>
            <p><strong>{client.full_name.clone()}</strong> " · " <code>{username.clone()}</code></p>
            <p class="warning">{t(Msg::EraseClientHelp)}</p>
            <label class="check">
                <input type="checkbox" bind:checked=keep_texts/>
                {t(Msg::KeepTicketTexts)}
            </label>
            <TextField id="erase-confirm" label=Msg::TypeUsernameToConfirm value=typed required=true/>
            <ErrorNote message=call.message()/>
            <p class="actions">
                <button type="button" on:click=move |_| erasing.set(None)>{t(Msg::Cancel)}</button>
                <button type="submit" class="primary" disabled=move || call.busy() || !matches()>{t(Msg::EraseForGood)}</button>
            </p>
        </form>
    }
}

/// The credentials to hand over, shown once.
#[component]
pub(crate) fn CredentialsPanel(
    issued: IssuedCredentials,
    on_done: impl Fn() + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let copied = RwSignal::new(false);
    let text = format!("{}\n{}", issued.account.username, issued.one_time_password);
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&text);
        copied.set(true);
    };
    let expires = issued.expires_at;
    view! {
        <section class="card credentials" role="status" aria-labelledby="credentials-title">
            <h2 id="credentials-title">{t(Msg::CredentialsTitle)}</h2>
            <p><strong>{issued.account.full_name.clone()}</strong></p>
            <dl>
                <dt>{t(Msg::Username)}</dt>
                <dd><code class="username">{issued.account.username.clone()}</code></dd>
                <dt>{t(Msg::OneTimePassword)}</dt>
                <dd><code class="one-time-password">{issued.one_time_password.clone()}</code></dd>
            </dl>
            <p class="warning">{t(Msg::CredentialsOnce)} " " {move || ui.exact_time(expires)}</p>
            <p class="actions">
                <button type="button" on:click=copy>{move || if copied.get() { t(Msg::Copied)() } else { t(Msg::Copy)() }}</button>
                <button type="button" class="primary" on:click=move |_| on_done()>{t(Msg::Done)}</button>
            </p>
        </section>
    }
}

#[component]
fn Usage(list: AccountList, on_installed: impl Fn(AccountList) + Copy + 'static) -> impl IntoView {
    let ui = use_ui();
    let edition = list.edition;
    view! {
        <section class="card usage" aria-labelledby="edition-title">
            <h2 id="edition-title">{label(edition, Edition::label)}</h2>
            {list.licence.map(|l| view! { <Licence licence=l/> })}
            <ul>
                {list.usage.into_iter().map(|u| view! {
                    <li>
                        {label(u.role, Role::label)} ": " {u.active} " / "
                        {move || u.limit.map(|l| l.to_string()).unwrap_or_else(|| Msg::Unlimited.text(ui.lang.get()).to_string())}
                        {u.limit.filter(|l| u.active > *l).map(|_| view! { " " <span class="warning">{t(Msg::OverLimit)}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <p class="hint">{t(Msg::EditionLimitNote)}</p>
            <InstallLicence on_installed=on_installed/>
        </section>
    }
}

/// Who the licence is for and how long it holds.
#[component]
fn Licence(licence: LicenceInfo) -> impl IntoView {
    let ui = use_ui();
    let expires = licence.expires.clone();
    view! {
        <dl class="licence">
            <dt>{t(Msg::LicensedTo)}</dt>
            <dd class="licensee">{licence.licensee}</dd>
            <dt>{t(Msg::LicenceIssued)}</dt>
            <dd>{licence.issued}</dd>
            <dt>{t(Msg::LicenceExpires)}</dt>
            <dd>{move || expires.clone().unwrap_or_else(|| Msg::LicenceNeverExpires.text(ui.lang.get()).to_string())}</dd>
        </dl>
        {licence.expired.then(|| view! { <p class="warning" role="status">{t(Msg::LicenceExpired)}</p> })}
    }
}

/// A licence pasted or chosen as a file, sent as text.
#[component]
fn InstallLicence(on_installed: impl Fn(AccountList) + Copy + 'static) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let installed = RwSignal::new(false);
    let call = FormCall::new();
    let choose = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(read) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    text.set(read.as_string().unwrap_or_default());
                }
            });
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        installed.set(false);
        call.run(install_licence(text.get_untracked()), move |list| {
            text.set(String::new());
            installed.set(true);
            on_installed(list);
        });
    };
    view! {
        <details class="fold install-licence">
            <summary>{t(Msg::InstallLicence)}</summary>
            <form class="form" on:submit=submit>
                <TextArea id="licence-text" label=Msg::LicenceText value=text required=true/>
                <div class="field">
                    <label for="licence-file">{t(Msg::LicenceFile)}</label>
                    <input type="file" id="licence-file" accept=".licence,.license,.txt,text/plain" on:change=choose/>
                </div>
                <ErrorNote message=call.message()/>
                <p class="note" role="status" hidden=move || !installed.get()>{t(Msg::LicenceInstalled)}</p>
                <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::Install)}</button>
            </form>
        </details>
    }
}

#[component]
fn AccountTable(
    accounts: Vec<Account>,
    issued: RwSignal<Option<IssuedCredentials>>,
    erasing: RwSignal<Option<Account>>,
    call: FormCall,
    on_change: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ui = use_ui();
    let my_id = ui.me.get_untracked().map(|m| m.id);
    let confirm = move |msg: Msg| {
        window()
            .confirm_with_message(msg.text(ui.lang.get_untracked()))
            .unwrap_or(false)
    };
    let reset = move |id: i64| {
        if !confirm(Msg::ConfirmReset) {
            return;
        }
        call.run(reset_password(id), move |c| {
            issued.set(Some(c));
            on_change();
        });
    };
    let reset_factor = move |id: i64| {
        if confirm(Msg::ConfirmResetTwoFactor) {
            call.run(reset_second_factor(id), move |_| on_change());
        }
    };
    let toggle = move |id: i64, disabled: bool| {
        if disabled && !confirm(Msg::ConfirmDisable) {
            return;
        }
        let input = SetDisabled {
            account_id: id,
            disabled,
        };
        call.run(set_account_disabled(input), move |_| on_change());
    };
    let only_mine = accounts.len() <= 1;
    view! {
        <section class="card">
            <table class="accounts">
                <thead><tr>
                    <th scope="col">{t(Msg::Name)}</th>
                    <th scope="col">{t(Msg::Username)}</th>
                    <th scope="col">{t(Msg::Role)}</th>
                    <th scope="col">{t(Msg::Status)}</th>
                    <th scope="col">{t(Msg::TwoFactorShort)}</th>
                    <th scope="col">{t(Msg::NoticeAcceptedColumn)}</th>
                    <th scope="col">{t(Msg::Actions)}</th>
                </tr></thead>
                <tbody>
                    {accounts.into_iter().map(|a| {
                        let id = a.id;
                        let state = if a.disabled { Msg::StateDisabled } else if a.must_change_password { Msg::StatePending } else { Msg::StateActive };
                        let badge = if a.disabled { "badge off" } else if a.must_change_password { "badge pending" } else { "badge on" };
                        let disabled = a.disabled;
                        let role = a.role;
                        let factor = a.second_factor;
                        let client = (role == Role::Client).then(|| a.clone());
                        let accepted = (role == Role::Client).then_some(a.notice_accepted_at);
                        view! {
                            <tr>
                                <td data-label=t(Msg::Name)>{a.full_name.clone()}</td>
                                <td data-label=t(Msg::Username)><code>{a.username.clone()}</code></td>
                                <td data-label=t(Msg::Role)>{label(role, Role::label)}</td>
                                <td data-label=t(Msg::Status)><span class=badge>{t(state)}</span></td>
                                <td data-label=t(Msg::TwoFactorShort)>
                                    <span class=if factor { "badge on" } else { "badge off" }>
                                        {t(if factor { Msg::StateOn } else { Msg::StateOff })}
                                    </span>
                                </td>
                                <td data-label=t(Msg::NoticeAcceptedColumn)>
                                    {accepted.map(|at| match at {
                                        Some(at) => view! { <When at=at/> }.into_any(),
                                        None => view! { <span class="hint">{t(Msg::NotYet)}</span> }.into_any(),
                                    })}
                                </td>
                                <td class="actions" data-label=t(Msg::Actions)>
                                    {(Some(id) != my_id).then(|| view! {
                                        <button type="button" on:click=move |_| reset(id)>{t(Msg::ResetPassword)}</button>
                                        {factor.then(|| view! {
                                            <button type="button" on:click=move |_| reset_factor(id)>{t(Msg::ResetTwoFactor)}</button>
                                        })}
                                        <button type="button" on:click=move |_| toggle(id, !disabled)>
                                            {t(if disabled { Msg::Enable } else { Msg::Disable })}
                                        </button>
                                        {client.map(|c| view! {
                                            <a class="button" href=format!("/api/privacy/export/{id}") download="">{t(Msg::ExportData)}</a>
                                            <button type="button" on:click=move |_| erasing.set(Some(c.clone()))>{t(Msg::Erase)}</button>
                                        })}
                                    })}
                                    {(Some(id) == my_id).then(|| view! { <span class="hint">"(" {t(Msg::You)} ")"</span> })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {only_mine.then(|| view! { <p class="empty">{t(Msg::NoAccounts)}</p> })}
        </section>
    }
}
