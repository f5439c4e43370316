//! An operator's work history, newest first — every assignment to them or away from them with
//! its reason, and every step they took — under how their clients rated the help: the
//! operator's own (*My work*), or any operator's for an admin (the floor).

use super::{t, use_ui, ErrorNote, FormCall, Loading, TicketLink, When};
use crate::api::assignment::operator_work;
use crate::api::satisfaction::operator_ratings;
use crate::dto::{Ratings, TicketEvent};
use crate::i18n::{event_text, Msg};
use leptos::prelude::*;

/// How the operator's clients rated the help: the counts, and the newest ratings with comments.
#[component]
fn Satisfaction(operator: Option<i64>) -> impl IntoView {
    let ratings = RwSignal::new(None::<Ratings>);
    let call = FormCall::new();
    call.run(operator_ratings(operator), move |r| ratings.set(Some(r)));
    view! {
        <section class="card satisfaction" aria-labelledby="satisfaction-title">
            <h2 id="satisfaction-title">{t(Msg::Satisfaction)}</h2>
            <ErrorNote message=call.message()/>
            {move || ratings.get().map(|r| view! {
                <p class="counts">
                    <span class="good">"👍 " {t(Msg::RateGood)} ": " {r.good}</span> " · "
                    <span class="bad">"👎 " {t(Msg::RateBad)} ": " {r.bad}</span>
                </p>
                {r.recent.is_empty().then(|| view! { <p class="hint">{t(Msg::NoRatings)}</p> })}
                <ul class="ratings">
                    {r.recent.into_iter().map(|rated| view! {
                        <li>
                            <span aria-hidden="true">{if rated.good { "👍" } else { "👎" }}</span> " "
                            {t(if rated.good { Msg::RatedGood } else { Msg::RatedBad })} " · "
                            <TicketLink id=rated.ticket_id reference=rated.reference/> " " {rated.subject}
                            " · " <When at=rated.at/>
                            {rated.comment.map(|c| view! { <q>{c}</q> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
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
