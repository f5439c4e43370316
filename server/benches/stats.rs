//! `cargo xtask bench stats [SIZES…] [--sqlite | --postgres] [--days N] [--samples N]`: seeds
//! SIZES tickets (default 1000000) spread over two years (or N days) — each with its history (assignment, start, returns to the
//! client, closing, reopenings, ratings) and its facts, as the history writer keeps them — on
//! SQLite and PostgreSQL, then times the admin's statistics over HTTP against the real router:
//! the last 30 days by day, by hour, and narrowed to one operator, and the last 7 days by day.
//! Prints p50/p99 beside the target (p99 ≤ 200 ms, ../shared/product/QUALITY.md) and writes
//! `target/bench/stats.json`. A benchmark, not a test: it asserts nothing.

use crate::common::served::{databases, name, Opened};
use crate::common::{Report, Target};
use app::dto::{NewAccount, Role};
use app::server::db::Backend;
use app::server::{accounts, moves, AppState};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const OPERATORS: usize = 20;
const CLIENTS: usize = 200;
/// Asks per case before the timed ones.
const WARM_UP: usize = 3;
/// Timings per case (`--samples N` to change).
const SAMPLES: usize = 100;
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// The tickets are created evenly over this many days, up to now (`--days N` to change: a
/// smaller seed over fewer days keeps the density, and so each period's work, of the full one).
const SPAN_DAYS: i64 = 730;

/// A fixed, well-mixed number from a ticket's index (splitmix64).
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// One ticket's seeded life: its row, its events, its facts — as SQL value lists.
struct Life {
    ticket: String,
    events: Vec<String>,
    facts: String,
}

/// Ticket `id`'s life, created at `created`, cut at `now`.
fn life(
    id: i64,
    created: i64,
    now: i64,
    operators: &[i64],
    clients: &[i64],
    categories: &[i64],
) -> Life {
    let h = mix(id as u64);
    let pick = |shift: u32, n: usize| ((h >> shift) as usize) % n;
    let span = |shift: u32, ms: i64| ((h >> shift) % ms as u64) as i64;
    let op = operators[pick(0, operators.len())];
    let client = clients[pick(8, clients.len())];
    let category = match pick(16, categories.len() + 1) {
        c if c < categories.len() => categories[c].to_string(),
        _ => "NULL".into(),
    };
    let priority = pick(20, 4);
    let mut events = Vec::new();
    let mut status = "open";
    let mut last = created;
    let mut push = |at: i64,
                    actor: Option<i64>,
                    kind: &str,
                    from: Option<&str>,
                    to: &str,
                    reason: Option<&str>| {
        let q = |v: Option<&str>| v.map_or("NULL".to_string(), |v| format!("'{v}'"));
        let actor = actor.map_or("NULL".to_string(), |a| a.to_string());
        events.push(format!(
            "({id}, {actor}, {at}, '{kind}', {}, '{to}', {}, NULL, 0)",
            q(from),
            q(reason)
        ));
    };
    push(created, Some(client), "created", None, "open", None);
    let (mut first_response, mut closed_at, mut reopens, mut returned_ms) = (None, None, 0, 0);
    let mut rating = None;
    // Each step happens only if its time has come.
    let step = |at: i64, f: &mut dyn FnMut(i64)| -> bool {
        if at > now {
            return false;
        }
        f(at);
        true
    };
    let assign = created + MIN + span(24, 10 * MIN);
    let mut assigned = false;
    step(assign, &mut |at| {
        push(at, None, "assigned", None, &op.to_string(), Some("manual"));
        push(at, None, "status", Some("open"), "assigned", None);
        assigned = true;
    });
    if assigned {
        status = "assigned";
        last = assign;
        let start = assign + 5 * MIN;
        let answer = start + span(28, 2 * HOUR);
        let returned = pick(36, 5) == 0;
        let back = answer + span(40, DAY);
        let close = if returned { back } else { answer } + 10 * MIN + span(44, 2 * DAY);
        let reopened = pick(52, 33) == 0;
        let mut moves: Vec<(i64, Option<i64>, &str, &str)> =
            vec![(start, Some(op), "assigned", "in_progress")];
        if returned {
            moves.push((answer, Some(op), "in_progress", "returned_to_client"));
            moves.push((back, Some(client), "returned_to_client", "in_progress"));
        }
        moves.push((close, Some(op), "in_progress", "closed"));
        if reopened {
            moves.push((close + HOUR, Some(client), "closed", "assigned"));
            moves.push((close + 2 * HOUR, Some(op), "assigned", "in_progress"));
            moves.push((close + 3 * HOUR, Some(op), "in_progress", "closed"));
        }
        for (at, actor, from, to) in moves {
            if at > now {
                break;
            }
            if from == "in_progress" && first_response.is_none() {
                first_response = Some(at);
            }
            if from == "returned_to_client" {
                returned_ms += at - answer;
            }
            if to == "closed" {
                closed_at = Some(at);
            }
            if from == "closed" {
                closed_at = None;
                reopens += 1;
            }
            push(at, actor, "status", Some(from), to, None);
            status = to;
            last = at;
        }
        if let Some(closed) = closed_at {
            let rated = closed + HOUR;
            if pick(56, 3) == 0 && rated <= now {
                let good = pick(58, 5) != 0;
                let comment = (pick(60, 10) == 0).then_some("Thank you for the help");
                push(
                    rated,
                    Some(client),
                    "rated",
                    None,
                    if good { "good" } else { "bad" },
                    comment,
                );
                rating = Some((i64::from(good), rated));
            }
        }
    }
    let n = |v: Option<i64>| v.map_or("NULL".to_string(), |v| v.to_string());
    let operator = if assigned {
        op.to_string()
    } else {
        "NULL".into()
    };
    let returned_since = if status == "returned_to_client" {
        n(Some(last))
    } else {
        "NULL".into()
    };
    Life {
        ticket: format!(
            "({id}, 'Ticket {id}', 'Seeded for statistics.', {category}, {priority}, '{status}', {client}, {operator}, 'seed-{id}', '', {created}, {last}, {})",
            n(closed_at)
        ),
        facts: format!(
            "({id}, {created}, {}, {}, {}, {}, {reopens}, {returned_ms}, {returned_since}, {}, {})",
            n(first_response),
            if first_response.is_some() { op.to_string() } else { "NULL".into() },
            n(closed_at),
            if closed_at.is_some() { op.to_string() } else { "NULL".into() },
            n(rating.map(|r| r.0)),
            n(rating.map(|r| r.1)),
        ),
        events,
    }
}

async fn insert(state: &AppState, head: &str, rows: &[String]) {
    for chunk in rows.chunks(1_000) {
        let sql = format!("{head} VALUES {}", chunk.join(","));
        sqlx::query(&sql).execute(&state.db.pool).await.unwrap();
    }
}

/// What a run is asked for beside its sizes.
#[derive(Clone, Copy)]
struct Run {
    span: i64,
    samples: usize,
}

/// `n` tickets with their histories and facts, created evenly over `span` up to now.
async fn seed(state: &AppState, n: usize, span: i64, operators: &[i64], clients: &[i64]) {
    let start = Instant::now();
    let mut categories = Vec::new();
    for name in ["Hardware", "Network", "Accounts", "Billing", "Other"] {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO categories (name, active) VALUES ($1, 1) RETURNING id")
                .bind(name)
                .fetch_one(&state.db.pool)
                .await
                .unwrap();
        categories.push(id);
    }
    let now = state.clock.now_ms();
    let (mut events_total, mut done) = (0, 0);
    while done < n {
        let batch = (n - done).min(5_000);
        let lives: Vec<Life> = (done..done + batch)
            .map(|i| {
                let created = now - span + (i as i64) * span / n as i64;
                life(i as i64 + 1, created, now, operators, clients, &categories)
            })
            .collect();
        insert(
            state,
            "INSERT INTO tickets (id, subject, description, category_id, priority, status, client_id, \
             operator_id, idempotency_key, request_hash, created_at, updated_at, closed_at)",
            &lives.iter().map(|l| l.ticket.clone()).collect::<Vec<_>>(),
        )
        .await;
        let events: Vec<String> = lives
            .iter()
            .flat_map(|l| l.events.iter().cloned())
            .collect();
        events_total += events.len();
        insert(
            state,
            "INSERT INTO ticket_events (ticket_id, actor_id, at, kind, from_value, to_value, reason, \
             message_id, internal)",
            &events,
        )
        .await;
        insert(
            state,
            "INSERT INTO ticket_facts (ticket_id, created_at, first_response_at, first_responder, \
             closed_at, closed_by, reopens, returned_ms, returned_since, rating, rated_at)",
            &lives.iter().map(|l| l.facts.clone()).collect::<Vec<_>>(),
        )
        .await;
        done += batch;
    }
    println!(
        "seeded {n} tickets and {events_total} events in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

async fn measure(
    run: Run,
    report: &mut Report,
    scope: &str,
    label: &str,
    http: &reqwest::Client,
    url: &str,
    query: Value,
) {
    let mut times = Vec::with_capacity(run.samples);
    let body = json!({ "query": query });
    // A serving installation has read these pages before: the first asks are not timed.
    for _ in 0..WARM_UP {
        let res = http.post(url).json(&body).send().await.unwrap();
        assert!(res.status().is_success(), "{label}: {}", res.status());
        res.bytes().await.unwrap();
    }
    for _ in 0..run.samples {
        let start = Instant::now();
        let res = http.post(url).json(&body).send().await.unwrap();
        assert!(res.status().is_success(), "{label}: {}", res.status());
        res.bytes().await.unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    let ms: Vec<f64> = times
        .iter()
        .map(Duration::as_secs_f64)
        .map(|s| s * 1000.0)
        .collect();
    let (p50, p99) = (
        crate::common::stats::percentile(&ms, 0.5),
        crate::common::stats::percentile(&ms, 0.99),
    );
    println!("{label:<40} p50 {p50:>7.2} ms   p99 {p99:>7.2} ms   (target p99 ≤ 200 ms)");
    report.record(&format!("{scope} · {label} p50"), p50, "ms", Target::None);
    report.record(
        &format!("{scope} · {label} p99"),
        p99,
        "ms",
        Target::AtMost(200.0),
    );
}

async fn bench(run: Run, report: &mut Report, backend: Backend, size: usize) {
    let scope = format!("{} {size}", name(backend));
    println!("\n== statistics over {size} tickets on {}", name(backend));
    let opened = Opened::open(backend).await;
    // Made a few at a time: each one-time password is an argon2 hash.
    let people = |role: Role, count: usize| {
        let state = &opened.state;
        futures_util::stream::iter(0..count)
            .map(move |i| async move {
                let account = NewAccount {
                    full_name: format!("Bench {} {i}", role.as_str()),
                    email: None,
                    role,
                };
                accounts::create(state, &account).await.unwrap().account.id
            })
            .buffered(4)
            .collect::<Vec<i64>>()
    };
    let operators = people(Role::Operator, OPERATORS).await;
    let clients = people(Role::Client, CLIENTS).await;
    seed(&opened.state, size, run.span, &operators, &clients).await;
    // What the history writer and the server's background task do: note each move, then count
    // the moves per slot.
    let start = Instant::now();
    sqlx::query(
        "INSERT INTO pending_moves (event_id, slot, from_value, to_value) \
         SELECT id, at / 900000, COALESCE(from_value, ''), to_value FROM ticket_events \
         WHERE kind IN ('created', 'status', 'forced')",
    )
    .execute(&opened.state.db.pool)
    .await
    .unwrap();
    let rolled = moves::roll(&opened.state.db).await.unwrap();
    println!(
        "counted the moves of {rolled} events in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    // The figures are only as good as the seed: every ticket is there, with its facts.
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ticket_facts")
        .fetch_one(&opened.state.db.pool)
        .await
        .unwrap();
    report.record(
        &format!("{scope} · tickets with their facts"),
        kept as f64,
        "tickets",
        Target::AtLeast(size as f64),
    );
    let served = opened.serve().await;
    served.settle().await;
    let admin = served.browser("admin", &served.admin_otp, "admin").await;
    let url = format!("{}/api/stats/report", served.base);
    let cases = [
        (
            "last 30 days by day",
            json!({"period": "last30_days", "bucket": "day"}),
        ),
        (
            "last 30 days by hour",
            json!({"period": "last30_days", "bucket": "hour"}),
        ),
        (
            "last 30 days, one operator",
            json!({"period": "last30_days", "bucket": "day", "filter": {"operator_id": operators[0]}}),
        ),
        (
            "last 7 days by day",
            json!({"period": "last7_days", "bucket": "day"}),
        ),
    ];
    for (label, query) in cases {
        measure(run, report, &scope, label, &admin, &url, query).await;
    }
    served.stop().await;
}

pub fn run(args: &[String]) {
    tracing_subscriber::fmt().with_env_filter("error").init();
    // `--days N`, `--samples N`: the number after the flag.
    let after = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1)?.parse::<usize>().ok())
    };
    let run = Run {
        span: after("--days").map_or(SPAN_DAYS, |d| d as i64) * DAY,
        samples: after("--samples").unwrap_or(SAMPLES),
    };
    let flag_values: Vec<usize> = ["--days", "--samples"]
        .iter()
        .filter_map(|f| args.iter().position(|a| a == f).map(|i| i + 1))
        .collect();
    let sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| !flag_values.contains(i))
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000]
    } else {
        sizes
    };
    let databases = databases(args);
    let mut report = Report::new("stats");
    report.setting("sizes", sizes.clone());
    report.setting("span_days", run.span / DAY);
    report.setting("samples", run.samples);
    report.setting("operators", OPERATORS);
    report.setting(
        "databases",
        databases.iter().map(|d| name(*d)).collect::<Vec<_>>(),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    for backend in databases {
        for &size in &sizes {
            rt.block_on(bench(run, &mut report, backend, size));
        }
    }
    report.write();
}
