//! A `salter serve` of the benchmark's own (built as the benchmark is), on SQLite in a temporary
//! directory: its address, its bootstrap admin's one-time password, its resident memory, and people
//! signed in to it. Stopped when dropped. (A module apart from `common`, for the benchmarks that
//! run the process.)

use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

const SALTER: &str = env!("CARGO_BIN_EXE_salter");

pub struct Salter {
    child: Child,
    pub base: String,
    pub otp: String,
    _dir: tempfile::TempDir,
}

/// A person's browser: its cookies and its client.
pub struct Person {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Salter {
    /// With `flags` for `salter serve` beside the benchmark's own.
    pub fn start(flags: &[&str]) -> Salter {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut child = Command::new(SALTER)
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--site-dir",
                "target/site",
                "--require-two-factor",
                "none",
            ])
            .args(flags)
            .arg("--files-dir")
            .arg(dir.path().join("files"))
            .env(
                "SALTER_DATABASE_URL",
                format!("sqlite://{}", dir.path().join("salter.db").display()),
            )
            .env("SALTER_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start salter");
        let mut log = BufReader::new(child.stderr.take().expect("stderr"));
        let base = loop {
            let mut line = String::new();
            assert!(log.read_line(&mut line).expect("log") > 0, "salter stopped");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest
                    .split_whitespace()
                    .next()
                    .expect("address")
                    .trim_end_matches('/')
                    .to_string();
            }
        };
        std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        let otp = loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).expect("stdout") > 0,
                "no password printed"
            );
            if let Some(p) = line.trim().strip_prefix("one-time password:") {
                break p.trim().to_string();
            }
        };
        Salter {
            child,
            base,
            otp,
            _dir: dir,
        }
    }

    /// Resident memory of the process, in KB.
    pub fn rss_kb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Calls a server function as `who`, as the apps do; it must succeed.
    pub async fn call(&self, who: &Person, endpoint: &str, body: Value) -> Value {
        let res = who
            .http
            .post(format!("{}/api/{endpoint}", self.base))
            .header("origin", &self.base)
            .json(&body)
            .send()
            .await
            .expect("request");
        assert!(res.status().is_success(), "{endpoint}: {}", res.status());
        res.json().await.unwrap_or(Value::Null)
    }

    fn browser() -> Person {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .build()
            .expect("client");
        Person { http, jar }
    }

    /// The bootstrap admin, signed in, its password replaced.
    pub async fn admin(&self) -> Person {
        let admin = Salter::browser();
        self.call(
            &admin,
            "session/sign_in",
            json!({"input": {"username": "admin", "password": self.otp, "app": "admin"}}),
        )
        .await;
        self.call(&admin, "session/change_password", json!({"input": {"current_password": null, "new_password": "a long and quiet evening of numbers"}})).await;
        admin
    }

    /// A new account of `role`, signed in, its password replaced; and its username.
    pub async fn person(&self, admin: &Person, role: &str) -> (Person, String) {
        let issued = self
            .call(admin, "accounts/create", json!({"input": {"full_name": format!("Bench {role}"), "email": null, "role": role}}))
            .await;
        let username = issued["account"]["username"].as_str().expect("username");
        let password = issued["one_time_password"].as_str().expect("password");
        let person = Salter::browser();
        self.call(
            &person,
            "session/sign_in",
            json!({"input": {"username": username, "password": password, "app": role}}),
        )
        .await;
        self.call(&person, "session/change_password", json!({"input": {"current_password": null, "new_password": "some other long and quiet phrase"}})).await;
        (person, username.to_string())
    }

    /// A live socket as `who`'s page opens it (its cookie, its origin), past its first note.
    pub async fn socket(&self, who: &Person) -> Socket {
        use futures_util::StreamExt;
        use reqwest::cookie::CookieStore;
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let cookie = who
            .jar
            .cookies(&self.base.parse().expect("base URL"))
            .expect("a session cookie");
        let url = format!("{}/ws", self.base.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("request");
        let headers = request.headers_mut();
        headers.insert("origin", self.base.parse().expect("origin"));
        headers.insert("cookie", cookie);
        let (mut ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("socket");
        ws.next().await.expect("first note").expect("first note");
        ws
    }
}

/// A live socket.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

impl Drop for Salter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
