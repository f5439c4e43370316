//! Server-only code: business rules and SQL. Compiled with the `ssr` feature only, so none of
//! it can reach a browser bundle.
//!
//! - `gateway`: the one path every server function takes (session, authorization, error→status).
//! - `access`: who may call what.
//! - `auth`, `accounts`, `settings`, `categories`: the rules of each domain, with their SQL.
//! - `attachments`: files on the thread (upload, sniffing, storage, download).
//! - `markdown`: light Markdown rendered and sanitized for display.
//! - `db`: the connection to SQLite or PostgreSQL; `passwords`, `username`: pure helpers.

pub mod access;
pub mod accounts;
pub mod attachments;
pub mod auth;
pub mod categories;
pub mod db;
pub mod gateway;
pub mod markdown;
pub mod passwords;
pub mod settings;
pub mod tickets;
pub mod username;

use crate::dto::Edition;
use crate::error::AppError;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use db::Db;

/// Tunables of an installation. Defaults are what a small company wants; `salter serve --help`
/// lists the flags that set them.
#[derive(Clone, Debug)]
pub struct Config {
    pub edition: Edition,
    /// How long a one-time password signs in.
    pub otp_ttl_ms: i64,
    /// A session unused this long ends.
    pub session_idle_ms: i64,
    /// A session ends this long after sign-in, used or not.
    pub session_absolute_ms: i64,
    /// Failed sign-ins allowed per account, and per client address, within `signin_window_ms`.
    pub signin_account_limit: i64,
    pub signin_address_limit: i64,
    pub signin_window_ms: i64,
    /// Always mark the session cookie `Secure` (it is anyway behind a proxy that says https).
    pub cookie_secure: bool,
    /// Where attachments are stored: outside every served directory. Several processes on one
    /// PostgreSQL must share it (a network file system).
    pub files_dir: std::path::PathBuf,
    /// The largest attachment accepted, in bytes.
    pub max_upload_bytes: i64,
    /// How long a closed ticket may be reopened by its client.
    pub reopen_window_ms: i64,
}

const HOUR_MS: i64 = 3_600_000;

impl Default for Config {
    fn default() -> Self {
        Config {
            edition: Edition::Free,
            otp_ttl_ms: 72 * HOUR_MS,
            session_idle_ms: 12 * HOUR_MS,
            session_absolute_ms: 7 * 24 * HOUR_MS,
            signin_account_limit: 10,
            signin_address_limit: 50,
            signin_window_ms: HOUR_MS / 4,
            cookie_secure: false,
            files_dir: "data/files".into(),
            max_upload_bytes: 10 * 1_048_576,
            reopen_window_ms: 14 * 24 * HOUR_MS,
        }
    }
}

/// Wall-clock time in unix milliseconds, with an offset tests can move forward.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        system + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock (and every copy of it) forward.
    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Everything a request needs, shared by all of them.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub address_limiter: Arc<auth::AddressLimiter>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        AppState {
            db,
            config: Arc::new(config),
            clock: Clock::default(),
            address_limiter: Arc::default(),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        tracing::error!(error = %e, "database error");
        AppError::Internal
    }
}
