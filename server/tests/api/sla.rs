//! Service levels, on both databases, with a pinned clock walking a ticket through working
//! hours, a holiday, a weekend and a return to the client: the admin's policies and working
//! week (and what is refused), the clocks staff see on the ticket and in the queue — due at the
//! computed moments, standing still while the client has the ticket — and none for clients.

use crate::common::{assign, code, step_ok, test_config, Backend, Browser, TestApp};
use app::server::sla::watch::check;
use serde_json::{json, Value};

const MIN: i64 = 60_000;

async fn set_levels(admin: &Browser, levels: Value) -> (u16, Value) {
    admin
        .call("sla/set_levels", json!({ "input": levels }))
        .await
}

fn levels() -> Value {
    let week: Vec<Value> = (1..=5)
        .map(|d| json!({"weekday": d, "start_minute": 480, "end_minute": 960}))
        .collect();
    json!({
        "policies": [
            {"priority": "high", "category_id": null, "first_response_minutes": 120,
             "next_response_minutes": 60, "resolution_minutes": 480, "business_hours": true},
            {"priority": "normal", "category_id": null, "first_response_minutes": 60,
             "next_response_minutes": null, "resolution_minutes": 1440, "business_hours": false}
        ],
        "hours": week,
        "holidays": ["2027-01-01"],
        "warn_percent": 75
    })
}

async fn open(client: &Browser, subject: &str, priority: &str) -> i64 {
    let (status, body) = client
        .call(
            "tickets/create",
            json!({"input": {"subject": subject, "description": "Details.", "category_id": null,
                "priority": priority, "earlier_ticket_id": null, "idempotency_key": subject}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["ticket"]["id"].as_i64().unwrap()
}

/// The clock of `target` on ticket `id` as `who` sees it.
async fn clock(who: &Browser, id: i64, target: &str) -> Value {
    let (status, body) = who.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(status, 200, "{body}");
    body["sla"]
        .as_array()
        .unwrap_or_else(|| panic!("no clocks: {body}"))
        .iter()
        .find(|c| c["target"] == target)
        .unwrap_or_else(|| panic!("no {target} clock: {}", body["sla"]))
        .clone()
}

/// The service-level events in a ticket's history, as staff read them: what and when.
async fn alerts(staff: &Browser, id: i64) -> Vec<(Value, i64)> {
    let (_, body) = staff.call("tickets/view", json!({"ticket_id": id})).await;
    body["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| Some((e["what"].get("sla")?.clone(), e["at"].as_i64()?)))
        .collect()
}

async fn clocks_run_in_working_hours_and_stand_still_with_the_client(backend: Backend) {
    let zone = jiff::tz::TimeZone::get("Europe/Sarajevo").unwrap();
    let mut config = test_config();
    config.time_zone = zone.clone();
    // The walk spans days: sessions outlive it.
    config.session_idle_ms = 400 * 24 * 60 * MIN;
    config.session_absolute_ms = 400 * 24 * 60 * MIN;
    let app = TestApp::spawn_with(backend, config).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, _) = app
        .user_with(
            &admin,
            "Đorđe Šarić",
            "operator",
            Some("djordje@support.example"),
        )
        .await;
    let operator_id = operator.id().await;
    let at = |text: &str| {
        let zoned: jiff::Zoned = format!("{text}[Europe/Sarajevo]").parse().unwrap();
        zoned.timestamp().as_millisecond()
    };
    let clock_at = |text: &str| app.state.clock.pin_ms(at(text));

    // What is refused changes nothing.
    let mut twice = levels();
    let first = twice["policies"][0].clone();
    twice["policies"].as_array_mut().unwrap().push(first);
    let (status, body) = set_levels(&admin, twice).await;
    assert_eq!(
        (status, code(&body), &body["field"]),
        (422, "invalid", &json!("sla_policy"))
    );
    assert_eq!(body["problem"], "taken", "{body}");
    let mut zero = levels();
    zero["policies"][0]["first_response_minutes"] = json!(0);
    assert_eq!(set_levels(&admin, zero).await.0, 422);
    let mut bad_day = levels();
    bad_day["holidays"] = json!(["31.12.2026"]);
    let (status, body) = set_levels(&admin, bad_day).await;
    assert_eq!((status, &body["field"]), (422, &json!("holidays")));
    let (_, now) = admin.call("sla/levels", json!({})).await;
    assert_eq!(now["policies"], json!([]));
    assert_eq!(now["warn_percent"], 75, "the default");
    let (status, body) = set_levels(&admin, levels()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["policies"].as_array().unwrap().len(), 2);
    let (status, _) = operator.call("sla/levels", json!({})).await;
    assert_eq!(status, 403);

    // Thursday 31 December, 14:00: two working hours left that day; Friday is a holiday.
    clock_at("2026-12-31T14:00");
    let id = open(&client, "The VPN drops", "high").await;
    assign(&admin, id, operator_id).await;
    let first = clock(&operator, id, "first_response").await;
    assert_eq!(first["state"], "running");
    assert_eq!(first["due_at"], at("2026-12-31T16:00"));
    // 8 working hours: 2 on Thursday, none on the holiday or the weekend, 6 on Monday.
    let resolution = clock(&operator, id, "resolution").await;
    assert_eq!(resolution["due_at"], at("2027-01-04T14:00"));
    // Clients do not see the clocks.
    let (_, seen) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert!(seen.get("sla").is_none(), "{seen}");

    // 75 % of the first response's two hours is used at 15:30: the warning is noted then, not a
    // millisecond earlier, and once; the operator is told by e-mail.
    clock_at("2026-12-31T15:00");
    step_ok(&operator, id, "start", None).await;
    app.state.clock.pin_ms(at("2026-12-31T15:30") - 1);
    assert_eq!(check(&app.state).await.unwrap(), 0);
    clock_at("2026-12-31T15:30");
    assert_eq!(check(&app.state).await.unwrap(), 1);
    assert_eq!(check(&app.state).await.unwrap(), 0, "once");
    assert_eq!(
        alerts(&operator, id).await,
        [(
            json!({"target": "first_response", "breached": false}),
            at("2026-12-31T15:30")
        )]
    );
    let told: Vec<String> = sqlx::query_scalar("SELECT notice FROM outbox WHERE address = $1")
        .bind("djordje@support.example")
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
    assert!(told.contains(&"sla_warning".to_string()), "{told:?}");

    // 15:45: the operator answers and returns the ticket: first response met, the rest waits.
    clock_at("2026-12-31T15:45");
    step_ok(&operator, id, "return_to_client", Some("Which VPN client?")).await;
    clock_at("2027-01-04T09:00");
    assert_eq!(clock(&operator, id, "first_response").await["state"], "met");
    let paused = clock(&operator, id, "resolution").await;
    assert_eq!(paused["state"], "paused");
    assert_eq!(paused["left_ms"], 375 * MIN, "6¼ of 8 hours left");

    // Monday 10:00 the client answers: back in progress, the resolution clock runs again (6
    // hours on Monday, a quarter of an hour on Tuesday) and the next response is due within the
    // hour.
    clock_at("2027-01-04T10:00");
    let (status, body) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": "The built-in one.", "internal": false}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        clock(&operator, id, "resolution").await["due_at"],
        at("2027-01-05T08:15")
    );
    assert_eq!(
        clock(&operator, id, "next_response").await["due_at"],
        at("2027-01-04T11:00")
    );

    // 11:30: the next response is half an hour overdue; the watcher, late, notes its warning
    // (10:45) and its breach (11:00) at their moments; the queue shows it as the most urgent.
    clock_at("2027-01-04T11:30");
    assert_eq!(check(&app.state).await.unwrap(), 2);
    let noted = alerts(&operator, id).await;
    assert_eq!(
        noted[1..],
        [
            (
                json!({"target": "next_response", "breached": false}),
                at("2027-01-04T10:45")
            ),
            (
                json!({"target": "next_response", "breached": true}),
                at("2027-01-04T11:00")
            ),
        ]
    );
    // The operator's duty counts the ticket as overdue (the console's alert).
    let (_, duty) = operator.call("assignment/my_duty", json!({})).await;
    assert_eq!(
        (duty["overdue"].as_i64(), duty["near"].as_i64()),
        (Some(1), Some(0)),
        "{duty}"
    );
    // The statistics count the miss against the policy and the operator.
    let period = json!({"period": {"custom": {"from": "2026-12-31", "to": "2027-01-04"}},
        "bucket": "day"});
    let (status, met) = admin.call("stats/sla", json!({ "query": period })).await;
    assert_eq!(status, 200, "{met}");
    assert_eq!(
        met["policies"],
        json!([{"priority": "high", "category": null, "operator": null, "tickets": 1,
            "missed": [0, 1, 0]}])
    );
    assert_eq!(
        (
            &met["operators"][0]["operator"],
            &met["operators"][0]["missed"]
        ),
        (&json!("Đorđe Šarić"), &json!([0, 1, 0]))
    );
    // Clients never see them.
    let (_, seen) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert!(
        !seen["history"].to_string().contains("sla"),
        "{}",
        seen["history"]
    );
    let late = clock(&operator, id, "next_response").await;
    assert_eq!(
        (late["state"].as_str(), late["left_ms"].as_i64()),
        (Some("running"), Some(-30 * MIN))
    );
    let (_, queue) = operator
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    let row = &queue["tickets"][0];
    assert_eq!(
        (row["id"].as_i64(), &row["sla"]["target"]),
        (Some(id), &json!("next_response"))
    );
    assert_eq!(row["sla"]["left_ms"], -30 * MIN);
    let (_, mine) = client
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    assert!(mine["tickets"][0].get("sla").is_none());

    // A normal ticket counts calendar hours: opened on Saturday noon, answered by 13:00.
    clock_at("2027-01-02T12:00");
    let weekend = open(&client, "Saturday question", "normal").await;
    assert_eq!(
        clock(&admin, weekend, "first_response").await["due_at"],
        at("2027-01-02T13:00")
    );
    // No policy for low priority: no clocks.
    let low = open(&client, "Whenever", "low").await;
    let (_, body) = admin.call("tickets/view", json!({"ticket_id": low})).await;
    assert!(body.get("sla").is_none(), "{body}");
    app.stop().await;
}

on_both_databases!(clocks_run_in_working_hours_and_stand_still_with_the_client);
