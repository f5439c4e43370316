//! Charts drawn as SVG in the page — a line chart and stacked bars — with axes, a legend, the
//! values under the pointer (or finger, or the arrow keys once focused), a title and a
//! description for screen readers; and the table every chart stands over, which a CSV file
//! downloads as shown. Coordinates are whole numbers on a 6400 × 2400 canvas: no float is
//! ever formatted (that alone costs kilobytes of WebAssembly).

use app::i18n::Msg;
use app::report::{csv, nice_ceiling};
use app::ui::{t, use_ui};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

const W: i64 = 6400;
const H: i64 = 2400;
const LEFT: i64 = 560;
const RIGHT: i64 = 480;
const TOP: i64 = 120;
const BOTTOM: i64 = 320;
const PLOT_W: i64 = W - LEFT - RIGHT;
const PLOT_H: i64 = H - TOP - BOTTOM;
/// At most this many labels under the x axis.
const X_LABELS: usize = 6;

/// One line, or one layer of the bars.
#[derive(Clone)]
pub struct Series {
    pub name: String,
    /// `chart-1` … `chart-4`: the series' colour, light and dark (`style/salter.css`).
    pub class: &'static str,
    pub values: Vec<i64>,
}

/// How the chart is drawn: line or stacked bars.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lines,
    StackedBars,
}

/// A chart of `series` over the steps `labels`, with its title and description.
#[component]
pub fn Chart(
    id: &'static str,
    kind: Kind,
    title: Msg,
    described: Msg,
    labels: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let n = labels.len().max(1) as i64;
    let top = (0..n as usize)
        .map(|i| {
            let at = |s: &Series| s.values.get(i).copied().unwrap_or(0);
            match kind {
                Kind::Lines => series.iter().map(at).max().unwrap_or(0),
                Kind::StackedBars => series.iter().map(at).sum(),
            }
        })
        .max()
        .unwrap_or(0);
    let ceiling = nice_ceiling(top);
    let y = move |v: i64| TOP + PLOT_H - v * PLOT_H / ceiling;
    let band = PLOT_W / n;
    let x = move |i: usize| match kind {
        Kind::Lines if n > 1 => LEFT + i as i64 * PLOT_W / (n - 1),
        _ => LEFT + i as i64 * band + band / 2,
    };
    let pointed = RwSignal::new(None::<usize>);
    let mut lines = vec![0, ceiling / 2, ceiling];
    lines.dedup();
    let grid = lines
        .into_iter()
        .map(|v| {
            view! {
                <line class="grid" x1=LEFT x2=W - RIGHT y1=y(v) y2=y(v)/>
                <text class="axis" x=LEFT - 40 y=y(v) + 50 text-anchor="end">{v}</text>
            }
        })
        .collect_view();
    let every = labels.len().div_ceil(X_LABELS).max(1);
    let ticks = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, label)| {
            view! { <text class="axis" x=x(i) y=H - 100 text-anchor="middle">{label.clone()}</text> }
        })
        .collect_view();
    let marks = match kind {
        Kind::Lines => series
            .iter()
            .map(|s| {
                let points = s
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("{},{}", x(i), y(*v)))
                    .collect::<Vec<_>>()
                    .join(" ");
                view! { <polyline class=format!("line {}", s.class) points=points/> }.into_any()
            })
            .collect_view()
            .into_any(),
        Kind::StackedBars => (0..labels.len())
            .map(|i| {
                let mut base = 0;
                series
                    .iter()
                    .map(|s| {
                        let v = s.values.get(i).copied().unwrap_or(0);
                        let (from, to) = (y(base), y(base + v));
                        base += v;
                        view! {
                            <rect class=format!("bar {}", s.class) x=x(i) - band * 35 / 100
                                width=band * 70 / 100 y=to height=from - to/>
                        }
                    })
                    .collect_view()
            })
            .collect_view()
            .into_any(),
    };
    let cursor = move || {
        pointed.get().map(|i| {
            view! { <line class="cursor" x1=x(i) x2=x(i) y1=TOP y2=TOP + PLOT_H/> }
        })
    };
    let canvas = NodeRef::<leptos::svg::Svg>::new();
    let point = move |ev: leptos::ev::PointerEvent| {
        let Some(svg) = canvas.get_untracked() else {
            return;
        };
        let rect = svg.get_bounding_client_rect();
        if rect.width() <= 0.0 {
            return;
        }
        let at = ((f64::from(ev.client_x()) - rect.left()) / rect.width() * W as f64) as i64;
        let i = match kind {
            Kind::Lines if n > 1 => (at - LEFT + PLOT_W / (n - 1) / 2) * (n - 1) / PLOT_W,
            _ => (at - LEFT) / band.max(1),
        };
        pointed.set(Some(i.clamp(0, n - 1) as usize));
    };
    let keys = move |ev: leptos::ev::KeyboardEvent| {
        let last = n as usize - 1;
        let now = pointed.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowRight" => now.map_or(0, |i| (i + 1).min(last)),
            "ArrowLeft" => now.map_or(last, |i| i.saturating_sub(1)),
            _ => return,
        };
        ev.prevent_default();
        pointed.set(Some(next));
    };
    let readout = {
        let (labels, series) = (labels.clone(), series.clone());
        move || {
            pointed.get().and_then(|i| {
                let label = labels.get(i)?;
                let values = series
                    .iter()
                    .map(|s| format!("{} {}", s.name, s.values.get(i).copied().unwrap_or(0)))
                    .collect::<Vec<_>>()
                    .join(" · ");
                Some(format!("{label}: {values}"))
            })
        }
    };
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let (labelled, described_by) = (title_id.clone(), desc_id.clone());
    view! {
        <figure class="chart">
            <svg node_ref=canvas viewBox=format!("0 0 {W} {H}") role="img" tabindex="0"
                aria-labelledby=labelled aria-describedby=described_by
                on:pointermove=point on:pointerdown=point on:keydown=keys
                on:pointerleave=move |_| pointed.set(None)>
                <title id=title_id>{t(title)}</title>
                <desc id=desc_id>{t(described)}</desc>
                {grid}
                <line class="axis-line" x1=LEFT x2=W - RIGHT y1=TOP + PLOT_H y2=TOP + PLOT_H/>
                {ticks}
                {marks}
                {cursor}
            </svg>
            <figcaption>
                <ul class="legend">
                    {series.iter().map(|s| view! {
                        <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect class=format!("bar {}", s.class) width="10" height="10"/></svg> {s.name.clone()}</li>
                    }).collect_view()}
                </ul>
                <p class="readout" aria-live="polite">{readout}</p>
            </figcaption>
        </figure>
    }
}

/// A small bar in a table cell: `value` against `max`.
#[component]
pub fn CellBar(value: i64, max: i64) -> impl IntoView {
    let width = if max > 0 { value * 100 / max } else { 0 };
    view! {
        <svg class="cell-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
            <rect class="bar chart-1" width=width height="10"/>
        </svg>
    }
}

/// Hands the browser a file to save.
pub fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = document()
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Small bars in a table's cells: per row, per column, (value, the column's largest).
pub type Bars = Vec<Vec<Option<(i64, i64)>>>;

/// A fixed text as a heading that follows the language picker.
pub fn msg(m: Msg) -> Signal<String> {
    let lang = use_ui().lang;
    Signal::derive(move || m.text(lang.get()).to_string())
}

/// A table of text cells under its title, with the button that downloads it as CSV.
#[component]
pub fn FigureTable(
    /// The heading, in the language of the moment (`msg`), or a name someone gave.
    #[prop(into)]
    title: Signal<String>,
    /// The CSV file's name, without `.csv`; also the table's class.
    #[prop(into)]
    file: String,
    head: Vec<String>,
    rows: Vec<Vec<String>>,
    #[prop(optional)] bars: Option<Bars>,
    #[prop(optional)] chart: Option<AnyView>,
) -> impl IntoView {
    let text = csv(&head, &rows);
    let class = format!("figures {file}");
    let save = move |_| download(&format!("{file}.csv"), &text);
    let bars = bars.unwrap_or_default();
    view! {
        <section class="card figures" aria-label=move || title.get()>
            <h2>{move || title.get()}</h2>
            {chart}
            <div class="table-wrap">
                <table class=class>
                    <thead><tr>{head.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {rows.into_iter().enumerate().map(|(r, row)| {
                            let row_bars = bars.get(r).cloned().unwrap_or_default();
                            let head = head.clone();
                            view! {
                                <tr>
                                    {row.into_iter().enumerate().map(|(c, cell)| {
                                        let bar = row_bars.get(c).copied().flatten();
                                        view! {
                                            <td data-label=head.get(c).cloned().unwrap_or_default()>
                                                <span class="value">{cell}</span>
                                                {bar.map(|(v, max)| view! { <CellBar value=v max=max/> })}
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="actions"><button type="button" on:click=save>{t(Msg::DownloadCsv)}</button></p>
        </section>
    }
}
