//! `salter`: the Šalter help desk server and its admin commands.

use anyhow::Context;
use app::audit::Action;
use app::server::attachments::{keys::KeySource, seal};
use app::server::{accounts, backup, licence, moving, AppState, Config, Db};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "salter",
    version,
    about = "Šalter — a customer-support help desk"
)]
struct Cli {
    /// sqlite://PATH (the embedded default) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "SALTER_DATABASE_URL",
        default_value = "sqlite://data/salter.db"
    )]
    database_url: String,
    /// Where attachments are kept (never inside the site directory). Processes sharing one
    /// PostgreSQL must share this directory too.
    #[arg(
        long,
        global = true,
        env = "SALTER_FILES_DIR",
        default_value = "data/files"
    )]
    files_dir: PathBuf,
    /// The key file attachments are sealed with (made with a new key when missing and no
    /// file is sealed yet). Keep it apart from the database, the files and their backups.
    /// Without it, `SALTER_FILES_KEY` may hold the keys themselves (base64, the current one
    /// first); without either, the key file is beside the files directory (`data/files.key`).
    #[arg(long, global = true, env = "SALTER_FILES_KEY_FILE")]
    files_key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

impl Cli {
    /// Where the attachments' keys come from: the key file named, else `SALTER_FILES_KEY`,
    /// else the key file beside the files directory.
    fn files_key(&self) -> KeySource {
        if let Some(file) = &self.files_key_file {
            return KeySource::File(file.clone());
        }
        match std::env::var("SALTER_FILES_KEY") {
            Ok(keys) if !keys.trim().is_empty() => KeySource::Given(keys),
            _ => KeySource::beside(&self.files_dir),
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the three apps and the API.
    Serve(Box<ServeArgs>),
    /// Administration from the machine itself.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Copy the database and the attachments into a new directory, while Šalter keeps serving.
    Backup { dir: PathBuf },
    /// Put a backup into an empty database (a new SQLite file, or a PostgreSQL database without
    /// tables) and the files directory.
    Restore { dir: PathBuf },
    /// The commercial edition: install a signed licence; for the vendor, make keys and sign.
    #[command(subcommand, visible_alias = "licence")]
    License(LicenseCommand),
    /// The attachments' encryption key.
    #[command(subcommand)]
    Files(FilesCommand),
    /// Write everything — accounts, categories, tickets with their threads, files and ratings —
    /// into a new directory, in the format `salter import export` reads (docs/moving.md).
    Export { dir: PathBuf },
    /// Bring in the help desk used before: an export, CSV files or an osTicket database. Safe to
    /// run again: nothing comes twice. New accounts get one-time passwords, written to a file
    /// for you to hand out.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A directory in the moving format: made by `salter export`, or by a program of yours.
    Export {
        dir: PathBuf,
        #[command(flatten)]
        handed: Handed,
    },
    /// CSV files: accounts (ref,full_name,email,role,username) and tickets without threads
    /// (ref,client,subject,description,category,priority,status,operator,created_at,closed_at).
    Csv {
        #[arg(long)]
        accounts: Option<PathBuf>,
        #[arg(long)]
        tickets: Option<PathBuf>,
        /// Names these files' data, so that a second run knows what the first brought.
        #[arg(long, default_value = "csv")]
        source: String,
        #[command(flatten)]
        handed: Handed,
    },
    /// osTicket 1.x, read from its MySQL or MariaDB database.
    Osticket {
        /// mysql://USER:PASSWORD@HOST/DATABASE
        #[arg(long, env = "SALTER_OSTICKET_URL")]
        from: String,
        /// The prefix of osTicket's tables.
        #[arg(long, default_value = "ost_")]
        prefix: String,
        /// osTicket's attachment folder (its filesystem storage's base folder), for the files
        /// it keeps on disk rather than in the database.
        #[arg(long)]
        uploads: Option<PathBuf>,
        #[command(flatten)]
        handed: Handed,
    },
}

/// Where the new accounts' one-time passwords go, and how long they work.
#[derive(Args)]
struct Handed {
    /// A new CSV file (username, full name, role, one-time password), readable by you only;
    /// default: salter-passwords-<time>.csv here.
    #[arg(long)]
    passwords: Option<PathBuf>,
    /// How long the new accounts' one-time passwords sign in.
    #[arg(long, default_value_t = 720)]
    otp_ttl_hours: i64,
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Make a new key the one files are sealed with and rewrite every file with it; the old
    /// key leaves the key file once no file uses it. Running servers follow without a restart.
    RotateKey,
    /// Rewrite every file not sealed with the current key (after a key was put first in
    /// SALTER_FILES_KEY, or when a rotation had to keep its old key).
    Reseal,
}

#[derive(Subcommand)]
enum LicenseCommand {
    /// Verify a licence file and install it in place of the one before.
    Install { file: PathBuf },
    /// (Vendor) Make a key pair: the private key goes into FILE (readable by you only, kept
    /// outside every repository), the public key is printed: build releases with it in
    /// `SALTER_VENDOR_KEY` (`licence::VENDOR_KEY`).
    Keygen { file: PathBuf },
    /// (Vendor) Sign a licence with the private key in --key and print it.
    Issue(IssueArgs),
}

#[derive(Args)]
struct IssueArgs {
    /// The private key file made by `salter license keygen`.
    #[arg(long)]
    key: PathBuf,
    #[arg(long)]
    licensee: String,
    /// Active admin accounts allowed: a number, or `unlimited`.
    #[arg(long, default_value = "unlimited", value_parser = seats)]
    admins: Seats,
    /// Active operator accounts allowed: a number, or `unlimited`.
    #[arg(long, default_value = "unlimited", value_parser = seats)]
    operators: Seats,
    /// The last day it holds (YYYY-MM-DD); without it, it never expires.
    #[arg(long)]
    expires: Option<jiff::civil::Date>,
    /// The day of issue (YYYY-MM-DD); default: today.
    #[arg(long)]
    issued: Option<jiff::civil::Date>,
}

/// A number of seats; `None`: unlimited.
type Seats = Option<i64>;

fn seats(text: &str) -> Result<Seats, String> {
    match text {
        "unlimited" => Ok(None),
        n => n
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| format!("{n:?} is neither a number of seats nor `unlimited`")),
    }
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Give an account (e.g. a locked-out admin) a new one-time password, printed here.
    ResetPassword {
        username: String,
        /// Remove its second factor too (a lost phone): it signs in with the new password
        /// alone, then sets up a new one where its role requires it. Asked when not given and
        /// the account has one.
        #[arg(long)]
        second_factor: bool,
    },
}

/// The roles `--require-two-factor` names.
#[derive(Clone, Debug)]
struct RoleList(Vec<app::dto::Role>);

fn role_list(text: &str) -> Result<RoleList, String> {
    if text.trim() == "none" {
        return Ok(RoleList(Vec::new()));
    }
    text.split(',')
        .map(|name| {
            app::dto::Role::parse(name.trim()).ok_or_else(|| {
                format!("{name:?} is not a role (admin, operator, client) nor `none`")
            })
        })
        .collect::<Result<_, _>>()
        .map(RoleList)
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, env = "SALTER_BIND", default_value = "127.0.0.1:3000")]
    bind: SocketAddr,
    /// The directory `cargo xtask build` lays the apps out in.
    #[arg(long, env = "SALTER_SITE_DIR", default_value = "target/site")]
    site_dir: PathBuf,
    /// How long a one-time password signs in.
    #[arg(long, env = "SALTER_OTP_TTL_HOURS", default_value_t = 72)]
    otp_ttl_hours: i64,
    /// A session unused this long ends.
    #[arg(long, env = "SALTER_SESSION_IDLE_MINUTES", default_value_t = 12 * 60)]
    session_idle_minutes: i64,
    /// A session ends this long after sign-in.
    #[arg(long, env = "SALTER_SESSION_ABSOLUTE_HOURS", default_value_t = 7 * 24)]
    session_absolute_hours: i64,
    /// Mark the session cookie Secure even without X-Forwarded-Proto: https.
    #[arg(long, env = "SALTER_COOKIE_SECURE")]
    cookie_secure: bool,
    /// The largest attachment accepted, in megabytes.
    #[arg(long, env = "SALTER_MAX_UPLOAD_MB", default_value_t = 10)]
    max_upload_mb: i64,
    /// How many days after closing a client may reopen a ticket.
    #[arg(long, env = "SALTER_REOPEN_DAYS", default_value_t = 14)]
    reopen_days: i64,
    /// Admins assign every ticket by hand (no automatic assignment).
    #[arg(long, env = "SALTER_MANUAL_ASSIGNMENT")]
    manual_assignment: bool,
    /// The time zone of working hours and days off (IANA name); default: the machine's.
    #[arg(long, env = "SALTER_TIME_ZONE")]
    time_zone: Option<String>,
    /// An operator counts as active while their console is open, and this many minutes after
    /// it closed or after their last request.
    #[arg(long, env = "SALTER_DUTY_WINDOW_MINUTES", default_value_t = 2)]
    duty_window_minutes: i64,
    /// Count returned-to-client tickets as operator load.
    #[arg(long, env = "SALTER_RETURNED_COUNTS_AS_LOAD")]
    returned_counts_as_load: bool,
    /// Going off duty, hand back the started tickets too (not only the unstarted ones).
    #[arg(long, env = "SALTER_HAND_BACK_STARTED")]
    hand_back_started: bool,
    /// A request not answered in this many seconds answers 503 (a database that stopped
    /// answering never hangs it).
    #[arg(long, env = "SALTER_REQUEST_TIMEOUT_SECS", default_value_t = 10)]
    request_timeout_secs: u64,
    /// The address users reach Šalter at (`https://help.example.com`). Pages from any other
    /// origin are refused, and so are requests for any other Host. Default: the bind address.
    #[arg(long, env = "SALTER_PUBLIC_URL")]
    public_url: Option<String>,
    /// Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry
    /// (sign-in limits count per address).
    #[arg(long, env = "SALTER_BEHIND_PROXY")]
    behind_proxy: bool,
    /// Close a connection whose request headers take longer than this, or that sits idle
    /// this long between requests.
    #[arg(long, env = "SALTER_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    header_timeout_secs: u64,
    /// Cut off a request body slower than this many bytes a second.
    #[arg(long, env = "SALTER_BODY_MIN_RATE", default_value_t = 1024)]
    body_min_rate: u64,
    /// On SIGTERM, give the requests under way this long to finish, then exit.
    #[arg(long, env = "SALTER_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    shutdown_grace_secs: u64,
    /// Calls each API token may make per minute on the REST API (/api/v1), per process.
    #[arg(long, env = "SALTER_API_CALLS_PER_MINUTE", default_value_t = 600)]
    api_calls_per_minute: u32,
    /// The SMTP server e-mail goes out through: `smtp://user:password@host:587?tls=required`
    /// (STARTTLS), `smtps://user:password@host` (TLS) or `smtp://host:25` (plain, a local
    /// relay). Stored like the admin console's setting, which it replaces at each start.
    #[arg(long, env = "SALTER_SMTP_URL")]
    smtp_url: Option<String>,
    /// The mailbox whose mail becomes tickets and replies: `imaps://user:password@host/INBOX`
    /// (TLS) or `imap://user:password@localhost:143` (plain, on this machine). Stored like the
    /// admin console's setting, which it replaces at each start.
    #[arg(long, env = "SALTER_IMAP_URL")]
    imap_url: Option<String>,
    /// The address e-mail comes from (support@example.com); no e-mail goes out without one.
    #[arg(long, env = "SALTER_MAIL_FROM")]
    mail_from: Option<String>,
    /// Where replies to e-mail go, when not to the sender address.
    #[arg(long, env = "SALTER_MAIL_REPLY_TO")]
    mail_reply_to: Option<String>,
    /// The roles that must sign in with a second factor (an authenticator app): a
    /// comma-separated list of admin, operator and client, or `none`. Stored like the admin
    /// console's setting, which it replaces at each start; without it the setting stands
    /// (by default: admin).
    #[arg(long, env = "SALTER_REQUIRE_TWO_FACTOR", value_parser = role_list)]
    require_two_factor: Option<RoleList>,
}

impl ServeArgs {
    fn config(&self, files_dir: PathBuf) -> anyhow::Result<Config> {
        let defaults = Config::default();
        let time_zone = match &self.time_zone {
            Some(name) => jiff::tz::TimeZone::get(name)
                .with_context(|| format!("unknown time zone {name:?}"))?,
            None => defaults.time_zone.clone(),
        };
        let public_url = match &self.public_url {
            Some(url) => Some(server::security::origin_of(url).with_context(|| {
                format!("--public-url {url:?} is not an http:// or https:// address")
            })?),
            None => None,
        };
        let secs = std::time::Duration::from_secs;
        let links = public_url.clone().unwrap_or_else(|| match self.bind.ip() {
            ip if ip.is_loopback() || ip.is_unspecified() => {
                format!("http://localhost:{}", self.bind.port())
            }
            ip => format!("http://{}", std::net::SocketAddr::new(ip, self.bind.port())),
        });
        Ok(Config {
            links,
            otp_ttl_ms: self.otp_ttl_hours * 3_600_000,
            session_idle_ms: self.session_idle_minutes * 60_000,
            session_absolute_ms: self.session_absolute_hours * 3_600_000,
            cookie_secure: self.cookie_secure,
            files_dir,
            max_upload_bytes: self.max_upload_mb * 1_048_576,
            reopen_window_ms: self.reopen_days * 24 * 3_600_000,
            automatic_assignment: !self.manual_assignment,
            time_zone,
            duty_window_ms: self.duty_window_minutes * 60_000,
            returned_counts_as_load: self.returned_counts_as_load,
            keep_started_when_off_duty: !self.hand_back_started,
            request_timeout: secs(self.request_timeout_secs.max(1)),
            public_url,
            behind_proxy: self.behind_proxy,
            header_timeout: secs(self.header_timeout_secs.max(1)),
            body_min_rate: self.body_min_rate.max(1),
            shutdown_grace: secs(self.shutdown_grace_secs),
            api_calls_per_minute: self.api_calls_per_minute.max(1),
            ..defaults
        })
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

/// Makes the administrator account in an empty database, and prints its one-time password.
async fn bootstrap(state: &AppState, otp_ttl_hours: i64) -> anyhow::Result<()> {
    if let Some(issued) = accounts::bootstrap(state)
        .await
        .map_err(anyhow::Error::msg)?
    {
        print_credentials(
            "created the administrator account",
            &issued.account.username,
            &issued.one_time_password,
            otp_ttl_hours,
        );
    }
    Ok(())
}

/// Printed on standard output only, never through the log.
fn print_credentials(what: &str, username: &str, password: &str, hours: i64) {
    println!();
    println!("Šalter: {what} — shown this once only.");
    println!("    username:           {username}");
    println!("    one-time password:  {password}");
    println!("It works for {hours} hours and must be replaced at the first sign-in.");
    println!();
}

/// Large blocks — argon2's 19 MiB for every password checked or set — are mapped for their own
/// and unmapped when freed, so the memory goes back to the system after each sign-in instead
/// of staying in glibc's per-thread arenas (measured with `cargo xtask bench memory`: 12 MB
/// idle grew to 145 MB after four sign-ins and stayed there).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks() {
    // SAFETY: sets one allocator parameter, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> anyhow::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    return_large_blocks();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("SALTER_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let files_key = cli.files_key();
    let url = cli.database_url;
    match cli.command {
        Command::Serve(args) => serve(&url, cli.files_dir, files_key, *args).await,
        Command::Admin(AdminCommand::ResetPassword {
            username,
            second_factor,
        }) => reset_password(&url, &username, second_factor).await,
        // These two work on the database as it is: no migration first.
        Command::Backup { dir } => {
            report(
                "backing up into",
                &dir,
                backup::backup(&url, &cli.files_dir, &dir).await,
            )?;
            let key = match &files_key {
                KeySource::File(file) => file.display().to_string(),
                KeySource::Given(_) => "SALTER_FILES_KEY".to_string(),
            };
            println!("the attachments are sealed with the key in {key}: keep it too, apart from this backup — without it no file can be read");
            Ok(())
        }
        Command::Restore { dir } => report(
            "restoring from",
            &dir,
            backup::restore(&url, &cli.files_dir, &dir).await,
        ),
        Command::License(command) => license(&url, command).await,
        Command::Files(command) => files(&url, &cli.files_dir, &files_key, command).await,
        Command::Export { dir } => export(&url, cli.files_dir, files_key, &dir).await,
        Command::Import(command) => import(&url, cli.files_dir, files_key, command).await,
    }
}

/// The state the moving commands work with: the database, the files and their key.
async fn moving_state(
    url: &str,
    files_dir: PathBuf,
    files_key: KeySource,
    otp_ttl_hours: i64,
) -> anyhow::Result<AppState> {
    let config = Config {
        files_dir,
        files_key,
        otp_ttl_ms: otp_ttl_hours.max(1) * 3_600_000,
        ..Config::default()
    };
    Ok(AppState::new(open(url).await?, config))
}

async fn export(
    url: &str,
    files_dir: PathBuf,
    files_key: KeySource,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    let state = moving_state(url, files_dir, files_key, 1).await?;
    let counts = moving::export_to(&state, dir)
        .await
        .with_context(|| format!("exporting into {}", dir.display()))?;
    let detail = format!(
        "{} tickets, {} messages, {} files, {} accounts into {}",
        counts.tickets,
        counts.messages,
        counts.files,
        counts.accounts,
        dir.display()
    );
    machine_did(&state, Action::DataExported, None, &detail).await?;
    println!("exported {detail}");
    println!("it holds e-mail addresses and every ticket's words: keep it as safe as the database");
    Ok(())
}

async fn import(
    url: &str,
    files_dir: PathBuf,
    files_key: KeySource,
    command: ImportCommand,
) -> anyhow::Result<()> {
    let handed = match &command {
        ImportCommand::Export { handed, .. }
        | ImportCommand::Csv { handed, .. }
        | ImportCommand::Osticket { handed, .. } => handed,
    };
    let passwords = handed.passwords.clone().unwrap_or_else(|| {
        let now = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
        PathBuf::from(format!("salter-passwords-{now}.csv"))
    });
    let state = moving_state(url, files_dir, files_key, handed.otp_ttl_hours).await?;
    // Imported before the first start, the installation still gets its administrator: the
    // first `serve` makes one only into an empty database.
    bootstrap(&state, handed.otp_ttl_hours).await?;
    let mut bar = ProgressBar::new();
    let mut progress = |done, total| bar.show(done, total);
    let summary = match &command {
        ImportCommand::Export { dir, .. } => {
            moving::import_export(&state, dir, &mut progress).await
        }
        ImportCommand::Csv {
            accounts,
            tickets,
            source,
            ..
        } => {
            moving::import_csv(
                &state,
                source,
                accounts.as_deref(),
                tickets.as_deref(),
                &mut progress,
            )
            .await
        }
        ImportCommand::Osticket {
            from,
            prefix,
            uploads,
            ..
        } => moving::import_osticket(&state, from, prefix, uploads.as_deref(), &mut progress).await,
    };
    bar.end();
    let summary = summary.context("importing")?;
    let detail = format!(
        "{} tickets ({} messages, {} files), {} accounts new, {} matched, {} already there",
        summary.tickets_imported,
        summary.messages,
        summary.files,
        summary.accounts_created,
        summary.accounts_matched,
        summary.already_there
    );
    machine_did(&state, Action::DataImported, None, &detail).await?;
    println!("imported {detail}");
    println!(
        "categories: {} new, {} matched by name",
        summary.categories_created, summary.categories_matched
    );
    if !summary.disabled_by_limit.is_empty() {
        println!(
            "disabled, the edition's limit being reached (a licence lifts it): {}",
            summary.disabled_by_limit.join(", ")
        );
    }
    if !summary.left_out.is_empty() {
        println!("left out ({}):", summary.left_out.len());
        for why in &summary.left_out {
            println!("  {why}");
        }
    }
    if !summary.passwords.is_empty() {
        write_passwords(&passwords, &summary.passwords)?;
        println!(
            "{} one-time passwords (they work for {} hours) are in {}: hand them out, then delete it",
            summary.passwords.len(),
            handed.otp_ttl_hours,
            passwords.display()
        );
    }
    Ok(())
}

/// The new accounts' one-time passwords, in a new file only its owner may read.
fn write_passwords(
    path: &std::path::Path,
    issued: &[moving::import::Issued],
) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    let mut out = csv::Writer::from_writer(file);
    out.write_record(["username", "full_name", "role", "one_time_password"])?;
    for i in issued {
        out.write_record([
            i.username.as_str(),
            i.full_name.as_str(),
            i.role.as_str(),
            i.one_time_password.as_str(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `tickets [########------------] 4,000/10,000  40%  1,234/s` on standard error, redrawn at
/// most five times a second.
struct ProgressBar {
    started: std::time::Instant,
    drawn: Option<std::time::Instant>,
}

impl ProgressBar {
    fn new() -> ProgressBar {
        ProgressBar {
            started: std::time::Instant::now(),
            drawn: None,
        }
    }

    fn show(&mut self, done: u64, total: Option<u64>) {
        let now = std::time::Instant::now();
        let last = total.is_some_and(|t| done >= t);
        if !last
            && self
                .drawn
                .is_some_and(|d| now - d < std::time::Duration::from_millis(200))
        {
            return;
        }
        self.drawn = Some(now);
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(0.001);
        let line = match total {
            Some(total) if total > 0 => {
                let filled = (done * 20 / total).min(20) as usize;
                format!(
                    "tickets [{}{}] {done}/{total} {:3}%  {rate:.0}/s",
                    "#".repeat(filled),
                    "-".repeat(20 - filled),
                    done * 100 / total
                )
            }
            _ => format!("tickets {done}  {rate:.0}/s"),
        };
        eprint!("\r{line}");
    }

    fn end(&self) {
        if self.drawn.is_some() {
            eprintln!();
        }
    }
}

async fn files(
    url: &str,
    dir: &std::path::Path,
    key: &KeySource,
    command: FilesCommand,
) -> anyhow::Result<()> {
    let (new_key, done) = match command {
        FilesCommand::RotateKey => {
            let (id, done) = seal::rotate(key, dir).await?;
            (Some(id), done)
        }
        FilesCommand::Reseal => (None, seal::reseal_all(key, dir).await?),
    };
    if let Some(id) = &new_key {
        println!("new key {id} now seals the files");
        let state = AppState::new(open(url).await?, Config::default());
        machine_did(&state, Action::FilesKeyRotated, None, id).await?;
    }
    println!(
        "{} of {} files rewritten with the current key",
        done.resealed, done.files
    );
    if let Some(why) = &done.kept_old_keys {
        println!("the old keys stay for now: {why}");
    }
    if !done.unused_old_keys.is_empty() {
        let ids = done.unused_old_keys.join(", ");
        match key {
            KeySource::File(file) => println!("old keys {ids} removed from {}", file.display()),
            KeySource::Given(_) => println!(
                "no file uses the old keys {ids} any more: remove them from SALTER_FILES_KEY"
            ),
        }
    }
    Ok(())
}

async fn license(url: &str, command: LicenseCommand) -> anyhow::Result<()> {
    let read = |file: &PathBuf| {
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
    };
    match command {
        LicenseCommand::Install { file } => {
            let text = read(&file)?;
            let state = AppState::new(open(url).await?, Config::default());
            let installed = licence::install(&state, &text).await.map_err(|e| {
                anyhow::anyhow!(
                    "{}: {}",
                    file.display(),
                    app::i18n::error_text(&e, app::i18n::Lang::En)
                )
            })?;
            machine_did(&state, Action::LicenceInstalled, None, &installed.licensee).await?;
            let seats = |n: Option<i64>| n.map_or("unlimited".to_string(), |n| n.to_string());
            println!(
                "installed: the commercial edition, licensed to {}; admins {}, operators {}; valid through {}",
                installed.licensee,
                seats(installed.admins),
                seats(installed.operators),
                installed.expires.as_deref().unwrap_or("(no expiry)"),
            );
        }
        LicenseCommand::Keygen { file } => {
            let (private, public) = licence::keygen();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            std::io::Write::write_all(
                &mut options
                    .open(&file)
                    .with_context(|| format!("creating {} (it must not exist)", file.display()))?,
                format!("{private}\n").as_bytes(),
            )?;
            println!("{public}");
        }
        LicenseCommand::Issue(args) => {
            let issued = match args.issued {
                Some(day) => day,
                None => jiff::Zoned::now().date(),
            };
            let terms = licence::Terms {
                licensee: args.licensee,
                admins: args.admins,
                operators: args.operators,
                issued,
                expires: args.expires,
            };
            print!(
                "{}",
                licence::issue(&read(&args.key)?, &terms).map_err(anyhow::Error::msg)?
            );
        }
    }
    Ok(())
}

/// Says what a backup or restore copied, or why it stopped.
fn report(
    doing: &str,
    dir: &std::path::Path,
    outcome: Result<backup::Copied, backup::BackupError>,
) -> anyhow::Result<()> {
    let copied = outcome.with_context(|| format!("{doing} {}", dir.display()))?;
    println!(
        "{doing} {}: done — the database ({}) and {} attachment files",
        dir.display(),
        copied.database.display(),
        copied.files
    );
    Ok(())
}

async fn open(url: &str) -> anyhow::Result<Db> {
    Db::open(url)
        .await
        .with_context(|| format!("opening the database {url}"))
}

async fn serve(
    url: &str,
    files_dir: PathBuf,
    files_key: KeySource,
    args: ServeArgs,
) -> anyhow::Result<()> {
    // Bad settings are refused before anything is touched.
    let config = Config {
        files_key,
        ..args.config(files_dir)?
    };
    // Files stored before they were sealed are sealed now; a missing key is said now.
    let sealed = seal::seal_plain(&config.files_key, &config.files_dir).await?;
    if sealed > 0 {
        tracing::info!(
            files = sealed,
            "sealed the attachments stored before sealing"
        );
    }
    let state = AppState::new(open(url).await?, config);
    // The port first: a start that cannot serve must not use up the one printing of the
    // administrator's password.
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let flags = app::server::mail::Servers {
        smtp: args.smtp_url.clone(),
        imap: args.imap_url.clone(),
        from: args.mail_from.clone(),
        reply_to: args.mail_reply_to.clone(),
    };
    app::server::mail::set_from_flags(&state, flags)
        .await
        .map_err(|e| anyhow::anyhow!("the e-mail flags: {e}"))?;
    if let Some(RoleList(roles)) = &args.require_two_factor {
        app::server::two_factor::require(&state, roles)
            .await
            .map_err(|e| anyhow::anyhow!("--require-two-factor: {e}"))?;
    }
    bootstrap(&state, args.otp_ttl_hours).await?;
    // Statistics read one row of facts per ticket; tickets older than that table get theirs.
    let made = app::server::stats::backfill(&state.db)
        .await
        .map_err(anyhow::Error::msg)?;
    if made > 0 {
        tracing::info!(tickets = made, "made the statistics facts of older tickets");
    }
    if !args.site_dir.join("index.html").exists() {
        tracing::warn!(site_dir = %args.site_dir.display(), "no apps found; run `cargo xtask build --release`");
    }
    let addr = listener.local_addr()?;
    tracing::info!("Šalter listening on http://{addr}/ (operators: /operator/, admins: /admin/)");
    if addr.ip().is_unspecified() && state.config.public_url.is_none() {
        tracing::warn!("bound to every address without --public-url: pages are accepted from http:// and any Host; set --public-url to the address users reach");
    }
    // Automatic assignment: woken by the changes that need it, and every few seconds.
    tokio::spawn(app::server::assignment::keep_assigning(state.clone()));
    // Uploads never attached to anything go after a day.
    tokio::spawn(app::server::attachments::keep_tidy(state.clone()));
    // Closed tickets past the admin's retention period lose their texts and files.
    tokio::spawn(app::server::privacy::retention::keep_retaining(
        state.clone(),
    ));
    // Idempotency keys are forgotten after a week.
    tokio::spawn(app::server::replay::keep_tidy(state.clone()));
    // The statistics' status moves are counted per slot, a few seconds behind.
    tokio::spawn(app::server::moves::keep_rolling(state.db.clone()));
    // Proposed solutions the client left unanswered for the set days close by themselves.
    tokio::spawn(app::server::tickets::keep_lapsing(state.clone()));
    // E-mail goes out as the events that cause it settle; failures are tried again.
    tokio::spawn(app::server::mail::outbox::keep_sending(state.clone()));
    // Webhook deliveries are posted as the events that cause them settle; failures are tried
    // again, and a receiver that keeps failing is paused.
    tokio::spawn(app::server::webhooks::outbox::keep_delivering(
        state.clone(),
    ));
    // Mail to the support mailbox becomes tickets and replies as it arrives.
    tokio::spawn(app::server::inbox::keep_fetching(state.clone()));
    // Service-level warnings and breaches are noted as their moments pass.
    tokio::spawn(app::server::sla::watch::keep_watching(state.clone()));
    // Live chats whose client left (and did not come back in time) end.
    tokio::spawn(app::server::chat::keep_sweeping(state.clone()));
    // Calls that ring unanswered are missed; calls a side left end.
    tokio::spawn(app::server::calls::keep_sweeping(state.clone()));
    server::serve(listener, state, &args.site_dir, shutdown_signal()).await?;
    Ok(())
}

async fn reset_password(url: &str, username: &str, second_factor: bool) -> anyhow::Result<()> {
    let state = AppState::new(open(url).await?, Config::default());
    let issued = accounts::reset_password_of(&state, username)
        .await
        .map_err(|e| anyhow::anyhow!("cannot reset the password of {username:?}: {e}"))?;
    let (id, name) = (Some(issued.account.id), &issued.account.username);
    machine_did(&state, Action::PasswordReset, id, name).await?;
    print_credentials(
        "new one-time password",
        &issued.account.username,
        &issued.one_time_password,
        Config::default().otp_ttl_ms / 3_600_000,
    );
    if issued.account.second_factor {
        if second_factor || ask("It signs in with a second factor too. Remove it (a lost phone)?") {
            app::server::two_factor::reset(&state, issued.account.id)
                .await
                .map_err(|e| anyhow::anyhow!("cannot remove the second factor: {e}"))?;
            machine_did(&state, Action::SecondFactorReset, id, name).await?;
            println!("Its second factor is removed: it sets up a new one after signing in.");
        } else {
            println!(
                "It keeps its second factor (to remove it: salter admin reset-password {} \
                 --second-factor).",
                issued.account.username
            );
        }
    }
    Ok(())
}

/// The audit row of an act of the machine's own commands.
async fn machine_did(
    state: &AppState,
    action: Action,
    target: Option<i64>,
    detail: &str,
) -> anyhow::Result<()> {
    app::server::audit::record(
        state,
        &app::server::audit::Actor::machine(),
        action,
        target,
        detail,
    )
    .await
    .map_err(|e| anyhow::anyhow!("writing the audit log: {e}"))
}

/// A yes-or-no question on the terminal; no when there is none to ask on.
fn ask(question: &str) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return false;
    }
    print!("{question} [y/N] ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}
