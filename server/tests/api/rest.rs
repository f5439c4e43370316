//! The REST API (`/api/v1`) as a program beside Šalter uses it: tokens made, shown once,
//! revoked and expired; each token seeing no more than its account and its scopes (marker
//! strings of one client never reach another); idempotent creation; the rate limit; and the
//! OpenAPI document describing exactly the routes there are.

use crate::common::{assign, code, desk, test_config, Backend, Browser, TestApp};
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

/// In client A's ticket, file and messages.
const A: &str = "zqxalpha";
/// In an internal note: staff only.
const NOTE: &str = "zqxnote";

/// A program holding a token.
struct Program {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Program {
    fn new(base: &str, token: &str) -> Program {
        Program {
            http: reqwest::Client::new(),
            base: base.to_string(),
            token: token.to_string(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, HeaderMap, Value) {
        let res = req.bearer_auth(&self.token).send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self
            .send(self.http.get(format!("{}/api/v1{path}", self.base)))
            .await;
        (status, body)
    }

    async fn post(&self, path: &str, body: Value, key: Option<&str>) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/api/v1{path}", self.base))
            .json(&body);
        if let Some(key) = key {
            req = req.header("idempotency-key", key);
        }
        let (status, _, body) = self.send(req).await;
        (status, body)
    }

    async fn upload(&self, name: &str, bytes: &[u8]) -> (u16, Value) {
        let req = self
            .http
            .post(format!("{}/api/v1/attachments", self.base))
            .query(&[("name", name)])
            .header("content-type", "application/octet-stream")
            .body(bytes.to_vec());
        let (status, _, body) = self.send(req).await;
        (status, body)
    }

    async fn download(&self, id: i64) -> (u16, Vec<u8>) {
        let res = self
            .http
            .get(format!("{}/api/v1/attachments/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        (
            res.status().as_u16(),
            res.bytes().await.expect("body").to_vec(),
        )
    }

    /// Opens a ticket, which must be made; its id.
    async fn open(&self, subject: &str, key: &str) -> i64 {
        let (status, body) = self
            .post(
                "/tickets",
                json!({"subject": subject, "description": format!("{subject}: what happened")}),
                Some(key),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["ticket"]["id"].as_i64().expect("an id")
    }
}

/// Makes a token through the apps' call (as the account page and the admin console do).
async fn make_token(
    who: &Browser,
    scopes: &[&str],
    account: Option<i64>,
    days: Option<i64>,
) -> (u16, Value) {
    who.call(
        "tokens/create",
        json!({"input": {"name": "integration", "scopes": scopes, "expires_in_days": days,
            "account_id": account}}),
    )
    .await
}

/// A token that must be made: a program holding it, and its id.
async fn program(
    app: &TestApp,
    who: &Browser,
    scopes: &[&str],
    account: Option<i64>,
    days: Option<i64>,
) -> (Program, i64) {
    let (status, issued) = make_token(who, scopes, account, days).await;
    assert_eq!(status, 200, "{issued}");
    let secret = issued["secret"].as_str().expect("the secret");
    assert!(secret.starts_with("slt_"), "{secret}");
    let id = issued["token"]["id"].as_i64().expect("an id");
    (Program::new(&app.base, secret), id)
}

const BOTH: &[&str] = &["tickets:read", "tickets:write"];

async fn tokens_act_as_their_account_until_revoked_or_expired(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, _) = desk(&app).await;
    let client_id = client.id().await;
    let (mine, mine_id) = program(&app, &client, BOTH, None, None).await;

    let (status, me) = mine.get("/me").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["id"], client_id);
    assert_eq!(me["role"], "client");
    assert_eq!(me["scopes"], json!(BOTH));

    // Shown once: the list never carries a secret, the database keeps only its hash.
    let (status, listed) = client.call("tokens/list", json!({"all": false})).await;
    assert_eq!(status, 200, "{listed}");
    assert!(!listed.to_string().contains(&mine.token), "{listed}");
    assert_eq!(listed[0]["id"], mine_id);
    assert!(
        listed[0]["last_used_at"].is_i64(),
        "the use is noted: {listed}"
    );
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1")
        .bind(&mine.token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(kept, 0, "the secret itself is not stored");

    // No token, a wrong one, or the browser's session cookie: refused, and told how to sign.
    for stranger in [
        Program::new(&app.base, "slt_not-a-token"),
        Program::new(&app.base, ""),
    ] {
        let (status, headers, body) = stranger
            .send(stranger.http.get(format!("{}/api/v1/me", app.base)))
            .await;
        assert_eq!((status, code(&body)), (401, "unauthenticated"));
        assert_eq!(headers["www-authenticate"], "Bearer");
    }
    let (status, _, _) = client.get("/api/v1/me").await;
    assert_eq!(status, 401, "a session cookie is not a token");

    // Scopes an account may not hold, a name missing, a life too long: refused, nothing made.
    for (scopes, days, field) in [
        (vec!["accounts:read"], None, "scopes"),
        (vec![], None, "scopes"),
        (vec!["tickets:read"], Some(0), "expiry_days"),
        (vec!["tickets:read"], Some(10_000), "expiry_days"),
    ] {
        let (status, body) = make_token(&client, &scopes, None, days).await;
        assert_eq!(
            (status, code(&body)),
            (422, "invalid"),
            "{scopes:?}: {body}"
        );
        assert_eq!(body["field"], field, "{body}");
    }
    // Someone else's token does not exist for an operator; an admin may make one for a client.
    let (status, body) = make_token(&operator, BOTH, Some(client_id), None).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    let (status, body) = operator.call("tokens/revoke", json!({"id": mine_id})).await;
    assert_eq!((status, code(&body)), (404, "not_found"), "{body}");
    let operator_id = operator.id().await;
    let (daily, _) = program(&app, &admin, &["tickets:read"], Some(operator_id), Some(1)).await;
    let (lasting, _) = program(&app, &admin, &["tickets:read"], Some(client_id), None).await;
    assert_eq!(daily.get("/me").await.1["id"], operator_id);
    assert_eq!(lasting.get("/me").await.1["id"], client_id);
    let (_, every) = admin.call("tokens/list", json!({"all": true})).await;
    assert_eq!(every.as_array().unwrap().len(), 3, "{every}");
    let (_, theirs) = client.call("tokens/list", json!({"all": true})).await;
    assert_eq!(
        theirs.as_array().unwrap().len(),
        2,
        "a client's `all` is their own: {theirs}"
    );

    // Revoked: refused from the next call on.
    let (status, revoked) = client.call("tokens/revoke", json!({"id": mine_id})).await;
    assert_eq!(status, 200, "{revoked}");
    assert!(revoked["revoked_at"].is_i64());
    assert_eq!(mine.get("/tickets").await.0, 401);

    // An account disabled, and a token past its day: refused.
    let (status, _) = admin
        .call(
            "accounts/set_disabled",
            json!({"input": {"account_id": client_id, "disabled": true}}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(lasting.get("/me").await.0, 401, "the account is disabled");
    assert_eq!(daily.get("/me").await.0, 200);
    app.state.clock.advance_ms(25 * 3_600_000);
    assert_eq!(daily.get("/me").await.0, 401, "past its day");

    let acts: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'api_token%' ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        acts,
        [
            "api_token_created",
            "api_token_created",
            "api_token_created",
            "api_token_revoked"
        ]
    );
    app.stop().await;
}

async fn a_token_sees_no_more_than_its_account_and_its_scopes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, ana, operator, operator_id) = desk(&app).await;
    let (bea, _) = app.user(&admin, "Bea Begić", "client").await;
    let (a, _) = program(&app, &ana, BOTH, None, None).await;
    let (b, _) = program(&app, &bea, BOTH, None, None).await;
    let (a_reads, _) = program(&app, &ana, &["tickets:read"], None, None).await;
    let (a_writes, _) = program(&app, &ana, &["tickets:write"], None, None).await;
    let (op, _) = program(&app, &operator, BOTH, None, None).await;

    // A's ticket, with a file uploaded through the API.
    let (status, file) = a.upload(&format!("{A}.txt"), A.as_bytes()).await;
    assert_eq!(status, 201, "{file}");
    let file_id = file["id"].as_i64().unwrap();
    let (status, made) = a
        .post(
            "/tickets",
            json!({"subject": format!("{A} printer"), "description": "It jams",
                "priority": "high", "attachments": [file_id]}),
            Some("a-1"),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let ticket = made["ticket"]["id"].as_i64().unwrap();
    assert_eq!(made["ticket"]["status"], "open");
    assert_eq!(made["ticket"]["priority"], "high");
    assert_eq!(
        made["files"][0]["url"],
        format!("/api/v1/attachments/{file_id}")
    );
    assert!(made["ticket"]["created_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert_eq!(a.download(file_id).await, (200, A.as_bytes().to_vec()));

    // B sees nothing of A's: not listed, not found, not searched, no file.
    for (status, body) in [
        b.get("/tickets").await,
        b.get(&format!("/tickets?q={A}")).await,
        b.get(&format!("/tickets/{ticket}")).await,
    ] {
        assert!(!body.to_string().contains(A), "{status}: {body}");
    }
    assert_eq!(b.get(&format!("/tickets/{ticket}")).await.0, 404);
    assert_eq!(b.download(file_id).await.0, 404);
    let (status, _) = b
        .post(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": "me too"}),
            None,
        )
        .await;
    assert_eq!(status, 404);

    // Scopes narrow the account: reading with a write-only token, writing with a read-only one.
    assert_eq!(a_reads.get("/tickets").await.1["items"][0]["id"], ticket);
    let (status, body) = a_reads
        .post(
            "/tickets",
            json!({"subject": "x", "description": "y"}),
            Some("r-1"),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    assert_eq!(a_writes.get("/tickets").await.0, 403);
    assert_eq!(a_writes.get(&format!("/tickets/{ticket}")).await.0, 403);
    assert_eq!(a_writes.download(file_id).await.0, 403);

    // The operator: nothing until it is theirs, then the ticket and an internal note the client
    // never sees; only clients open tickets.
    assert_eq!(op.get(&format!("/tickets/{ticket}")).await.0, 404);
    assign(&admin, ticket, operator_id).await;
    let (status, view) = op.get(&format!("/tickets/{ticket}")).await;
    assert_eq!(status, 200, "{view}");
    assert!(
        view["moves"].as_array().unwrap().contains(&json!("start")),
        "{view}"
    );
    let (status, moved) = op
        .post(
            &format!("/tickets/{ticket}/moves"),
            json!({"step": "start"}),
            Some("op-1"),
        )
        .await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["ticket"]["status"], "in_progress");
    let (status, noted) = op
        .post(
            &format!("/tickets/{ticket}/messages"),
            json!({"body": format!("{NOTE}: check the tray"), "internal": true}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{noted}");
    assert!(noted.to_string().contains(NOTE));
    let (_, seen_by_a) = a.get(&format!("/tickets/{ticket}")).await;
    assert!(!seen_by_a.to_string().contains(NOTE), "{seen_by_a}");
    let (status, body) = op
        .post(
            "/tickets",
            json!({"subject": "x", "description": "y"}),
            Some("o-1"),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "forbidden"));
    let (status, body) = op
        .post(
            &format!("/tickets/{ticket}/moves"),
            json!({"step": "confirm"}),
            None,
        )
        .await;
    assert_eq!((status, code(&body)), (409, "move_not_allowed"), "{body}");

    // Accounts: an admin's token with the accounts scopes only.
    assert_eq!(a.get("/accounts").await.0, 403);
    assert_eq!(op.get("/accounts").await.0, 403);
    let (admin_tickets, _) = program(&app, &admin, &["tickets:read"], None, None).await;
    assert_eq!(admin_tickets.get("/accounts").await.0, 403);
    assert_eq!(
        admin_tickets.get(&format!("/tickets/{ticket}")).await.0,
        200
    );
    let (people, _) = program(
        &app,
        &admin,
        &["accounts:read", "accounts:manage"],
        None,
        None,
    )
    .await;
    let (status, clients) = people.get("/accounts?role=client").await;
    assert_eq!(status, 200, "{clients}");
    assert_eq!(clients.as_array().unwrap().len(), 2, "{clients}");
    let (status, made) = people
        .post(
            "/accounts",
            json!({"full_name": "Cvijeta Ćosić", "email": null, "role": "client"}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let username = made["account"]["username"].as_str().unwrap().to_string();
    let fresh = app.browser();
    fresh
        .sign_in_ok(
            &username,
            made["one_time_password"].as_str().unwrap(),
            "client",
        )
        .await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'account_created' AND actor = 'admin' \
         AND detail LIKE $1",
    )
    .bind(format!("{username}%"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    let (status, categories) = a.get("/categories").await;
    assert_eq!((status, categories), (200, json!([])));
    app.stop().await;
}

async fn creation_through_the_api_is_idempotent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, client, _, _) = desk(&app).await;
    let (p, _) = program(&app, &client, BOTH, None, None).await;
    let first = p.open("Lost password", "k-1").await;
    assert_eq!(p.open("Lost password", "k-1").await, first, "a retry");
    let (status, body) = p
        .post(
            "/tickets",
            json!({"subject": "Other", "description": "d"}),
            Some("k-1"),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "idempotency_conflict"));
    let (status, body) = p
        .post(
            "/tickets",
            json!({"subject": "Other", "description": "d"}),
            None,
        )
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"));
    assert_eq!(body["field"], "idempotency_key");
    let (status, body) = p
        .post(
            "/tickets",
            json!({"subject": " ", "description": "d"}),
            Some("k-2"),
        )
        .await;
    assert_eq!((status, body["field"].as_str()), (422, Some("subject")));
    let (status, body) = p.get("/tickets?created_from=yesterday").await;
    assert_eq!((status, code(&body)), (422, "invalid"));
    let (_, page) = p.get("/tickets").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1, "{page}");
    app.stop().await;
}

/// An article saved by `who` (English, for clients); its id and version.
async fn draft(who: &Browser, title: &str) -> (i64, i64) {
    let (status, saved) = who
        .call(
            "kb/save",
            json!({"input": {"id": null, "section_id": null, "language": "En",
                "translation_of": null, "staff_only": false, "title": title,
                "body": format!("{title}: step by step"), "tags": [], "seen": null}}),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    (
        saved["summary"]["id"].as_i64().unwrap(),
        saved["summary"]["version"].as_i64().unwrap(),
    )
}

async fn articles_and_statistics_through_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, _, _) = desk(&app).await;
    let (published, version) = draft(&admin, "Resetting the router").await;
    let (status, body) = admin
        .call(
            "kb/step",
            json!({"input": {"id": published, "step": "publish", "version": version}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (hidden, _) = draft(&admin, &format!("{A} unreleased")).await;

    let (reader, _) = program(&app, &client, &["articles:read"], None, None).await;
    let (status, list) = reader.get("/articles").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the published one: {list}"
    );
    assert_eq!(list[0]["language"], "en");
    assert_eq!(list[0]["state"], "published");
    let (_, found) = reader.get("/articles?q=rout&lang=bs").await;
    assert_eq!(found[0]["id"], published, "{found}");
    assert_eq!(reader.get("/articles?q=x&lang=fr").await.0, 422);
    let (status, article) = reader.get(&format!("/articles/{published}")).await;
    assert_eq!(status, 200, "{article}");
    assert!(article["html"].as_str().unwrap().contains("step by step"));
    let (status, body) = reader.get(&format!("/articles/{hidden}")).await;
    assert_eq!(status, 404, "a draft does not exist for a client");
    assert!(!body.to_string().contains(A));
    let (staff, _) = program(&app, &admin, &["articles:read"], None, None).await;
    assert_eq!(staff.get("/articles").await.1.as_array().unwrap().len(), 2);

    // Statistics: the admin's, with the figures the console shows.
    let (p, _) = program(&app, &client, BOTH, None, None).await;
    p.open("Counted", "s-1").await;
    let (status, body) = make_token(&client, &["statistics:read"], None, None).await;
    assert_eq!(
        (status, code(&body)),
        (422, "invalid"),
        "a client may not read them"
    );
    let (figures, _) = program(&app, &admin, &["statistics:read"], None, None).await;
    let today = jiff::Timestamp::from_millisecond(app.state.clock.now_ms())
        .unwrap()
        .to_zoned(app.state.config.time_zone.clone())
        .date();
    let (status, stats) = figures
        .get(&format!("/statistics?from={today}&to={today}&step=hour"))
        .await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["totals"]["created"], 1, "{stats}");
    assert_eq!(stats["steps"].as_array().unwrap().len(), 24, "{stats}");
    let console = admin
        .call(
            "stats/report",
            json!({"query": {"period": {"custom": {"from": today.to_string(), "to": today.to_string()}},
                "bucket": "hour"}}),
        )
        .await
        .1;
    assert_eq!(stats["totals"], console["totals"], "the console's figures");
    let (status, body) = figures
        .get("/statistics?from=2026-13-01&to=2026-12-01")
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"), "{body}");
    assert_eq!(
        staff
            .get(&format!("/statistics?from={today}&to={today}"))
            .await
            .0,
        403
    );
    app.stop().await;
}

on_both_databases!(
    articles_and_statistics_through_the_api,
    tokens_act_as_their_account_until_revoked_or_expired,
    a_token_sees_no_more_than_its_account_and_its_scopes,
    creation_through_the_api_is_idempotent,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_token_has_its_calls_per_minute() {
    let config = app::server::Config {
        api_calls_per_minute: 3,
        ..test_config()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, config).await;
    let (_, client, operator, _) = desk(&app).await;
    let (p, _) = program(&app, &client, BOTH, None, None).await;
    let (other, _) = program(&app, &operator, BOTH, None, None).await;
    // Pinned mid-minute, so the window cannot turn during the test.
    let now = app.state.clock.now_ms();
    app.state.clock.pin_ms(now - now % 60_000 + 30_000);
    for left in [2, 1, 0] {
        let (status, headers, _) = p.send(p.http.get(format!("{}/api/v1/me", app.base))).await;
        assert_eq!(status, 200);
        assert_eq!(headers["ratelimit-limit"], "3");
        assert_eq!(headers["ratelimit-remaining"], left.to_string().as_str());
        assert_eq!(headers["ratelimit-reset"], "30");
    }
    let (status, headers, body) = p.send(p.http.get(format!("{}/api/v1/me", app.base))).await;
    assert_eq!((status, code(&body)), (429, "too_many_attempts"));
    assert_eq!(headers["retry-after"], "30");
    assert_eq!(headers["ratelimit-remaining"], "0");
    assert_eq!(
        other.get("/me").await.0,
        200,
        "another token counts its own"
    );
    app.state.clock.pin_ms(now - now % 60_000 + 60_000);
    assert_eq!(p.get("/me").await.0, 200, "a new minute");
    app.stop().await;
}

/// Every `$ref` in `value` names a schema the document has.
fn refs(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => found.push(r.clone()),
                    _ => refs(v, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_describes_every_route_and_only_those() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let anyone = app.browser();
    let (status, headers, bytes) = anyone.get("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    let doc: Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["components"]["securitySchemes"]["token"]["scheme"] == "bearer");

    let mut ids = Vec::new();
    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().expect("an operationId");
            ids.push(id.to_string());
            assert!(op["summary"].is_string(), "{id}: a summary");
            assert_eq!(op["security"], json!([{"token": []}]), "{id}");
            for (status, response) in op["responses"].as_object().unwrap() {
                assert!(
                    response["description"].is_string(),
                    "{id} {status}: description"
                );
            }
            operations.push((method.to_uppercase(), path.clone()));
        }
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "operationIds are unique: {ids:?}");
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").expect(&r);
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} resolves"
        );
    }

    // Every operation the document names is routed (and wants a token), with its method.
    assert!(operations.len() >= 14, "{operations:?}");
    let http = reqwest::Client::new();
    for (method, path) in &operations {
        let url = format!("{}/api/v1{}", app.base, path.replace("{id}", "1"));
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let res = http
            .request(method.clone(), &url)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 401, "{method} {path}");
    }
    // And nothing else is: the operations are routed from the same declarations
    // (`utoipa_axum::routes!`); the v1 module routes only the document and its page by hand.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/v1");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let by_hand: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(".route(") || l.contains(".route_service("))
            .collect();
        assert!(by_hand.len() <= 2, "{path:?} routes by hand: {by_hand:?}");
    }
    let (status, _, page) = anyone.get("/api/v1/docs").await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    for (method, path) in &operations {
        assert!(
            page.contains(&format!("/api/v1{path}")),
            "{method} {path} on the page"
        );
    }
    app.stop().await;
}
