//! The attachment routes (`POST /api/attachments?name=…`, `GET /api/attachments/{id}`): plain
//! axum handlers, not server functions, because the file is the raw body. Each finds its caller
//! through the gateway and its policy like every server function, then calls the rules in
//! `app::server::attachments`, which hold the checks, the storage and the SQL.

use app::dto::Attachment;
use app::error::{AppError, Field, Problem};
use app::server::access::Policy;
use app::server::attachments;
use app::server::auth::Session;
use app::server::{gateway, AppState};
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONNECTION, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_SECURITY_POLICY,
    CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// The file's name (checked after the caller, so a stranger learns nothing from the refusal),
/// and the upload's idempotency key.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, as the person sees it.
    name: Option<String>,
    /// An idempotency key: a retried upload answers the first one's file.
    key: Option<String>,
}

/// `POST /api/attachments?name=…&key=…`: stores a pending attachment of the caller. A refusal may
/// leave the body unread, so it closes the connection (`Connection: close`): a client must not
/// send its next request down a connection still carrying the rest of this one.
pub async fn upload(
    State(state): State<AppState>,
    Query(query): Query<UploadQuery>,
    req: Request,
) -> Response {
    match store_upload(state, query, req).await {
        Ok(stored) => Json(stored).into_response(),
        Err(e) => {
            let mut res = e.into_response();
            res.headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
            res
        }
    }
}

async fn store_upload(
    state: AppState,
    query: UploadQuery,
    req: Request,
) -> Result<Attachment, AppError> {
    let (parts, body) = req.into_parts();
    let caller = gateway::admit(state.clone(), &parts, Policy::AnyRole).await?;
    upload_as(&state, caller.session()?, query, &parts, body).await
}

/// Stores the request's body as a pending attachment of `session`'s account: for the apps'
/// route and the REST API's alike.
pub async fn upload_as(
    state: &AppState,
    session: &Session,
    query: UploadQuery,
    parts: &http::request::Parts,
    body: Body,
) -> Result<Attachment, AppError> {
    let name = query
        .name
        .ok_or(AppError::invalid(Field::Attachment, Problem::Required))?;
    let declared = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok());
    let stream = body.into_data_stream();
    let key = query.key.as_deref();
    attachments::upload(state, session, &name, declared, key, stream).await
}

/// `GET /api/attachments/<id>`: the file, as a download, for those who may see it.
pub async fn download(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Response, AppError> {
    let (parts, _) = req.into_parts();
    let caller = gateway::admit(state.clone(), &parts, Policy::AnyRole).await?;
    download_as(&state, caller.session()?, id).await
}

/// File `id` as a download, if `session`'s account may see it: for the apps' route and the REST
/// API's alike.
pub async fn download_as(
    state: &AppState,
    session: &Session,
    id: i64,
) -> Result<Response, AppError> {
    let file = attachments::open(state, session, id).await?;
    let body = Body::from_stream(file.content);
    Ok((
        [
            (CONTENT_TYPE, file.media_type),
            (CONTENT_LENGTH, file.size.to_string()),
            (
                CONTENT_DISPOSITION,
                attachments::content_disposition(&file.name),
            ),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_string(),
            ),
            (CACHE_CONTROL, "private, no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
