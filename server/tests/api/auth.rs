//! Signing in, one-time passwords, sessions, limits and CSRF — on SQLite and PostgreSQL.

use crate::common::{code, Backend, Browser, TestApp, ADMIN_PASSWORD, USER_PASSWORD};
use app::api::{endpoints, Endpoint, Guard};
use serde_json::{json, Value};

const HOUR_MS: i64 = 3_600_000;

/// A well-formed body for each endpoint, so a refusal can only come from the guard.
pub fn sample_body(path: &str) -> Value {
    match path {
        "/api/session/sign_in" => {
            json!({"input": {"username": "nobody", "password": "x", "app": "client"}})
        }
        "/api/session/change_password" => {
            json!({"input": {"current_password": null, "new_password": "short"}})
        }
        "/api/settings/set_company_name" => json!({"name": "Acme"}),
        "/api/settings/set_ticket_settings" => {
            json!({"input": {"forced_reasons_to_clients": false, "solution_days": 7}})
        }
        "/api/accounts/create" => {
            json!({"input": {"full_name": "Probe Person", "email": null, "role": "client"}})
        }
        "/api/accounts/reset_password" => json!({"account_id": 999_999}),
        "/api/accounts/set_disabled" => json!({"input": {"account_id": 999_999, "disabled": true}}),
        "/api/tickets/create" => {
            json!({"input": {"subject": "Probe", "description": "Probe", "category_id": null,
            "priority": "normal", "earlier_ticket_id": null, "idempotency_key": "probe-0001"}})
        }
        "/api/tickets/search" => json!({"words": "probe"}),
        "/api/tokens/list" => json!({"all": true}),
        "/api/tokens/create" => {
            json!({"input": {"name": "probe", "scopes": ["tickets:read"], "expires_in_days": 1}})
        }
        "/api/tokens/revoke" => json!({"id": 999_999}),
        "/api/webhooks/create" => {
            json!({"input": {"url": "http://127.0.0.1:9/probe", "topics": ["ticket.created"]}})
        }
        "/api/webhooks/set_paused" => json!({"id": 999_999, "paused": true}),
        "/api/webhooks/delete" | "/api/webhooks/deliveries" => json!({"id": 999_999}),
        "/api/webhooks/redeliver" => json!({"delivery_id": 999_999}),
        "/api/privacy/retention_preview" => json!({"days": 30}),
        "/api/privacy/set_notice" => json!({"text": "We keep your tickets."}),
        "/api/privacy/accept_notice" => json!({"version": "1"}),
        "/api/privacy/set_retention" => json!({"days": 30}),
        "/api/privacy/erase" => {
            json!({"client_id": 999_999, "confirm": "probe", "keep_texts": false})
        }
        "/api/tickets/preview" => json!({"text": "probe"}),
        "/api/chat/start" => json!({"input": {"text": "Probe", "idempotency_key": "probe-chat"}}),
        "/api/chat/end" => json!({"ticket_id": 999_999}),
        "/api/call/ring" => json!({"input": {"ticket_id": 999_999, "video": false}}),
        "/api/call/answer" | "/api/call/end" => json!({"call_id": 999_999}),
        "/api/call/set_settings" => {
            json!({"input": {"ice_servers": "", "clients_may_call": false}})
        }
        "/api/chat/transfer" => json!({"input": {"ticket_id": 999_999, "operator_id": 999_999,
            "note": "Probe", "idempotency_key": "probe-transfer"}}),
        "/api/tickets/list" => json!({"query": {"status": null, "after": null}}),
        "/api/tickets/view" => json!({"ticket_id": 999_999}),
        "/api/tickets/move" => {
            json!({"input": {"ticket_id": 999_999, "step": "start", "text": null, "operator_id": null}})
        }
        "/api/tickets/post" => {
            json!({"input": {"ticket_id": 999_999, "body": "x", "internal": false}})
        }
        "/api/tickets/force" => {
            json!({"input": {"ticket_id": 999_999, "status": "open", "operator_id": null, "reason": "x"}})
        }
        "/api/tickets/edit" => {
            json!({"input": {"ticket_id": 999_999, "priority": "low", "category_id": null}})
        }
        "/api/canned/save" => {
            json!({"input": {"id": null, "name": "probe", "body": "Probe", "shared": false}})
        }
        "/api/canned/delete" => json!({"id": 999_999}),
        "/api/canned/fill" => json!({"id": 999_999, "ticket_id": 999_999}),
        "/api/kb/save_section" => {
            json!({"input": {"id": null, "parent_id": null, "name": "Probe"}})
        }
        "/api/kb/article" | "/api/kb/versions" => json!({"id": 999_999}),
        "/api/kb/search" => json!({"words": "probe", "lang": "En"}),
        "/api/kb/save" => json!({"input": {"id": null, "section_id": null, "language": "En",
            "translation_of": null, "staff_only": false, "title": "Probe", "body": "Probe",
            "tags": [], "seen": null}}),
        "/api/kb/step" => json!({"input": {"id": 999_999, "step": "submit", "version": 1}}),
        "/api/kb/restore" => json!({"id": 999_999, "version": 1, "seen": 1}),
        "/api/kb/feedback" => json!({"input": {"id": 999_999, "helpful": true, "comment": null}}),
        "/api/kb/link" => json!({"ticket_id": 999_999, "article_id": 999_999, "solved": false}),
        "/api/kb/for_ticket" => json!({"ticket_id": 999_999}),
        "/api/kb/analytics" => json!({"query": {"period": "today", "bucket": "day"}}),
        "/api/kb/set_publisher" => json!({"operator_id": 999_999, "allowed": false}),
        "/api/categories/save" => json!({"input": {"id": null, "name": "Probe", "active": true}}),
        "/api/assignment/set_plan" => json!({"input": {"operator_id": 999_999, "capacity": 5,
            "skills": [], "hours": [], "days_off": []}}),
        "/api/assignment/set_break" => json!({"on_break": false}),
        "/api/assignment/work_history" => json!({"operator_id": null, "before": null}),
        "/api/accounts/install_licence" => json!({"text": "not a licence"}),
        "/api/satisfaction/rate" => {
            json!({"input": {"ticket_id": 999_999, "good": true, "comment": null}})
        }
        "/api/satisfaction/of_operator" => json!({"operator_id": null}),
        "/api/stats/report" | "/api/stats/sla" => {
            json!({"query": {"period": "today", "bucket": "day"}})
        }
        "/api/stats/save_report" => json!({"input": {"name": "Probe", "definition":
            {"measures": ["created"], "breakdown": "time", "query": {"period": "today", "bucket": "day"}}}}),
        "/api/stats/delete_report" => json!({"id": 999_999}),
        "/api/mail/set_settings" => {
            json!({"input": {"smtp_url": "", "from": "", "reply_to": ""}})
        }
        "/api/mail/send_test" => json!({"address": "probe@example.com"}),
        "/api/mail/accept_held" => json!({"id": 999_999, "full_name": "Probe Person"}),
        "/api/mail/drop_held" => json!({"id": 999_999}),
        "/api/sla/set_levels" => {
            json!({"input": {"policies": [], "hours": [], "holidays": [], "warn_percent": 75}})
        }
        "/api/mail/set_choices" => json!({"input": {"email": "probe@example.com", "off": []}}),
        "/api/session/set_language" => json!({"lang": "Bs"}),
        "/api/session/end" => json!({"handle": "0000000000000000"}),
        "/api/two_factor/confirm"
        | "/api/two_factor/turn_off"
        | "/api/two_factor/recovery_codes" => {
            json!({"code": "000000"})
        }
        "/api/two_factor/require" => json!({"roles": []}),
        "/api/audit/list" => json!({"query": {}}),
        "/api/accounts/reset_second_factor" => json!({"account_id": 999_999}),
        _ => json!({}),
    }
}

async fn bootstrap_creates_the_single_admin_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert!(app.admin_otp.len() >= 16);
    assert!(app::server::accounts::bootstrap(&app.state)
        .await
        .unwrap()
        .is_none());
    let admin = app.browser();
    let me = admin.sign_in_ok("admin", &app.admin_otp, "admin").await;
    assert_eq!(me["role"], "admin");
    assert_eq!(me["must_change_password"], true);
    app.stop().await;
}

async fn a_one_time_password_allows_nothing_but_replacing_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.browser();
    admin.sign_in_ok("admin", &app.admin_otp, "admin").await;
    for Endpoint { path, guard } in endpoints() {
        if matches!(guard, Guard::Public | Guard::SignedIn) {
            continue;
        }
        let endpoint = path.trim_start_matches("/api/");
        let (status, body) = admin.call(endpoint, sample_body(path)).await;
        assert_eq!(
            (status, code(&body)),
            (403, "password_change_required"),
            "{path}"
        );
    }
    let (status, me) = admin.me().await;
    assert_eq!(
        (status, me["must_change_password"].clone()),
        (200, json!(true))
    );

    let refused = [
        (app.admin_otp.clone(), "unchanged"),
        ("short".to_string(), "invalid"),
        ("password1234".to_string(), "invalid"),
    ];
    for (new, _) in &refused {
        let (status, body) = admin.change_password(None, new).await;
        assert_eq!((status, code(&body)), (422, "invalid"), "{new}: {body}");
    }
    let (_, body) = admin.change_password(None, &app.admin_otp).await;
    assert_eq!(body["problem"], "unchanged");

    admin.set_password(None, ADMIN_PASSWORD).await;
    let (status, _) = admin
        .call("settings/set_company_name", json!({"name": "Acme"}))
        .await;
    assert_eq!(status, 200);

    // Single use: the one-time password no longer signs in; the new one does.
    let again = app.browser();
    let (status, body) = again.sign_in("admin", &app.admin_otp, "admin").await;
    assert_eq!((status, code(&body)), (401, "wrong_credentials"));
    let me = again.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    assert_eq!(me["must_change_password"], false);
    app.stop().await;
}

async fn one_time_passwords_expire(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (username, otp, id) = app.create_account(&admin, "Ana Kovač", "client").await;
    app.state.clock.advance_ms(72 * HOUR_MS + 1);
    let client = app.browser();
    let (status, body) = client.sign_in(&username, &otp, "client").await;
    assert_eq!((status, code(&body)), (401, "one_time_password_expired"));

    let admin = app.browser();
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let (status, issued) = admin
        .call("accounts/reset_password", json!({"account_id": id}))
        .await;
    assert_eq!(status, 200, "{issued}");
    let fresh = issued["one_time_password"].as_str().unwrap();
    assert_ne!(fresh, otp);
    let me = client.sign_in_ok(&username, fresh, "client").await;
    assert_eq!(me["must_change_password"], true);
    app.stop().await;
}

async fn each_role_reaches_only_its_own_functions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let anonymous = app.browser();
    let callers = [
        ("anonymous", &anonymous, None),
        ("client", &client, Some(Guard::Client)),
        ("operator", &operator, Some(Guard::Operator)),
        ("admin", &admin, Some(Guard::Admin)),
    ];
    for Endpoint { path, guard } in endpoints() {
        if path == "/api/session/sign_out" || path == "/api/session/sign_in" {
            continue; // they end or replace the session; covered on their own
        }
        let endpoint = path.trim_start_matches("/api/");
        for (who, browser, role) in &callers {
            let (status, body) = browser.call(endpoint, sample_body(path)).await;
            let allowed = match guard {
                Guard::Public => true,
                Guard::SignedIn | Guard::AnyRole => role.is_some(),
                Guard::Staff => matches!(role, Some(Guard::Operator | Guard::Admin)),
                g => *role == Some(g),
            };
            if allowed {
                assert!(
                    status != 401 && status != 403,
                    "{who} refused at {path}: {status} {body}"
                );
            } else if role.is_none() {
                assert_eq!(
                    (status, code(&body)),
                    (401, "unauthenticated"),
                    "{who} at {path}"
                );
            } else {
                assert_eq!((status, code(&body)), (403, "forbidden"), "{who} at {path}");
            }
        }
    }
    // An account signs in to its own app only, and no session is made elsewhere.
    let stray = app.browser();
    let (status, body) = stray.sign_in("ana.kovac", USER_PASSWORD, "admin").await;
    assert_eq!((status, code(&body)), (403, "wrong_app"));
    assert_eq!(body["role"], "client");
    assert_eq!(stray.me().await.0, 401);
    // Fields a caller adds (a role, an admin flag) change nothing.
    let (status, _) = client
        .call(
            "session/change_password",
            json!({"input": {"current_password": USER_PASSWORD, "new_password": "another fine phrase", "role": "admin"}, "is_admin": true}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(client.me().await.1["role"], "client");
    app.stop().await;
}

/// A sign-in's status, code and Retry-After.
async fn attempt(b: &Browser, username: &str, password: &str, app: &str) -> (u16, String, u64) {
    let res = b
        .http
        .post(format!("{}/api/session/sign_in", b.base))
        .header("origin", &b.base)
        .json(&json!({"input": {"username": username, "password": password, "app": app}}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap())
        .unwrap_or(0);
    let body: Value = res.json().await.unwrap();
    (status, code(&body).to_string(), retry)
}

async fn an_attacker_cannot_keep_the_admin_out(backend: Backend) {
    let config = app::server::Config {
        signin_address_limit: 10,
        ..crate::common::test_config()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let admin = app.admin().await;
    let attacker = Browser::from_address(&app.base, [127, 0, 0, 66]);
    let mut answers = std::collections::BTreeMap::new();
    for _ in 0..200 {
        let (status, code, _) = attempt(&attacker, "admin", "a guess", "admin").await;
        *answers.entry((status, code)).or_insert(0) += 1;
    }
    // The address is stopped: after its first failures, every attempt is refused unchecked.
    assert_eq!(
        answers.get(&(429, "too_many_attempts".to_string())),
        Some(&(200 - answers[&(401, "wrong_credentials".to_string())])),
        "{answers:?}"
    );
    assert!(
        answers[&(401, "wrong_credentials".to_string())] <= 10,
        "{answers:?}"
    );
    let (status, code, retry) = attempt(&attacker, "admin", ADMIN_PASSWORD, "admin").await;
    assert_eq!(
        (status, code.as_str()),
        (429, "too_many_attempts"),
        "even the right password"
    );
    assert!(retry > 0 && retry <= 15 * 60, "retry after {retry}");
    // The owner, from an address without failures, signs in at once; so does the session the
    // admin already had keep working.
    let owner = Browser::from_address(&app.base, [127, 0, 0, 7]);
    owner.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    assert_eq!(admin.me().await.0, 200);
    // The owner's success cleared the name's failures: a mistyped password next is only wrong.
    let other = Browser::from_address(&app.base, [127, 0, 0, 8]);
    assert_eq!(attempt(&other, "admin", "mistyped", "admin").await.0, 401);
    assert_eq!(
        attempt(&other, "admin", ADMIN_PASSWORD, "admin").await.0,
        200
    );
    // The stop ends with its window.
    app.state
        .clock
        .advance_ms(app.state.config.signin_window_ms);
    attacker.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    app.stop().await;
}

async fn unknown_and_known_names_are_limited_alike(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    drop(app.admin().await);
    let free = app.state.config.signin_free_tries;
    // Each name attacked from its own address; both sequences must match step for step.
    let mut seen = Vec::new();
    for (name, ip) in [
        ("admin", [127, 0, 0, 21]),
        ("no.such.admin", [127, 0, 0, 22]),
    ] {
        let b = Browser::from_address(&app.base, ip);
        let mut steps = Vec::new();
        for _ in 0..free {
            steps.push(attempt(&b, name, "a guess", "admin").await);
        }
        for delay in [1, 2, 4] {
            steps.push(attempt(&b, name, "a guess", "admin").await);
            app.state.clock.advance_ms(delay * 1_000);
            steps.push(attempt(&b, name, "a guess", "admin").await);
        }
        app.state.clock.advance_ms(8_000);
        seen.push(steps);
    }
    assert_eq!(seen[0], seen[1], "a real and an unknown name answer alike");
    let wrong = (401, "wrong_credentials".to_string(), 0);
    assert_eq!(
        seen[0][..free as usize],
        vec![wrong.clone(); free as usize][..]
    );
    let delayed: Vec<_> = seen[0][free as usize..].to_vec();
    let wait = |secs| (429, "too_many_attempts".to_string(), secs);
    assert_eq!(
        delayed,
        vec![
            wait(1),
            wrong.clone(),
            wait(2),
            wrong.clone(),
            wait(4),
            wrong
        ]
    );
    app.stop().await;
}

async fn failed_sign_ins_are_limited_per_address(backend: Backend) {
    let config = app::server::Config {
        signin_address_limit: 5,
        ..crate::common::test_config()
    };
    let app = TestApp::spawn_with(backend, config).await;
    let admin = app.admin().await;
    drop(admin);
    let b = app.browser();
    for i in 0..5 {
        let (status, _) = b.sign_in(&format!("nobody{i}"), "guess", "client").await;
        assert_eq!(status, 401);
    }
    let (status, body) = b.sign_in("admin", ADMIN_PASSWORD, "admin").await;
    assert_eq!((status, code(&body)), (429, "too_many_attempts"));
    app.state
        .clock
        .advance_ms(app.state.config.signin_window_ms);
    b.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    app.stop().await;
}

async fn unknown_users_and_wrong_passwords_answer_alike(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.browser();
    let unknown = b.sign_in("nobody.here", "some password", "client").await;
    let wrong = b.sign_in("admin", "some password", "admin").await;
    assert_eq!(unknown, wrong);
    assert_eq!((unknown.0, code(&unknown.1)), (401, "wrong_credentials"));
    let (status, body) = b.sign_in("", "x", "client").await;
    assert_eq!(
        (status, code(&body), body["field"].clone()),
        (422, "invalid", json!("username"))
    );
    app.stop().await;
}

async fn cross_origin_requests_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        let (status, body) = admin
            .call_with_origin(
                "settings/set_company_name",
                json!({"name": "Pwned"}),
                Some(origin),
            )
            .await;
        assert_eq!((status, code(&body)), (403, "cross_origin"), "{origin}");
    }
    let res = admin
        .http
        .post(format!("{}/api/settings/set_company_name", app.base))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({"name": "Pwned"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let (status, info) = admin.call("settings/public_info", json!({})).await;
    assert_eq!((status, info["company_name"].clone()), (200, Value::Null));
    app.stop().await;
}

async fn changing_a_password_ends_the_other_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (laptop, username) = app.user(&admin, "Ana Kovač", "client").await;
    let phone = app.browser();
    phone.sign_in_ok(&username, USER_PASSWORD, "client").await;

    let (status, body) = laptop.change_password(None, "a brand new phrase").await;
    assert_eq!(
        (status, body["field"].clone(), body["problem"].clone()),
        (422, json!("current_password"), json!("required"))
    );
    let (status, body) = laptop
        .change_password(Some("wrong current one"), "a brand new phrase")
        .await;
    assert_eq!((status, body["problem"].clone()), (422, json!("wrong")));
    assert_eq!(phone.me().await.0, 200, "a refused change ends nothing");

    laptop
        .set_password(Some(USER_PASSWORD), "a brand new phrase")
        .await;
    assert_eq!(laptop.me().await.0, 200);
    assert_eq!(phone.me().await.0, 401);
    let (status, _) = phone.sign_in(&username, USER_PASSWORD, "client").await;
    assert_eq!(status, 401);
    phone
        .sign_in_ok(&username, "a brand new phrase", "client")
        .await;
    app.stop().await;
}

/// A wrong password typed into a browser that is signed in (someone else at the keyboard, a
/// typo on the sign-in page of another app) changes nothing for the session it has; a right one
/// replaces it.
async fn a_failed_sign_in_leaves_the_session_alone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (laptop, username) = app.user(&admin, "Ana Kovač", "client").await;
    let (status, _) = laptop
        .sign_in(&username, "not the password", "client")
        .await;
    assert_eq!(status, 401);
    let (status, _) = laptop
        .sign_in("nobody.here", "not the password", "client")
        .await;
    assert_eq!(status, 401);
    let (status, me) = laptop.me().await;
    assert_eq!((status, me["username"].clone()), (200, json!(username)));

    laptop.sign_in_ok(&username, USER_PASSWORD, "client").await;
    assert_eq!(laptop.me().await.0, 200);
    app.stop().await;
}

async fn disabling_or_resetting_an_account_ends_its_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, username) = app.user(&admin, "Ana Kovač", "client").await;
    let id = client.id().await;

    let (status, account) = admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": id, "disabled": true}}),
        )
        .await;
    assert_eq!((status, account["disabled"].clone()), (200, json!(true)));
    assert_eq!(client.me().await.0, 401);
    let (status, body) = client.sign_in(&username, USER_PASSWORD, "client").await;
    assert_eq!((status, code(&body)), (403, "account_disabled"));

    admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": id, "disabled": false}}),
        )
        .await;
    client.sign_in_ok(&username, USER_PASSWORD, "client").await;

    let (status, issued) = admin
        .call("accounts/reset_password", json!({"account_id": id}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(client.me().await.0, 401);
    assert_eq!(
        client.sign_in(&username, USER_PASSWORD, "client").await.0,
        401
    );
    let me = client
        .sign_in_ok(
            &username,
            issued["one_time_password"].as_str().unwrap(),
            "client",
        )
        .await;
    assert_eq!(me["must_change_password"], true);
    app.stop().await;
}

async fn sessions_end_on_sign_out_and_time_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (status, _) = admin.call("session/sign_out", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(admin.me().await.0, 401);

    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    app.state
        .clock
        .advance_ms(app.state.config.session_idle_ms - 60_000);
    assert_eq!(admin.me().await.0, 200, "still within the idle timeout");
    app.state
        .clock
        .advance_ms(app.state.config.session_idle_ms - 60_000);
    assert_eq!(admin.me().await.0, 200, "activity keeps it alive");
    app.state.clock.advance_ms(app.state.config.session_idle_ms);
    assert_eq!(admin.me().await.0, 401, "idle too long");

    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let step = app.state.config.session_idle_ms / 2;
    let mut elapsed = 0;
    while elapsed + step < app.state.config.session_absolute_ms {
        app.state.clock.advance_ms(step);
        elapsed += step;
        assert_eq!(admin.me().await.0, 200);
    }
    app.state.clock.advance_ms(step);
    assert_eq!(admin.me().await.0, 401, "past the absolute timeout");
    app.stop().await;
}

async fn the_session_cookie_is_guarded_and_no_secret_is_ever_sent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/api/session/sign_in", app.base))
        .json(&json!({"input": {"username": "admin", "password": app.admin_otp, "app": "admin"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    assert!(!cookie.contains("Secure"), "plain http gets no Secure flag");
    let token = cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap();
    assert!(token.len() >= 43, "a 256-bit token");
    let body = res.text().await.unwrap();
    assert!(!body.contains(&token) && !body.contains("argon2") && !body.contains(&app.admin_otp));

    let admin = app.admin().await;
    let (_, accounts) = admin.call("accounts/overview", json!({})).await;
    let text = accounts.to_string();
    assert!(!text.contains("argon2") && !text.contains("password_hash") && !text.contains("token"));
    let stored: String = sqlx::query_scalar("SELECT token_hash FROM sessions LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_ne!(stored, token, "tokens are stored hashed");

    let behind_tls = http
        .post(format!("{}/api/session/sign_in", app.base))
        .header("x-forwarded-proto", "https")
        .json(&json!({"input": {"username": "admin", "password": ADMIN_PASSWORD, "app": "admin"}}))
        .send()
        .await
        .unwrap();
    assert!(behind_tls.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Secure"));
    app.stop().await;
}

/// The sessions a browser's person sees: (browser, address, current) each, by handle.
async fn sessions(b: &Browser) -> Vec<(Value, String, bool, String)> {
    let (status, list) = b.call("session/list", json!({})).await;
    assert_eq!(status, 200, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["app"], "client");
            (
                s["browser"].clone(),
                s["address"].as_str().unwrap().to_string(),
                s["current"].as_bool().unwrap(),
                s["handle"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn people_see_their_sessions_and_end_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (laptop, username) = app.user(&admin, "Ana Kovač", "client").await;
    const PHONE: &str = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";
    let phone = Browser::from_device(&app.base, [127, 0, 0, 7], PHONE);
    phone.sign_in_ok(&username, USER_PASSWORD, "client").await;
    let (someone_else, _) = app.user(&admin, "Bojan Babić", "client").await;

    // Each browser sees both, and which one it is.
    let seen = sessions(&laptop).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    let phone_row = seen.iter().find(|s| !s.2).unwrap().clone();
    assert_eq!(
        (&phone_row.0, phone_row.1.as_str()),
        (&json!("Firefox 133 · Android"), "127.0.0.7")
    );
    let laptop_row = seen.iter().find(|s| s.2).unwrap().clone();
    assert_eq!(laptop_row.0, Value::Null);
    let from_phone = sessions(&phone).await;
    assert!(from_phone.iter().any(|s| s.2 && s.3 == phone_row.3));

    // Nobody ends another person's session, nor their own this way.
    let theirs = sessions(&someone_else).await[0].3.clone();
    let (status, body) = laptop.call("session/end", json!({"handle": theirs})).await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    assert_eq!(someone_else.me().await.0, 200);
    let (status, body) = laptop
        .call("session/end", json!({"handle": laptop_row.3}))
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("session")));
    assert_eq!(laptop.me().await.0, 200);

    // Ending the phone's signs it out at once; the laptop stays.
    let (status, left) = laptop
        .call("session/end", json!({"handle": phone_row.3}))
        .await;
    assert_eq!((status, left.as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!(phone.me().await.0, 401);
    assert_eq!(laptop.me().await.0, 200);

    // All the others at once.
    phone.sign_in_ok(&username, USER_PASSWORD, "client").await;
    let tablet = app.browser();
    tablet.sign_in_ok(&username, USER_PASSWORD, "client").await;
    assert_eq!(sessions(&laptop).await.len(), 3);
    let (status, left) = laptop.call("session/end", json!({})).await;
    assert_eq!((status, left.as_array().map(Vec::len)), (200, Some(1)));
    assert_eq!((phone.me().await.0, tablet.me().await.0), (401, 401));
    assert_eq!((laptop.me().await.0, someone_else.me().await.0), (200, 200));
    app.stop().await;
}

on_both_databases!(
    bootstrap_creates_the_single_admin_once,
    a_one_time_password_allows_nothing_but_replacing_it,
    one_time_passwords_expire,
    each_role_reaches_only_its_own_functions,
    an_attacker_cannot_keep_the_admin_out,
    unknown_and_known_names_are_limited_alike,
    failed_sign_ins_are_limited_per_address,
    unknown_users_and_wrong_passwords_answer_alike,
    cross_origin_requests_are_refused,
    changing_a_password_ends_the_other_sessions,
    a_failed_sign_in_leaves_the_session_alone,
    disabling_or_resetting_an_account_ends_its_sessions,
    people_see_their_sessions_and_end_them,
    sessions_end_on_sign_out_and_time_out,
    the_session_cookie_is_guarded_and_no_secret_is_ever_sent,
);
