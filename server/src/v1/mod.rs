//! The public REST API under `/api/v1`, for programs beside Šalter (a product opening tickets for
//! its users, a monitoring tool, a chat bot). The apps keep their own server functions; this is
//! a stable contract of its own, documented by the OpenAPI 3.1 document at
//! `/api/v1/openapi.json` and a reference page at `/api/v1/docs`.
//!
//! - **Who.** Every call carries `Authorization: Bearer <token>` (`app::server::tokens`): the
//!   token's account, admitted by `gateway::admit_bearer` exactly as that account's session would
//!   be, then each operation's scope and policy (`Api::admit`), then the same rules and access
//!   functions the apps' calls go through — a token never sees more than its account could.
//! - **How much.** Each token may make `--api-calls-per-minute` calls a minute (per process); every
//!   answer says where it stands in `RateLimit-Limit`, `RateLimit-Remaining` and
//!   `RateLimit-Reset`, and a call over the limit gets `429` with `Retry-After`.
//! - **Errors** are the apps' `AppError` JSON (`{"code": …}`) with the same statuses.
//! - **One declaration per operation.** Each handler's `#[utoipa::path]` is both its route and
//!   its entry in the document (`utoipa_axum::routes!`), so the two cannot differ.

pub mod accounts;
pub mod articles;
pub mod statistics;
pub mod tickets;

use app::error::AppError;
use app::server::access::Policy;
use app::server::auth::Session;
use app::server::gateway::{self, Caller};
use app::server::tokens::Grant;
use app::server::AppState;
use app::tokens::Scope;
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

/// The caller of an API operation: its token's account and grant.
pub struct Api {
    pub caller: Caller,
    pub grant: Grant,
}

/// What a handler takes to learn its caller (put there by `authenticate`).
pub type Token = axum::Extension<Arc<Api>>;

impl Api {
    /// The account's session, if the token holds `scope` and the account passes `policy`.
    pub fn admit(&self, scope: Scope, policy: Policy) -> Result<&Session, AppError> {
        self.grant.require(scope)?;
        app::server::access::check(self.caller.session.as_ref(), policy)?
            .ok_or(AppError::Unauthenticated)
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Šalter REST API",
        description = "Tickets, accounts, articles and statistics of a Šalter help desk, for programs. \
            Every call carries `Authorization: Bearer <token>`; a token is made on the account \
            page (one's own) or by an admin (an integration's) and acts as one account, within \
            its scopes. Errors are JSON `{\"code\": …}` with the HTTP status that fits. Lists \
            page by an opaque `cursor` (the previous page's `next`). Each token may make a \
            number of calls a minute: see the `RateLimit-*` headers.",
        version = "1"
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    tags(
        (name = "tickets", description = "Tickets, their threads and moves"),
        (name = "accounts", description = "Who is calling; clients, operators and admins"),
        (name = "articles", description = "The knowledge base"),
        (name = "statistics", description = "Figures over a period"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token (`slt_…`)"))
                    .build(),
            ),
        );
    }
}

/// The operations, each declared once, and the document made from them.
fn operations() -> (Router<AppState>, Document) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(tickets::routes())
        .merge(accounts::routes())
        .merge(articles::routes())
        .merge(statistics::routes())
        .split_for_parts()
}

/// The OpenAPI document, as served (paths relative to the server `/api/v1`).
pub fn document() -> Document {
    operations().1
}

/// `/api/v1`: the operations behind `authenticate`, and the document and its reference page,
/// which anyone may read.
pub fn router(state: AppState) -> Router<AppState> {
    let (operations, doc) = operations();
    let doc = Arc::new(doc);
    let json = doc.to_json().unwrap_or_default();
    let page = reference_page(&doc);
    Router::new()
        .nest(
            "/api/v1",
            operations.layer(middleware::from_fn_with_state(state, authenticate)),
        )
        .route(
            "/api/v1/openapi.json",
            get(move || async move { ([(CONTENT_TYPE, "application/json")], json) }),
        )
        .route("/api/v1/docs", get(move || async move { Html(page) }))
}

/// Admits the call's token (401 with `WWW-Authenticate` otherwise), counts it against the
/// token's rate limit, and answers where it stands in the `RateLimit-*` headers.
async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let admitted = gateway::admit_bearer(state.clone(), &parts, Policy::AnyRole).await;
    req = Request::from_parts(parts, body);
    let (caller, grant) = match admitted {
        Ok(admitted) => admitted,
        Err(e) => {
            let mut res = e.into_response();
            if res.status() == StatusCode::UNAUTHORIZED {
                res.headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            return res;
        }
    };
    let limit = state.config.api_calls_per_minute;
    let rate = state.api_calls.count(grant.id, state.clock.now_ms(), limit);
    let mut res = if rate.refused {
        let mut res = AppError::TooManyAttempts {
            retry_after_secs: rate.reset_secs,
        }
        .into_response();
        res.headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(rate.reset_secs));
        res
    } else {
        req.extensions_mut().insert(Arc::new(Api { caller, grant }));
        next.run(req).await
    };
    rate_headers(res.headers_mut(), rate);
    res
}

fn rate_headers(headers: &mut HeaderMap, rate: app::server::tokens::RateState) {
    headers.insert("ratelimit-limit", HeaderValue::from(rate.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(rate.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(rate.reset_secs));
}

/// An error, as every Šalter call answers one: its `code` (`unauthenticated`, `forbidden`,
/// `not_found`, `invalid`, `move_not_allowed`, `idempotency_conflict`, `too_many_attempts` …) and,
/// for some codes, what it concerns (`field` and `problem` for `invalid`, `retry_after_secs` for
/// `too_many_attempts`, …).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: String,
}

/// A successful answer with its status (`201` for what a call made).
pub fn answer<T: serde::Serialize>(status: StatusCode, value: T) -> Response {
    (status, Json(value)).into_response()
}

/// The reference page: every operation with its method, path, summary and scope, from the
/// document itself (no script: the site's CSP allows none inline, and none is needed).
fn reference_page(doc: &Document) -> String {
    let mut rows = String::new();
    for (path, item) in doc.paths.paths.iter() {
        for (method, op) in operations_of(item) {
            let summary = op.summary.as_deref().unwrap_or("");
            let description = op.description.as_deref().unwrap_or("");
            rows.push_str(&format!(
                "<tr><td><code>{method}</code></td><td><code>/api/v1{}</code></td>\
                 <td><strong>{}</strong><br>{}</td></tr>",
                escape(path),
                escape(summary),
                escape(description)
            ));
        }
    }
    let title = escape(&doc.info.title);
    let intro = escape(doc.info.description.as_deref().unwrap_or(""));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/style/salter.css\"></head>\
         <body><main class=\"page api-reference\"><h1>{title}</h1><p>{intro}</p>\
         <p>The machine-readable document: <a href=\"/api/v1/openapi.json\">openapi.json</a> \
         (OpenAPI 3.1).</p><table><thead><tr><th>Method</th><th>Path</th><th>What it does</th>\
         </tr></thead><tbody>{rows}</tbody></table></main></body></html>"
    )
}

fn operations_of(
    item: &utoipa::openapi::PathItem,
) -> Vec<(&'static str, &utoipa::openapi::path::Operation)> {
    [
        ("GET", &item.get),
        ("POST", &item.post),
        ("PUT", &item.put),
        ("PATCH", &item.patch),
        ("DELETE", &item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
    .collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A time as the API writes it: RFC 3339 in UTC (`2026-12-06T09:30:00Z`).
pub fn time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// A time the API reads: RFC 3339, as unix milliseconds.
pub fn parse_time(text: &str, field: app::error::Field) -> Result<i64, AppError> {
    text.parse::<jiff::Timestamp>()
        .map(|t| t.as_millisecond())
        .map_err(|_| AppError::invalid(field, app::error::Problem::Malformed))
}

/// The `Idempotency-Key` header, if sent.
pub fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
