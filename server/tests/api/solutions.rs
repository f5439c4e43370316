//! Closing with the client's agreement — on both databases: an operator proposes a solution;
//! its client confirms it (closed), says it is not solved (in progress, same operator), or says
//! nothing until it closes by itself after the set days (a test clock); each is a history row,
//! and the statistics count these closings apart.

use crate::common::{
    assign, code, desk, open_ticket, step, step_ok, Backend, Browser, TestApp, ADMIN_PASSWORD,
    USER_PASSWORD,
};
use app::server::tickets;
use serde_json::{json, Value};

const DAY: i64 = 24 * 3_600_000;

/// The last status row of a ticket's history: (from, to, via).
fn last_move(detail: &Value) -> (Value, Value, Value) {
    let e = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find_map(|e| e["what"].get("status"))
        .expect("a status row");
    (e["from"].clone(), e["to"].clone(), e["via"].clone())
}

async fn view(b: &Browser, id: i64) -> Value {
    let (status, body) = b.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// A ticket of the client's, in progress with the operator, with a proposed solution.
async fn proposed(app: &TestApp, who: (&Browser, &Browser, &Browser, i64), key: &str) -> i64 {
    let (admin, client, operator, operator_id) = who;
    let id = open_ticket(client, "Printer jams", key).await;
    assign(admin, id, operator_id).await;
    step_ok(operator, id, "start", None).await;
    let body = step_ok(operator, id, "propose", Some("Replaced the roller.")).await;
    assert_eq!(body["ticket"]["status"], "returned_to_client");
    assert_eq!(last_move(&body).2, "proposal");
    let now = app.state.clock.now_ms();
    assert_eq!(
        body["proposed_until"],
        json!(now + 7 * DAY),
        "a week by default"
    );
    id
}

async fn a_proposed_solution_is_confirmed_rejected_or_closes_by_itself(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Time stands still but for the test's own steps.
    app.state.clock.pin_ms(app.state.clock.now_ms());
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other, _) = app.user(&admin, "Other Client", "client").await;
    let who = (&admin, &client, &operator, operator_id);

    // Confirmed: only the ticket's client, only now, and then it is closed.
    let a = proposed(&app, who, "sol-0001").await;
    let seen = view(&client, a).await;
    assert_eq!(seen["moves"], json!(["confirm", "reject"]));
    assert_eq!(view(&operator, a).await["moves"], json!(["start", "close"]));
    let (status, _) = step(&other, a, "confirm", None).await;
    assert_eq!(status, 404);
    let (status, body) = step(&operator, a, "confirm", None).await;
    assert_eq!((status, code(&body)), (409, "move_not_allowed"));
    let (status, body) = step(&client, a, "close", None).await;
    assert_eq!(
        (status, code(&body)),
        (409, "move_not_allowed"),
        "a proposal is confirmed, not closed around"
    );
    let body = step_ok(&client, a, "confirm", None).await;
    assert_eq!(body["ticket"]["status"], "closed");
    assert_eq!(body["proposed_until"], Value::Null);
    assert_eq!(
        last_move(&body),
        (
            json!("returned_to_client"),
            json!("closed"),
            json!("confirmed")
        )
    );
    let (status, _) = step(&client, a, "confirm", None).await;
    assert_eq!(status, 409, "once");

    // Not solved, said in the message box: back to the same operator, in progress, with the
    // client's words in the thread; the operator may propose again.
    let b = proposed(&app, who, "sol-0002").await;
    let (status, body) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": b, "body": "Still jams on A3 paper.", "internal": false}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ticket"]["status"], "in_progress");
    assert_eq!(body["ticket"]["operator_name"], "Đorđe Šarić");
    assert_eq!(last_move(&body).2, "not_solved");
    let thread = body["messages"].as_array().unwrap();
    assert_eq!(thread.last().unwrap()["body"], "Still jams on A3 paper.");
    // Not solved needs the words.
    step_ok(&operator, b, "propose", Some("The A3 tray is fixed too.")).await;
    let (status, body) = step(&client, b, "reject", Some("  ")).await;
    assert_eq!((status, code(&body)), (422, "invalid"));
    let body = step_ok(&client, b, "reject", Some("No, still.")).await;
    assert_eq!(body["ticket"]["status"], "in_progress");

    // Silence: the proposal closes by itself when its days are over, not a minute before; one
    // the operator took back to work waits for nobody.
    let c = proposed(&app, who, "sol-0003").await;
    let d = proposed(&app, who, "sol-0004").await;
    step_ok(&operator, d, "start", None).await;
    app.state.clock.advance_ms(7 * DAY - 60_000);
    assert_eq!(tickets::lapse(&app.state).await.unwrap(), 0);
    app.state.clock.advance_ms(2 * 60_000);
    assert_eq!(tickets::lapse(&app.state).await.unwrap(), 1);
    assert_eq!(tickets::lapse(&app.state).await.unwrap(), 0, "once");
    // Everyone signs in again: the days ended every session.
    let admin = app.browser();
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let client = app.browser();
    client
        .sign_in_ok("ana.kovac", USER_PASSWORD, "client")
        .await;
    let closed = view(&admin, c).await;
    assert_eq!(closed["ticket"]["status"], "closed");
    assert_eq!(
        last_move(&closed),
        (
            json!("returned_to_client"),
            json!("closed"),
            json!("silence")
        )
    );
    let by = closed["history"].as_array().unwrap().last().unwrap();
    assert_eq!(by["actor_name"], Value::Null, "by the system");
    assert_eq!(view(&admin, d).await["ticket"]["status"], "in_progress");
    // The client may still rate it, and reopen it.
    let (status, body) = client
        .call(
            "satisfaction/rate",
            json!({"input": {"ticket_id": c, "good": true, "comment": null}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The admin sets the days: a proposal then waits that long; a bad value changes nothing.
    let (status, body) = admin
        .call(
            "settings/set_ticket_settings",
            json!({"input": {"forced_reasons_to_clients": false, "solution_days": 0}}),
        )
        .await;
    assert_eq!(
        (status, code(&body), &body["field"]),
        (422, "invalid", &json!("solution_days"))
    );
    let (status, body) = admin
        .call(
            "settings/set_ticket_settings",
            json!({"input": {"forced_reasons_to_clients": false, "solution_days": 2}}),
        )
        .await;
    assert_eq!((status, &body["solution_days"]), (200, &json!(2)), "{body}");
    let username: String = sqlx::query_scalar("SELECT username FROM users WHERE id = $1")
        .bind(operator_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let operator = app.browser();
    operator
        .sign_in_ok(&username, USER_PASSWORD, "operator")
        .await;
    let body = step_ok(&operator, d, "propose", Some("Now for real.")).await;
    assert_eq!(
        body["proposed_until"],
        json!(app.state.clock.now_ms() + 2 * DAY)
    );
    app.state.clock.advance_ms(2 * DAY + 1);
    assert_eq!(tickets::lapse(&app.state).await.unwrap(), 1);

    // Statistics count the closings apart: A confirmed, C and D closed unanswered.
    let admin = app.browser();
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let (status, stats) = admin
        .call(
            "stats/report",
            json!({"query": {"period": "last30_days", "bucket": "day"}}),
        )
        .await;
    assert_eq!(status, 200, "{stats}");
    let totals = &stats["totals"];
    assert_eq!(
        (&totals["closed"], &totals["confirmed"], &totals["lapsed"]),
        (&json!(3), &json!(1), &json!(2)),
        "{totals}"
    );
    let mine = &stats["by_operator"][0]["figures"];
    assert_eq!(
        (&mine["confirmed"], &mine["lapsed"]),
        (&json!(1), &json!(2))
    );
    crate::stats::facts_agree_with_the_log(&app).await;
    app.stop().await;
}

on_both_databases!(a_proposed_solution_is_confirmed_rejected_or_closes_by_itself);
