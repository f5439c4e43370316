//! An operator's work history, newest first — every assignment to them or away from them with
//! its reason, and every step they took — under how their clients rated the help: the
//! operator's own (*My work*), or any operator's for an admin (the floor).

use super::{t, use_ui, ErrorNote, FormCall, Loading, TicketLink, When};
use crate::api::assignment::operator_work;
use crate::api::satisfaction::operator_ratings;
use crate::dto::{RatedTicket, Ratings, TicketEvent};
use crate::i18n::{event_text, Msg};
use leptos::prelude::*;

/// How the operator's clients rated the help: the counts, and the newest ratings with comments.
#[component]
fn Satisfaction(operator: Option<i64>) -> impl IntoView {
    let ui = use_ui();
    let ratings = RwSignal::new(None::<Ratings>);
    let call = FormCall::new();
    call.run(operator_ratings(operator), move |r| ratings.set(Some(r)));
    let counts = move || {
        let lang = ui.lang.get();
        ratings.with(|r| {
            r.as_ref().map(|r| match (r.good, r.bad) {
                (0, 0) => Msg::NoRatings.text(lang).to_string(),
                (good, bad) => format!(
                    "👍 {}: {good} · 👎 {}: {bad}",
                    Msg::RateGood.text(lang),
                    Msg::RateBad.text(lang)
                ),
            })
        })
    };
    let line = move |rated: RatedTicket| {
        let mark = if rated.good { "👍 " } else { "👎 " };
        view! {
            <li>
                {mark} <TicketLink id=rated.ticket_id reference=rated.reference/> " " {rated.subject}
                " · " {ui.exact_time(rated.at)}
                {rated.comment.map(|c| view! { <q>{c}</q> })}
            </li>
        }
    };
    view! {
        <section class="card satisfaction" aria-labelledby="satisfaction-title">
            <h2 id="satisfaction-title">{t(Msg::Satisfaction)}</h2>
            <ErrorNote message=call.message()/>
            <p class="counts">{counts}</p>
            <ul class="ratings">
                {move || ratings.get().map(|r| r.recent.into_iter().map(line).collect_view())}
            </ul>
        </section>
    }
}

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
        <Satisfaction operator=operator/>
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
