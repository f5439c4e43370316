//! Fair assignment on SQLite and PostgreSQL: who is on duty, loads within capacity, skills,
//! breaks, shifts, and a property test over random simulations.

use crate::common::{
    add_category, carried, code, kind, new_ticket, open_ticket, step, step_ok, test_config,
    Backend, Browser, TestApp,
};
use app::assignment::{may_take, Operator, Waiting};
use app::server::assignment;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

async fn automatic(backend: Backend) -> TestApp {
    TestApp::licensed(
        backend,
        app::server::Config {
            automatic_assignment: true,
            ..test_config()
        },
    )
    .await
}

async fn floor(admin: &Browser) -> Value {
    let (status, floor) = admin.call("assignment/floor", json!({})).await;
    assert_eq!(status, 200, "{floor}");
    floor
}

/// (name, on duty, load) of each operator.
fn duty(floor: &Value) -> Vec<(String, bool, i64)> {
    floor["operators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["full_name"].as_str().unwrap().to_string(),
                o["on_duty"].as_bool().unwrap(),
                o["load"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// Sets an operator's plan as the admin's form does.
async fn put_plan(
    admin: &Browser,
    operator: i64,
    capacity: i64,
    skills: Value,
    hours: Value,
    days_off: Value,
) -> (u16, Value) {
    admin
        .call(
            "assignment/set_plan",
            json!({"input": {"operator_id": operator, "capacity": capacity, "skills": skills,
                "hours": hours, "days_off": days_off}}),
        )
        .await
}

async fn run(app: &TestApp) -> usize {
    assignment::run(&app.state).await.expect("assignment step")
}

async fn history(b: &Browser, id: i64) -> Vec<Value> {
    let (status, detail) = b.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(status, 200, "{detail}");
    detail["history"].as_array().unwrap().clone()
}

async fn operators_on_duty_share_the_work(backend: Backend) {
    let app = automatic(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (first, _) = app.user(&admin, "Amra Delić", "operator").await;
    let (second, _) = app.user(&admin, "Haris Mujić", "operator").await;
    for op in [&first, &second] {
        op.call("assignment/my_duty", json!({})).await; // signed in and active
    }
    let ids = [
        open_ticket(&client, "One", "a-1").await,
        open_ticket(&client, "Two", "a-2").await,
        open_ticket(&client, "Three", "a-3").await,
    ];
    assert_eq!(run(&app).await, 3);
    let f = floor(&admin).await;
    assert_eq!(
        duty(&f),
        [
            ("Amra Delić".to_string(), true, 2),
            ("Haris Mujić".to_string(), true, 1)
        ]
    );
    assert_eq!(f["spread"], 1);
    // The reason is on record for staff, with who received the ticket; the client sees to whom
    // it was assigned, not the floor's loads and staffing behind it.
    let assigned = history(&first, ids[0]).await;
    let why = assigned.iter().find(|e| kind(e) == "assigned").unwrap();
    let receiver = why["what"]["assigned"]["to_name"].clone();
    assert!(
        receiver == "Amra Delić" || receiver == "Haris Mujić",
        "{why}"
    );
    assert_eq!(
        carried(why),
        &json!({"to_name": receiver, "why": "automatic:0/10:2"})
    );
    assert_eq!(why["actor_name"], Value::Null);
    let seen_by_client = history(&client, ids[0]).await;
    let assigned = seen_by_client
        .iter()
        .find(|e| kind(e) == "assigned")
        .unwrap();
    assert_eq!(
        carried(assigned),
        &json!({"to_name": receiver, "why": null})
    );
    assert!(!json!(seen_by_client).to_string().contains("automatic"));

    // A break: off duty; the unstarted tickets go back and on to the one still on duty.
    step_ok(&first, ids[0], "start", None).await;
    let (status, me) = first
        .call("assignment/set_break", json!({"on_break": true}))
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        (me["on_duty"].as_bool(), me["on_break"].as_bool()),
        (Some(false), Some(true))
    );
    run(&app).await;
    assert_eq!(
        duty(&floor(&admin).await),
        [
            ("Amra Delić".to_string(), false, 1),
            ("Haris Mujić".to_string(), true, 2)
        ],
        "the started ticket stays, the unstarted one moved"
    );
    let moved = history(&admin, ids[2]).await;
    let reasons: Vec<&str> = moved
        .iter()
        .filter(|e| kind(e) == "assigned")
        .map(|e| carried(e)["why"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["automatic:1/10:2", "off-duty", "automatic:1/10:1"]
    );
    let fourth = open_ticket(&client, "Four", "a-4").await;
    run(&app).await;
    let (_, seen) = second
        .call("tickets/view", json!({"ticket_id": fourth}))
        .await;
    assert_eq!(seen["ticket"]["operator_name"], "Haris Mujić");

    // Her work history: the steps she took and the assignments to and away from her, newest
    // first, with their reasons; hers alone.
    let (status, work) = first
        .call(
            "assignment/work_history",
            json!({"operator_id": null, "before": null}),
        )
        .await;
    assert_eq!(status, 200, "{work}");
    let lines: Vec<String> = work["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ev| {
            format!(
                "{} {} {}",
                ev["ticket"][1].as_str().unwrap(),
                kind(ev),
                carried(ev)["why"]
                    .as_str()
                    .or(carried(ev)["to"].as_str())
                    .unwrap_or("")
            )
        })
        .collect();
    let t = |id: i64| format!("T-{id:06}");
    assert_eq!(
        lines,
        [
            format!("{} assigned off-duty", t(ids[2])),
            format!("{} status in_progress", t(ids[0])),
            format!("{} assigned automatic:1/10:2", t(ids[2])),
            format!("{} assigned automatic:0/10:2", t(ids[0])),
        ]
    );
    let first_id = first.id().await;
    let (status, same) = admin
        .call(
            "assignment/work_history",
            json!({"operator_id": first_id, "before": null}),
        )
        .await;
    assert_eq!((status, same), (200, work.clone()));
    for (who, b, body) in [
        (
            "another operator",
            &second,
            json!({"operator_id": first_id, "before": null}),
        ),
        (
            "a client",
            &client,
            json!({"operator_id": first_id, "before": null}),
        ),
    ] {
        let (status, _) = b.call("assignment/work_history", body).await;
        assert_eq!(status, 404, "{who}");
    }

    // A disabled operator is off duty for good: their unstarted tickets go back too.
    first
        .call("assignment/set_break", json!({"on_break": false}))
        .await;
    let fifth = open_ticket(&client, "Five", "a-5").await;
    run(&app).await;
    let (_, five) = admin
        .call("tickets/view", json!({"ticket_id": fifth}))
        .await;
    assert_eq!(five["ticket"]["operator_name"], "Amra Delić");
    let (status, _) = admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": first_id, "disabled": true}}),
        )
        .await;
    assert_eq!(status, 200);
    run(&app).await;
    let (_, five) = admin
        .call("tickets/view", json!({"ticket_id": fifth}))
        .await;
    assert_eq!(five["ticket"]["operator_name"], "Haris Mujić");
    assert_eq!(
        floor(&admin).await["operators"].as_array().unwrap().len(),
        1
    );
    app.stop().await;
}

async fn capacity_hours_days_off_and_skills_decide_who_may_take(backend: Backend) {
    let app = automatic(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (first, _) = app.user(&admin, "Amra Delić", "operator").await;
    let (second, _) = app.user(&admin, "Haris Mujić", "operator").await;
    let (first_id, second_id) = (first.id().await, second.id().await);
    let servers = add_category(&admin, "Servers", true).await;
    // Bad plans change nothing.
    let (status, body) = put_plan(
        &admin,
        first_id,
        5,
        json!([]),
        json!([{"weekday": 8, "start_minute": 0, "end_minute": 60}]),
        json!([]),
    )
    .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("work_hours")));
    let (status, _) = put_plan(&admin, first_id, -1, json!([]), json!([]), json!([])).await;
    assert_eq!(status, 422);
    let (status, _) = put_plan(
        &admin,
        first_id,
        2,
        json!([]),
        json!([]),
        json!(["yesterday"]),
    )
    .await;
    assert_eq!(status, 422);
    let untouched = &floor(&admin).await["operators"][0]["plan"];
    assert_eq!(
        (
            &untouched["capacity"],
            &untouched["hours"],
            &untouched["days_off"]
        ),
        (&json!(10), &json!([]), &json!([]))
    );

    // Capacity 2 for the first, the second holds the restricted category.
    put_plan(&admin, first_id, 2, json!([]), json!([]), json!([])).await;
    put_plan(&admin, second_id, 1, json!([servers]), json!([]), json!([])).await;
    for op in [&first, &second] {
        op.call("assignment/my_duty", json!({})).await;
    }
    let mut restricted = new_ticket("Server down", "c-0");
    restricted["input"]["category_id"] = json!(servers);
    let (_, r) = client.call("tickets/create", restricted).await;
    let r = r["ticket"]["id"].as_i64().unwrap();
    for i in 1..=4 {
        open_ticket(&client, &format!("Plain {i}"), &format!("c-{i}")).await;
    }
    run(&app).await;
    let f = floor(&admin).await;
    // The second (skills: servers only) took the restricted ticket and is full; the first took
    // two plain ones; two wait.
    assert_eq!(
        duty(&f),
        [
            ("Amra Delić".to_string(), true, 2),
            ("Haris Mujić".to_string(), true, 1)
        ]
    );
    let (_, seen) = second.call("tickets/view", json!({"ticket_id": r})).await;
    assert_eq!(seen["ticket"]["status"], "assigned");
    let (_, waiting) = admin
        .call("tickets/list", json!({"query": {"status": "open"}}))
        .await;
    assert_eq!(waiting["tickets"].as_array().unwrap().len(), 2);

    // A day off today, or working hours that exclude now: off duty.
    // Today in the installation's time zone: its date and weekday.
    let local = jiff::Timestamp::from_millisecond(app.state.clock.now_ms())
        .unwrap()
        .to_zoned(app.state.config.time_zone.clone());
    let today = local.date().to_string();
    put_plan(&admin, first_id, 2, json!([]), json!([]), json!([today])).await;
    let f = floor(&admin).await;
    assert!(!f["operators"][0]["on_duty"].as_bool().unwrap());
    assert_eq!(f["operators"][0]["plan"]["days_off"], json!([today]));
    let weekday = i64::from(local.weekday().to_monday_one_offset());
    let other_day = weekday % 7 + 1;
    put_plan(
        &admin,
        first_id,
        2,
        json!([]),
        json!([{"weekday": other_day, "start_minute": 0, "end_minute": 1440}]),
        json!([]),
    )
    .await;
    let f = floor(&admin).await;
    assert!(!f["operators"][0]["on_duty"].as_bool().unwrap());
    assert_eq!(f["operators"][0]["today"], "-", "not a working day");
    put_plan(
        &admin,
        first_id,
        2,
        json!([]),
        json!([{"weekday": weekday, "start_minute": 0, "end_minute": 1440}]),
        json!([]),
    )
    .await;
    let f = floor(&admin).await;
    assert!(f["operators"][0]["on_duty"].as_bool().unwrap());
    assert_eq!(f["operators"][0]["today"], "00:00–24:00");
    assert_eq!(f["operators"][1]["today"], "", "no hours: no limits");

    // Idle past the duty window: off duty until the next request.
    app.state
        .clock
        .advance_ms(app.state.config.duty_window_ms + 1);
    assert!(!floor(&admin).await["operators"][1]["on_duty"]
        .as_bool()
        .unwrap());
    let (status, body) = client.call("assignment/my_duty", json!({})).await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    app.stop().await;
}

/// The tickets waiting (or, with `all`, every ticket), in queue order, as the decision sees them.
async fn tickets(app: &TestApp, all: bool) -> Vec<Waiting> {
    let rows: Vec<(i64, Option<i64>, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.category_id, COALESCE(c.restricted, 0), t.tier FROM tickets t \
         LEFT JOIN categories c ON c.id = t.category_id WHERE $1 = 1 OR t.status = 'open' \
         ORDER BY t.priority DESC, t.id",
    )
    .bind(i64::from(all))
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, category, restricted, tier)| Waiting {
            id,
            category,
            restricted: restricted != 0,
            tier,
        })
        .collect()
}

/// The operators on duty with their loads, capacities and skills.
async fn on_duty(admin: &Browser) -> Vec<Operator> {
    floor(admin).await["operators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["on_duty"].as_bool().unwrap())
        .map(|o| Operator {
            id: o["plan"]["operator_id"].as_i64().unwrap(),
            load: o["load"].as_u64().unwrap() as u32,
            capacity: o["plan"]["capacity"].as_u64().unwrap() as u32,
            skills: o["plan"]["skills"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_i64().unwrap())
                .collect(),
            last_assigned_at: None,
            tier: o["plan"]["tier"].as_i64().unwrap(),
        })
        .collect()
}

/// The automatic assignments recorded after event `after`: (event id, ticket, operator).
async fn automatic_since(app: &TestApp, after: i64) -> Vec<(i64, i64, i64)> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, ticket_id, to_value FROM ticket_events WHERE id > $1 AND kind = 'assigned' \
         AND reason LIKE 'automatic:%' ORDER BY id",
    )
    .bind(after)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(id, ticket, op)| (id, ticket, op.parse().unwrap()))
        .collect()
}

async fn last_event(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM ticket_events")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Random simulations — arrivals (some at once), closings, returns, reopenings, breaks, idle
/// operators coming back, capacities, skills — with the step run after each action (and
/// several steps at once after simultaneous arrivals): every automatic assignment goes to an
/// eligible operator with the minimum relative load at that moment, nobody is pushed over
/// capacity, and no ticket waits while someone on duty may take it.
async fn random_simulations_keep_the_rule(backend: Backend) {
    let app = automatic(backend).await;
    let admin = app.admin().await;
    let mut clients = Vec::new();
    for i in 0..3 {
        clients.push(app.user(&admin, &format!("Client {i}"), "client").await.0);
    }
    let mut operators = Vec::new();
    for i in 0..4 {
        let (b, _) = app.user(&admin, &format!("Operator {i}"), "operator").await;
        let id = b.id().await;
        operators.push((b, id));
    }
    let restricted = add_category(&admin, "Restricted", true).await;
    let seed: u64 = std::env::var("SALTER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut key = 0;
    for round in 0..80 {
        let context = format!("seed {seed}, round {round}");
        match rng.gen_range(0..9) {
            0 | 1 => {
                // Simultaneous arrivals, and several steps at once (as several processes).
                let mut tasks = Vec::new();
                for _ in 0..rng.gen_range(1..5) {
                    key += 1;
                    let client = clients[rng.gen_range(0..clients.len())].http.clone();
                    let base = app.base.clone();
                    let mut input = new_ticket("Arrival", &format!("k-{key}"));
                    if rng.gen_bool(0.2) {
                        input["input"]["category_id"] = json!(restricted);
                    }
                    tasks.push(tokio::spawn(async move {
                        let res = client
                            .post(format!("{base}/api/tickets/create"))
                            .header("origin", &base)
                            .json(&input)
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(res.status(), 200);
                    }));
                }
                for task in tasks {
                    task.await.unwrap();
                }
                let before = on_duty(&admin).await;
                let mark = last_event(&app).await;
                let state = app.state.clone();
                let steps: Vec<_> = (0..3)
                    .map(|_| {
                        let state = state.clone();
                        tokio::spawn(async move { assignment::run(&state).await.unwrap() })
                    })
                    .collect();
                for s in steps {
                    s.await.unwrap();
                }
                check(&app, before, mark, &context).await;
                continue;
            }
            2 => {
                // An operator finishes one of their tickets (starting it first if needed).
                let (op, id) = &operators[rng.gen_range(0..operators.len())];
                let mine: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT id, status FROM tickets WHERE operator_id = $1 \
                     AND status IN ('assigned', 'in_progress') ORDER BY id LIMIT 1",
                )
                .bind(id)
                .fetch_all(&app.state.db.pool)
                .await
                .unwrap();
                if let Some((ticket, status)) = mine.first() {
                    if status == "assigned" {
                        step_ok(op, *ticket, "start", None).await;
                    }
                    let finish = if rng.gen_bool(0.5) {
                        "close"
                    } else {
                        "return_to_client"
                    };
                    step_ok(op, *ticket, finish, Some("Done or a question")).await;
                }
            }
            3 => {
                // A client reopens a closed ticket, or answers a returned one.
                let c = rng.gen_range(0..clients.len());
                let (_, page) = clients[c].call("tickets/list", json!({"query": {}})).await;
                let pick = page["tickets"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["status"] == "closed" || t["status"] == "returned_to_client");
                if let Some(t) = pick {
                    let id = t["id"].as_i64().unwrap();
                    let mv = if t["status"] == "closed" {
                        "reopen"
                    } else {
                        "answer"
                    };
                    step_ok(&clients[c], id, mv, Some("Again")).await;
                }
            }
            4 => {
                let (op, _) = &operators[rng.gen_range(0..operators.len())];
                op.call(
                    "assignment/set_break",
                    json!({"on_break": rng.gen_bool(0.4)}),
                )
                .await;
            }
            5 => {
                let (_, id) = &operators[rng.gen_range(0..operators.len())];
                let skills = if rng.gen_bool(0.3) {
                    json!([restricted])
                } else {
                    json!([])
                };
                let (status, body) = put_plan(
                    &admin,
                    *id,
                    rng.gen_range(0..5),
                    skills,
                    json!([]),
                    json!([]),
                )
                .await;
                assert_eq!(status, 200, "{body}");
            }
            6 => {
                // Time passes: whoever makes no request goes idle.
                app.state
                    .clock
                    .advance_ms(app.state.config.duty_window_ms / 2 + 1);
            }
            _ => {
                // An operator makes a request: active again.
                let (op, _) = &operators[rng.gen_range(0..operators.len())];
                op.call("assignment/my_duty", json!({})).await;
            }
        }
        let before = on_duty(&admin).await;
        let mark = last_event(&app).await;
        run(&app).await;
        check(&app, before, mark, &context).await;
    }
    let made = automatic_since(&app, 0).await.len();
    assert!(
        made >= 3,
        "seed {seed}: only {made} automatic assignments; the walk explored too little"
    );
    app.stop().await;
}

/// The assignments made since `mark` follow the rule from the `before` snapshot of the
/// operators on duty (in the order they were made, each seeing the loads the earlier made),
/// and nothing that someone on duty could take is left waiting.
async fn check(app: &TestApp, mut ops: Vec<Operator>, mark: i64, context: &str) {
    let all = tickets(app, true).await;
    for (_, ticket, operator) in automatic_since(app, mark).await {
        let t = all.iter().find(|w| w.id == ticket).unwrap();
        let chosen = ops
            .iter()
            .find(|o| o.id == operator)
            .unwrap_or_else(|| panic!("{context}: operator {operator} was not on duty"))
            .clone();
        assert!(
            may_take(&chosen, t),
            "{context}: {chosen:?} may not take {t:?}"
        );
        for other in ops.iter().filter(|o| may_take(o, t)) {
            assert!(
                u64::from(chosen.load) * u64::from(other.capacity)
                    <= u64::from(other.load) * u64::from(chosen.capacity),
                "{context}: {chosen:?} chosen over less loaded {other:?}"
            );
        }
        ops.iter_mut().find(|o| o.id == operator).unwrap().load += 1;
    }
    let still = tickets(app, false).await;
    let duty_now = ops;
    for t in &still {
        assert!(
            duty_now.iter().all(|o| !may_take(o, t)),
            "{context}: {t:?} waits while someone may take it: {duty_now:?}"
        );
    }
}

async fn escalation_takes_a_ticket_to_the_next_tier(backend: Backend) {
    let app = automatic(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (first, _) = app.user(&admin, "Amra Delić", "operator").await;
    let (second, _) = app.user(&admin, "Haris Mujić", "operator").await;
    let second_id = second.id().await;
    let (status, body) = admin
        .call(
            "assignment/set_plan",
            json!({"input": {"operator_id": second_id, "capacity": 10, "skills": [],
                "hours": [], "days_off": [], "tier": 2}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin
        .call(
            "assignment/set_plan",
            json!({"input": {"operator_id": second_id, "capacity": 10, "skills": [],
                "hours": [], "days_off": [], "tier": 0}}),
        )
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("tier")), "{body}");
    let awake = || async {
        for op in [&first, &second] {
            op.call("assignment/my_duty", json!({})).await;
        }
    };
    awake().await;
    // A new ticket is first line's, however idle the second line is.
    let id = open_ticket(&client, "VPN drops", "t-1").await;
    assert_eq!(run(&app).await, 1);
    let (_, seen) = first.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(seen["tier"], 1);
    assert!(
        seen["moves"]
            .as_array()
            .unwrap()
            .contains(&json!("escalate")),
        "{seen}"
    );
    step_ok(&first, id, "start", None).await;
    // Escalating says why; the ticket waits for the second line, which gets it.
    let (status, body) = step(&first, id, "escalate", None).await;
    assert_eq!((status, &body["field"]), (422, &json!("reason")), "{body}");
    let moved = step_ok(&first, id, "escalate", Some("Needs the network team")).await;
    assert_eq!(moved["ticket"]["status"], "open");
    assert_eq!(moved["tier"], 2);
    assert_eq!(run(&app).await, 1);
    let (_, seen) = second.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(seen["ticket"]["status"], "assigned", "{seen}");
    let escalated: Vec<&Value> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| kind(e) == "escalated")
        .collect();
    assert_eq!(
        carried(escalated[0]),
        &json!({"tier": 2, "reason": "Needs the network team"})
    );
    assert_eq!(escalated[0]["actor_name"], "Amra Delić");
    // There is no third line: no escalate on offer, and asking is refused.
    assert!(!seen["moves"]
        .as_array()
        .unwrap()
        .contains(&json!("escalate")));
    step_ok(&second, id, "start", None).await;
    let (status, body) = step(&second, id, "escalate", Some("Up")).await;
    assert_eq!((status, &body["field"]), (422, &json!("tier")), "{body}");
    // The client sees the ticket waiting and moving on, not the escalation or its reason.
    let (_, theirs) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert!(theirs.get("tier").is_none());
    let told = theirs["history"].to_string();
    assert!(
        !told.contains("escalated") && !told.contains("network team"),
        "{told}"
    );

    // A missed target escalates by itself when the admin chose so.
    let (status, body) = admin
        .call(
            "sla/set_levels",
            json!({"input": {"policies": [{"priority": "high", "category_id": null,
                "first_response_minutes": 60, "next_response_minutes": null,
                "resolution_minutes": 600, "business_hours": false}],
                "hours": [], "holidays": [], "warn_percent": 75, "escalate_on_breach": true}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["escalate_on_breach"], true);
    let late = open_ticket(&client, "Printer jam", "t-2").await;
    assert_eq!(run(&app).await, 1);
    app.state.clock.advance_ms(61 * 60_000);
    // Both tickets warn and miss their first response; the first, already at the top tier,
    // stays where it is.
    assert_eq!(app::server::sla::watch::check(&app.state).await.unwrap(), 4);
    let (_, top) = second.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(
        (top["tier"].as_i64(), top["ticket"]["status"].as_str()),
        (Some(2), Some("in_progress"))
    );
    awake().await;
    run(&app).await;
    let (_, seen) = second
        .call("tickets/view", json!({"ticket_id": late}))
        .await;
    assert_eq!(
        (seen["tier"].as_i64(), seen["ticket"]["status"].as_str()),
        (Some(2), Some("assigned")),
        "{seen}"
    );
    let auto = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| kind(e) == "escalated")
        .unwrap()
        .clone();
    assert_eq!(carried(&auto), &json!({"tier": 2, "reason": null}));
    assert_eq!(auto["actor_name"], Value::Null);
    app.stop().await;
}

on_both_databases!(
    escalation_takes_a_ticket_to_the_next_tier,
    operators_on_duty_share_the_work,
    capacity_hours_days_off_and_skills_decide_who_may_take,
    random_simulations_keep_the_rule,
);
