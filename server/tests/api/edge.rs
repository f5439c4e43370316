//! The HTTP edge, as an outside probe meets it: every malformed request to every route answers
//! JSON with a code, its proper status and a bounded length, and leaves the server healthy;
//! origins and hosts are compared with the public address; slow and half-sent requests are cut
//! off, and SIGTERM ends the process within its grace period whatever the clients do.

use crate::common::{code, fresh_database, Backend, Process, TestApp};
use app::api::endpoints;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// An answer's status, its JSON body (Null when it was not JSON) and its length in bytes.
async fn raw(req: reqwest::RequestBuilder) -> (u16, Value, usize) {
    let res = req.send().await.expect("an answer");
    let status = res.status().as_u16();
    let json = res
        .headers()
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let body = res.bytes().await.expect("a body");
    let value = if json {
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    (status, value, body.len())
}

async fn every_malformed_request_answers_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let http = reqwest::Client::new();
    let base = &app.base;
    let url = |path: &str| format!("{base}{path}");
    let json_post = |path: &str| {
        http.post(url(path))
            .header("origin", base)
            .header("content-type", "application/json")
    };
    let huge_enum = "x".repeat(66_000);
    // (what, request, status, code)
    let mut cases: Vec<(String, reqwest::RequestBuilder, u16, &str)> = vec![
        (
            "unknown function".into(),
            json_post("/api/nothing/here").body("{}"),
            404,
            "not_found",
        ),
        (
            "non-numeric attachment id".into(),
            http.get(url("/api/attachments/abc")),
            400,
            "bad_request",
        ),
        (
            "upload without a name, signed out".into(),
            http.post(url("/api/attachments"))
                .header("origin", base)
                .body("hi"),
            401,
            "unauthenticated",
        ),
        (
            "an over-long URL".into(),
            http.get(url(&format!("/api/tickets/list?{}", "q".repeat(10_000)))),
            414,
            "uri_too_long",
        ),
        (
            "a 66,000-character enum value".into(),
            json_post("/api/session/sign_in").body(
                json!({"input": {"username": "a", "password": "b", "app": huge_enum}}).to_string(),
            ),
            400,
            "bad_request",
        ),
        (
            "a cross-site page".into(),
            http.post(url("/api/session/sign_in"))
                .header("origin", "http://evil.example")
                .header("content-type", "application/json")
                .body("{}"),
            403,
            "cross_origin",
        ),
    ];
    for endpoint in endpoints() {
        let path = endpoint.path;
        cases.push((
            format!("{path}: wrong method"),
            http.put(url(path)).header("origin", base).body("{}"),
            405,
            "method_not_allowed",
        ));
        cases.push((
            format!("{path}: text/plain"),
            http.post(url(path))
                .header("origin", base)
                .header("content-type", "text/plain")
                .body("{}"),
            415,
            "unsupported_media_type",
        ));
        cases.push((
            format!("{path}: too large"),
            json_post(path).body(format!("{{\"x\": \"{}\"}}", "a".repeat(300_000))),
            413,
            "too_large",
        ));
        cases.push((
            format!("{path}: broken JSON"),
            json_post(path).body("{\"input\": "),
            400,
            "bad_request",
        ));
    }
    for (what, req, status, expected) in cases {
        let (got, body, len) = raw(req).await;
        assert_eq!((got, code(&body)), (status, expected), "{what}: {body}");
        assert!(len < 1_024, "{what}: a {len}-byte answer");
    }
    // A body of unknown length (chunked), which the HTTP client here never sends by itself.
    for endpoint in endpoints() {
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n",
            endpoint.path
        );
        let base = app.base.clone();
        let answer = tokio::task::spawn_blocking(move || {
            let mut stream = half_sent(&base, &request);
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            answer
        })
        .await
        .unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_default();
        assert!(
            head.starts_with("HTTP/1.1 411"),
            "{}: {head}",
            endpoint.path
        );
        let body: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        assert_eq!(code(&body), "length_required", "{}", endpoint.path);
    }
    let healthy = http.get(url("/healthz")).send().await.unwrap();
    assert_eq!(healthy.status().as_u16(), 200);
    app.stop().await;
}

async fn origins_and_hosts_are_compared_with_the_public_address(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Over plain http no HSTS; behind a proxy that says the request came over https, HSTS.
    let http = reqwest::Client::new();
    let plain = http.get(format!("{}/", app.base)).send().await.unwrap();
    assert!(plain.headers().get("strict-transport-security").is_none());
    let proxied = http
        .get(format!("{}/api/session/me", app.base))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert_eq!(
        proxied.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let admin = app.browser();
    let https = admin.base.replace("http://", "https://");
    let (status, body) = admin
        .call_with_origin(
            "session/sign_in",
            json!({"input": {"username": "admin", "password": &app.admin_otp, "app": "admin"}}),
            Some(&https),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "cross_origin"),
        "https page, http site"
    );
    app.stop().await;

    let (url, guard) = fresh_database(backend).await;
    let config = app::server::Config {
        public_url: Some("https://help.example.com".into()),
        ..crate::common::test_config()
    };
    let app = TestApp::spawn_on(&url, guard, config).await;
    let http = reqwest::Client::new();
    let sign_in = |host: &str, origin: &str| {
        http.post(format!("{}/api/session/sign_in", app.base))
            .header("host", host)
            .header("origin", origin)
            .json(&json!({"input": {"username": "admin", "password": &app.admin_otp, "app": "admin"}}))
    };
    let (status, body, _) = raw(sign_in("evil.example", "https://help.example.com")).await;
    assert_eq!(
        (status, code(&body)),
        (400, "unknown_host"),
        "a spoofed Host"
    );
    let (status, body, _) = raw(sign_in("help.example.com", &app.base)).await;
    assert_eq!(
        (status, code(&body)),
        (403, "cross_origin"),
        "the bound address is not public"
    );
    let (status, body, _) = raw(sign_in("help.example.com", "https://help.example.com")).await;
    assert_eq!(status, 200, "the public address: {body}");
    // An https public address: browsers are told to keep to https (HSTS).
    let page = http
        .get(format!("{}/", app.base))
        .header("host", "help.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let probe = http
        .get(format!("{}/healthz", app.base))
        .header("host", "10.0.0.1:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status().as_u16(), 200, "the load balancer's probe");
    app.stop().await;
}

/// Opens a connection and sends `bytes`, then nothing more.
fn half_sent(base: &str, bytes: &str) -> std::net::TcpStream {
    let addr = base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.write_all(bytes.as_bytes()).expect("send");
    stream
}

/// How long after `start` the server closed `stream` (reading whatever it answered first).
fn closed_after(
    mut stream: std::net::TcpStream,
    start: Instant,
    limit: Duration,
) -> Option<Duration> {
    stream.set_read_timeout(Some(limit)).expect("timeout");
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Some(start.elapsed()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(start.elapsed())
            }
            Err(_) => return None,
        }
    }
}

const HALF_HEADERS: &str = "POST /api/session/sign_in HTTP/1.1\r\nHost: x\r\nContent-Ty";
const HALF_BODY: &str = "POST /api/session/sign_in HTTP/1.1\r\nHost: x\r\n\
    Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"input\":";

async fn slow_requests_are_cut_off(backend: Backend) {
    let config = app::server::Config {
        header_timeout: Duration::from_secs(1),
        ..crate::common::test_config()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let base = app.base.clone();
    let cut = tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        let headers = half_sent(&base, HALF_HEADERS);
        let body = half_sent(&base, HALF_BODY);
        let idle = half_sent(&base, "");
        [headers, body, idle].map(|s| closed_after(s, start, Duration::from_secs(15)))
    })
    .await
    .unwrap();
    for (what, after) in ["half the headers", "half the body", "nothing"]
        .iter()
        .zip(cut)
    {
        let after = after.unwrap_or_else(|| panic!("{what}: still open after 15 s"));
        assert!(
            after >= Duration::from_millis(900),
            "{what}: cut after {after:?}"
        );
    }
    assert_eq!(app.browser().me().await.0, 401, "still serving");
    app.stop().await;
}

async fn sigterm_ends_the_process_within_its_grace_period(backend: Backend) {
    let (url, _guard) = fresh_database(backend).await;
    let files = tempfile::tempdir().unwrap();
    let server = Process::start_with(
        &url,
        files.path(),
        &["--header-timeout-secs", "600", "--shutdown-grace-secs", "2"],
    );
    let open = [
        half_sent(&server.base, HALF_HEADERS),
        half_sent(&server.base, HALF_BODY),
    ];
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    server.terminate();
    let status = server.wait();
    let took = start.elapsed();
    assert!(status.success(), "exited with {status}");
    assert!(took < Duration::from_secs(8), "took {took:?} to stop");
    drop(open);
}

on_both_databases!(
    every_malformed_request_answers_json,
    origins_and_hosts_are_compared_with_the_public_address,
    slow_requests_are_cut_off,
    sigterm_ends_the_process_within_its_grace_period,
);
