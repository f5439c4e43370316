//! `cargo xtask bench email [N] [--sqlite | --postgres]`: e-mail out against a real local SMTP
//! server (Debian's aiosmtpd, as the tests use), on SQLite and PostgreSQL:
//! - throughput: N notifications (default 10,000) queued at once, drained by the sender —
//!   messages per second handed to SMTP (target ≥ 100/s, ../shared/product/QUALITY.md);
//! - latency: messages posted on tickets one after another at a steady pace, each making its
//!   client's e-mail in its transaction, sent by the server's own sender task woken by the live
//!   tail — commit → handed to SMTP, p50/p99 (target p99 ≤ 2 s).
//!
//! Writes `target/bench/email.json`. A benchmark, not a test: it asserts nothing but that every
//! message arrived.

use crate::common::served::{databases, name, Opened};
use crate::common::{Report, Target};
use app::dto::{NewAccount, Role};
use app::events::Event;
use app::events::EventKind;
use app::server::db::Backend;
use app::server::history;
use app::server::mail::{self as outgoing, outbox};
use app::server::{accounts, AppState};
use std::time::{Duration, Instant};

/// Messages posted for the latency figure, at most, and how far apart.
const PACED: usize = 300;
const PACE: Duration = Duration::from_millis(20);

/// Messages posted for the latency figure in a run that queues `n`: `PACED`, or a third of `n`
/// in a smaller run.
fn paced(n: usize) -> usize {
    PACED.min(n / 3)
}

async fn person(state: &AppState, name: &str, role: Role) -> i64 {
    accounts::create(
        state,
        &NewAccount {
            full_name: name.into(),
            email: Some(format!(
                "{}@bench.example",
                name.to_lowercase().replace(' ', ".")
            )),
            role,
        },
    )
    .await
    .unwrap()
    .account
    .id
}

/// `n` tickets of `client`'s with `operator` on them; their ids.
async fn tickets(state: &AppState, client: i64, operator: i64, n: usize) -> Vec<i64> {
    let now = state.clock.now_ms();
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM tickets")
        .fetch_one(&state.db.pool)
        .await
        .unwrap();
    let ids: Vec<i64> = (first..first + n as i64).collect();
    for chunk in ids.chunks(1_000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|id| {
                format!(
                    "({id}, 'Bench ticket {id}', 'For the e-mail benchmark.', 1, 'in_progress', \
                     {client}, {operator}, 'bench-{id}', '', {now}, {now})"
                )
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO tickets (id, subject, description, priority, status, client_id, \
             operator_id, idempotency_key, request_hash, created_at, updated_at) VALUES {}",
            rows.join(",")
        ))
        .execute(&state.db.pool)
        .await
        .unwrap();
    }
    ids
}

/// The operator's message on `ticket`, written as the thread writes one: its client's e-mail is
/// queued in the same transaction.
async fn answer(state: &AppState, ticket: i64, operator: i64) {
    let at = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO messages (ticket_id, author_id, body, internal, created_at) \
                     VALUES ($1, $2, 'Here is what to do.', 0, $3) RETURNING id",
                )
                .bind(ticket)
                .bind(operator)
                .bind(at)
                .fetch_one(&mut *conn)
                .await?;
                history::record(
                    conn,
                    Event {
                        ticket,
                        actor: Some(operator),
                        at,
                        what: EventKind::Message { id },
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
        .unwrap();
}

async fn waiting(state: &AppState) -> i64 {
    outbox::state_of(state).await.unwrap().waiting
}

async fn bench(report: &mut Report, backend: Backend, n: usize) {
    let scope = name(backend);
    let paced = paced(n);
    println!("\n== e-mail on {scope}: {n} queued at once, then {paced} paced");
    let smtp = crate::common::mail::MailServer::start().await;
    let opened = Opened::open(backend).await;
    let state = opened.state.clone();
    outgoing::set_from_flags(
        &state,
        outgoing::Servers {
            smtp: Some(smtp.url()),
            imap: None,
            from: Some("help@bench.example".into()),
            reply_to: None,
        },
    )
    .await
    .unwrap();
    let client = person(&state, "Bench Client", Role::Client).await;
    let operator = person(&state, "Bench Operator", Role::Operator).await;

    // Throughput: n answers on n tickets, committed before the sender starts.
    let tickets = tickets(&state, client, operator, n).await;
    // Written as many clients would: side by side, sharing commits.
    for chunk in tickets.chunks(200) {
        futures_util::future::join_all(chunk.iter().map(|&t| answer(&state, t, operator))).await;
    }
    assert_eq!(waiting(&state).await, n as i64);
    let start = Instant::now();
    let mut sent = 0;
    while sent < n {
        sent += outbox::deliver_due(&state).await.unwrap();
        assert!(
            start.elapsed() < Duration::from_secs(1800),
            "stuck at {sent}"
        );
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    smtp.wait_for(n).await;
    println!(
        "{n} e-mails handed to SMTP in {:.1} s: {rate:.0}/s",
        start.elapsed().as_secs_f64()
    );
    report.record(
        &format!("{scope} · messages per second"),
        rate,
        "msg/s",
        Target::AtLeast(100.0),
    );

    // Latency: the server's own sender, woken by the live tail, at a steady pace.
    let served = opened.serve().await;
    let sender = tokio::spawn(outbox::keep_sending(served.state.clone()));
    let first_paced: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM outbox")
        .fetch_one(&state.db.pool)
        .await
        .unwrap();
    for i in 0..paced {
        answer(&state, tickets[i % tickets.len()], operator).await;
        tokio::time::sleep(PACE).await;
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while waiting(&state).await > 0 {
        assert!(
            Instant::now() < deadline,
            "the paced e-mails did not all go"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    smtp.wait_for(n + paced).await;
    sender.abort();
    let rows: Vec<(i64, i64)> =
        sqlx::query_as("SELECT at, sent_at FROM outbox WHERE id > $1 AND sent_at IS NOT NULL")
            .bind(first_paced)
            .fetch_all(&state.db.pool)
            .await
            .unwrap();
    assert_eq!(rows.len(), paced);
    let mut latencies: Vec<f64> = rows.iter().map(|(at, sent)| (sent - at) as f64).collect();
    latencies.sort_by(f64::total_cmp);
    let p50 = crate::common::stats::percentile(&latencies, 0.5);
    let p99 = crate::common::stats::percentile(&latencies, 0.99);
    println!("commit → handed to SMTP: p50 {p50:.0} ms, p99 {p99:.0} ms");
    report.record(
        &format!("{scope} · outbox latency p50"),
        p50,
        "ms",
        Target::None,
    );
    report.record(
        &format!("{scope} · outbox latency p99"),
        p99,
        "ms",
        Target::AtMost(2000.0),
    );
    served.stop().await;
}

pub fn run(args: &[String]) {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let n = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000);
            let mut report = Report::new("email");
            report.setting("queued", n);
            report.setting("paced", paced(n));
            for backend in databases(args) {
                bench(&mut report, backend, n).await;
            }
            report.write();
        });
}
