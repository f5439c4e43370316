//! Moving in and out (`app::server::moving`), on SQLite and PostgreSQL: an installation's
//! export imports into a new one unchanged — people, categories, tickets with their threads,
//! notes, files, ratings, statuses and times — and again brings nothing twice; CSV files come
//! in, and a bad one changes nothing; an osTicket database on a real MariaDB (tables the test
//! creates as osTicket 1.x has them) comes in with its numbers, threads and files; the
//! `salter import` command shows its progress, prints its summary and writes the passwords;
//! one client's download from the console imports as it is.

use crate::common::{
    add_category, assign, desk, open_ticket, post_ok, step_ok, Backend, Browser, TestApp, SALTER,
    USER_PASSWORD,
};
use app::server::moving::{self, import::Summary};
use serde_json::{json, Value};
use std::path::Path;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-moving-picture";

fn no_progress() -> impl FnMut(u64, Option<u64>) {
    |_, _| {}
}

/// The admin's list of accounts.
pub async fn accounts(admin: &Browser) -> Value {
    let (status, list) = admin.call("accounts/overview", json!({})).await;
    assert_eq!(status, 200, "{list}");
    list
}

async fn import_dir(app: &TestApp, dir: &Path) -> Summary {
    moving::import_export(&app.state, dir, &mut no_progress())
        .await
        .expect("the import")
}

/// Every ticket the admin sees, newest first, each viewed whole.
async fn all_tickets(admin: &Browser) -> Vec<Value> {
    let (status, page) = admin
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let mut seen = Vec::new();
    for t in page["tickets"].as_array().unwrap() {
        let (status, view) = admin
            .call("tickets/view", json!({"ticket_id": t["id"]}))
            .await;
        assert_eq!(status, 200, "{view}");
        seen.push(view);
    }
    seen
}

/// What a person would notice of a ticket: subject, text, status, priority, category, client,
/// operator, thread (who, what, when, note or not) and files — not its ids.
fn as_seen(view: &Value) -> Value {
    let t = &view["ticket"];
    json!({
        "subject": t["subject"], "status": t["status"], "priority": t["priority"],
        "category": t["category"], "client": t["client_name"], "operator": t["operator_name"],
        "created_at": t["created_at"], "closed_at": t["closed_at"],
        "description": view["description"],
        "messages": view["messages"].as_array().unwrap().iter().map(|m| json!({
            "author": m["author_name"], "body": m["body"], "internal": m["internal"],
            "at": m["created_at"],
        })).collect::<Vec<_>>(),
        "files": view["attachments"].as_array().unwrap().iter().map(|f| json!({
            "name": f["name"], "size": f["size"], "internal": f["internal"],
        })).collect::<Vec<_>>(),
    })
}

fn history_kinds(view: &Value) -> Vec<String> {
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| crate::common::kind(e).to_string())
        .collect()
}

async fn an_export_imports_into_a_new_installation_unchanged(backend: Backend) {
    // Installation A: a closed ticket with a file, an answer, a note with a file and a rating;
    // an open one in progress.
    let a = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&a).await;
    let printers = add_category(&admin, "Printers", false).await;
    let file = client.upload_ok("jam.png", PNG).await;
    let (status, created) = client
        .call(
            "tickets/create",
            json!({"input": {"subject": "Printer jammed", "description": "Floor 2, **again**",
                "category_id": printers, "priority": "high", "earlier_ticket_id": null,
                "idempotency_key": "m-1", "attachments": [file]}}),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    let first = created["ticket"]["id"].as_i64().unwrap();
    assign(&admin, first, operator_id).await;
    step_ok(&operator, first, "start", None).await;
    post_ok(&operator, first, "Open tray 2 and pull gently.", false).await;
    let log = operator
        .upload_ok("driver.log", b"driver 1.2 crashed")
        .await;
    let (status, noted) = operator
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": first, "body": "Driver is old", "internal": true,
                "attachments": [log]}}),
        )
        .await;
    assert_eq!(status, 200, "{noted}");
    step_ok(&operator, first, "close", Some("Done, tray 2 fixed.")).await;
    let (status, rated) = client
        .call(
            "satisfaction/rate",
            json!({"input": {"ticket_id": first, "good": true, "comment": "Quick!"}}),
        )
        .await;
    assert_eq!(status, 200, "{rated}");
    let second = open_ticket(&client, "VPN drops at noon", "m-2").await;
    assign(&admin, second, operator_id).await;
    step_ok(&operator, second, "start", None).await;

    let before = all_tickets(&admin).await;
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("export");
    let counts = moving::export_to(&a.state, &dir).await.expect("the export");
    assert_eq!((counts.tickets, counts.files), (2, 2), "{counts:?}");
    assert!(
        moving::export_to(&a.state, &dir).await.is_err(),
        "a second export into the same directory is refused"
    );

    // Installation B, new: the export comes in.
    let b = TestApp::spawn(backend).await;
    let b_admin = b.admin().await;
    let summary = import_dir(&b, &dir).await;
    assert_eq!(
        (
            summary.tickets_imported,
            summary.messages,
            summary.files,
            summary.accounts_created,
            summary.accounts_matched,
            summary.categories_created
        ),
        (2, 3, 2, 2, 1, 1),
        "{summary:?}"
    );
    assert!(summary.left_out.is_empty(), "{:?}", summary.left_out);
    let after = all_tickets(&b_admin).await;
    assert_eq!(
        after.iter().map(as_seen).collect::<Vec<_>>(),
        before.iter().map(as_seen).collect::<Vec<_>>()
    );
    // Each keeps its old reference beside the new; its history says it was brought over.
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(new["original_ref"], old["ticket"]["reference"]);
        let kinds = history_kinds(new);
        assert_eq!(
            kinds.first().map(String::as_str),
            Some("created"),
            "{kinds:?}"
        );
        assert!(kinds.contains(&"assigned".to_string()), "{kinds:?}");
    }
    let closed = &after[1];
    assert!(
        closed["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["what"]["status"]["via"] == "imported"
                && e["what"]["status"]["to"] == "closed"),
        "{}",
        closed["history"]
    );
    assert!(history_kinds(closed).contains(&"rated".to_string()));
    // The files open with their bytes.
    for f in closed["attachments"].as_array().unwrap() {
        let (status, _, bytes) = b_admin.download(f["id"].as_i64().unwrap()).await;
        assert_eq!(status, 200);
        let expected: &[u8] = if f["name"] == "jam.png" {
            PNG
        } else {
            b"driver 1.2 crashed"
        };
        assert_eq!(bytes, expected, "{}", f["name"]);
    }

    // The client signs in with the one-time password handed out, and sees their own tickets.
    let handed = summary
        .passwords
        .iter()
        .find(|p| p.full_name == "Ana Kovač")
        .expect("the client's password");
    let ana = b.browser();
    ana.sign_in_ok(&handed.username, &handed.one_time_password, "client")
        .await;
    ana.set_password(None, USER_PASSWORD).await;
    let (_, mine) = ana
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    assert_eq!(mine["tickets"].as_array().unwrap().len(), 2, "{mine}");
    let (_, view) = ana
        .call("tickets/view", json!({"ticket_id": closed["ticket"]["id"]}))
        .await;
    assert!(
        !view.to_string().contains("Driver is old"),
        "no note for the client"
    );

    // Again: nothing twice.
    let again = import_dir(&b, &dir).await;
    assert_eq!((again.tickets_imported, again.accounts_created), (0, 0));
    assert_eq!(again.already_there, 2 + 3 + 1, "{again:?}");
    assert_eq!(all_tickets(&b_admin).await.len(), 2);

    // B's own export of them holds the same words.
    let dir_b = out.path().join("again");
    moving::export_to(&b.state, &dir_b).await.unwrap();
    let text = |d: &Path| std::fs::read_to_string(d.join("tickets.jsonl")).unwrap();
    for words in [
        "Open tray 2 and pull gently.",
        "Driver is old",
        "Quick!",
        "Floor 2, **again**",
    ] {
        assert!(text(&dir_b).contains(words), "{words}");
    }
    // One client's download from the console imports too: their tickets, without the note.
    let (status, _, zip) = admin
        .get(&format!("/api/privacy/export/{}", client.id().await))
        .await;
    assert_eq!(status, 200);
    let theirs = out.path().join("client");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    archive.extract(&theirs).expect("unzipped");
    let c = TestApp::spawn(backend).await;
    let c_admin = c.admin().await;
    let summary = import_dir(&c, &theirs).await;
    assert_eq!(
        (summary.tickets_imported, summary.files),
        (2, 1),
        "{summary:?}"
    );
    let seen = all_tickets(&c_admin).await;
    assert_eq!(
        seen.iter()
            .map(|v| v["ticket"]["subject"].clone())
            .collect::<Vec<_>>(),
        [json!("VPN drops at noon"), json!("Printer jammed")]
    );
    assert!(
        !seen[1].to_string().contains("Driver is old"),
        "no internal note"
    );
    assert_eq!(
        seen[1]["messages"][0]["body"],
        "Open tray 2 and pull gently."
    );
    c.stop().await;
    b.stop().await;
    a.stop().await;
}

async fn a_bad_export_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "salter-export.json",
        r#"{"format":"salter-export","version":1,"source":"elsewhere","exported_at":"2025-01-01T00:00:00Z"}"#,
    );
    write(
        "accounts.jsonl",
        "{\"ref\":\"c1\",\"full_name\":\"Mia Horvat\",\"role\":\"client\"}\n",
    );
    let good =
        r#"{"ref":"OLD-1","subject":"Fine","client":"c1","created_at":"2024-05-01T08:00:00Z"}"#;
    let bad = r#"{"ref":"OLD-2","subject":"Pending","client":"c1","status":"pending","created_at":"2024-05-01T08:00:00Z"}"#;
    write("tickets.jsonl", &format!("{good}\n{bad}\n"));
    let refused = moving::import_export(&app.state, dir.path(), &mut no_progress()).await;
    let message = refused.expect_err("an unknown status").to_string();
    assert!(
        message.contains("tickets.jsonl") && message.contains("line 2"),
        "{message}"
    );
    let list = accounts(&admin).await;
    assert!(
        !list.to_string().contains("Mia Horvat"),
        "nobody came: {list}"
    );

    // Fixed, it comes; a ticket whose client is unknown is named and left out.
    let stray = r#"{"ref":"OLD-3","subject":"Stray","client":"nobody","created_at":"2024-05-01T08:00:00Z"}"#;
    write("tickets.jsonl", &format!("{good}\n{stray}\n"));
    let summary = import_dir(&app, dir.path()).await;
    assert_eq!(summary.tickets_imported, 1);
    assert_eq!(
        summary.left_out,
        vec!["ticket OLD-3: no account nobody for its client".to_string()]
    );
    let seen = all_tickets(&admin).await;
    assert_eq!(seen[0]["original_ref"], "OLD-1");
    assert_eq!(seen[0]["ticket"]["status"], "open");
    assert_eq!(
        seen[0]["ticket"]["created_at"].as_i64(),
        Some(1_714_550_400_000)
    );
    app.stop().await;
}

/// The free edition's two operators: a third imported comes in disabled, and is said to.
async fn staff_beyond_the_edition_come_in_disabled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let dir = tempfile::tempdir().unwrap();
    let people = (1..=3)
        .map(|n| {
            format!(
                "{{\"ref\":\"o{n}\",\"full_name\":\"Agent Number{n}\",\"role\":\"operator\"}}\n"
            )
        })
        .collect::<String>();
    std::fs::write(dir.path().join("accounts.jsonl"), people).unwrap();
    std::fs::write(
        dir.path().join("salter-export.json"),
        r#"{"format":"salter-export","version":1,"source":"staff","exported_at":"2025-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    let summary = import_dir(&app, dir.path()).await;
    assert_eq!(summary.accounts_created, 3);
    assert_eq!(summary.disabled_by_limit.len(), 1, "{summary:?}");
    assert_eq!(
        summary.passwords.len(),
        2,
        "no password for the disabled one"
    );
    let list = accounts(&admin).await;
    let disabled = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["role"] == "operator" && a["disabled"] == true)
        .count();
    assert_eq!(disabled, 1, "{list}");
    app.stop().await;
}

/// `salter import csv` as an admin runs it: a progress bar, a summary, the passwords in a file
/// only its owner may read; a bad row stops it with the row named and nothing imported.
#[test]
fn csv_files_come_in_through_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("salter.db").display());
    let accounts = dir.path().join("accounts.csv");
    let tickets = dir.path().join("tickets.csv");
    std::fs::write(
        &accounts,
        "ref,full_name,email,role,username\n\
         7,Lejla Begić,lejla@example.com,client,\n\
         8,Tarik Hadžić,,operator,tarik\n",
    )
    .unwrap();
    std::fs::write(
        &tickets,
        "ref,client,subject,description,category,priority,status,operator,created_at,closed_at\n\
         A-100,7,Invoice missing,\"March, please\",Billing,high,closed,8,2025-03-01T09:00:00Z,2025-03-02T10:00:00Z\n\
         A-101,7,Password reset,,Accounts,,,,2025-03-05T09:00:00Z,\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        std::process::Command::new(SALTER)
            .args(["import", "csv"])
            .arg("--accounts")
            .arg(&accounts)
            .arg("--tickets")
            .arg(&tickets)
            .args(extra)
            .arg("--files-dir")
            .arg(dir.path().join("files"))
            .env("SALTER_DATABASE_URL", &url)
            .current_dir(dir.path())
            .output()
            .expect("run salter import")
    };
    let passwords = dir.path().join("handed.csv");
    let out = run(&["--passwords", passwords.to_str().unwrap()]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("tickets [####################] 2/2 100%"),
        "{stderr}"
    );
    assert!(stdout.contains("imported 2 tickets"), "{stdout}");
    assert!(
        stdout.contains("created the administrator account"),
        "imported before the first start, the installation still gets its admin: {stdout}"
    );
    assert!(stdout.contains("categories: 2 new"), "{stdout}");
    let handed = std::fs::read_to_string(&passwords).unwrap();
    assert!(handed.starts_with("username,full_name,role,one_time_password\n"));
    assert!(
        handed.contains("lejla.begic,Lejla Begić,client,"),
        "{handed}"
    );
    assert!(handed.contains("tarik,Tarik Hadžić,operator,"), "{handed}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&passwords).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Again: nothing new, and no passwords file.
    let again = run(&[]);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success());
    assert!(stdout.contains("imported 0 tickets"), "{stdout}");
    assert!(stdout.contains("6 already there"), "{stdout}");
    assert!(!stdout.contains("one-time passwords"), "{stdout}");
    assert!(!stdout.contains("administrator"), "{stdout}");

    // A bad row: named, nothing imported.
    std::fs::write(
        &tickets,
        "ref,client,subject,description,category,priority,status,operator,created_at,closed_at\n\
         A-200,7,Fine,,,,,,2025-03-05T09:00:00Z,\n\
         A-201,7,Bad,,,urgent,,,2025-03-05T09:00:00Z,\n",
    )
    .unwrap();
    let bad = run(&[]);
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(!bad.status.success());
    assert!(
        stderr.contains("row 2") && stderr.contains("urgent"),
        "{stderr}"
    );
    let nothing = std::process::Command::new(SALTER)
        .args(["import", "csv"])
        .env("SALTER_DATABASE_URL", &url)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!nothing.status.success());
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("--accounts"),
        "says what to give"
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let count: i64 = rt.block_on(async {
        let db = app::server::Db::open(&url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
            .fetch_one(&db.pool)
            .await
            .unwrap()
    });
    assert_eq!(count, 2);
}

crate::on_both_databases!(
    an_export_imports_into_a_new_installation_unchanged,
    a_bad_export_changes_nothing,
    staff_beyond_the_edition_come_in_disabled,
);
