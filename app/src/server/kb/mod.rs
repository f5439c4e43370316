//! The knowledge base: articles staff write and clients read in the portal's Help. Every save
//! is a new version (`kb_versions`, never changed); an article's row says where it stands — its
//! latest version, that version's state (`kb::ArticleState`, moved by `kb::rule`), and the
//! version readers see, which changes only when a new version is published. Who may read what
//! is `access::article`, for every path: lists, one article, search.
//!
//! - `write`: sections; saving a version (or restoring an older one), the workflow's steps, each
//!   with its history row (`kb_events`) in the same transaction.
//! - `read`: sections, lists, one article, its versions.
//! - `files`: the pictures and files an article's text shows: made the article's when saved,
//!   fetched by those who may read a version that shows them.
//! - `search`: the published text, folded (`fold`: ć = c), indexed when published and ranked
//!   title over tags over body, in the reader's language first.
//! - `usage`: what clients read (and whether from the suggestions beside a new ticket), "Did
//!   this help?", what they searched for, articles linked from tickets; the admins' figures.

pub mod files;
pub mod read;
pub mod search;
pub mod usage;
pub mod write;

use super::access::{self, ArticleUse};
use super::auth::Session;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::kb::{ArticleState, Writer};
use sqlx::AnyConnection;

/// An article's row as the rules read it.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ArticleRow {
    pub id: i64,
    pub section_id: Option<i64>,
    pub language: String,
    pub translation_of: Option<i64>,
    pub staff_only: i64,
    pub state: String,
    pub version: i64,
    pub published_version: Option<i64>,
    pub updated_at: i64,
}

impl ArticleRow {
    pub fn state(&self) -> Result<ArticleState, AppError> {
        ArticleState::parse(&self.state).ok_or(AppError::Internal)
    }

    pub fn language(&self) -> Lang {
        Lang::from_tag(&self.language).unwrap_or_default()
    }

    pub fn staff_only(&self) -> bool {
        self.staff_only != 0
    }

    /// Its translation group: the group's first article's id.
    pub fn group(&self) -> i64 {
        self.translation_of.unwrap_or(self.id)
    }

    /// Whether the caller may deal with it so (`access::article`).
    pub fn check(&self, session: &Session, what: ArticleUse) -> Result<(), AppError> {
        access::article(
            session,
            self.published_version.is_some(),
            self.staff_only(),
            what,
        )
    }
}

const ARTICLE: &str = "SELECT id, section_id, language, translation_of, staff_only, state, \
     version, published_version, updated_at FROM kb_articles WHERE id = $1";

/// One article's row, as a connection (or a transaction) sees it.
pub async fn article_row(conn: &mut AnyConnection, id: i64) -> Result<ArticleRow, AppError> {
    sqlx::query_as::<_, ArticleRow>(ARTICLE)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// The caller as a writer of articles: staff write; admins publish, and so do the operators an
/// admin granted it (`kb_publishers`).
pub async fn writer(conn: &mut AnyConnection, session: &Session) -> Result<Writer, AppError> {
    let granted: Option<i64> =
        sqlx::query_scalar("SELECT user_id FROM kb_publishers WHERE user_id = $1")
            .bind(session.user.id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(Writer::new(session.user.role()?, granted.is_some()))
}
