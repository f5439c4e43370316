//! `cargo xtask bench live [SOCKETS…]`: live updates at scale, against the release `salter`
//! (SQLite). For each count of sockets (default 1,000 and 10,000), all open at once as one
//! admin's tabs: the server's memory per idle socket (RSS, /proc), and one event fanned out —
//! a message posted through the API — with the time from sending it to each socket's note
//! (p50/p99; it includes the request itself, so it is an upper bound of the delivery). Targets
//! in ../shared/product/QUALITY.md: fan-out p99 ≤ 50 ms to 1,000 sockets and ≤ 300 ms to 10,000,
//! ≤ 10 KB per idle socket. The screen-side figure (event → another browser's screen) is not
//! measured here. Writes `target/bench/live.json`.

use crate::common::process::Salter;
use crate::common::stats::percentile;
use crate::common::{Report, Target};
use futures_util::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};

fn target_p99(sockets: usize) -> f64 {
    if sockets <= 1_000 {
        50.0
    } else {
        300.0
    }
}

pub fn run(args: &[String]) {
    let counts: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let counts = if counts.is_empty() {
        vec![1_000, 10_000]
    } else {
        counts
    };
    let mut report = Report::new("live");
    report.setting("database", "sqlite");
    report.setting("sockets", json!(counts));
    let salter = Salter::start(&[]);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let admin = salter.admin().await;
        let (client, _) = salter.person(&admin, "client").await;
        let ticket = salter
            .call(
                &client,
                "tickets/create",
                json!({"input": {"subject": "Fan-out", "description": "One event to many",
                    "category_id": null, "priority": "normal", "earlier_ticket_id": null,
                    "idempotency_key": "live-bench"}}),
            )
            .await["ticket"]["id"]
            .as_i64()
            .expect("ticket id");
        println!("{:>8} {:>12} {:>12} {:>12} {:>16}", "sockets", "p50 ms", "p99 ms", "received", "KB/idle socket");
        for count in counts {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let before = salter.rss_kb();
            let (heard, notes) = tokio::sync::mpsc::unbounded_channel::<Instant>();
            let mut readers = Vec::with_capacity(count);
            for _ in 0..count {
                let mut ws = salter.socket(&admin).await;
                let heard = heard.clone();
                // Only the note of the ticket counts (not, say, a floor note).
                let about = format!("\"ticket_id\":{ticket}");
                readers.push(tokio::spawn(async move {
                    while let Some(Ok(message)) = ws.next().await {
                        let ours = message.to_text().is_ok_and(|t| t.contains(&about));
                        if ours && heard.send(Instant::now()).is_err() {
                            return;
                        }
                    }
                }));
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            let connected = salter.rss_kb();
            let per_socket = connected.saturating_sub(before) as f64 / count as f64;
            let mut notes = notes;
            let sent = Instant::now();
            salter
                .call(
                    &client,
                    "tickets/post",
                    json!({"input": {"ticket_id": ticket, "body": format!("To {count}"), "internal": false}}),
                )
                .await;
            let mut delays = Vec::with_capacity(count);
            while delays.len() < count {
                match tokio::time::timeout(Duration::from_secs(10), notes.recv()).await {
                    Ok(Some(at)) => delays.push(at.duration_since(sent).as_secs_f64() * 1000.0),
                    _ => break,
                }
            }
            delays.sort_by(f64::total_cmp);
            let (p50, p99) = (percentile(&delays, 0.5), percentile(&delays, 0.99));
            println!(
                "{count:>8} {p50:>12.2} {p99:>12.2} {:>12} {per_socket:>16.1}",
                delays.len()
            );
            report.record(&format!("fan-out p50, {count} sockets"), p50, "ms", Target::None);
            report.record(
                &format!("fan-out p99, {count} sockets"),
                p99,
                "ms",
                Target::AtMost(target_p99(count)),
            );
            report.record(
                &format!("sockets that heard it, of {count}"),
                delays.len() as f64,
                "sockets",
                Target::AtLeast(count as f64),
            );
            report.record(
                &format!("memory per idle socket, {count} sockets"),
                per_socket,
                "KB",
                Target::AtMost(10.0),
            );
            for reader in readers {
                reader.abort();
            }
        }
    });
    drop(salter);
    report.write();
}
