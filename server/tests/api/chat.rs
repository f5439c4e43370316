//! Live chat (`app::server::chat`) on SQLite and PostgreSQL: started only while someone is on
//! duty and resumed while under way; messages both ways on the ticket's thread; typing, and
//! the delivery and read marks, heard live by the chat's people only (never a note being
//! written); ended by either side with the ticket going on; a chat weighing in its operator's
//! load, handed to a colleague with a note, handed back when its operator goes off duty, and
//! ended once its client has been away too long.

use crate::common::{
    assign, code, desk, kind, post_ok, test_config, Backend, Browser, TestApp, USER_PASSWORD,
};
use crate::live::{open, Socket};
use app::server::{assignment, chat};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The client starts a chat with `text`; the ticket as they see it.
async fn start(client: &Browser, text: &str, key: &str) -> (u16, Value) {
    client
        .call(
            "chat/start",
            json!({"input": {"text": text, "idempotency_key": key}}),
        )
        .await
}

async fn view(who: &Browser, ticket: i64) -> Value {
    who.call_ok("tickets/view", json!({"ticket_id": ticket}))
        .await
}

/// The next presence note about `ticket` a socket hears: each person's (id, typing, got, read).
async fn heard(socket: &mut Socket, ticket: i64) -> Vec<(i64, bool, i64, i64)> {
    loop {
        let note = socket
            .next(Duration::from_secs(5))
            .await
            .expect("a presence note");
        if note["here"]["ticket_id"] == json!(ticket) {
            return note["here"]["people"]
                .as_array()
                .expect("people")
                .iter()
                .map(|p| {
                    (
                        p["user_id"].as_i64().unwrap(),
                        p["typing"] == true,
                        p["got"].as_i64().unwrap_or(0),
                        p["read"].as_i64().unwrap_or(0),
                    )
                })
                .collect();
        }
    }
}

fn say(socket: &Socket, ticket: i64, typing: bool, note: bool, got: i64, read: i64) {
    socket.say_json(
        json!({"viewing": ticket, "typing": typing, "note": note, "got": got, "read": read}),
    );
}

fn message_ids(detail: &Value) -> Vec<i64> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect()
}

/// A chat from start to end: refused while nobody is on duty (nothing made), started, resumed,
/// talked through both ways with typing and marks heard live, ended by the client — the ticket
/// with its whole transcript goes on.
async fn a_chat_is_talked_through_live_and_stays_on_its_ticket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    // Nobody on duty: no chat, a clear refusal, nothing made.
    let offer = client.call_ok("chat/availability", json!({})).await;
    assert_eq!(offer["staffed"], false, "{offer}");
    let (status, refused) = start(&client, "Hello?", "chat-0").await;
    assert_eq!(
        (status, code(&refused)),
        (409, "nobody_on_duty"),
        "{refused}"
    );
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(tickets, 0);
    // An operator comes on duty (signing in is a sign of life): the chat starts.
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let operator_id = operator.id().await;
    assert_eq!(
        client.call_ok("chat/availability", json!({})).await["staffed"],
        true
    );
    let (status, started) = start(
        &client,
        "My printer prints blank pages\nsince Monday.",
        "chat-1",
    )
    .await;
    assert_eq!(status, 200, "{started}");
    let ticket = started["ticket"]["id"].as_i64().unwrap();
    assert_eq!(
        started["ticket"]["subject"],
        "My printer prints blank pages"
    );
    assert!(started["chat"]["ended_at"].is_null(), "{started}");
    let kinds: Vec<&str> = started["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(kind)
        .collect();
    assert_eq!(kinds, ["created", "chat"]);
    // Starting again resumes it.
    let (_, again) = start(&client, "Are you there?", "chat-2").await;
    assert_eq!(again["ticket"]["id"], ticket);
    assert_eq!(
        client.call_ok("chat/current", json!({})).await,
        json!(ticket)
    );
    assign(&admin, ticket, operator_id).await;

    let mut asking = open(&client, None).await;
    asking.hello().await;
    let mut answering = open(&operator, None).await;
    answering.hello().await;
    let mut looking_on = open(&admin, None).await;
    looking_on.hello().await;
    let client_id = client.id().await;
    say(&asking, ticket, false, false, 0, 0);
    assert_eq!(
        heard(&mut answering, ticket).await,
        [(client_id, false, 0, 0)]
    );
    // (The client's tab heard itself arrive: nobody else there yet.)
    asking.drain().await;
    // The operator writes a note: the client hears only that they are there…
    say(&answering, ticket, true, true, 0, 0);
    assert_eq!(
        heard(&mut asking, ticket).await,
        [(operator_id, false, 0, 0)]
    );
    // …and then a reply: the client sees them typing.
    say(&answering, ticket, true, false, 0, 0);
    assert_eq!(
        heard(&mut asking, ticket).await,
        [(operator_id, true, 0, 0)]
    );
    post_ok(&operator, ticket, "Which printer is it?", false).await;
    let seen = view(&client, ticket).await;
    let first = *message_ids(&seen).last().unwrap();
    answering.drain().await;
    // The client's tab has the answer (delivered) but is hidden; a claim beyond the thread is
    // not kept; then it shows the answer (read).
    let the_client =
        |people: Vec<(i64, bool, i64, i64)>| people.into_iter().find(|p| p.0 == client_id);
    say(&asking, ticket, false, false, first, 0);
    assert_eq!(
        the_client(heard(&mut answering, ticket).await),
        Some((client_id, false, first, 0))
    );
    say(&asking, ticket, false, false, first + 1_000, first + 1_000);
    say(&asking, ticket, true, false, first + 1_000, first + 1_000);
    assert_eq!(
        the_client(heard(&mut answering, ticket).await),
        Some((client_id, true, first, 0))
    );
    say(&asking, ticket, false, false, first, first);
    assert_eq!(
        the_client(heard(&mut answering, ticket).await),
        Some((client_id, false, first, first))
    );
    let marks = view(&operator, ticket).await["chat"].clone();
    assert_eq!(
        (marks["client_got"].as_i64(), marks["client_read"].as_i64()),
        (Some(first), Some(first))
    );
    // An admin looking on marks nothing.
    say(&looking_on, ticket, false, false, first, first);
    looking_on.drain().await;
    assert_eq!(view(&admin, ticket).await["chat"]["staff_read"], 0);
    // Both ways on one thread.
    post_ok(&client, ticket, "The HP on the second floor.", false).await;
    let thread: Vec<String> = view(&operator, ticket).await["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        thread,
        ["Which printer is it?", "The HP on the second floor."]
    );
    // The client ends it; the ticket and its transcript go on.
    let ended = client
        .call_ok("chat/end", json!({"ticket_id": ticket}))
        .await;
    assert!(ended["chat"]["ended_at"].is_i64(), "{ended}");
    assert_eq!(ended["ticket"]["status"], "assigned");
    let last = ended["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["what"], json!({"chat": {"step": "ended"}}), "{last}");
    assert_eq!(client.call_ok("chat/current", json!({})).await, Value::Null);
    post_ok(
        &client,
        ticket,
        "Thanks, I will wait for the technician.",
        false,
    )
    .await;
    // Ending it again changes nothing.
    let again = operator
        .call_ok("chat/end", json!({"ticket_id": ticket}))
        .await;
    assert_eq!(
        again["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| kind(e) == "chat")
            .count(),
        2
    );
    app.stop().await;
}

/// A chat's signals reach its own people only: another client's tab saying the chat moves no
/// mark and hears nothing; their calls on it are refused as if it did not exist; the chat's
/// words never reach them; another operator may not hand it over.
async fn a_chat_reaches_only_its_own_people(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other, _) = app.user(&admin, "Emir Hadžić", "client").await;
    let (other_operator, _) = app.user(&admin, "Selma Dedić", "operator").await;
    let (_, started) = start(&client, "MARKER-7 my account is locked", "chat-a").await;
    let ticket = started["ticket"]["id"].as_i64().unwrap();
    assign(&admin, ticket, operator_id).await;
    post_ok(&operator, ticket, "MARKER-7 unlocked, try again", false).await;
    let last = *message_ids(&view(&client, ticket).await).last().unwrap();

    let mut mine = open(&client, None).await;
    mine.hello().await;
    let mut theirs = open(&other, None).await;
    theirs.hello().await;
    let mut working = open(&operator, None).await;
    working.hello().await;
    say(&theirs, ticket, true, false, last, last);
    say(&mine, ticket, false, false, 0, 0);
    // The operator hears the client only; the other client's claim moved nothing.
    let other_id = other.id().await;
    let people = heard(&mut working, ticket).await;
    assert!(people.iter().all(|p| p.0 != other_id), "{people:?}");
    let chat = view(&operator, ticket).await["chat"].clone();
    assert_eq!(chat["client_got"], 0, "{chat}");
    say(&working, ticket, true, false, last, last);
    for (who, socket) in [("the other client", &mut theirs)] {
        let notes = socket.drain().await;
        assert!(
            notes
                .iter()
                .all(|n| n["here"].is_null() && n["ticket_id"] != json!(ticket)),
            "{who}: {notes:?}"
        );
        assert!(
            !format!("{notes:?}").contains("MARKER-7"),
            "{who}: {notes:?}"
        );
    }
    for (endpoint, body) in [
        ("chat/end", json!({"ticket_id": ticket})),
        ("tickets/view", json!({"ticket_id": ticket})),
    ] {
        let (status, answer) = other.call(endpoint, body).await;
        assert_eq!(
            (status, code(&answer)),
            (404, "not_found"),
            "{endpoint}: {answer}"
        );
        assert!(!answer.to_string().contains("MARKER-7"));
    }
    assert_eq!(other.call_ok("chat/current", json!({})).await, Value::Null);
    let transfer = json!({"input": {"ticket_id": ticket, "operator_id": operator_id,
        "note": "Mine now", "idempotency_key": "t-1"}});
    let (status, answer) = other_operator.call("chat/transfer", transfer).await;
    assert_eq!((status, code(&answer)), (404, "not_found"), "{answer}");
    // Who may: the matrix of roles (clients start, operators hand over).
    let (status, _) = operator
        .call(
            "chat/start",
            json!({"input": {"text": "x", "idempotency_key": "k"}}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = client.call("chat/colleagues", json!({})).await;
    assert_eq!(status, 403);
    app.stop().await;
}

async fn automatic(backend: Backend) -> TestApp {
    TestApp::licensed(
        backend,
        app::server::Config {
            automatic_assignment: true,
            chat_resume_window: Duration::ZERO,
            ..test_config()
        },
    )
    .await
}

/// (operator id, load) on the floor.
async fn loads(admin: &Browser) -> HashMap<i64, i64> {
    let floor = admin.call_ok("assignment/floor", json!({})).await;
    floor["operators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["plan"]["operator_id"].as_i64().unwrap(),
                o["load"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Routing: a chat is assigned like a ticket and weighs the admin's chat weight in its
/// operator's load; handed to a colleague with a note (the transcript stays, the client never
/// reads the note); handed back to the queue when its operator goes off duty; ended by the
/// system once its client is away, unless their tab is on it.
async fn a_chat_weighs_in_the_load_and_moves_between_operators(backend: Backend) {
    let app = automatic(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (first, _) = app.user(&admin, "Amra Delić", "operator").await;
    let first_id = first.id().await;
    let (_, started) = start(&client, "Can you help me set up e-mail?", "chat-r").await;
    let ticket = started["ticket"]["id"].as_i64().unwrap();
    assert_eq!(assignment::run(&app.state).await.unwrap(), 1);
    assert_eq!(
        loads(&admin).await[&first_id],
        2,
        "a chat weighs 2 by default"
    );
    // The admin makes a chat weigh 3.
    let settings = admin.call_ok("settings/ticket_settings", json!({})).await;
    let mut changed = settings.clone();
    changed["chat_weight"] = json!(3);
    admin
        .call_ok("settings/set_ticket_settings", json!({"input": changed}))
        .await;
    assert_eq!(loads(&admin).await[&first_id], 3);
    changed["chat_weight"] = json!(9);
    let (status, refused) = admin
        .call("settings/set_ticket_settings", json!({"input": changed}))
        .await;
    assert_eq!((status, code(&refused)), (422, "invalid"), "{refused}");
    // A second operator comes; the first hands the chat over with a note.
    let (second, _) = app.user(&admin, "Haris Mujić", "operator").await;
    let second_id = second.id().await;
    post_ok(&first, ticket, "Which mail program do you use?", false).await;
    let colleagues = first.call_ok("chat/colleagues", json!({})).await;
    assert_eq!(
        colleagues,
        json!([{"id": second_id, "full_name": "Haris Mujić"}])
    );
    let transfer = |to: i64, key: &str| json!({"input": {"ticket_id": ticket, "operator_id": to, "note": "Knows Thunderbird better", "idempotency_key": key}});
    let (status, refused) = first.call("chat/transfer", transfer(first_id, "t-0")).await;
    assert_eq!(
        (status, code(&refused)),
        (422, "invalid"),
        "not to oneself: {refused}"
    );
    first
        .call_ok("chat/transfer", transfer(second_id, "t-1"))
        .await;
    let held = view(&second, ticket).await;
    assert_eq!(held["operator_id"], second_id);
    let bodies: Vec<(&str, bool)> = held["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["body"].as_str().unwrap(), m["internal"] == true))
        .collect();
    assert_eq!(
        bodies,
        [
            ("Which mail program do you use?", false),
            ("Knows Thunderbird better", true)
        ]
    );
    let assigned = held["history"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| kind(e) == "assigned")
        .unwrap()
        .clone();
    assert_eq!(
        assigned["what"]["assigned"]["why"], "transferred",
        "{assigned}"
    );
    let (status, _) = first
        .call("tickets/view", json!({"ticket_id": ticket}))
        .await;
    assert_eq!(status, 404, "it left its first operator");
    assert_eq!(
        message_ids(&view(&client, ticket).await).len(),
        1,
        "the client never reads the note"
    );
    let now = loads(&admin).await;
    assert_eq!((now[&first_id], now[&second_id]), (0, 3));
    // The second operator goes on a break before starting it: back to the queue, and to the
    // first operator, by the same rules as a ticket (the step has seen them on duty).
    assignment::run(&app.state).await.unwrap();
    second
        .call_ok("assignment/set_break", json!({"on_break": true}))
        .await;
    assignment::run(&app.state).await.unwrap();
    let back = view(&admin, ticket).await;
    assert_eq!(back["operator_id"], first_id, "{back}");
    assert!(back["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["what"]["assigned"]["why"] == "off-duty"));
    // The client's tab is on it: the sweep leaves it; gone: it ends, by the system.
    let mut away = HashMap::new();
    let mut tab = open(&client, None).await;
    tab.hello().await;
    say(&tab, ticket, false, false, 0, 0);
    let mut watching = open(&admin, None).await;
    watching.hello().await;
    heard(&mut watching, ticket).await;
    assert_eq!(
        chat::sweep(&app.state, &mut away, Instant::now())
            .await
            .unwrap(),
        0
    );
    drop(tab);
    heard(&mut watching, ticket).await;
    assert_eq!(
        chat::sweep(&app.state, &mut away, Instant::now())
            .await
            .unwrap(),
        1
    );
    let ended = view(&admin, ticket).await;
    let last = ended["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["what"],
        json!({"chat": {"step": "client_left"}}),
        "{last}"
    );
    assert!(last["actor_name"].is_null(), "{last}");
    assert_eq!(
        loads(&admin).await[&first_id],
        1,
        "an ended chat weighs as a ticket"
    );
    // The client signs in again later: a new chat is a new ticket.
    let later = Browser::new(&app.base);
    later.sign_in_ok("ana.kovac", USER_PASSWORD, "client").await;
    let (_, next) = start(&later, "Another question", "chat-later").await;
    assert_ne!(next["ticket"]["id"], ticket);
    app.stop().await;
}

/// Many at once asking whether a chat can start, and reading the floor (each reads the floor
/// and the chat weight): all answered at once — none waits for a second pooled connection
/// while holding one (found by the browser tests: the pool ran dry and calls hung until their
/// time ran out).
async fn many_at_once_ask_for_a_chat_and_the_floor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, _, _) = desk(&app).await;
    let asks = (0..40).map(|n| {
        let (who, endpoint) = if n % 2 == 0 {
            (&client, "chat/availability")
        } else {
            (&admin, "assignment/floor")
        };
        who.call(endpoint, json!({}))
    });
    // A pool starved by its own callers answers 503 once its wait runs out: every one is 200.
    let answers = futures_util::future::join_all(asks).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
    }
    app.stop().await;
}

on_both_databases!(
    many_at_once_ask_for_a_chat_and_the_floor,
    a_chat_is_talked_through_live_and_stays_on_its_ticket,
    a_chat_reaches_only_its_own_people,
    a_chat_weighs_in_the_load_and_moves_between_operators,
);
