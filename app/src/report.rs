//! Pure helpers of the admin's statistics pages, compiled everywhere and tested natively: the
//! CSV text of a table as it is shown, the top of a chart's scale, figures as text.

use crate::dto::Figures;
use crate::i18n::duration_text;

/// A duration as the figures show it; a dash for none.
pub fn duration(d: Option<i64>) -> String {
    d.map(duration_text).unwrap_or_else(|| "—".into())
}

/// Of those rated, how many were satisfied, in whole percent, and of how many; a dash for none.
pub fn satisfied(f: &Figures) -> String {
    match f.good + f.bad {
        0 => "—".into(),
        all => format!("{} % ({} / {all})", f.good * 100 / all, f.good),
    }
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
