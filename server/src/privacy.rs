//! The export of a client's data (`GET /api/privacy/export` for a client's own,
//! `GET /api/privacy/export/{client}` for an admin): a plain axum handler, not a server
//! function, because the answer is a zip file. It finds its caller through the gateway, asks
//! `access::client_data` — the erasure's access function too — and audits the act.

use app::audit::Action;
use app::error::AppError;
use app::server::access::{self, Policy};
use app::server::{gateway, privacy, AppState};
use axum::extract::{Path, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS,
};
use axum::response::{IntoResponse, Response};

/// `GET /api/privacy/export`: the signed-in client's own data.
pub async fn own(State(state): State<AppState>, req: Request) -> Result<Response, AppError> {
    export(state, None, req).await
}

/// `GET /api/privacy/export/{client}`: a client's data, for an admin.
pub async fn of_client(
    State(state): State<AppState>,
    Path(client): Path<i64>,
    req: Request,
) -> Result<Response, AppError> {
    export(state, Some(client), req).await
}

async fn export(state: AppState, client: Option<i64>, req: Request) -> Result<Response, AppError> {
    let (parts, _) = req.into_parts();
    let caller = gateway::admit(state.clone(), &parts, Policy::AnyRole).await?;
    let client = access::client_data(caller.session()?, client)?;
    let export = privacy::export(&state, client).await?;
    caller
        .audit(Action::ClientDataExported, Some(client), "")
        .await?;
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_string()),
            (
                CONTENT_DISPOSITION,
                app::server::attachments::content_disposition(&export.file_name),
            ),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (CACHE_CONTROL, "private, no-store".to_string()),
        ],
        export.zip,
    )
        .into_response())
}
