//! The frame of every app: header, language, and what to show before the app's own pages —
//! loading, sign-in (with a code where the account has a second factor, and in the portal the
//! privacy notice), the forced password change, the forced set-up of a second factor, the
//! privacy notice a client has not accepted yet, or the refusal of an account of another role.

use super::Link;
use super::{
    label, t, use_ui, ErrorNote, FormCall, Loading, PasswordForm, SetUpSecondFactor, TextField, Ui,
};
use crate::api::privacy::{accept_privacy_notice, read_privacy_notice};
use crate::api::session::{me, set_language, sign_in, sign_out};
use crate::api::settings::public_info;
use crate::dto::{Boot, Credentials, PrivacyNotice, PublicSettings, Role, BOOT_ELEMENT};
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use leptos::prelude::AnyView;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One entry of an app's navigation (path relative to the app's base).
#[derive(Clone, Copy)]
pub struct NavItem {
    pub path: &'static str,
    pub label: Msg,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Loading,
    SignIn,
    MustChange,
    MustSetUp,
    MustAccept,
    WrongApp(Role),
    Ready,
}

/// An app's pages: the view for a path below the app's base (`/`, `/settings`, …).
pub type Pages = fn(&str) -> AnyView;

/// How long after an app is ready its calls start (`call_host`).
const CALLS_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Mounts an app: `pages` renders its pages once a user of `app`'s role is fully signed in.
pub fn start(app: Role, nav: &'static [NavItem], pages: Pages) {
    leptos::mount::mount_to_body(move || view! { <Shell app=app nav=nav pages=pages/> });
}

#[component]
fn Shell(app: Role, nav: &'static [NavItem], pages: Pages) -> impl IntoView {
    let ui = Ui::new(app);
    provide_context(ui);
    ui.path.set(
        ui.app
            .page_of(&window().location().pathname().unwrap_or_default()),
    );
    ui.track_history();
    set_interval(
        move || ui.now.set(js_sys::Date::now() as i64),
        std::time::Duration::from_secs(30),
    );
    // The portal's privacy notice, and whom it was read for (none: not signed in): read again
    // for each person, who must have accepted it before the pages.
    let notice = RwSignal::new(None::<(Option<i64>, Option<PrivacyNotice>)>);
    let know = move |settings: PublicSettings| {
        ui.company.set(settings.company_name);
        ui.time_zone.set(Some(settings.time_zone));
    };
    // The pages start once the company's settings and the person are known (they read the
    // company's name and zone as they render): written into the page by the server, or, in a
    // page sent without them, both asked at once.
    let answered = RwSignal::new(0u8);
    let ask_who = move || {
        spawn_local(async move {
            ui.me.set(me().await.ok());
            answered.update(|n| *n += 1);
        })
    };
    // Where the live socket starts: the place the page's list was read at, if it came with one.
    let mut start_at = None;
    match boot_data() {
        Some(boot) => {
            know(boot.settings);
            start_at = boot.cursor;
            ui.keep_first_list(boot.tickets);
            notice.set(Some((boot.me.as_ref().map(|m| m.id), boot.notice)));
            answered.set(1);
            match boot.me {
                Some(person) => {
                    ui.me.set(Some(person));
                    answered.set(2);
                }
                // A page opened from another site's link came without the session cookie
                // (SameSite=Strict), which the app's own calls do carry: asked again.
                None => ask_who(),
            }
        }
        None => {
            spawn_local(async move {
                if let Ok(settings) = public_info().await {
                    know(settings);
                }
                answered.update(|n| *n += 1);
            });
            ask_who();
        }
    }
    let loaded = Memo::new(move |_| answered.get() == 2);
    if app == Role::Client {
        Effect::new(move |_| {
            let who = ui.me.get().map(|m| m.id);
            // Already read for this person (with the page): not asked again.
            if notice.with_untracked(|n| n.as_ref().is_some_and(|(read_for, _)| *read_for == who)) {
                return;
            }
            spawn_local(async move {
                // Unreadable: no notice stands in the way (the server keeps no portal shut).
                let read = read_privacy_notice().await.ok().flatten();
                // An answer for someone else (read before the sign-in finished) is not theirs.
                if ui.me.get_untracked().map(|m| m.id) == who {
                    notice.set(Some((who, read)));
                }
            });
        });
    }
    let notice_stage = move |id: i64| match notice.get() {
        _ if app != Role::Client => Stage::Ready,
        Some((Some(who), Some(n))) if who == id && n.accepted_at.is_none() => Stage::MustAccept,
        Some((Some(who), _)) if who == id => Stage::Ready,
        _ => Stage::Loading,
    };
    let stage = Memo::new(move |_| match (loaded.get(), ui.me.get()) {
        (false, _) => Stage::Loading,
        (true, None) => Stage::SignIn,
        (true, Some(m)) if m.role != app => Stage::WrongApp(m.role),
        (true, Some(m)) if m.must_change_password => Stage::MustChange,
        (true, Some(m)) if m.must_set_up_second_factor => Stage::MustSetUp,
        (true, Some(m)) => notice_stage(m.id),
    });
    let shown_notice = Signal::derive(move || notice.get().and_then(|(_, n)| n));
    // Live updates while the app is in use.
    super::live::Live::keep(
        ui,
        Memo::new(move |_| stage.get() == Stage::Ready),
        start_at,
    );
    // The account reads its e-mail in the language its person reads the app in.
    Effect::new(move |_| {
        let lang = ui.lang.get();
        if stage.get() == Stage::Ready {
            spawn_local(async move {
                let _ = set_language(lang).await;
            });
        }
    });
    Effect::new(move |_| {
        let lang = ui.lang.get();
        document().set_title(&format!("{} · {}", ui.company_name(), app.app_name(lang)));
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    // Calls — ringing, the call screen — load a moment after the app is ready, so that their
    // code is not fetched and compiled before the first screen; a call already ringing is found
    // when they start.
    let calls = RwSignal::new(false);
    Effect::new(move |_| {
        if stage.get() == Stage::Ready && !calls.get_untracked() {
            set_timeout(move || calls.set(true), CALLS_AFTER);
        }
    });
    let sign_out_now = move |_| end_session(ui);
    view! {
        <a class="skip" href="#main">{t(Msg::Home)}</a>
        <header class="topbar">
            <div class="brand">
                <span class="company">{move || ui.company_name()}</span>
                <span class="app-name">{label(app, Role::app_name)}</span>
            </div>
            <Show when=move || stage.get() == Stage::Ready>
                <nav aria-label=t(Msg::MainNavigation)>
                    {nav.iter().map(|item| view! { <Link path=item.path label=item.label/> }).collect_view()}
                </nav>
            </Show>
            <div class="tools">
                <p class="connection" role="status">
                    {move || (stage.get() == Stage::Ready && !ui.online.get()).then(|| t(Msg::Reconnecting))}
                </p>
                <LangPicker/>
                <Show when=move || ui.me.get().is_some()>
                    <span class="who">{move || ui.me.get().map(|m| m.full_name).unwrap_or_default()}</span>
                    <button type="button" class="link" on:click=sign_out_now>{t(Msg::SignOut)}</button>
                </Show>
            </div>
        </header>
        <main id="main" class="page">
            {move || match stage.get() {
                Stage::Loading => view! { <Loading/> }.into_any(),
                Stage::SignIn => view! { <SignInForm app=app notice=shown_notice/> }.into_any(),
                Stage::MustAccept => {
                    let accepted = move |n: PrivacyNotice| {
                        notice.update(|now| {
                            if let Some((_, shown)) = now {
                                *shown = Some(n);
                            }
                        })
                    };
                    // A newer notice than the one accepted comes back unaccepted: shown anew.
                    shown_notice
                        .get()
                        .map(|n| view! { <AcceptNotice notice=n on_accepted=accepted/> })
                        .into_any()
                }
                Stage::MustChange => view! { <PasswordForm forced=true/> }.into_any(),
                Stage::MustSetUp => {
                    let done = Callback::new(move |_| {
                        ui.me.update(|m| {
                            if let Some(m) = m {
                                m.must_set_up_second_factor = false;
                            }
                        })
                    });
                    Suspend::new(set_up_page(done)).into_any()
                }
                Stage::WrongApp(role) => view! { <WrongApp role=role/> }.into_any(),
                Stage::Ready => pages(&ui.path.get()),
            }}
        </main>
        {move || (calls.get() && stage.get() == Stage::Ready).then(|| Suspend::new(call_host()))}
    }
}

/// What the server wrote into the app's page for its start (`server::boot`), if it did.
fn boot_data() -> Option<Boot> {
    let text = document().get_element_by_id(BOOT_ELEMENT)?.text_content()?;
    crate::client::decode(&text).ok()
}

/// The language picker of the header.
#[component]
fn LangPicker() -> impl IntoView {
    let ui = use_ui();
    view! {
        <label class="visually-hidden" for="lang-picker">{t(Msg::Language)}</label>
        <select id="lang-picker" class="compact" on:change=move |ev| {
            if let Some(lang) = Lang::from_tag(&event_target_value(&ev)) {
                ui.set_lang(lang);
            }
        }>
            {Lang::ALL.into_iter().map(|l| view! {
                <option value=l.code() selected=move || ui.lang.get() == l>{l.native_name()}</option>
            }).collect_view()}
        </select>
    }
}

/// The privacy notice a client accepts before the portal opens.
#[component]
fn AcceptNotice(
    notice: PrivacyNotice,
    on_accepted: impl Fn(PrivacyNotice) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let call = FormCall::new();
    let version = notice.version.clone();
    let accept = move |_| call.run(accept_privacy_notice(version.clone()), on_accepted);
    view! {
        <section class="card narrow notice" aria-labelledby="notice-title">
            <h1 id="notice-title">{t(Msg::PrivacyNotice)}</h1>
            <p class="hint">{t(Msg::AcceptNoticeIntro)}</p>
            <div class="notice-text" inner_html=notice.html/>
            <ErrorNote message=call.message()/>
            <button type="button" class="primary" disabled=move || call.busy() on:click=accept>
                {t(Msg::AcceptNotice)}
            </button>
        </section>
    }
}

/// The privacy notice to read, folded (the sign-in page and the account page show it).
#[component]
pub fn NoticeText(notice: PrivacyNotice) -> impl IntoView {
    view! {
        <details class="fold notice">
            <summary>{t(Msg::PrivacyNotice)}</summary>
            <div class="notice-text" inner_html=notice.html/>
        </details>
    }
}

#[component]
fn SignInForm(app: Role, notice: Signal<Option<PrivacyNotice>>) -> impl IntoView {
    let ui = use_ui();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // Asked for once the password proved right for an account with a second factor.
    let asks_code = RwSignal::new(false);
    let call = FormCall::new();
    Effect::new(move |_| {
        if call.error.get() == Some(AppError::SecondFactorNeeded) {
            asks_code.set(true);
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = Credentials {
            username: username.get(),
            password: password.get(),
            app,
            code: asks_code.get().then(|| code.get()),
        };
        call.run(sign_in(input), move |me| {
            password.set(String::new());
            code.set(String::new());
            ui.me.set(Some(me));
        });
    };
    view! {
        <form class="card form narrow" on:submit=submit>
            <h1>{t(Msg::SignInTitle)}</h1>
            <p>{move || ui.company_name()} " · " {label(app, Role::app_name)}</p>
            <p class="hint">{t(Msg::SignInIntro)}</p>
            <TextField id="username" label=Msg::Username value=username autocomplete="username" required=true/>
            <TextField id="password" label=Msg::Password value=password kind="password"
                autocomplete="current-password" required=true/>
            <Show when=move || asks_code.get()>
                <TextField id="code" label=Msg::AuthCode value=code hint=Msg::AuthCodeHint
                    autocomplete="one-time-code" required=true/>
            </Show>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy()>{t(Msg::SignIn)}</button>
            {move || notice.get().map(|n| view! { <NoticeText notice=n/> })}
        </form>
    }
}

#[component]
fn WrongApp(role: Role) -> impl IntoView {
    let ui = use_ui();
    let sign_out_now = move |_| end_session(ui);
    view! {
        <section class="card narrow" role="alert">
            <h1>{t(Msg::WrongAppTitle)}</h1>
            <p>{t(Msg::WrongAppText)}</p>
            <p class="actions">
                <a class="button primary" href=role.app_path() rel="external">{t(Msg::GoToYourApp)}</a>
                <button type="button" on:click=sign_out_now>{t(Msg::SignOut)}</button>
            </p>
        </section>
    }
}

fn end_session(ui: Ui) {
    spawn_local(async move {
        let _ = sign_out().await;
        ui.me.set(None);
    });
}

/// The page for a path the app does not have.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>{t(Msg::NotFound)}</h1>
            <p><Link path="/" label=Msg::Home/></p>
        </section>
    }
}

/// The pages every app has besides its own: the account page, and the page for a path that
/// is none. Each app shows a ticket (`/tickets/42`) its own way — the client with its rating,
/// staff with their forms —, so an app that loads its ticket page lazily carries none of it
/// in its first download.
pub fn common_page(path: &str) -> AnyView {
    match path {
        "/account" => Suspend::new(account_page()).into_any(),
        _ => view! { <NotFound/> }.into_any(),
    }
}

/// Calls — ringing, the call screen and its peer connection — are a `#[lazy]` chunk of every
/// app, mounted once the app is ready.
#[lazy]
fn call_host() -> AnyView {
    view! { <super::call::CallHost/> }.into_any()
}

/// The account page — password, second factor, sessions, e-mail — is a `#[lazy]` chunk of every
/// app, downloaded when first opened.
#[lazy]
fn account_page() -> AnyView {
    view! { <super::AccountPage/> }.into_any()
}

/// So is the set-up of a second factor that a role requires: most people never see it.
#[lazy]
fn set_up_page(done: Callback<()>) -> AnyView {
    view! { <SetUpSecondFactor forced=true on_done=done/> }.into_any()
}
