//! An operator's work history, newest first — every assignment to them or away from them with
//! its reason, and every step they took: the operator's own (*My work*), or any operator's for
//! an admin (the floor).

use super::{t, use_ui, ErrorNote, FormCall, Loading, TicketLink, When};
use crate::api::assignment::operator_work;
use crate::dto::TicketEvent;
use crate::i18n::{event_text, Msg};
use leptos::prelude::*;

/// `operator`: `None` for the signed-in operator's own.
#[component]
pub fn WorkHistory(#[prop(optional)] operator: Option<i64>) -> impl IntoView {
    let ui = use_ui();
    let entries = RwSignal::new(Vec::<TicketEvent>::new());
    let next = RwSignal::new(None::<i64>);
    let call = FormCall::new();
    let load = move |before: Option<i64>| {
        call.run(operator_work(operator, before), move |page| {
            entries.update(|all| all.extend(page.entries));
            next.set(page.next);
        });
    };
    load(None);
    view! {
        <ErrorNote message=call.message()/>
        <section class="card">
            {move || (call.busy() && entries.with(Vec::is_empty)).then(|| view! { <Loading/> })}
            <ol class="history work">
                {move || entries.get().into_iter().map(|event| {
                    let (id, reference) = event.ticket.clone().unwrap_or_default();
                    view! {
                        <li>
                            <When at=event.at/> " · " <TicketLink id=id reference=reference/>
                            " — " {move || event_text(&event, ui.lang.get())}
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
