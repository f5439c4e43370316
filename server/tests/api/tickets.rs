//! The ticket lifecycle between client and operator, its history, and who sees what — on
//! SQLite and PostgreSQL.

use crate::common::{
    add_category, assign, carried, code, desk, kind, new_ticket, open_ticket, step, step_ok,
    Backend, Browser, TestApp, USER_PASSWORD,
};
use serde_json::{json, Value};

fn status_changes(detail: &Value) -> Vec<String> {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ["status", "forced", "created"].contains(&kind(e)))
        .map(|e| format!("{}:{}", kind(e), carried(e)["to"].as_str().unwrap_or("")))
        .collect()
}

async fn a_ticket_lives_its_whole_life(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;

    let (status, created) = client
        .call("tickets/create", new_ticket("Printer on fire", "key-0001"))
        .await;
    assert_eq!(status, 200, "{created}");
    let id = created["ticket"]["id"].as_i64().unwrap();
    assert_eq!(created["ticket"]["reference"], format!("T-{id:06}"));
    assert_eq!(created["ticket"]["status"], "open");
    // A retry returns the same ticket; the same key with another body is refused.
    let (_, again) = client
        .call("tickets/create", new_ticket("Printer on fire", "key-0001"))
        .await;
    assert_eq!(again["ticket"]["id"], id);
    // The answer to a creation is the ticket exactly as reading it back shows it (the retry
    // reads it back) — with a category and an earlier ticket too.
    assert_eq!(again, created);
    let category = add_category(&admin, "Printers", false).await;
    let mut follow_up = new_ticket("Printer on fire again", "key-0002");
    follow_up["input"]["category_id"] = json!(category);
    follow_up["input"]["earlier_ticket_id"] = json!(id);
    follow_up["input"]["description"] = json!("It is **worse**:\n\n- smoke\n- sparks");
    let (status, opened) = client.call("tickets/create", follow_up.clone()).await;
    assert_eq!(status, 200, "{opened}");
    let (_, read_back) = client.call("tickets/create", follow_up).await;
    assert_eq!(opened, read_back);
    assert_eq!(opened["ticket"]["category"], "Printers");
    let (status, body) = client
        .call("tickets/create", new_ticket("Something else", "key-0001"))
        .await;
    assert_eq!((status, code(&body)), (409, "idempotency_conflict"));

    let (status, body) = step(&client, id, "start", None).await;
    assert_eq!(
        (status, code(&body)),
        (409, "move_not_allowed"),
        "a client cannot start work"
    );
    assign(&admin, id, operator_id).await;
    step_ok(&operator, id, "start", None).await;
    let (status, body) = step(&operator, id, "return_to_client", Some("   ")).await;
    assert_eq!(
        (status, body["field"].clone()),
        (422, json!("text")),
        "returning needs a message"
    );
    let returned = step_ok(
        &operator,
        id,
        "return_to_client",
        Some("Which model is it?"),
    )
    .await;
    assert_eq!(returned["ticket"]["status"], "returned_to_client");
    let (_, seen) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(seen["moves"], json!(["answer", "close"]));
    step_ok(&client, id, "answer", Some("An LX-300.")).await;
    step_ok(&operator, id, "close", Some("Replaced the fuser.")).await;
    let reopened = step_ok(&client, id, "reopen", Some("It burns again.")).await;
    assert_eq!(
        reopened["ticket"]["status"], "assigned",
        "back to the same operator"
    );
    assert_eq!(reopened["ticket"]["operator_name"], "Đorđe Šarić");
    step_ok(&operator, id, "start", None).await;
    let closed = step_ok(&operator, id, "close", Some("New printer.")).await;

    assert_eq!(
        status_changes(&closed),
        [
            "created:",
            "status:assigned",
            "status:in_progress",
            "status:returned_to_client",
            "status:in_progress",
            "status:closed",
            "status:assigned",
            "status:in_progress",
            "status:closed"
        ]
    );
    let bodies: Vec<&str> = closed["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "Which model is it?",
            "An LX-300.",
            "Replaced the fuser.",
            "New printer."
        ]
    );
    let reopen = closed["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| carried(e)["to"] == "assigned" && carried(e)["reason"].is_string())
        .unwrap()
        .clone();
    assert_eq!(carried(&reopen)["reason"], "It burns again.");
    app.stop().await;
}

async fn clients_see_only_their_own_tickets_and_never_a_note(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, a, operator, operator_id) = desk(&app).await;
    let (b, _) = app.user(&admin, "Bojan Babić", "client").await;

    let (_, mine) = a
        .call("tickets/create", new_ticket("A's question", "a-key-0001"))
        .await;
    let b_file = b
        .upload_ok("MARKER-B-7f3a.log", b"MARKER-B-7f3a contents")
        .await;
    let mut b_new = new_ticket("MARKER-B-7f3a secret", "b-key-0001");
    b_new["input"]["attachments"] = json!([b_file]);
    let (_, theirs) = b.call("tickets/create", b_new).await;
    let (a_id, b_id) = (
        mine["ticket"]["id"].as_i64().unwrap(),
        theirs["ticket"]["id"].as_i64().unwrap(),
    );
    for id in [a_id, b_id] {
        assign(&admin, id, operator_id).await;
        step_ok(&operator, id, "start", None).await;
    }
    let note_file = operator
        .upload_ok("MARKER-NOTE-91c2.txt", b"MARKER-NOTE-91c2 contents")
        .await;
    let (status, _) = operator
        .call("tickets/post", json!({"input": {"ticket_id": a_id, "body": "MARKER-NOTE-91c2 internal", "internal": true, "attachments": [note_file]}}))
        .await;
    assert_eq!(status, 200);
    operator
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": b_id, "body": "MARKER-B-7f3a reply", "internal": false}}),
        )
        .await;

    let mut seen_by_a = Vec::new();
    seen_by_a.push(
        a.call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await,
    );
    seen_by_a.push(a.call("tickets/view", json!({"ticket_id": a_id})).await);
    seen_by_a.push(a.call("tickets/view", json!({"ticket_id": b_id})).await);
    seen_by_a.push(step(&a, b_id, "close", None).await);
    seen_by_a.push(
        a.call(
            "tickets/post",
            json!({"input": {"ticket_id": b_id, "body": "hi", "internal": false}}),
        )
        .await,
    );
    seen_by_a.push(
        a.call(
            "tickets/post",
            json!({"input": {"ticket_id": a_id, "body": "sneaky", "internal": true}}),
        )
        .await,
    );
    seen_by_a.push(a.call("tickets/search", json!({"words": "MARKER"})).await);
    for file in [b_file, note_file] {
        let (status, _, bytes) = a.download(file).await;
        assert_eq!(status, 404, "client A fetched file {file}");
        seen_by_a.push((
            status,
            Value::String(String::from_utf8_lossy(&bytes).into()),
        ));
    }
    for (_, body) in &seen_by_a {
        let text = body.to_string();
        assert!(!text.contains("MARKER-B"), "client A saw B's data: {text}");
        assert!(
            !text.contains("MARKER-NOTE"),
            "a client saw an internal note: {text}"
        );
    }
    assert_eq!(seen_by_a[0].1["tickets"].as_array().unwrap().len(), 1);
    assert_eq!((seen_by_a[2].0, code(&seen_by_a[2].1)), (404, "not_found"));
    assert_eq!(seen_by_a[3].0, 404);
    assert_eq!(seen_by_a[4].0, 404);
    assert_eq!((seen_by_a[5].0, code(&seen_by_a[5].1)), (403, "forbidden"));
    // Staff see the note.
    let (_, staff_view) = operator
        .call("tickets/view", json!({"ticket_id": a_id}))
        .await;
    assert!(staff_view.to_string().contains("MARKER-NOTE-91c2"));
    // Another operator sees nothing of tickets not theirs.
    let (other, _) = app.user(&admin, "Operator Two", "operator").await;
    assert_eq!(
        other
            .call("tickets/view", json!({"ticket_id": a_id}))
            .await
            .0,
        404
    );
    app.stop().await;
}

async fn admins_force_any_status_with_a_reason_on_record(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let id = open_ticket(&client, "Forced", "key-forced-1").await;
    let force = |status: &str, reason: &str| json!({"input": {"ticket_id": id, "status": status, "operator_id": operator_id, "reason": reason}});
    let (status, body) = admin
        .call("tickets/force", force("in_progress", "  "))
        .await;
    assert_eq!((status, body["field"].clone()), (422, json!("reason")));
    let (status, body) = admin
        .call(
            "tickets/force",
            force("in_progress", "Training: skip the queue"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = operator
        .call("tickets/force", force("closed", "operators cannot"))
        .await;
    assert_eq!(status, 403);
    let (_, seen) = operator
        .call("tickets/view", json!({"ticket_id": id}))
        .await;
    let forced = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| kind(e) == "forced")
        .unwrap()
        .clone();
    assert_eq!(
        carried(&forced),
        &json!({"from": "open", "to": "in_progress", "reason": "Training: skip the queue"})
    );
    assert_eq!(
        seen["moves"],
        json!(["return_to_client", "close", "propose"])
    );
    // The client sees that the status was forced, not why, nor any operator's id — until the
    // admin chooses to show clients such reasons.
    let forced_as_client = || async {
        let (_, view) = client.call("tickets/view", json!({"ticket_id": id})).await;
        let text = view.to_string();
        assert!(
            !text.contains(&format!("\"operator_id\":{operator_id}")),
            "{text}"
        );
        assert!(
            !text.contains("automatic:") && !text.contains("forced:"),
            "{text}"
        );
        let history = view["history"].as_array().unwrap().clone();
        let forced = history.into_iter().find(|e| kind(e) == "forced").unwrap();
        carried(&forced)["reason"].clone()
    };
    assert_eq!(forced_as_client().await, Value::Null);
    let (status, _) = client
        .call(
            "settings/set_ticket_settings",
            json!({"input": {"forced_reasons_to_clients": true, "solution_days": 7}}),
        )
        .await;
    assert_eq!(status, 403, "clients cannot change what they see");
    let (status, shown) = admin
        .call(
            "settings/set_ticket_settings",
            json!({"input": {"forced_reasons_to_clients": true, "solution_days": 7}}),
        )
        .await;
    assert_eq!(
        (status, shown),
        (
            200,
            json!({"forced_reasons_to_clients": true, "solution_days": 7, "chat_weight": 2})
        )
    );
    assert_eq!(forced_as_client().await, json!("Training: skip the queue"));
    let (_, read) = admin.call("settings/ticket_settings", json!({})).await;
    assert_eq!(
        read,
        json!({"forced_reasons_to_clients": true, "solution_days": 7, "chat_weight": 2})
    );
    app.stop().await;
}

async fn history_cannot_be_rewritten(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    client
        .call("tickets/create", new_ticket("History", "key-history-1"))
        .await;
    let pool = &app.state.db.pool;
    for sql in [
        "UPDATE ticket_events SET reason = 'rewritten'",
        "UPDATE ticket_events SET kind = 'note', reason = '[erased]'",
        "UPDATE ticket_events SET from_value = '[erased]'",
    ] {
        assert!(sqlx::query(sql).execute(pool).await.is_err(), "{sql}");
    }
    // The one change allowed: an erased person's words replaced.
    sqlx::query("UPDATE ticket_events SET reason = '[erased]', to_value = '[erased]'")
        .execute(pool)
        .await
        .expect("an erasure's change");
    assert!(sqlx::query("DELETE FROM ticket_events")
        .execute(pool)
        .await
        .is_err());
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ticket_events")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    app.stop().await;
}

async fn lists_page_by_keyset_without_gaps_or_repeats(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    for i in 0..120 {
        let (status, _) = client
            .call(
                "tickets/create",
                new_ticket(&format!("Ticket {i}"), &format!("key-page-{i:04}")),
            )
            .await;
        assert_eq!(status, 200);
    }
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let (status, page) = client
            .call(
                "tickets/list",
                json!({"query": {"status": "open", "after": after}}),
            )
            .await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        seen.extend(
            page["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap()),
        );
        match page["next"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "newest first, no repeats");
    assert_eq!(seen.len(), 120);
    let (status, body) = client
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": "garbage"}}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "bad_request"));
    app.stop().await;
}

async fn reopening_has_a_window_and_falls_back_to_the_queue(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, _, operator_id) = desk(&app).await;
    let mut ids = Vec::new();
    for key in ["key-window-1", "key-window-2"] {
        let id = open_ticket(&client, "Window", key).await;
        step_ok(&client, id, "close", None).await;
        ids.push(id);
    }
    assign(
        &admin,
        {
            let id = open_ticket(&client, "Gone operator", "key-window-3").await;
            ids.push(id);
            id
        },
        operator_id,
    )
    .await;
    step_ok(&client, ids[2], "close", None).await;
    admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": operator_id, "disabled": true}}),
        )
        .await;
    let back = step_ok(&client, ids[2], "reopen", Some("Still broken")).await;
    assert_eq!(
        back["ticket"]["status"], "open",
        "its operator is gone: back to the queue"
    );
    assert_eq!(back["ticket"]["operator_name"], Value::Null);
    let last_assignment = |view: &Value| {
        view["history"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .find(|e| kind(e) == "assigned")
            .unwrap()
            .clone()
    };
    // The client sees that the ticket left its operator; staff also see why. Nobody sees an
    // operator's internal id.
    let seen_by_client = last_assignment(&back);
    assert_eq!(carried(&seen_by_client), &json!({"why": null}));
    let (status, staff_view) = admin
        .call("tickets/view", json!({"ticket_id": ids[2]}))
        .await;
    assert_eq!(status, 200);
    let unassigned = last_assignment(&staff_view);
    assert_eq!(carried(&unassigned), &json!({"why": "operator-gone"}));

    app.state
        .clock
        .advance_ms(app.state.config.reopen_window_ms + 1);
    client
        .sign_in_ok("ana.kovac", USER_PASSWORD, "client")
        .await; // the session has timed out
    let (status, body) = step(&client, ids[0], "reopen", Some("Too late?")).await;
    assert_eq!((status, code(&body)), (409, "reopen_window_passed"));
    app.stop().await;
}

/// Many clients creating at once: every request succeeds (no "database is locked"), and each
/// creation has its ticket and its history row.
/// Simultaneous creations share transactions on SQLite (group commit); one that fails — here
/// every third, with a file that is not the client's — undoes only itself.
async fn simultaneous_creations_all_succeed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let mut clients = Vec::new();
    for i in 0..8 {
        clients.push(app.user(&admin, &format!("Client {i}"), "client").await.0);
    }
    let mut tasks = Vec::new();
    for (c, client) in clients.into_iter().enumerate() {
        tasks.push(tokio::spawn(async move {
            for i in 0..15 {
                let mut input = new_ticket("At once", &format!("burst-{c}-{i}"));
                let doomed = i % 3 == 2;
                if doomed {
                    input["input"]["attachments"] = json!([999_999]);
                }
                let (status, body) = client.call("tickets/create", input).await;
                assert_eq!(status, if doomed { 422 } else { 200 }, "{body}");
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let pool = &app.state.db.pool;
    let tickets: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(pool)
        .await
        .unwrap();
    let created: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM ticket_events WHERE kind = 'created'")
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!((tickets, created), (80, 80));
    app.stop().await;
}

/// The subjects of the tickets a search finds for `who`.
async fn found(who: &Browser, words: &str) -> Vec<String> {
    let (status, page) = who.call("tickets/search", json!({ "words": words })).await;
    assert_eq!(status, 200, "{page}");
    page["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_string())
        .collect()
}

async fn search_finds_only_what_the_caller_may_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, a, operator, operator_id) = desk(&app).await;
    let (b, _) = app.user(&admin, "Bojan Babić", "client").await;
    let a_id = open_ticket(&a, "Modem blinks orange", "search-a-1").await;
    b.call(
        "tickets/create",
        new_ticket("Modem dead after storm", "search-b-1"),
    )
    .await;
    assign(&admin, a_id, operator_id).await;
    step_ok(&operator, a_id, "start", None).await;
    operator
        .call("tickets/post", json!({"input": {"ticket_id": a_id, "body": "firmware zebra suspected", "internal": true}}))
        .await;
    operator
        .call("tickets/post", json!({"input": {"ticket_id": a_id, "body": "Please restart the router", "internal": false}}))
        .await;
    assert_eq!(
        found(&a, "modem").await,
        ["Modem blinks orange"],
        "A finds its own, not B's"
    );
    assert_eq!(found(&b, "modem").await, ["Modem dead after storm"]);
    assert_eq!(
        found(&a, "restart router").await,
        ["Modem blinks orange"],
        "words in messages, all of them"
    );
    assert!(
        found(&a, "zebra").await.is_empty(),
        "a client never finds by an internal note"
    );
    assert_eq!(found(&operator, "zebra").await, ["Modem blinks orange"]);
    assert_eq!(
        found(&operator, "storm").await,
        Vec::<String>::new(),
        "not the operator's ticket"
    );
    assert_eq!(found(&admin, "modem").await.len(), 2);
    let (status, _) = admin
        .call("tickets/search", json!({ "words": "\"modem OR NOT (*" }))
        .await;
    assert_eq!(status, 200, "query syntax in the words is only data");
    let (status, _) = a.call("tickets/search", json!({ "words": "  " })).await;
    assert_eq!(status, 422);
    // One ticket with more matching messages than a search first looks at: the older tickets
    // that match are found all the same.
    for (i, subject) in ["Modem again", "Modem once more"].into_iter().enumerate() {
        open_ticket(&a, subject, &format!("search-a-more-{i}")).await;
    }
    for i in 0..210 {
        let body = format!("The modem, try {i}");
        let (status, body) = a
            .call(
                "tickets/post",
                json!({"input": {"ticket_id": a_id, "body": body, "internal": false}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let mut all = found(&admin, "modem").await;
    all.sort();
    assert_eq!(
        all,
        [
            "Modem again",
            "Modem blinks orange",
            "Modem dead after storm",
            "Modem once more"
        ]
    );
    assert_eq!(found(&a, "modem").await.len(), 3);
    app.stop().await;
}

/// Random actions by random users: a move succeeds exactly when the state machine and the
/// access rules allow it, and each success leaves exactly one status row in the history.
async fn random_actions_never_break_the_rules(backend: Backend) {
    use app::dto::Role;
    use app::tickets::{rule, Move, Needs, Stage, Status};
    use rand::{Rng, SeedableRng};
    let seed: u64 = std::env::var("SALTER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let admin_id = admin.id().await;
    let mut people = vec![(admin, Role::Admin, admin_id)];
    for (name, role) in [
        ("Client One", "client"),
        ("Client Two", "client"),
        ("Op One", "operator"),
        ("Op Two", "operator"),
    ] {
        let (b, _) = app.user(&people[0].0, name, role).await;
        let id = b.id().await;
        people.push((b, Role::parse(role).unwrap(), id));
    }
    let operators: Vec<i64> = people
        .iter()
        .filter(|p| p.1 == Role::Operator)
        .map(|p| p.2)
        .collect();
    // The model: (id, client, stage, operator).
    let mut tickets = Vec::new();
    for (n, who) in [1, 1, 2, 2].into_iter().enumerate() {
        let (_, t) = people[who]
            .0
            .call(
                "tickets/create",
                new_ticket("Random", &format!("random-{n:04}")),
            )
            .await;
        tickets.push((
            t["ticket"]["id"].as_i64().unwrap(),
            people[who].2,
            Stage::from(Status::Open),
            None::<i64>,
        ));
    }
    let history_rows = |id: i64| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM ticket_events WHERE ticket_id = $1 AND kind IN ('status', 'forced')")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let mut moved = 0;
    for i in 0..300 {
        let t = rng.gen_range(0..tickets.len());
        let (id, client, stage, operator) = tickets[t];
        // Mostly someone with a stake in the ticket, so the walk gets somewhere; sometimes anyone.
        let stakeholders: Vec<usize> = (0..people.len())
            .filter(|&p| {
                people[p].2 == client || Some(people[p].2) == operator || people[p].1 == Role::Admin
            })
            .collect();
        let who = if rng.gen_bool(0.75) {
            stakeholders[rng.gen_range(0..stakeholders.len())]
        } else {
            rng.gen_range(0..people.len())
        };
        let (browser, role, me) = (&people[who].0, people[who].1, people[who].2);
        // Half the time a move the rules allow this person, so the walk goes deep; else any.
        let allowed: Vec<Move> = app::tickets::moves_for(role, stage);
        let mv = if !allowed.is_empty() && rng.gen_bool(0.5) {
            allowed[rng.gen_range(0..allowed.len())]
        } else {
            Move::ALL[rng.gen_range(0..Move::ALL.len())]
        };
        let text = rng.gen_bool(0.8).then_some("because");
        let assignee = operators[rng.gen_range(0..operators.len())];
        let sees = match role {
            Role::Admin => true,
            Role::Client => client == me,
            Role::Operator => operator == Some(me),
        };
        // Nobody in this walk works at a second tier: escalating is refused (tiers are walked in
        // assignment.rs), and never offered.
        let expected = rule(mv, role, stage)
            .filter(|_| sees && mv != Move::Escalate)
            .filter(|(_, needs)| *needs == Needs::Nothing || text.is_some());
        let before = history_rows(id).await;
        let (code_, body) = browser
            .call("tickets/move", json!({"input": {"ticket_id": id, "step": mv, "text": text, "operator_id": assignee}}))
            .await;
        let after = history_rows(id).await;
        let context =
            format!("seed {seed}, step {i}: {role:?} {mv:?} on {stage:?} → {code_} {body}");
        match expected {
            Some((to, _)) => {
                assert_eq!(code_, 200, "{context}");
                let to = if mv == Move::Reopen && operator.is_none() {
                    Status::Open
                } else {
                    to
                };
                assert_eq!(body["ticket"]["status"], json!(to), "{context}");
                assert_eq!(after, before + 1, "{context}");
                let operator = if mv == Move::Assign {
                    Some(assignee)
                } else if to == Status::Open {
                    None
                } else {
                    operator
                };
                let stage = Stage {
                    status: to,
                    proposed: mv == Move::Propose,
                };
                // What the view offers follows the model.
                let offered: Vec<Move> = serde_json::from_value(body["moves"].clone()).unwrap();
                let mut model = app::tickets::moves_for(role, stage);
                model.retain(|m| *m != Move::Escalate);
                assert_eq!(offered, model, "{context}");
                tickets[t] = (id, client, stage, operator);
                moved += 1;
            }
            None => {
                assert!(code_ >= 400, "{context}");
                assert_eq!(after, before, "{context}");
            }
        }
    }
    assert!(
        moved >= 20,
        "seed {seed}: only {moved} moves succeeded; the walk explored too little"
    );
    // Whatever the walk did, each ticket's statistics facts are what its log says.
    crate::stats::facts_agree_with_the_log(&app).await;
    app.stop().await;
}

async fn categories_are_managed_by_admins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, _, _) = desk(&app).await;
    let save = |id: Option<i64>, name: &str, active: bool| json!({"input": {"id": id, "name": name, "active": active}});
    let (status, list) = admin
        .call("categories/save", save(None, "Printers", true))
        .await;
    assert_eq!(status, 200, "{list}");
    let (_, list) = admin
        .call("categories/save", save(None, "Network", true))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    let (status, body) = admin
        .call("categories/save", save(None, "printers", true))
        .await;
    assert_eq!((status, body["problem"].as_str()), (422, Some("taken")));
    let (status, _) = client
        .call("categories/save", save(None, "Mine", true))
        .await;
    assert_eq!(status, 403);

    let id_of = |list: &Value, name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (printers, network) = (id_of(&list, "Printers"), id_of(&list, "Network"));
    // Deactivated: kept for admins, no longer offered to clients or accepted from them.
    let (status, _) = admin
        .call("categories/save", save(Some(network), "Network", false))
        .await;
    assert_eq!(status, 200);
    let (_, offered) = client.call("categories/list", json!({})).await;
    let names: Vec<&str> = offered
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Printers"]);
    let (_, all) = admin.call("categories/list", json!({})).await;
    assert_eq!(all.as_array().unwrap().len(), 2);
    let mut input = new_ticket("Offline", "c-1");
    input["input"]["category_id"] = json!(network);
    let (status, body) = client.call("tickets/create", input).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("category")));
    let mut input = new_ticket("Jammed", "c-2");
    input["input"]["category_id"] = json!(printers);
    let (status, body) = client.call("tickets/create", input).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ticket"]["category"], "Printers");
    app.stop().await;
}

async fn staff_edit_fields_and_the_history_keeps_each_change(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let printers = add_category(&admin, "Printers", false).await;
    let id = open_ticket(&client, "Jammed", "e-1").await;
    assign(&admin, id, operator_id).await;
    let edit = |priority: &str, category: Option<i64>| json!({"input": {"ticket_id": id, "priority": priority, "category_id": category}});
    let (status, body) = client.call("tickets/edit", edit("critical", None)).await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    let (status, detail) = operator
        .call("tickets/edit", edit("critical", Some(printers)))
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["ticket"]["priority"], "critical");
    assert_eq!(detail["ticket"]["category"], "Printers");
    let edits = |d: &Value| -> Vec<String> {
        d["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| kind(e) == "priority" || kind(e) == "category")
            .map(|e| format!("{}:{}->{}", kind(e), carried(e)["from"], carried(e)["to"]))
            .collect()
    };
    assert_eq!(
        edits(&detail),
        [
            "priority:\"high\"->\"critical\"",
            "category:null->\"Printers\""
        ]
    );
    // Nothing changed: nothing recorded.
    let (_, same) = operator
        .call("tickets/edit", edit("critical", Some(printers)))
        .await;
    assert_eq!(edits(&same).len(), 2);
    // The client sees the change too.
    let (_, seen) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(edits(&seen).len(), 2);
    step_ok(&client, id, "close", None).await;
    let (status, _) = admin.call("tickets/edit", edit("low", None)).await;
    assert_eq!(status, 409, "a closed ticket is not edited");
    app.stop().await;
}

async fn admin_filters_narrow_the_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, ana, op1, op1_id) = desk(&app).await;
    let (bojan, _) = app.user(&admin, "Bojan Babić", "client").await;
    let (_, op2_name) = app.user(&admin, "Vesna Lukić", "operator").await;
    let (_, accounts) = admin.call("accounts/overview", json!({})).await;
    let account = |username: &str| {
        accounts["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == username)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (op2_id, bojan_id) = (account(&op2_name), account("bojan.babic"));
    let network = add_category(&admin, "Network", false).await;

    let a1 = open_ticket(&ana, "Ana one", "f-1").await;
    let mut low = new_ticket("Ana two", "f-2");
    low["input"]["priority"] = json!("low");
    low["input"]["category_id"] = json!(network);
    let (_, a2) = ana.call("tickets/create", low).await;
    let a2 = a2["ticket"]["id"].as_i64().unwrap();
    let later = app.state.clock.now_ms() + 60_000;
    app.state.clock.advance_ms(120_000);
    let b1 = open_ticket(&bojan, "Bojan one", "f-3").await;
    assign(&admin, a1, op1_id).await;
    assign(&admin, b1, op2_id).await;
    let _ = op1;

    let ids = |filter: Value| {
        let admin = &admin;
        async move {
            let (status, page) = admin.call("tickets/list", json!({ "query": filter })).await;
            assert_eq!(status, 200, "{page}");
            page["tickets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(ids(json!({})).await, [b1, a2, a1]);
    assert_eq!(ids(json!({"operator_id": op1_id})).await, [a1]);
    assert_eq!(ids(json!({"client_id": bojan_id})).await, [b1]);
    assert_eq!(ids(json!({"category_id": network})).await, [a2]);
    assert_eq!(ids(json!({"priority": "low"})).await, [a2]);
    assert_eq!(ids(json!({"from": later})).await, [b1]);
    assert_eq!(ids(json!({"until": later})).await, [a2, a1]);
    assert_eq!(
        ids(json!({"operator_id": op2_id, "status": "assigned"})).await,
        [b1]
    );
    // A client's list stays its own, whatever filter it sends.
    let (_, own) = ana
        .call("tickets/list", json!({"query": {"client_id": bojan_id}}))
        .await;
    assert_eq!(own["tickets"].as_array().unwrap().len(), 2);
    app.stop().await;
}

/// How many rows of `kind` a ticket's history holds, as staff see it.
async fn events_of(staff: &Browser, id: i64, of_kind: &str) -> usize {
    let (_, view) = staff.call("tickets/view", json!({"ticket_id": id})).await;
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| kind(e) == of_kind)
        .count()
}

async fn retried_writes_are_answered_not_repeated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let id = open_ticket(&client, "Retried", "key-retried-1").await;
    assign(&admin, id, operator_id).await;
    // A message whose answer was lost, sent again with its key: stored once, answered twice.
    let message = |body: &str| {
        json!({"input": {"ticket_id": id, "body": body, "internal": false,
        "idempotency_key": "msg-1"}})
    };
    for _ in 0..3 {
        let (status, body) = client.call("tickets/post", message("Is it fixed?")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["messages"].as_array().unwrap().len(), 1, "{body}");
    }
    let (status, body) = client.call("tickets/post", message("Something else")).await;
    assert_eq!((status, code(&body)), (409, "idempotency_conflict"));
    // Keys are the sender's own: another user's same key is another request.
    let (status, body) = operator
        .call("tickets/post", json!({"input": {"ticket_id": id, "body": "Looking", "internal": false, "idempotency_key": "msg-1"}}))
        .await;
    assert_eq!(
        (status, body["messages"].as_array().unwrap().len()),
        (200, 2)
    );
    // A move retried after it happened: the same answer, not "not possible now".
    let start = json!({"input": {"ticket_id": id, "step": "start", "text": null, "operator_id": null, "idempotency_key": "start-1"}});
    for _ in 0..2 {
        let (status, body) = operator.call("tickets/move", start.clone()).await;
        assert_eq!(
            (status, body["ticket"]["status"].clone()),
            (200, json!("in_progress")),
            "{body}"
        );
    }
    // (Assigned, then started: two moves, not three.)
    assert_eq!(events_of(&operator, id, "status").await, 2);
    // Edits, forced changes and uploads alike.
    let edit = json!({"input": {"ticket_id": id, "priority": "critical", "category_id": null, "idempotency_key": "edit-1"}});
    let force = json!({"input": {"ticket_id": id, "status": "returned_to_client", "operator_id": null,
        "reason": "Asked by phone", "idempotency_key": "force-1"}});
    for _ in 0..2 {
        assert_eq!(operator.call("tickets/edit", edit.clone()).await.0, 200);
        assert_eq!(admin.call("tickets/force", force.clone()).await.0, 200);
    }
    assert_eq!(events_of(&admin, id, "priority").await, 1);
    assert_eq!(events_of(&admin, id, "forced").await, 1);
    let upload = || async {
        let res = client
            .http
            .post(format!("{}/api/attachments", client.base))
            .query(&[("name", "notes.txt"), ("key", "file-1")])
            .header("origin", &client.base)
            .body("the same notes")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        res.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    };
    assert_eq!(upload().await, upload().await);
    assert_eq!(app.stored_files(), 1);
    // After a week the keys are forgotten.
    app.state
        .clock
        .advance_ms(app::server::replay::KEPT_FOR_MS + 1);
    assert_eq!(
        app::server::replay::forget_old(&app.state).await.unwrap(),
        6
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_keys")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    app.stop().await;
}

async fn a_returned_ticket_always_has_a_next_step(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let id = open_ticket(&client, "Returned", "key-returned-1").await;
    assign(&admin, id, operator_id).await;
    step_ok(&operator, id, "start", None).await;
    step_ok(&operator, id, "return_to_client", Some("Which model?")).await;
    // The client answers in the message box: that is the answer, the ticket goes back to work.
    let (status, answered) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": "The LX-300.", "internal": false}}),
        )
        .await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["ticket"]["status"], "in_progress");
    assert_eq!(
        status_changes(&answered).last().map(String::as_str),
        Some("status:in_progress")
    );
    // A client who never answers does not hold the operator: resume, or close with a resolution.
    step_ok(&operator, id, "return_to_client", Some("And the serial?")).await;
    let resumed = step_ok(&operator, id, "start", None).await;
    assert_eq!(resumed["ticket"]["status"], "in_progress");
    step_ok(&operator, id, "return_to_client", Some("Still the serial?")).await;
    let (_, seen) = operator
        .call("tickets/view", json!({"ticket_id": id}))
        .await;
    assert_eq!(seen["moves"], json!(["start", "close"]));
    let closed = step_ok(&operator, id, "close", Some("No answer; closing.")).await;
    assert_eq!(closed["ticket"]["status"], "closed");
    // An operator's message on a returned ticket leaves it returned (it is the client's turn).
    let other = open_ticket(&client, "Returned again", "key-returned-2").await;
    assign(&admin, other, operator_id).await;
    step_ok(&operator, other, "start", None).await;
    step_ok(&operator, other, "return_to_client", Some("Which model?")).await;
    let (_, posted) = operator
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": other, "body": "Any news?", "internal": false}}),
        )
        .await;
    assert_eq!(posted["ticket"]["status"], "returned_to_client");
    app.stop().await;
}

async fn the_composer_previews_what_will_be_sent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_admin, client, operator, _) = desk(&app).await;
    for who in [&client, &operator] {
        let (status, html) = who
            .call(
                "tickets/preview",
                json!({"text": "**bold**\n- one\n<script>alert(1)</script>"}),
            )
            .await;
        assert_eq!(status, 200, "{html}");
        let html = html.as_str().expect("HTML text");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }
    // The rules of a message hold: nothing but invisible characters is no text at all.
    let (status, refused) = client
        .call("tickets/preview", json!({"text": "\u{200b} "}))
        .await;
    assert_eq!((status, refused["code"].as_str()), (422, Some("invalid")));
    let (status, _) = app
        .browser()
        .call("tickets/preview", json!({"text": "hi"}))
        .await;
    assert_eq!(status, 401);
    app.stop().await;
}

/// The version a view shows: its last history row.
fn version_of(detail: &Value) -> i64 {
    detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["id"].as_i64())
        .max()
        .unwrap()
}

async fn view_of(who: &Browser, id: i64) -> Value {
    let (status, view) = who.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(status, 200, "{view}");
    view
}

/// A reply, move or edit made against an older version than the server's is refused — with
/// the version to look at — and changes nothing; after looking, the same sends go through.
/// What the sender did themselves and (for a client) notes it cannot see make nothing stale.
async fn changes_against_a_stale_version_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let id = open_ticket(&client, "Scanner", "stale-1").await;
    assign(&admin, id, operator_id).await;
    let began = version_of(&view_of(&operator, id).await);
    // The client writes while the operator is writing a reply.
    let (status, body) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": "It smokes now.", "internal": false}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let messages = |v: &Value| v["messages"].as_array().unwrap().len();
    let before = view_of(&operator, id).await;
    let reply = json!({"input": {"ticket_id": id, "body": "Try turning it off.", "internal": false, "seen": began}});
    let (status, refused) = operator.call("tickets/post", reply.clone()).await;
    assert_eq!((status, code(&refused)), (409, "stale"), "{refused}");
    assert_eq!(refused["version"], json!(version_of(&before)));
    let (status, refused) = operator
        .call(
            "tickets/move",
            json!({"input": {"ticket_id": id, "step": "start", "text": null, "operator_id": null, "seen": began}}),
        )
        .await;
    assert_eq!((status, code(&refused)), (409, "stale"), "{refused}");
    let (status, refused) = operator
        .call("tickets/edit", json!({"input": {"ticket_id": id, "priority": "low", "category_id": null, "seen": began}}))
        .await;
    assert_eq!((status, code(&refused)), (409, "stale"), "{refused}");
    let (status, refused) = admin
        .call("tickets/force", json!({"input": {"ticket_id": id, "status": "closed", "operator_id": null, "reason": "Duplicate", "seen": began}}))
        .await;
    assert_eq!((status, code(&refused)), (409, "stale"), "{refused}");
    let after = view_of(&operator, id).await;
    assert_eq!(after, before, "a refused change changes nothing");
    // Having looked, the operator sends against what is there now; their own changes since do
    // not make the next one stale.
    let seen = json!(version_of(&after));
    let reply = json!({"input": {"ticket_id": id, "body": "Try turning it off.", "internal": false, "seen": seen}});
    let (status, sent) = operator.call("tickets/post", reply).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(messages(&sent), messages(&after) + 1);
    let (status, body) = operator
        .call(
            "tickets/move",
            json!({"input": {"ticket_id": id, "step": "start", "text": null, "operator_id": null, "seen": seen}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // A client is not held up by an internal note it cannot see.
    let client_saw = version_of(&view_of(&client, id).await);
    let (status, body) = operator
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": "marker-internal", "internal": true}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": "Any news?", "internal": false, "seen": client_saw}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // An admin's change while the client wrote counts like anyone's.
    let second = open_ticket(&client, "Mouse", "stale-2").await;
    let opened = version_of(&view_of(&client, second).await);
    let (status, body) = admin
        .call("tickets/force", json!({"input": {"ticket_id": second, "status": "assigned", "operator_id": operator_id, "reason": "Admin's pick"}}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, refused) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": second, "body": "Also the cable.", "internal": false, "seen": opened}}),
        )
        .await;
    assert_eq!((status, code(&refused)), (409, "stale"), "{refused}");
    app.stop().await;
}

on_both_databases!(
    changes_against_a_stale_version_are_refused,
    the_composer_previews_what_will_be_sent,
    a_returned_ticket_always_has_a_next_step,
    retried_writes_are_answered_not_repeated,
    simultaneous_creations_all_succeed,
    search_finds_only_what_the_caller_may_see,
    random_actions_never_break_the_rules,
    a_ticket_lives_its_whole_life,
    clients_see_only_their_own_tickets_and_never_a_note,
    admins_force_any_status_with_a_reason_on_record,
    history_cannot_be_rewritten,
    lists_page_by_keyset_without_gaps_or_repeats,
    reopening_has_a_window_and_falls_back_to_the_queue,
    categories_are_managed_by_admins,
    staff_edit_fields_and_the_history_keeps_each_change,
    admin_filters_narrow_the_list,
);
