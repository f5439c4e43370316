//! `cargo xtask bench kb [N] [--sqlite | --postgres] [--samples N]`: seeds N published articles
//! (default 100,000; titles and bodies of words drawn from a vocabulary the way natural
//! language draws them — a few words very common, most rare —, half English, half Bosnian with
//! its diacritics, one in ten for staff only), indexed as publishing indexes them, on SQLite
//! and PostgreSQL; then, over HTTP against the real router as a signed-in client, times the
//! portal's Help search (whole words) and the suggestions beside a new ticket (a subject being
//! typed: the last word a prefix). Each search is recorded as a client's search is. Prints
//! p50/p99 beside the targets (search p99 ≤ 50 ms, suggestion p99 ≤ 30 ms,
//! ../shared/product/QUALITY.md) and writes `target/bench/kb.json`. A benchmark, not a test.

use crate::common::served::{databases, name, Opened};
use crate::common::{Report, Target};
use app::dto::{NewAccount, Role};
use app::server::accounts;
use app::server::db::Backend;
use app::server::kb::search::fold;
use serde_json::json;
use std::time::Instant;

/// Asks per case before the timed ones, and timed asks (`--samples N`).
const WARM_UP: usize = 20;
const SAMPLES: usize = 300;
/// Distinct words, and how many articles go into one insert.
const VOCABULARY: usize = 5_000;
const BATCH: usize = 500;

/// A fixed, well-mixed number (splitmix64).
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The vocabulary: words of two to four syllables, some with Bosnian letters.
fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 24] = [
        "pri", "lo", "zin", "ka", "ser", "ver", "ra", "ču", "na", "ša", "dže", "vo", "mre", "ža",
        "ko", "ne", "kt", "ta", "pa", "sto", "đa", "li", "fa", "tu",
    ];
    (0..VOCABULARY as u64)
        .map(|i| {
            let h = mix(i * 7 + 1);
            let parts = 2 + (h % 3) as usize;
            (0..parts)
                .map(|p| SYLLABLES[((h >> (8 * p + 4)) % SYLLABLES.len() as u64) as usize])
                .collect::<String>()
                + &i.to_string()
        })
        .collect()
}

/// The `k`-th word drawn for `seed`: common words often, rare ones seldom (Zipf-like).
fn word(words: &[String], seed: u64, k: u64) -> &str {
    let r = (mix(seed.wrapping_mul(1_000_003).wrapping_add(k)) % 1_000_000) as f64 / 1_000_000.0;
    &words[((r * r * r) * words.len() as f64) as usize]
}

fn text(words: &[String], seed: u64, n: u64) -> String {
    (0..n)
        .map(|k| word(words, seed, k))
        .collect::<Vec<_>>()
        .join(" ")
}

/// SQL text, quoted.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

async fn seed(state: &app::server::AppState, n: usize, words: &[String]) {
    let pool = &state.db.pool;
    let admin: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'admin'")
        .fetch_one(pool)
        .await
        .unwrap();
    let now = state.clock.now_ms();
    let started = Instant::now();
    for first in (1..=n).step_by(BATCH) {
        let ids: Vec<u64> = (first as u64..(first + BATCH).min(n + 1) as u64).collect();
        let (mut articles, mut versions, mut index) = (Vec::new(), Vec::new(), Vec::new());
        for &id in &ids {
            let title = text(words, id, 4 + id % 5);
            let body = text(words, id + 1_000_000_000, 60 + id % 60);
            let tags = text(words, id + 2_000_000_000, 2).replace(' ', ",");
            let lang = if id % 2 == 0 { "en" } else { "bs" };
            let staff_only = i64::from(id % 10 == 0);
            articles.push(format!(
                "({id}, '{lang}', {staff_only}, 'published', 1, 1, {admin}, {now}, {now})"
            ));
            versions.push(format!(
                "({id}, 1, {}, {}, {}, {admin}, {now})",
                quoted(&title),
                quoted(&body),
                quoted(&tags)
            ));
            index.push(format!(
                "({id}, {}, {}, {})",
                quoted(&fold(&title)),
                quoted(&fold(&body)),
                quoted(&fold(&tags.replace(',', " ")))
            ));
        }
        for (sql, rows) in [
            (
                "INSERT INTO kb_articles (id, language, staff_only, state, version, \
                 published_version, created_by, created_at, updated_at) VALUES ",
                &articles,
            ),
            (
                "INSERT INTO kb_versions (article_id, version, title, body, tags, author_id, \
                 saved_at) VALUES ",
                &versions,
            ),
            (
                "INSERT INTO kb_search (article_id, title, body, tags) VALUES ",
                &index,
            ),
        ] {
            sqlx::query(&format!("{sql}{}", rows.join(",")))
                .execute(pool)
                .await
                .unwrap();
        }
    }
    if state.db.backend == Backend::Postgres {
        sqlx::query("SELECT setval(pg_get_serial_sequence('kb_articles', 'id'), $1)")
            .bind(n as i64 + 1)
            .execute(pool)
            .await
            .unwrap();
    }
    println!(
        "seeded {n} articles in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn bench(report: &mut Report, backend: Backend, n: usize, samples: usize) {
    let scope = format!("{} {n}", name(backend));
    println!("\n== knowledge base on {scope}");
    let words = vocabulary();
    let opened = Opened::open(backend).await;
    seed(&opened.state, n, &words).await;
    // The figures are only as good as the seed: every article is there, findable.
    let indexed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM kb_search")
        .fetch_one(&opened.state.db.pool)
        .await
        .unwrap();
    report.record(
        &format!("{scope} · articles indexed"),
        indexed as f64,
        "articles",
        Target::AtLeast(n as f64),
    );
    let account = accounts::create(
        &opened.state,
        &NewAccount {
            full_name: "Bench Reader".into(),
            email: None,
            role: Role::Client,
        },
    )
    .await
    .unwrap();
    let served = opened.serve().await;
    served.settle().await;
    let client = served
        .browser(
            &account.account.username,
            &account.one_time_password,
            "client",
        )
        .await;
    let url = format!("{}/api/kb/search", served.base);
    // Whole words, as Help is searched (one or two, drawn as the texts draw them); and a
    // subject being typed, its last word cut short, as the suggestions are asked for.
    let help = |i: u64| {
        let count = 1 + i % 2;
        (0..count)
            .map(|k| word(&words, i + 5_000_000_000, k).to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let typed = |i: u64| {
        let subject = text(&words, i + 6_000_000_000, 3);
        let mut parts: Vec<&str> = subject.split(' ').collect();
        let last = parts.pop().unwrap_or("");
        let half: String = last
            .chars()
            .take(last.chars().count().div_ceil(2))
            .collect();
        format!("{} {half}", parts.join(" "))
    };
    for (case, target, make) in [
        ("Help search", 50.0, &help as &dyn Fn(u64) -> String),
        ("suggestion while typing", 30.0, &typed),
    ] {
        let mut times = Vec::with_capacity(samples);
        let mut found = 0usize;
        for i in 0..(WARM_UP + samples) as u64 {
            let words = make(i);
            let start = Instant::now();
            let res = client
                .post(&url)
                .json(&json!({"words": words, "lang": if i % 2 == 0 { "En" } else { "Bs" }}))
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "{case}: {}", res.status());
            let hits: Vec<serde_json::Value> = res.json().await.unwrap();
            if i as usize >= WARM_UP {
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                found += usize::from(!hits.is_empty());
            }
        }
        times.sort_by(f64::total_cmp);
        let (p50, p99) = (
            crate::common::stats::percentile(&times, 0.5),
            crate::common::stats::percentile(&times, 0.99),
        );
        println!(
            "{case:<26} p50 {p50:>6.1} ms   p99 {p99:>6.1} ms   (target p99 ≤ {target} ms; {found} of {samples} found something)"
        );
        report.record(&format!("{scope} · {case} p50"), p50, "ms", Target::None);
        report.record(
            &format!("{scope} · {case} p99"),
            p99,
            "ms",
            Target::AtMost(target),
        );
    }
    served.stop().await;
}

pub fn run(args: &[String]) {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let samples = args
                .iter()
                .position(|a| a == "--samples")
                .and_then(|i| args.get(i + 1))
                .and_then(|s| s.parse().ok())
                .unwrap_or(SAMPLES);
            let n = args
                .iter()
                .enumerate()
                .filter(|(i, _)| *i == 0 || args[i - 1] != "--samples")
                .find_map(|(_, a)| a.parse().ok())
                .unwrap_or(100_000);
            let mut report = Report::new("kb");
            report.setting("articles", n);
            report.setting("samples", samples);
            report.setting("vocabulary", VOCABULARY);
            for backend in databases(args) {
                bench(&mut report, backend, n, samples).await;
            }
            report.write();
        });
}
