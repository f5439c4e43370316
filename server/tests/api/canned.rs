//! Canned responses — on both databases: shared ones are the admins' to write and every staff
//! member's to use, personal ones their owner's alone; placeholders are filled for the ticket
//! (a hostile client name stays text), each insert counts, bad input changes nothing.

use crate::common::{assign, code, desk, open_ticket, post_ok, Backend, TestApp};
use serde_json::{json, Value};

fn canned(id: Option<i64>, name: &str, body: &str, shared: bool) -> Value {
    json!({"input": {"id": id, "name": name, "body": body, "shared": shared}})
}

/// The list as (shortcut, shared) pairs.
fn names(list: &Value) -> Vec<(String, bool)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["shared"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// An error's problem by name (`"malformed"`, or `{"too_long": {"max": 40}}` by its key).
fn problem_name(error: &Value) -> &str {
    let problem = &error["problem"];
    problem
        .as_str()
        .or_else(|| problem.as_object()?.keys().next().map(String::as_str))
        .unwrap_or("<none>")
}

fn id_of(list: &Value, name: &str, shared: bool) -> i64 {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name && c["shared"] == shared)
        .and_then(|c| c["id"].as_i64())
        .unwrap_or_else(|| panic!("/{name} in {list}"))
}

async fn staff_share_some_keep_others_and_fill_them_per_ticket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (colleague, _) = app.user(&admin, "Mirza Hodžić", "operator").await;
    let (status, _) = admin
        .call("settings/set_company_name", json!({"name": "Acme"}))
        .await;
    assert_eq!(status, 200);

    // The admin shares one; an operator keeps one of their own.
    let greeting =
        "Hello {client_name},\n\nthis is {operator_name} of {company_name} about {ticket_ref}.";
    let (status, list) = admin
        .call("canned/save", canned(None, " /Greet ", greeting, true))
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(names(&list), vec![("greet".to_string(), true)]);
    let greet = id_of(&list, "greet", true);
    let (status, list) = operator
        .call(
            "canned/save",
            canned(None, "printer-SECRET-7", "Mine: turn it off and on.", false),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let mine = id_of(&list, "printer-secret-7", false);
    // A personal one may share a shared one's shortcut; the person's own comes first.
    let (status, list) = operator
        .call("canned/save", canned(None, "greet", "Hi!", false))
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        names(&list),
        vec![
            ("greet".to_string(), false),
            ("greet".to_string(), true),
            ("printer-secret-7".to_string(), false)
        ]
    );

    // Nobody else sees another's own: not listed, not filled, not changed, not deleted.
    for who in [&colleague, &admin] {
        let (status, list) = who.call("canned/list", json!({})).await;
        assert_eq!(status, 200);
        assert!(!list.to_string().contains("SECRET") && !list.to_string().contains("Mine:"));
        assert_eq!(names(&list), vec![("greet".to_string(), true)]);
    }
    for (endpoint, body) in [
        ("canned/delete", json!({"id": mine})),
        ("canned/save", canned(Some(mine), "taken-over", "x", false)),
    ] {
        let (status, body) = colleague.call(endpoint, body).await;
        assert_eq!((status, code(&body)), (404, "not_found"), "{endpoint}");
    }
    // Operators use the shared ones as they are; clients have none.
    for (endpoint, body) in [
        ("canned/save", canned(None, "another", "x", true)),
        ("canned/save", canned(Some(greet), "greet", "Changed", true)),
        (
            "canned/save",
            canned(Some(greet), "greet", "Made mine", false),
        ),
        ("canned/delete", json!({"id": greet})),
    ] {
        let (status, body) = operator.call(endpoint, body).await;
        assert_eq!((status, code(&body)), (403, "forbidden"), "{endpoint}");
    }
    let (status, _) = client.call("canned/list", json!({})).await;
    assert_eq!(status, 403);

    // Bad input is refused with its reason and changes nothing.
    let before = operator.call("canned/list", json!({})).await.1;
    for (name, body, field, problem) in [
        ("two words", "x", "shortcut", "malformed"),
        ("a/b", "x", "shortcut", "malformed"),
        ("  ", "x", "shortcut", "required"),
        (&"x".repeat(41)[..], "x", "shortcut", "too_long"),
        ("fine", "Dear {client}", "text", "placeholder"),
        ("fine", "   ", "text", "required"),
        ("printer-secret-7", "again", "shortcut", "taken"),
    ] {
        let (status, answer) = operator
            .call("canned/save", canned(None, name, body, false))
            .await;
        assert_eq!(
            (status, code(&answer), &answer["field"]),
            (422, "invalid", &json!(field)),
            "{name:?} {body:?}: {answer}"
        );
        assert_eq!(problem_name(&answer), problem, "{answer}");
    }
    assert_eq!(operator.call("canned/list", json!({})).await.1, before);

    // Filled for a ticket: a hostile client name stays text, on the way in and on the thread.
    let (hostile, _) = app
        .user(
            &admin,
            "Mia <img src=x onerror=alert(1)> [x](javascript:alert(1))",
            "client",
        )
        .await;
    let id = open_ticket(&hostile, "Printer jams", "canned-0001").await;
    assign(&admin, id, operator_id).await;
    let (status, text) = operator
        .call("canned/fill", json!({"id": greet, "ticket_id": id}))
        .await;
    assert_eq!(status, 200, "{text}");
    let reference = format!("T-{id:06}");
    assert_eq!(
        text.as_str().unwrap(),
        format!(
            "Hello Mia \\<img src=x onerror=alert\\(1\\)\\> \\[x\\]\\(javascript:alert\\(1\\)\\),\n\n\
             this is Đorđe Šarić of Acme about {reference}."
        )
    );
    let detail = post_ok(&operator, id, text.as_str().unwrap(), false).await;
    let html = detail["messages"][0]["html"].as_str().unwrap();
    assert!(
        html.contains("Mia &lt;img src=x onerror=alert(1)&gt; [x](javascript:alert(1))"),
        "{html}"
    );
    assert!(!html.contains("<img") && !html.contains("href"), "{html}");

    // Only on a ticket the caller deals with, and only with a response the caller may use.
    let (status, _) = colleague
        .call("canned/fill", json!({"id": greet, "ticket_id": id}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = admin
        .call("canned/fill", json!({"id": mine, "ticket_id": id}))
        .await;
    assert_eq!(status, 404);
    let (status, text) = admin
        .call("canned/fill", json!({"id": greet, "ticket_id": id}))
        .await;
    assert_eq!(status, 200);
    assert!(text.as_str().unwrap().contains("this is Admin"), "{text}");

    // Each insert counts, for everyone to see.
    let (_, list) = operator.call("canned/list", json!({})).await;
    let shared = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == greet)
        .unwrap();
    assert_eq!(shared["uses"], 2);
    assert!(shared["last_used_at"].as_i64().is_some());
    let own = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == mine)
        .unwrap();
    assert_eq!(
        (&own["uses"], &own["last_used_at"]),
        (&json!(0), &Value::Null)
    );

    // Owners change and delete their own; the admin changes the shared one.
    let (status, list) = operator
        .call(
            "canned/save",
            canned(Some(mine), "printer", "Turn it off.", false),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(id_of(&list, "printer", false), mine);
    let (status, list) = operator.call("canned/delete", json!({"id": mine})).await;
    assert_eq!(status, 200);
    assert!(!names(&list).contains(&("printer".to_string(), false)));
    let (status, list) = admin
        .call(
            "canned/save",
            canned(Some(greet), "greet", "Hi {client_name}.", true),
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let (_, text) = operator
        .call("canned/fill", json!({"id": greet, "ticket_id": id}))
        .await;
    assert!(text.as_str().unwrap().starts_with("Hi Mia"), "{text}");
    app.stop().await;
}

on_both_databases!(staff_share_some_keep_others_and_fill_them_per_ticket);
