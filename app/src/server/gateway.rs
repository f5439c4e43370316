//! The one path every server function takes on the server: find the caller's session from the
//! cookie, check the function's `Policy`, run the body. (The server crate maps an error to its
//! HTTP status, wherever in the stack it arose.)

use super::access::{self, Policy};
use super::audit;
use super::auth::{self, Session};
use super::tokens;
use super::AppState;
use crate::audit::Action;
use crate::error::AppError;
use axum::extract::ConnectInfo;
use http::header::{COOKIE, SET_COOKIE};
use http::HeaderValue;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub const SESSION_COOKIE: &str = "salter_session";

/// Who is calling, and from where.
pub struct Caller {
    pub state: AppState,
    pub session: Option<Session>,
    pub ip: IpAddr,
    /// The browser's `User-Agent`, as sent (at most `AGENT_MAX` characters; empty when none).
    pub agent: String,
    secure: bool,
}

/// How much of a `User-Agent` is kept.
pub const AGENT_MAX: usize = 300;

impl Caller {
    /// The session; the policy has already made sure there is one where it requires one.
    pub fn session(&self) -> Result<&Session, AppError> {
        self.session.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// Sends the session cookie: HttpOnly, SameSite=Strict, Secure over https.
    pub fn set_session_cookie(&self, token: &str) {
        let max_age = self.state.config.session_absolute_ms / 1000;
        self.set_cookie(&format!("{SESSION_COOKIE}={token}; Max-Age={max_age}"));
    }

    /// Who this caller is to the audit log.
    pub fn actor(&self) -> audit::Actor {
        audit::Actor {
            id: self.session.as_ref().map(|s| s.user.id),
            name: self
                .session
                .as_ref()
                .map(|s| s.user.username.clone())
                .unwrap_or_default(),
            address: self.ip.to_string(),
        }
    }

    /// Writes the audit row of an act the caller has done (`action` on `target`, `detail` what
    /// changed): called once the act has succeeded.
    pub async fn audit(
        &self,
        action: Action,
        target: Option<i64>,
        detail: &str,
    ) -> Result<(), AppError> {
        audit::record(&self.state, &self.actor(), action, target, detail).await
    }

    pub fn clear_session_cookie(&self) {
        self.set_cookie(&format!("{SESSION_COOKIE}=; Max-Age=0"));
    }

    fn set_cookie(&self, value: &str) {
        let secure = if self.secure { "; Secure" } else { "" };
        let cookie = format!("{value}; Path=/; HttpOnly; SameSite=Strict{secure}");
        if let (Some(options), Ok(value)) = (
            use_context::<ResponseOptions>(),
            HeaderValue::from_str(&cookie),
        ) {
            options.append_header(SET_COOKIE, value);
        }
    }
}

fn session_token(parts: &http::request::Parts) -> Option<&str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

async fn caller() -> Result<Caller, AppError> {
    let state = use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server-function context");
        AppError::Internal
    })?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    caller_from(state, &parts).await
}

/// The caller of a plain HTTP handler (attachments, a client's export), admitted by `policy`
/// exactly as a server function's caller is.
pub async fn admit(
    state: AppState,
    parts: &http::request::Parts,
    policy: Policy,
) -> Result<Caller, AppError> {
    let caller = caller_from(state, parts).await?;
    access::check(caller.session.as_ref(), policy)?;
    Ok(caller)
}

/// The caller of a request: for server functions (through `run`) and the plain HTTP handlers
/// (attachments) alike.
pub async fn caller_from(
    state: AppState,
    parts: &http::request::Parts,
) -> Result<Caller, AppError> {
    let session = match session_token(parts) {
        Some(token) => auth::resolve_session(&state, token).await?,
        None => None,
    };
    Ok(caller_with(state, parts, session))
}

/// The caller of a REST API request (`/api/v1`): the account its `Authorization: Bearer` token
/// acts as — admitted by `policy` exactly as that account's session would be, so a token never
/// does more than its account could — and what the token grants. The session cookie is not
/// read: the API is for programs, and a browser page of another site cannot send a bearer token.
pub async fn admit_bearer(
    state: AppState,
    parts: &http::request::Parts,
    policy: Policy,
) -> Result<(Caller, tokens::Grant), AppError> {
    let secret = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    let ip = client_address(&state, parts);
    let (session, grant) = tokens::resolve(&state, secret, ip)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    access::check(Some(&session), policy)?;
    Ok((caller_with(state, parts, Some(session)), grant))
}

fn caller_with(state: AppState, parts: &http::request::Parts, session: Option<Session>) -> Caller {
    let ip = client_address(&state, parts);
    let agent = parts
        .headers
        .get(http::header::USER_AGENT)
        .map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .chars()
                .take(AGENT_MAX)
                .collect()
        })
        .unwrap_or_default();
    let secure = state.config.cookie_secure
        || parts
            .headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes() == b"https");
    Caller {
        state,
        session,
        ip,
        agent,
        secure,
    }
}

/// Where the request came from: the connection's peer, or behind a reverse proxy
/// (`behind_proxy`) the address the proxy appended last to `X-Forwarded-For` — the one entry a
/// client cannot choose.
fn client_address(state: &AppState, parts: &http::request::Parts) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    if !state.config.behind_proxy {
        return peer;
    }
    parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}

/// Runs a server function's body for a caller the policy admits — within the configured
/// request time, or `Unavailable`. A write cut short on PostgreSQL rolls back with its
/// transaction; one already queued for SQLite's group commit still commits (a retried creation
/// finds it by its idempotency key; a retried move is refused as no longer possible).
pub async fn run<T, F, Fut>(policy: Policy, body: F) -> Result<T, AppError>
where
    F: FnOnce(Caller) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let limit = use_context::<AppState>()
        .map(|state| state.config.request_timeout)
        .ok_or(AppError::Internal)?;
    tokio::time::timeout(limit, admitted(policy, body))
        .await
        .unwrap_or_else(|_| {
            tracing::warn!(?limit, "request not answered in time");
            Err(AppError::Unavailable)
        })
}

async fn admitted<T, F, Fut>(policy: Policy, body: F) -> Result<T, AppError>
where
    F: FnOnce(Caller) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let caller = caller().await?;
    if let Some(session) = access::check(caller.session.as_ref(), policy)? {
        // An operator's request is their sign of being active (fair assignment's duty).
        if let Err(e) = super::assignment::seen(&caller.state, session).await {
            tracing::warn!(error = %e, "could not mark the operator as seen");
        }
    }
    body(caller).await
}
