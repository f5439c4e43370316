//! The integration-test harness (after zero2prod's): every test gets a fresh database —
//! a temporary SQLite file, or a PostgreSQL database created for it and dropped after — and
//! the real router on an ephemeral port, driven over HTTP like a browser would.

pub mod imap;
pub mod mail;
pub mod receiver;

pub use mail::free_port;

use app::server::attachments::keys::KeySource;
use app::server::{accounts, licence, two_factor, AppState, Config, Db};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs a test body once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name($crate::common::Backend::Postgres).await })*
        }
    };
}

const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Keeps the test's database alive; drops it afterwards.
pub enum DbGuard {
    /// The test holds the database's own guard and outlives this app.
    Kept,
    Sqlite {
        _dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            on_a_runtime_of_its_own(|| async move {
                if let Ok(mut conn) = connect_admin(&admin_url).await {
                    use sqlx::Executor;
                    let _ = conn
                        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                        .await;
                }
            });
        }
    }
}

/// Runs `work` to its end in a thread with a runtime of its own: a `Drop` may run inside a
/// runtime it must not block.
pub fn on_a_runtime_of_its_own<F>(work: impl FnOnce() -> F + Send + 'static)
where
    F: std::future::Future<Output = ()>,
{
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(rt) = rt {
            rt.block_on(work());
        }
    })
    .join();
}

async fn connect_admin(url: &str) -> Result<sqlx::PgConnection, sqlx::Error> {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await
}

/// A database of the test's own: its URL, and the guard that drops it.
pub async fn fresh_database(backend: Backend) -> (String, DbGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = format!("sqlite://{}", dir.path().join("salter.db").display());
            (url, DbGuard::Sqlite { _dir: dir })
        }
        Backend::Postgres => {
            let admin_url = std::env::var("SALTER_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| DEFAULT_POSTGRES.to_string());
            let mut conn = connect_admin(&admin_url).await.unwrap_or_else(|e| {
                panic!(
                    "PostgreSQL is not reachable at {admin_url} ({e}). The test suite runs every \
                     database test on PostgreSQL too: install and start it with \
                     `apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect \
                     $(ls /etc/postgresql) main start` (trust auth for user postgres on \
                     127.0.0.1), or point SALTER_TEST_POSTGRES_URL at a server where that user \
                     may create databases."
                )
            });
            let name = format!("salter_test_{:016x}", rand::random::<u64>());
            use sqlx::Executor;
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create the test database");
            let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
            (
                format!("{base}/{name}"),
                DbGuard::Postgres { admin_url, name },
            )
        }
    }
}

/// With `TEST_LOG` set (`1`, or an `EnvFilter` such as `debug`), the server's tracing output
/// goes to the test's output; without it, tests stay quiet.
pub fn show_server_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let Ok(filter) = std::env::var("TEST_LOG") else {
            return;
        };
        let filter = if filter == "1" {
            "info".to_string()
        } else {
            filter
        };
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_test_writer()
            .try_init();
    });
}

/// A history event's kind (`"created"`, `"status"`, `"assigned"`…): the name its `what` has.
pub fn kind(event: &Value) -> &str {
    match &event["what"] {
        Value::String(name) => name,
        Value::Object(carries) => carries.keys().next().map_or("", String::as_str),
        _ => "",
    }
}

/// What a history event carries (`{"from": "open", "to": "assigned", "reason": null}`); null for
/// an event that carries nothing.
pub fn carried(event: &Value) -> &Value {
    &event["what"][kind(event)]
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub admin_otp: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _db: DbGuard,
    _files: tempfile::TempDir,
}

/// Generous limits, so only the tests about limits meet them; tickets assigned by hand, so
/// only the tests about automatic assignment (`assignment.rs`) see it.
pub fn test_config() -> Config {
    Config {
        signin_address_limit: 10_000,
        automatic_assignment: false,
        live_heartbeat: std::time::Duration::from_millis(300),
        ..Config::default()
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, test_config()).await
    }

    pub async fn spawn_with(backend: Backend, config: Config) -> TestApp {
        let (url, guard) = fresh_database(backend).await;
        TestApp::spawn_on(&url, guard, config).await
    }

    /// The commercial edition without limits: a licence signed by a key of the test's own,
    /// which `config` is made to trust.
    pub async fn licensed(backend: Backend, mut config: Config) -> TestApp {
        let (text, key) = licence::self_signed(&licence::unlimited("Tests"));
        config.licence_keys.push(key);
        let app = TestApp::spawn_with(backend, config).await;
        licence::install(&app.state, &text)
            .await
            .expect("install the test licence");
        app
    }

    /// The app on a database the test made (`fresh_database`), reached through `url`.
    pub async fn spawn_on(url: &str, guard: DbGuard, config: Config) -> TestApp {
        TestApp::serving(url, guard, config, Path::new("/nonexistent-site")).await
    }

    /// The app serving the browser apps from `site` too.
    pub async fn serving(url: &str, guard: DbGuard, mut config: Config, site: &Path) -> TestApp {
        show_server_log();
        let files = tempfile::tempdir().expect("temporary files directory");
        config.files_dir = files.path().join("files");
        config.files_key = KeySource::beside(&config.files_dir);
        let db = Db::open(url)
            .await
            .expect("open and migrate the test database");
        let state = AppState::new(db, config);
        // A database that has its admin already (the app restarting) gets none.
        let admin_otp = accounts::bootstrap(&state)
            .await
            .expect("bootstrap")
            .map(|issued| issued.one_time_password)
            .unwrap_or_default();
        // Admins must set up a second factor by default; the tests about it say so themselves.
        two_factor::require(&state, &[])
            .await
            .expect("no role needs a second factor");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = oneshot::channel::<()>();
        let server_state = state.clone();
        let site = site.to_path_buf();
        let server = tokio::spawn(async move {
            let _ = server::serve(listener, server_state, &site, async {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            base,
            state,
            admin_otp,
            shutdown: Some(tx),
            server: Some(server),
            _db: guard,
            _files: files,
        }
    }

    /// A browser of its own: its own cookie jar.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// The bootstrap admin, signed in and past the forced password change.
    pub async fn admin(&self) -> Browser {
        let admin = self.browser();
        admin.sign_in_ok("admin", &self.admin_otp, "admin").await;
        admin.set_password(None, ADMIN_PASSWORD).await;
        admin
    }

    /// A new account's one-time credentials: (username, password, id).
    pub async fn create_account(
        &self,
        admin: &Browser,
        full_name: &str,
        role: &str,
    ) -> (String, String, i64) {
        self.create_account_with(admin, full_name, role, None).await
    }

    /// The same, with an e-mail address.
    pub async fn create_account_with(
        &self,
        admin: &Browser,
        full_name: &str,
        role: &str,
        email: Option<&str>,
    ) -> (String, String, i64) {
        let (status, body) = admin
            .call(
                "accounts/create",
                json!({"input": {"full_name": full_name, "email": email, "role": role}}),
            )
            .await;
        assert_eq!(status, 200, "creating {full_name}: {body}");
        (
            body["account"]["username"].as_str().unwrap().to_string(),
            body["one_time_password"].as_str().unwrap().to_string(),
            body["account"]["id"].as_i64().unwrap(),
        )
    }

    /// A signed-in user of `role` who has chosen their password `USER_PASSWORD`.
    pub async fn user(&self, admin: &Browser, full_name: &str, role: &str) -> (Browser, String) {
        self.user_with(admin, full_name, role, None).await
    }

    /// The same, with an e-mail address.
    pub async fn user_with(
        &self,
        admin: &Browser,
        full_name: &str,
        role: &str,
        email: Option<&str>,
    ) -> (Browser, String) {
        let (username, otp, _) = self
            .create_account_with(admin, full_name, role, email)
            .await;
        let b = self.browser();
        b.sign_in_ok(&username, &otp, role).await;
        b.set_password(None, USER_PASSWORD).await;
        (b, username)
    }

    /// How many files the attachment store holds.
    pub fn stored_files(&self) -> usize {
        std::fs::read_dir(&self.state.config.files_dir)
            .map(|d| d.count())
            .unwrap_or(0)
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.state.db.pool.close().await;
    }
}

/// A response's status and JSON body (or its text); status 0 when no whole answer came (the
/// server went away).
async fn answer(res: reqwest::Result<reqwest::Response>) -> (u16, Value) {
    let Ok(res) = res else {
        return (0, Value::Null);
    };
    let status = res.status().as_u16();
    match res.text().await {
        Ok(text) => (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        ),
        Err(_) => (0, Value::Null),
    }
}

pub const ADMIN_PASSWORD: &str = "a long and quiet passphrase";
pub const USER_PASSWORD: &str = "my own secret phrase";

pub struct Browser {
    pub http: reqwest::Client,
    pub base: String,
    /// Its cookies, for what reqwest does not send them with (the live socket).
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    fn with(base: &str, jar: Arc<reqwest::cookie::Jar>, ip: Option<[u8; 4]>) -> Browser {
        Browser::with_agent(base, jar, ip, None)
    }

    fn with_agent(
        base: &str,
        jar: Arc<reqwest::cookie::Jar>,
        ip: Option<[u8; 4]>,
        agent: Option<&str>,
    ) -> Browser {
        // The server closes a connection idle for `Config::header_timeout` (10 s): a browser
        // that reused one as it closes would see its request fail, so idle ones go sooner.
        let mut http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .pool_idle_timeout(std::time::Duration::from_secs(5));
        if let Some(ip) = ip {
            http = http.local_address(std::net::IpAddr::from(ip));
        }
        if let Some(agent) = agent {
            http = http.user_agent(agent);
        }
        Browser {
            http: http.build().expect("http client"),
            base: base.to_string(),
            jar,
        }
    }

    /// A browser of its own (its own cookie jar) on the Šalter at `base`.
    pub fn new(base: &str) -> Browser {
        Browser::with(base, Arc::default(), None)
    }

    /// A browser of its own on another machine: its requests come from `ip` (any of
    /// 127.0.0.0/8 reaches a server on 127.0.0.1).
    pub fn from_address(base: &str, ip: [u8; 4]) -> Browser {
        Browser::with(base, Arc::default(), Some(ip))
    }

    /// A browser of its own on another machine, saying what it is (`User-Agent`).
    pub fn from_device(base: &str, ip: [u8; 4], agent: &str) -> Browser {
        Browser::with_agent(base, Arc::default(), Some(ip), Some(agent))
    }

    /// The same person (the same cookie jar) on the Šalter at `base`: another process behind
    /// the same load balancer.
    pub fn on(&self, base: &str) -> Browser {
        Browser::with(base, self.jar.clone(), None)
    }

    /// The `Cookie` header this browser sends to its Šalter.
    pub fn cookie(&self) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().expect("base URL");
        self.jar
            .cookies(&url)
            .and_then(|v| v.to_str().ok().map(str::to_string))
    }

    /// POSTs a server function as the apps do: JSON, from the app's own origin.
    pub async fn call(&self, endpoint: &str, body: Value) -> (u16, Value) {
        self.call_with_origin(endpoint, body, Some(&self.base.clone()))
            .await
    }

    /// A server function that must succeed: its answer.
    pub async fn call_ok(&self, endpoint: &str, body: Value) -> Value {
        let (status, answer) = self.call(endpoint, body).await;
        assert_eq!(status, 200, "{endpoint}: {answer}");
        answer
    }

    pub async fn call_with_origin(
        &self,
        endpoint: &str,
        body: Value,
        origin: Option<&str>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .json(&body);
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        answer(req.send().await).await
    }

    pub async fn sign_in(&self, username: &str, password: &str, app: &str) -> (u16, Value) {
        self.call(
            "session/sign_in",
            json!({"input": {"username": username, "password": password, "app": app}}),
        )
        .await
    }

    pub async fn sign_in_ok(&self, username: &str, password: &str, app: &str) -> Value {
        let (status, body) = self.sign_in(username, password, app).await;
        assert_eq!(status, 200, "sign-in of {username}: {body}");
        body
    }

    pub async fn set_password(&self, current: Option<&str>, new: &str) {
        let (status, body) = self.change_password(current, new).await;
        assert_eq!(status, 200, "password change: {body}");
    }

    pub async fn change_password(&self, current: Option<&str>, new: &str) -> (u16, Value) {
        self.call(
            "session/change_password",
            json!({"input": {"current_password": current, "new_password": new}}),
        )
        .await
    }

    /// The signed-in user's account id.
    pub async fn id(&self) -> i64 {
        self.me().await.1["id"].as_i64().expect("signed in")
    }

    /// Uploads a file as the apps do: the raw bytes, the name in the query.
    pub async fn upload(&self, name: &str, bytes: &[u8]) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}/api/attachments", self.base))
            .query(&[("name", name)])
            .header("origin", &self.base)
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec())
            .send()
            .await;
        answer(res).await
    }

    /// Uploads a file that must be accepted; its id.
    pub async fn upload_ok(&self, name: &str, bytes: &[u8]) -> i64 {
        let (status, body) = self.upload(name, bytes).await;
        assert_eq!(status, 200, "upload of {name}: {body}");
        body["id"].as_i64().expect("an attachment id")
    }

    /// Downloads an attachment: status, headers, bytes.
    pub async fn download(&self, id: i64) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        self.get(&format!("/api/attachments/{id}")).await
    }

    /// `GET path`: the status, headers and body.
    pub async fn get(&self, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, res.bytes().await.expect("body").to_vec())
    }

    pub async fn me(&self) -> (u16, Value) {
        self.call("session/me", json!({})).await
    }
}

// The ticket helpers every ticket-related test binary shares.

pub fn new_ticket(subject: &str, key: &str) -> Value {
    json!({"input": {"subject": subject, "description": format!("{subject}: the details"),
        "category_id": null, "priority": "high", "earlier_ticket_id": null, "idempotency_key": key}})
}

/// Opens a ticket as `client`; its id.
pub async fn open_ticket(client: &Browser, subject: &str, key: &str) -> i64 {
    let (status, body) = client
        .call("tickets/create", new_ticket(subject, key))
        .await;
    assert_eq!(status, 200, "{body}");
    body["ticket"]["id"].as_i64().unwrap()
}

/// The usual cast: the admin, client Ana Kovač, operator Đorđe Šarić and the operator's id.
pub async fn desk(app: &TestApp) -> (Browser, Browser, Browser, i64) {
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let operator_id = operator.id().await;
    (admin, client, operator, operator_id)
}

pub async fn step(b: &Browser, id: i64, step: &str, text: Option<&str>) -> (u16, Value) {
    b.call(
        "tickets/move",
        json!({"input": {"ticket_id": id, "step": step, "text": text, "operator_id": null}}),
    )
    .await
}

pub async fn step_ok(b: &Browser, id: i64, s: &str, text: Option<&str>) -> Value {
    let (status, body) = step(b, id, s, text).await;
    assert_eq!(status, 200, "{s}: {body}");
    body
}

/// A message on the thread (or an internal note), which must be taken.
pub async fn post_ok(b: &Browser, id: i64, body: &str, internal: bool) -> Value {
    let (status, answer) = b
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": body, "internal": internal}}),
        )
        .await;
    assert_eq!(status, 200, "posting {body:?}: {answer}");
    answer
}

pub async fn assign(admin: &Browser, id: i64, operator: i64) -> Value {
    let (status, body) = admin
        .call("tickets/move", json!({"input": {"ticket_id": id, "step": "assign", "text": null, "operator_id": operator}}))
        .await;
    assert_eq!(status, 200, "assign: {body}");
    body
}

/// A new active category (only for operators who hold it, if `restricted`); its id.
pub async fn add_category(admin: &Browser, name: &str, restricted: bool) -> i64 {
    let (status, list) = admin
        .call(
            "categories/save",
            json!({"input": {"id": null, "name": name, "active": true, "restricted": restricted}}),
        )
        .await;
    assert_eq!(status, 200, "adding category {name}: {list}");
    list.as_array()
        .expect("the categories")
        .iter()
        .find(|c| c["name"] == name)
        .and_then(|c| c["id"].as_i64())
        .expect("the new category")
}

/// The error code of a refused call.
pub fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("<no code>")
}

pub const SALTER: &str = env!("CARGO_BIN_EXE_salter");

/// A `salter serve` process of the test's own, on a free port.
pub struct Process {
    child: std::process::Child,
    pub base: String,
    /// Reads the log to its end (so the process never blocks on a full pipe); taken by `kill`.
    log: Option<std::thread::JoinHandle<String>>,
}

impl Drop for Process {
    /// A test that ends (or fails) with the process still running leaves nothing behind.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// What a stopped process printed: standard output, and its log (standard error).
pub struct Printed {
    pub stdout: String,
    pub log: String,
}

/// The attachments' key of the processes tests start (32 bytes, base64).
pub const TEST_FILES_KEY: &str = "dGVzdHMnIGtleTogbm90IGEgc2VjcmV0IGF0IGFsbCE=";

/// Two `salter serve` processes on one fresh PostgreSQL and one files directory, with a client
/// made beforehand: for what must cross from one process to the other.
pub struct TwoProcesses {
    pub a: Process,
    pub b: Process,
    /// The client's username (`USER_PASSWORD`).
    pub client: String,
    _files: tempfile::TempDir,
    _db: DbGuard,
}

pub async fn two_processes() -> TwoProcesses {
    let (url, db) = fresh_database(Backend::Postgres).await;
    let files = tempfile::tempdir().expect("shared files directory");
    let client = {
        let app = TestApp::spawn_on(&url, DbGuard::Kept, test_config()).await;
        let admin = app.admin().await;
        let (_, client) = app.user(&admin, "Lejla Hasić", "client").await;
        app.stop().await;
        client
    };
    TwoProcesses {
        a: Process::start(&url, files.path()),
        b: Process::start(&url, files.path()),
        client,
        _files: files,
        _db: db,
    }
}

impl Process {
    /// Starts `salter serve` on the database at `db_url` and waits until it listens.
    pub fn start(db_url: &str, files: &Path) -> Process {
        Process::start_with(db_url, files, &[])
    }

    /// The same, with more arguments for `salter serve`.
    pub fn start_with(db_url: &str, files: &Path, args: &[&str]) -> Process {
        use std::io::{BufRead, BufReader, Read};
        let mut child = std::process::Command::new(SALTER)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--site-dir",
                "/nonexistent",
                "--require-two-factor",
                "none",
            ])
            .args(args)
            .arg("--files-dir")
            .arg(files)
            .env("SALTER_DATABASE_URL", db_url)
            .env("SALTER_LOG", "info")
            // One key for every process of a test (they share the files), kept out of the
            // files directory's parent, which is the machine's temporary directory.
            .env("SALTER_FILES_KEY", TEST_FILES_KEY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start salter");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut seen = String::new();
        let base = loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).expect("read the log") == 0 {
                panic!("salter stopped before listening:\n{seen}");
            }
            seen.push_str(&line);
            if let Some(rest) = line.split("listening on ").nth(1) {
                let url = rest.split_whitespace().next().expect("an address");
                break url.trim_end_matches('/').to_string();
            }
        };
        let log = std::thread::spawn(move || {
            let _ = stderr.read_to_string(&mut seen);
            seen
        });
        Process {
            child,
            base,
            log: Some(log),
        }
    }

    /// SIGTERM: the request to stop gracefully (finish what is under way, take nothing new).
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "SIGTERM not sent");
    }

    /// Waits until the process has ended by itself; how it ended.
    pub fn wait(mut self) -> std::process::ExitStatus {
        self.child.wait().expect("wait for salter")
    }

    /// `kill -9`: no shutdown, no flush, nothing in flight finished. What it printed.
    pub fn kill(mut self) -> Printed {
        use std::io::Read;
        self.child.kill().expect("kill salter");
        self.child.wait().expect("reap salter");
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            let _ = out.read_to_string(&mut stdout);
        }
        Printed {
            stdout,
            log: self
                .log
                .take()
                .and_then(|log| log.join().ok())
                .unwrap_or_default(),
        }
    }
}
