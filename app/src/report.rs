//! Pure helpers of the admin's statistics pages, compiled everywhere and tested natively: the
//! CSV text of a table as it is shown, the top of a chart's scale, figures as text.

use crate::dto::{Breakdown, Figures, Measure, ReportDefinition, Stats};
use crate::i18n::{duration_text, Lang, Msg};

/// A duration as the figures show it; a dash for none.
pub fn duration(d: Option<i64>) -> String {
    d.map(duration_text).unwrap_or_else(|| "—".into())
}

/// Of those rated, how many were satisfied, in whole percent, and of how many; a dash for none.
pub fn satisfied(f: &Figures) -> String {
    share(f.good, f.bad)
}

/// `yes` of `yes + no` in whole percent, and of how many; a dash for none.
pub fn share(yes: i64, no: i64) -> String {
    match yes + no {
        0 => "—".into(),
        all => format!("{} % ({yes} / {all})", yes * 100 / all),
    }
}

/// A name someone gave, as a file's name: letters and digits kept (lower case), every run of
/// anything else one dash; `report` when nothing is left.
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "report".into()
    } else {
        out.into()
    }
}

/// A measure's column heading.
pub fn measure_name(m: Measure, lang: Lang) -> String {
    let median = |name: Msg| format!("{} ({})", name.text(lang), Msg::Median.text(lang));
    match m {
        Measure::Created => Msg::Created.text(lang).into(),
        Measure::Closed => Msg::Resolved.text(lang).into(),
        Measure::Reopened => Msg::Reopened.text(lang).into(),
        Measure::Confirmed => Msg::ConfirmedByClient.text(lang).into(),
        Measure::Lapsed => Msg::ClosedUnanswered.text(lang).into(),
        Measure::Handled => Msg::Handled.text(lang).into(),
        Measure::FirstResponse => median(Msg::FirstResponse),
        Measure::Resolution => median(Msg::Resolution),
        Measure::Satisfied => Msg::Satisfied.text(lang).into(),
        Measure::Backlog => Msg::Backlog.text(lang).into(),
    }
}

/// A row's values where they are known: what a step, a slice of tickets or the whole period
/// says of each measure (`None`: not counted that way, shown as a dash).
#[derive(Default)]
struct Known {
    figures: Option<Figures>,
    created: Option<i64>,
    closed: Option<i64>,
    reopened: Option<i64>,
    handled: Option<i64>,
    backlog: Option<i64>,
}

impl Known {
    fn of(figures: Figures) -> Known {
        Known {
            figures: Some(figures),
            created: Some(figures.created),
            closed: Some(figures.closed),
            ..Known::default()
        }
    }

    fn cell(&self, m: Measure) -> String {
        let n = |v: Option<i64>| v.map_or_else(|| "—".to_string(), |v| v.to_string());
        let f = self.figures.as_ref();
        match m {
            Measure::Created => n(self.created),
            Measure::Closed => n(self.closed),
            Measure::Reopened => n(self.reopened),
            Measure::Confirmed => n(f.map(|f| f.confirmed)),
            Measure::Lapsed => n(f.map(|f| f.lapsed)),
            Measure::Handled => n(self.handled),
            Measure::FirstResponse => duration(f.and_then(|f| f.first_response_median_ms)),
            Measure::Resolution => duration(f.and_then(|f| f.resolution_median_ms)),
            Measure::Satisfied => f.map_or_else(|| "—".into(), satisfied),
            Measure::Backlog => n(self.backlog),
        }
    }
}

/// A saved report's table as it is shown and downloaded: a row per part of its breakdown (per
/// step of time, labelled by `step_labels`; per category, priority or operator) and one for the
/// whole period, a column per measure.
pub fn report_table(
    stats: &Stats,
    def: &ReportDefinition,
    lang: Lang,
    step_labels: &[String],
) -> (Vec<String>, Vec<Vec<String>>) {
    let first = match def.breakdown {
        Breakdown::Time => Msg::Step,
        Breakdown::Category => Msg::Category,
        Breakdown::Priority => Msg::Priority,
        Breakdown::Operator => Msg::Operator,
    };
    let head = std::iter::once(first.text(lang).to_string())
        .chain(def.measures.iter().map(|m| measure_name(*m, lang)))
        .collect();
    let parts: Vec<(String, Known)> = match def.breakdown {
        Breakdown::Time => stats
            .buckets
            .iter()
            .zip(step_labels)
            .map(|(b, label)| {
                let known = Known {
                    created: Some(b.created),
                    closed: Some(b.closed),
                    reopened: Some(b.reopened),
                    backlog: b.backlog.map(|l| l.iter().sum()),
                    ..Known::default()
                };
                (label.clone(), known)
            })
            .collect(),
        Breakdown::Category => stats
            .by_category
            .iter()
            .map(|c| {
                let name = c.category.clone();
                let name = name.unwrap_or_else(|| Msg::NoCategory.text(lang).to_string());
                (name, Known::of(c.figures))
            })
            .collect(),
        Breakdown::Priority => stats
            .by_priority
            .iter()
            .map(|p| (p.priority.label(lang).to_string(), Known::of(p.figures)))
            .collect(),
        Breakdown::Operator => stats
            .by_operator
            .iter()
            .map(|o| {
                let known = Known {
                    handled: Some(o.handled),
                    ..Known::of(o.figures)
                };
                (o.name.clone(), known)
            })
            .collect(),
    };
    let whole = Known {
        reopened: Some(stats.reopened),
        ..Known::of(stats.totals)
    };
    let rows = parts
        .into_iter()
        .chain(std::iter::once((
            Msg::AllRows.text(lang).to_string(),
            whole,
        )))
        .map(|(name, known)| {
            std::iter::once(name)
                .chain(def.measures.iter().map(|m| known.cell(*m)))
                .collect()
        })
        .collect();
    (head, rows)
}

/// 1, 2 or 5 times a power of ten, at least `v` (and 1): where a chart's axis ends.
pub fn nice_ceiling(v: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= v {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// One cell of a CSV file: quoted when it must be, and a leading `=`, `+`, `-` or `@` made
/// harmless, so that a spreadsheet never runs a name or comment someone typed as a formula.
fn csv_cell(cell: &str) -> String {
    let cell = match cell.chars().next() {
        Some('=' | '+' | '-' | '@') if cell.parse::<i64>().is_err() => format!("'{cell}"),
        _ => cell.to_string(),
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

/// A table's header and rows as a CSV file (`\r\n` after each record).
pub fn csv(head: &[String], rows: &[Vec<String>]) -> String {
    std::iter::once(head)
        .chain(rows.iter().map(Vec::as_slice))
        .map(|row| {
            row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\r\n")
        + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_report_shows_its_measures_by_its_breakdown_with_the_whole_period_last() {
        use crate::dto::{
            Bucket, Durations, OperatorFigures, Period, StatsBucket, StatsFilter, StatsQuery,
        };
        let figures = Figures {
            created: 3,
            closed: 2,
            confirmed: 1,
            lapsed: 1,
            first_response_median_ms: Some(120_000),
            resolution_median_ms: None,
            good: 1,
            bad: 1,
        };
        let stats = Stats {
            from: 0,
            to: 2,
            buckets: vec![
                StatsBucket {
                    start: 0,
                    created: 2,
                    closed: 1,
                    reopened: 0,
                    backlog: Some([1, 0, 1, 0]),
                },
                StatsBucket {
                    start: 1,
                    created: 1,
                    closed: 1,
                    reopened: 1,
                    backlog: None,
                },
            ],
            totals: figures,
            reopened: 1,
            first_response: Durations::default(),
            resolution: Durations::default(),
            returned: Durations::default(),
            by_category: Vec::new(),
            by_priority: Vec::new(),
            by_operator: vec![OperatorFigures {
                operator_id: 7,
                name: "Tarik".into(),
                handled: 4,
                figures,
            }],
            comments: Vec::new(),
        };
        let def = |breakdown, measures: &[Measure]| ReportDefinition {
            measures: measures.to_vec(),
            breakdown,
            query: StatsQuery {
                period: Period::Today,
                bucket: Bucket::Hour,
                filter: StatsFilter::default(),
            },
        };
        let labels = ["Mon".to_string(), "Tue".to_string()];
        let by_time = def(
            Breakdown::Time,
            &[Measure::Created, Measure::Backlog, Measure::Satisfied],
        );
        let (head, rows) = report_table(&stats, &by_time, Lang::En, &labels);
        assert_eq!(head, ["Step", "Created", "Backlog", "Satisfied"]);
        assert_eq!(
            rows,
            [
                ["Mon", "2", "2", "—"],
                ["Tue", "1", "—", "—"],
                ["All", "3", "—", "50 % (1 / 2)"]
            ]
        );
        let by_operator = def(
            Breakdown::Operator,
            &[Measure::Handled, Measure::Lapsed, Measure::FirstResponse],
        );
        let (head, rows) = report_table(&stats, &by_operator, Lang::Bs, &labels);
        assert_eq!(head[1], "Dodijeljeno");
        assert_eq!(
            rows,
            [["Tarik", "4", "1", "2 min"], ["Sve", "—", "1", "2 min"]]
        );
    }

    #[test]
    fn a_report_name_makes_a_harmless_file_name() {
        assert_eq!(
            file_name("Weekly: Šarić's tickets!"),
            "weekly-šarić-s-tickets"
        );
        assert_eq!(file_name("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_name(" !! "), "report");
    }

    #[test]
    fn satisfaction_reads_as_a_share_of_those_rated() {
        let f = |good, bad| Figures {
            good,
            bad,
            ..Figures::default()
        };
        assert_eq!(satisfied(&f(0, 0)), "—");
        assert_eq!(satisfied(&f(2, 1)), "66 % (2 / 3)");
        assert_eq!(duration(None), "—");
        assert_eq!(duration(Some(90_000)), "1 min");
    }

    #[test]
    fn csv_quotes_what_it_must_and_disarms_formulas() {
        let head = vec!["Name".to_string(), "Count".to_string()];
        let rows = vec![
            vec!["Ana, \"A\"".to_string(), "3".to_string()],
            vec!["=HYPERLINK(\"x\")".to_string(), "-2".to_string()],
            vec!["@SUM".to_string(), "+1".to_string()],
        ];
        assert_eq!(
            csv(&head, &rows),
            "Name,Count\r\n\"Ana, \"\"A\"\"\",3\r\n\"'=HYPERLINK(\"\"x\"\")\",-2\r\n'@SUM,+1\r\n"
        );
    }

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(nice_ceiling(0), 1);
        assert_eq!(nice_ceiling(1), 1);
        assert_eq!(nice_ceiling(7), 10);
        assert_eq!(nice_ceiling(11), 20);
        assert_eq!(nice_ceiling(130), 200);
        assert_eq!(nice_ceiling(5000), 5000);
    }
}
