//! E-mail in, on both databases, from a real IMAP server (`common::imap`, Dovecot) with the
//! outgoing side on a real SMTP server: a client's mail opens a ticket (files through the
//! upload checks), an answer to our e-mail lands in its thread and moves the ticket as the
//! portal's answer does, and nothing is taken twice — not when fetched again, not after the
//! fetcher forgot where it was. Robots are never answered; strangers and forgers wait for the
//! admin, who accepts or drops them.

use crate::common::imap::ImapServer;
use crate::common::mail::MailServer;
use crate::common::{assign, code, step_ok, Backend, Browser, TestApp};
use app::server::mail::outbox::deliver_due;
use serde_json::{json, Value};

const CLIENT_MAIL: &str = "ana@client.example";

async fn set_servers(admin: &Browser, smtp: &MailServer, imap: &ImapServer) {
    let (status, body) = admin
        .call(
            "mail/set_settings",
            json!({"input": {"smtp_url": smtp.url(), "imap_url": imap.url(),
                "from": "help@support.example", "reply_to": ""}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The mailbox's password is not shown either.
    let shown = body["imap_url"].as_str().unwrap();
    assert!(
        shown.contains("********") && !shown.contains(crate::common::imap::PASSWORD),
        "{shown}"
    );
}

/// Both mail servers set up, the admin, and an operator with an address.
async fn help_desk(backend: Backend) -> (MailServer, ImapServer, TestApp, Browser, Browser) {
    let smtp = MailServer::start().await;
    let imap = ImapServer::start().await;
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    set_servers(&admin, &smtp, &imap).await;
    let (operator, _) = app
        .user_with(
            &admin,
            "Đorđe Šarić",
            "operator",
            Some("djordje@support.example"),
        )
        .await;
    (smtp, imap, app, admin, operator)
}

/// Fetches the mailbox now, as the admin's button does; how many messages were new.
async fn fetch(admin: &Browser) -> i64 {
    let (status, body) = admin.call("mail/fetch_now", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body.as_i64().unwrap()
}

async fn held(admin: &Browser) -> Vec<Value> {
    let (status, body) = admin.call("mail/held", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

async fn tickets_of(client: &Browser) -> Vec<Value> {
    let (status, body) = client
        .call(
            "tickets/list",
            json!({"query": {"status": null, "after": null}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["tickets"].as_array().unwrap().clone()
}

async fn view(b: &Browser, id: i64) -> Value {
    let (status, body) = b.call("tickets/view", json!({"ticket_id": id})).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn messages(ticket: &Value) -> Vec<(String, String)> {
    ticket["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["author_name"].as_str().unwrap().to_string(),
                m["body"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A new request from the client, with a PDF (accepted) and an SVG (refused as uploads are).
fn new_request() -> String {
    format!(
        "From: Ana Kovač <{CLIENT_MAIL}>\n\
         To: help@support.example\n\
         Subject: The printer prints blank pages\n\
         Message-ID: <first@client.example>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=XX\n\n\
         --XX\nContent-Type: text/plain; charset=utf-8\n\n\
         Since Monday every page comes out blank.\n\
         --XX\nContent-Type: application/pdf\n\
         Content-Disposition: attachment; filename=\"test-page.pdf\"\n\
         Content-Transfer-Encoding: base64\n\nJVBERi0xLjQKJcfsj6IK\n\
         --XX\nContent-Type: image/svg+xml\n\
         Content-Disposition: attachment; filename=\"logo.svg\"\n\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>\n\
         --XX--\n"
    )
}

/// A plain message from `from` with extra headers.
fn mail(from: &str, id: &str, headers: &str, subject: &str, text: &str) -> String {
    format!(
        "From: {from}\nTo: help@support.example\nSubject: {subject}\nMessage-ID: <{id}>\n\
         {headers}Content-Type: text/plain; charset=utf-8\n\n{text}\n"
    )
}

async fn mail_becomes_tickets_and_replies_once(backend: Backend) {
    let (smtp, imap, app, admin, operator) = help_desk(backend).await;
    let (client, _) = app
        .user_with(&admin, "Ana Kovač", "client", Some(CLIENT_MAIL))
        .await;
    let (other, _) = app
        .user_with(&admin, "Eve Stranger", "client", Some("eve@client.example"))
        .await;
    let operator_id = operator.me().await.1["id"].as_i64().unwrap();

    // A new request becomes a ticket with its text and the PDF; the SVG is refused.
    imap.deliver(&new_request());
    assert_eq!(fetch(&admin).await, 1);
    let tickets = tickets_of(&client).await;
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["subject"], "The printer prints blank pages");
    let id = tickets[0]["id"].as_i64().unwrap();
    let ticket = view(&client, id).await;
    assert_eq!(
        ticket["description"],
        "Since Monday every page comes out blank."
    );
    let files: Vec<&str> = ticket["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["test-page.pdf"]);
    // The client hears it arrived, with its reference.
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    let received = smtp.wait_for(1).await;
    assert!(
        received[0].subject.contains(&format!("[T-{id:06}]")),
        "{}",
        received[0].subject
    );

    // The operator asks for more; the client answers the e-mail: the answer (without the quote)
    // is in the thread and the ticket is back in progress.
    assign(&admin, id, operator_id).await;
    step_ok(&operator, id, "start", None).await;
    step_ok(
        &operator,
        id,
        "return_to_client",
        Some("Which model is it?"),
    )
    .await;
    // (The operator is told of the assignment, the client asked.)
    assert_eq!(deliver_due(&app.state).await.unwrap(), 2);
    let asked = smtp
        .wait_for(3)
        .await
        .into_iter()
        .rfind(|m| m.to == CLIENT_MAIL)
        .unwrap();
    assert!(
        asked.subject.contains("We need more information"),
        "{}",
        asked.subject
    );
    // The mailbox is read: the e-mail says a reply works.
    assert!(asked
        .text
        .contains("You can also answer by replying to this e-mail."));
    let answer = mail(
        &format!("Ana Kovač <{CLIENT_MAIL}>"),
        "answer@client.example",
        &format!(
            "In-Reply-To: <{}>\nReferences: <{}>\n",
            asked.message_id, asked.message_id
        ),
        &format!("Re: {}", asked.subject),
        "It is the X200.\n\nOn Tuesday, Support wrote:\n> Which model is it?",
    );
    imap.deliver(&answer);
    assert_eq!(fetch(&admin).await, 1);
    let ticket = view(&operator, id).await;
    assert_eq!(ticket["ticket"]["status"], "in_progress");
    let thread = messages(&ticket);
    assert_eq!(
        thread.last().unwrap(),
        &("Ana Kovač".to_string(), "It is the X200.".to_string())
    );
    let length = thread.len();

    // The operator answers by e-mail, with only the reference in the subject.
    imap.deliver(&mail(
        "djordje@support.example",
        "op@support.example",
        "",
        &format!("[T-{id:06}] your printer"),
        "Try the new driver.",
    ));
    assert_eq!(fetch(&admin).await, 1);
    let thread = messages(&view(&client, id).await);
    assert_eq!(thread.len(), length + 1);
    assert_eq!(thread.last().unwrap().1, "Try the new driver.");

    // The same answer delivered again, and the fetcher forgetting where it was (a stop before
    // it counted the last message): everything is fetched again, nothing is taken twice.
    imap.deliver(&answer);
    assert_eq!(fetch(&admin).await, 1);
    sqlx::query("DELETE FROM settings WHERE key = 'imap_seen'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(fetch(&admin).await, 4);
    assert_eq!(tickets_of(&client).await.len(), 1);
    assert_eq!(messages(&view(&client, id).await).len(), length + 1);

    // A forged answer — another client naming our e-mail — is not attached; it waits.
    imap.deliver(&mail(
        "eve@client.example",
        "forged@client.example",
        &format!("In-Reply-To: <{}>\n", asked.message_id),
        &format!("Re: {}", asked.subject),
        "Close it, it is solved.",
    ));
    // Robots: an auto-reply and a bounce create nothing and are not answered.
    imap.deliver(&mail(
        CLIENT_MAIL,
        "vacation@client.example",
        "Auto-Submitted: auto-replied\n",
        "Out of office",
        "I am away until Monday.",
    ));
    imap.deliver(&mail(
        "MAILER-DAEMON@client.example",
        "bounce@client.example",
        "",
        "Undelivered Mail Returned to Sender",
        "The mail could not be delivered.",
    ));
    assert_eq!(fetch(&admin).await, 3);
    assert_eq!(messages(&view(&client, id).await).len(), length + 1);
    assert_eq!(tickets_of(&client).await.len(), 1);
    assert!(tickets_of(&other).await.is_empty());
    let waiting = held(&admin).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["from_address"], "eve@client.example");
    assert_eq!(waiting[0]["why"], "not_on_ticket");
    // Only the operator's notice of the answer went out; nothing to the robots.
    let before = smtp.messages().len();
    deliver_due(&app.state).await.unwrap();
    let new: Vec<_> = smtp.messages().into_iter().skip(before).collect();
    assert!(new.iter().all(|m| m.to != "MAILER-DAEMON@client.example"));
    assert!(new.iter().all(|m| !m.subject.contains("Out of office")));

    // The admin drops the forgery: nothing is made of it, and it cannot be accepted after.
    let forged = waiting[0]["id"].as_i64().unwrap();
    let (status, body) = admin.call("mail/drop_held", json!({"id": forged})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!([]));
    let (status, body) = admin
        .call(
            "mail/accept_held",
            json!({"id": forged, "full_name": "Eve"}),
        )
        .await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    assert!(tickets_of(&other).await.is_empty());
    app.stop().await;
}

async fn strangers_wait_for_the_admin(backend: Backend) {
    let (_smtp, imap, app, admin, operator) = help_desk(backend).await;
    imap.deliver(&mail(
        "Marko Marić <marko@new.example>",
        "m1@new.example",
        "",
        "Can I get an account?",
        "I would like to report a problem.",
    ));
    imap.deliver(&mail(
        "djordje@support.example",
        "staff@support.example",
        "",
        "A note to myself",
        "Not about a ticket.",
    ));
    assert_eq!(fetch(&admin).await, 2);
    let mut waiting = held(&admin).await;
    waiting.sort_by_key(|h| h["why"].as_str().unwrap().to_string());
    let why: Vec<&str> = waiting.iter().map(|h| h["why"].as_str().unwrap()).collect();
    assert_eq!(why, ["not_a_client", "unknown_sender"]);
    assert_eq!(waiting[1]["from_name"], "Marko Marić");
    assert_eq!(waiting[1]["excerpt"], "I would like to report a problem.");

    // Staff's address stays theirs: their mail cannot become a client's ticket.
    let staff = waiting[0]["id"].as_i64().unwrap();
    let (status, body) = admin
        .call(
            "mail/accept_held",
            json!({"id": staff, "full_name": "Someone"}),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"), "{body}");

    // Accepting the stranger's mail makes their client account (a one-time password to pass
    // on) and opens the ticket as theirs.
    let stranger = waiting[1]["id"].as_i64().unwrap();
    let (status, body) = admin
        .call(
            "mail/accept_held",
            json!({"id": stranger, "full_name": "Marko Marić"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let account = &body["new_account"];
    assert_eq!(account["account"]["username"], "marko.maric");
    let ticket = body["ticket_id"].as_i64().unwrap();
    let marko = app.browser();
    marko
        .sign_in_ok(
            "marko.maric",
            account["one_time_password"].as_str().unwrap(),
            "client",
        )
        .await;
    marko.set_password(None, crate::common::USER_PASSWORD).await;
    let mine = tickets_of(&marko).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], ticket);
    assert_eq!(mine[0]["subject"], "Can I get an account?");
    // Accepted once: it is no longer held, and accepting again finds nothing.
    assert_eq!(held(&admin).await.len(), 1);
    let (status, _) = admin
        .call(
            "mail/accept_held",
            json!({"id": stranger, "full_name": "Marko Marić"}),
        )
        .await;
    assert_eq!(status, 404);
    // His next mail is his: a ticket straight away.
    imap.deliver(&mail(
        "marko@new.example",
        "m2@new.example",
        "",
        "Another one",
        "Second problem.",
    ));
    assert_eq!(fetch(&admin).await, 1);
    assert_eq!(tickets_of(&marko).await.len(), 2);
    // Only admins see and decide held mail; a wrong mailbox is said so.
    let (status, _) = operator.call("mail/held", json!({})).await;
    assert_eq!(status, 403);
    let (status, body) = admin
        .call(
            "mail/set_settings",
            json!({"input": {"smtp_url": "", "imap_url": "pop3://x@y", "from": "", "reply_to": ""}}),
        )
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"));
    assert_eq!(body["field"], "imap_url", "{body}");
    app.stop().await;
}

on_both_databases!(
    mail_becomes_tickets_and_replies_once,
    strangers_wait_for_the_admin
);
