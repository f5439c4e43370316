//! `cargo xtask bench import [N] [--sqlite | --postgres]`: writes an export in the moving
//! format (docs/moving.md) of N tickets (default 100,000), each with five messages — the
//! client's and the operator's in turn, one in five an internal note —, 200 clients, 10
//! operators and 5 categories, most tickets closed; imports it into a new database as
//! `salter import export` does, on SQLite and PostgreSQL, then runs the import again (which
//! must bring nothing). Prints tickets and messages per second and the second run's time;
//! writes `target/bench/import.json`. The target is ours (the issue names none): at least 100
//! tickets a second, so that 100,000 tickets move in within a quarter of an hour on either
//! database, and a second run, which writes nothing, within a minute. A benchmark, not a test.

use crate::common::served::{databases, name, Opened};
use crate::common::{Report, Target};
use app::server::db::Backend;
use app::server::moving;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

const CLIENTS: u64 = 200;
const OPERATORS: u64 = 10;
const MESSAGES: u64 = 5;
const TICKETS_PER_SECOND: f64 = 100.0;
/// A second run reads everything again and writes nothing.
const SECOND_RUN_SECONDS: f64 = 60.0;

fn at(seconds: u64) -> String {
    jiff::Timestamp::from_second(1_700_000_000 + seconds as i64)
        .unwrap()
        .to_string()
}

/// The export: manifest, accounts, categories and `n` tickets.
fn write_export(dir: &Path, n: u64) {
    std::fs::create_dir_all(dir).unwrap();
    let lines = |name: &str, records: &mut dyn Iterator<Item = serde_json::Value>| {
        let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join(name)).unwrap());
        for record in records {
            serde_json::to_writer(&mut out, &record).unwrap();
            out.write_all(b"\n").unwrap();
        }
        out.flush().unwrap();
    };
    lines(
        "accounts.jsonl",
        &mut (0..CLIENTS)
            .map(|c| {
                json!({"ref": format!("c{c}"), "full_name": format!("Client Number{c}"),
                "email": format!("client{c}@example.com"), "role": "client"})
            })
            .chain((0..OPERATORS).map(|o| {
                json!({"ref": format!("o{o}"), "full_name": format!("Operator Number{o}"),
                    "role": "operator"})
            })),
    );
    lines(
        "categories.jsonl",
        &mut (0..5).map(|c| json!({"ref": format!("k{c}"), "name": format!("Category {c}")})),
    );
    lines(
        "tickets.jsonl",
        &mut (0..n).map(|t| {
            let (client, operator) = (format!("c{}", t % CLIENTS), format!("o{}", t % OPERATORS));
            let start = t * 600;
            let messages: Vec<_> = (0..MESSAGES)
                .map(|m| {
                    let staff = m % 2 == 1;
                    json!({"author": if staff { &operator } else { &client },
                        "body": format!("Message {m} on ticket {t}: the printer on floor {} \
                            stopped again after the update, please look at it", t % 9),
                        "internal": staff && m == 3, "at": at(start + 60 * (m + 1))})
                })
                .collect();
            let closed = t % 10 < 7;
            let priority = ["low", "normal", "high"][(t % 3) as usize];
            json!({"ref": format!("OLD-{t}"), "subject": format!("Printer {t} jammed"),
                "description": format!("Ticket {t}: it jams on every second page"),
                "category": format!("k{}", t % 5), "priority": priority,
                "status": if closed { "closed" } else { "in_progress" }, "client": client,
                "operator": operator, "created_at": at(start),
                "closed_at": if closed { Some(at(start + 3600)) } else { None },
                "messages": messages})
        }),
    );
    let manifest = json!({"format": "salter-export", "version": 1, "source": "bench",
        "exported_at": at(0)});
    std::fs::write(dir.join("salter-export.json"), manifest.to_string()).unwrap();
}

async fn bench(report: &mut Report, backend: Backend, dir: &Path, n: u64) {
    let db = name(backend);
    let opened = Opened::open(backend).await;
    let started = Instant::now();
    let mut tickets_from = None;
    let summary = moving::import_export(&opened.state, dir, &mut |done, _| {
        if done == 0 {
            tickets_from = Some(Instant::now());
        }
    })
    .await
    .expect("the import");
    let whole = started.elapsed().as_secs_f64();
    let tickets = tickets_from.map_or(whole, |t| t.elapsed().as_secs_f64());
    assert_eq!(summary.tickets_imported, n, "{summary:?}");
    assert_eq!(summary.messages, n * MESSAGES);
    let again = Instant::now();
    let second = moving::import_export(&opened.state, dir, &mut |_, _| {})
        .await
        .expect("the second run");
    assert_eq!(second.tickets_imported, 0, "nothing twice");
    let again = again.elapsed().as_secs_f64();
    let people = whole - tickets;
    println!(
        "{db:8} {n:>8} tickets {:>9.0} tickets/s {:>9.0} messages/s   accounts {people:6.1} s   \
         whole {whole:7.1} s   again {again:5.1} s",
        n as f64 / tickets,
        (n * MESSAGES) as f64 / tickets
    );
    report.record(
        &format!("{db} {n} tickets/s"),
        n as f64 / tickets,
        "tickets/s",
        Target::AtLeast(TICKETS_PER_SECOND),
    );
    report.record(
        &format!("{db} {n} messages/s"),
        (n * MESSAGES) as f64 / tickets,
        "messages/s",
        Target::None,
    );
    report.record(
        &format!(
            "{db} {} accounts (one-time passwords hashed)",
            CLIENTS + OPERATORS
        ),
        people,
        "s",
        Target::None,
    );
    report.record(&format!("{db} {n} whole import"), whole, "s", Target::None);
    report.record(
        &format!("{db} {n} second run"),
        again,
        "s",
        Target::AtMost(SECOND_RUN_SECONDS),
    );
    opened.serve().await.stop().await;
}

pub fn run(args: &[String]) {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let n = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
            let mut report = Report::new("import");
            report.setting("tickets", n);
            report.setting("messages_per_ticket", MESSAGES);
            report.setting("clients", CLIENTS);
            report.setting("operators", OPERATORS);
            let dir = tempfile::tempdir().unwrap();
            let export = dir.path().join("export");
            write_export(&export, n);
            for backend in databases(args) {
                bench(&mut report, backend, &export, n).await;
            }
            report.write();
        });
}
