//! Installation settings: the company name.

use app::api::settings::set_company_name;
use app::dto::limits::COMPANY_NAME_MAX;
use app::error::AppError;
use app::i18n::Msg;
use app::ui::{error_message, t, use_ui, ErrorNote, TextField};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let ui = use_ui();
    let name = RwSignal::new(ui.company.get_untracked().unwrap_or_default());
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        saved.set(false);
        error.set(None);
        spawn_local(async move {
            match set_company_name(name.get_untracked()).await {
                Ok(settings) => {
                    ui.company.set(settings.company_name);
                    saved.set(true);
                }
                Err(e) => ui.fail(error, e),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{t(Msg::Settings)}</h1>
        <form class="card form" on:submit=submit>
            <TextField id="company-name" label=Msg::CompanyName value=name hint=Msg::CompanyNameHint
                required=true maxlength=COMPANY_NAME_MAX/>
            <ErrorNote message=Signal::derive(error_message(error))/>
            <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>{t(Msg::Save)}</button>
        </form>
    }
}
