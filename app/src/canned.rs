//! Canned responses' rules that both sides need, pure: the shortcut's form, the placeholders a
//! body may hold and how they are filled, and which responses a `/word` typed in the composer
//! offers. The server checks and fills (`server::canned`); the staff apps find the word being
//! typed and the matches.

use crate::dto::Canned;

/// What a canned response may hold, as written in it, for the form's hint and the error.
pub const PLACEHOLDERS: &str = "{client_name}, {ticket_ref}, {operator_name}, {company_name}";

/// What the placeholders of one insert stand for: the ticket's client and reference, the
/// person inserting, the installation's company name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    pub client_name: String,
    pub ticket_ref: String,
    pub operator_name: String,
    pub company_name: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        match name {
            "client_name" => Some(&self.client_name),
            "ticket_ref" => Some(&self.ticket_ref),
            "operator_name" => Some(&self.operator_name),
            "company_name" => Some(&self.company_name),
            _ => None,
        }
    }
}

/// A `{word}` at the start of `text` (word: ASCII lower case letters and `_`): the word and the
/// length of the whole `{word}`. Other braces are text.
fn placeholder_at(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix('{')?;
    let end = rest.find('}')?;
    let word = &rest[..end];
    let shaped = !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    shaped.then_some((word, end + 2))
}

/// Walks `body` once, giving each placeholder to `each` and copying the rest; `None` when a
/// placeholder is not one of ours.
fn walk(body: &str, mut each: impl FnMut(&str, &mut String) -> bool) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match placeholder_at(rest) {
            Some((word, len)) => {
                if !each(word, &mut out) {
                    return None;
                }
                rest = &rest[len..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// Whether every placeholder in `body` is one that is filled.
pub fn placeholders_known(body: &str) -> bool {
    let known = Values::default();
    walk(body, |word, _| known.get(word).is_some()).is_some()
}

/// `body` with its placeholders replaced by `values`, in one pass (a value that looks like a
/// placeholder stays as it is). Values are escaped for Markdown, so a client's name reads as
/// written whatever characters it holds: it cannot become a link, an image or markup.
pub fn fill(body: &str, values: &Values) -> String {
    walk(body, |word, out| {
        match values.get(word) {
            Some(value) => out.push_str(&escape_markdown(value)),
            None => {
                out.push('{');
                out.push_str(word);
                out.push('}');
            }
        }
        true
    })
    .unwrap_or_default()
}

/// `text` with every character Markdown gives a meaning backslash-escaped (CommonMark: any
/// ASCII punctuation may be), so it renders literally.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '['
                | ']'
                | '('
                | ')'
                | '<'
                | '>'
                | '!'
                | '#'
                | '|'
                | '~'
                | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `c` may be part of a shortcut: letters (any script), digits, `-` and `_`.
pub fn shortcut_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// A shortcut as typed, in the form it is kept (trimmed, lower case); `None` when it is empty
/// or holds anything but letters, digits, `-` and `_`.
pub fn shortcut(name: &str) -> Option<String> {
    let name = name.trim().trim_start_matches('/').to_lowercase();
    (!name.is_empty() && name.chars().all(shortcut_char)).then_some(name)
}

/// The `/word` being typed just before `caret` (a browser's selection offset, in UTF-16 code
/// units) — the slash at the start of the text or after a space or new line —: the byte range
/// of `/word` in `text`, and the word.
pub fn slash_word(text: &str, caret: usize) -> Option<(std::ops::Range<usize>, &str)> {
    let end = byte_offset(text, caret);
    let before = &text[..end];
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !shortcut_char(*c))
        .map(|(i, _)| i)?;
    if !before[start..].starts_with('/') {
        return None;
    }
    let opens = before[..start]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    opens.then(|| (start..end, &before[start + 1..]))
}

/// The byte offset in `text` of a UTF-16 offset (a browser's caret; clamped to the text, and
/// to a character).
pub fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// At most this many responses are offered for a `/word`.
pub const OFFERED: usize = 8;

/// The responses `/word` offers: those whose shortcut starts with the word, then those that
/// hold it elsewhere; the reader's own before shared ones, then by shortcut.
pub fn offered<'a>(all: &'a [Canned], word: &str) -> Vec<&'a Canned> {
    let word = word.to_lowercase();
    let mut hits: Vec<(bool, bool, &Canned)> = all
        .iter()
        .filter_map(|c| {
            let starts = c.name.starts_with(&word);
            (starts || c.name.contains(&word)).then_some((!starts, c.shared, c))
        })
        .collect();
    hits.sort_by(|a, b| (a.0, a.1, &a.2.name).cmp(&(b.0, b.1, &b.2.name)));
    hits.into_iter().take(OFFERED).map(|h| h.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            client_name: "Ana Kovač".into(),
            ticket_ref: "T-000042".into(),
            operator_name: "Đorđe Šarić".into(),
            company_name: "Acme".into(),
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_ones_refused() {
        let body = "Hello {client_name}, about {ticket_ref}: {operator_name} of {company_name}.";
        assert!(placeholders_known(body));
        assert_eq!(
            fill(body, &values()),
            "Hello Ana Kovač, about T-000042: Đorđe Šarić of Acme."
        );
        assert!(!placeholders_known("Dear {client}"));
        // Only lower-case words are placeholders.
        assert!(placeholders_known("{Client_Name}"));
        // Braces that are no placeholder are text.
        for text in [
            "a { b }",
            "{}",
            "{ client_name }",
            "json {\"a\": 1}",
            "{",
            "}{",
        ] {
            assert!(placeholders_known(text), "{text}");
            assert_eq!(fill(text, &values()), text);
        }
        // A value that looks like a placeholder is not filled again (and reads as written).
        let sly = Values {
            client_name: "{company_name}".into(),
            ..values()
        };
        assert_eq!(fill("{client_name}", &sly), r"{company\_name}");
    }

    #[test]
    fn hostile_values_are_text() {
        let hostile = Values {
            client_name: "<img src=x onerror=alert(1)> [x](javascript:alert(1)) *b* &amp;".into(),
            ..values()
        };
        let filled = fill("Hi {client_name}", &hostile);
        assert_eq!(
            filled,
            r"Hi \<img src=x onerror=alert\(1\)\> \[x\]\(javascript:alert\(1\)\) \*b\* \&amp;"
        );
    }

    #[test]
    fn shortcuts_are_words() {
        assert_eq!(shortcut(" /Reset-PW "), Some("reset-pw".into()));
        assert_eq!(shortcut("lozinka_č"), Some("lozinka_č".into()));
        for bad in ["", "/", "two words", "a/b", "semi;colon"] {
            assert_eq!(shortcut(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_word_being_typed_after_a_slash() {
        assert_eq!(slash_word("/res", 4), Some((0..4, "res")));
        assert_eq!(slash_word("Hi\n/res", 7), Some((3..7, "res")));
        assert_eq!(slash_word("Hi /", 4), Some((3..4, "")));
        // In the middle of the text, up to the caret.
        assert_eq!(slash_word("x /reset y", 8), Some((2..8, "reset")));
        // Not in a path or a date.
        assert_eq!(slash_word("a/b", 3), None);
        assert_eq!(slash_word("12/05", 5), None);
        assert_eq!(slash_word("hello", 5), None);
        // Offsets are UTF-16 units: "č" is one, "😀" two.
        assert_eq!(slash_word("č /ž", 4), Some((3..6, "ž")));
        assert_eq!(slash_word("😀 /a", 5), Some((5..7, "a")));
        assert_eq!(slash_word("/a", 99), Some((0..2, "a")));
    }

    fn canned(name: &str, shared: bool) -> Canned {
        Canned {
            id: 0,
            name: name.into(),
            body: String::new(),
            shared,
            uses: 0,
            last_used_at: None,
        }
    }

    #[test]
    fn offers_start_matches_first_own_before_shared() {
        let all = vec![
            canned("password-reset", true),
            canned("reset", true),
            canned("reset", false),
            canned("refund", false),
            canned("welcome", true),
        ];
        let names = |word| {
            offered(&all, word)
                .iter()
                .map(|c| (c.name.as_str(), c.shared))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names("res"),
            vec![("reset", false), ("reset", true), ("password-reset", true)]
        );
        assert_eq!(names("RE").len(), 4);
        assert_eq!(names("").len(), 5);
        assert!(names("zzz").is_empty());
    }
}
