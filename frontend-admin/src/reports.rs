//! Saved reports on the statistics page: the list, each run with one click into a table of its
//! measures by its breakdown (downloadable as CSV), deleted; and the form that saves the
//! period, step and filters chosen above with the columns and rows chosen here.

use super::charts::FigureTable;
use super::stats::step_labels;
use app::api::stats::{delete_report, save_stats_report, saved_reports, stats_report};
use app::dto::limits::REPORT_NAME_MAX;
use app::dto::{Breakdown, Measure, ReportDefinition, SaveReport, SavedReport, Stats, StatsQuery};
use app::i18n::Msg;
use app::report::{file_name, measure_name, report_table};
use app::ui::{choices, t, use_ui, ErrorNote, FormCall, Select, TextField};
use leptos::prelude::*;

const BREAKDOWNS: [(&str, Msg); 4] = [
    ("time", Msg::ByTime),
    ("category", Msg::ByCategory),
    ("priority", Msg::ByPriority),
    ("operator", Msg::ByOperator),
];

fn breakdown(code: &str) -> Breakdown {
    match code {
        "category" => Breakdown::Category,
        "priority" => Breakdown::Priority,
        "operator" => Breakdown::Operator,
        _ => Breakdown::Time,
    }
}

/// The saved reports, the one run last, and the form that saves the page's `query` as one.
#[component]
pub fn SavedReports(query: Signal<Option<StatsQuery>>) -> impl IntoView {
    let ui = use_ui();
    let reports = RwSignal::new(Vec::<SavedReport>::new());
    let shown = RwSignal::new(None::<(SavedReport, Stats)>);
    let call = FormCall::new();
    call.run(saved_reports(), move |list| reports.set(list));
    let run = move |report: SavedReport| {
        let query = report.definition.query.clone();
        call.run(stats_report(query), move |stats| {
            shown.set(Some((report.clone(), stats)))
        });
    };
    let delete = move |id: i64| {
        call.run(delete_report(id), move |list| {
            reports.set(list);
            if shown.with_untracked(|s| s.as_ref().is_some_and(|(r, _)| r.id == id)) {
                shown.set(None);
            }
        });
    };
    view! {
        <section class="card saved-reports">
            <h2>{t(Msg::SavedReports)}</h2>
            {move || reports.with(Vec::is_empty).then(|| view! { <p class="empty">{t(Msg::NoSavedReports)}</p> })}
            <ul class="reports">
                {move || reports.get().into_iter().map(|r| {
                    let lang = ui.lang.get();
                    let run_label = format!("{} · {}", Msg::RunReport.text(lang), r.name);
                    let delete_label = format!("{} · {}", Msg::Delete.text(lang), r.name);
                    let id = r.id;
                    let name = r.name.clone();
                    view! {
                        <li>
                            <span class="name">{name}</span>
                            <button type="button" class="primary" aria-label=run_label
                                disabled=move || call.busy() on:click=move |_| run(r.clone())>{t(Msg::RunReport)}</button>
                            <button type="button" class="link" aria-label=delete_label
                                disabled=move || call.busy() on:click=move |_| delete(id)>{t(Msg::Delete)}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ErrorNote message=call.message()/>
        </section>
        {move || shown.get().map(|(report, stats)| {
            let labels = step_labels(&stats, report.definition.query.bucket);
            let (head, rows) = report_table(&stats, &report.definition, ui.lang.get(), &labels);
            view! {
                <FigureTable title=report.name.clone() file=file_name(&report.name) head=head rows=rows/>
            }
        })}
        <SaveForm query=query reports=reports/>
    }
}

#[component]
fn SaveForm(
    query: Signal<Option<StatsQuery>>,
    reports: RwSignal<Vec<SavedReport>>,
) -> impl IntoView {
    let ui = use_ui();
    let name = RwSignal::new(String::new());
    let measures = RwSignal::new(vec![Measure::Created, Measure::Closed]);
    let rows = RwSignal::new(Breakdown::Time);
    let saved = RwSignal::new(false);
    let call = FormCall::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let Some(query) = query.get_untracked() else {
            return;
        };
        // In the order of the choices, whatever the order of the clicks.
        let chosen = measures.get_untracked();
        let input = SaveReport {
            name: name.get_untracked(),
            definition: ReportDefinition {
                measures: Measure::ALL
                    .into_iter()
                    .filter(|m| chosen.contains(m))
                    .collect(),
                breakdown: rows.get_untracked(),
                query,
            },
        };
        call.run(save_stats_report(input), move |list| {
            reports.set(list);
            name.set(String::new());
            saved.set(true);
        });
    };
    view! {
        <details class="card fold save-report">
            <summary>{t(Msg::SaveAsReport)}</summary>
            <form class="form" on:submit=submit>
                <p class="hint">{t(Msg::SaveAsReportHint)}</p>
                <TextField id="report-name" label=Msg::ReportName value=name required=true maxlength=REPORT_NAME_MAX/>
                <fieldset class="measures">
                    <legend>{t(Msg::Measures)}</legend>
                    {Measure::ALL.into_iter().map(|m| view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || measures.with(|l| l.contains(&m))
                                on:change=move |_| measures.update(|l| match l.iter().position(|x| *x == m) {
                                    Some(i) => { l.remove(i); }
                                    None => l.push(m),
                                })/>
                            {move || measure_name(m, ui.lang.get())}
                        </label>
                    }).collect_view()}
                </fieldset>
                <Select id="report-rows" label=Msg::Breakdown options=choices(&BREAKDOWNS)
                    on_pick=move |v| rows.set(breakdown(&v))/>
                <ErrorNote message=call.message()/>
                <p class="success" role="status" hidden=move || !saved.get()>{t(Msg::Saved)}</p>
                <button type="submit" class="primary" disabled=move || call.busy() || query.with(Option::is_none)>
                    {t(Msg::SaveReport)}
                </button>
            </form>
        </details>
    }
}
