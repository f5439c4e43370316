//! The console's home: what needs the admin now, at a glance — the waiting queue and the ticket
//! waiting longest, the operators on duty with their loads, today's figures and the last 7 days'
//! satisfaction — each leading to the page with the detail. Again whenever tickets change.

use app::api::stats::stats_overview;
use app::dto::{Figures, Overview};
use app::i18n::Msg;
use app::report::{duration, satisfied};
use app::ui::{t, use_ui, ErrorNote, FormCall, Link, Loading, TicketLink, When};
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let ui = use_ui();
    let overview = RwSignal::new(None::<Overview>);
    let call = FormCall::new();
    Effect::new(move |_| {
        ui.changes.track();
        call.run(stats_overview(), move |o| overview.set(Some(o)));
    });
    view! {
        <h1>{t(Msg::Overview)}</h1>
        <ErrorNote message=call.message()/>
        {move || (call.busy() && overview.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || overview.get().map(|o| view! { <Glance o=o/> })}
    }
}

#[component]
fn Glance(o: Overview) -> impl IntoView {
    let week = Figures {
        good: o.week_good,
        bad: o.week_bad,
        ..Figures::default()
    };
    let count = |name: Msg, n: i64| {
        view! { <div class="glance"><dt>{t(name)}</dt><dd><strong>{n}</strong></dd></div> }
    };
    view! {
        <div class="overview">
            <section class="card" aria-labelledby="waiting">
                <h2 id="waiting">{t(Msg::WaitingQueue)}</h2>
                <p class="big"><strong>{o.waiting}</strong></p>
                {match o.oldest_waiting {
                    Some(w) => view! {
                        <p>{t(Msg::WaitingLongest)} ": " <TicketLink id=w.id reference=w.reference/>
                            " " {w.subject} " · " <When at=w.created_at/></p>
                    }.into_any(),
                    None => view! { <p class="empty">{t(Msg::NobodyWaiting)}</p> }.into_any(),
                }}
                <p><Link path="/tickets" label=Msg::SeeQueue/></p>
            </section>
            <section class="card" aria-labelledby="on-duty">
                <h2 id="on-duty">{t(Msg::OnDutyNow)}</h2>
                {o.on_duty.is_empty().then(|| view! { <p class="empty">{t(Msg::NobodyOnDuty)}</p> })}
                <ul class="on-duty">
                    {o.on_duty.into_iter().map(|op| view! {
                        <li>{op.full_name} " · " {t(Msg::Load)} " " {format!("{} / {}", op.load, op.plan.capacity)}</li>
                    }).collect_view()}
                </ul>
                <p><Link path="/floor" label=Msg::SeeFloor/></p>
            </section>
            <section class="card" aria-labelledby="today">
                <h2 id="today">{t(Msg::PeriodToday)}</h2>
                <dl class="at-a-glance">
                    {count(Msg::Created, o.today.created)}
                    {count(Msg::Resolved, o.today.closed)}
                    <div class="glance">
                        <dt>{t(Msg::FirstResponse)}</dt>
                        <dd><strong>{duration(o.today.first_response_median_ms)}</strong> " " {t(Msg::Median)}</dd>
                    </div>
                </dl>
                <p><Link path="/stats" label=Msg::SeeFigures/></p>
            </section>
            <section class="card" aria-labelledby="week">
                <h2 id="week">{t(Msg::SatisfactionWeek)}</h2>
                <p class="big"><strong>{satisfied(&week)}</strong></p>
                <p>{format!("👍 {} · 👎 {}", o.week_good, o.week_bad)}</p>
                <p><Link path="/stats" label=Msg::SeeFigures/></p>
            </section>
        </div>
    }
}
