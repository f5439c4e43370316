//! The knowledge base — on both databases: clients read only published articles meant for them
//! (never a draft, a newer unpublished version, an archived or a staff-only article: not in
//! lists, search nor by id — marker strings); versions are kept, compared and restored, each
//! change a history row with its actor; only admins publish; search ranks a title hit before a
//! body hit, ignores diacritics and case, and prefers the reader's language; an article's
//! pictures reach a client only while a published version shows them, and are never swept.

use crate::common::{code, desk, new_ticket, Backend, Browser, TestApp};
use serde_json::{json, Value};

fn article(id: Option<i64>, title: &str, body: &str, lang: &str, seen: Option<i64>) -> Value {
    json!({"input": {"id": id, "section_id": null, "language": lang, "translation_of": null,
        "staff_only": false, "title": title, "body": body, "tags": [], "seen": seen}})
}

async fn save(who: &Browser, input: Value) -> Value {
    let (status, body) = who.call("kb/save", input).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn step(who: &Browser, id: i64, step: &str, version: i64) -> (u16, Value) {
    who.call(
        "kb/step",
        json!({"input": {"id": id, "step": step, "version": version}}),
    )
    .await
}

async fn publish(admin: &Browser, id: i64, version: i64) -> Value {
    let (status, body) = step(admin, id, "publish", version).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The titles a search finds, in order.
async fn found(who: &Browser, words: &str, lang: &str) -> Vec<String> {
    let (status, hits) = who
        .call("kb/search", json!({"words": words, "lang": lang}))
        .await;
    assert_eq!(status, 200, "{hits}");
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

/// Everything a client can reach of the knowledge base, as one text.
async fn all_a_client_sees(client: &Browser, ids: &[i64]) -> String {
    let mut seen = client.call("kb/articles", json!({})).await.1.to_string();
    for id in ids {
        seen.push_str(
            &client
                .call("kb/article", json!({"id": id}))
                .await
                .1
                .to_string(),
        );
    }
    for words in ["marker", "zebra", "secret", "staff"] {
        seen.push_str(
            &client
                .call("kb/search", json!({"words": words, "lang": "En"}))
                .await
                .1
                .to_string(),
        );
    }
    seen
}

async fn clients_read_only_what_is_published_for_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;

    // Sections nest one level, names unique among siblings.
    let (status, sections) = admin
        .call(
            "kb/save_section",
            json!({"input": {"id": null, "parent_id": null, "name": "Accounts"}}),
        )
        .await;
    assert_eq!(status, 200, "{sections}");
    let accounts = sections[0]["id"].as_i64().unwrap();
    let (status, sections) = admin
        .call(
            "kb/save_section",
            json!({"input": {"id": null, "parent_id": accounts, "name": "Passwords"}}),
        )
        .await;
    assert_eq!(status, 200, "{sections}");
    let passwords = sections
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Passwords")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    for (parent, name, problem) in [
        (json!(passwords), "Too deep", "malformed"),
        (json!(null), "ACCOUNTS", "taken"),
        (json!(999_999), "Nowhere", "malformed"),
    ] {
        let (status, body) = admin
            .call(
                "kb/save_section",
                json!({"input": {"id": null, "parent_id": parent, "name": name}}),
            )
            .await;
        assert_eq!(
            (status, &body["field"], &body["problem"]),
            (422, &json!("section"), &json!(problem)),
            "{name}"
        );
    }
    let (status, _) = operator
        .call(
            "kb/save_section",
            json!({"input": {"id": null, "parent_id": null, "name": "Mine"}}),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        client
            .call("kb/sections", json!({}))
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // An operator writes a draft: clients see nothing of it.
    let mut input = article(
        None,
        "Reset your password",
        "Open **Settings**, then marker alpha.",
        "En",
        None,
    );
    input["input"]["section_id"] = json!(passwords);
    input["input"]["tags"] = json!(["Password", " login ", "password"]);
    let a = save(&operator, input.clone()).await;
    let id = a["summary"]["id"].as_i64().unwrap();
    assert_eq!(
        (&a["summary"]["state"], &a["summary"]["version"]),
        (&json!("draft"), &json!(1))
    );
    assert_eq!(a["tags"], json!(["password", "login"]));
    assert_eq!(a["steps"], json!(["submit"]));
    assert!(!all_a_client_sees(&client, &[id]).await.contains("marker"));
    let (status, body) = client.call("kb/article", json!({"id": id})).await;
    assert_eq!((status, code(&body)), (404, "not_found"));

    // Review, then only an admin publishes — exactly the version they read.
    let (status, body) = step(&operator, id, "submit", 1).await;
    assert_eq!((status, &body["summary"]["state"]), (200, &json!("review")));
    let (status, body) = step(&operator, id, "publish", 1).await;
    assert_eq!((status, code(&body)), (409, "move_not_allowed"));
    let (status, body) = step(&admin, id, "publish", 2).await;
    assert_eq!(
        (status, code(&body), &body["version"]),
        (409, "stale", &json!(1))
    );
    let published = publish(&admin, id, 1).await;
    assert_eq!(published["summary"]["published_version"], 1);
    let (status, read) = client.call("kb/article", json!({"id": id})).await;
    assert_eq!(status, 200, "{read}");
    assert!(read["html"]
        .as_str()
        .unwrap()
        .contains("<strong>Settings</strong>"));
    assert_eq!((&read["steps"], &read["history"]), (&json!([]), &json!([])));
    assert_eq!(found(&client, "PASSW", "En").await, ["Reset your password"]);
    assert_eq!(
        found(&client, "settings marker", "En").await,
        ["Reset your password"]
    );

    // A new version is a draft: readers keep the published one until it is published.
    input["input"]["id"] = json!(id);
    input["input"]["seen"] = json!(1);
    input["input"]["body"] = json!("Open **Settings**, then zebra.");
    let v2 = save(&operator, input.clone()).await;
    assert_eq!(
        (&v2["summary"]["state"], &v2["summary"]["version"]),
        (&json!("draft"), &json!(2))
    );
    let seen = all_a_client_sees(&client, &[id]).await;
    assert!(
        seen.contains("marker alpha") && !seen.contains("zebra"),
        "{seen}"
    );
    // Saved against an older version: refused, nothing saved.
    let (status, body) = operator.call("kb/save", input.clone()).await;
    assert_eq!(
        (status, code(&body), &body["version"]),
        (409, "stale", &json!(2))
    );

    // Versions compared and restored; the history names who did what.
    let (status, versions) = operator.call("kb/versions", json!({"id": id})).await;
    assert_eq!(status, 200);
    let numbers: Vec<i64> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(versions[0]["author_name"], "Đorđe Šarić");
    let (status, body) = operator
        .call("kb/restore", json!({"id": id, "version": 1, "seen": 1}))
        .await;
    assert_eq!((status, code(&body)), (409, "stale"));
    let (status, restored) = operator
        .call("kb/restore", json!({"id": id, "version": 1, "seen": 2}))
        .await;
    assert_eq!(status, 200, "{restored}");
    assert_eq!(restored["summary"]["version"], 3);
    assert_eq!(restored["body"], "Open **Settings**, then marker alpha.");
    let history: Vec<(String, String, i64)> = restored["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let change = match &e["change"] {
                Value::String(s) => s.clone(),
                other => other["stepped"].as_str().unwrap().to_string(),
            };
            (
                e["actor_name"].as_str().unwrap().to_string(),
                change,
                e["version"].as_i64().unwrap(),
            )
        })
        .collect();
    let (op, ad) = ("Đorđe Šarić".to_string(), "Administrator".to_string());
    assert_eq!(
        history,
        vec![
            (op.clone(), "saved".into(), 1),
            (op.clone(), "submit".into(), 1),
            (ad.clone(), "publish".into(), 1),
            (op.clone(), "saved".into(), 2),
            (op.clone(), "restored".into(), 3),
        ]
    );
    assert_eq!(restored["history"][4]["from_version"], 1);
    let (status, _) = client.call("kb/versions", json!({"id": id})).await;
    assert_eq!(status, 403);

    // For staff only: published, yet never a client's.
    let mut secret = article(
        None,
        "Staff escalation list",
        "Call the marker staff line.",
        "En",
        None,
    );
    secret["input"]["staff_only"] = json!(true);
    let secret = save(&operator, secret).await;
    let secret_id = secret["summary"]["id"].as_i64().unwrap();
    publish(&admin, secret_id, 1).await;
    assert_eq!(
        found(&operator, "escalation", "En").await,
        ["Staff escalation list"]
    );
    let seen = all_a_client_sees(&client, &[id, secret_id]).await;
    assert!(
        !seen.contains("escalation") && !seen.contains("staff line"),
        "{seen}"
    );

    // Archived: gone for readers, kept for staff.
    let (status, archived) = step(&admin, id, "archive", 3).await;
    assert_eq!(
        (status, &archived["summary"]["published_version"]),
        (200, &Value::Null)
    );
    let seen = all_a_client_sees(&client, &[id, secret_id]).await;
    assert!(
        !seen.contains("Reset your password") && !seen.contains("marker"),
        "{seen}"
    );
    assert!(found(&operator, "password", "En").await.is_empty());
    assert_eq!(operator.call("kb/article", json!({"id": id})).await.0, 200);

    // An admin lets the operator publish and archive; taken back, they may not again.
    let own = save(
        &operator,
        article(None, "Printer setup", "Plug it in.", "En", None),
    )
    .await;
    let own_id = own["summary"]["id"].as_i64().unwrap();
    assert_eq!(own["steps"], json!(["submit"]));
    let grant = |allowed: bool| json!({"operator_id": operator_id, "allowed": allowed});
    let (status, granted) = admin.call("kb/set_publisher", grant(true)).await;
    assert_eq!((status, granted), (200, json!([operator_id])));
    let (_, own) = operator.call("kb/article", json!({"id": own_id})).await;
    assert_eq!(own["steps"], json!(["submit", "publish", "archive"]));
    let (status, body) = step(&operator, own_id, "publish", 1).await;
    assert_eq!(
        (status, &body["summary"]["state"]),
        (200, &json!("published"))
    );
    let (status, granted) = admin.call("kb/set_publisher", grant(false)).await;
    assert_eq!((status, granted), (200, json!([])));
    let (status, body) = step(&operator, own_id, "archive", 1).await;
    assert_eq!((status, code(&body)), (409, "move_not_allowed"));
    let client_id = client.id().await;
    let (status, body) = admin
        .call(
            "kb/set_publisher",
            json!({"operator_id": client_id, "allowed": true}),
        )
        .await;
    assert_eq!((status, &body["field"]), (422, &json!("operator")));
    assert_eq!(admin.call("kb/publishers", json!({})).await.1, json!([]));
    app.stop().await;
}

async fn search_ranks_titles_first_ignores_marks_and_prefers_the_readers_language(
    backend: Backend,
) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, _, _) = desk(&app).await;
    let mut ids = Vec::new();
    for (title, body, lang) in [
        (
            "Printers",
            "If the VPN is down, printing from home fails too.",
            "En",
        ),
        (
            "VPN troubleshooting",
            "Restart the client and sign in again.",
            "En",
        ),
        (
            "Promjena lozinke",
            "Kliknite na „Zaboravljena šifra“ i slijedite upute.",
            "Bs",
        ),
        ("Lozinka: the English article", "How to change it.", "En"),
    ] {
        let a = save(&admin, article(None, title, body, lang, None)).await;
        let id = a["summary"]["id"].as_i64().unwrap();
        publish(&admin, id, 1).await;
        ids.push(id);
    }
    // A title hit before a body hit.
    assert_eq!(
        found(&client, "vpn", "En").await,
        ["VPN troubleshooting", "Printers"]
    );
    // Diacritics and case do not matter, either way round.
    for words in ["sifra", "ŠIFRA", "zaboravljena sif", "PROMJENA"] {
        assert_eq!(
            found(&client, words, "Bs").await,
            ["Promjena lozinke"],
            "{words}"
        );
    }
    assert_eq!(found(&client, "lózink", "Bs").await.len(), 2);
    // The reader's language first.
    assert_eq!(
        found(&client, "lozink", "Bs").await,
        ["Promjena lozinke", "Lozinka: the English article"]
    );
    assert_eq!(
        found(&client, "lozink", "En").await,
        ["Lozinka: the English article", "Promjena lozinke"]
    );
    // Query syntax is only text.
    for words in [
        "\"",
        "*",
        "vpn OR printers",
        "NOT vpn",
        "a:b",
        "(vpn",
        "vpn & !x",
    ] {
        let (status, _) = client
            .call("kb/search", json!({"words": words, "lang": "En"}))
            .await;
        assert_eq!(status, 200, "{words}");
    }
    assert!(found(&client, "   ", "En").await.is_empty());

    // A translation: one article per language in a group.
    let mut bs = article(None, "Lozinka na bosanskom", "Prijevod.", "Bs", None);
    bs["input"]["translation_of"] = json!(ids[3]);
    let translated = save(&admin, bs.clone()).await;
    let (status, body) = admin.call("kb/save", bs).await;
    assert_eq!(
        (status, &body["field"], &body["problem"]),
        (422, &json!("language"), &json!("taken"))
    );
    publish(&admin, translated["summary"]["id"].as_i64().unwrap(), 1).await;
    let (_, english) = client.call("kb/article", json!({"id": ids[3]})).await;
    assert_eq!(
        english["translations"],
        json!([[translated["summary"]["id"], "Bs"]])
    );
    app.stop().await;
}

async fn reading_answers_searches_deflections_and_links_are_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other, _) = app.user(&admin, "Other Client", "client").await;
    let (colleague, _) = app.user(&admin, "Mirza Hodžić", "operator").await;
    let (_, sections) = admin
        .call(
            "kb/save_section",
            json!({"input": {"id": null, "parent_id": null, "name": "Printing"}}),
        )
        .await;
    let section = sections[0]["id"].as_i64().unwrap();
    let mut ids = Vec::new();
    for (title, staff_only) in [
        ("Printer jams", false),
        ("Printer drivers", false),
        ("Printer vendor contacts", true),
    ] {
        let mut input = article(None, title, "About printers.", "En", None);
        input["input"]["section_id"] = json!(section);
        input["input"]["staff_only"] = json!(staff_only);
        let id = save(&admin, input).await["summary"]["id"].as_i64().unwrap();
        publish(&admin, id, 1).await;
        ids.push(id);
    }
    let (jams, drivers, vendors) = (ids[0], ids[1], ids[2]);

    // Read: related articles of its section the reader may read; no answer yet.
    let (_, read) = client.call("kb/article", json!({"id": jams})).await;
    let related: Vec<&str> = read["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(related, ["Printer drivers"]);
    assert_eq!(read["helped"], Value::Null);
    let (_, staff) = operator.call("kb/article", json!({"id": jams})).await;
    assert_eq!(staff["related"].as_array().unwrap().len(), 2);

    // "Did this help?": the newest answer counts; clients only, of what they may read.
    for (helpful, comment) in [(false, json!("Still jams.")), (true, json!("  "))] {
        let (status, body) = client
            .call(
                "kb/feedback",
                json!({"input": {"id": jams, "helpful": helpful, "comment": comment}}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    assert_eq!(
        client.call("kb/article", json!({"id": jams})).await.1["helped"],
        true
    );
    let (status, _) = operator
        .call(
            "kb/feedback",
            json!({"input": {"id": jams, "helpful": true, "comment": null}}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = other
        .call(
            "kb/feedback",
            json!({"input": {"id": vendors, "helpful": true, "comment": null}}),
        )
        .await;
    assert_eq!(status, 404);

    // Searches: typed letter by letter is one; one that finds nothing is listed.
    for words in ["pri", "print", "printer dri"] {
        client
            .call("kb/search", json!({"words": words, "lang": "En"}))
            .await;
    }
    other
        .call("kb/search", json!({"words": "Fax machine", "lang": "En"}))
        .await;
    operator
        .call("kb/search", json!({"words": "staff look", "lang": "En"}))
        .await;

    // Deflections: a suggested article opened and no ticket after it; the other client opens
    // one and sends a ticket anyway.
    client
        .call("kb/article", json!({"id": drivers, "suggested": true}))
        .await;
    client
        .call("kb/article", json!({"id": drivers, "suggested": true}))
        .await;
    other
        .call("kb/article", json!({"id": jams, "suggested": true}))
        .await;
    let ticket = crate::common::open_ticket(&other, "Printer still jams", "kb-use-1").await;

    // Links from a ticket: staff who deal with it; its client sees the one that solved it.
    crate::common::assign(&admin, ticket, operator_id).await;
    let (status, _) = colleague
        .call(
            "kb/link",
            json!({"ticket_id": ticket, "article_id": jams, "solved": true}),
        )
        .await;
    assert_eq!(status, 404);
    for (article, solved) in [(drivers, false), (jams, true), (jams, false)] {
        let (status, body) = operator
            .call(
                "kb/link",
                json!({"ticket_id": ticket, "article_id": article, "solved": solved}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, seen) = other
        .call("kb/for_ticket", json!({"ticket_id": ticket}))
        .await;
    assert_eq!(
        seen,
        json!([{"id": jams, "title": "Printer jams", "solved": true}])
    );
    let (_, seen) = operator
        .call("kb/for_ticket", json!({"ticket_id": ticket}))
        .await;
    assert_eq!(seen.as_array().unwrap().len(), 2);
    let (status, _) = client
        .call("kb/for_ticket", json!({"ticket_id": ticket}))
        .await;
    assert_eq!(status, 404);

    let (status, f) = admin
        .call(
            "kb/analytics",
            json!({"query": {"period": "last7_days", "bucket": "day"}}),
        )
        .await;
    assert_eq!(status, 200, "{f}");
    // Views: clients' readings (the jams article twice, the drivers twice, by two clients).
    assert_eq!(
        (&f["views"], &f["helpful"], &f["unhelpful"]),
        (&json!(5), &json!(1), &json!(0))
    );
    assert_eq!((&f["deflections"], &f["searches"]), (&json!(1), &json!(2)));
    assert_eq!(f["not_found"], json!([["fax machine", 1]]));
    let uses: Vec<(i64, i64, i64)> = f["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_i64().unwrap(),
                a["views"].as_i64().unwrap(),
                a["linked"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(uses, [(jams, 3, 1), (drivers, 2, 1)]);
    app.stop().await;
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-a-picture";

/// The statuses of downloading `files`, in order.
async fn fetches(who: &Browser, files: &[i64]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for file in files {
        statuses.push(who.download(*file).await.0);
    }
    statuses
}

async fn pictures_reach_readers_only_once_published(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, _) = desk(&app).await;
    let plan = operator.upload_ok("plan.png", PNG).await;
    let clients_own = client.upload_ok("mine.png", PNG).await;
    let mut ticket = new_ticket("With a file", "k1");
    let on_ticket = client.upload_ok("ticket.png", PNG).await;
    ticket["input"]["attachments"] = json!([on_ticket]);
    let (status, body) = client.call("tickets/create", ticket).await;
    assert_eq!(status, 200, "{body}");

    // Saved in a draft, the picture is the article's: staff see it, a client does not.
    let body = format!("Where it is:\n\n![the plan](/api/attachments/{plan})");
    let a = save(&operator, article(None, "Floor plan", &body, "En", None)).await;
    let id = a["summary"]["id"].as_i64().unwrap();
    let picture = format!("<img src=\"/api/attachments/{plan}\" alt=\"the plan\">");
    assert!(a["html"].as_str().unwrap().contains(&picture), "{a}");
    assert_eq!(fetches(&operator, &[plan]).await, [200]);
    assert_eq!(fetches(&admin, &[plan]).await, [200]);
    assert_eq!(fetches(&client, &[plan]).await, [404]);

    // Published, the client reads it with its picture.
    publish(&admin, id, 1).await;
    let (status, read) = client.call("kb/article", json!({"id": id})).await;
    assert_eq!(status, 200, "{read}");
    assert!(read["html"].as_str().unwrap().contains(&picture), "{read}");
    let (status, headers, bytes) = client.download(plan).await;
    assert_eq!(
        (status, &headers["content-type"], &bytes[..]),
        (200, &"image/png".parse().unwrap(), PNG)
    );

    // A picture added in a newer draft stays hidden until that version is published.
    let extra = operator.upload_ok("extra.png", PNG).await;
    let body2 = format!("{body}\n\n![more](/api/attachments/{extra})");
    save(
        &operator,
        article(Some(id), "Floor plan", &body2, "En", Some(1)),
    )
    .await;
    assert_eq!(fetches(&client, &[plan, extra]).await, [200, 404]);

    // Only one's own pending uploads join an article: another person's, a ticket's file or a
    // file that does not exist are refused, and the article is unchanged.
    for stranger in [clients_own, on_ticket, 999_999] {
        let text = format!("![x](/api/attachments/{stranger})");
        let (status, refused) = operator
            .call(
                "kb/save",
                article(Some(id), "Floor plan", &text, "En", Some(2)),
            )
            .await;
        assert_eq!(
            (status, &refused["field"], &refused["problem"]),
            (422, &json!("attachment"), &json!("malformed")),
            "{stranger}"
        );
    }
    let (_, latest) = operator.call("kb/article", json!({"id": id})).await;
    assert_eq!(latest["summary"]["version"], 2);
    // An article's picture is not a pending upload any more: no ticket can take it.
    let mut ticket = new_ticket("Taking a picture", "k2");
    ticket["input"]["attachments"] = json!([plan]);
    let (status, _) = operator.call("tickets/create", ticket).await;
    assert_ne!(status, 200);

    // An older version restored shows its pictures again; and an article's files are never
    // swept as abandoned, while a pending upload is.
    let (status, restored) = operator
        .call("kb/restore", json!({"id": id, "version": 1, "seen": 2}))
        .await;
    assert_eq!(status, 200, "{restored}");
    assert!(restored["html"].as_str().unwrap().contains(&picture));
    app.state
        .clock
        .advance_ms(app::server::attachments::PENDING_FOR_MS + 1);
    assert_eq!(
        app::server::attachments::sweep(&app.state).await.unwrap(),
        1
    );
    // (A day later, everyone signs in again.)
    admin
        .sign_in_ok("admin", crate::common::ADMIN_PASSWORD, "admin")
        .await;
    client
        .sign_in_ok("ana.kovac", crate::common::USER_PASSWORD, "client")
        .await;
    assert_eq!(fetches(&admin, &[plan, extra]).await, [200, 200]);
    assert_eq!(
        fetches(&client, &[plan, extra, clients_own]).await,
        [200, 404, 404]
    );

    // Archived, the article shows nothing to clients.
    let (status, body) = step(&admin, id, "archive", 3).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(fetches(&client, &[plan]).await, [404]);
    app.stop().await;
}

on_both_databases!(
    clients_read_only_what_is_published_for_them,
    search_ranks_titles_first_ignores_marks_and_prefers_the_readers_language,
    reading_answers_searches_deflections_and_links_are_counted,
    pictures_reach_readers_only_once_published
);
