//! The `salter` server: the HTTP surface around `app`. It serves the three browser apps from
//! the site directory `cargo xtask build` lays out, mounts the server functions under `/api/`
//! and the live socket at `/ws`, and adds what every response needs (security headers, CSRF refusal, request logs).
//! Business rules live in `app::server`, not here.

pub mod attachments;
pub mod edge;
pub mod live;
pub mod privacy;
pub mod security;
pub mod v1;

use app::dto::Role;
use app::server::{boot, AppState};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::handler::Handler;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};
use leptos::prelude::provide_context;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Scripts only from this origin (plus WebAssembly), no inline script or style, no framing.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    leptos_axum::handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.healthy().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok"),
        Err(_) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable",
        ),
    }
}

/// One browser app: its files — gzipped where the build left a `.gz` beside the file and the
/// browser accepts it — and for every other path below it (so a deep link survives a reload) its
/// page, with what it starts with written in.
fn app_files(state: &AppState, site_dir: &Path, app: Role) -> Router {
    let dir = match app {
        Role::Client => site_dir.to_path_buf(),
        Role::Operator | Role::Admin => site_dir.join(app.as_str()),
    };
    let page = dir.join("index.html");
    let bundles = site_dir.join("pkg").join(app.as_str());
    let serve_page = move |State(state): State<AppState>, req: Request<Body>| {
        let (page, bundles) = (page.clone(), bundles.clone());
        async move { app_page(&state, &page, &bundles, app, req).await }
    };
    Router::new().fallback_service(
        ServeDir::new(dir)
            .precompressed_gzip()
            .append_index_html_on_directories(false)
            .fallback(serve_page.with_state(state.clone())),
    )
}

/// `app`'s page (`page`, its `index.html`) with its `Boot` written in (`app::server::boot`): it
/// names the person signed in, so it is never stored. When the start data cannot be read in
/// time (the database away) the page goes out as it is, and the app asks for it itself. Where
/// a lazy page draws it, the page has its bundle (in `bundles`) fetched as it arrives.
async fn app_page(
    state: &AppState,
    page: &Path,
    bundles: &Path,
    app: Role,
    req: Request<Body>,
) -> Response {
    let Ok(mut html) = tokio::fs::read_to_string(page).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (parts, _) = req.into_parts();
    if let Some(link) = preload(bundles, app, &app.page_of(parts.uri.path())).await {
        html = html.replacen("</head>", &format!("{link}\n</head>"), 1);
    }
    let started =
        tokio::time::timeout(state.config.request_timeout, boot::boot(state, &parts, app)).await;
    let html = match started {
        Ok(Ok(data)) => boot::into_page(&html, &data).unwrap_or(html),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "an app's page goes out without its start data");
            html
        }
        Err(_) => {
            tracing::warn!("an app's start data not read in time");
            html
        }
    };
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response()
}

/// The `<link>` that fetches the bundle of the lazy page drawing `page` (`Role::lazy_page_of`)
/// while the app's own files download, instead of once its wasm runs and asks for it (Slow 4G:
/// the admin's list 3.2 → 2.6 s); the app's loader takes it from the browser's preload cache.
/// None where the first download draws the page, or the build made no such bundle.
async fn preload(bundles: &Path, app: Role, page: &str) -> Option<String> {
    let lazy = app.lazy_page_of(page)?;
    let mut files = tokio::fs::read_dir(bundles).await.ok()?;
    while let Ok(Some(file)) = files.next_entry().await {
        let Ok(name) = file.file_name().into_string() else {
            continue;
        };
        // `<page>_<hash>.bundle`, as `cargo xtask build` names it.
        let hash = name
            .strip_prefix(lazy)
            .and_then(|rest| rest.strip_prefix('_'))
            .and_then(|rest| rest.strip_suffix(".bundle"));
        if hash.is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit())) {
            let app = app.as_str();
            return Some(format!(
                r#"<link rel="preload" href="/pkg/{app}/{name}" as="fetch" crossorigin>"#
            ));
        }
    }
    None
}

/// Every route, for a server bound at `bound`.
pub fn router(state: AppState, site_dir: &Path, bound: SocketAddr) -> Router {
    let site = security::Site::new(state.config.public_url.as_deref(), bound);
    let api = Router::new()
        .route("/api/{*fn_name}", get(server_fn).post(server_fn))
        .route("/api/attachments", post(attachments::upload))
        .route("/api/attachments/{id}", get(attachments::download))
        .route("/api/privacy/export", get(privacy::own))
        .route("/api/privacy/export/{client}", get(privacy::of_client))
        .merge(v1::router(state.clone()))
        .layer(DefaultBodyLimit::max(security::API_BODY_MAX))
        .layer(middleware::from_fn(security::json_calls))
        .layer(middleware::from_fn_with_state(
            site.clone(),
            security::refuse_cross_origin,
        ))
        .layer(middleware::from_fn(security::json_errors))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    let header =
        |name, value| SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value));
    let socket =
        Router::new()
            .route("/ws", get(live::socket))
            .layer(middleware::from_fn_with_state(
                site.clone(),
                security::refuse_foreign_socket,
            ));
    Router::new()
        .merge(api)
        .merge(socket)
        .route("/healthz", get(healthz))
        .nest_service("/operator", app_files(&state, site_dir, Role::Operator))
        .nest_service("/admin", app_files(&state, site_dir, Role::Admin))
        .fallback_service(app_files(&state, site_dir, Role::Client))
        .layer(header(CONTENT_SECURITY_POLICY, CSP))
        .layer(header(X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(X_FRAME_OPTIONS, "DENY"))
        .layer(header(REFERRER_POLICY, "no-referrer"))
        .layer(header(CACHE_CONTROL, "no-cache"))
        .layer(middleware::from_fn_with_state(
            site.clone(),
            security::strict_transport,
        ))
        .layer(middleware::from_fn_with_state(
            site,
            security::check_request_line,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until `shutdown` completes, then lets the requests under way finish within the
/// configured grace period (`edge`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    site_dir: &Path,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = &state.config;
    let limits = edge::Limits {
        header_timeout: config.header_timeout,
        body_min_rate: config.body_min_rate,
        shutdown_grace: config.shutdown_grace,
    };
    let app = router(state.clone(), site_dir, listener.local_addr()?);
    // Live updates: this process's tail of the event log, for its sockets, hearing too what other
    // processes say of presence and calls; they close (telling the apps to come back) as soon as
    // the server starts stopping.
    use app::server::{calls, db, live, presence};
    let hearings: Vec<live::Hearing> = vec![
        (db::PRESENCE_CHANNEL, presence::heard),
        (db::CALLS_CHANNEL, calls::heard),
    ];
    let tail = tokio::spawn(live::tail(state.clone(), hearings));
    let sweep = tokio::spawn(presence::sweep(state.clone()));
    let live = state.live.clone();
    let stopping = async move {
        shutdown.await;
        live.close_all();
    };
    let served = edge::serve(listener, app, limits, stopping).await;
    tail.abort();
    sweep.abort();
    served
}
