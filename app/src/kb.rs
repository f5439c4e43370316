//! The knowledge base's rules both sides need, pure: an article's states and the steps between
//! them (`rule` — the server enforces it, the staff apps offer only what it allows; admins
//! publish, and the operators they grant it), tags as kept, the files an article's text shows,
//! and the line-by-line comparison of two versions.

use crate::roles::Role;
use serde::{Deserialize, Serialize};

/// Where an article's latest version stands. Readers see the published version (kept while a
/// newer one is written) until the article is archived.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ArticleState {
    Draft,
    Review,
    Published,
    Archived,
}

impl ArticleState {
    pub const ALL: [ArticleState; 4] = [
        ArticleState::Draft,
        ArticleState::Review,
        ArticleState::Published,
        ArticleState::Archived,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ArticleState::Draft => "draft",
            ArticleState::Review => "review",
            ArticleState::Published => "published",
            ArticleState::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<ArticleState> {
        ArticleState::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A step in an article's workflow. Saving a new version (or restoring an older one) is not a
/// step: it always leaves the latest version a draft.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStep {
    /// Staff: a draft goes to review.
    Submit,
    /// An admin: a draft or one in review is published — readers see this version now.
    Publish,
    /// An admin: no longer shown to readers, whatever it was.
    Archive,
    /// Staff: one in review goes back to draft; an admin: an archived one too.
    Withdraw,
}

impl ArticleStep {
    pub const ALL: [ArticleStep; 4] = [
        ArticleStep::Submit,
        ArticleStep::Publish,
        ArticleStep::Archive,
        ArticleStep::Withdraw,
    ];
}

/// Who takes a step: staff write; admins publish, and so do the operators an admin granted it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Writer {
    pub staff: bool,
    pub publishes: bool,
}

impl Writer {
    /// A person of `role`; `granted`: an admin let them publish.
    pub fn new(role: Role, granted: bool) -> Writer {
        Writer {
            staff: role != Role::Client,
            publishes: role == Role::Admin || (role == Role::Operator && granted),
        }
    }
}

/// The state `step` leads to from `from` when `writer` takes it, if they may.
pub fn rule(step: ArticleStep, writer: Writer, from: ArticleState) -> Option<ArticleState> {
    use ArticleState::*;
    use ArticleStep::*;
    let Writer { staff, publishes } = writer;
    match (step, from) {
        (Submit, Draft) if staff => Some(Review),
        (Publish, Draft | Review) if publishes => Some(Published),
        (Archive, Draft | Review | Published) if publishes => Some(Archived),
        (Withdraw, Review) if staff => Some(Draft),
        (Withdraw, Archived) if publishes => Some(Draft),
        _ => None,
    }
}

/// The steps `writer` may take from `from`, in order.
pub fn steps(writer: Writer, from: ArticleState) -> Vec<ArticleStep> {
    ArticleStep::ALL
        .into_iter()
        .filter(|s| rule(*s, writer, from).is_some())
        .collect()
}

/// What happened to an article, in its history.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ArticleChange {
    Saved,
    /// A new version copied from an older one (`from_version`).
    Restored,
    Stepped(ArticleStep),
}

impl ArticleChange {
    /// The code kept in `kb_events.change`.
    pub fn code(self) -> &'static str {
        match self {
            ArticleChange::Saved => "saved",
            ArticleChange::Restored => "restored",
            ArticleChange::Stepped(ArticleStep::Submit) => "submitted",
            ArticleChange::Stepped(ArticleStep::Publish) => "published",
            ArticleChange::Stepped(ArticleStep::Archive) => "archived",
            ArticleChange::Stepped(ArticleStep::Withdraw) => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<ArticleChange> {
        [ArticleChange::Saved, ArticleChange::Restored]
            .into_iter()
            .chain(ArticleStep::ALL.map(ArticleChange::Stepped))
            .find(|c| c.code() == code)
    }
}

/// Tags as kept: trimmed, lower case, without `,` (the separator they are kept with), each
/// once, in the order given; empty ones dropped.
pub fn tags(given: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for tag in given {
        let tag = tag.replace(',', " ");
        let tag = tag
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if !tag.is_empty() && !kept.contains(&tag) {
            kept.push(tag);
        }
    }
    kept
}

/// Where a file is fetched from; an article's text refers to its pictures and files so.
pub const FILE_PATH: &str = "/api/attachments/";

/// The files `body` refers to (`/api/attachments/<id>`, as a picture or a link), each once, in
/// order of first mention.
pub fn files(body: &str) -> Vec<i64> {
    let mut found = Vec::new();
    for (at, _) in body.match_indices(FILE_PATH) {
        let rest = &body[at + FILE_PATH.len()..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let ends = rest[digits..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if let (true, Ok(id)) = (digits > 0 && ends, rest[..digits].parse::<i64>()) {
            if !found.contains(&id) {
                found.push(id);
            }
        }
    }
    found
}

/// The Markdown that shows an uploaded file in an article: a picture for an image, else a link
/// that downloads it; its name as written.
pub fn file_markdown(name: &str, id: i64, image: bool) -> String {
    let name = crate::canned::escape_markdown(name);
    let bang = if image { "!" } else { "" };
    format!("{bang}[{name}]({FILE_PATH}{id})")
}

/// One line of a comparison between two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Diff<'a> {
    Same(&'a str),
    /// Only in the older version.
    Removed(&'a str),
    /// Only in the newer version.
    Added(&'a str),
}

/// The lines of `old` and `new` compared: the longest common run of lines kept, the rest
/// removed or added, in reading order (removals before additions at each place).
pub fn diff<'a>(old: &'a str, new: &'a str) -> Vec<Diff<'a>> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Lengths of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(Diff::Same(a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(Diff::Removed(a[i]));
            i += 1;
        } else {
            out.push(Diff::Added(b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArticleState::*;
    use ArticleStep::*;

    #[test]
    fn an_article_refers_to_its_files_by_path() {
        let body = "![plan](/api/attachments/12) see [form](/api/attachments/7) and \
                    ![again](/api/attachments/12); not /api/attachments/9x, /api/attachments/, \
                    /files/3 nor /api/attachments/99999999999999999999";
        assert_eq!(files(body), vec![12, 7]);
        assert_eq!(files("end: /api/attachments/5"), vec![5]);
        assert_eq!(
            file_markdown("a [b].png", 3, true),
            "![a \\[b\\].png](/api/attachments/3)"
        );
        assert_eq!(
            file_markdown("f.pdf", 4, false),
            "[f.pdf](/api/attachments/4)"
        );
    }

    #[test]
    fn only_admins_and_those_they_grant_publish_and_archive() {
        let operator = Writer::new(Role::Operator, false);
        let granted = Writer::new(Role::Operator, true);
        let admin = Writer::new(Role::Admin, false);
        assert_eq!(rule(Submit, operator, Draft), Some(Review));
        assert_eq!(rule(Publish, operator, Review), None);
        assert_eq!(rule(Publish, granted, Review), Some(Published));
        assert_eq!(rule(Publish, admin, Review), Some(Published));
        assert_eq!(rule(Publish, admin, Draft), Some(Published));
        assert_eq!(rule(Archive, operator, Published), None);
        assert_eq!(rule(Archive, granted, Published), Some(Archived));
        assert_eq!(rule(Archive, admin, Published), Some(Archived));
        assert_eq!(rule(Withdraw, operator, Review), Some(Draft));
        assert_eq!(rule(Withdraw, operator, Archived), None);
        assert_eq!(rule(Withdraw, admin, Archived), Some(Draft));
        // A client is never a writer, granted or not.
        for state in ArticleState::ALL {
            assert!(steps(Writer::new(Role::Client, true), state).is_empty());
            assert_eq!(ArticleState::parse(state.as_str()), Some(state));
        }
        assert_eq!(steps(admin, Published), vec![Archive]);
        assert_eq!(steps(operator, Published), vec![]);
        assert_eq!(steps(operator, Draft), vec![Submit]);
        assert_eq!(steps(granted, Draft), vec![Submit, Publish, Archive]);
    }

    #[test]
    fn changes_read_back_from_their_codes() {
        for change in [ArticleChange::Saved, ArticleChange::Restored]
            .into_iter()
            .chain(ArticleStep::ALL.map(ArticleChange::Stepped))
        {
            assert_eq!(ArticleChange::parse(change.code()), Some(change));
        }
        assert_eq!(ArticleChange::parse("deleted"), None);
    }

    #[test]
    fn tags_are_kept_once_in_lower_case() {
        let given: Vec<String> = ["Password", " password ", "", "two,  Words", "VPN"]
            .map(String::from)
            .to_vec();
        assert_eq!(tags(&given), vec!["password", "two words", "vpn"]);
    }

    #[test]
    fn versions_compare_line_by_line() {
        let old = "Title\nStep one\nStep two\nEnd";
        let new = "Title\nStep one\nStep 2\nStep three\nEnd";
        assert_eq!(
            diff(old, new),
            vec![
                Diff::Same("Title"),
                Diff::Same("Step one"),
                Diff::Removed("Step two"),
                Diff::Added("Step 2"),
                Diff::Added("Step three"),
                Diff::Same("End"),
            ]
        );
        assert_eq!(diff("", "a"), vec![Diff::Added("a")]);
        assert_eq!(diff("a", ""), vec![Diff::Removed("a")]);
        assert!(diff("same\ntext", "same\ntext")
            .iter()
            .all(|d| matches!(d, Diff::Same(_))));
    }
}
