//! Every text field follows the same input rules (`app::server::input`): text made only of
//! invisible characters or direction controls is missing, NUL is refused, and single-line text
//! and file names lose their direction controls — on both databases.

use crate::common::{code, desk, new_ticket, open_ticket, Backend, TestApp};
use serde_json::{json, Value};

/// Nothing a reader would see: zero-width space, non-joiner, joiner, BOM, word joiner, a right-
/// to-left override and a left-to-right isolate.
const INVISIBLE: &str = "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060} \u{202E}\u{2066}";

fn refused(status: u16, body: &Value, field: &str, problem: &str) {
    assert_eq!(
        (
            status,
            code(body),
            body["field"].as_str(),
            body["problem"].as_str()
        ),
        (422, "invalid", Some(field), Some(problem)),
        "{body}"
    );
}

async fn every_field_refuses_invisible_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;

    let (status, body) = admin
        .call("settings/set_company_name", json!({"name": INVISIBLE}))
        .await;
    refused(status, &body, "company_name", "required");
    let (status, body) = admin
        .call(
            "accounts/create",
            json!({"input": {"full_name": INVISIBLE, "email": null, "role": "client"}}),
        )
        .await;
    refused(status, &body, "full_name", "required");
    let (status, body) = admin
        .call(
            "categories/save",
            json!({"input": {"id": null, "name": INVISIBLE, "active": true, "restricted": false}}),
        )
        .await;
    refused(status, &body, "category", "required");

    let (status, body) = client
        .call("tickets/create", new_ticket(INVISIBLE, "invisible-1"))
        .await;
    refused(status, &body, "subject", "required");
    let mut nul = new_ticket("Printer", "invisible-2");
    nul["input"]["description"] = json!("Tray 2\u{0} jams");
    let (status, body) = client.call("tickets/create", nul).await;
    refused(status, &body, "description", "malformed");

    let id = open_ticket(&client, "Printer \u{202E}gnp.exe", "invisible-3").await;
    let (_, view) = client.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(view["ticket"]["subject"], "Printer gnp.exe");
    let (status, body) = client
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": id, "body": INVISIBLE, "internal": false, "attachments": []}}),
        )
        .await;
    refused(status, &body, "text", "required");
    let (status, body) = admin
        .call(
            "tickets/force",
            json!({"input": {"ticket_id": id, "status": "assigned", "operator_id": operator_id,
                "reason": INVISIBLE}}),
        )
        .await;
    refused(status, &body, "reason", "required");
    let (_, unchanged) = operator
        .call("tickets/view", json!({"ticket_id": id}))
        .await;
    assert_eq!(code(&unchanged), "not_found", "nothing was forced");

    // A file's name cannot hide its real extension.
    let (status, file) = client
        .upload("invoice\u{202E}gnp.txt", b"2026-12-03 printer log\n")
        .await;
    assert_eq!(status, 200, "{file}");
    assert_eq!(file["name"], "invoicegnp.txt");
    app.stop().await;
}

crate::on_both_databases!(every_field_refuses_invisible_text);
