//! `cargo xtask bench memory`: the `salter` process's resident memory (RSS, from
//! /proc/PID/status) idle after start, after a burst of work, and with 1,000 idle connections
//! open — beside the targets in ../shared/product/QUALITY.md (idle server ≤ 40 MB). Linux
//! only. A benchmark, not a test: it asserts nothing; CI runs it to prove it runs and writes
//! `target/bench/memory.json`.

mod common;

use common::{Report, Target};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

const SALTER: &str = env!("CARGO_BIN_EXE_salter");
const IDLE_CONNECTIONS: usize = 1_000;
const TICKETS: usize = 2_000;

/// Resident memory of `pid` in KB.
fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn mb(kb: u64) -> String {
    format!("{}.{} MB", kb / 1024, kb % 1024 * 10 / 1024)
}

fn in_mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

async fn post(http: &reqwest::Client, base: &str, endpoint: &str, body: serde_json::Value) {
    let res = http
        .post(format!("{base}/api/{endpoint}"))
        .header("origin", base)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert!(res.status().is_success(), "{endpoint}: {}", res.status());
}

fn main() {
    let mut report = Report::new("memory");
    report.setting("database", "sqlite");
    report.setting("tickets", TICKETS);
    report.setting("idle_connections", IDLE_CONNECTIONS);
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut child = Command::new(SALTER)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--site-dir",
            "target/site",
        ])
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
    let pid = child.id();
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
    let mut stdout = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let otp = loop {
        stdout.clear();
        assert!(
            out.read_line(&mut stdout).expect("stdout") > 0,
            "no password printed"
        );
        if let Some(p) = stdout.trim().strip_prefix("one-time password:") {
            break p.trim().to_string();
        }
    };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let idle = rss_kb(pid);
        println!("idle after start:                 {:>9}   (target ≤ 40 MB)", mb(idle));
        report.record("idle after start", in_mb(idle), "MB", Target::AtMost(40.0));

        let admin = reqwest::Client::builder().cookie_store(true).build().expect("client");
        post(&admin, &base, "session/sign_in", json!({"input": {"username": "admin", "password": otp, "app": "admin"}})).await;
        post(&admin, &base, "session/change_password", json!({"input": {"current_password": null, "new_password": "memory benchmark passphrase"}})).await;
        let res = admin
            .post(format!("{base}/api/accounts/create"))
            .header("origin", &base)
            .json(&json!({"input": {"full_name": "Bench Client", "email": null, "role": "client"}}))
            .send()
            .await
            .expect("create");
        let issued: serde_json::Value = res.json().await.expect("json");
        let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let username = issued["account"]["username"].as_str().expect("username");
        let password = issued["one_time_password"].as_str().expect("password");
        post(&client, &base, "session/sign_in", json!({"input": {"username": username, "password": password, "app": "client"}})).await;
        post(&client, &base, "session/change_password", json!({"input": {"current_password": null, "new_password": "memory benchmark client"}})).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let signed_in = rss_kb(pid);
        println!("after 4 sign-ins and password changes: {:>9}", mb(signed_in));
        report.record("after 4 sign-ins", in_mb(signed_in), "MB", Target::AtMost(40.0));
        for i in 0..TICKETS {
            post(&client, &base, "tickets/create", json!({"input": {"subject": format!("Ticket {i}"),
                "description": "Printer jam in tray 2", "category_id": null, "priority": "normal",
                "earlier_ticket_id": null, "idempotency_key": format!("m-{i}")}})).await;
        }
        for _ in 0..200 {
            post(&admin, &base, "tickets/list", json!({"query": {"status": null, "after": null}})).await;
            post(&admin, &base, "tickets/search", json!({"words": "printer"})).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let worked = rss_kb(pid);
        println!("after {TICKETS} tickets, lists, searches: {:>9}", mb(worked));
        report.record("after tickets, lists, searches", in_mb(worked), "MB", Target::None);

        let addr = base.trim_start_matches("http://").to_string();
        let mut open = Vec::with_capacity(IDLE_CONNECTIONS);
        for _ in 0..IDLE_CONNECTIONS {
            open.push(tokio::net::TcpStream::connect(&addr).await.expect("connect"));
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let connected = rss_kb(pid);
        let each = connected.saturating_sub(worked) as f64 / IDLE_CONNECTIONS as f64;
        println!(
            "{IDLE_CONNECTIONS} idle connections open:        {:>9}   ({each:.1} KB each)",
            mb(connected),
        );
        report.record("per idle HTTP connection", each, "KB", Target::None);
        report.record(
            "idle connections held",
            open.len() as f64,
            "connections",
            Target::AtLeast(IDLE_CONNECTIONS as f64),
        );
        drop(open);
    });
    let _ = child.kill();
    let _ = child.wait();
    report.write();
}
