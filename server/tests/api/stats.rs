//! Statistics — on both databases: a scripted two days with known times (a return to the
//! client, a reassignment, a close, a reopening after midnight in the installation's time zone,
//! ratings) gives exactly the expected figures; every ticket's facts equal a recount of its log;
//! older tickets get their facts at start.

use crate::common::{assign, code, step_ok, test_config, Backend, Browser, TestApp};
use app::server::{facts, moves, stats};
use serde_json::{json, Value};

const MIN: i64 = 60_000;

/// Every ticket's kept facts equal the fold of its log, and its copies beside them its row;
/// the moves counted per slot, with those pending, are the log's — before rolling forward, and
/// after two processes rolled forward at once.
pub async fn facts_agree_with_the_log(app: &TestApp) {
    let db = &app.state.db;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tickets ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    for id in ids {
        let kept = facts::of_ticket(db, id).await.unwrap();
        let recounted = stats::recount(db, id).await.unwrap();
        assert_eq!(kept, Some(recounted), "ticket {id}");
    }
    assert!(facts::copies_agree(db).await.unwrap());
    type Counts = std::collections::BTreeMap<(i64, String, String), i64>;
    let counted = || async {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(moves::MOVES_SQL)
            .bind(0_i64)
            .fetch_all(&db.pool)
            .await
            .unwrap();
        let mut sums = Counts::new();
        for (slot, from, to, n) in rows {
            *sums.entry((slot, from, to)).or_default() += n;
        }
        sums
    };
    let logged: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT at / 900000, COALESCE(from_value, ''), to_value, COUNT(*) FROM ticket_events \
         WHERE kind IN ('created', 'status', 'forced') \
         GROUP BY at / 900000, COALESCE(from_value, ''), to_value",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let logged: Counts = logged
        .into_iter()
        .map(|(slot, from, to, n)| ((slot, from, to), n))
        .collect();
    assert_eq!(counted().await, logged, "before rolling forward");
    let (a, b) = tokio::join!(moves::roll(db), moves::roll(db));
    a.unwrap();
    b.unwrap();
    assert_eq!(counted().await, logged, "after rolling forward");
    let behind: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pending_moves")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(behind, 0, "every move is counted");
}

async fn report(admin: &Browser, query: Value) -> Value {
    let (status, body) = admin.call("stats/report", json!({ "query": query })).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn minutes(v: &Value) -> Option<i64> {
    v.as_i64().map(|ms| ms / MIN)
}

async fn two_days_give_exactly_the_expected_figures(backend: Backend) {
    let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap();
    let mut config = test_config();
    config.time_zone = tokyo.clone();
    let app = TestApp::spawn_with(backend, config).await;
    // Day D is the day after tomorrow in Tokyo; everything happens from 22:00 on D.
    let day = jiff::Timestamp::now()
        .to_zoned(tokyo.clone())
        .date()
        .saturating_add(jiff::Span::new().days(2));
    let next = day.tomorrow().unwrap();
    let at = |hour: i8, minute: i8, d: jiff::civil::Date| {
        d.at(hour, minute, 0, 0)
            .to_zoned(tokyo.clone())
            .unwrap()
            .timestamp()
            .as_millisecond()
    };
    let clock = app.state.clock.clone();
    let set = |ms: i64| clock.pin_ms(ms);
    set(at(21, 0, day));
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (a, _) = app.user(&admin, "Amra Operater", "operator").await;
    let (b, _) = app.user(&admin, "Bojan Operater", "operator").await;
    let (a_id, b_id) = (a.id().await, b.id().await);
    let create = |subject: &'static str, key: &'static str| {
        let client = &client;
        async move {
            let (status, body) = client
                .call("tickets/create", crate::common::new_ticket(subject, key))
                .await;
            assert_eq!(status, 200, "{body}");
            body["ticket"]["id"].as_i64().unwrap()
        }
    };
    let rate = |id: i64, good: bool, comment: Option<&'static str>| {
        let client = &client;
        async move {
            let (status, body) = client
                .call(
                    "satisfaction/rate",
                    json!({"input": {"ticket_id": id, "good": good, "comment": comment}}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
        }
    };

    // Day D, Tokyo time.
    set(at(22, 0, day));
    let t1 = create("Printer jams", "stats-1").await;
    assign(&admin, t1, a_id).await;
    set(at(22, 10, day));
    step_ok(&a, t1, "start", None).await;
    step_ok(&a, t1, "return_to_client", Some("Which tray?")).await;
    set(at(22, 30, day));
    let t2 = create("No network", "stats-2").await;
    assign(&admin, t2, a_id).await;
    set(at(22, 40, day));
    step_ok(&client, t1, "answer", Some("Tray 2.")).await;
    set(at(23, 30, day));
    step_ok(&a, t1, "close", Some("Cleaned tray 2.")).await;

    // Day D+1: after midnight in Tokyo, still day D in UTC.
    set(at(0, 30, next));
    step_ok(&client, t1, "reopen", Some("Jams again.")).await;
    let (_, seen) = a.call("tickets/view", json!({"ticket_id": t1})).await;
    if seen["ticket"]["status"] != "assigned" {
        // Its operator was away: back to the queue, and assigned again by hand.
        assign(&admin, t1, a_id).await;
    }
    set(at(0, 40, next));
    let (status, body) = admin
        .call(
            "tickets/force",
            json!({"input": {"ticket_id": t2, "status": "assigned", "operator_id": b_id,
                   "reason": "Amra is busy"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    set(at(0, 50, next));
    step_ok(&b, t2, "start", None).await;
    step_ok(&b, t2, "close", Some("Replaced the cable.")).await;
    set(at(1, 0, next));
    step_ok(&a, t1, "start", None).await;
    step_ok(&a, t1, "close", Some("Replaced the roller.")).await;
    set(at(1, 10, next));
    rate(t1, true, Some("Patient and thorough.")).await;
    rate(t2, false, None).await;
    set(at(2, 0, next));

    facts_agree_with_the_log(&app).await;
    let d = day.to_string();
    let figures = report(
        &admin,
        json!({"period": {"custom": {"from": d, "to": next.to_string()}}, "bucket": "day"}),
    )
    .await;
    let steps: Vec<_> = figures["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["created"].as_i64().unwrap(),
                s["closed"].as_i64().unwrap(),
                s["reopened"].as_i64().unwrap(),
                s["backlog"].clone(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            // D: two created, one closed; at midnight T2 is assigned.
            (2, 1, 0, json!([0, 1, 0, 0])),
            // D+1: the reopening and two closings; nothing left.
            (0, 2, 1, json!([0, 0, 0, 0])),
        ]
    );
    assert_eq!(figures["from"], at(0, 0, day));
    assert_eq!(figures["to"], at(0, 0, next.tomorrow().unwrap()));
    let totals = &figures["totals"];
    assert_eq!(
        (
            &totals["created"],
            &totals["closed"],
            &totals["good"],
            &totals["bad"]
        ),
        (&json!(2), &json!(2), &json!(1), &json!(1))
    );
    assert_eq!(figures["reopened"], 1);
    let durations = |name: &str| {
        let d = &figures[name];
        (
            d["count"].as_i64().unwrap(),
            minutes(&d["median_ms"]),
            minutes(&d["p90_ms"]),
        )
    };
    // First responses: T1 10 min (the question), T2 140 min (Bojan's resolution).
    assert_eq!(durations("first_response"), (2, Some(10), Some(140)));
    // Resolutions to the last close: T2 140 min, T1 180 min; T1 waited 30 min on its client.
    assert_eq!(durations("resolution"), (2, Some(140), Some(180)));
    assert_eq!(durations("returned"), (2, Some(0), Some(30)));
    let operators: Vec<_> = figures["by_operator"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let f = &o["figures"];
            (
                o["name"].as_str().unwrap().to_string(),
                o["handled"].as_i64().unwrap(),
                f["closed"].as_i64().unwrap(),
                minutes(&f["first_response_median_ms"]),
                minutes(&f["resolution_median_ms"]),
                (f["good"].as_i64().unwrap(), f["bad"].as_i64().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        operators,
        vec![
            ("Amra Operater".into(), 2, 1, Some(10), Some(180), (1, 0)),
            ("Bojan Operater".into(), 1, 1, Some(140), Some(140), (0, 1)),
        ]
    );
    assert_eq!(figures["comments"][0]["comment"], "Patient and thorough.");
    assert_eq!(figures["by_priority"][0]["priority"], "high");
    assert_eq!(figures["by_priority"][0]["figures"]["closed"], 2);
    assert_eq!(figures["by_category"][0]["category"], Value::Null);

    // By the hour: the steps of D+1 after midnight hold the reopening and the closings.
    let hourly = report(
        &admin,
        json!({"period": {"custom": {"from": next.to_string(), "to": next.to_string()}},
               "bucket": "hour"}),
    )
    .await;
    let hours = hourly["buckets"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    assert_eq!(
        (&hours[0]["reopened"], &hours[0]["closed"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(hours[1]["closed"], 1);
    // Steps after now have no backlog yet.
    assert_eq!(hours[23]["backlog"], Value::Null);

    // Filters: Bojan's tickets are T2 only.
    let bojan = report(
        &admin,
        json!({"period": {"custom": {"from": d, "to": next.to_string()}}, "bucket": "week",
               "filter": {"operator_id": b_id}}),
    )
    .await;
    assert_eq!(bojan["totals"]["created"], 1);
    assert_eq!(bojan["totals"]["closed"], 1);

    // Bad periods are refused.
    for bad in [
        json!({"period": {"custom": {"from": next.to_string(), "to": d}}, "bucket": "day"}),
        json!({"period": {"custom": {"from": "2020-01-01", "to": "2026-01-01"}}, "bucket": "day"}),
        // More than 31 days by the hour.
        json!({"period": {"custom": {"from": "2026-01-01", "to": "2026-02-15"}}, "bucket": "hour"}),
    ] {
        let (status, body) = admin.call("stats/report", json!({ "query": bad })).await;
        assert_eq!((status, code(&body)), (422, "invalid"), "{bad}");
    }
    for period in ["today", "last7_days", "last30_days", "this_month"] {
        report(&admin, json!({"period": period, "bucket": "day"})).await;
    }
    let (status, _) = a
        .call(
            "stats/report",
            json!({"query": {"period": "today", "bucket": "day"}}),
        )
        .await;
    assert_eq!(status, 403, "statistics are the admin's");

    // Tickets older than the facts get theirs at start, equal to what was kept.
    let kept: Vec<facts::Facts> = {
        let mut all = Vec::new();
        for id in [t1, t2] {
            all.push(facts::of_ticket(&app.state.db, id).await.unwrap().unwrap());
        }
        all
    };
    sqlx::query("DELETE FROM ticket_facts")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(stats::backfill(&app.state.db).await.unwrap(), 2);
    assert_eq!(stats::backfill(&app.state.db).await.unwrap(), 0);
    for (id, kept) in [t1, t2].into_iter().zip(kept) {
        assert_eq!(
            facts::of_ticket(&app.state.db, id).await.unwrap(),
            Some(kept)
        );
    }
    app.stop().await;
}

/// The admin's home counts as the statistics and the floor do: the waiting queue and its
/// oldest ticket, who is on duty, today's figures and the week's ratings.
async fn the_overview_agrees_with_the_statistics_and_the_floor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = crate::common::desk(&app).await;
    operator.call("assignment/my_duty", json!({})).await; // signed in and active
    let first = crate::common::open_ticket(&client, "Oldest", "ov-1").await;
    crate::common::open_ticket(&client, "Middle", "ov-2").await;
    let done = crate::common::open_ticket(&client, "Done", "ov-3").await;
    assign(&admin, done, operator_id).await;
    step_ok(&operator, done, "start", None).await;
    step_ok(&operator, done, "close", Some("Fixed.")).await;
    let (status, body) = client
        .call(
            "satisfaction/rate",
            json!({"input": {"ticket_id": done, "good": true, "comment": null}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let (status, home) = admin.call("stats/overview", json!({})).await;
    assert_eq!(status, 200, "{home}");
    assert_eq!(home["waiting"], 2);
    assert_eq!(home["oldest_waiting"]["id"], first);
    assert_eq!(home["oldest_waiting"]["subject"], "Oldest");
    let today = report(&admin, json!({"period": "today", "bucket": "hour"})).await;
    assert_eq!(home["today"], today["totals"]);
    assert_eq!(
        (&home["today"]["created"], &home["today"]["closed"]),
        (&json!(3), &json!(1))
    );
    let week = report(&admin, json!({"period": "last7_days", "bucket": "day"})).await;
    assert_eq!(
        (&home["week_good"], &home["week_bad"]),
        (&week["totals"]["good"], &week["totals"]["bad"])
    );
    assert_eq!(home["week_good"], 1);
    let (_, floor) = admin.call("assignment/floor", json!({})).await;
    let on_duty: Vec<&Value> = floor["operators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["on_duty"] == true)
        .collect();
    assert_eq!(
        home["on_duty"]
            .as_array()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        on_duty
    );
    let (status, _) = client.call("stats/overview", json!({})).await;
    assert_eq!(status, 403, "the admin's");
    app.stop().await;
}

/// Saved reports: named (one per name, whatever its case), checked as running them checks
/// them, listed by name, rerun from what was saved, deleted; the admin's alone.
async fn admins_save_rerun_and_delete_reports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let definition = |measures: Value, period: Value| {
        json!({"measures": measures, "breakdown": "operator",
            "query": {"period": period, "bucket": "day",
                "filter": {"category_id": null, "priority": "high", "operator_id": null, "client_id": null}}})
    };
    let save =
        |name: &str, definition: Value| json!({"input": {"name": name, "definition": definition}});
    let weekly = definition(json!(["created", "closed", "created"]), json!("last7_days"));
    for (name, def, field) in [
        ("  ", weekly.clone(), "report_name"),
        ("Weekly", definition(json!([]), json!("today")), "measures"),
        (
            "Weekly",
            definition(
                json!(["created"]),
                json!({"custom": {"from": "2026-02-30", "to": "2026-03-01"}}),
            ),
            "period",
        ),
    ] {
        let (status, body) = admin.call("stats/save_report", save(name, def)).await;
        assert_eq!(
            (status, code(&body), &body["field"]),
            (422, "invalid", &json!(field))
        );
    }
    let (status, list) = admin.call("stats/reports", json!({})).await;
    assert_eq!((status, list), (200, json!([])), "nothing refused was kept");

    let (status, list) = admin
        .call("stats/save_report", save(" Weekly ", weekly))
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["name"], "Weekly");
    assert_eq!(
        list[0]["definition"]["measures"],
        json!(["created", "closed"]),
        "each measure once"
    );
    assert_eq!(list[0]["definition"]["query"]["filter"]["priority"], "high");
    let monthly = definition(json!(["satisfied"]), json!("this_month"));
    admin
        .call("stats/save_report", save("Monthly", monthly))
        .await;
    // The same name in another case replaces it.
    let today = definition(json!(["handled", "resolution"]), json!("today"));
    let (_, list) = admin.call("stats/save_report", save("WEEKLY", today)).await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Monthly", "WEEKLY"]);
    assert_eq!(list[1]["definition"]["query"]["period"], "today");
    // Rerun: what was saved is a query the statistics answer.
    let (status, _) = admin
        .call(
            "stats/report",
            json!({"query": list[1]["definition"]["query"]}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = client.call("stats/reports", json!({})).await;
    assert_eq!(status, 403, "the admin's");
    let id = list[0]["id"].as_i64().unwrap();
    let (status, list) = admin.call("stats/delete_report", json!({"id": id})).await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, _) = admin.call("stats/delete_report", json!({"id": id})).await;
    assert_eq!(status, 404);
    app.stop().await;
}

on_both_databases!(
    two_days_give_exactly_the_expected_figures,
    the_overview_agrees_with_the_statistics_and_the_floor,
    admins_save_rerun_and_delete_reports
);
