//! `/api/v1/articles`: the knowledge base as the token's account may read it
//! (`app::server::kb`): a client's token the published articles meant for clients, staff's
//! every one — listed, searched as the portal's Help searches, read.

use super::{time, ErrorBody, Token};
use app::dto::{self, ArticleSummary};
use app::error::{AppError, Field, Problem};
use app::i18n::Lang;
use app::server::access::Policy;
use app::server::kb;
use app::tokens::Scope;
use axum::extract::{Path, Query};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<app::server::AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
}

/// An article as lists show it.
#[derive(Serialize, ToSchema)]
pub struct ArticleItem {
    pub id: i64,
    pub title: String,
    /// `en` or `bs`.
    pub language: String,
    pub section_id: Option<i64>,
    /// `draft`, `review`, `published` or `archived` (a client's token: only `published`).
    pub state: String,
    /// Meant for staff only.
    pub staff_only: bool,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<ArticleSummary> for ArticleItem {
    fn from(a: ArticleSummary) -> Self {
        ArticleItem {
            id: a.id,
            title: a.title,
            language: a.language.code().to_string(),
            section_id: a.section_id,
            state: a.state.as_str().to_string(),
            staff_only: a.staff_only,
            updated_at: time(a.updated_at),
        }
    }
}

/// An article with its text: for a client its published version, for staff the latest.
#[derive(Serialize, ToSchema)]
pub struct ArticleView {
    pub article: ArticleItem,
    /// As written (light Markdown).
    pub body: String,
    /// As it reads: rendered and sanitized HTML.
    pub html: String,
    pub tags: Vec<String>,
    /// The same article in other languages the caller may read.
    pub translations: Vec<i64>,
    /// Other articles of its section the caller may read.
    pub related: Vec<ArticleItem>,
}

impl From<dto::Article> for ArticleView {
    fn from(a: dto::Article) -> Self {
        ArticleView {
            article: a.summary.into(),
            body: a.body,
            html: a.html,
            tags: a.tags,
            translations: a.translations.into_iter().map(|(id, _)| id).collect(),
            related: a.related.into_iter().map(ArticleItem::from).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// Words to search for (the last one may be the start of a word): the best matches first.
    pub q: Option<String>,
    /// With `q`: the language whose articles come first, `en` or `bs` (default `en`).
    pub lang: Option<String>,
}

/// List or search articles
///
/// Every article the token's account may read, or with `q` those matching the words, best
/// first. Scope: `articles:read`.
#[utoipa::path(operation_id = "list_articles", get, path = "/articles", tag = "articles",
    params(ArticleQuery), security(("token" = [])),
    responses((status = 200, description = "Done", body = Vec<ArticleItem>),
        (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn list(
    Extension(api): Token,
    Query(q): Query<ArticleQuery>,
) -> Result<Json<Vec<ArticleItem>>, AppError> {
    let session = api.admit(Scope::ArticlesRead, Policy::AnyRole)?;
    let state = &api.caller.state;
    let lang = match q.lang.as_deref() {
        None => Lang::En,
        Some(code) => Lang::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or(AppError::invalid(Field::Language, Problem::Malformed))?,
    };
    let found = match q.q.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(words) => kb::search::search(state, session, words, lang).await?,
        None => kb::read::list(state, session).await?,
    };
    Ok(Json(found.into_iter().map(ArticleItem::from).collect()))
}

/// Read an article
///
/// One article as the token's account may read it (any other does not exist for it). A
/// client's reading counts as a view in the knowledge base's figures. Scope: `articles:read`.
#[utoipa::path(operation_id = "read_article", get, path = "/articles/{id}", tag = "articles",
    params(("id" = i64, Path)), security(("token" = [])),
    responses((status = 200, description = "Done", body = ArticleView),
        (status = "4XX", description = "Refused: see the code", body = ErrorBody)))]
async fn read(Extension(api): Token, Path(id): Path<i64>) -> Result<Json<ArticleView>, AppError> {
    let session = api.admit(Scope::ArticlesRead, Policy::AnyRole)?;
    let article = kb::read::view(&api.caller.state, session, id, false).await?;
    Ok(Json(article.into()))
}
