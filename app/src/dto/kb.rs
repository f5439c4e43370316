//! The wire's types of the knowledge base: sections, articles, their versions, feedback and use.

use serde::{Deserialize, Serialize};

/// A section of the knowledge base. Sections nest one level: one with a `parent_id` has no
/// sections of its own.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// A new section (`id` none), or a new name or place for one.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SectionInput {
    pub id: Option<i64>,
    pub parent_id: Option<i64>,
    pub name: String,
}

/// An article as a list shows it. Clients see the published version's title; staff the latest.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleSummary {
    pub id: i64,
    pub section_id: Option<i64>,
    pub language: crate::i18n::Lang,
    pub title: String,
    pub staff_only: bool,
    pub state: crate::kb::ArticleState,
    /// The latest version's number.
    pub version: i64,
    /// The version readers see, if any.
    pub published_version: Option<i64>,
    pub updated_at: i64,
}

/// One step in an article's history: who, when, what, and the version it made or acted on.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleEvent {
    pub at: i64,
    pub actor_name: String,
    pub change: crate::kb::ArticleChange,
    pub version: i64,
    /// For a restore: the version copied.
    pub from_version: Option<i64>,
}

/// One article: for a client its published version; for staff the latest, with the steps they
/// may take and its history.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Article {
    pub summary: ArticleSummary,
    /// The Markdown as written, and as it reads (rendered on the server, sanitized).
    pub body: String,
    pub html: String,
    pub tags: Vec<String>,
    pub translation_of: Option<i64>,
    /// The other languages the caller may read it in: (article, language).
    pub translations: Vec<(i64, crate::i18n::Lang)>,
    /// Staff: the workflow steps the caller may take now; the history. Empty for clients.
    pub steps: Vec<crate::kb::ArticleStep>,
    pub history: Vec<ArticleEvent>,
    /// Other articles of its section the caller may read.
    pub related: Vec<ArticleSummary>,
    /// The caller's answer to "Did this help?", if given.
    pub helped: Option<bool>,
}

/// A reader's answer to "Did this help?", with an optional comment; a new answer replaces it.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ArticleFeedback {
    pub id: i64,
    pub helpful: bool,
    pub comment: Option<String>,
}

/// An article linked from a ticket; `solved`: the one that solved it, which its client sees.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LinkedArticle {
    pub id: i64,
    pub title: String,
    pub solved: bool,
}

/// One article's use over a period.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleUse {
    pub id: i64,
    pub title: String,
    pub views: i64,
    pub helpful: i64,
    pub unhelpful: i64,
    /// Tickets that linked it.
    pub linked: i64,
}

/// How the knowledge base was used over a period (admins): clients' views, "Did this help?"
/// answers, deflections (a suggested article opened, and no ticket opened after it), searches
/// and the words that found nothing, and the articles most read and most linked from tickets.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct KbAnalytics {
    pub from: i64,
    pub to: i64,
    pub views: i64,
    pub helpful: i64,
    pub unhelpful: i64,
    pub deflections: i64,
    pub searches: i64,
    /// Searches that found nothing: the words, how often.
    pub not_found: Vec<(String, i64)>,
    /// By views, then by links.
    pub articles: Vec<ArticleUse>,
}

/// One saved version of an article, as staff compare and restore them.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ArticleVersion {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub author_name: String,
    pub saved_at: i64,
}

/// A new article (`id` none), or a new version of one (saved as a draft). `seen`: the latest
/// version the writer began from; a newer one saved meanwhile refuses the save (`Stale`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ArticleInput {
    pub id: Option<i64>,
    pub section_id: Option<i64>,
    pub language: crate::i18n::Lang,
    pub translation_of: Option<i64>,
    pub staff_only: bool,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub seen: Option<i64>,
}

/// A workflow step on an article's latest version, which must be `version` (what the caller
/// looked at: an admin publishes exactly the version they read).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ArticleMove {
    pub id: i64,
    pub step: crate::kb::ArticleStep,
    pub version: i64,
}
