//! Attachments: accepted by content, limited in size before they are read, stored outside the
//! site, served only as downloads and only to those who may see the ticket — on SQLite and
//! PostgreSQL.

use crate::common::{assign, code, desk, kind, new_ticket, step_ok, Backend, TestApp};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-not-really-an-image";
const LOG: &[u8] = "2026-11-22 10:01 printer: paper jam in tray 2 — čćđšž\n".as_bytes();

fn ticket_with(subject: &str, key: &str, attachments: &[i64]) -> Value {
    let mut body = new_ticket(subject, key);
    body["input"]["attachments"] = json!(attachments);
    body
}

async fn files_travel_with_the_ticket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;

    let png = client.upload_ok("screen.png", PNG).await;
    let log = client.upload_ok("printer", LOG).await;
    #[cfg(unix)]
    {
        // Clients' files: readable by the user running Šalter only.
        use std::os::unix::fs::PermissionsExt;
        let dir = std::fs::metadata(&app.state.config.files_dir).unwrap();
        assert_eq!(dir.permissions().mode() & 0o777, 0o700);
    }
    let (status, created) = client
        .call("tickets/create", ticket_with("Jammed", "k1", &[png, log]))
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["ticket"]["id"].as_i64().unwrap();
    let files = created["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["name"], "screen.png");
    assert_eq!(files[0]["media_type"], "image/png");
    // Named by content: the log without an extension gets one.
    assert_eq!(files[1]["name"], "printer.txt");
    assert_eq!(files[1]["size"], LOG.len());
    let attached: Vec<&Value> = created["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| kind(e) == "attachment")
        .collect();
    assert_eq!(attached.len(), 2, "one history row per file");

    // The assigned operator downloads it — as a download, never rendered.
    assign(&admin, id, operator_id).await;
    let (status, headers, bytes) = operator.download(png).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, PNG);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"screen.png\""));
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("sandbox"));

    // A reply with a file: the file hangs on that message.
    step_ok(&operator, id, "start", None).await;
    let reply_file = operator.upload_ok("steps.txt", b"1. open tray 2\n").await;
    let (status, detail) = operator
        .call("tickets/post", json!({"input": {"ticket_id": id, "body": "See the steps", "internal": false, "attachments": [reply_file]}}))
        .await;
    assert_eq!(status, 200, "{detail}");
    let message_id = detail["messages"].as_array().unwrap().last().unwrap()["id"].clone();
    let on_message = detail["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == reply_file)
        .unwrap()
        .clone();
    assert_eq!(on_message["message_id"], message_id);
    let (status, _, bytes) = client.download(reply_file).await;
    assert_eq!((status, bytes.as_slice()), (200, &b"1. open tray 2\n"[..]));
    app.stop().await;
}

async fn markup_and_unknown_kinds_are_refused_whatever_their_name(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, client, _, _) = desk(&app).await;
    for (name, bytes) in [
        (
            "cat.png",
            &b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"[..],
        ),
        (
            "notes.txt",
            &b"\n  <!DOCTYPE html><script>alert(1)</script>"[..],
        ),
        ("tool.zip", &b"MZ\x90\x00\x03\x00\x00\x00"[..]),
        ("data.txt", &b"binary\x00data"[..]),
    ] {
        let (status, body) = client.upload(name, bytes).await;
        assert_eq!(
            (status, code(&body)),
            (415, "file_type_not_allowed"),
            "{name}"
        );
    }
    let (status, body) = client.upload("empty.txt", b"").await;
    assert_eq!((status, code(&body)), (422, "invalid"));
    assert_eq!(app.stored_files(), 0, "nothing refused is kept");
    app.stop().await;
}

async fn an_oversize_upload_is_refused_before_it_is_read(backend: Backend) {
    let mut config = crate::common::test_config();
    config.max_upload_bytes = 64 * 1024;
    let app = TestApp::spawn_with(backend, config).await;
    let (_, client, _, _) = desk(&app).await;

    // Over the limit, sent whole: refused.
    let (status, body) = client.upload("big.log", &vec![b'x'; 64 * 1024 + 1]).await;
    assert_eq!((status, code(&body)), (413, "file_too_large"));
    assert_eq!(body["limit"], 64 * 1024);
    // Exactly the limit: accepted.
    client.upload_ok("fits.log", &vec![b'x'; 64 * 1024]).await;

    // Declared as 50 MB and never sent: the answer comes at once, without waiting for a body.
    let cookie = {
        // The session cookie lives in reqwest's jar; sign in afresh for the raw socket.
        let signin = reqwest::Client::new()
            .post(format!("{}/api/session/sign_in", app.base))
            .header("origin", &app.base)
            .json(&json!({"input": {"username": "ana.kovac", "password": crate::common::USER_PASSWORD, "app": "client"}}))
            .send()
            .await
            .unwrap();
        assert_eq!(signin.status(), 200);
        let set = signin.headers()["set-cookie"].to_str().unwrap().to_string();
        set.split(';').next().unwrap().to_string()
    };
    let host = app.base.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/attachments?name=huge.log HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\n\
         Cookie: {cookie}\r\nContent-Type: application/octet-stream\r\n\
         Content-Length: 52428800\r\n\r\n",
        app.base
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), socket.read(&mut answer))
        .await
        .expect("answered without the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert_eq!(app.stored_files(), 1, "only the file that fitted");
    app.stop().await;
}

async fn nobody_else_gets_a_file(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other_client, _) = app.user(&admin, "Bojan Marić", "client").await;
    let (other_operator, _) = app.user(&admin, "Vesna Lukić", "operator").await;

    // Pending: only its uploader sees it, and only its uploader can attach it.
    let pending = client.upload_ok("mine.png", PNG).await;
    for b in [&other_client, &operator, &admin] {
        assert_eq!(b.download(pending).await.0, 404);
    }
    let (status, body) = other_client
        .call("tickets/create", ticket_with("Steal", "k9", &[pending]))
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"), "{body}");
    let (_, mine) = other_client
        .call("tickets/list", json!({"query": {}}))
        .await;
    assert_eq!(
        mine["tickets"].as_array().unwrap().len(),
        0,
        "the refused creation left nothing"
    );

    let (status, created) = client
        .call("tickets/create", ticket_with("Mine", "k1", &[pending]))
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["ticket"]["id"].as_i64().unwrap();
    // Claimed once: it cannot be attached again.
    let (status, _) = client
        .call("tickets/create", ticket_with("Again", "k2", &[pending]))
        .await;
    assert_eq!(status, 422);

    assign(&admin, id, operator_id).await;
    for (who, b, expected) in [
        ("the client", &client, 200),
        ("its operator", &operator, 200),
        ("an admin", &admin, 200),
        ("another client", &other_client, 404),
        ("another operator", &other_operator, 404),
    ] {
        assert_eq!(b.download(pending).await.0, expected, "{who}");
    }
    let anonymous = app.browser();
    assert_eq!(anonymous.download(pending).await.0, 401);
    assert_eq!(anonymous.upload("x.txt", b"hello").await.0, 401);

    // A file on an internal note is for staff only.
    step_ok(&operator, id, "start", None).await;
    let secret = operator.upload_ok("internal.txt", b"the root cause").await;
    let (status, detail) = operator
        .call("tickets/post", json!({"input": {"ticket_id": id, "body": "note", "internal": true, "attachments": [secret]}}))
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(client.download(secret).await.0, 404);
    assert_eq!(admin.download(secret).await.0, 200);
    let (_, seen) = client.call("tickets/view", json!({"ticket_id": id})).await;
    let text = seen.to_string();
    assert!(!text.contains("internal.txt"), "{text}");
    app.stop().await;
}

async fn uploads_never_attached_are_swept_after_a_day(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, client, _, _) = desk(&app).await;
    let kept = client.upload_ok("kept.txt", b"attached").await;
    let (status, _) = client
        .call("tickets/create", ticket_with("Kept", "k1", &[kept]))
        .await;
    assert_eq!(status, 200);
    let abandoned = client.upload_ok("abandoned.txt", b"never attached").await;
    assert_eq!(app.stored_files(), 2);
    // Not yet a day: nothing goes.
    assert_eq!(
        app::server::attachments::sweep(&app.state).await.unwrap(),
        0
    );
    app.state
        .clock
        .advance_ms(app::server::attachments::PENDING_FOR_MS + 1);
    client
        .sign_in_ok("ana.kovac", crate::common::USER_PASSWORD, "client")
        .await;
    assert_eq!(
        app::server::attachments::sweep(&app.state).await.unwrap(),
        1
    );
    assert_eq!(app.stored_files(), 1);
    assert_eq!(client.download(abandoned).await.0, 404);
    assert_eq!(client.download(kept).await.0, 200);
    app.stop().await;
}

/// What the files directory holds, file by file.
fn on_disk(app: &TestApp) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    std::fs::read_dir(&app.state.config.files_dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

async fn files_are_sealed_on_disk_and_a_new_key_keeps_them_readable(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, client, _, _) = desk(&app).await;
    const MARKER: &[u8] = b"MARKER-7f3a-private";
    // A short file and one of several chunks, both full of the marker.
    let short = [b"note: ".as_slice(), MARKER].concat();
    let long: Vec<u8> = MARKER.iter().copied().cycle().take(300_000).collect();
    let uploads = [
        (client.upload_ok("short.txt", &short).await, short.clone()),
        (client.upload_ok("long.txt", &long).await, long.clone()),
        (client.upload_ok("screen.png", PNG).await, PNG.to_vec()),
    ];
    let (status, _) = client
        .call(
            "tickets/create",
            ticket_with("Sealed", "k1", &[uploads[0].0]),
        )
        .await;
    assert_eq!(status, 200);

    let sealed = on_disk(&app);
    assert_eq!(sealed.len(), 3);
    for (path, bytes) in &sealed {
        assert!(
            !bytes.windows(MARKER.len()).any(|w| w == MARKER),
            "{} shows the marker",
            path.display()
        );
        assert!(
            !bytes.windows(8).any(|w| w == &PNG[..8]),
            "the PNG's magic shows"
        );
    }
    for (id, original) in &uploads {
        let (status, _, bytes) = client.download(*id).await;
        assert_eq!((status, &bytes), (200, original));
    }

    // A new key: every file is rewritten with it, and each still downloads as it was.
    let config = &app.state.config;
    let (new_key, done) =
        app::server::attachments::seal::rotate(&config.files_key, &config.files_dir)
            .await
            .unwrap();
    assert_eq!((done.files, done.resealed), (3, 3));
    assert_eq!(done.unused_old_keys.len(), 1, "the old key went");
    let ring = config.files_key.ring(&config.files_dir).await.unwrap();
    assert_eq!(ring.current().id_text(), new_key);
    assert_eq!(ring.old().count(), 0);
    for (path, bytes) in on_disk(&app) {
        let before = &sealed.iter().find(|(p, _)| *p == path).unwrap().1;
        assert_ne!(&bytes, before, "{} rewritten", path.display());
    }
    for (id, original) in &uploads {
        let (status, _, bytes) = client.download(*id).await;
        assert_eq!((status, &bytes), (200, original));
    }
    // Uploads after the rotation use the new key, with no restart.
    let after = client.upload_ok("after.txt", b"after the rotation").await;
    assert_eq!(client.download(after).await.2, b"after the rotation");
    app.stop().await;
}

on_both_databases!(
    files_are_sealed_on_disk_and_a_new_key_keeps_them_readable,
    uploads_never_attached_are_swept_after_a_day,
    files_travel_with_the_ticket,
    markup_and_unknown_kinds_are_refused_whatever_their_name,
    an_oversize_upload_is_refused_before_it_is_read,
    nobody_else_gets_a_file,
);
