//! A client's data: exported whole (and nothing of anyone else's, no internal note), by the
//! client or an admin; erased for good — after which no trace of their personal data is left in
//! any row of any table, in the files, in the search index or in a backup taken afterwards,
//! while every ticket and every figure stays — on SQLite and PostgreSQL.

use crate::common::{
    assign, code, desk, fresh_database, new_ticket, open_ticket, post_ok, step_ok, test_config,
    Backend, Browser, TestApp,
};
use serde_json::{json, Value};
use std::io::Read;

/// In every piece of B's data; A's carry `zqxalpha`.
const B: &str = "zqxbeta";

/// `GET /api/privacy/export[/{client}]`: status and body.
async fn export(who: &Browser, client: Option<i64>) -> (u16, Vec<u8>) {
    let path = client.map(|c| format!("/{c}")).unwrap_or_default();
    let (status, _, body) = who.get(&format!("/api/privacy/export{path}")).await;
    (status, body)
}

/// A new ticket's input with one file.
fn with_file(subject: &str, key: &str, file: i64) -> Value {
    let mut body = new_ticket(subject, key);
    body["input"]["attachments"] = json!([file]);
    body
}

/// The zip's entries by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().to_string(), content)
        })
        .collect()
}

/// The records of a JSON Lines file in the zip.
fn lines(entries: &[(String, Vec<u8>)], name: &str) -> Vec<Value> {
    let (_, bytes) = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is in the zip"));
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// How many values of any column of any table hold `text` (either case of its first letter).
async fn rows_holding(app: &TestApp, backend: Backend, text: &str) -> Vec<String> {
    let pool = &app.state.db.pool;
    let mut capital = text.to_string();
    capital[..1].make_ascii_uppercase();
    let columns: Vec<(String, String)> = match backend {
        Backend::Sqlite => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
                 WHERE m.type = 'table'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        Backend::Postgres => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    assert!(
        columns.len() > 100,
        "every table's columns: {}",
        columns.len()
    );
    let mut found = Vec::new();
    for (table, column) in columns {
        let condition = match backend {
            Backend::Sqlite => format!(
                "instr(CAST(\"{column}\" AS BLOB), CAST($1 AS BLOB)) > 0 \
                 OR instr(CAST(\"{column}\" AS BLOB), CAST($2 AS BLOB)) > 0"
            ),
            Backend::Postgres => {
                format!("\"{column}\"::text LIKE '%' || $1 || '%' OR \"{column}\"::text LIKE '%' || $2 || '%'")
            }
        };
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM \"{table}\" WHERE {condition}"
        ))
        .bind(text)
        .bind(&capital)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
        if n > 0 {
            found.push(format!("{table}.{column} ({n})"));
        }
    }
    found
}

/// Whether any file under `dir` holds `text`.
fn files_holding(dir: &std::path::Path, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_holding(&path, text));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            if bytes
                .windows(text.len())
                .any(|w| w.eq_ignore_ascii_case(text.as_bytes()))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

async fn report(admin: &Browser) -> Value {
    let today = jiff::Zoned::now().date();
    let from = today.yesterday().unwrap().to_string();
    let to = today.tomorrow().unwrap().to_string();
    let query = json!({"period": {"custom": {"from": from, "to": to}}, "bucket": "day"});
    let (status, body) = admin.call("stats/report", json!({ "query": query })).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn a_client_is_exported_whole_and_erased_without_a_trace(backend: Backend) {
    let (url, guard) = fresh_database(backend).await;
    let app = TestApp::spawn_on(&url, guard, test_config()).await;
    let admin = app.admin().await;
    // A webhook hearing of everything: its deliveries carry the texts too.
    let (status, body) = admin
        .call(
            "webhooks/create",
            json!({"input": {"url": "http://127.0.0.1:9/hook", "allow_private": true,
                "topics": ["ticket.created", "ticket.status_changed", "ticket.message",
                    "ticket.note", "ticket.rated"]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (a, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let operator_id = operator.id().await;
    let (b, b_name) = app
        .user_with(
            &admin,
            "Zqxbeta Person",
            "client",
            Some("zqxbeta@example.com"),
        )
        .await;
    let b_id = b.id().await;
    // A failed sign-in under B's name: the audit log names them.
    app.browser()
        .sign_in(&b_name, "not the password", "client")
        .await;

    // A's ticket, closed.
    let a_ticket = open_ticket(&a, "zqxalpha question", "a-1").await;
    assign(&admin, a_ticket, operator_id).await;
    step_ok(&operator, a_ticket, "start", None).await;
    step_ok(&operator, a_ticket, "close", Some("zqxalpha answered")).await;
    let a_file = a.upload_ok("zqxalpha.txt", b"zqxalpha file").await;

    // B's ticket with a file, a reply, an internal note, a close and a rating.
    let b_file = b
        .upload_ok("zqxbeta-notes.txt", b"zqxbeta secret notes")
        .await;
    let (status, created) = b
        .call(
            "tickets/create",
            with_file("zqxbeta printer", "b-1", b_file),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let b_ticket = created["ticket"]["id"].as_i64().unwrap();
    assign(&admin, b_ticket, operator_id).await;
    step_ok(&operator, b_ticket, "start", None).await;
    post_ok(&operator, b_ticket, "Hello zqxbeta, trying now", false).await;
    post_ok(&operator, b_ticket, "internal: zqxbeta staffnote", true).await;
    step_ok(&operator, b_ticket, "close", Some("Fixed for zqxbeta")).await;
    let (status, body) = b
        .call(
            "satisfaction/rate",
            json!({"input": {"ticket_id": b_ticket, "good": true, "comment": "zqxbeta liked it"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let b_open = open_ticket(&b, "zqxbeta second", "b-2").await;

    // The export: B's own, and the admin's of B, the same data; nobody else gets it.
    let (status, own) = export(&b, None).await;
    assert_eq!(status, 200);
    let entries = unzip(&own);
    let text: String = entries
        .iter()
        .filter(|(n, _)| !n.starts_with("files/"))
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).to_string())
        .collect();
    let me = &lines(&entries, "accounts.jsonl")
        .into_iter()
        .find(|a| a["role"] == "client")
        .expect("their account");
    assert_eq!(me["username"], b_name);
    assert_eq!(me["email"], "zqxbeta@example.com");
    let tickets = lines(&entries, "tickets.jsonl");
    assert_eq!(tickets.len(), 2);
    let first = &tickets[0];
    assert_eq!(first["subject"], "zqxbeta printer");
    assert_eq!(first["priority"], "high");
    assert_eq!(first["ratings"][0]["comment"], "zqxbeta liked it");
    for said in ["Hello zqxbeta, trying now", "Fixed for zqxbeta"] {
        assert!(text.contains(said), "{said} is in the export");
    }
    assert!(!text.contains("staffnote"), "no internal note: {text}");
    assert!(!text.contains("zqxalpha"), "nothing of A's: {text}");
    let path = first["files"][0]["path"].as_str().unwrap();
    let file = &entries.iter().find(|(n, _)| n == path).expect("the file").1;
    assert_eq!(file, b"zqxbeta secret notes");
    let privacy: Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "privacy.json")
            .expect("privacy.json")
            .1,
    )
    .unwrap();
    assert!(
        privacy["privacy_notice_accepted_at"].is_array(),
        "{privacy}"
    );
    let (status, by_admin) = export(&admin, Some(b_id)).await;
    assert_eq!(status, 200);
    assert_eq!(lines(&unzip(&by_admin), "tickets.jsonl"), tickets);
    assert_eq!(
        export(&a, Some(b_id)).await.0,
        404,
        "another client's is not there"
    );
    assert_eq!(export(&operator, Some(b_id)).await.0, 403);
    assert_eq!(
        export(&admin, None).await.0,
        422,
        "an admin names the client"
    );

    // Erasure: an admin's, confirmed with the username, only once every ticket is closed.
    let erase = |confirm: &str, keep: bool| json!({"client_id": b_id, "confirm": confirm, "keep_texts": keep});
    let (status, _) = operator.call("privacy/erase", erase(&b_name, false)).await;
    assert_eq!(status, 403);
    let (status, body) = admin
        .call("privacy/erase", erase("someone.else", false))
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"), "{body}");
    assert_eq!(body["field"], "confirmation");
    let (status, body) = admin.call("privacy/erase", erase(&b_name, false)).await;
    assert_eq!(
        (status, code(&body), body["field"].as_str()),
        (422, "invalid", Some("client")),
        "{body}"
    );
    assert_eq!(body["problem"], "still_open");
    assert_eq!(b.me().await.0, 200, "refused erasures change nothing");
    step_ok(&b, b_open, "close", None).await;

    let before = report(&admin).await;
    let files_before = app.stored_files();
    assert!(
        !rows_holding(&app, backend, B).await.is_empty(),
        "the scan finds B before"
    );
    let (status, erased) = admin.call("privacy/erase", erase(&b_name, false)).await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased, json!({"tickets": 2, "files": 1}));

    // No trace of B: no row, no file, no search hit; A's data and every figure stay.
    assert_eq!(rows_holding(&app, backend, B).await, Vec::<String>::new());
    assert!(!rows_holding(&app, backend, "zqxalpha").await.is_empty());
    assert_eq!(app.stored_files(), files_before - 1);
    // Every figure is the same; only the rating's words (and the subject beside them) went.
    let (mut after, mut before) = (report(&admin).await, before);
    let comments = after["comments"].take();
    before["comments"].take();
    assert_eq!(after, before, "statistics unchanged");
    assert_eq!(comments[0]["comment"], "[erased]");
    assert_eq!(comments[0]["good"], true);
    let (_, found) = admin.call("tickets/search", json!({"words": B})).await;
    assert!(!found.to_string().contains(B), "{found}");
    assert_eq!(admin.download(b_file).await.0, 404);
    assert_eq!(a.download(a_file).await.0, 200);
    let (status, seen) = admin
        .call("tickets/view", json!({"ticket_id": b_ticket}))
        .await;
    assert_eq!(status, 200, "the ticket stays: {seen}");
    assert_eq!(seen["ticket"]["status"], "closed");
    assert_eq!(b.me().await.0, 401, "signed out");
    // (Signing in as B again would write B's name anew, as any name typed at sign-in is.)
    let account: (String, i64, String) =
        sqlx::query_as("SELECT username, disabled, password_hash FROM users WHERE id = $1")
            .bind(b_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(account, (format!("erased-{b_id}"), 1, "!".to_string()));
    let (_, log) = admin
        .call("audit/list", json!({"query": {"action": "client_erased"}}))
        .await;
    assert_eq!(log["entries"][0]["target_id"], b_id, "{log}");

    // A backup taken afterwards holds nothing of B either.
    let place = tempfile::tempdir().unwrap();
    let dest = place.path().join("backup");
    app::server::backup::backup(&url, &app.state.config.files_dir, &dest)
        .await
        .expect("backup");
    assert_eq!(files_holding(&dest, B), Vec::<String>::new());
    app.stop().await;
}

async fn an_erasure_may_keep_the_texts_of_the_tickets(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let (client, name) = app.user(&admin, "Zqxgamma Person", "client").await;
    // A neighbour whose username contains the erased one's.
    let (_, neighbour) = app.user(&admin, "Zqxgamma Person", "client").await;
    assert_eq!(neighbour, format!("{name}2"));
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let id = open_ticket(&client, "The printer on floor 2", "c-1").await;
    assign(&admin, id, operator.id().await).await;
    step_ok(&operator, id, "start", None).await;
    step_ok(&operator, id, "close", Some("Replaced the roller.")).await;
    let client_id = client.id().await;
    let (status, erased) = admin
        .call(
            "privacy/erase",
            json!({"client_id": client_id, "confirm": name, "keep_texts": true}),
        )
        .await;
    assert_eq!(status, 200, "{erased}");
    let (_, seen) = admin.call("tickets/view", json!({"ticket_id": id})).await;
    let text = seen.to_string();
    assert_eq!(seen["ticket"]["subject"], "The printer on floor 2");
    assert!(text.contains("Replaced the roller."), "{text}");
    assert!(!text.to_lowercase().contains("zqxgamma"), "{text}");
    let (_, found) = admin
        .call("tickets/search", json!({"words": "roller"}))
        .await;
    assert!(
        found.to_string().contains("floor 2"),
        "still found: {found}"
    );
    // The audit log forgets the erased name only: the neighbour's account is still named.
    let (_, log) = admin
        .call(
            "audit/list",
            json!({"query": {"action": "account_created"}}),
        )
        .await;
    let details: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert!(
        details.contains(&format!("{neighbour} (client)").as_str()),
        "{details:?}"
    );
    assert!(details.contains(&"[erased]"), "{details:?}");
    assert!(
        !details.iter().any(|d| d.starts_with(&format!("{name} "))),
        "{details:?}"
    );
    app.stop().await;
}

async fn closed_tickets_past_the_retention_period_are_erased(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let close = |id: i64| {
        let (admin, operator) = (&admin, &operator);
        async move {
            assign(admin, id, operator_id).await;
            step_ok(operator, id, "start", None).await;
            step_ok(operator, id, "close", Some("Done.")).await;
        }
    };
    let file = client.upload_ok("zqxold.txt", b"zqxold file").await;
    let (status, created) = client
        .call("tickets/create", with_file("zqxold printer", "old-1", file))
        .await;
    assert_eq!(status, 200, "{created}");
    let old = created["ticket"]["id"].as_i64().unwrap();
    close(old).await;
    let still_open = open_ticket(&client, "zqxopen question", "open-1").await;

    // Forty days later, a new ticket closes.
    app.state.clock.advance_ms(40 * 24 * 3_600_000);
    admin
        .sign_in_ok("admin", crate::common::ADMIN_PASSWORD, "admin")
        .await;
    for (who, name, role) in [
        (&client, "ana.kovac", "client"),
        (&operator, "djordje.saric", "operator"),
    ] {
        who.sign_in_ok(name, crate::common::USER_PASSWORD, role)
            .await;
    }
    let new = open_ticket(&client, "zqxnew question", "new-1").await;
    close(new).await;

    // The dry run first, then the period; the job erases only what is past it.
    let (status, due) = admin
        .call("privacy/retention_preview", json!({"days": 30}))
        .await;
    assert_eq!((status, due), (200, json!(1)));
    let (status, body) = admin
        .call("privacy/retention_preview", json!({"days": 1}))
        .await;
    assert_eq!(
        (status, body["field"].as_str()),
        (422, Some("retention_days"))
    );
    let (status, set) = admin
        .call("privacy/set_retention", json!({"days": 30}))
        .await;
    assert_eq!((status, set), (200, json!({"days": 30, "due": 1})));
    let files = app.stored_files();
    assert_eq!(
        app::server::privacy::retention::apply(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        rows_holding(&app, backend, "zqxold").await,
        Vec::<String>::new()
    );
    assert!(!rows_holding(&app, backend, "zqxnew").await.is_empty());
    assert!(!rows_holding(&app, backend, "zqxopen").await.is_empty());
    assert_eq!(app.stored_files(), files - 1);
    let (_, seen) = admin.call("tickets/view", json!({"ticket_id": old})).await;
    assert_eq!(
        (&seen["ticket"]["status"], &seen["ticket"]["subject"]),
        (&json!("closed"), &json!("[erased]"))
    );
    let (_, seen) = admin
        .call("tickets/view", json!({"ticket_id": still_open}))
        .await;
    assert_eq!(seen["ticket"]["subject"], "zqxopen question");
    // The client's export still answers, without the file that is gone.
    let (status, zip) = export(&client, None).await;
    assert_eq!(status, 200);
    let entries = unzip(&zip);
    assert!(
        entries.iter().all(|(n, _)| !n.starts_with("files/")),
        "no file: {:?}",
        entries.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert!(entries
        .iter()
        .all(|(_, bytes)| !String::from_utf8_lossy(bytes).contains("zqxold")));
    let (_, now) = admin.call("privacy/retention", json!({})).await;
    assert_eq!(now, json!({"days": 30, "due": 0}));
    let (status, off) = admin
        .call("privacy/set_retention", json!({"days": null}))
        .await;
    assert_eq!((status, off), (200, json!({"days": null, "due": 0})));
    let (_, log) = admin
        .call("audit/list", json!({"query": {"action": "retention_set"}}))
        .await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 2, "{log}");
    app.stop().await;
}

async fn clients_accept_the_privacy_notice_once_per_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, _) = desk(&app).await;
    let (_, none) = app.browser().call("privacy/notice", json!({})).await;
    assert_eq!(none, Value::Null, "none until the admin writes one");
    let (status, set) = admin
        .call(
            "privacy/set_notice",
            json!({"text": "We keep **tickets** for a year."}),
        )
        .await;
    assert_eq!(status, 200, "{set}");
    let version = set["version"].as_str().unwrap().to_string();

    // Anyone reads it (the sign-in page links it); the client accepts this version once.
    let (_, public) = app.browser().call("privacy/notice", json!({})).await;
    assert!(
        public["html"]
            .as_str()
            .unwrap()
            .contains("<strong>tickets</strong>"),
        "{public}"
    );
    assert_eq!(public["accepted_at"], Value::Null);
    let (_, seen) = client.call("privacy/notice", json!({})).await;
    assert_eq!(seen["accepted_at"], Value::Null);
    // An old version records nothing: the answer is the notice in force, not accepted.
    let (status, body) = client
        .call("privacy/accept_notice", json!({"version": "1"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (&body["version"], &body["accepted_at"]),
        (&json!(version), &Value::Null)
    );
    let (status, accepted) = client
        .call("privacy/accept_notice", json!({"version": version}))
        .await;
    assert_eq!(status, 200, "{accepted}");
    let at = accepted["accepted_at"].as_i64().expect("a date");
    let (_, again) = client
        .call("privacy/accept_notice", json!({"version": version}))
        .await;
    assert_eq!(again["accepted_at"], at, "the first acceptance stands");
    let (status, _) = operator
        .call("privacy/accept_notice", json!({"version": version}))
        .await;
    assert_eq!(status, 403);
    let accepted_of = |list: &Value| {
        list["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == "ana.kovac")
            .unwrap()["notice_accepted_at"]
            .clone()
    };
    let (_, list) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(accepted_of(&list), at);

    // A changed notice is asked again; an empty one is none.
    app.state.clock.advance_ms(1000);
    let (_, changed) = admin
        .call(
            "privacy/set_notice",
            json!({"text": "We keep tickets for two years."}),
        )
        .await;
    assert_ne!(changed["version"], version);
    let (_, seen) = client.call("privacy/notice", json!({})).await;
    assert_eq!(seen["accepted_at"], Value::Null);
    let (_, list) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(accepted_of(&list), Value::Null);
    let (status, cleared) = admin
        .call("privacy/set_notice", json!({"text": "  "}))
        .await;
    assert_eq!((status, cleared), (200, Value::Null));
    let (_, log) = admin
        .call(
            "audit/list",
            json!({"query": {"action": "privacy_notice_set"}}),
        )
        .await;
    assert_eq!(log["entries"].as_array().unwrap().len(), 3);
    app.stop().await;
}

on_both_databases!(
    clients_accept_the_privacy_notice_once_per_version,
    closed_tickets_past_the_retention_period_are_erased,
    a_client_is_exported_whole_and_erased_without_a_trace,
    an_erasure_may_keep_the_texts_of_the_tickets,
);
