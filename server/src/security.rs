//! Request-level protections that hold for every server function at once.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// CSRF: a state-changing request that a browser marks as coming from another site is refused
/// before it reaches any server function. (The session cookie is SameSite=Strict as well.)
pub async fn refuse_cross_origin(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) || same_origin(&req) {
        return next.run(req).await;
    }
    tracing::warn!(uri = %req.uri(), "cross-origin request refused");
    let body = serde_json::to_string(&AppError::CrossOrigin).unwrap_or_default();
    (
        StatusCode::FORBIDDEN,
        [(CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

fn same_origin(req: &Request) -> bool {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return false;
        }
    }
    match header(ORIGIN.as_str()) {
        // Not from a browser page (curl, scripts): no ambient cookie to abuse.
        None => true,
        Some(origin) => {
            let authority = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            authority.is_some() && authority == header(HOST.as_str())
        }
    }
}

/// Gives a server function's error its HTTP status. Server functions answer every error with
/// 500 and the `serverfnerror` header; the body is our `AppError`, which knows its status —
/// whether it came from a rule, the gateway, or the decoding of the request.
pub async fn error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if !res.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let AppError::TooManyAttempts { retry_after_secs } = err {
            parts
                .headers
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Response::from_parts(parts, Body::from(bytes))
}
