//! Usernames from full names: lowercase `first.last`, letters folded to ASCII
//! (č→c, ć→c, đ→dj, š→s, ž→z, other accents stripped), a number appended when taken.

use crate::dto::limits::USERNAME_MAX;
use unicode_normalization::UnicodeNormalization;

/// Folds one word to lowercase ASCII letters and digits.
fn fold(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        match c {
            'đ' | 'Đ' => out.push_str("dj"),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            _ => out.extend(
                c.nfd()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase()),
            ),
        }
    }
    out
}

/// The username the template gives for a full name, before clashes are resolved.
pub fn base(full_name: &str) -> String {
    let words: Vec<String> = full_name
        .split(|c: char| c.is_whitespace() || c == '-')
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    let name = match words.as_slice() {
        [] => "user".to_string(),
        [only] => only.clone(),
        [first, .., last] => format!("{first}.{last}"),
    };
    // Leave room for a clash number.
    name.chars().take(USERNAME_MAX - 8).collect()
}

/// `base` if free, else `base2`, `base3`, … — the first that is not in `taken`.
pub fn first_free(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (2u64..)
        .map(|n| format!("{base}{n}"))
        .find(|candidate| !taken.iter().any(|t| t == candidate))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_the_first_dot_last_template() {
        assert_eq!(base("Đorđe Šarić"), "djordje.saric");
        assert_eq!(base("Ana Kovač"), "ana.kovac");
        assert_eq!(base("Žana Ćosić"), "zana.cosic");
        assert_eq!(base("  Ana   Marija  Kovač "), "ana.kovac");
        assert_eq!(base("Ole-Gunnar Sørensen"), "ole.sorensen");
        assert_eq!(base("Madonna"), "madonna");
        assert_eq!(base("Åsa Öberg"), "asa.oberg");
        assert_eq!(base("Ανδρέας"), "user");
    }

    #[test]
    fn clashes_get_the_next_free_number() {
        let taken = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(first_free("ana.kovac", &taken(&[])), "ana.kovac");
        assert_eq!(
            first_free("ana.kovac", &taken(&["ana.kovac"])),
            "ana.kovac2"
        );
        assert_eq!(
            first_free(
                "ana.kovac",
                &taken(&["ana.kovac", "ana.kovac2", "ana.kovac3"])
            ),
            "ana.kovac4"
        );
        assert_eq!(
            first_free("ana.kovac", &taken(&["ana.kovac3"])),
            "ana.kovac"
        );
    }

    proptest! {
        #[test]
        fn usernames_are_always_short_lowercase_ascii(name in "\\PC{0,120}") {
            let u = base(&name);
            prop_assert!(!u.is_empty());
            prop_assert!(u.len() <= USERNAME_MAX);
            prop_assert!(u.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.'));
        }
    }
}
