//! Reliability: nothing acknowledged is lost when the `salter` process is killed (`kill -9`)
//! in the middle of a write load, on both databases; when the database goes away — or stops
//! answering — requests fail fast with 503 and nothing hangs; when it comes back, Šalter
//! recovers by itself; a backup
//! taken while Šalter serves restores to a working instance with every ticket and attachment;
//! SIGTERM lets the request under way finish.

use crate::common::{
    code, fresh_database, new_ticket, open_ticket, test_config, Backend, Process, TestApp,
};
use app::server::attachments::keys::KeySource;
use app::server::Config;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// What the network between Šalter and PostgreSQL does.
#[derive(Clone, Copy, PartialEq)]
enum Link {
    Up,
    /// Every open connection closed, new ones closed at once: the database restarts, or the
    /// network drops with a reset.
    Cut,
    /// Connections stay open but nothing passes, either way: a partition without a reset.
    Silent,
}

/// A TCP relay between Šalter and PostgreSQL whose link the test sets.
struct Relay {
    addr: String,
    link: tokio::sync::watch::Sender<Link>,
    open: Arc<Mutex<Vec<AbortHandle>>>,
}

impl Relay {
    async fn start(upstream: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
        let addr = listener.local_addr().expect("relay address").to_string();
        let (link, _) = tokio::sync::watch::channel(Link::Up);
        let open = Arc::new(Mutex::new(Vec::<AbortHandle>::new()));
        let (watch, open2) = (link.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let mut now = watch.subscribe();
                if *now.borrow() == Link::Cut {
                    continue; // dropped: closed at once
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let silenced = async move {
                        let _ = now.wait_for(|l| *l == Link::Silent).await.is_ok();
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = silenced => {
                            // Both ends stay open and hear nothing, until the task is aborted.
                            std::future::pending::<()>().await;
                        }
                    }
                });
                open2.lock().expect("relay list").push(task.abort_handle());
            }
        });
        Relay { addr, link, open }
    }

    fn set(&self, link: Link) {
        self.link.send_replace(link);
        if link != Link::Silent {
            // Cut, or back up after a cut or a silence: the old connections are gone.
            for task in self.open.lock().expect("relay list").drain(..) {
                task.abort();
            }
        }
    }
}

/// Šalter on a fresh PostgreSQL database reached through a relay, with a client who has one
/// ticket.
async fn behind_a_relay(config: Config) -> (Relay, TestApp, crate::common::Browser) {
    let (url, guard) = fresh_database(Backend::Postgres).await;
    let upstream = host_port(&url).to_string();
    let relay = Relay::start(upstream.clone()).await;
    let app = TestApp::spawn_on(&url.replacen(&upstream, &relay.addr, 1), guard, config).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Lejla Hasić", "client").await;
    open_ticket(&client, "Before the outage", "k-1").await;
    (relay, app, client)
}

/// While the database is away, a read and a write each answer 503 `unavailable` within
/// `within` — they do not hang.
async fn both_fail_fast(client: &crate::common::Browser, within: Duration) {
    for (attempt, endpoint, body) in [
        ("a read", "tickets/list", list()),
        ("a write", "tickets/create", new_ticket("During", "k-2")),
    ] {
        let started = Instant::now();
        let (status, body) = client.call(endpoint, body).await;
        let waited = started.elapsed();
        assert_eq!(status, 503, "{attempt} while the database is away: {body}");
        assert_eq!(code(&body), "unavailable");
        assert!(waited < within, "{attempt} took {waited:?}");
    }
}

/// Once the database is back, the pool finds it by itself: the retried creation (same
/// idempotency key) succeeds, once.
async fn recovers(client: &crate::common::Browser) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = client
            .call("tickets/create", new_ticket("During", "k-2"))
            .await;
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {status} {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, mine) = client.call("tickets/list", list()).await;
    assert_eq!(status, 200);
    let subjects: Vec<&str> = mine["tickets"]
        .as_array()
        .expect("a page of tickets")
        .iter()
        .filter_map(|t| t["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["During", "Before the outage"]);
}

/// The client's first page of tickets.
fn list() -> Value {
    json!({"query": {"status": null, "after": null}})
}

/// `host:port` of a PostgreSQL URL (`postgres://user@host:port/db`).
fn host_port(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_going_away_fails_fast_and_comes_back() {
    let (relay, app, client) = behind_a_relay(test_config()).await;
    relay.set(Link::Cut);
    both_fail_fast(&client, Duration::from_secs(10)).await;
    relay.set(Link::Up);
    recovers(&client).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_stops_answering_fails_the_request_in_its_time() {
    let config = Config {
        request_timeout: Duration::from_secs(1),
        ..test_config()
    };
    let (relay, app, client) = behind_a_relay(config).await;
    relay.set(Link::Silent);
    // The request's time (1 s here) ends it, sooner than the pool's wait for a connection
    // (3 s) would.
    both_fail_fast(&client, Duration::from_millis(2_500)).await;
    relay.set(Link::Up);
    recovers(&client).await;
    app.stop().await;
}

/// A ticket the server acknowledged (answered 200 to) before it was killed, with its file and
/// the messages acknowledged on it.
struct Written {
    id: i64,
    subject: String,
    file: i64,
    bytes: Vec<u8>,
    messages: Vec<String>,
    /// A message whose answer the kill took: its key and text, to send again.
    unanswered: Option<(String, String)>,
}

/// A client (with the password `USER_PASSWORD`) in the database at `url`, set up in-process
/// before the `salter` processes of the test find it there; the username.
async fn a_client(url: &str) -> String {
    let app = TestApp::spawn_on(url, crate::common::DbGuard::Kept, test_config()).await;
    let admin = app.admin().await;
    let (_, username) = app.user(&admin, "Lejla Hasić", "client").await;
    app.stop().await;
    username
}

/// One client's writes, as fast as the server answers, until a request fails (the kill).
async fn write_until_killed(client: Arc<crate::common::Browser>, tag: String) -> Vec<Written> {
    let mut acked = Vec::new();
    for i in 0.. {
        let bytes = format!("file {tag}-{i}\n").into_bytes();
        let (status, body) = client.upload(&format!("{tag}-{i}.txt"), &bytes).await;
        if status != 200 {
            break;
        }
        let file = body["id"].as_i64().expect("an attachment id");
        let subject = format!("{tag} ticket {i}");
        let mut ticket = new_ticket(&subject, &format!("{tag}-{i}"));
        ticket["input"]["attachments"] = json!([file]);
        let (status, body) = client.call("tickets/create", ticket).await;
        if status != 200 {
            break;
        }
        let id = body["ticket"]["id"].as_i64().expect("a ticket id");
        acked.push(Written {
            id,
            subject,
            file,
            bytes,
            messages: Vec::new(),
            unanswered: None,
        });
        let text = format!("{tag} message {i}");
        let key = format!("{tag}-message-{i}");
        let (status, _) = client
            .call(
                "tickets/post",
                json!({"input": {"ticket_id": id, "body": text, "internal": false, "idempotency_key": key}}),
            )
            .await;
        if status != 200 {
            if let Some(last) = acked.last_mut() {
                last.unanswered = Some((key, text));
            }
            break;
        }
        if let Some(last) = acked.last_mut() {
            last.messages.push(text);
        }
    }
    acked
}

async fn nothing_acknowledged_is_lost_when_killed(backend: Backend) {
    let (url, _guard) = fresh_database(backend).await;
    let files = tempfile::tempdir().expect("files directory");
    let username = a_client(&url).await;
    let password = crate::common::USER_PASSWORD;
    // When each round's kill comes; `SALTER_SEED` replays a run.
    let mut seed: u64 = std::env::var("SALTER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("seed {seed}");
    let mut all = Vec::new();
    for round in 0..3 {
        let server = Process::start(&url, files.path());
        let client = crate::common::Browser::new(&server.base);
        client.sign_in_ok(&username, password, "client").await;
        let client = Arc::new(client);
        let writers: Vec<_> = (0..6)
            .map(|w| tokio::spawn(write_until_killed(client.clone(), format!("r{round}w{w}"))))
            .collect();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        tokio::time::sleep(Duration::from_millis(300 + (seed >> 33) % 900)).await;
        tokio::task::spawn_blocking(move || server.kill())
            .await
            .expect("kill");
        for writer in writers {
            all.extend(writer.await.expect("writer"));
        }
    }
    assert!(
        all.len() >= 10,
        "too little load to prove anything: {}",
        all.len()
    );

    let server = Process::start(&url, files.path());
    let client = crate::common::Browser::new(&server.base);
    client.sign_in_ok(&username, password, "client").await;
    for Written {
        id,
        subject,
        file,
        bytes,
        messages,
        unanswered,
    } in &all
    {
        // A message whose answer was lost, sent again as the app would: stored once, whether
        // or not the first had been.
        if let Some((key, text)) = unanswered {
            let (status, body) = client
                .call(
                    "tickets/post",
                    json!({"input": {"ticket_id": id, "body": text, "internal": false, "idempotency_key": key}}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            let stored = body["messages"].as_array().expect("the thread");
            let copies = stored.iter().filter(|m| m["body"] == text.as_str()).count();
            assert_eq!(copies, 1, "{text:?}: {body}");
        }
        let (status, ticket) = client.call("tickets/view", json!({"ticket_id": id})).await;
        assert_eq!(status, 200, "acknowledged ticket {id} lost: {ticket}");
        assert_eq!(ticket["ticket"]["subject"], subject.as_str());
        let thread = ticket.to_string();
        for text in messages {
            assert!(thread.contains(text), "acknowledged message {text:?} lost");
        }
        let (status, _, stored) = client.download(*file).await;
        assert_eq!(
            (status, stored.as_slice()),
            (200, bytes.as_slice()),
            "attachment {file}"
        );
    }
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .expect("kill");
    if let Backend::Sqlite = backend {
        use sqlx::{Connection, Row};
        let mut conn = sqlx::SqliteConnection::connect(&url).await.expect("open");
        let check: String = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&mut conn)
            .await
            .expect("integrity check")
            .get(0);
        assert_eq!(check, "ok");
    }
    let resent = all.iter().filter(|w| w.unanswered.is_some()).count();
    println!(
        "{} acknowledged tickets checked after 3 kills; {resent} unanswered messages sent again",
        all.len()
    );
}

/// Runs `salter ARGS` on the database at `url` and the files in `files`.
fn salter(
    args: &[&std::path::Path],
    command: &str,
    url: &str,
    files: &std::path::Path,
) -> std::process::Output {
    std::process::Command::new(crate::common::SALTER)
        .arg(command)
        .args(args)
        .arg("--files-dir")
        .arg(files)
        .env("SALTER_DATABASE_URL", url)
        .output()
        .expect("run salter")
}

async fn a_backup_taken_while_serving_restores_every_ticket_and_file(backend: Backend) {
    let (url, guard) = fresh_database(backend).await;
    let app = TestApp::spawn_on(&url, guard, test_config()).await;
    let admin = app.admin().await;
    let (client, username) = app.user(&admin, "Lejla Hasić", "client").await;
    let file = client
        .upload_ok("invoice.txt", b"line one\nline two\n")
        .await;
    let mut ticket = new_ticket("Printer jam", "backup-1");
    ticket["input"]["attachments"] = json!([file]);
    let (status, created) = client.call("tickets/create", ticket).await;
    assert_eq!(status, 200, "{created}");
    let id = created["ticket"]["id"].as_i64().expect("a ticket id");
    let (status, _) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": "Tray 2, since Monday", "internal": false}}),
        )
        .await;
    assert_eq!(status, 200);

    // Taken while the app keeps serving.
    let place = tempfile::tempdir().expect("backup place");
    let dest = place.path().join("backup");
    let files = app.state.config.files_dir.clone();
    let out = salter(&[&dest], "backup", &url, &files);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = salter(&[&dest], "backup", &url, &files);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));

    // Restored into a new database and files directory, it serves the same tickets and files.
    let (target, _target_guard) = fresh_database(backend).await;
    let target_files = tempfile::tempdir().expect("files directory");
    let out = salter(&[&dest], "restore", &target, target_files.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = salter(&[&dest], "restore", &target, target_files.path());
    assert!(!again.status.success(), "a second restore over the first");
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    // The files are sealed: they are read again with their key, which the backup leaves out.
    let key = place.path().join("files.key");
    let KeySource::File(kept) = &app.state.config.files_key else {
        panic!("a key file")
    };
    std::fs::copy(kept, &key).expect("keep the key");
    app.stop().await;

    let key = key.to_str().expect("a path");
    let server = Process::start_with(&target, target_files.path(), &["--files-key-file", key]);
    let client = crate::common::Browser::new(&server.base);
    client
        .sign_in_ok(&username, crate::common::USER_PASSWORD, "client")
        .await;
    let (status, restored) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["ticket"]["subject"], "Printer jam");
    assert!(restored.to_string().contains("Tray 2, since Monday"));
    let (status, _, bytes) = client.download(file).await;
    assert_eq!(
        (status, bytes.as_slice()),
        (200, b"line one\nline two\n".as_slice())
    );
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .expect("kill");
}

on_both_databases!(
    nothing_acknowledged_is_lost_when_killed,
    a_backup_taken_while_serving_restores_every_ticket_and_file,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_request_under_way_finish() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (url, _guard) = fresh_database(Backend::Sqlite).await;
    let files = tempfile::tempdir().expect("files directory");
    let username = a_client(&url).await;
    let server = Process::start(&url, files.path());
    let signed_in = reqwest::Client::new()
        .post(format!("{}/api/session/sign_in", server.base))
        .header("origin", &server.base)
        .json(&json!({"input": {"username": username, "password": crate::common::USER_PASSWORD, "app": "client"}}))
        .send()
        .await
        .expect("sign in");
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();

    // An upload under way: its headers and half its body sent, then SIGTERM.
    let body = "a line of a long log file\n".repeat(8_000).into_bytes();
    let host = server.base.trim_start_matches("http://").to_string();
    let mut upload = TcpStream::connect(&host).await.expect("connect");
    let head = format!(
        "POST /api/attachments?name=server.log HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\n\
         Cookie: {cookie}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.base,
        body.len()
    );
    upload
        .write_all(head.as_bytes())
        .await
        .expect("send headers");
    let (first, rest) = body.split_at(body.len() / 2);
    upload.write_all(first).await.expect("send half");
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // The rest arrives after the signal: the upload is still answered, and stored.
    upload.write_all(rest).await.expect("send the rest");
    let mut answer = String::new();
    upload
        .read_to_string(&mut answer)
        .await
        .expect("read the answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("server.log"), "{answer}");
    let ended = tokio::task::spawn_blocking(move || server.wait())
        .await
        .expect("wait");
    assert!(ended.success(), "salter ended with {ended}");
    let stored = std::fs::read_dir(files.path())
        .expect("files directory")
        .filter_map(Result::ok)
        .filter(|f| std::fs::metadata(f.path()).is_ok_and(|m| m.len() > body.len() as u64))
        .count();
    assert_eq!(stored, 1, "the upload's file, sealed");
}
