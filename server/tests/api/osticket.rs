//! `salter import osticket`, against a real MariaDB: the test makes a database of its own with
//! osTicket 1.x's tables (the columns the importer reads, as osTicket declares them) holding a
//! small help desk — HTML messages, a response, an internal note, a file kept in the database,
//! one on osTicket's disk and one lost from it, an inactive agent, a deleted ticket — and
//! imports it on
//! SQLite and on PostgreSQL, twice.

use crate::common::{on_a_runtime_of_its_own, Backend, Browser, TestApp};
use crate::moving::accounts;
use app::server::moving;
use serde_json::{json, Value};
use sqlx::{Connection, Executor};

const DEFAULT_MARIADB: &str = "mysql://root@127.0.0.1:3306/test";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-osticket-scan";

const TABLES: &str = "
CREATE TABLE ost_user (id int(10) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  org_id int(10) unsigned NOT NULL DEFAULT 0, default_email_id int(10) NOT NULL,
  status int(11) unsigned NOT NULL DEFAULT 0, name varchar(128) NOT NULL,
  created datetime NOT NULL, updated datetime NOT NULL);
CREATE TABLE ost_user_email (id int(10) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id int(10) unsigned NOT NULL, flags int(10) unsigned NOT NULL DEFAULT 0,
  address varchar(255) NOT NULL);
CREATE TABLE ost_staff (staff_id int(11) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  dept_id int(10) unsigned NOT NULL DEFAULT 0, username varchar(32) NOT NULL DEFAULT '',
  firstname varchar(32) DEFAULT NULL, lastname varchar(32) DEFAULT NULL,
  email varchar(255) DEFAULT NULL, isactive tinyint(1) NOT NULL DEFAULT 1,
  isadmin tinyint(1) NOT NULL DEFAULT 0, created datetime NOT NULL);
CREATE TABLE ost_department (id int(11) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  pid int(11) unsigned DEFAULT NULL, name varchar(128) NOT NULL DEFAULT '');
CREATE TABLE ost_ticket_status (id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(60) NOT NULL DEFAULT '', state varchar(16) DEFAULT NULL);
CREATE TABLE ost_ticket_priority (priority_id tinyint(4) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  priority varchar(60) NOT NULL DEFAULT '', priority_urgency tinyint(1) unsigned NOT NULL DEFAULT 0);
CREATE TABLE ost_ticket (ticket_id int(11) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number varchar(20) DEFAULT NULL, user_id int(11) unsigned NOT NULL DEFAULT 0,
  status_id int(10) unsigned NOT NULL DEFAULT 0, dept_id int(10) unsigned NOT NULL DEFAULT 0,
  staff_id int(10) unsigned NOT NULL DEFAULT 0, isanswered tinyint(1) unsigned NOT NULL DEFAULT 0,
  closed datetime DEFAULT NULL, created datetime NOT NULL, updated datetime NOT NULL);
CREATE TABLE ost_ticket__cdata (ticket_id int(11) unsigned NOT NULL PRIMARY KEY,
  subject mediumtext, priority mediumtext);
CREATE TABLE ost_thread (id int(11) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  object_id int(11) unsigned NOT NULL, object_type char(1) NOT NULL, created datetime NOT NULL);
CREATE TABLE ost_thread_entry (id int(11) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  pid int(11) unsigned NOT NULL DEFAULT 0, thread_id int(11) unsigned NOT NULL DEFAULT 0,
  staff_id int(11) unsigned NOT NULL DEFAULT 0, user_id int(11) unsigned NOT NULL DEFAULT 0,
  type char(1) NOT NULL DEFAULT '', poster varchar(128) NOT NULL DEFAULT '',
  title varchar(255) DEFAULT NULL, body text NOT NULL, format varchar(16) NOT NULL DEFAULT 'html',
  created datetime NOT NULL, updated datetime NOT NULL);
CREATE TABLE ost_file (id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ft char(1) NOT NULL DEFAULT 'T', bk char(1) NOT NULL DEFAULT 'D',
  type varchar(255) NOT NULL DEFAULT '', size bigint(20) unsigned NOT NULL DEFAULT 0,
  `key` varchar(86) NOT NULL, signature varchar(86) NOT NULL DEFAULT '',
  name varchar(255) NOT NULL DEFAULT '', created datetime NOT NULL);
CREATE TABLE ost_file_chunk (file_id int(11) NOT NULL, chunk_id int(11) NOT NULL DEFAULT 0,
  filedata longblob NOT NULL, PRIMARY KEY (file_id, chunk_id));
CREATE TABLE ost_attachment (id int(10) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  object_id int(11) unsigned NOT NULL, type char(1) NOT NULL, file_id int(11) unsigned NOT NULL,
  name varchar(255) DEFAULT NULL, inline tinyint(1) unsigned NOT NULL DEFAULT 0)";

const DATA: &str = "
INSERT INTO ost_user VALUES (1, 0, 1, 0, 'Mirza Delić', '2023-11-02 08:00:00', '2023-11-02 08:00:00'),
  (2, 0, 2, 0, 'Sanja Kos', '2023-11-03 08:00:00', '2023-11-03 08:00:00');
INSERT INTO ost_user_email VALUES (1, 1, 0, 'mirza@example.com'), (2, 2, 0, 'sanja@example.com');
INSERT INTO ost_staff VALUES (1, 1, 'ivo', 'Ivo', 'Ivić', 'ivo@example.com', 1, 1, '2023-01-01 00:00:00'),
  (2, 2, 'old.agent', 'Old', 'Agent', NULL, 0, 0, '2022-01-01 00:00:00');
INSERT INTO ost_department VALUES (1, NULL, 'Support'), (2, NULL, 'Billing');
INSERT INTO ost_ticket_status VALUES (1, 'Open', 'open'), (2, 'Resolved', 'closed'),
  (3, 'Closed', 'closed'), (4, 'Archived', 'archived'), (5, 'Deleted', 'deleted');
INSERT INTO ost_ticket_priority VALUES (1, 'low', 4), (2, 'normal', 3), (3, 'high', 2), (4, 'emergency', 1);
INSERT INTO ost_ticket VALUES
  (1, '481516', 1, 1, 1, 1, 1, NULL, '2024-02-01 10:00:00', '2024-02-01 12:00:00'),
  (2, '481517', 2, 3, 2, 2, 0, '2024-02-03 09:30:00', '2024-02-02 09:00:00', '2024-02-03 09:30:00'),
  (3, '481518', 2, 5, 1, 0, 0, NULL, '2024-02-04 09:00:00', '2024-02-04 09:00:00'),
  (4, '481519', 1, 1, 0, 0, 0, NULL, '2024-02-05 09:00:00', '2024-02-05 09:00:00');
INSERT INTO ost_ticket__cdata VALUES (1, 'Cannot print invoices', '3'),
  (2, 'Refund for February', '4'), (3, 'Spam', '2'), (4, 'Where is my order?', NULL);
INSERT INTO ost_thread VALUES (1, 1, 'T', '2024-02-01 10:00:00'), (2, 2, 'T', '2024-02-02 09:00:00'),
  (3, 3, 'T', '2024-02-04 09:00:00'), (4, 4, 'T', '2024-02-05 09:00:00'), (5, 1, 'A', '2024-02-01 10:00:00');
INSERT INTO ost_thread_entry (id, thread_id, staff_id, user_id, type, body, format, created, updated) VALUES
  (1, 1, 0, 1, 'M', '<p>Hi,<br />printing fails &amp; stops</p>', 'html', '2024-02-01 10:00:00', '2024-02-01 10:00:00'),
  (2, 1, 1, 0, 'R', '<p>We patched the <b>driver</b>.</p>', 'html', '2024-02-01 11:00:00', '2024-02-01 11:00:00'),
  (3, 1, 1, 0, 'N', 'Customer is on the old driver', 'text', '2024-02-01 11:05:00', '2024-02-01 11:05:00'),
  (4, 2, 0, 2, 'M', 'Refund please', 'text', '2024-02-02 09:00:00', '2024-02-02 09:00:00'),
  (5, 2, 0, 0, 'R', 'Refunded by a colleague who left', 'text', '2024-02-03 09:00:00', '2024-02-03 09:00:00'),
  (6, 3, 0, 2, 'M', 'buy cheap things', 'text', '2024-02-04 09:00:00', '2024-02-04 09:00:00'),
  (7, 4, 0, 1, 'M', '<div>Order 77?</div>', 'html', '2024-02-05 09:00:00', '2024-02-05 09:00:00'),
  (8, 4, 0, 1, 'M', 'Here is the receipt', 'text', '2024-02-05 09:10:00', '2024-02-05 09:10:00'),
  (9, 5, 0, 1, 'M', 'a task, not a ticket', 'text', '2024-02-01 10:00:00', '2024-02-01 10:00:00');
INSERT INTO ost_file VALUES (1, 'T', 'D', 'image/png', 35, 'k1', '', 'scan.png', '2024-02-01 10:00:00'),
  (2, 'T', 'F', 'application/pdf', 20, 'Rk2x_9', '', 'receipt.pdf', '2024-02-05 09:10:00'),
  (3, 'T', 'F', 'application/pdf', 20, 'Gone77', '', 'lost.pdf', '2024-02-05 09:10:00');
INSERT INTO ost_attachment VALUES (1, 1, 'H', 1, 'scan.png', 0), (2, 8, 'H', 2, NULL, 0),
  (3, 8, 'H', 3, NULL, 0)";

/// A file osTicket's filesystem storage keeps: `<uploads>/R/Rk2x_9`.
const PDF: &[u8] = b"%PDF-1.4 a receipt";

/// A MariaDB database of the test's own, dropped afterwards.
struct OsTicketDb {
    admin_url: String,
    name: String,
    url: String,
}

impl OsTicketDb {
    async fn create() -> OsTicketDb {
        let admin_url = std::env::var("SALTER_TEST_MARIADB_URL")
            .unwrap_or_else(|_| DEFAULT_MARIADB.to_string());
        let mut admin = sqlx::MySqlConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "MariaDB is not reachable at {admin_url} ({e}). The osTicket import is tested \
                     against a real MariaDB: `apt-get install -y mariadb-server && service \
                     mariadb start` (root without a password on 127.0.0.1), or point \
                     SALTER_TEST_MARIADB_URL at a server where that user may create databases."
                )
            });
        let name = format!("salter_ost_{:016x}", rand::random::<u64>());
        admin
            .execute(format!("CREATE DATABASE {name} CHARACTER SET utf8mb4").as_str())
            .await
            .expect("create the osTicket database");
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
        let url = format!("{base}/{name}");
        let mut conn = sqlx::MySqlConnection::connect(&url).await.unwrap();
        for statement in TABLES.split(";\n").chain(DATA.split(";\n")) {
            conn.execute(statement)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        sqlx::query("INSERT INTO ost_file_chunk VALUES (1, 0, ?)")
            .bind(PNG)
            .execute(&mut conn)
            .await
            .unwrap();
        OsTicketDb {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for OsTicketDb {
    fn drop(&mut self) {
        let (url, name) = (self.admin_url.clone(), self.name.clone());
        on_a_runtime_of_its_own(|| async move {
            if let Ok(mut conn) = sqlx::MySqlConnection::connect(&url).await {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                    .await;
            }
        });
    }
}

async fn by_original(admin: &Browser) -> Vec<Value> {
    let (_, page) = admin
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    let mut seen = Vec::new();
    for t in page["tickets"].as_array().unwrap() {
        let (_, view) = admin
            .call("tickets/view", json!({"ticket_id": t["id"]}))
            .await;
        seen.push(view);
    }
    seen.sort_by_key(|v| v["original_ref"].as_str().unwrap_or("").to_string());
    seen
}

fn ms(text: &str) -> i64 {
    text.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

async fn osticket_comes_in_with_numbers_threads_and_files(backend: Backend) {
    let ost = OsTicketDb::create().await;
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    let uploads = tempfile::tempdir().unwrap();
    std::fs::create_dir(uploads.path().join("R")).unwrap();
    std::fs::write(uploads.path().join("R/Rk2x_9"), PDF).unwrap();
    let import = || async {
        moving::import_osticket(
            &app.state,
            &ost.url,
            "ost_",
            Some(uploads.path()),
            &mut |_, _| {},
        )
        .await
        .expect("the import")
    };
    let summary = import().await;
    assert_eq!(
        (
            summary.tickets_imported,
            summary.accounts_created,
            summary.categories_created,
            summary.files,
            summary.messages
        ),
        (3, 4, 2, 2, 4),
        "{summary:?}"
    );
    assert_eq!(
        summary.left_out,
        vec!["ticket 481519: file ost_fs:Gone77 is missing".to_string()]
    );
    // The inactive agent is a disabled operator, and has no password to hand out.
    let names: Vec<&str> = summary
        .passwords
        .iter()
        .map(|p| p.username.as_str())
        .collect();
    assert_eq!(names, ["ivo", "mirza.delic", "sanja.kos"]);

    let seen = by_original(&admin).await;
    let refs: Vec<&str> = seen
        .iter()
        .map(|v| v["original_ref"].as_str().unwrap())
        .collect();
    assert_eq!(
        refs,
        ["481516", "481517", "481519"],
        "the deleted one stays behind"
    );

    let printing = &seen[0];
    let t = &printing["ticket"];
    assert_eq!(
        (&t["subject"], &t["status"], &t["priority"], &t["category"]),
        (
            &json!("Cannot print invoices"),
            &json!("returned_to_client"),
            &json!("high"),
            &json!("Support")
        )
    );
    assert_eq!(t["operator_name"], "Ivo Ivić");
    assert_eq!(t["client_name"], "Mirza Delić");
    assert_eq!(t["created_at"].as_i64(), Some(ms("2024-02-01T10:00:00Z")));
    assert_eq!(printing["description"], "Hi,\nprinting fails & stops");
    let thread: Vec<(Value, Value, Value)> = printing["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["author_name"].clone(),
                m["body"].clone(),
                m["internal"].clone(),
            )
        })
        .collect();
    assert_eq!(
        thread,
        [
            (
                json!("Ivo Ivić"),
                json!("We patched the driver."),
                json!(false)
            ),
            (
                json!("Ivo Ivić"),
                json!("Customer is on the old driver"),
                json!(true)
            ),
        ]
    );
    let scan = &printing["attachments"][0];
    assert_eq!(scan["name"], "scan.png");
    let (status, _, bytes) = admin.download(scan["id"].as_i64().unwrap()).await;
    assert_eq!((status, bytes.as_slice()), (200, PNG));

    let refund = &seen[1]["ticket"];
    assert_eq!(
        (
            &refund["status"],
            &refund["priority"],
            &refund["operator_name"]
        ),
        (&json!("closed"), &json!("critical"), &json!("Old Agent"))
    );
    assert_eq!(
        refund["closed_at"].as_i64(),
        Some(ms("2024-02-03T09:30:00Z"))
    );
    assert_eq!(
        seen[1]["messages"][0]["author_name"], "Old Agent",
        "a response by staff who left is said by the ticket's agent"
    );
    let order = &seen[2];
    assert_eq!(
        (
            &order["ticket"]["status"],
            &order["ticket"]["operator_name"],
            &order["ticket"]["priority"]
        ),
        (&json!("open"), &Value::Null, &json!("normal"))
    );
    assert_eq!(order["messages"][0]["body"], "Here is the receipt");
    let receipt = &order["attachments"][0];
    assert_eq!(receipt["name"], "receipt.pdf");
    let (status, _, bytes) = admin.download(receipt["id"].as_i64().unwrap()).await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));

    let list = accounts(&admin).await;
    let old = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "old.agent")
        .expect("the old agent");
    assert_eq!(old["disabled"], true);

    // Again: nothing twice.
    let again = import().await;
    assert_eq!((again.tickets_imported, again.accounts_created), (0, 0));
    assert_eq!(again.already_there, 3 + 4 + 2, "{again:?}");
    assert_eq!(by_original(&admin).await.len(), 3);
    app.stop().await;
}

crate::on_both_databases!(osticket_comes_in_with_numbers_threads_and_files);
