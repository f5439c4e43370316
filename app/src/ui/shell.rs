//! The frame of every app: header, language, and what to show before the app's own pages —
//! loading, sign-in, the forced password change, or the refusal of an account of another role.

use super::{error_message, t, use_ui, ErrorNote, PasswordForm, TextField, Ui};
use crate::api::session::{me, sign_in, sign_out};
use crate::api::settings::public_info;
use crate::dto::{Credentials, Role};
use crate::error::AppError;
use crate::i18n::{Lang, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Router, A};

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
    WrongApp(Role),
    Ready,
}

/// Mounts an app: `pages` renders its routes once a user of `app`'s role is fully signed in.
pub fn start<P, V>(app: Role, nav: &'static [NavItem], pages: P)
where
    P: Fn() -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    console_error_panic_hook_lite();
    leptos::mount::mount_to_body(move || {
        let base = app.app_path().trim_end_matches('/');
        view! {
            <Router base=base>
                <Shell app=app nav=nav pages=pages/>
            </Router>
        }
    });
}

/// Panics go to the console instead of vanishing.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}

#[component]
fn Shell<P, V>(app: Role, nav: &'static [NavItem], pages: P) -> impl IntoView
where
    P: Fn() -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let ui = Ui::new(app);
    provide_context(ui);
    let loaded = RwSignal::new(false);
    spawn_local(async move {
        if let Ok(settings) = public_info().await {
            ui.company.set(settings.company_name);
        }
        ui.me.set(me().await.ok());
        loaded.set(true);
    });
    let stage = Memo::new(move |_| match (loaded.get(), ui.me.get()) {
        (false, _) => Stage::Loading,
        (true, None) => Stage::SignIn,
        (true, Some(m)) if m.role != app => Stage::WrongApp(m.role),
        (true, Some(m)) if m.must_change_password => Stage::MustChange,
        (true, Some(_)) => Stage::Ready,
    });
    Effect::new(move |_| {
        let lang = ui.lang.get();
        document().set_title(&format!("{} · {}", ui.company_name(), app.app_name(lang)));
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    let sign_out_now = move |_| end_session(ui);
    view! {
        <a class="skip" href="#main">{t(Msg::Home)}</a>
        <header class="topbar">
            <div class="brand">
                <span class="company">{move || ui.company_name()}</span>
                <span class="app-name">{move || app.app_name(ui.lang.get())}</span>
            </div>
            <Show when=move || stage.get() == Stage::Ready>
                <nav aria-label=t(Msg::MainNavigation)>
                    {nav.iter().map(|item| view! { <A href=ui.href(item.path)>{t(item.label)}</A> }).collect_view()}
                </nav>
            </Show>
            <div class="tools">
                <LangPicker/>
                <Show when=move || ui.me.get().is_some()>
                    <span class="who">{move || ui.me.get().map(|m| m.full_name).unwrap_or_default()}</span>
                    <button type="button" class="link" on:click=sign_out_now>{t(Msg::SignOut)}</button>
                </Show>
            </div>
        </header>
        <main id="main" class="page">
            {move || match stage.get() {
                Stage::Loading => view! { <p class="loading" aria-busy="true">{t(Msg::Loading)}</p> }.into_any(),
                Stage::SignIn => view! { <SignInForm app=app/> }.into_any(),
                Stage::MustChange => view! { <PasswordForm forced=true/> }.into_any(),
                Stage::WrongApp(role) => view! { <WrongApp role=role/> }.into_any(),
                Stage::Ready => pages().into_any(),
            }}
        </main>
    }
}

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

#[component]
fn SignInForm(app: Role) -> impl IntoView {
    let ui = use_ui();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let input = Credentials {
            username: username.get(),
            password: password.get(),
            app,
        };
        spawn_local(async move {
            match sign_in(input).await {
                Ok(me) => {
                    password.set(String::new());
                    ui.me.set(Some(me));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="card form narrow" on:submit=submit>
            <h1>{t(Msg::SignInTitle)}</h1>
            <p>{move || ui.company_name()} " · " {move || app.app_name(ui.lang.get())}</p>
            <p class="hint">{t(Msg::SignInIntro)}</p>
            <TextField id="username" label=Msg::Username value=username autocomplete="username" required=true/>
            <TextField id="password" label=Msg::Password value=password kind="password"
                autocomplete="current-password" required=true/>
            <ErrorNote message=Signal::derive(error_message(error))/>
            <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::SignIn)}</button>
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
    let ui = use_ui();
    view! {
        <section class="card narrow">
            <h1>{t(Msg::NotFound)}</h1>
            <p><A href=ui.href("/")>{t(Msg::Home)}</A></p>
        </section>
    }
}

/// A signed-in user's landing page: a greeting and what this app is for.
#[component]
pub fn HomePage(intro: Msg) -> impl IntoView {
    let ui = use_ui();
    view! {
        <h1>{t(Msg::Welcome)} ", " {move || ui.me.get().map(|m| m.full_name).unwrap_or_default()}</h1>
        <section class="card">
            <p class="lead">{move || ui.company_name()}</p>
            <p>{t(intro)}</p>
        </section>
    }
}
