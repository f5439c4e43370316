//! Pictures and files in articles. A writer uploads them as any file (pending, theirs alone) and
//! refers to them in the text (`kb::files`); saving that text makes them the article's, in the
//! save's transaction. They stay the article's for every later version, so an older version
//! restored shows its pictures again. Who may fetch one: staff, as they read every version; a
//! client, while a published version meant for clients of the article (or of one of its
//! translations) refers to it — so a picture added to a draft stays hidden until published.

use super::article_row;
use crate::error::{AppError, Field, Problem};
use crate::server::access::{self, ArticleUse};
use crate::server::auth::Session;
use crate::server::AppState;
use sqlx::AnyConnection;

/// Makes the files `body` refers to the article's: each must be the saver's pending upload, or
/// already a file of the article or of one of its translations. Any other reference (another
/// person's upload, a ticket's file, a file that does not exist) is refused, and the save with
/// it.
pub async fn attach(
    conn: &mut AnyConnection,
    article: i64,
    saver: i64,
    body: &str,
) -> Result<(), AppError> {
    let root = article_row(conn, article).await?.group();
    for file in crate::kb::files(body) {
        let claimed = sqlx::query(
            "UPDATE attachments SET article_id = $1 WHERE id = $2 AND uploader_id = $3 \
             AND ticket_id IS NULL AND article_id IS NULL",
        )
        .bind(article)
        .bind(file)
        .bind(saver)
        .execute(&mut *conn)
        .await?;
        if claimed.rows_affected() == 1 {
            continue;
        }
        let ours: Option<i64> = sqlx::query_scalar(
            "SELECT f.id FROM attachments f JOIN kb_articles a ON a.id = f.article_id \
             WHERE f.id = $1 AND (a.id = $2 OR a.translation_of = $2)",
        )
        .bind(file)
        .bind(root)
        .fetch_optional(&mut *conn)
        .await?;
        if ours.is_none() {
            return Err(AppError::invalid(Field::Attachment, Problem::Malformed));
        }
    }
    Ok(())
}

/// Whether the caller may fetch `file`, a file of `article`; `NotFound` when not.
pub async fn may_fetch(
    state: &AppState,
    session: &Session,
    article: i64,
    file: i64,
) -> Result<(), AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let row = article_row(&mut conn, article).await?;
    if row.check(session, ArticleUse::Write).is_ok() {
        return Ok(());
    }
    // The published text of each article of the group, and for whom it is.
    let published: Vec<(i64, String)> = sqlx::query_as(
        "SELECT a.staff_only, v.body FROM kb_articles a JOIN kb_versions v \
         ON v.article_id = a.id AND v.version = a.published_version \
         WHERE a.id = $1 OR a.translation_of = $1",
    )
    .bind(row.group())
    .fetch_all(&mut *conn)
    .await?;
    let shown = published.iter().any(|(staff_only, body)| {
        access::article(session, true, *staff_only != 0, ArticleUse::Read).is_ok()
            && crate::kb::files(body).contains(&file)
    });
    shown.then_some(()).ok_or(AppError::NotFound)
}
