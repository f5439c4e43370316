//! Voice and video calls (`app::server::calls`) on SQLite and PostgreSQL: staff ring a ticket's
//! client, the client answers, the browsers' signalling passes between the two sides only, and
//! the ticket keeps each step with the call's length; a call declined, or left ringing, is
//! missed; a side that leaves ends the call; clients call only where the admin allows it; and
//! signalling crosses processes on one PostgreSQL whole.

use crate::common::{
    assign, carried, code, desk, kind, open_ticket, two_processes, Backend, Browser, TestApp,
    TwoProcesses, ADMIN_PASSWORD, USER_PASSWORD,
};
use crate::live::{open, Socket};
use app::server::calls;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The next note a socket hears about a call (its change, or a signal), skipping the rest; the
/// call and the signal, which travel as JSON text, read.
async fn call_note(socket: &mut Socket) -> Value {
    loop {
        let mut note = socket
            .next(Duration::from_secs(5))
            .await
            .expect("a note about the call");
        if note["call"].is_null() && note["signal"].is_null() {
            continue;
        }
        for field in ["call", "signal"] {
            if let Some(text) = note[field].as_str() {
                note[field] = serde_json::from_str(text).expect("JSON");
            }
        }
        return note;
    }
}

/// Whether a socket hears nothing about any call until it has been quiet a while.
async fn hears_no_call(socket: &mut Socket) -> bool {
    socket
        .drain()
        .await
        .iter()
        .all(|n| n["call"].is_null() && n["signal"].is_null())
}

fn signal(call: i64, data: Value) -> Value {
    json!({"signal": {"call_id": call, "data": data}})
}

/// The ticket's call rows, as its client reads them: each step.
async fn call_steps(who: &Browser, ticket: i64) -> Vec<Value> {
    let view = who
        .call_ok("tickets/view", json!({"ticket_id": ticket}))
        .await;
    view["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|e| kind(e) == "call")
        .map(|e| carried(e).clone())
        .collect()
}

/// A video call from ring to hang-up: only its two sides hear of it and of each other's
/// signalling; a stranger can neither answer nor signal; the ticket keeps the steps and the
/// length.
async fn a_call_rings_is_answered_and_ends_on_the_ticket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (stranger, _) = app.user(&admin, "Mirza Delić", "client").await;
    let ticket = open_ticket(&client, "The screen stays black", "call-1").await;
    assign(&admin, ticket, operator_id).await;
    let mut client_ws = open(&client, None).await;
    client_ws.hello().await;
    let mut operator_ws = open(&operator, None).await;
    operator_ws.hello().await;
    let mut stranger_ws = open(&stranger, None).await;
    stranger_ws.hello().await;

    // The call's length is the clock's: it moves only when told.
    app.state.clock.pin_ms(app.state.clock.now_ms());
    let rang = operator
        .call_ok(
            "call/ring",
            json!({"input": {"ticket_id": ticket, "video": true}}),
        )
        .await;
    let id = rang["id"].as_i64().expect("the call's id");
    assert_eq!(
        (&rang["with"], &rang["calling"], &rang["video"]),
        (&json!("Ana Kovač"), &json!(true), &json!(true)),
        "{rang}"
    );
    operator_ws.say_json(json!({"viewing": ticket, "typing": false, "call": id}));
    assert_eq!(call_note(&mut operator_ws).await["call"]["id"], id);
    // The client's portal rings, wherever it is.
    let ringing = call_note(&mut client_ws).await;
    assert_eq!(ringing["call"]["id"], id, "{ringing}");
    assert_eq!(ringing["call"]["with"], "Đorđe Šarić");
    assert_eq!(ringing["call"]["calling"], false);
    assert!(ringing["call"]["answered_at"].is_null());
    let current = client.call_ok("call/current", json!({})).await;
    assert_eq!(current.as_array().map(Vec::len), Some(1), "{current}");
    // One call at a time on a ticket.
    let (status, busy) = admin
        .call(
            "call/ring",
            json!({"input": {"ticket_id": ticket, "video": false}}),
        )
        .await;
    assert_eq!((status, code(&busy)), (409, "call_under_way"), "{busy}");
    // A stranger cannot take it, nor say anything into it; the caller cannot answer it.
    let (status, refused) = stranger.call("call/answer", json!({"call_id": id})).await;
    assert_eq!((status, code(&refused)), (404, "not_found"), "{refused}");
    stranger_ws.up(signal(
        id,
        json!({"description": {"offer": true, "sdp": "v=0 stranger"}}),
    ));
    let (status, _) = operator.call("call/answer", json!({"call_id": id})).await;
    assert_eq!(status, 409);
    assert!(hears_no_call(&mut stranger_ws).await);

    let answered = client.call_ok("call/answer", json!({"call_id": id})).await;
    assert!(answered["answered_at"].is_i64(), "{answered}");
    client_ws.say_json(json!({"viewing": null, "typing": false, "call": id}));
    assert!(call_note(&mut client_ws).await["call"]["answered_at"].is_i64());
    let heard = call_note(&mut operator_ws).await;
    assert!(heard["call"]["answered_at"].is_i64(), "{heard}");
    // The browsers' signalling reaches the other side only, whole.
    let offer =
        json!({"description": {"offer": true, "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"}});
    operator_ws.up(signal(id, offer.clone()));
    let got = call_note(&mut client_ws).await;
    assert_eq!(got["signal"], json!({"call_id": id, "data": offer}));
    let candidate = json!({"candidate": {"candidate": "candidate:1 1 udp 2122260223 192.168.1.5 50000 typ host", "sdp_mid": "0", "sdp_m_line_index": 0}});
    client_ws.up(signal(id, candidate.clone()));
    let got = call_note(&mut operator_ws).await;
    assert_eq!(got["signal"]["data"], candidate);
    assert!(
        hears_no_call(&mut client_ws).await,
        "nobody hears themselves"
    );
    assert!(hears_no_call(&mut stranger_ws).await);

    app.state.clock.advance_ms(125_000);
    let ended = operator.call_ok("call/end", json!({"call_id": id})).await;
    assert!(ended["ended_at"].is_i64(), "{ended}");
    let heard = call_note(&mut client_ws).await;
    assert!(heard["call"]["ended_at"].is_i64(), "{heard}");
    // Ended: nothing more passes.
    operator_ws.up(signal(id, offer));
    assert!(hears_no_call(&mut client_ws).await);
    assert_eq!(client.call_ok("call/current", json!({})).await, json!([]));
    assert_eq!(
        call_steps(&client, ticket).await,
        [
            json!({"step": "rang", "video": true}),
            json!({"step": "answered", "video": true}),
            json!({"step": {"ended": {"seconds": 125}}, "video": true}),
        ]
    );
    app.stop().await;
}

/// A call declined, or left ringing, is missed; one a side left ends; clients call only where
/// the admin allows it, and the admin's STUN/TURN servers reach the browsers.
async fn calls_are_missed_left_and_allowed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let ticket = open_ticket(&client, "No sound", "call-2").await;
    // Nobody holds it, and clients may not call yet.
    let ring = json!({"input": {"ticket_id": ticket, "video": false}});
    let (status, refused) = client.call("call/ring", ring.clone()).await;
    assert_eq!((status, code(&refused)), (403, "calls_off"), "{refused}");
    assign(&admin, ticket, operator_id).await;

    // Declined: missed, by the one who declined.
    let id = operator.call_ok("call/ring", ring.clone()).await["id"].clone();
    client.call_ok("call/end", json!({"call_id": id})).await;
    let steps = call_steps(&operator, ticket).await;
    assert_eq!(
        steps.last(),
        Some(&json!({"step": "missed", "video": false}))
    );

    // The admin's servers: a bad line changes nothing; good ones reach every browser.
    let set = |servers: &str, may: bool| json!({"input": {"ice_servers": servers, "clients_may_call": may}});
    let (status, bad) = admin
        .call("call/set_settings", set("turn:turn.example.org:3478", true))
        .await;
    assert_eq!((status, code(&bad)), (422, "invalid"), "{bad}");
    assert_eq!(bad["field"], "ice_servers");
    let setup = client.call_ok("call/setup", json!({})).await;
    assert_eq!(setup, json!({"ice_servers": [], "clients_may_call": false}));
    let servers = "stun:stun.example.org:3478\nturn:turn.example.org:3478 desk s3cret";
    admin.call_ok("call/set_settings", set(servers, true)).await;
    let setup = client.call_ok("call/setup", json!({})).await;
    assert_eq!(setup["clients_may_call"], true);
    assert_eq!(
        setup["ice_servers"][1],
        json!({"url": "turn:turn.example.org:3478", "username": "desk", "credential": "s3cret"})
    );

    // The client calls; nobody answers in time: missed, by the system.
    let id = client.call_ok("call/ring", ring.clone()).await["id"]
        .as_i64()
        .unwrap();
    let client_ws = open(&client, None).await;
    client_ws.say_json(json!({"viewing": ticket, "typing": false, "call": id}));
    let mut gone = HashMap::new();
    let there = |id, user| app.state.presence.in_call(id, user);
    let client_id = client.id().await;
    wait_until(|| there(id, client_id)).await;
    assert_eq!(
        calls::sweep(&app.state, &mut gone, Instant::now())
            .await
            .unwrap(),
        0
    );
    app.state.clock.advance_ms(calls::RING.as_millis() as i64);
    assert_eq!(
        calls::sweep(&app.state, &mut gone, Instant::now())
            .await
            .unwrap(),
        1
    );
    let steps = call_steps(&client, ticket).await;
    assert_eq!(
        steps.last(),
        Some(&json!({"step": "missed", "video": false}))
    );

    // Answered, then the operator's tab closes: once gone long enough, the call ends.
    let id = client.call_ok("call/ring", ring).await["id"]
        .as_i64()
        .unwrap();
    client_ws.say_json(json!({"viewing": ticket, "typing": false, "call": id}));
    operator
        .call_ok("call/answer", json!({"call_id": id}))
        .await;
    let operator_ws = open(&operator, None).await;
    operator_ws.say_json(json!({"viewing": ticket, "typing": false, "call": id}));
    wait_until(|| there(id, operator_id)).await;
    let now = Instant::now();
    assert_eq!(calls::sweep(&app.state, &mut gone, now).await.unwrap(), 0);
    drop(operator_ws);
    wait_until(|| !there(id, operator_id)).await;
    assert_eq!(calls::sweep(&app.state, &mut gone, now).await.unwrap(), 0);
    assert_eq!(
        calls::sweep(&app.state, &mut gone, now + calls::GONE)
            .await
            .unwrap(),
        1
    );
    let steps = call_steps(&client, ticket).await;
    assert!(
        matches!(steps.last(), Some(s) if s["step"]["ended"].is_object()),
        "{steps:?}"
    );
    app.stop().await;
}

/// Waits (a few seconds at most) for what a socket said to be heard.
async fn wait_until(holds: impl Fn() -> bool) {
    for _ in 0..100 {
        if holds() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not heard in time");
}

on_both_databases!(
    a_call_rings_is_answered_and_ends_on_the_ticket,
    calls_are_missed_left_and_allowed,
);

/// Two processes on one PostgreSQL: the admin on one calls a client on the other, and a
/// session description longer than NOTIFY takes arrives whole.
#[tokio::test]
async fn signalling_crosses_processes_whole() {
    let TwoProcesses { a, b, client, .. } = &two_processes().await;
    let on_a = Browser::new(&a.base);
    on_a.sign_in_ok(client, USER_PASSWORD, "client").await;
    let client = on_a;
    let ticket = open_ticket(&client, "Through A", "call-3").await;
    let mut client_ws = open(&client, None).await;
    client_ws.hello().await;
    let admin = Browser::new(&b.base);
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let admin_ws = open(&admin, None).await;
    let rang = admin
        .call_ok(
            "call/ring",
            json!({"input": {"ticket_id": ticket, "video": true}}),
        )
        .await;
    let id = rang["id"].as_i64().unwrap();
    assert_eq!(call_note(&mut client_ws).await["call"]["id"], id);
    client.call_ok("call/answer", json!({"call_id": id})).await;
    assert!(call_note(&mut client_ws).await["call"]["answered_at"].is_i64());
    let sdp: String = (0..400)
        .map(|i| format!("a=rtpmap:{} VP9/90000\r\n", 96 + i % 30))
        .collect();
    assert!(sdp.len() > 8_000);
    let offer = json!({"description": {"offer": true, "sdp": sdp}});
    admin_ws.up(signal(id, offer.clone()));
    let got = call_note(&mut client_ws).await;
    assert!(got["signal"]["data"] == offer, "not the offer whole");
}
