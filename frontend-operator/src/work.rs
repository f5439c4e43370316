//! My work: the operator's own work history, newest first — every assignment to them or away
//! from them with its reason, and every step they took.

use app::api::assignment::operator_work;
use app::dto::WorkEntry;
use app::i18n::Msg;
use app::ui::{event_text, t, use_ui, ErrorNote, FormCall, TicketLink, When};
use leptos::prelude::*;

#[component]
pub fn WorkPage() -> impl IntoView {
    let ui = use_ui();
    let entries = RwSignal::new(Vec::<WorkEntry>::new());
    let next = RwSignal::new(None::<i64>);
    let call = FormCall::new();
    let load = move |before: Option<i64>| {
        call.run(operator_work(None, before), move |page| {
            entries.update(|all| all.extend(page.entries));
            next.set(page.next);
        });
    };
    load(None);
    view! {
        <h1>{t(Msg::MyWork)}</h1>
        <ErrorNote message=call.message()/>
        <section class="card">
            <ol class="history work">
                {move || entries.get().into_iter().map(|e| {
                    let event = e.event;
                    view! {
                        <li>
                            <When at=event.at/> " · " <TicketLink id=e.ticket_id reference=e.reference/>
                            " " {e.subject} " — " {move || event_text(&event, ui.lang.get())}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || next.get().map(|before| view! {
                <button type="button" on:click=move |_| load(Some(before))>{t(Msg::LoadMore)}</button>
            })}
        </section>
    }
}
