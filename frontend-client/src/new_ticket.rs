//! Opening a ticket: subject, description, priority. The reference is shown once it exists.

use app::api::tickets::create_ticket;
use app::dto::limits::{SUBJECT_MAX, TEXT_MAX};
use app::dto::NewTicket;
use app::i18n::Msg;
use app::tickets::Priority;
use app::ui::{label, t, use_ui, ErrorNote, FormCall, TextArea, TextField};
use leptos::prelude::*;

/// A fresh key per ticket the client means to create: a retried request reuses it.
fn idempotency_key() -> String {
    let random = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let ui = use_ui();
    let subject = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let priority = RwSignal::new(Priority::Normal);
    let key = RwSignal::new(idempotency_key());
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewTicket {
            subject: subject.get_untracked(),
            description: description.get_untracked(),
            category_id: None,
            priority: priority.get_untracked(),
            earlier_ticket_id: None,
            idempotency_key: key.get_untracked(),
            attachments: Vec::new(),
        };
        call.run(create_ticket(input), move |detail| {
            key.set(idempotency_key());
            ui.navigate(&format!("/tickets/{}", detail.ticket.id));
        });
    };
    view! {
        <h1>{t(Msg::NewTicket)}</h1>
        <form class="card form" on:submit=submit>
            <TextField id="subject" label=Msg::Subject value=subject required=true maxlength=SUBJECT_MAX/>
            <TextArea id="description" label=Msg::Description value=description required=true maxlength=TEXT_MAX/>
            <div class="field">
                <label for="priority">{t(Msg::Priority)}</label>
                <select id="priority" aria-describedby="priority-hint" on:change=move |ev| {
                    if let Some(p) = Priority::parse(&event_target_value(&ev)) {
                        priority.set(p);
                    }
                }>
                    {Priority::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=move || priority.get() == p>{label(p, Priority::label)}</option>
                    }).collect_view()}
                </select>
                <p class="hint" id="priority-hint">{t(Msg::PriorityHint)}</p>
            </div>
            <ErrorNote message=call.message()/>
            <button type="submit" class="primary" disabled=move || call.busy.get()>{t(Msg::OpenTicket)}</button>
        </form>
    }
}
