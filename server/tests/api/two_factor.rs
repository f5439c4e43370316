//! Two-factor sign-in: setting it up, codes at sign-in (once each, counted in the limits),
//! recovery codes, turning it off, an admin's reset, and the roles that must have it — on
//! SQLite and PostgreSQL. The codes are computed here from the secret the server shows, as an
//! authenticator app would.

use crate::auth::sample_body;
use crate::common::{code, Backend, Browser, TestApp, USER_PASSWORD};
use app::api::{endpoints, Endpoint, Guard};
use app::server::totp;
use serde_json::{json, Value};

/// The code an authenticator app shows for `secret` now (by the server's clock).
fn code_now(app: &TestApp, secret: &str) -> String {
    let bytes = totp::from_base32(secret).expect("a base32 secret");
    totp::code_at(&bytes, totp::step_at(app.state.clock.now_ms())).expect("a code")
}

/// Sets up a second factor for the signed-in `who`: its secret and recovery codes.
async fn set_up(app: &TestApp, who: &Browser) -> (String, Vec<String>) {
    let (status, setup) = who.call("two_factor/begin", json!({})).await;
    assert_eq!(status, 200, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_string();
    let (status, codes) = who
        .call(
            "two_factor/confirm",
            json!({"code": code_now(app, &secret)}),
        )
        .await;
    assert_eq!(status, 200, "{codes}");
    let codes = codes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (secret, codes)
}

async fn sign_in_with(b: &Browser, username: &str, code: &str) -> (u16, Value) {
    b.call(
        "session/sign_in",
        json!({"input": {"username": username, "password": USER_PASSWORD, "app": "operator",
            "code": code}}),
    )
    .await
}

async fn status(b: &Browser) -> Value {
    let (status, body) = b.call("two_factor/status", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn a_second_factor_is_set_up_and_asked_for_at_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    admin
        .call("settings/set_company_name", json!({"name": "Acme & Co"}))
        .await;
    let (operator, username) = app.user(&admin, "Ana Kovač", "operator").await;
    let elsewhere = app.browser();
    elsewhere
        .sign_in_ok(&username, USER_PASSWORD, "operator")
        .await;
    assert_eq!(
        status(&operator).await,
        json!({"on": false, "required": false, "recovery_codes_left": 0})
    );

    // The app reads the secret from the QR code's address, named for the company and person.
    let (_, setup) = operator.call("two_factor/begin", json!({})).await;
    let secret = setup["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    assert_eq!(
        setup["uri"],
        format!(
            "otpauth://totp/Acme%20%26%20Co:{username}?secret={secret}&issuer=Acme%20%26%20Co\
             &algorithm=SHA1&digits=6&period=30"
        )
    );
    assert!(setup["qr_width"].as_u64().unwrap() >= 21);
    assert!(setup["qr_path"]
        .as_str()
        .unwrap()
        .starts_with("M0 0h7v1h-7z"));
    // A wrong first code turns nothing on.
    let (status_code, body) = operator
        .call("two_factor/confirm", json!({"code": "000000"}))
        .await;
    assert_eq!((status_code, &body["field"]), (422, &json!("code")));
    assert_eq!(status(&operator).await["on"], false);
    let first = code_now(&app, secret);
    let (status_code, codes) = operator
        .call("two_factor/confirm", json!({"code": first}))
        .await;
    assert_eq!(status_code, 200, "{codes}");
    let codes: Vec<String> = serde_json::from_value(codes).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        status(&operator).await,
        json!({"on": true, "required": false, "recovery_codes_left": 10})
    );
    // The session that signed in without a code ends; this one stays.
    assert_eq!(elsewhere.me().await.0, 401);
    assert_eq!(operator.me().await.0, 200);

    // The password alone opens no session now.
    let laptop = app.browser();
    let (status_code, body) = laptop.sign_in(&username, USER_PASSWORD, "operator").await;
    assert_eq!((status_code, code(&body)), (401, "second_factor_needed"));
    assert_eq!(laptop.me().await.0, 401);
    // The code that confirmed is used up; so is each code that signs in.
    let (status_code, body) = sign_in_with(&laptop, &username, &first).await;
    assert_eq!((status_code, &body["field"]), (422, &json!("code")));
    app.state.clock.advance_ms(totp::STEP_MS);
    let next = code_now(&app, secret);
    let me = sign_in_with(&laptop, &username, &next).await;
    assert_eq!(me.0, 200, "{}", me.1);
    assert_eq!(laptop.me().await.0, 200);
    let (status_code, _) = sign_in_with(&app.browser(), &username, &next).await;
    assert_eq!(status_code, 422, "a code is accepted once");
    // A wrong password with the right code is still a wrong password.
    app.state.clock.advance_ms(totp::STEP_MS);
    let (status_code, body) = app
        .browser()
        .call(
            "session/sign_in",
            json!({"input": {"username": username, "password": "not my password",
                "app": "operator", "code": code_now(&app, secret)}}),
        )
        .await;
    assert_eq!((status_code, code(&body)), (401, "wrong_credentials"));

    // A recovery code signs in once, typed any way.
    let phone_lost = app.browser();
    let typed = codes[0].to_uppercase().replace('-', " ");
    assert_eq!(sign_in_with(&phone_lost, &username, &typed).await.0, 200);
    assert_eq!(
        sign_in_with(&app.browser(), &username, &codes[0]).await.0,
        422
    );
    assert_eq!(status(&operator).await["recovery_codes_left"], 9);
    // New recovery codes replace the old ones, with a code as proof.
    app.state.clock.advance_ms(totp::STEP_MS);
    let (status_code, _) = operator
        .call("two_factor/recovery_codes", json!({"code": "123456"}))
        .await;
    assert_eq!(status_code, 422);
    let (status_code, fresh) = operator
        .call(
            "two_factor/recovery_codes",
            json!({"code": code_now(&app, secret)}),
        )
        .await;
    assert_eq!(status_code, 200, "{fresh}");
    assert_eq!(fresh.as_array().map(Vec::len), Some(10));
    assert_eq!(
        sign_in_with(&app.browser(), &username, &codes[1]).await.0,
        422
    );

    // Turning it off takes a code; then the password alone signs in again.
    let (status_code, _) = operator
        .call("two_factor/turn_off", json!({"code": codes[2]}))
        .await;
    assert_eq!(status_code, 422, "an old recovery code proves nothing");
    let (status_code, body) = operator
        .call("two_factor/turn_off", json!({"code": fresh[0]}))
        .await;
    assert_eq!(status_code, 200, "{body}");
    assert_eq!(status(&operator).await["on"], false);
    app.browser()
        .sign_in_ok(&username, USER_PASSWORD, "operator")
        .await;
    app.stop().await;
}

async fn wrong_codes_count_toward_the_sign_in_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (operator, username) = app.user(&admin, "Ana Kovač", "operator").await;
    let (secret, _) = set_up(&app, &operator).await;
    app.state.clock.advance_ms(totp::STEP_MS);
    let guesser = app.browser();
    let right = code_now(&app, &secret);
    let bytes = totp::from_base32(&secret).unwrap();
    let now = app.state.clock.now_ms();
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .filter(|guess| totp::matching_step(&bytes, guess, now).is_none());
    for guess in wrong.take(app.state.config.signin_free_tries as usize) {
        let (status_code, body) = sign_in_with(&guesser, &username, &guess).await;
        assert_eq!(
            (status_code, &body["field"]),
            (422, &json!("code")),
            "{body}"
        );
    }
    // The guesser now waits, even with the right code; the owner elsewhere does not.
    let (status_code, body) = sign_in_with(&guesser, &username, &right).await;
    assert_eq!((status_code, code(&body)), (429, "too_many_attempts"));
    let owner = Browser::from_address(&app.base, [127, 0, 0, 9]);
    let (status_code, body) = sign_in_with(&owner, &username, &right).await;
    assert_eq!(status_code, 200, "{body}");
    app.stop().await;
}

async fn a_role_that_requires_it_does_nothing_else_until_it_is_set_up(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (operator, _) = app.user(&admin, "Ana Kovač", "operator").await;
    let (client, _) = app.user(&admin, "Bojan Babić", "client").await;
    let (status_code, roles) = admin
        .call("two_factor/require", json!({"roles": ["operator"]}))
        .await;
    assert_eq!((status_code, roles), (200, json!(["operator"])));
    assert_eq!(
        admin.call("two_factor/roles", json!({})).await.1,
        json!(["operator"])
    );

    // Every function but the few a person needs to set it up is refused, by the server.
    let (_, me) = operator.me().await;
    assert_eq!(me["must_set_up_second_factor"], true);
    for Endpoint { path, guard } in endpoints() {
        if matches!(guard, Guard::Public | Guard::SignedIn) {
            continue;
        }
        let endpoint = path.trim_start_matches("/api/");
        let (status_code, body) = operator.call(endpoint, sample_body(path)).await;
        assert_eq!(
            (status_code, code(&body)),
            (403, "second_factor_setup_required"),
            "{path}"
        );
    }
    let (status_code, body) = operator.upload("note.txt", b"hello").await;
    assert_eq!(
        (status_code, code(&body)),
        (403, "second_factor_setup_required")
    );
    // Other roles go on as before.
    assert_eq!(client.me().await.1["must_set_up_second_factor"], false);
    let (status_code, _) = client
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    assert_eq!(status_code, 200);

    set_up(&app, &operator).await;
    let (status_code, _) = operator
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    assert_eq!(status_code, 200);
    let st = status(&operator).await;
    assert_eq!((&st["on"], &st["required"]), (&json!(true), &json!(true)));
    // Required: it cannot be turned off, even with a right code.
    app.state.clock.advance_ms(totp::STEP_MS);
    let (status_code, body) = operator
        .call("two_factor/turn_off", json!({"code": "000000"}))
        .await;
    assert_eq!((status_code, code(&body)), (403, "forbidden"));

    // Without the setting, admins must have one.
    sqlx::query("DELETE FROM settings WHERE key = 'two_factor_roles'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(admin.me().await.1["must_set_up_second_factor"], true);
    let (status_code, body) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(
        (status_code, code(&body)),
        (403, "second_factor_setup_required")
    );
    let (status_code, _) = admin.call("two_factor/begin", json!({})).await;
    assert_eq!(status_code, 200);
    app.stop().await;
}

async fn an_admin_resets_a_lost_second_factor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (operator, username) = app.user(&admin, "Ana Kovač", "operator").await;
    let id = operator.id().await;
    set_up(&app, &operator).await;
    let second_factor = |list: &Value| {
        list["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .map(|a| a["second_factor"].clone())
    };
    let (_, list) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(second_factor(&list), Some(json!(true)));
    // Nobody but an admin resets one, and an admin not their own.
    let (status_code, _) = operator
        .call("accounts/reset_second_factor", json!({"account_id": id}))
        .await;
    assert_eq!(status_code, 403);
    let own = admin.id().await;
    let (status_code, _) = admin
        .call("accounts/reset_second_factor", json!({"account_id": own}))
        .await;
    assert_eq!(status_code, 403);

    let (status_code, account) = admin
        .call("accounts/reset_second_factor", json!({"account_id": id}))
        .await;
    assert_eq!(
        (status_code, &account["second_factor"]),
        (200, &json!(false))
    );
    let (_, list) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(second_factor(&list), Some(json!(false)));
    app.browser()
        .sign_in_ok(&username, USER_PASSWORD, "operator")
        .await;
    app.stop().await;
}

on_both_databases!(
    a_second_factor_is_set_up_and_asked_for_at_sign_in,
    wrong_codes_count_toward_the_sign_in_limits,
    a_role_that_requires_it_does_nothing_else_until_it_is_set_up,
    an_admin_resets_a_lost_second_factor,
);
