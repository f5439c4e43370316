//! `cargo xtask bench memory [TICKETS]`: the `salter` process's resident memory (RSS, from
//! /proc/PID/status) idle after start, after a burst of work (TICKETS created, default 2,000,
//! with lists and searches), with 1,000 idle connections and with 1,000 idle live sockets open
//! — beside the targets in ../shared/product/QUALITY.md (idle server ≤ 40 MB, ≤ 10 KB per idle
//! socket). Linux only. A benchmark, not a test: it asserts nothing; CI runs it to prove it
//! runs and writes `target/bench/memory.json`.

use crate::common::process::Salter;
use crate::common::{Report, Target};
use serde_json::json;
use std::time::Duration;

const IDLE_CONNECTIONS: usize = 1_000;
const IDLE_SOCKETS: usize = 1_000;
const TICKETS: usize = 2_000;

fn mb(kb: u64) -> String {
    format!("{}.{} MB", kb / 1024, kb % 1024 * 10 / 1024)
}

fn in_mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

pub fn run(args: &[String]) {
    let tickets: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(TICKETS);
    let mut report = Report::new("memory");
    report.setting("database", "sqlite");
    report.setting("tickets", tickets);
    report.setting("idle_connections", IDLE_CONNECTIONS);
    let salter = Salter::start(&[]);
    let base = salter.base.clone();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let idle = salter.rss_kb();
        println!(
            "idle after start:                 {:>9}   (target ≤ 40 MB)",
            mb(idle)
        );
        report.record("idle after start", in_mb(idle), "MB", Target::AtMost(40.0));

        let admin = salter.admin().await;
        let (client, _) = salter.person(&admin, "client").await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let signed_in = salter.rss_kb();
        println!(
            "after 4 sign-ins and password changes: {:>9}",
            mb(signed_in)
        );
        report.record(
            "after 4 sign-ins",
            in_mb(signed_in),
            "MB",
            Target::AtMost(40.0),
        );
        for i in 0..tickets {
            salter
                .call(
                    &client,
                    "tickets/create",
                    json!({"input": {"subject": format!("Ticket {i}"),
                "description": "Printer jam in tray 2", "category_id": null, "priority": "normal",
                "earlier_ticket_id": null, "idempotency_key": format!("m-{i}")}}),
                )
                .await;
        }
        for _ in 0..200 {
            salter
                .call(
                    &admin,
                    "tickets/list",
                    json!({"query": {"status": null, "after": null}}),
                )
                .await;
            salter
                .call(&admin, "tickets/search", json!({"words": "printer"}))
                .await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let worked = salter.rss_kb();
        println!(
            "after {tickets} tickets, lists, searches: {:>9}",
            mb(worked)
        );
        report.record(
            "after tickets, lists, searches",
            in_mb(worked),
            "MB",
            Target::None,
        );

        let addr = base.trim_start_matches("http://").to_string();
        let mut open = Vec::with_capacity(IDLE_CONNECTIONS);
        for _ in 0..IDLE_CONNECTIONS {
            open.push(
                tokio::net::TcpStream::connect(&addr)
                    .await
                    .expect("connect"),
            );
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let connected = salter.rss_kb();
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

        // Live sockets: an admin's tabs, idle after their first note.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = salter.rss_kb();
        let mut sockets = Vec::with_capacity(IDLE_SOCKETS);
        for _ in 0..IDLE_SOCKETS {
            sockets.push(salter.socket(&admin).await);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let each = salter.rss_kb().saturating_sub(before) as f64 / IDLE_SOCKETS as f64;
        println!("{IDLE_SOCKETS} idle live sockets:           ({each:.1} KB each, target ≤ 10 KB)");
        report.record("per idle live socket", each, "KB", Target::AtMost(10.0));
        drop(sockets);
    });
    drop(salter);
    report.write();
}
