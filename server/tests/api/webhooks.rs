//! Webhooks, on both databases, against a real HTTP receiver (`common::receiver`): what may be
//! registered (no internal address unless allowed), deliveries signed as documented and
//! carrying the event, a receiver that was down getting them once it is up, each attempt kept
//! and a delivery sent again; a receiver that keeps failing paused with the admins told, and
//! resumed; a process killed between the commit and the post delivering after its restart.

use crate::common::receiver::{Got, Receiver};
use crate::common::{
    assign, code, fresh_database, open_ticket, post_ok, test_config, Backend, Browser, DbGuard,
    Process, TestApp, ADMIN_PASSWORD, USER_PASSWORD,
};
use app::server::webhooks::outbox::{deliver_due, PAUSE_AFTER};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

async fn register(
    admin: &Browser,
    url: &str,
    topics: &[&str],
    allow_private: bool,
) -> (u16, Value) {
    admin
        .call(
            "webhooks/create",
            json!({"input": {"url": url, "topics": topics, "allow_private": allow_private}}),
        )
        .await
}

async fn hooks(admin: &Browser) -> Value {
    let (status, body) = admin.call("webhooks/list", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn deliveries(admin: &Browser, hook: i64) -> Value {
    let (status, body) = admin.call("webhooks/deliveries", json!({"id": hook})).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Checks a delivery's signature as a receiver would: HMAC-SHA256 with the secret over
/// `<t>.<body>`, in the `Salter-Signature` header as `t=<t>,v1=<hex>`.
fn signed_with(got: &Got, secret: &str) -> bool {
    let header = got.header("salter-signature");
    let Some((t, v1)) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", got.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

async fn only_allowed_receivers_are_registered(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    // This machine, private networks and the cloud's metadata address: refused unless allowed.
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.20/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0:9/hook",
    ] {
        let (status, body) = register(&admin, url, &["ticket.created"], false).await;
        assert_eq!(
            (
                status,
                code(&body),
                body["field"].as_str(),
                body["problem"].as_str()
            ),
            (422, "invalid", Some("webhook_url"), Some("internal")),
            "{url}: {body}"
        );
    }
    for (url, topics, field) in [
        (
            "ftp://hooks.example.com/",
            &["ticket.created"][..],
            "webhook_url",
        ),
        (
            "https://user:pw@hooks.example.com/",
            &["ticket.created"][..],
            "webhook_url",
        ),
        ("not a url", &["ticket.created"][..], "webhook_url"),
        ("http://93.184.216.34/hook", &[][..], "topics"),
    ] {
        let (status, body) = register(&admin, url, topics, false).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{url}: {body}"
        );
    }
    assert_eq!(hooks(&admin).await, json!([]), "nothing was made");
    // A public address needs nothing; an internal one the admin allowed is taken.
    let (status, body) = register(
        &admin,
        "http://93.184.216.34/hook",
        &["ticket.created"],
        false,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["secret"].as_str().unwrap().starts_with("whsec_"));
    let (status, body) =
        register(&admin, "http://127.0.0.1:9/hook", &["ticket.created"], true).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["webhook"]["allow_private"], true);
    let listed = hooks(&admin).await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    // The secret is never shown again.
    assert!(!listed.to_string().contains("whsec_"));
    // Only admins.
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let (status, _) = operator.call("webhooks/list", json!({})).await;
    assert_eq!(status, 403);
    app.stop().await;
}

async fn deliveries_are_signed_and_reach_a_receiver_that_was_down(backend: Backend) {
    let receiver = Receiver::not_yet();
    let app = TestApp::spawn(backend).await;
    app.state.clock.pin_ms(app.state.clock.now_ms());
    let admin = app.admin().await;
    let (status, body) = register(
        &admin,
        &receiver.url(),
        &["ticket.created", "ticket.message"],
        true,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let hook = body["webhook"]["id"].as_i64().unwrap();
    let secret = body["secret"].as_str().unwrap().to_string();
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let id = open_ticket(&client, "Printer jams", "hook-0001").await;

    // The receiver is down: the attempt is kept with its error, and the delivery waits.
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0);
    let listed = deliveries(&admin, hook).await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    let delivery = &listed[0];
    assert_eq!(delivery["topic"], "ticket.created");
    assert_eq!(delivery["delivered_at"], Value::Null);
    assert_eq!(delivery["attempts"][0]["status"], Value::Null);
    assert!(!delivery["attempts"][0]["error"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(hooks(&admin).await[0]["failing"], 1);

    // Up again: tried after its backoff, not before, and delivered once.
    receiver.resume().await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0, "backoff");
    app.state.clock.advance_ms(30_000);
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].header("salter-event"), "ticket.created");
    assert_eq!(got[0].header("content-type"), "application/json");
    assert!(signed_with(&got[0], &secret), "{:?}", got[0].headers);
    assert!(!signed_with(&got[0], "whsec_someone-else"));
    let sent = got[0].json();
    assert_eq!(sent["topic"], "ticket.created");
    assert_eq!(sent["ticket"]["id"], id);
    assert_eq!(sent["ticket"]["reference"], format!("T-{id:06}"));
    assert_eq!(sent["ticket"]["subject"], "Printer jams");
    assert_eq!(sent["ticket"]["status"], "open");
    assert!(sent["at"].as_str().unwrap().ends_with('Z'), "{sent}");
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0, "once");
    let listed = deliveries(&admin, hook).await;
    let attempts = listed[0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0]["status"], 200, "newest first");
    assert!(listed[0]["delivered_at"].is_i64());
    assert_eq!(hooks(&admin).await[0]["failing"], 0);

    // A message is heard of, with its text; a note is not (not chosen).
    assign(&admin, id, operator.id().await).await;
    post_ok(&operator, id, "Internal: check the toner.", true).await;
    post_ok(&operator, id, "Which printer is it?", false).await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    let got = receiver.wait_for(2).await;
    let message = got[1].json();
    assert_eq!(message["topic"], "ticket.message");
    assert_eq!(message["change"]["message"]["body"], "Which printer is it?");
    assert!(!got[1].body.contains("toner"));

    // Sent again by the admin: the same event (its id), once more.
    let first = listed[0]["id"].as_i64().unwrap();
    let (status, body) = admin
        .call("webhooks/redeliver", json!({"delivery_id": first}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].json()["id"], sent["id"]);
    assert_eq!(got[2].body, got[0].body);
    let (status, body) = admin
        .call("webhooks/redeliver", json!({"delivery_id": 999_999}))
        .await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    app.stop().await;
}

async fn a_receiver_that_keeps_failing_is_paused_and_the_admins_told(backend: Backend) {
    let receiver = Receiver::start().await;
    receiver.answer_with(500);
    let app = TestApp::spawn(backend).await;
    app.state.clock.pin_ms(app.state.clock.now_ms());
    let admin = app.admin().await;
    let (status, body) = admin
        .call(
            "mail/set_choices",
            json!({"input": {"email": "boss@support.example", "off": []}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = register(&admin, &receiver.url(), &["ticket.created"], true).await;
    assert_eq!(status, 200, "{body}");
    let hook = body["webhook"]["id"].as_i64().unwrap();
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    open_ticket(&client, "Printer jams", "fail-0001").await;
    for _ in 0..PAUSE_AFTER {
        assert_eq!(deliver_due(&app.state).await.unwrap(), 0);
        app.state.clock.advance_ms(3_600_000);
    }
    assert_eq!(receiver.got().len(), PAUSE_AFTER as usize);
    // (The day ended the admin's session.)
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let listed = deliveries(&admin, hook).await;
    assert_eq!(listed[0]["attempts"][0]["status"], 500);
    let state = &hooks(&admin).await[0];
    assert!(state["paused_at"].is_i64(), "{state}");
    assert_eq!(state["paused_by_failures"], true);
    assert_eq!(state["waiting"], 1);
    // The admin is told by e-mail (waiting in the outbox: no server is set here).
    let outbox = app::server::mail::outbox::state_of(&app.state)
        .await
        .unwrap();
    assert_eq!(outbox.waiting, 1);

    // Paused, nothing is posted, even when due.
    receiver.answer_with(200);
    app.state.clock.advance_ms(3_600_000);
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0);
    // Resumed: what waited goes at once.
    let (status, body) = admin
        .call("webhooks/set_paused", json!({"id": hook, "paused": false}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["paused_at"], Value::Null);
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    assert_eq!(hooks(&admin).await[0]["failing"], 0);
    // Deleted, with its deliveries.
    let (status, _) = admin.call("webhooks/delete", json!({"id": hook})).await;
    assert_eq!(status, 200);
    assert_eq!(hooks(&admin).await, json!([]));
    app.stop().await;
}

/// The server process is killed after it acknowledged a change and before it posted the
/// delivery the change made (the webhook was paused, so the delivery waited untouched — as it
/// does in the moment between the commit and the sender taking it); started again and the
/// webhook resumed, it posts it, once.
async fn a_process_killed_before_posting_delivers_after_its_restart(backend: Backend) {
    let receiver = Receiver::start().await;
    let (url, _guard) = fresh_database(backend).await;
    let files = tempfile::tempdir().expect("files directory");
    let (username, hook) = {
        let app = TestApp::spawn_on(&url, DbGuard::Kept, test_config()).await;
        let admin = app.admin().await;
        let (_, username) = app.user(&admin, "Lejla Hasić", "client").await;
        let (status, body) = register(&admin, &receiver.url(), &["ticket.created"], true).await;
        assert_eq!(status, 200, "{body}");
        let hook = body["webhook"]["id"].as_i64().unwrap();
        let (status, _) = admin
            .call("webhooks/set_paused", json!({"id": hook, "paused": true}))
            .await;
        assert_eq!(status, 200);
        app.stop().await;
        (username, hook)
    };
    let server = Process::start_with(&url, files.path(), &[]);
    let client = Browser::new(&server.base);
    client.sign_in_ok(&username, USER_PASSWORD, "client").await;
    let id = open_ticket(&client, "Printer jams", "kill-0001").await;
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .expect("kill");
    assert!(receiver.got().is_empty());

    let server = Process::start_with(&url, files.path(), &[]);
    let admin = Browser::new(&server.base);
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let (status, _) = admin
        .call("webhooks/set_paused", json!({"id": hook, "paused": false}))
        .await;
    assert_eq!(status, 200);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["ticket"]["id"], id);
    // A while later still once.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(receiver.got().len(), 1);
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .expect("kill");
}

on_both_databases!(
    only_allowed_receivers_are_registered,
    deliveries_are_signed_and_reach_a_receiver_that_was_down,
    a_receiver_that_keeps_failing_is_paused_and_the_admins_told,
    a_process_killed_before_posting_delivers_after_its_restart,
);
