//! How the knowledge base is used: a client's view of an article (and whether it was opened
//! from the suggestions beside a new ticket), "Did this help?", what clients searched for,
//! articles staff linked from tickets, and the admins' figures over a period.

use super::{article_row, read, ArticleRow};
use crate::dto::{ArticleFeedback, ArticleUse, KbAnalytics, LinkedArticle, Role, StatsQuery};
use crate::error::{AppError, Field};
use crate::server::access::{self, ArticleUse as Use};
use crate::server::auth::Session;
use crate::server::input::clean_text;
use crate::server::ticket::ticket_row;
use crate::server::AppState;

/// Words typed on within this long replace the search they extend.
const TYPING_MS: i64 = 30_000;
/// A suggested article opened is a deflection unless its reader opens a ticket within this
/// long.
pub const DEFLECTION_MS: i64 = 30 * 60_000;
/// The longest comment on an article.
const COMMENT_MAX: usize = 2_000;

/// A client read an article (`suggested`: from the suggestions beside a new ticket).
pub async fn viewed(
    state: &AppState,
    article: i64,
    reader: i64,
    suggested: bool,
) -> Result<(), AppError> {
    let at = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO kb_views (article_id, user_id, at, suggested) VALUES ($1, $2, $3, $4)",
                )
                .bind(article)
                .bind(reader)
                .bind(at)
                .bind(i64::from(suggested))
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
}

/// A client searched: kept, as the words they typed on to (one row for a search typed letter
/// by letter).
pub async fn searched(
    state: &AppState,
    reader: i64,
    words: String,
    hits: usize,
) -> Result<(), AppError> {
    let at = state.clock.now_ms();
    let hits = hits as i64;
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let last: Option<(i64, String, i64)> = sqlx::query_as(
                    "SELECT id, words, at FROM kb_searches WHERE user_id = $1 ORDER BY id DESC LIMIT 1",
                )
                .bind(reader)
                .fetch_optional(&mut *conn)
                .await?;
                let typed_on = last.filter(|(_, before, when)| {
                    at - when < TYPING_MS && (words.starts_with(before) || before.starts_with(&words))
                });
                match typed_on {
                    Some((id, _, _)) => {
                        sqlx::query("UPDATE kb_searches SET words = $1, hits = $2, at = $3 WHERE id = $4")
                            .bind(&words)
                            .bind(hits)
                            .bind(at)
                            .bind(id)
                            .execute(&mut *conn)
                            .await?
                    }
                    None => {
                        sqlx::query(
                            "INSERT INTO kb_searches (user_id, words, hits, at) VALUES ($1, $2, $3, $4)",
                        )
                        .bind(reader)
                        .bind(&words)
                        .bind(hits)
                        .bind(at)
                        .execute(&mut *conn)
                        .await?
                    }
                };
                Ok(())
            })
        })
        .await
}

/// "Did this help?" — a reader of the article answers, with an optional comment; a new answer
/// replaces the last.
pub async fn feedback(
    state: &AppState,
    session: &Session,
    input: &ArticleFeedback,
) -> Result<(), AppError> {
    let mut conn = state.db.pool.acquire().await?;
    article_row(&mut conn, input.id)
        .await?
        .check(session, Use::Read)?;
    drop(conn);
    let comment = match input.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(clean_text(Field::Comment, text, COMMENT_MAX)?),
    };
    let (article, reader, helpful) = (input.id, session.user.id, i64::from(input.helpful));
    let at = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query(
                    "INSERT INTO kb_feedback (article_id, user_id, helpful, comment, at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (article_id, user_id) DO UPDATE \
                     SET helpful = $3, comment = $4, at = $5",
                )
                .bind(article)
                .bind(reader)
                .bind(helpful)
                .bind(comment)
                .bind(at)
                .execute(&mut *conn)
                .await?;
                Ok(())
            })
        })
        .await
}

/// The reader's last answer to "Did this help?" for an article.
pub async fn helped(state: &AppState, article: i64, reader: i64) -> Result<Option<bool>, AppError> {
    let helpful: Option<i64> = sqlx::query_scalar(
        "SELECT helpful FROM kb_feedback WHERE article_id = $1 AND user_id = $2",
    )
    .bind(article)
    .bind(reader)
    .fetch_optional(&state.db.pool)
    .await?;
    Ok(helpful.map(|h| h != 0))
}

/// Staff link an article from a ticket they deal with — inserted into a reply, or `solved`: the
/// one that solved it, which its client then sees on the ticket. Linking again keeps "solved".
pub async fn link(
    state: &AppState,
    session: &Session,
    ticket: i64,
    article: i64,
    solved: bool,
) -> Result<Vec<LinkedArticle>, AppError> {
    let row = ticket_row(state, ticket).await?;
    access::ticket(session, &row)?;
    let mut conn = state.db.pool.acquire().await?;
    article_row(&mut conn, article)
        .await?
        .check(session, Use::Write)?;
    drop(conn);
    let (me, at) = (session.user.id, state.clock.now_ms());
    state
        .db
        .execute(
            sqlx::query(
                "INSERT INTO ticket_articles (ticket_id, article_id, linked_by, at, solved) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (ticket_id, article_id) DO UPDATE \
                     SET solved = CASE WHEN ticket_articles.solved = 1 THEN 1 ELSE $5 END",
            )
            .bind(ticket)
            .bind(article)
            .bind(me)
            .bind(at)
            .bind(i64::from(solved)),
        )
        .await?;
    linked(state, session, ticket).await
}

/// The articles linked from a ticket, as the caller may see them: staff every one (as last
/// saved), its client those that solved it and that they may read (as published).
pub async fn linked(
    state: &AppState,
    session: &Session,
    ticket: i64,
) -> Result<Vec<LinkedArticle>, AppError> {
    let row = ticket_row(state, ticket).await?;
    access::ticket(session, &row)?;
    let client = session.user.role()? == Role::Client;
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT a.id, v.title, l.solved FROM ticket_articles l \
         JOIN kb_articles a ON a.id = l.article_id \
         JOIN kb_versions v ON v.article_id = a.id \
          AND v.version = CASE WHEN $2 = 1 THEN a.published_version ELSE a.version END \
         WHERE l.ticket_id = $1 AND ($2 = 0 OR (l.solved = 1 AND a.staff_only = 0)) \
         ORDER BY l.solved DESC, l.at",
    )
    .bind(ticket)
    .bind(i64::from(client))
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, solved)| LinkedArticle {
            id,
            title,
            solved: solved != 0,
        })
        .collect())
}

/// Other articles of the same section the reader may read, by title (at most 5).
pub async fn related(
    state: &AppState,
    row: &ArticleRow,
    client: bool,
) -> Result<Vec<crate::dto::ArticleSummary>, AppError> {
    let Some(section) = row.section_id else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "{} FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id \
         AND v.version = a.published_version \
         WHERE a.section_id = $1 AND a.id <> $2 AND ($3 = 0 OR a.staff_only = 0) \
         ORDER BY lower(v.title), a.id LIMIT 5",
        read::SUMMARY
    );
    let rows = sqlx::query_as(&sql)
        .bind(section)
        .bind(row.id)
        .bind(i64::from(client))
        .fetch_all(&state.db.pool)
        .await?;
    read::summaries(rows)
}

/// The knowledge base's use over the statistics' period: clients' views, answers, deflections,
/// searches and those that found nothing, and per article views, answers and links.
pub async fn analytics(state: &AppState, query: &StatsQuery) -> Result<KbAnalytics, AppError> {
    let (from, to) = crate::server::stats::period(state, query)?;
    let pool = &state.db.pool;
    let (views,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM kb_views WHERE at >= $1 AND at < $2")
            .bind(from)
            .bind(to)
            .fetch_one(pool)
            .await?;
    let (helpful, unhelpful): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(CASE WHEN helpful = 1 THEN 1 END), COUNT(CASE WHEN helpful = 0 THEN 1 END) \
         FROM kb_feedback WHERE at >= $1 AND at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?;
    // A reader's suggested article counts once, unless they opened a ticket soon after.
    let (deflections,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM (SELECT DISTINCT v.user_id, v.article_id FROM kb_views v \
         WHERE v.suggested = 1 AND v.at >= $1 AND v.at < $2 AND NOT EXISTS (SELECT 1 FROM \
         tickets t WHERE t.client_id = v.user_id AND t.created_at >= v.at \
         AND t.created_at <= v.at + $3)) d",
    )
    .bind(from)
    .bind(to)
    .bind(DEFLECTION_MS)
    .fetch_one(pool)
    .await?;
    let (searches,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM kb_searches WHERE at >= $1 AND at < $2")
            .bind(from)
            .bind(to)
            .fetch_one(pool)
            .await?;
    let not_found: Vec<(String, i64)> = sqlx::query_as(
        "SELECT words, COUNT(*) AS n FROM kb_searches WHERE hits = 0 AND at >= $1 AND at < $2 \
         GROUP BY words ORDER BY n DESC, words LIMIT 30",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let articles: Vec<(i64, String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.id, v.title, \
         (SELECT COUNT(*) FROM kb_views x WHERE x.article_id = a.id AND x.at >= $1 AND x.at < $2) AS views, \
         (SELECT COUNT(*) FROM kb_feedback f WHERE f.article_id = a.id AND f.helpful = 1 AND f.at >= $1 AND f.at < $2), \
         (SELECT COUNT(*) FROM kb_feedback f WHERE f.article_id = a.id AND f.helpful = 0 AND f.at >= $1 AND f.at < $2), \
         (SELECT COUNT(*) FROM ticket_articles l WHERE l.article_id = a.id AND l.at >= $1 AND l.at < $2) AS links \
         FROM kb_articles a JOIN kb_versions v ON v.article_id = a.id AND v.version = a.version \
         WHERE a.id IN (SELECT article_id FROM kb_views WHERE at >= $1 AND at < $2 \
          UNION SELECT article_id FROM kb_feedback WHERE at >= $1 AND at < $2 \
          UNION SELECT article_id FROM ticket_articles WHERE at >= $1 AND at < $2) \
         ORDER BY views DESC, links DESC, a.id LIMIT 30",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(KbAnalytics {
        from,
        to,
        views,
        helpful,
        unhelpful,
        deflections,
        searches,
        not_found,
        articles: articles
            .into_iter()
            .map(
                |(id, title, views, helpful, unhelpful, linked)| ArticleUse {
                    id,
                    title,
                    views,
                    helpful,
                    unhelpful,
                    linked,
                },
            )
            .collect(),
    })
}
