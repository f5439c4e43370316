//! Account administration, the edition's limits and the company name — on both databases.

use crate::common::{code, test_config, Backend, TestApp, ADMIN_PASSWORD, USER_PASSWORD};
use app::server::Config;
use serde_json::{json, Value};

async fn account_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn usernames_follow_the_template_and_clashes_get_numbers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let made = [
        ("Đorđe Šarić", "operator", "djordje.saric"),
        ("Ana Kovač", "client", "ana.kovac"),
        ("Ana Kovač", "client", "ana.kovac2"),
        ("  ana   KOVAČ ", "client", "ana.kovac3"),
        ("Žana Ćosić", "client", "zana.cosic"),
        ("Ana Marija Kovačević", "client", "ana.kovacevic"),
    ];
    for (name, role, expected) in made {
        let before = app.state.clock.now_ms();
        let (status, issued) = admin
            .call(
                "accounts/create",
                json!({"input": {"full_name": name, "email": "someone@example.ba", "role": role}}),
            )
            .await;
        assert_eq!(status, 200, "{issued}");
        assert_eq!(issued["account"]["username"], expected, "from {name:?}");
        assert_eq!(issued["account"]["full_name"], name.trim());
        assert_eq!(issued["account"]["must_change_password"], true);
        let otp = issued["one_time_password"].as_str().unwrap();
        assert!(otp.len() >= 16 && otp.chars().all(|c| c.is_ascii_alphanumeric()));
        let ttl = issued["expires_at"].as_i64().unwrap() - before;
        assert!(
            (72 * 3_600_000 - 5_000..=72 * 3_600_000 + 5_000).contains(&ttl),
            "ttl {ttl}"
        );
    }
    let (_, list) = admin.call("accounts/overview", json!({})).await;
    let names: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["username"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    for expected in ["admin", "djordje.saric", "ana.kovac2", "zana.cosic"] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    app.stop().await;
}

async fn bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let before = account_count(&app).await;
    let cases = [
        (
            json!({"full_name": "   ", "email": null, "role": "client"}),
            "full_name",
            json!("required"),
        ),
        (
            json!({"full_name": "x".repeat(101), "email": null, "role": "client"}),
            "full_name",
            json!({"too_long": {"max": 100}}),
        ),
        (
            json!({"full_name": "Ana\u{7}Kovač", "email": null, "role": "client"}),
            "full_name",
            json!("malformed"),
        ),
        (
            json!({"full_name": "Ana Kovač", "email": "not-an-address", "role": "client"}),
            "email",
            json!("malformed"),
        ),
    ];
    for (input, field, problem) in cases {
        let (status, body) = admin
            .call("accounts/create", json!({ "input": input }))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            (code(&body), &body["field"], &body["problem"]),
            ("invalid", &json!(field), &problem)
        );
    }
    let (status, body) = admin
        .call(
            "accounts/create",
            json!({"input": {"full_name": "Ana", "role": "superuser"}}),
        )
        .await;
    assert_eq!((status, code(&body)), (400, "bad_request"));
    let (status, body) = admin
        .call("accounts/reset_password", json!({"account_id": 424242}))
        .await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    assert_eq!(account_count(&app).await, before);
    app.stop().await;
}

async fn the_free_edition_allows_one_admin_and_two_operators(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    app.create_account(&admin, "Operator One", "operator").await;
    let (_, _, second) = app.create_account(&admin, "Operator Two", "operator").await;
    let (status, body) = admin
        .call(
            "accounts/create",
            json!({"input": {"full_name": "Operator Three", "role": "operator", "email": null}}),
        )
        .await;
    assert_eq!(
        (status, code(&body), body["limit"].clone()),
        (409, "edition_limit", json!(2))
    );
    let (status, body) = admin
        .call(
            "accounts/create",
            json!({"input": {"full_name": "Second Admin", "role": "admin", "email": null}}),
        )
        .await;
    assert_eq!(
        (status, code(&body), body["limit"].clone()),
        (409, "edition_limit", json!(1))
    );
    for i in 0..5 {
        app.create_account(&admin, &format!("Client {i}"), "client")
            .await;
    }
    // A disabled operator frees a place; enabling it again is then over the limit.
    admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": second, "disabled": true}}),
        )
        .await;
    app.create_account(&admin, "Operator Three", "operator")
        .await;
    let (status, body) = admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": second, "disabled": false}}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "edition_limit"));
    let (_, overview) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(overview["edition"], "free");
    let operators = overview["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["role"] == "operator")
        .unwrap()
        .clone();
    assert_eq!(
        operators,
        json!({"role": "operator", "active": 2, "limit": 2})
    );
    app.stop().await;
}

fn usage(overview: &Value, role: &str) -> Value {
    overview["usage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["role"] == role)
        .unwrap()
        .clone()
}

async fn a_signed_licence_sets_the_limits_until_it_expires(backend: Backend) {
    use app::server::licence;
    let day = |d| jiff::civil::date(2026, 12, d);
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let terms = licence::Terms {
        licensee: "Acme d.o.o.".into(),
        admins: None,
        operators: Some(3),
        issued: day(1),
        expires: Some(today.saturating_add(jiff::Span::new().days(10))),
    };
    let (private, public) = licence::keygen();
    let mut config = crate::common::test_config();
    config.time_zone = jiff::tz::TimeZone::UTC;
    config
        .licence_keys
        .push(licence::public_key(&public).unwrap());
    let app = TestApp::spawn_with(backend, config).await;
    let admin = app.admin().await;
    let text = licence::issue(&private, &terms).unwrap();
    let install = |text: String| {
        let admin = &admin;
        async move {
            let (status, body) = admin
                .call("accounts/install_licence", json!({"text": text}))
                .await;
            (status, body["licence"].clone(), body)
        }
    };

    // Refused, each with its reason, and nothing installed.
    let tampered = text.replace("operators: 3", "operators: 300");
    let (other, _) = licence::self_signed(&terms);
    let expired = licence::issue(
        &private,
        &licence::Terms {
            expires: Some(today.yesterday().unwrap()),
            ..terms.clone()
        },
    )
    .unwrap();
    for (bad, why) in [
        (tampered, "tampered"),
        (other, "unknown_key"),
        (expired, "expired"),
        (
            "Dear vendor, please unlock everything.".to_string(),
            "malformed",
        ),
    ] {
        let (status, reason, body) = install(bad).await;
        assert_eq!((status, code(&body), reason), (422, "licence", json!(why)));
    }
    let (_, overview) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(
        (&overview["edition"], &overview["licence"]),
        (&json!("free"), &Value::Null)
    );

    // Installed: its seats are the limits.
    let (status, _, overview) = install(text).await;
    assert_eq!(status, 200, "{overview}");
    assert_eq!(overview["edition"], "commercial");
    assert_eq!(overview["licence"]["licensee"], "Acme d.o.o.");
    assert_eq!(overview["licence"]["expired"], false);
    assert_eq!(usage(&overview, "admin")["limit"], Value::Null);
    assert_eq!(usage(&overview, "operator")["limit"], 3);
    let mut operators = Vec::new();
    for name in ["Operator One", "Operator Two", "Operator Three"] {
        operators.push(app.user(&admin, name, "operator").await.1);
    }
    app.create_account(&admin, "Second Admin", "admin").await;
    let (status, body) = admin
        .call(
            "accounts/create",
            json!({"input": {"full_name": "Operator Four", "role": "operator", "email": null}}),
        )
        .await;
    assert_eq!(
        (status, code(&body), &body["limit"]),
        (409, "edition_limit", &json!(3))
    );

    // Expired: free limits again, nothing deleted, everyone still signs in, no new staff.
    let accounts = account_count(&app).await;
    app.state.clock.advance_ms(11 * 24 * 3_600_000);
    let admin = app.browser();
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let (_, overview) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(overview["edition"], "free");
    assert_eq!(overview["licence"]["expired"], true);
    assert_eq!(
        usage(&overview, "operator"),
        json!({"role": "operator", "active": 3, "limit": 2})
    );
    assert_eq!(usage(&overview, "admin")["active"], 2);
    assert_eq!(account_count(&app).await, accounts);
    for username in &operators {
        app.browser()
            .sign_in_ok(username, USER_PASSWORD, "operator")
            .await;
    }
    let (status, body) = admin
        .call(
            "accounts/create",
            json!({"input": {"full_name": "Operator Four", "role": "operator", "email": null}}),
        )
        .await;
    assert_eq!(
        (status, code(&body), &body["limit"]),
        (409, "edition_limit", &json!(2))
    );
    app.create_account(&admin, "Still A Client", "client").await;
    app.stop().await;
}

async fn admins_cannot_lock_themselves_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let id = admin.id().await;
    let (status, body) = admin
        .call("accounts/reset_password", json!({"account_id": id}))
        .await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    let (status, _) = admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": id, "disabled": true}}),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(admin.me().await.0, 200);
    app.stop().await;
}

async fn the_company_name_is_public_and_only_admins_set_it(backend: Backend) {
    let config = Config {
        time_zone: jiff::tz::TimeZone::get("Europe/Sarajevo").expect("a known zone"),
        ..test_config()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let anyone = app.browser();
    let (status, info) = anyone.call("settings/public_info", json!({})).await;
    assert_eq!(
        (status, info),
        (
            200,
            json!({"company_name": null, "time_zone": "Europe/Sarajevo"})
        )
    );
    let admin = app.admin().await;
    let (status, _) = admin
        .call(
            "settings/set_company_name",
            json!({"name": "  Elektro Mostar d.o.o. "}),
        )
        .await;
    assert_eq!(status, 200);
    for bad in ["", "   ", &"x".repeat(101)] {
        let (status, body) = admin
            .call("settings/set_company_name", json!({"name": bad}))
            .await;
        assert_eq!(
            (status, body["field"].clone()),
            (422, json!("company_name"))
        );
    }
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (status, _) = client
        .call("settings/set_company_name", json!({"name": "Hijack"}))
        .await;
    assert_eq!(status, 403);
    let (_, info) = anyone.call("settings/public_info", json!({})).await;
    assert_eq!(info["company_name"], "Elektro Mostar d.o.o.");
    app.stop().await;
}

on_both_databases!(
    usernames_follow_the_template_and_clashes_get_numbers,
    bad_input_is_refused_and_changes_nothing,
    the_free_edition_allows_one_admin_and_two_operators,
    a_signed_licence_sets_the_limits_until_it_expires,
    admins_cannot_lock_themselves_out,
    the_company_name_is_public_and_only_admins_set_it,
);

#[test]
fn every_server_function_is_listed_in_the_access_matrix() {
    let mut registered: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    registered.sort();
    let mut listed: Vec<&str> = app::api::endpoints().iter().map(|e| e.path).collect();
    listed.sort();
    assert_eq!(registered, listed);
}
