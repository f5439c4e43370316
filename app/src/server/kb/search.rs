//! Searching the knowledge base: the published text of each readable article, folded — lower
//! case, diacritics gone (ć = c, đ = d) — the same way on both databases, so a reader finds
//! "lozinka" by "lozinka", "Lozinka" or "lózinka". Indexed when a version is published, dropped
//! when the article is archived, in that change's transaction. Ranked title over tags over
//! body (`db::kb_match`), in the reader's language first.

use super::read::{summaries, SUMMARY};
use crate::dto::ArticleSummary;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::server::auth::Session;
use crate::server::db::kb_match;
use crate::server::AppState;
use sqlx::AnyConnection;
use unicode_normalization::UnicodeNormalization;

/// At most this many hits come back.
pub const HITS: i64 = 20;

/// `text` folded for search: lower case, letters without their marks.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'đ' => 'd',
            'ø' => 'o',
            'ł' => 'l',
            'ß' => 's',
            other => other,
        })
        .collect()
}

/// The words of a query, folded: letters and digits only, so nothing a reader types is ever
/// query syntax.
pub fn words(query: &str) -> Vec<String> {
    fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_string)
        .collect()
}

/// Makes `version` of an article the text its search finds.
pub async fn index(conn: &mut AnyConnection, article: i64, version: i64) -> Result<(), AppError> {
    unindex(conn, article).await?;
    let (title, body, tags): (String, String, String) = sqlx::query_as(
        "SELECT title, body, tags FROM kb_versions WHERE article_id = $1 AND version = $2",
    )
    .bind(article)
    .bind(version)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO kb_search (article_id, title, body, tags) VALUES ($1, $2, $3, $4)")
        .bind(article)
        .bind(fold(&title))
        .bind(fold(&body))
        .bind(fold(&tags.replace(',', " ")))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An article search no longer finds.
pub async fn unindex(conn: &mut AnyConnection, article: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM kb_search WHERE article_id = $1")
        .bind(article)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The published articles the caller may read that match every word (the last one as typed so
/// far: a prefix), best first, the caller's language before the other.
pub async fn search(
    state: &AppState,
    session: &Session,
    query: &str,
    lang: Lang,
) -> Result<Vec<ArticleSummary>, AppError> {
    let words = words(query);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let staff = session.user.role()? != crate::dto::Role::Client;
    let found = kb_match(state.db.backend, &words);
    let sql = format!(
        "{SUMMARY} FROM ({candidates}) c JOIN kb_articles a ON a.id = c.article_id \
         JOIN kb_versions v ON v.article_id = a.id AND v.version = a.published_version \
         WHERE ($2 = 1 OR a.staff_only = 0) \
         ORDER BY CASE WHEN a.language = $3 THEN 0 ELSE 1 END, c.score, a.id LIMIT {HITS}",
        candidates = found.candidates,
    );
    let rows = sqlx::query_as(&sql)
        .bind(found.query)
        .bind(i64::from(staff))
        .bind(lang.code())
        .fetch_all(&state.db.pool)
        .await?;
    let hits = summaries(rows)?;
    if !staff {
        super::usage::searched(state, session.user.id, words.join(" "), hits.len()).await?;
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_forgets_case_and_marks() {
        assert_eq!(
            fold("Lozinka ĆEVAPI đak Žena šuma čaša"),
            "lozinka cevapi dak zena suma casa"
        );
        assert_eq!(fold("Crème brûlée"), "creme brulee");
        assert_eq!(
            words("  Zašto? \"VPN\" -- ne radi*  "),
            ["zasto", "vpn", "ne", "radi"]
        );
        assert!(words("\" * ( ) : -").is_empty());
    }
}
