//! `cargo xtask bench tickets [SIZES…] [--sqlite | --postgres] [--seconds N]`: seeds SQLite
//! (synchronous=FULL) and PostgreSQL with SIZES tickets (default 100000) and measures, over HTTP
//! against the real router, the operator queue page, the admin list page, a ticket view with 50
//! messages, search, and ticket creation — paced at 200/s, flat out with 16 clients, and at
//! 200/s while 16 clients page queues and search (each at a moment of its own; and in step,
//! reported without a target) — printing p50/p99 beside the targets in
//! ../shared/product/QUALITY.md and writing them to `target/bench/tickets.json`. A benchmark,
//! not a test: it asserts nothing. PostgreSQL is the one the tests use
//! (`SALTER_TEST_POSTGRES_URL`, default postgres@127.0.0.1:5432); each run gets a database of
//! its own, dropped afterwards. Each paced phase lasts `--seconds` (default 5; CI's small run
//! takes 1).

use crate::common::served::{databases, name, Opened, Served};
use crate::common::{Report, Target};
use app::dto::{NewAccount, Role};
use app::server::accounts;
use app::server::db::Backend;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const CLIENTS: usize = 200;
const SAMPLES: usize = 200;

struct Run {
    served: Served,
    /// `sqlite 100000`: names the figures of this database and size.
    scope: String,
    /// How long each paced phase lasts.
    seconds: u32,
}

async fn person(run: &Run, name: &str, role: Role) -> (i64, reqwest::Client) {
    let issued = accounts::create(
        &run.served.state,
        &NewAccount {
            full_name: name.into(),
            email: None,
            role,
        },
    )
    .await
    .unwrap();
    let b = run
        .served
        .browser(
            &issued.account.username,
            &issued.one_time_password,
            role.as_str(),
        )
        .await;
    (issued.account.id, b)
}

/// Inserts `n` tickets in batches: a third assigned to the operator, spread over clients.
async fn seed(run: &Run, n: usize, clients: &[i64], operator: i64) {
    let words = [
        "printer", "modem", "invoice", "password", "router", "screen", "login", "delivery",
    ];
    let pool = &run.served.state.db.pool;
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        let batch = (n - done).min(500);
        let mut sql = String::from(
            "INSERT INTO tickets (subject, description, priority, status, client_id, operator_id, \
             idempotency_key, request_hash, created_at, updated_at) VALUES ",
        );
        for i in done..done + batch {
            let (status, op) = match i % 3 {
                0 => ("in_progress", operator.to_string()),
                1 => ("closed", operator.to_string()),
                _ => ("open", "NULL".to_string()),
            };
            if i > done {
                sql.push(',');
            }
            sql.push_str(&format!(
                "('Ticket {i} {w}', 'The {w} does not work since {i}.', {p}, '{status}', {c}, {op}, 'seed-{i}', '', {t}, {t})",
                w = words[i % words.len()],
                p = i % 4,
                c = clients[i % clients.len()],
                t = 1_700_000_000_000i64 + i as i64,
            ));
        }
        let mut tx = pool.begin().await.unwrap();
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        done += batch;
    }
    // Without statistics PostgreSQL's planner sorts the operator's whole queue; SQLite keeps
    // none unless asked, so it is measured as it runs. The seed wrote in seconds what a desk
    // writes in months: flushed before measuring, as a running database's pages are.
    run.served.settle().await;
    println!(
        "seeded {n} tickets in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn measure(
    report: &mut Report,
    run: &Run,
    (label, target, at_most): (&str, &str, f64),
    http: &reqwest::Client,
    url: &str,
    body: Value,
) {
    let mut times = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let start = Instant::now();
        let res = http.post(url).json(&body).send().await.unwrap();
        assert!(res.status().is_success(), "{label}: {}", res.status());
        res.bytes().await.unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    let (p50, p99) = (percentile(&times, 0.5), percentile(&times, 0.99));
    println!("{label:<44} p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   (target {target})");
    let metric = format!("{} · {label}", run.scope);
    report.record(&format!("{metric} p50"), p50, "ms", Target::None);
    report.record(&format!("{metric} p99"), p99, "ms", Target::AtMost(at_most));
}

/// One ticket created over HTTP; how long it took.
async fn create_one(http: &reqwest::Client, base: &str, key: String) -> Duration {
    let t = Instant::now();
    let res = http
        .post(format!("{base}/api/tickets/create"))
        .json(
            &json!({"input": {"subject": "Benchmark", "description": "Created under load",
            "category_id": null, "priority": "normal", "earlier_ticket_id": null,
            "idempotency_key": key}}),
        )
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert!(status.is_success(), "create: {status} {body}");
    t.elapsed()
}

/// Throughput: every client creates as fast as it can, 400 tickets in all per second of the
/// run's paced phases (2,000 by default).
async fn creation(report: &mut Report, run: &Run, clients: &[reqwest::Client]) {
    let total = 400 * run.seconds as usize;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for (c, http) in clients.iter().enumerate() {
        let (http, base) = (http.clone(), run.served.base.clone());
        let per = total / clients.len();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            for i in 0..per {
                times.push(create_one(&http, &base, format!("bench-{c}-{i}")).await);
            }
            times
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.unwrap());
    }
    let secs = start.elapsed().as_secs_f64();
    times.sort();
    let rate = times.len() as f64 / secs;
    let p99 = percentile(&times, 0.99);
    println!(
        "{:<44} {rate:>7.0} tickets/s with {} clients at once; p50 {:.2} ms, p99 {p99:.2} ms   (target ≥ 1,000/s)",
        "create, flat out",
        clients.len(),
        percentile(&times, 0.5),
    );
    let metric = format!("{} · create with {} clients", run.scope, clients.len());
    report.record(
        &format!("{metric}, throughput"),
        rate,
        "tickets/s",
        Target::AtLeast(1_000.0),
    );
    report.record(&format!("{metric}, p99"), p99, "ms", Target::None);
}

/// Latency at a steady 200 tickets/s for the run's seconds, the clients taking turns.
async fn paced_creation(run: &Run, clients: &[reqwest::Client], tag: &'static str) -> (f64, f64) {
    let rate = 200u32;
    let total = rate * run.seconds;
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..total {
        let http = clients[i as usize % clients.len()].clone();
        let base = run.served.base.clone();
        let at = start + Duration::from_secs(1) * i / rate;
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at).await;
            create_one(&http, &base, format!("{tag}-{i}")).await
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.push(task.await.unwrap());
    }
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

/// What the readers do while tickets are created at 200/s.
#[derive(Clone, Copy)]
enum Readers {
    /// Nobody reads.
    None,
    /// Each reader pages its queue or searches once per `ms` milliseconds (the mixed load of
    /// QUALITY.md: 16 of them at 20 a second each) — as people do, each at a moment of their
    /// own, or `in_step`: all 16 at the same instant, a burst every `ms` (reported, no target).
    Every { ms: u64, in_step: bool },
    /// Each reader as fast as it can: both cores busy with reads (reported, no target).
    FlatOut,
}

/// Creation at 200/s, alone or while `busy` clients page queues and search.
async fn paced(
    report: &mut Report,
    run: &Run,
    clients: &[reqwest::Client],
    busy: &[reqwest::Client],
    readers_do: Readers,
) {
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut readers = Vec::new();
    for (i, http) in busy.iter().enumerate() {
        let (http, base, stop) = (http.clone(), run.served.base.clone(), stop.clone());
        let n = busy.len() as u32;
        readers.push(tokio::spawn(async move {
            let mut done = 0u64;
            let mut tick = match readers_do {
                Readers::Every { ms, in_step } => {
                    let period = Duration::from_millis(ms);
                    let phase = if in_step {
                        Duration::ZERO
                    } else {
                        period * i as u32 / n
                    };
                    let first = tokio::time::Instant::now() + phase;
                    Some(tokio::time::interval_at(first, period))
                }
                _ => None,
            };
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for (endpoint, body) in [
                    (
                        "tickets/list",
                        json!({"query": {"status": null, "after": null}}),
                    ),
                    ("tickets/search", json!({"words": "printer"})),
                ] {
                    if let Some(tick) = &mut tick {
                        tick.tick().await;
                    }
                    let res = http
                        .post(format!("{base}/api/{endpoint}"))
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    assert!(res.status().is_success(), "{endpoint}: {}", res.status());
                    res.bytes().await.unwrap();
                    done += 1;
                }
            }
            done
        }));
    }
    let (tag, label, target) = match readers_do {
        Readers::None => (
            "paced",
            "create at 200 tickets/s".to_string(),
            Target::AtMost(20.0),
        ),
        Readers::Every { ms, in_step } => (
            if in_step { "bursts" } else { "mixed" },
            format!(
                "create at 200/s, {} readers at {}/s{}",
                busy.len(),
                1000 / ms,
                if in_step { " in step" } else { "" }
            ),
            if in_step {
                Target::None
            } else {
                Target::AtMost(20.0)
            },
        ),
        Readers::FlatOut => (
            "saturated",
            format!("create at 200/s, {} readers flat out", busy.len()),
            Target::None,
        ),
    };
    let (p50, p99) = paced_creation(run, clients, tag).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut reads = 0;
    for r in readers {
        reads += r.await.unwrap();
    }
    let also = if busy.is_empty() {
        String::new()
    } else {
        format!("; {reads} pages and searches meanwhile")
    };
    let aim = match target {
        Target::AtMost(t) => format!("target p99 ≤ {t} ms"),
        _ => "no target".to_string(),
    };
    println!("{label:<44} p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   ({aim}){also}");
    let metric = format!("{} · {label}", run.scope);
    report.record(&format!("{metric} p50"), p50, "ms", Target::None);
    report.record(&format!("{metric} p99"), p99, "ms", target);
    if !busy.is_empty() {
        report.record(
            &format!("{metric}, reads served"),
            reads as f64 / f64::from(run.seconds),
            "requests/s",
            Target::None,
        );
    }
}

async fn bench(report: &mut Report, backend: Backend, size: usize, seconds: u32) {
    let scope = format!("{} {size}", name(backend));
    println!("\n== {size} tickets on {}", name(backend));
    let served = Opened::open(backend).await.serve().await;
    let run = Run {
        served,
        scope,
        seconds,
    };
    let admin = run
        .served
        .browser("admin", &run.served.admin_otp, "admin")
        .await;
    let (operator_id, operator) = person(&run, "Bench Operator", Role::Operator).await;
    // The first 16 clients sign in (they create tickets); the others own seeded ones. Made a
    // few at a time, in order: each one-time password is an argon2 hash.
    let made: Vec<(i64, Option<reqwest::Client>)> = futures_util::stream::iter(0..CLIENTS)
        .map(|i| {
            let run = &run;
            async move {
                let name = format!("Bench Client {i}");
                if i < 16 {
                    let (id, browser) = person(run, &name, Role::Client).await;
                    return (id, Some(browser));
                }
                let account = NewAccount {
                    full_name: name,
                    email: None,
                    role: Role::Client,
                };
                let issued = accounts::create(&run.served.state, &account).await.unwrap();
                (issued.account.id, None)
            }
        })
        .buffered(4)
        .collect()
        .await;
    let client_ids: Vec<i64> = made.iter().map(|(id, _)| *id).collect();
    let client_browsers: Vec<reqwest::Client> = made.into_iter().filter_map(|(_, b)| b).collect();
    seed(&run, size, &client_ids, operator_id).await;
    // One ticket of the first client, assigned, with 50 messages.
    let viewed: i64 = sqlx::query_scalar(
        "SELECT MAX(id) FROM tickets WHERE client_id = $1 AND status = 'in_progress'",
    )
    .bind(client_ids[0])
    .fetch_one(&run.served.state.db.pool)
    .await
    .unwrap();
    for i in 0..50 {
        let res = operator
            .post(format!("{}/api/tickets/post", run.served.base))
            .json(&json!({"input": {"ticket_id": viewed, "body": format!("Message {i} about the printer"), "internal": i % 5 == 0}}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
    }
    let list = format!("{}/api/tickets/list", run.served.base);
    let first_page = json!({"query": {"status": null, "after": null}});
    let page_target = if size > 100_000 { 50.0 } else { 20.0 };
    let page = "p99 ≤ 20 ms at 100k, ≤ 50 ms at 1M";
    measure(
        report,
        &run,
        ("operator queue, page of 50", page, page_target),
        &operator,
        &list,
        first_page.clone(),
    )
    .await;
    measure(
        report,
        &run,
        ("admin list, page of 50", page, page_target),
        &admin,
        &list,
        first_page,
    )
    .await;
    measure(
        report,
        &run,
        ("admin list, open only", page, page_target),
        &admin,
        &list,
        json!({"query": {"status": "open", "after": null}}),
    )
    .await;
    measure(
        report,
        &run,
        ("ticket view, 50 messages", "p99 ≤ 10 ms", 10.0),
        &client_browsers[0],
        &format!("{}/api/tickets/view", run.served.base),
        json!({"ticket_id": viewed}),
    )
    .await;
    measure(
        report,
        &run,
        ("search (admin, all tickets)", "p99 ≤ 50 ms at 100k", 50.0),
        &admin,
        &format!("{}/api/tickets/search", run.served.base),
        json!({"words": "printer"}),
    )
    .await;
    paced(report, &run, &client_browsers, &[], Readers::None).await;
    // The readers of the mixed load: 8 admins (a session each) and the operator's session 8
    // times, paging their lists and searching.
    let mut readers = Vec::new();
    for i in 0..8 {
        readers.push(
            person(&run, &format!("Bench Admin {i}"), Role::Admin)
                .await
                .1,
        );
        readers.push(operator.clone());
    }
    for in_step in [false, true] {
        let readers_do = Readers::Every { ms: 50, in_step };
        paced(report, &run, &client_browsers, &readers, readers_do).await;
    }
    paced(report, &run, &client_browsers, &readers, Readers::FlatOut).await;
    creation(report, &run, &client_browsers).await;
    run.served.stop().await;
}

pub fn run(args: &[String]) {
    // Errors the server logs (a failed request says why here).
    tracing_subscriber::fmt().with_env_filter("error").init();
    // `--seconds N`: the number after the flag; the other numbers are sizes.
    let seconds_at = args.iter().position(|a| a == "--seconds").map(|i| i + 1);
    let seconds: u32 = seconds_at
        .and_then(|i| args.get(i)?.parse().ok())
        .unwrap_or(5);
    let sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != seconds_at)
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![100_000]
    } else {
        sizes
    };
    let databases = databases(args);
    let mut report = Report::new("tickets");
    report.setting("sizes", sizes.clone());
    report.setting(
        "databases",
        databases.iter().map(|d| name(*d)).collect::<Vec<_>>(),
    );
    report.setting("sqlite_synchronous", "FULL");
    report.setting("paced_seconds", seconds);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for backend in databases {
        for &size in &sizes {
            rt.block_on(bench(&mut report, backend, size, seconds));
        }
    }
    report.write();
}
