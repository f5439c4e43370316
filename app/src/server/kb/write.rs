//! Writing the knowledge base: sections (admins), a new version of an article (staff; always a
//! draft, readers keep the published one), an older version restored as a new one, the
//! workflow's steps (`kb::rule`: admins publish and archive, and the operators they grant it —
//! `set_publisher`). Each change and its history row
//! commit together, through the one writer; a change made against a version that is no longer
//! the latest is refused (`Stale`) and changes nothing.

use super::{article_row, files, read, search, writer, ArticleRow};
use crate::dto::limits::{ARTICLE_BODY_MAX, ARTICLE_TITLE_MAX, SECTION_MAX, TAGS_MAX, TAG_MAX};
use crate::dto::{Article, ArticleInput, ArticleMove, Section, SectionInput};
use crate::error::{AppError, Field, Problem};
use crate::kb::{rule, tags, ArticleChange, ArticleState, ArticleStep};
use crate::server::access::ArticleUse;
use crate::server::auth::Session;
use crate::server::input::{clean_line, clean_text};
use crate::server::AppState;
use sqlx::AnyConnection;

/// Creates a section (no `id`) or renames or moves one; every section. Sections nest one level,
/// and names are unique among a section's siblings whatever their case.
pub async fn save_section(
    state: &AppState,
    input: &SectionInput,
) -> Result<Vec<Section>, AppError> {
    let name = clean_line(Field::Section, &input.name, SECTION_MAX)?;
    let (id, parent) = (input.id, input.parent_id);
    let malformed = || AppError::invalid(Field::Section, Problem::Malformed);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                if let Some(parent) = parent {
                    let grand: Option<Option<i64>> =
                        sqlx::query_scalar("SELECT parent_id FROM kb_sections WHERE id = $1")
                            .bind(parent)
                            .fetch_optional(&mut *conn)
                            .await?;
                    let children: i64 =
                        sqlx::query_scalar("SELECT COUNT(*) FROM kb_sections WHERE parent_id = $1")
                            .bind(id.unwrap_or(0))
                            .fetch_one(&mut *conn)
                            .await?;
                    // The parent exists, is at the top, is not this one, and this one has no
                    // sections of its own.
                    if !matches!(grand, Some(None)) || Some(parent) == id || children > 0 {
                        return Err(malformed());
                    }
                }
                let taken: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM kb_sections WHERE COALESCE(parent_id, 0) = $1 \
                     AND lower(name) = lower($2)",
                )
                .bind(parent.unwrap_or(0))
                .bind(&name)
                .fetch_optional(&mut *conn)
                .await?;
                if taken.is_some_and(|t| Some(t) != id) {
                    return Err(AppError::invalid(Field::Section, Problem::Taken));
                }
                let done = match id {
                    None => {
                        sqlx::query("INSERT INTO kb_sections (parent_id, name) VALUES ($1, $2)")
                            .bind(parent)
                            .bind(&name)
                            .execute(&mut *conn)
                            .await?
                    }
                    Some(id) => {
                        sqlx::query(
                            "UPDATE kb_sections SET parent_id = $1, name = $2 WHERE id = $3",
                        )
                        .bind(parent)
                        .bind(&name)
                        .bind(id)
                        .execute(&mut *conn)
                        .await?
                    }
                };
                if done.rows_affected() != 1 {
                    return Err(AppError::NotFound);
                }
                Ok(())
            })
        })
        .await?;
    read::sections(state).await
}

/// The article's row, if `seen` is its latest version still; else the change was made against
/// an older one and is refused (`Stale`, with the latest).
async fn latest(conn: &mut AnyConnection, id: i64, seen: i64) -> Result<ArticleRow, AppError> {
    let row = article_row(conn, id).await?;
    if row.version != seen {
        return Err(AppError::Stale {
            version: row.version,
        });
    }
    Ok(row)
}

/// One row of an article's history.
async fn record(
    conn: &mut AnyConnection,
    article: i64,
    actor: i64,
    at: i64,
    change: ArticleChange,
    version: i64,
    from_version: Option<i64>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO kb_events (article_id, actor_id, at, change, version, from_version) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(article)
    .bind(actor)
    .bind(at)
    .bind(change.code())
    .bind(version)
    .bind(from_version)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A version's text, checked.
struct Text {
    title: String,
    body: String,
    tags: String,
}

impl Text {
    fn of(input: &ArticleInput) -> Result<Text, AppError> {
        let title = clean_line(Field::Title, &input.title, ARTICLE_TITLE_MAX)?;
        let body = clean_text(Field::Text, &input.body, ARTICLE_BODY_MAX)?;
        let kept = tags(&input.tags);
        if kept.len() > TAGS_MAX {
            return Err(AppError::invalid(Field::Tags, Problem::Malformed));
        }
        if kept.iter().any(|t| t.chars().count() > TAG_MAX) {
            return Err(AppError::invalid(
                Field::Tags,
                Problem::TooLong { max: TAG_MAX },
            ));
        }
        Ok(Text {
            title,
            body,
            tags: kept.join(","),
        })
    }
}

/// A new version of an article, the latest after `latest` (0 for a new article), as a draft.
async fn add_version(
    conn: &mut AnyConnection,
    article: i64,
    version: i64,
    text: &Text,
    author: i64,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO kb_versions (article_id, version, title, body, tags, author_id, saved_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(article)
    .bind(version)
    .bind(&text.title)
    .bind(&text.body)
    .bind(&text.tags)
    .bind(author)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The translation group `translation_of` names, checked for an article in `language`
/// (`id`, when it exists): an existing article whose group has no other article in that
/// language; its group's first article is kept.
async fn group(
    conn: &mut AnyConnection,
    translation_of: Option<i64>,
    language: &str,
    id: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let Some(target) = translation_of else {
        return Ok(None);
    };
    let malformed = || AppError::invalid(Field::Language, Problem::Malformed);
    let target = article_row(conn, target).await.map_err(|_| malformed())?;
    let root = target.group();
    if Some(root) == id {
        return Err(malformed());
    }
    let same: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM kb_articles WHERE (id = $1 OR translation_of = $1) \
         AND language = $2 AND id <> $3",
    )
    .bind(root)
    .bind(language)
    .bind(id.unwrap_or(0))
    .fetch_one(&mut *conn)
    .await?;
    if same > 0 {
        return Err(AppError::invalid(Field::Language, Problem::Taken));
    }
    Ok(Some(root))
}

/// Saves an article: a new one (version 1), or a new version of one — a draft whatever it was;
/// readers keep the published version until this one is published. Its section, language,
/// translation and audience apply at once.
pub async fn save(
    state: &AppState,
    session: &Session,
    input: &ArticleInput,
) -> Result<Article, AppError> {
    may_write(session)?;
    let text = Text::of(input)?;
    let me = session.user.id;
    let now = state.clock.now_ms();
    let input = input.clone();
    let id = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                if let Some(section) = input.section_id {
                    let found: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM kb_sections WHERE id = $1")
                            .bind(section)
                            .fetch_optional(&mut *conn)
                            .await?;
                    if found.is_none() {
                        return Err(AppError::invalid(Field::Section, Problem::Malformed));
                    }
                }
                let language = input.language.code();
                let root = group(conn, input.translation_of, language, input.id).await?;
                let staff_only = i64::from(input.staff_only);
                let (id, version) = match input.id {
                    None => {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO kb_articles (section_id, language, translation_of, \
                             staff_only, state, version, created_by, created_at, updated_at) \
                             VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7) RETURNING id",
                        )
                        .bind(input.section_id)
                        .bind(language)
                        .bind(root)
                        .bind(staff_only)
                        .bind(ArticleState::Draft.as_str())
                        .bind(me)
                        .bind(now)
                        .fetch_one(&mut *conn)
                        .await?;
                        (id, 1)
                    }
                    Some(id) => {
                        let row = latest(conn, id, input.seen.unwrap_or(0)).await?;
                        let version = row.version + 1;
                        sqlx::query(
                            "UPDATE kb_articles SET section_id = $1, language = $2, \
                             translation_of = $3, staff_only = $4, state = $5, version = $6, \
                             updated_at = $7 WHERE id = $8",
                        )
                        .bind(input.section_id)
                        .bind(language)
                        .bind(root)
                        .bind(staff_only)
                        .bind(ArticleState::Draft.as_str())
                        .bind(version)
                        .bind(now)
                        .bind(id)
                        .execute(&mut *conn)
                        .await?;
                        (id, version)
                    }
                };
                add_version(conn, id, version, &text, me, now).await?;
                files::attach(conn, id, me, &text.body).await?;
                record(conn, id, me, now, ArticleChange::Saved, version, None).await?;
                Ok(id)
            })
        })
        .await?;
    read::view(state, session, id, false).await
}

/// An older version's text saved again as the newest (a draft), so nothing is lost and the
/// history says what was copied.
pub async fn restore(
    state: &AppState,
    session: &Session,
    id: i64,
    from: i64,
    seen: i64,
) -> Result<Article, AppError> {
    may_write(session)?;
    let me = session.user.id;
    let now = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let row = latest(conn, id, seen).await?;
                let old: Option<(String, String, String)> = sqlx::query_as(
                    "SELECT title, body, tags FROM kb_versions WHERE article_id = $1 \
                     AND version = $2",
                )
                .bind(id)
                .bind(from)
                .fetch_optional(&mut *conn)
                .await?;
                let (title, body, tags) = old.ok_or(AppError::NotFound)?;
                let version = row.version + 1;
                sqlx::query(
                    "UPDATE kb_articles SET state = $1, version = $2, updated_at = $3 WHERE id = $4",
                )
                .bind(ArticleState::Draft.as_str())
                .bind(version)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
                let text = Text { title, body, tags };
                add_version(conn, id, version, &text, me, now).await?;
                files::attach(conn, id, me, &text.body).await?;
                record(conn, id, me, now, ArticleChange::Restored, version, Some(from)).await
            })
        })
        .await?;
    read::view(state, session, id, false).await
}

/// A workflow step on the latest version, which must be the one the caller looked at: a
/// published version becomes what readers see (and search finds); an archived article is
/// neither read nor found.
pub async fn step(
    state: &AppState,
    session: &Session,
    mv: &ArticleMove,
) -> Result<Article, AppError> {
    may_write(session)?;
    let mut conn = state.db.pool.acquire().await?;
    let writer = writer(&mut conn, session).await?;
    drop(conn);
    let me = session.user.id;
    let now = state.clock.now_ms();
    let (id, step, seen) = (mv.id, mv.step, mv.version);
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let row = latest(conn, id, seen).await?;
                let to = rule(step, writer, row.state()?).ok_or(AppError::MoveNotAllowed)?;
                let published = match step {
                    ArticleStep::Publish => Some(row.version),
                    ArticleStep::Archive => None,
                    ArticleStep::Submit | ArticleStep::Withdraw => row.published_version,
                };
                sqlx::query(
                    "UPDATE kb_articles SET state = $1, published_version = $2, updated_at = $3 \
                     WHERE id = $4 AND version = $5",
                )
                .bind(to.as_str())
                .bind(published)
                .bind(now)
                .bind(id)
                .bind(seen)
                .execute(&mut *conn)
                .await?;
                match step {
                    ArticleStep::Publish => search::index(conn, id, row.version).await?,
                    ArticleStep::Archive => search::unindex(conn, id).await?,
                    ArticleStep::Submit | ArticleStep::Withdraw => {}
                }
                record(conn, id, me, now, ArticleChange::Stepped(step), seen, None).await
            })
        })
        .await?;
    read::view(state, session, id, false).await
}

/// Whether the caller may write articles (`access::article`: staff).
fn may_write(session: &Session) -> Result<(), AppError> {
    crate::server::access::article(session, false, false, ArticleUse::Write)
}

/// The operators an admin let publish.
pub async fn publishers(state: &AppState) -> Result<Vec<i64>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT user_id FROM kb_publishers ORDER BY user_id")
            .fetch_all(&state.db.pool)
            .await?,
    )
}

/// An admin lets an operator publish and archive articles, or no longer; the operators who may.
pub async fn set_publisher(
    state: &AppState,
    session: &Session,
    operator: i64,
    allowed: bool,
) -> Result<Vec<i64>, AppError> {
    let (admin, at) = (session.user.id, state.clock.now_ms());
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let role: Option<String> =
                    sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
                        .bind(operator)
                        .fetch_optional(&mut *conn)
                        .await?;
                if role.as_deref() != Some(crate::dto::Role::Operator.as_str()) {
                    return Err(AppError::invalid(Field::Operator, Problem::Malformed));
                }
                if allowed {
                    sqlx::query(
                        "INSERT INTO kb_publishers (user_id, granted_by, granted_at) \
                         VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING",
                    )
                    .bind(operator)
                    .bind(admin)
                    .bind(at)
                    .execute(&mut *conn)
                    .await?;
                } else {
                    sqlx::query("DELETE FROM kb_publishers WHERE user_id = $1")
                        .bind(operator)
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(())
            })
        })
        .await?;
    publishers(state).await
}
