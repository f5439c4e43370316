//! Installation settings: the company name, and the ticket categories.

use app::api::settings::set_company_name;
use app::dto::limits::COMPANY_NAME_MAX;
use app::i18n::Msg;
use app::ui::{t, use_ui, ErrorNote, FormCall, TextField};
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
        <super::categories::CategoriesCard/>
    }
}
