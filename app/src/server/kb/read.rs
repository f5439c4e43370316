//! Reading the knowledge base: its sections, the articles a caller may read (clients: the
//! published text of those meant for them; staff: every article's latest version), one article
//! with its translations, steps and history, and its versions.

use super::{article_row, usage, writer};
use crate::dto::{Article, ArticleEvent, ArticleSummary, ArticleVersion, Role, Section};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::kb::{steps, ArticleChange, ArticleState};
use crate::server::access::ArticleUse;
use crate::server::auth::Session;
use crate::server::markdown::render_article;
use crate::server::AppState;

/// The columns of an `ArticleSummary`: the article `a` and the version `v` whose title it shows.
pub const SUMMARY: &str = "SELECT a.id, a.section_id, a.language, a.staff_only, a.state, \
     a.version, a.published_version, a.updated_at, v.title";

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    id: i64,
    section_id: Option<i64>,
    language: String,
    staff_only: i64,
    state: String,
    version: i64,
    published_version: Option<i64>,
    updated_at: i64,
    title: String,
}

pub fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<ArticleSummary>, AppError> {
    rows.into_iter()
        .map(|r| {
            Ok(ArticleSummary {
                id: r.id,
                section_id: r.section_id,
                language: Lang::from_tag(&r.language).unwrap_or_default(),
                title: r.title,
                staff_only: r.staff_only != 0,
                state: ArticleState::parse(&r.state).ok_or(AppError::Internal)?,
                version: r.version,
                published_version: r.published_version,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

fn is_client(session: &Session) -> Result<bool, AppError> {
    Ok(session.user.role()? == Role::Client)
}

/// Every section, by name.
pub async fn sections(state: &AppState) -> Result<Vec<Section>, AppError> {
    let rows: Vec<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT id, parent_id, name FROM kb_sections ORDER BY lower(name), id")
            .fetch_all(&state.db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, parent_id, name)| Section {
            id,
            parent_id,
            name,
        })
        .collect())
}

/// The articles the caller may read, by title: for a client the published ones meant for
/// clients, as published; for staff every one, as last saved.
pub async fn list(state: &AppState, session: &Session) -> Result<Vec<ArticleSummary>, AppError> {
    let client = is_client(session)?;
    let sql = if client {
        format!(
            "{SUMMARY} FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id \
             AND v.version = a.published_version WHERE a.staff_only = 0 ORDER BY lower(v.title), a.id"
        )
    } else {
        format!(
            "{SUMMARY} FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id \
             AND v.version = a.version ORDER BY lower(v.title), a.id"
        )
    };
    let mut list = summaries(sqlx::query_as(&sql).fetch_all(&state.db.pool).await?)?;
    if client {
        // Readers see what they read; where its next version stands is staff's business.
        for a in &mut list {
            a.state = ArticleState::Published;
        }
    }
    Ok(list)
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    title: String,
    body: String,
    tags: String,
    author_name: String,
    saved_at: i64,
}

impl From<VersionRow> for ArticleVersion {
    fn from(r: VersionRow) -> ArticleVersion {
        ArticleVersion {
            version: r.version,
            title: r.title,
            body: r.body,
            tags: r
                .tags
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            author_name: r.author_name,
            saved_at: r.saved_at,
        }
    }
}

const VERSIONS: &str = "SELECT v.version, v.title, v.body, v.tags, u.full_name AS author_name, \
     v.saved_at FROM kb_versions v JOIN users u ON u.id = v.author_id WHERE v.article_id = $1";

/// One article as the caller may read it: a client its published version; staff the latest,
/// with the steps they may take and its history.
/// A client's reading counts as a view (`suggested`: opened from the suggestions beside a new
/// ticket's form).
pub async fn view(
    state: &AppState,
    session: &Session,
    id: i64,
    suggested: bool,
) -> Result<Article, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let row = article_row(&mut conn, id).await?;
    row.check(session, ArticleUse::Read)?;
    let client = is_client(session)?;
    let shown = if client {
        row.published_version.ok_or(AppError::NotFound)?
    } else {
        row.version
    };
    let version: ArticleVersion =
        sqlx::query_as::<_, VersionRow>(&format!("{VERSIONS} AND v.version = $2"))
            .bind(id)
            .bind(shown)
            .fetch_one(&mut *conn)
            .await?
            .into();
    let root = row.translation_of.unwrap_or(row.id);
    let others: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, language, staff_only, published_version FROM kb_articles \
         WHERE (id = $1 OR translation_of = $1) AND id <> $2 ORDER BY id",
    )
    .bind(root)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let translations = others
        .into_iter()
        .filter(|(_, _, staff_only, published)| {
            !client || (*staff_only == 0 && published.is_some())
        })
        .map(|(id, language, _, _)| (id, Lang::from_tag(&language).unwrap_or_default()))
        .collect();
    let (steps, history) = if client {
        (Vec::new(), Vec::new())
    } else {
        let events: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT e.at, u.full_name, e.change, e.version, e.from_version FROM kb_events e \
             JOIN users u ON u.id = e.actor_id WHERE e.article_id = $1 ORDER BY e.id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let history = events
            .into_iter()
            .map(|(at, actor_name, change, version, from_version)| {
                Ok(ArticleEvent {
                    at,
                    actor_name,
                    change: ArticleChange::parse(&change).ok_or(AppError::Internal)?,
                    version,
                    from_version,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        (
            steps(writer(&mut conn, session).await?, row.state()?),
            history,
        )
    };
    // Its connection goes back before the calls that take their own (a call holding one while
    // waiting for another could leave the pool empty under load).
    drop(conn);
    if client {
        usage::viewed(state, id, session.user.id, suggested).await?;
    }
    let mut summary = ArticleSummary {
        id: row.id,
        section_id: row.section_id,
        language: row.language(),
        title: version.title,
        staff_only: row.staff_only(),
        state: row.state()?,
        version: row.version,
        published_version: row.published_version,
        updated_at: row.updated_at,
    };
    if client {
        summary.state = ArticleState::Published;
    }
    let related = usage::related(state, &row, client).await?;
    let helped = usage::helped(state, id, session.user.id).await?;
    Ok(Article {
        summary,
        html: render_article(&version.body),
        body: version.body,
        tags: version.tags,
        translation_of: row.translation_of,
        translations,
        steps,
        history,
        related,
        helped,
    })
}

/// Every version of an article, newest first (staff).
pub async fn versions(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<Vec<ArticleVersion>, AppError> {
    let mut conn = state.db.pool.acquire().await?;
    article_row(&mut conn, id)
        .await?
        .check(session, ArticleUse::Write)?;
    let rows: Vec<VersionRow> = sqlx::query_as(&format!("{VERSIONS} ORDER BY v.version DESC"))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(ArticleVersion::from).collect())
}
