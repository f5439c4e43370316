//! The audit log: every use of an admin's powers leaves exactly one row (the access matrix
//! walked, then each act that needs a real object), sign-ins and one's own password and second
//! factor are recorded, the admin filters it, and the database refuses to change or delete a row
//! — on SQLite and PostgreSQL.

use crate::auth::sample_body;
use crate::common::{code, open_ticket, test_config, Backend, Browser, TestApp, USER_PASSWORD};
use app::api::{endpoints, Endpoint, Guard};
use app::server::{licence, totp};
use serde_json::{json, Value};

/// The admin's functions that only read: they leave no row.
const READS: &[&str] = &[
    "/api/accounts/overview",
    "/api/assignment/floor",
    "/api/audit/list",
    "/api/call/settings",
    "/api/kb/analytics",
    "/api/kb/publishers",
    "/api/mail/held",
    "/api/mail/outbox",
    "/api/mail/settings",
    "/api/privacy/notice",
    "/api/privacy/retention",
    "/api/privacy/retention_preview",
    "/api/settings/ticket_settings",
    "/api/sla/levels",
    "/api/stats/overview",
    "/api/stats/report",
    "/api/stats/reports",
    "/api/stats/sla",
    "/api/two_factor/roles",
    "/api/webhooks/deliveries",
    "/api/webhooks/list",
];

async fn rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// The newest rows the admin reads, filtered by `query`.
async fn read(admin: &Browser, query: Value) -> Vec<Value> {
    let (status, page) = admin.call("audit/list", json!({"query": query})).await;
    assert_eq!(status, 200, "{page}");
    page["entries"].as_array().unwrap().clone()
}

/// Calls an admin function that must succeed and leave exactly one row: that row.
async fn one_row(app: &TestApp, admin: &Browser, endpoint: &str, body: Value) -> Value {
    let before = rows(app).await;
    let (status, answer) = admin.call(endpoint, body).await;
    assert_eq!(status, 200, "{endpoint}: {answer}");
    assert_eq!(rows(app).await, before + 1, "{endpoint}");
    read(admin, json!({})).await[0].clone()
}

async fn every_use_of_admin_powers_leaves_exactly_one_row(backend: Backend) {
    let (text, key) = licence::self_signed(&licence::unlimited("Audited Ltd"));
    let mut config = test_config();
    config.licence_keys.push(key);
    let app = TestApp::spawn_with(backend, config).await;
    let admin = app.admin().await;
    let admin_id = admin.id().await;
    // The matrix: a function that acted leaves one row; one that was refused, none.
    for Endpoint { path, guard } in endpoints() {
        if guard != Guard::Admin {
            continue;
        }
        let before = rows(&app).await;
        let (status, body) = admin
            .call(path.trim_start_matches("/api/"), sample_body(path))
            .await;
        let expected = if status == 200 && !READS.contains(&path) {
            1
        } else {
            0
        };
        assert_eq!(
            rows(&app).await - before,
            expected,
            "{path}: {status} {body}"
        );
    }

    // Each act on a real object: who, on what, what changed.
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, operator_name) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let operator_id = operator.id().await;
    let client_id = client.id().await;
    let ticket = open_ticket(&client, "Printer on fire", "audit-key-0001").await;
    let row = one_row(
        &app,
        &admin,
        "accounts/reset_password",
        json!({"account_id": client_id}),
    )
    .await;
    assert_eq!(
        (
            &row["action"],
            &row["actor"],
            &row["actor_id"],
            &row["target_id"],
            &row["detail"]
        ),
        (
            &json!("password_reset"),
            &json!("admin"),
            &json!(admin_id),
            &json!(client_id),
            &json!("ana.kovac")
        )
    );
    assert_eq!(row["address"], "127.0.0.1");
    let row = one_row(
        &app,
        &admin,
        "accounts/set_disabled",
        json!({"input": {"account_id": client_id, "disabled": true}}),
    )
    .await;
    assert_eq!(row["action"], "account_disabled");
    let row = one_row(
        &app,
        &admin,
        "accounts/set_disabled",
        json!({"input": {"account_id": client_id, "disabled": false}}),
    )
    .await;
    assert_eq!(row["action"], "account_enabled");
    let setup = operator.call("two_factor/begin", json!({})).await.1;
    let secret = totp::from_base32(setup["secret"].as_str().unwrap()).unwrap();
    let first = totp::code_at(&secret, totp::step_at(app.state.clock.now_ms())).unwrap();
    assert_eq!(
        operator
            .call("two_factor/confirm", json!({"code": first}))
            .await
            .0,
        200
    );
    let row = one_row(
        &app,
        &admin,
        "accounts/reset_second_factor",
        json!({"account_id": operator_id}),
    )
    .await;
    assert_eq!(
        (&row["action"], &row["target_id"], &row["detail"]),
        (
            &json!("second_factor_reset"),
            &json!(operator_id),
            &json!(operator_name)
        )
    );
    let row = one_row(
        &app,
        &admin,
        "assignment/set_plan",
        json!({"input": {"operator_id": operator_id,
        "capacity": 4, "skills": [], "hours": [], "days_off": []}}),
    )
    .await;
    assert_eq!(
        (&row["action"], &row["detail"]),
        (&json!("plan_set"), &json!("capacity 4"))
    );
    let row = one_row(
        &app,
        &admin,
        "kb/set_publisher",
        json!({"operator_id": operator_id, "allowed": true}),
    )
    .await;
    assert_eq!(row["action"], "publisher_set");
    let row = one_row(
        &app,
        &admin,
        "tickets/force",
        json!({"input": {"ticket_id": ticket,
        "status": "closed", "operator_id": null, "reason": "Duplicate of another"}}),
    )
    .await;
    assert_eq!(
        (&row["action"], &row["target_id"], &row["detail"]),
        (
            &json!("ticket_forced"),
            &json!(ticket),
            &json!("closed: Duplicate of another")
        )
    );
    let (_, reports) = admin.call("stats/reports", json!({})).await;
    let report = reports[0]["id"]
        .as_i64()
        .expect("the matrix saved a report");
    let row = one_row(&app, &admin, "stats/delete_report", json!({"id": report})).await;
    assert_eq!(row["action"], "report_deleted");
    let row = one_row(
        &app,
        &admin,
        "accounts/install_licence",
        json!({"text": text}),
    )
    .await;
    assert_eq!(
        (&row["action"], &row["detail"]),
        (&json!("licence_installed"), &json!("Audited Ltd"))
    );
    app.stop().await;
}

async fn sign_ins_and_ones_own_changes_are_recorded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (person, username) = app.user(&admin, "Ana Kovač", "client").await;
    let elsewhere = Browser::from_address(&app.base, [127, 0, 0, 5]);
    let (status, _) = elsewhere
        .sign_in(&username, "not the password", "client")
        .await;
    assert_eq!(status, 401);
    elsewhere
        .sign_in_ok(&username, USER_PASSWORD, "client")
        .await;
    let (status, _) = elsewhere.sign_in("nobody.at.all", "guess", "client").await;
    assert_eq!(status, 401);
    person
        .set_password(Some(USER_PASSWORD), "another fine phrase")
        .await;

    let mine = read(&admin, json!({"actor": "ANA.KOV"})).await;
    let acts: Vec<_> = mine.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        acts,
        [
            "password_changed",
            "signed_in",
            "sign_in_failed",
            "password_changed",
            "signed_in"
        ],
        "newest first: {mine:?}"
    );
    assert_eq!(
        (&mine[2]["address"], &mine[2]["detail"]),
        (&json!("127.0.0.5"), &json!("wrong_credentials"))
    );
    assert_eq!(mine[2]["actor_id"], Value::Null);
    // A name that does not exist is recorded as tried.
    let failed = read(&admin, json!({"action": "sign_in_failed"})).await;
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0]["actor"], "nobody.at.all");
    // Pages, newest first.
    let all = read(&admin, json!({})).await;
    let older = read(&admin, json!({"before": all[1]["id"]})).await;
    assert_eq!(older[0]["id"], all[2]["id"]);
    let none = read(&admin, json!({"from": app.state.clock.now_ms() + 1})).await;
    assert!(none.is_empty());
    // Nobody else reads it.
    let (status, body) = person.call("audit/list", json!({"query": {}})).await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    app.stop().await;
}

async fn nobody_changes_or_deletes_a_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let _admin = app.admin().await;
    assert!(rows(&app).await > 0, "the admin's sign-in is recorded");
    for sql in [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET detail = 'rewritten'",
        "UPDATE audit_log SET at = at + 1, actor = '[erased]'",
        "UPDATE audit_log SET action = 'sign_in_failed', detail = '[erased]'",
        "DELETE FROM audit_log",
    ] {
        let refused = sqlx::query(sql).execute(&app.state.db.pool).await;
        assert!(refused.is_err(), "{sql} went through");
    }
    let actors = || async {
        sqlx::query_scalar::<_, String>("SELECT actor FROM audit_log")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap()
    };
    assert!(actors().await.iter().all(|a| a == "admin"));
    // The one change allowed: an erased person's name, address or words replaced.
    sqlx::query("UPDATE audit_log SET actor = '[erased]', address = '[erased]'")
        .execute(&app.state.db.pool)
        .await
        .expect("an erasure's change");
    assert!(actors().await.iter().all(|a| a == "[erased]"));
    app.stop().await;
}

on_both_databases!(
    every_use_of_admin_powers_leaves_exactly_one_row,
    sign_ins_and_ones_own_changes_are_recorded,
    nobody_changes_or_deletes_a_row,
);
