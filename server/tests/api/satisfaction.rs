//! Client satisfaction — on both databases: only the ticket's client rates, only after it
//! closed and within the window; a change replaces the rating; operators read their own.

use crate::common::{
    assign, code, desk, open_ticket, step_ok, Backend, TestApp, ADMIN_PASSWORD, USER_PASSWORD,
};
use serde_json::{json, Value};

fn rating(good: bool, comment: Option<&str>, id: i64) -> Value {
    json!({"input": {"ticket_id": id, "good": good, "comment": comment}})
}

/// The ticket's `Rated` rows as its history shows them: (good, comment).
fn rated(detail: &Value) -> Vec<(Value, Value)> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["what"].get("rated").is_some())
        .map(|e| {
            let r = &e["what"]["rated"];
            (r["good"].clone(), r["comment"].clone())
        })
        .collect()
}

async fn clients_rate_closed_tickets_once_and_may_change_their_minds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other, _) = app.user(&admin, "Other Client", "client").await;
    let id = open_ticket(&client, "Printer jams", "rate-0001").await;
    assign(&admin, id, operator_id).await;
    step_ok(&operator, id, "start", None).await;

    // Not before it is closed.
    let (status, body) = client
        .call("satisfaction/rate", rating(true, None, id))
        .await;
    assert_eq!((status, code(&body)), (409, "move_not_allowed"));
    step_ok(&operator, id, "close", Some("Replaced the roller.")).await;

    // Only its own client: staff are refused by role, another client finds no such ticket.
    for (who, expected) in [(&operator, 403), (&admin, 403), (&other, 404)] {
        let (status, _) = who.call("satisfaction/rate", rating(false, None, id)).await;
        assert_eq!(status, expected);
    }

    // One tap, then a change of mind with a comment: the newest counts; both are history.
    let (status, body) = client
        .call("satisfaction/rate", rating(false, None, id))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = client
        .call(
            "satisfaction/rate",
            rating(true, Some("  Quick and kind.  "), id),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        rated(&body),
        vec![
            (json!(false), Value::Null),
            (json!(true), json!("Quick and kind."))
        ]
    );
    let (_, seen) = operator
        .call("tickets/view", json!({"ticket_id": id}))
        .await;
    assert_eq!(
        rated(&seen).len(),
        2,
        "staff see the ratings in the history"
    );

    // The operator's own ratings count each ticket once, by its newest rating.
    let (status, mine) = operator
        .call("satisfaction/of_operator", json!({"operator_id": null}))
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!((&mine["good"], &mine["bad"]), (&json!(1), &json!(0)));
    assert_eq!(mine["recent"][0]["comment"], "Quick and kind.");
    assert_eq!(mine["recent"][0]["subject"], "Printer jams");
    let (_, theirs) = admin
        .call(
            "satisfaction/of_operator",
            json!({"operator_id": operator_id}),
        )
        .await;
    assert_eq!(theirs, mine);
    let (status, _) = client
        .call(
            "satisfaction/of_operator",
            json!({"operator_id": operator_id}),
        )
        .await;
    assert_eq!(status, 404);

    // A comment that shows nothing is no comment; one that is too long is refused.
    let (status, body) = client
        .call(
            "satisfaction/rate",
            rating(true, Some("x".repeat(2_001).as_str()), id),
        )
        .await;
    assert_eq!(
        (status, code(&body), &body["field"]),
        (422, "invalid", &json!("comment"))
    );

    // After the window, the rating stands as it was (everyone signs in again: a week ends
    // every session).
    app.state.clock.advance_ms(7 * 24 * 3_600_000 + 1);
    let client = app.browser();
    client
        .sign_in_ok("ana.kovac", USER_PASSWORD, "client")
        .await;
    let admin = app.browser();
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let (status, body) = client
        .call("satisfaction/rate", rating(false, None, id))
        .await;
    assert_eq!((status, code(&body)), (409, "rating_window_passed"));
    let (_, mine) = admin
        .call(
            "satisfaction/of_operator",
            json!({"operator_id": operator_id}),
        )
        .await;
    assert_eq!((&mine["good"], &mine["bad"]), (&json!(1), &json!(0)));
    app.stop().await;
}

on_both_databases!(clients_rate_closed_tickets_once_and_may_change_their_minds);
