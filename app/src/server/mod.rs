//! Server-only code: business rules and SQL. Compiled with the `ssr` feature only, so none of
//! it can reach a browser bundle.
//!
//! - `gateway`: the one path every server function takes (session, authorization, time limit);
//!   the HTTP status of an error is set by the server crate (`security::error_status`).
//! - `access`: who may call what.
//! - `auth`, `accounts`, `settings`, `categories`: the rules of each domain, with their SQL;
//!   `sessions`: a person's own sessions, seen and ended.
//! - `licence`: the edition a signed licence unlocks, and its limits.
//! - `history`: the one writer and reader of a ticket's history (typed `events`).
//! - `assignment`: fair assignment's serialized step (duty, snapshot, plan applied, history).
//! - `attachments`: files on the thread (upload, sniffing, storage, download).
//! - `markdown`: light Markdown rendered and sanitized for display.
//! - `db`: the connection to SQLite or PostgreSQL; `passwords`, `username`: pure helpers.

pub mod access;
pub mod accounts;
pub mod assignment;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod boot;
pub mod calls;
pub mod canned;
pub mod categories;
pub mod chat;
pub mod db;
pub mod facts;
pub mod gateway;
pub mod history;
pub mod inbox;
pub mod input;
pub mod kb;
pub mod licence;
pub mod live;
pub mod mail;
pub mod markdown;
pub mod moves;
pub mod moving;
pub mod passwords;
pub mod presence;
pub mod privacy;
pub mod replay;
pub mod retry;
pub mod satisfaction;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod sla;
pub mod stats;
pub mod ticket;
pub mod tickets;
pub mod tiers;
pub mod tokens;
pub mod totp;
pub mod two_factor;
pub mod username;
pub mod webhooks;

use crate::error::AppError;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

pub use db::Db;

/// Tunables of an installation. Defaults are what a small company wants; `salter serve --help`
/// lists the flags that set them.
#[derive(Clone, Debug)]
pub struct Config {
    /// The public keys whose licences are accepted (`licence::trusted_keys`).
    pub licence_keys: Vec<[u8; 32]>,
    /// How long a one-time password signs in.
    pub otp_ttl_ms: i64,
    /// A session unused this long ends.
    pub session_idle_ms: i64,
    /// A session ends this long after sign-in, used or not.
    pub session_absolute_ms: i64,
    /// Failed sign-ins of one account name (real or not) within `signin_window_ms` before each
    /// further attempt from an address that has failed must wait, twice as long each time up to
    /// `signin_delay_max_ms`. An address without failures is never delayed: the owner signs in.
    pub signin_free_tries: i64,
    pub signin_delay_max_ms: i64,
    /// Failed sign-ins from one client address within the window before it is stopped.
    pub signin_address_limit: i64,
    pub signin_window_ms: i64,
    /// Behind a reverse proxy: the client's address is the last one in `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// The address users reach Šalter at (`https://help.example.com`), as an origin: requests
    /// from pages elsewhere are refused, and so is any other `Host`. None: the bound address.
    pub public_url: Option<String>,
    /// Where links in e-mail point: the public URL, else the bound address.
    pub links: String,
    /// Always mark the session cookie `Secure` (it is anyway behind a proxy that says https).
    pub cookie_secure: bool,
    /// Where attachments are stored: outside every served directory. Several processes on one
    /// PostgreSQL must share it (a network file system).
    pub files_dir: std::path::PathBuf,
    /// The keys attachments are sealed with on disk: a key file kept apart from the database and
    /// the files (by default `data/files.key`) or `SALTER_FILES_KEY`.
    pub files_key: attachments::keys::KeySource,
    /// The largest attachment accepted, in bytes.
    pub max_upload_bytes: i64,
    /// How long a closed ticket may be reopened by its client.
    pub reopen_window_ms: i64,
    /// Waiting tickets go to operators on duty by themselves; off: admins assign by hand.
    pub automatic_assignment: bool,
    /// Working hours and days off are in this time zone.
    pub time_zone: jiff::tz::TimeZone,
    /// An operator counts as signed in and active while their console is open (its live
    /// connection), and this long after it closed or after their last request.
    pub duty_window_ms: i64,
    /// Returned-to-client tickets count as load.
    pub returned_counts_as_load: bool,
    /// Going off duty, an operator keeps the tickets already in progress (the unstarted ones
    /// always go back to the queue).
    pub keep_started_when_off_duty: bool,
    /// A server function that has not answered in this time answers 503 instead: a database
    /// that stops answering (a network partition) never hangs a request.
    pub request_timeout: std::time::Duration,
    /// A connection whose request headers are not complete in this time (also: one idle this
    /// long between requests) is closed.
    pub header_timeout: std::time::Duration,
    /// A request body slower than this many bytes a second (after a first `header_timeout`) is
    /// cut off.
    pub body_min_rate: u64,
    /// On SIGTERM, requests under way get this long to finish; then the process exits.
    pub shutdown_grace: std::time::Duration,
    /// A live socket is pinged this often, its session checked, and dropped when it did not
    /// answer the previous ping.
    pub live_heartbeat: std::time::Duration,
    /// A live chat whose client has been away this long ends (`chat::keep_sweeping`); coming
    /// back sooner resumes it.
    pub chat_resume_window: std::time::Duration,
    /// Calls per API token per minute on the REST API (`tokens::RateLimiter`).
    pub api_calls_per_minute: u32,
}

const HOUR_MS: i64 = 3_600_000;

/// Creates `path` and its missing parents readable by this user only (0700 on Unix): the
/// database, the attachments and backups hold password hashes and clients' files. A directory
/// that exists keeps the permissions its owner gave it.
pub async fn private_dir(path: &std::path::Path) -> std::io::Result<()> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(path).await
}

impl Config {
    /// The installation's time zone by its IANA name (`UTC` when the machine's has none).
    pub fn time_zone_name(&self) -> String {
        self.time_zone.iana_name().unwrap_or("UTC").to_string()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            licence_keys: licence::trusted_keys(),
            otp_ttl_ms: 72 * HOUR_MS,
            session_idle_ms: 12 * HOUR_MS,
            session_absolute_ms: 7 * 24 * HOUR_MS,
            signin_free_tries: 5,
            signin_delay_max_ms: 60_000,
            signin_address_limit: 50,
            signin_window_ms: HOUR_MS / 4,
            behind_proxy: false,
            public_url: None,
            links: "http://localhost:3000".to_string(),
            cookie_secure: false,
            files_dir: "data/files".into(),
            files_key: attachments::keys::KeySource::beside(std::path::Path::new("data/files")),
            max_upload_bytes: 10 * 1_048_576,
            reopen_window_ms: 14 * 24 * HOUR_MS,
            automatic_assignment: true,
            time_zone: jiff::tz::TimeZone::try_system().unwrap_or(jiff::tz::TimeZone::UTC),
            duty_window_ms: HOUR_MS / 30,
            returned_counts_as_load: false,
            keep_started_when_off_duty: true,
            request_timeout: std::time::Duration::from_secs(10),
            live_heartbeat: std::time::Duration::from_secs(25),
            chat_resume_window: std::time::Duration::from_secs(5 * 60),
            header_timeout: std::time::Duration::from_secs(10),
            body_min_rate: 1_024,
            shutdown_grace: std::time::Duration::from_secs(30),
            api_calls_per_minute: 600,
        }
    }
}

/// Wall-clock time in unix milliseconds, with an offset tests can move forward — or a time
/// they pin it to, so that what happens gets exact times.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
    /// 0: not pinned.
    pinned_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now_ms(&self) -> i64 {
        let base = match self.pinned_ms.load(Ordering::Relaxed) {
            0 => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0),
            pinned => pinned,
        };
        base + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Stops this clock (and every copy of it) at `ms`; `advance_ms` still moves it.
    pub fn pin_ms(&self, ms: i64) {
        self.offset_ms.store(0, Ordering::Relaxed);
        self.pinned_ms.store(ms, Ordering::Relaxed);
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
    pub address_limiter: Arc<sign_in::AddressLimiter>,
    /// Wakes the assignment step (`wake_assignment`).
    pub assign: Arc<tokio::sync::Notify>,
    /// When each operator was last marked as seen, so that is written at most once a minute.
    pub seen: Arc<std::sync::Mutex<std::collections::HashMap<i64, i64>>>,
    /// Live updates: the tail's fan-out to the sockets (`live`).
    pub live: Arc<live::Live>,
    /// Who is on which ticket now (`presence`).
    pub presence: Arc<presence::Presence>,
    /// Calls' changes and signals, for the sockets of their two sides (`calls::note_for`).
    pub calls: tokio::sync::broadcast::Sender<calls::Word>,
    /// Each API token's calls this minute (`tokens::RateLimiter`).
    pub api_calls: Arc<tokens::RateLimiter>,
}

impl AppState {
    pub fn new(db: Db, config: Config) -> Self {
        AppState {
            db,
            config: Arc::new(config),
            clock: Clock::default(),
            address_limiter: Arc::default(),
            assign: Arc::default(),
            seen: Arc::default(),
            live: Arc::default(),
            presence: Arc::default(),
            calls: tokio::sync::broadcast::channel(live::FAN_OUT).0,
            api_calls: Arc::default(),
        }
    }

    /// Asks the assignment step (`assignment`) for a run soon, coalesced: something changed that
    /// may give out a ticket — one waiting, an operator free or on duty again.
    pub fn wake_assignment(&self) {
        self.assign.notify_one();
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if database_unreachable(&e) {
            tracing::warn!(error = %e, "database unreachable");
            AppError::Unavailable
        } else {
            tracing::error!(error = %e, "database error");
            AppError::Internal
        }
    }
}

/// Whether the error says the database cannot be reached now (so a retry later may succeed):
/// no connection within the pool's timeout, a connection lost, or PostgreSQL refusing work
/// while it shuts down or starts (SQLSTATE classes 08 and 57P).
fn database_unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}
