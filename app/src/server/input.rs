//! Text people type, cleaned by one set of rules before any rule sees it: trimmed, required,
//! bounded. Every field goes through one of these.

use crate::error::{AppError, Field, Problem};

/// A single-line text a person typed: trimmed, required, bounded, without control characters.
pub fn clean_line(field: Field, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if value.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    if value.chars().any(char::is_control) {
        return Err(AppError::invalid(field, Problem::Malformed));
    }
    Ok(value.to_string())
}

/// Multi-line text a person wrote: trimmed, required, bounded.
pub fn clean_text(field: Field, text: &str, max: usize) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, Problem::Required));
    }
    if text.chars().count() > max {
        return Err(AppError::invalid(field, Problem::TooLong { max }));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_bounded_and_without_control_characters() {
        assert_eq!(
            clean_line(Field::FullName, "  Ana Kovač ", 100).unwrap(),
            "Ana Kovač"
        );
        assert!(clean_line(Field::FullName, "   ", 100).is_err());
        assert!(clean_line(Field::FullName, &"x".repeat(101), 100).is_err());
        assert!(clean_line(Field::FullName, "Ana\u{0}", 100).is_err());
    }

    #[test]
    fn texts_are_trimmed_and_bounded_and_keep_their_lines() {
        assert_eq!(
            clean_text(Field::Text, " First.\nSecond. ", 100).unwrap(),
            "First.\nSecond."
        );
        assert!(clean_text(Field::Text, " \n ", 100).is_err());
        assert!(clean_text(Field::Text, &"x".repeat(101), 100).is_err());
    }
}
