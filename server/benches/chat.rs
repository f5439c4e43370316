//! `cargo xtask bench chat [CHATS] [--seconds N]`: live chats at scale, against the release
//! `salter` (SQLite, assignment by hand so that only the chats' own messages make notes). CHATS
//! clients (default 500) each start a chat and keep their portal's socket open; staff — one
//! console that sees them all — answer. For N seconds (default 20) every chat exchanges a
//! message each way every N/2 (the first at a random moment, so they do not all talk at once):
//! the delivery time is from sending the message (`tickets/post`) to the other side's socket
//! hearing of it — p50/p99 over every message, the request included, so an upper bound. Also the server's
//! memory per chat (RSS, /proc: the clients' sessions, sockets, presence and chats, after all
//! have started). Targets (issue 18): delivery p99 ≤ 100 ms at 500 chats. Writes
//! `target/bench/chat.json`.

use crate::common::process::{Person, Salter, Socket};
use crate::common::stats::percentile;
use crate::common::{Report, Target};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

/// How long the chats talk, unless `--seconds` says (a message each way every half of it).
const DURATION_S: u64 = 20;
/// How long a message may take before it counts as lost.
const LOST: Duration = Duration::from_secs(10);

/// The ticket a note names, if any.
fn ticket_of(text: &str) -> Option<i64> {
    serde_json::from_str::<Value>(text).ok()?["ticket_id"].as_i64()
}

/// One chat's notes, as its two sides hear them.
struct Chat {
    ticket: i64,
    client: Person,
    /// The client's socket: its notes about this chat.
    client_notes: UnboundedReceiver<()>,
    /// The staff console's notes about this chat.
    staff_notes: UnboundedReceiver<()>,
}

/// Every note a socket hears about its tickets, each to its chat's channel.
fn route(mut ws: Socket, to: HashMap<i64, tokio::sync::mpsc::UnboundedSender<()>>) {
    tokio::spawn(async move {
        while let Some(Ok(message)) = ws.next().await {
            if let Some(sender) = message
                .to_text()
                .ok()
                .and_then(ticket_of)
                .and_then(|t| to.get(&t))
            {
                let _ = sender.send(());
            }
        }
    });
}

/// Drops what a channel holds now (a side's own echo, earlier steps).
async fn settle(notes: &mut UnboundedReceiver<()>) {
    while tokio::time::timeout(Duration::from_millis(200), notes.recv())
        .await
        .is_ok_and(|n| n.is_some())
    {}
}

/// One message from one side: the time until the other side hears of it (`None`: lost).
async fn hop(
    salter: &Salter,
    from: &Person,
    ticket: i64,
    body: &str,
    heard_by: &mut UnboundedReceiver<()>,
) -> Option<f64> {
    let sent = Instant::now();
    salter
        .call(
            from,
            "tickets/post",
            json!({"input": {"ticket_id": ticket, "body": body, "internal": false}}),
        )
        .await;
    tokio::time::timeout(LOST, heard_by.recv()).await.ok()??;
    Some(sent.elapsed().as_secs_f64() * 1000.0)
}

pub fn run(args: &[String]) {
    // `--seconds N`: the number after the flag; the other number is CHATS.
    let seconds_at = args.iter().position(|a| a == "--seconds").map(|i| i + 1);
    let duration = Duration::from_secs(
        seconds_at
            .and_then(|i| args.get(i)?.parse().ok())
            .unwrap_or(DURATION_S),
    );
    let period = duration / 2;
    let chats: usize = args
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != seconds_at)
        .find_map(|(_, a)| a.parse().ok())
        .unwrap_or(500);
    let mut report = Report::new("chat");
    report.setting("database", "sqlite");
    report.setting("chats", chats as u64);
    report.setting("period_s", period.as_secs_f64());
    report.setting("duration_s", duration.as_secs());
    let salter = Arc::new(Salter::start(&["--manual-assignment"]));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let admin = salter.admin().await;
        // Someone on duty, or no chat starts.
        let (operator, _) = salter.person(&admin, "operator").await;
        salter.call(&operator, "assignment/my_duty", json!({})).await;
        let mut clients = Vec::with_capacity(chats);
        let made: Vec<Person> = futures_util::stream::iter(0..chats)
            .map(|_| {
                let (salter, admin) = (&salter, &admin);
                async move { salter.person(admin, "client").await.0 }
            })
            .buffer_unordered(8)
            .collect()
            .await;
        clients.extend(made);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = salter.rss_kb();
        let started_at = Instant::now();
        let mut started = Vec::with_capacity(chats);
        for (n, client) in clients.into_iter().enumerate() {
            let detail = salter
                .call(&client, "chat/start", json!({"input": {"text": format!("Chat {n}: hello"), "idempotency_key": format!("chat-{n}")}}))
                .await;
            let ticket = detail["ticket"]["id"].as_i64().expect("ticket id");
            let ws = salter.socket(&client).await;
            started.push((ticket, client, ws));
        }
        let start_ms = started_at.elapsed().as_secs_f64() * 1000.0 / chats as f64;
        // The staff console hears every chat; each client's portal its own.
        let staff_ws = salter.socket(&admin).await;
        let mut staff_routes = HashMap::new();
        let mut all = Vec::with_capacity(chats);
        for (ticket, client, mut ws) in started {
            // The portal shows the chat: presence and marks as the app says them.
            let say = json!({"say": {"viewing": ticket, "typing": false}}).to_string();
            ws.send(tokio_tungstenite::tungstenite::Message::Text(say.into())).await.expect("say");
            let (to_client, client_notes) = unbounded_channel();
            route(ws, HashMap::from([(ticket, to_client)]));
            let (to_staff, staff_notes) = unbounded_channel();
            staff_routes.insert(ticket, to_staff);
            all.push(Chat { ticket, client, client_notes, staff_notes });
        }
        route(staff_ws, staff_routes);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let per_chat = salter.rss_kb().saturating_sub(before) as f64 / chats as f64;
        let admin = Arc::new(admin);
        let tasks: Vec<_> = all
            .into_iter()
            .map(|mut chat| {
                let (salter, admin) = (salter.clone(), admin.clone());
                tokio::spawn(async move {
                    settle(&mut chat.client_notes).await;
                    settle(&mut chat.staff_notes).await;
                    let mut delays = Vec::new();
                    let mut lost = 0;
                    let offset = period.mul_f64(rand::random::<f64>());
                    tokio::time::sleep(offset).await;
                    let end = Instant::now() + duration;
                    while Instant::now() < end {
                        for to_staff in [true, false] {
                            let (from, heard_by, echo) = if to_staff {
                                (&chat.client, &mut chat.staff_notes, &mut chat.client_notes)
                            } else {
                                (&*admin, &mut chat.client_notes, &mut chat.staff_notes)
                            };
                            match hop(&salter, from, chat.ticket, "A line of the chat", heard_by).await {
                                Some(ms) => delays.push(ms),
                                None => lost += 1,
                            }
                            // Its own side heard it too.
                            let _ = tokio::time::timeout(LOST, echo.recv()).await;
                            tokio::time::sleep(period / 2).await;
                        }
                    }
                    (delays, lost)
                })
            })
            .collect();
        let mut delays = Vec::new();
        let mut lost = 0;
        for task in tasks {
            let (d, l) = task.await.expect("chat task");
            delays.extend(d);
            lost += l;
        }
        delays.sort_by(f64::total_cmp);
        let (p50, p99) = (percentile(&delays, 0.5), percentile(&delays, 0.99));
        println!(
            "{:>8} {:>10} {:>10} {:>10} {:>8} {:>12} {:>14}",
            "chats", "messages", "p50 ms", "p99 ms", "lost", "KB per chat", "start ms/chat"
        );
        println!(
            "{chats:>8} {:>10} {p50:>10.2} {p99:>10.2} {lost:>8} {per_chat:>12.1} {start_ms:>14.1}",
            delays.len()
        );
        report.record(&format!("delivery p50, {chats} chats"), p50, "ms", Target::None);
        report.record(&format!("delivery p99, {chats} chats"), p99, "ms", Target::AtMost(100.0));
        let sent = (delays.len() + lost) as f64;
        report.record(
            &format!("messages heard by the other side, of {sent} sent, {chats} chats"),
            delays.len() as f64,
            "messages",
            Target::AtLeast(sent),
        );
        report.record(&format!("server memory per chat, {chats} chats"), per_chat, "KB", Target::None);
        report.record(&format!("chat start, {chats} chats"), start_ms, "ms", Target::None);
    });
    drop(salter);
    report.write();
}
