//! Text people type, cleaned by one set of rules before any rule sees it — subjects, bodies,
//! names, reasons, category names, the company name, file names, search words:
//!
//! - Text that is empty once white space, invisible characters (zero-width spaces and joiners,
//!   the byte-order mark, soft hyphens) and direction controls are set aside is empty: a subject
//!   or a forced change's reason made only of them is refused as missing.
//! - NUL and the other control characters are refused (long text keeps its new lines and tabs;
//!   `\r\n` becomes `\n`).
//! - Single-line text (names, subjects, file names) loses its direction controls (U+202A–202E,
//!   U+2066–2069, U+200E/200F, U+061C): a right-to-left override cannot make
//!   `invoice<U+202E>gnp.txt` show as "invoicetxt.png". Long text keeps them, as right-to-left
//!   writing needs them.

use crate::error::{AppError, Field, Problem};

/// Characters that change the direction text is shown in.
pub fn is_direction_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that show nothing by themselves.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
    )
}

/// Whether a reader would see anything of `text`.
pub fn shows_something(text: &str) -> bool {
    text.chars()
        .any(|c| !(c.is_whitespace() || is_invisible(c) || is_direction_control(c)))
}

/// A line's characters as they may be stored and shown: without direction controls, trimmed.
/// Control characters are left for the caller to refuse (file names drop them instead).
pub fn single_line(value: &str) -> String {
    value
        .chars()
        .filter(|c| !is_direction_control(*c))
        .collect::<String>()
        .trim()
        .to_string()
}

/// Every new line (`\r\n`, `\r`) as `\n`.
pub fn unix_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// A single-line text a person typed: without direction controls, trimmed, required (something
/// visible), bounded, without control characters.
pub fn clean_line(field: Field, value: &str, max: usize) -> Result<String, AppError> {
    checked(field, single_line(value), max, |_| false)
}

/// Multi-line text a person wrote: new lines as `\n`, trimmed, required (something visible),
/// bounded, without control characters but new lines and tabs.
pub fn clean_text(field: Field, text: &str, max: usize) -> Result<String, AppError> {
    let text = unix_newlines(text);
    checked(field, text.trim().to_string(), max, |c| {
        c == '\n' || c == '\t'
    })
}

/// The checks every text passes: something visible, at most `max` characters, no control
/// character but those `allowed`.
fn checked(
    field: Field,
    text: String,
    max: usize,
    allowed: fn(char) -> bool,
) -> Result<String, AppError> {
    if !shows_something(&text) {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if text.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(AppError::invalid(field, Problem::Malformed));
    }
    Ok(text)
}

/// A working week as a form sends it: each weekday's hours within the day, ending after they
/// start; and a list of days (`YYYY-MM-DD`, else refused as `days`), as dates.
pub fn checked_week(
    hours: &[crate::dto::WorkHours],
    days: &[String],
    days_field: Field,
) -> Result<Vec<jiff::civil::Date>, AppError> {
    for h in hours {
        let fits = (1..=7).contains(&h.weekday)
            && (0..1440).contains(&h.start_minute)
            && h.start_minute < h.end_minute
            && h.end_minute <= 1440;
        if !fits {
            return Err(AppError::invalid(Field::WorkHours, Problem::Malformed));
        }
    }
    days.iter()
        .map(|day| {
            day.parse::<jiff::civil::Date>()
                .map_err(|_| AppError::invalid(days_field, Problem::Malformed))
        })
        .collect()
}

/// At most `max` characters of `text` (a text taken from elsewhere — an e-mail, a chat's first
/// words — made to fit a field).
pub fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(result: Result<String, AppError>) -> Option<Problem> {
        match result {
            Err(AppError::Invalid { problem, .. }) => Some(problem),
            _ => None,
        }
    }

    #[test]
    fn lines_are_trimmed_bounded_and_without_control_characters() {
        assert_eq!(
            clean_line(Field::FullName, "  Ana Kovač ", 100).unwrap(),
            "Ana Kovač"
        );
        assert!(clean_line(Field::FullName, "   ", 100).is_err());
        assert!(clean_line(Field::FullName, &"x".repeat(101), 100).is_err());
        assert_eq!(
            problem(clean_line(Field::FullName, "Ana\u{0}", 100)),
            Some(Problem::Malformed)
        );
    }

    #[test]
    fn texts_are_trimmed_and_bounded_and_keep_their_lines() {
        assert_eq!(
            clean_text(Field::Text, " First.\r\n\tSecond. ", 100).unwrap(),
            "First.\n\tSecond."
        );
        assert!(clean_text(Field::Text, " \n ", 100).is_err());
        assert!(clean_text(Field::Text, &"x".repeat(101), 100).is_err());
        assert_eq!(
            problem(clean_text(Field::Text, "Printer\u{0} jam", 100)),
            Some(Problem::Malformed)
        );
    }

    #[test]
    fn invisible_text_is_no_text() {
        let invisible = "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060}\u{00AD} \u{202E}\u{2066}\u{200F}";
        assert_eq!(
            problem(clean_line(Field::Subject, invisible, 100)),
            Some(Problem::Required)
        );
        assert_eq!(
            problem(clean_text(Field::Reason, invisible, 100)),
            Some(Problem::Required)
        );
        // Joiners inside real words stay (emoji, scripts that need them).
        assert_eq!(
            clean_line(Field::Subject, "Printer 👩\u{200D}💻", 100).unwrap(),
            "Printer 👩\u{200D}💻"
        );
    }

    #[test]
    fn lines_lose_direction_controls_and_texts_keep_them() {
        assert_eq!(
            clean_line(Field::Subject, "invoice\u{202E}gnp.txt", 100).unwrap(),
            "invoicegnp.txt"
        );
        assert_eq!(
            clean_text(Field::Text, "\u{200F}שלום, the printer", 100).unwrap(),
            "\u{200F}שלום, the printer"
        );
    }
}
