//! A client's ticket: the articles that solved it, and "How did we do?" under a closed ticket: good or bad in one tap, then an optional comment;
//! changeable until the rating window ends (`tickets::RATING_DAYS` after the close).

use app::api::kb::ticket_articles;
use app::api::satisfaction::rate_ticket;
use app::dto::{LinkedArticle, Rate, TicketDetail};
use app::i18n::Msg;
use app::ui::{follow, t, use_ui, ErrorNote, FormCall, TextArea, TicketView};
use leptos::prelude::*;

/// The ticket, and under it the rating while it may be given.
#[component]
pub fn RatedTicketView(id: i64) -> impl IntoView {
    let ui = use_ui();
    let detail = RwSignal::new(None::<TicketDetail>);
    // Drawn again only when the window changes (a reopening), not at every reload.
    let open_until = Memo::new(move |_| {
        detail
            .with(|d| d.as_ref().and_then(TicketDetail::rating_until))
            .filter(|until| ui.now.get() < *until)
    });
    // The articles that solved it, loaded again whenever the ticket is.
    let articles = RwSignal::new(Vec::<LinkedArticle>::new());
    let load = FormCall::new();
    Effect::watch(
        move || detail.with(|d| d.as_ref().map(TicketDetail::version)),
        move |_, _, _| load.run(ticket_articles(id), move |list| articles.set(list)),
        true,
    );
    view! {
        <TicketView id=id detail=detail/>
        <app::ui::ClientCallButtons ticket=id/>
        {move || (!articles.with(Vec::is_empty)).then(|| view! {
            <section class="card">
                <h2>{t(Msg::ArticlesForTicket)}</h2>
                <ul class="help-articles">
                    {articles.get().into_iter().map(|a| {
                        let path = format!("/help/{}", a.id);
                        view! { <li><a href=ui.href(&path) on:click=follow(ui, path)>{a.title}</a></li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {move || open_until.get().map(|until| view! { <Rating id=id detail=detail until=until/> })}
    }
}

#[component]
fn Rating(id: i64, detail: RwSignal<Option<TicketDetail>>, until: i64) -> impl IntoView {
    let ui = use_ui();
    let current = move || detail.with(|d| d.as_ref().and_then(TicketDetail::rating));
    let comment = RwSignal::new(current().and_then(|(_, c)| c).unwrap_or_default());
    let call = FormCall::new();
    let send = move |good: bool| {
        let input = Rate {
            ticket_id: id,
            good,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        call.run(rate_ticket(input), move |d| {
            detail.set(Some(d));
            ui.changed();
        });
    };
    let choice = move |good: bool, label: Msg, mark: &'static str| {
        view! {
            <button type="button" class=if good { "rate good" } else { "rate bad" }
                aria-pressed=move || (current().map(|(g, _)| g) == Some(good)).to_string()
                disabled=move || call.busy() on:click=move |_| send(good)>
                <span aria-hidden="true">{mark}</span> " " {t(label)}
            </button>
        }
    };
    view! {
        <section class="card rating" aria-labelledby="rating-title">
            <h2 id="rating-title">{t(Msg::HowDidWeDo)}</h2>
            <p class="actions">
                {choice(true, Msg::RateGood, "👍")}
                {choice(false, Msg::RateBad, "👎")}
            </p>
            {move || current().map(|(good, _)| view! {
                <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send(good);
                }>
                    <TextArea id="rating-comment" label=Msg::RatingComment value=comment/>
                    <button type="submit" disabled=move || call.busy()>{t(Msg::SendComment)}</button>
                </form>
                <p class="hint" role="status">{t(Msg::RatingThanks)} " " {move || ui.exact_time(until)}</p>
            })}
            <ErrorNote message=call.message()/>
        </section>
    }
}
