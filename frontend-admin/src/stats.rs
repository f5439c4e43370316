//! Statistics: a period (today, 7 or 30 days, this month, chosen dates), a step (hour, day,
//! week) and filters; the figures at a glance; then each chart over the table of its numbers,
//! and the tables by operator, category and priority — every table downloadable as CSV.

use super::charts::{msg, Bars, Chart, FigureTable, Kind, Series};
use super::tickets::{Pick, TicketFilters};
use app::api::stats::{stats_report, stats_sla};
use app::dto::{
    AttainmentRow, Bucket, Durations, Figures, Measure, Period, SlaAttainment, SlaTarget, Stats,
    StatsFilter, StatsQuery,
};
use app::i18n::{Lang, Msg};
use app::report::{duration, measure_name, satisfied};
use app::tickets::Status;
use app::ui::{choices, t, use_ui, ErrorNote, FormCall, Loading, Select};
use leptos::prelude::*;

const PERIODS: [(&str, Msg); 5] = [
    ("last7_days", Msg::PeriodLast7Days),
    ("today", Msg::PeriodToday),
    ("last30_days", Msg::PeriodLast30Days),
    ("this_month", Msg::PeriodThisMonth),
    ("custom", Msg::PeriodCustom),
];

const STEPS: [(&str, Msg); 3] = [
    ("day", Msg::StepDay),
    ("hour", Msg::StepHour),
    ("week", Msg::StepWeek),
];

fn period(code: &str, from: String, to: String) -> Period {
    match code {
        "today" => Period::Today,
        "last30_days" => Period::Last30Days,
        "this_month" => Period::ThisMonth,
        "custom" => Period::Custom { from, to },
        _ => Period::Last7Days,
    }
}

fn step(code: &str) -> Bucket {
    match code {
        "hour" => Bucket::Hour,
        "week" => Bucket::Week,
        _ => Bucket::Day,
    }
}

#[component]
pub fn StatsPage() -> impl IntoView {
    let ui = use_ui();
    let period_code = RwSignal::new("last7_days".to_string());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let bucket = RwSignal::new(Bucket::Day);
    let filter = RwSignal::new(StatsFilter::default());
    let stats = RwSignal::new(None::<Stats>);
    let attainment = RwSignal::new(None::<SlaAttainment>);
    let call = FormCall::new();
    let sla_call = FormCall::new();
    // The choices as a query (chosen dates: once both are there).
    let query = Memo::new(move |_| {
        let code = period_code.get();
        let (f, t) = (from.get(), to.get());
        if code == "custom" && (f.is_empty() || t.is_empty()) {
            return None;
        }
        Some(StatsQuery {
            period: period(&code, f, t),
            bucket: bucket.get(),
            filter: filter.get(),
        })
    });
    // Again whenever a choice changes.
    Effect::new(move |_| {
        if let Some(query) = query.get() {
            call.run(stats_report(query.clone()), move |s| stats.set(Some(s)));
            sla_call.run(stats_sla(query), move |a| attainment.set(Some(a)));
        }
    });
    let date = move |id: &'static str, label: Msg, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{t(label)}</label>
                <input type="date" id=id bind:value=value/>
            </div>
        }
    };
    view! {
        <h1>{t(Msg::Statistics)}</h1>
        <section class="card">
            <div class="filters row">
                <Select id="stats-period" label=Msg::Period options=choices(&PERIODS)
                    on_pick=move |v| period_code.set(v)/>
                {move || (period_code.get() == "custom").then(|| view! {
                    {date("stats-from", Msg::FromDay, from)}
                    {date("stats-to", Msg::ToDay, to)}
                })}
                <Select id="stats-step" label=Msg::Step options=choices(&STEPS)
                    on_pick=move |v| bucket.set(step(&v))/>
                <TicketFilters on_pick=move |pick| filter.update(|f| match pick {
                    Pick::Operator(v) => f.operator_id = v,
                    Pick::Client(v) => f.client_id = v,
                    Pick::Category(v) => f.category_id = v,
                    Pick::Priority(v) => f.priority = v,
                })/>
            </div>
            <ErrorNote message=call.message()/>
        </section>
        <super::reports::SavedReports query=Signal::from(query)/>
        {move || (call.busy() && stats.with(Option::is_none)).then(|| view! { <Loading/> })}
        {move || stats.get().map(|s| {
            let lang = ui.lang.get();
            view! { <Report stats=s lang=lang bucket=bucket.get_untracked()/> }
        })}
        <ErrorNote message=sla_call.message()/>
        {move || attainment.get().filter(|a| !a.policies.is_empty()).map(|a| {
            let lang = ui.lang.get();
            view! { <Attainment attainment=a lang=lang/> }
        })}
    }
}

/// Each step's start as its row and the chart's axis read it: the day, and by the hour the
/// time too, in the installation's time zone.
pub fn step_labels(stats: &Stats, bucket: Bucket) -> Vec<String> {
    let ui = use_ui();
    let label = move |ms: i64| match bucket {
        Bucket::Hour => ui.local_time(
            ms,
            &[
                ("day", "numeric"),
                ("month", "short"),
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("hourCycle", "h23"),
            ],
        ),
        Bucket::Day | Bucket::Week => ui.local_time(
            ms,
            &[("weekday", "short"), ("day", "numeric"), ("month", "short")],
        ),
    };
    stats.buckets.iter().map(|b| label(b.start)).collect()
}

#[component]
fn Report(stats: Stats, lang: Lang, bucket: Bucket) -> impl IntoView {
    let text = |m: Msg| m.text(lang).to_string();
    let labels = step_labels(&stats, bucket);
    let quiet = stats.totals.created == 0 && stats.totals.closed == 0 && stats.reopened == 0;
    let per_step = |pick: fn(&app::dto::StatsBucket) -> i64| -> Vec<i64> {
        stats.buckets.iter().map(pick).collect()
    };
    let flow = vec![
        Series {
            name: text(Msg::Created),
            class: "chart-1",
            values: per_step(|b| b.created),
        },
        Series {
            name: text(Msg::Closings),
            class: "chart-2",
            values: per_step(|b| b.closed),
        },
        Series {
            name: text(Msg::Reopened),
            class: "chart-3",
            values: per_step(|b| b.reopened),
        },
    ];
    let waiting = [
        Status::Open,
        Status::Assigned,
        Status::InProgress,
        Status::ReturnedToClient,
    ];
    let backlog: Vec<Series> = waiting
        .iter()
        .enumerate()
        .map(|(i, status)| Series {
            name: status.label(lang).to_string(),
            class: ["chart-4", "chart-1", "chart-2", "chart-3"][i],
            values: stats
                .buckets
                .iter()
                .map(|b| b.backlog.map_or(0, |l| l[i]))
                .collect(),
        })
        .collect();
    let step_head = text(Msg::Step);
    let table_of = |series: &[Series], upto: usize| -> (Vec<String>, Vec<Vec<String>>) {
        let head = std::iter::once(step_head.clone())
            .chain(series.iter().map(|s| s.name.clone()))
            .collect();
        let rows = labels
            .iter()
            .take(upto)
            .enumerate()
            .map(|(i, l)| {
                std::iter::once(l.clone())
                    .chain(series.iter().map(|s| s.values[i].to_string()))
                    .collect()
            })
            .collect();
        (head, rows)
    };
    let (flow_head, flow_rows) = table_of(&flow, labels.len());
    // The backlog is known up to now: later steps are left out.
    let known = stats.buckets.iter().filter(|b| b.backlog.is_some()).count();
    let (backlog_head, backlog_rows) = table_of(&backlog, known);
    // The columns of the figure tables, named as saved reports name them.
    let columns = |first: Msg, measures: &[Measure]| -> Vec<String> {
        std::iter::once(text(first))
            .chain(measures.iter().map(|m| measure_name(*m, lang)))
            .collect()
    };
    const FIGURES: [Measure; 7] = [
        Measure::Created,
        Measure::Closed,
        Measure::Confirmed,
        Measure::Lapsed,
        Measure::FirstResponse,
        Measure::Resolution,
        Measure::Satisfied,
    ];
    let figure_head = |first: Msg| columns(first, &FIGURES);
    let figure_row = |name: String, f: &Figures| -> Vec<String> {
        vec![
            name,
            f.created.to_string(),
            f.closed.to_string(),
            f.confirmed.to_string(),
            f.lapsed.to_string(),
            duration(f.first_response_median_ms),
            duration(f.resolution_median_ms),
            satisfied(f),
        ]
    };
    let by_category: Vec<Vec<String>> = stats
        .by_category
        .iter()
        .map(|c| {
            figure_row(
                c.category.clone().unwrap_or_else(|| text(Msg::NoCategory)),
                &c.figures,
            )
        })
        .collect();
    let by_priority: Vec<Vec<String>> = stats
        .by_priority
        .iter()
        .map(|p| figure_row(p.priority.label(lang).to_string(), &p.figures))
        .collect();
    let most = |pick: fn(&app::dto::OperatorFigures) -> i64| {
        stats.by_operator.iter().map(pick).max().unwrap_or(0)
    };
    let (most_handled, most_closed) = (most(|o| o.handled), most(|o| o.figures.closed));
    let operator_head = columns(
        Msg::Operator,
        &[
            Measure::Handled,
            Measure::Closed,
            Measure::Confirmed,
            Measure::Lapsed,
            Measure::FirstResponse,
            Measure::Resolution,
            Measure::Satisfied,
        ],
    );
    let operator_rows: Vec<Vec<String>> = stats
        .by_operator
        .iter()
        .map(|o| {
            let f = &o.figures;
            vec![
                o.name.clone(),
                o.handled.to_string(),
                f.closed.to_string(),
                f.confirmed.to_string(),
                f.lapsed.to_string(),
                duration(f.first_response_median_ms),
                duration(f.resolution_median_ms),
                satisfied(f),
            ]
        })
        .collect();
    let operator_bars: Bars = stats
        .by_operator
        .iter()
        .map(|o| {
            vec![
                None,
                Some((o.handled, most_handled)),
                Some((o.figures.closed, most_closed)),
            ]
        })
        .collect();
    let at_a_glance = |name: Msg, d: &Durations| {
        view! {
            <div class="glance">
                <dt>{t(name)}</dt>
                <dd><strong>{duration(d.median_ms)}</strong> " " {text(Msg::Median)}
                    <br/><small>{text(Msg::P90)} " " {duration(d.p90_ms)}</small></dd>
            </div>
        }
    };
    let count = |name: Msg, n: i64| view! { <div class="glance"><dt>{t(name)}</dt><dd><strong>{n}</strong></dd></div> };
    view! {
        <section class="card">
            <dl class="at-a-glance">
                {count(Msg::Created, stats.totals.created)}
                <div class="glance">
                    <dt>{t(Msg::Resolved)}</dt>
                    <dd><strong>{stats.totals.closed}</strong>
                        <br/><small>{text(Msg::ConfirmedByClient)} " " {stats.totals.confirmed}
                            " · " {text(Msg::ClosedUnanswered)} " " {stats.totals.lapsed}</small></dd>
                </div>
                {count(Msg::Reopened, stats.reopened)}
                {at_a_glance(Msg::FirstResponse, &stats.first_response)}
                {at_a_glance(Msg::Resolution, &stats.resolution)}
                {at_a_glance(Msg::WaitingOnClient, &stats.returned)}
                <div class="glance"><dt>{t(Msg::Satisfied)}</dt><dd><strong>{satisfied(&stats.totals)}</strong></dd></div>
            </dl>
            {quiet.then(|| view! { <p class="hint">{t(Msg::NothingInPeriod)}</p> })}
        </section>
        <FigureTable title=msg(Msg::OverTime) file="created-closed" head=flow_head rows=flow_rows
            chart=view! { <Chart id="chart-flow" kind=Kind::Lines title=Msg::OverTime described=Msg::OverTimeDescribed labels=labels.clone() series=flow/> }.into_any()/>
        <FigureTable title=msg(Msg::Backlog) file="backlog" head=backlog_head rows=backlog_rows
            chart=view! { <Chart id="chart-backlog" kind=Kind::StackedBars title=Msg::Backlog described=Msg::BacklogDescribed labels=labels[..known].to_vec() series=backlog/> }.into_any()/>
        <FigureTable title=msg(Msg::ByOperator) file="by-operator" head=operator_head rows=operator_rows bars=operator_bars/>
        <FigureTable title=msg(Msg::ByCategory) file="by-category" head=figure_head(Msg::Category) rows=by_category/>
        <FigureTable title=msg(Msg::ByPriority) file="by-priority" head=figure_head(Msg::Priority) rows=by_priority/>
        {(!stats.comments.is_empty()).then(|| view! {
            <section class="card satisfaction">
                <h2>{t(Msg::ClientComments)}</h2>
                <ul class="ratings">
                    {stats.comments.into_iter().map(|c| view! {
                        <li>
                            {if c.good { "👍 " } else { "👎 " }}
                            <app::ui::TicketLink id=c.ticket_id reference=c.reference/> " " {c.subject}
                            {c.comment.map(|text| view! { <q>{text}</q> })}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// Service levels over the period: per policy and per operator, the tickets with clocks and the
/// share of them that met each target.
#[component]
fn Attainment(attainment: SlaAttainment, lang: Lang) -> impl IntoView {
    let text = |m: Msg| m.text(lang).to_string();
    let head = |first: Msg| -> Vec<String> {
        std::iter::once(text(first))
            .chain(std::iter::once(text(Msg::Tickets)))
            .chain(SlaTarget::ALL.iter().map(|t| t.label(lang).to_string()))
            .collect()
    };
    let row = |name: String, r: &AttainmentRow| -> Vec<String> {
        std::iter::once(name)
            .chain(std::iter::once(r.tickets.to_string()))
            .chain(r.missed.iter().map(|missed| {
                if r.tickets == 0 {
                    "–".to_string()
                } else {
                    format!("{} %", (r.tickets - missed) * 100 / r.tickets)
                }
            }))
            .collect()
    };
    let policies: Vec<Vec<String>> = attainment
        .policies
        .iter()
        .map(|r| {
            let priority = r.priority.map(|p| p.label(lang)).unwrap_or_default();
            let category = r.category.clone().unwrap_or_else(|| text(Msg::AnyCategory));
            row(format!("{priority} · {category}"), r)
        })
        .collect();
    let operators: Vec<Vec<String>> = attainment
        .operators
        .iter()
        .map(|r| {
            row(
                r.operator.clone().unwrap_or_else(|| text(Msg::Unassigned)),
                r,
            )
        })
        .collect();
    view! {
        <FigureTable title=msg(Msg::SlaMetByPolicy) file="sla-by-policy" head=head(Msg::SlaPolicies) rows=policies/>
        <FigureTable title=msg(Msg::SlaMetByOperator) file="sla-by-operator" head=head(Msg::Operator) rows=operators/>
    }
}
