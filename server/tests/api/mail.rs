//! E-mail out, on both databases, against a real SMTP server (`common::mail`): who is told what
//! as a ticket goes through its life, in their language, with nothing internal in a client's
//! mail; the admin's settings and test e-mail; a mail server that is down gets the mail when it
//! is back, and a process killed between the commit and the sending sends it after its restart,
//! once.

use crate::common::mail::{Mail, MailServer};
use crate::common::{
    assign, code, fresh_database, open_ticket, post_ok, step_ok, test_config, Backend, Browser,
    DbGuard, Process, TestApp, USER_PASSWORD,
};
use app::server::mail::outbox::deliver_due;
use serde_json::{json, Value};

const CLIENT_MAIL: &str = "ana@client.example";
const OPERATOR_MAIL: &str = "djordje@support.example";

async fn set_mail(admin: &Browser, url: &str) -> Value {
    let (status, body) = admin
        .call(
            "mail/set_settings",
            json!({"input": {"smtp_url": url, "from": "help@support.example", "reply_to": ""}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn outbox(admin: &Browser) -> Value {
    let (status, body) = admin.call("mail/outbox", json!({})).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Sends what is due and returns the mail that arrived since `seen` (now `seen` more).
async fn delivered(
    app: &TestApp,
    smtp: &MailServer,
    seen: &mut usize,
    expected: usize,
) -> Vec<Mail> {
    let sent = deliver_due(&app.state).await.expect("deliver");
    assert_eq!(sent, expected, "sent this round");
    let all = smtp.wait_for(*seen + expected).await;
    let new = all.into_iter().skip(*seen).collect::<Vec<_>>();
    *seen += new.len();
    new
}

async fn each_side_hears_of_the_other_in_their_language(backend: Backend) {
    let smtp = MailServer::start().await;
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    set_mail(&admin, &smtp.url()).await;
    // A hostile name is a name, not headers or markup.
    let (client, _) = app
        .user_with(
            &admin,
            "Ana <b>Kovač</b>, \"x\" <evil@attacker.example>",
            "client",
            Some(CLIENT_MAIL),
        )
        .await;
    let (operator, _) = app
        .user_with(&admin, "Đorđe Šarić", "operator", Some(OPERATOR_MAIL))
        .await;
    let operator_id = operator.id().await;
    // The operator reads the apps in Bosnian.
    let (status, _) = operator
        .call("session/set_language", json!({"lang": "Bs"}))
        .await;
    assert_eq!(status, 200);
    let mut seen = 0;

    let id = open_ticket(&client, "Printer <script>x()</script> jams", "mail-0001").await;
    let reference = format!("[T-{id:06}]");
    let mail = delivered(&app, &smtp, &mut seen, 1).await;
    assert_eq!(mail[0].to, CLIENT_MAIL);
    assert_eq!(
        mail[0].subject,
        format!("{reference} We received your request: Printer <script>x()</script> jams")
    );
    assert!(mail[0].text.contains(&format!("T-{id:06}")));
    assert!(mail[0]
        .text
        .contains(&format!("{}/tickets/{id}", app.state.config.links)));
    assert!(
        mail[0].html.contains("Ana &lt;b&gt;Kovač&lt;/b&gt;"),
        "{}",
        mail[0].html
    );
    assert!(!mail[0].raw.to_lowercase().contains("\nbcc:"));
    assert!(mail[0].raw.contains("Auto-Submitted: auto-generated"));

    assign(&admin, id, operator_id).await;
    let mail = delivered(&app, &smtp, &mut seen, 1).await;
    assert_eq!(mail[0].to, OPERATOR_MAIL);
    assert!(
        mail[0]
            .subject
            .starts_with(&format!("{reference} Dodijeljen vama")),
        "{}",
        mail[0].subject
    );
    assert!(mail[0].text.contains(&format!("/operator/tickets/{id}")));

    // Starting tells nobody; an internal note tells nobody; returning with a question is one
    // e-mail to the client that quotes it.
    step_ok(&operator, id, "start", None).await;
    post_ok(
        &operator,
        id,
        "Internal: the client's printer is ancient.",
        true,
    )
    .await;
    step_ok(
        &operator,
        id,
        "return_to_client",
        Some("Which **model** is it?"),
    )
    .await;
    let mail = delivered(&app, &smtp, &mut seen, 1).await;
    assert_eq!(mail[0].to, CLIENT_MAIL);
    assert!(
        mail[0].subject.contains("We need more information"),
        "{}",
        mail[0].subject
    );
    assert!(
        mail[0].text.contains("> Which **model** is it?"),
        "{}",
        mail[0].text
    );
    assert!(mail[0].html.contains("<strong>model</strong>"));
    for m in smtp.messages() {
        assert!(
            !m.raw.contains("ancient"),
            "an internal note reached e-mail"
        );
    }

    // The client's answer tells the operator, in Bosnian.
    post_ok(&client, id, "A LaserJet 4.", false).await;
    let mail = delivered(&app, &smtp, &mut seen, 1).await;
    assert_eq!(mail[0].to, OPERATOR_MAIL);
    assert!(
        mail[0].subject.contains("Klijent je odgovorio"),
        "{}",
        mail[0].subject
    );
    assert!(mail[0].text.contains("> A LaserJet 4."));

    // Closing tells the client; the client reopening tells the operator, not the client.
    step_ok(&operator, id, "close", Some("Replaced the toner.")).await;
    let mail = delivered(&app, &smtp, &mut seen, 1).await;
    assert_eq!(mail[0].to, CLIENT_MAIL);
    assert!(mail[0].subject.contains("Closed"), "{}", mail[0].subject);
    step_ok(&client, id, "reopen", Some("It jams again.")).await;
    let mail = delivered(&app, &smtp, &mut seen, 1).await;
    assert_eq!(mail[0].to, OPERATOR_MAIL);
    assert!(
        mail[0].subject.contains("Ponovo otvoren"),
        "{}",
        mail[0].subject
    );

    // Every e-mail is its own message.
    let ids: std::collections::HashSet<_> =
        smtp.messages().into_iter().map(|m| m.message_id).collect();
    assert_eq!(ids.len(), seen);
    assert_eq!(outbox(&admin).await["waiting"], 0);
    app.stop().await;
}

async fn the_admin_sets_the_server_and_sends_a_test(backend: Backend) {
    let smtp = MailServer::start().await;
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    // Nothing set: an empty form.
    let (status, body) = admin.call("mail/settings", json!({})).await;
    assert_eq!((status, body["smtp_url"].as_str()), (200, Some("")));
    // Bad input is refused with its field, and changes nothing.
    for (input, field) in [
        (
            json!({"smtp_url": "http://mail.example", "from": "help@support.example", "reply_to": ""}),
            "smtp_url",
        ),
        (
            json!({"smtp_url": smtp.url(), "from": "not an address", "reply_to": ""}),
            "mail_from",
        ),
        (
            json!({"smtp_url": smtp.url(), "from": "help@support.example", "reply_to": "x@"}),
            "mail_reply_to",
        ),
    ] {
        let (status, body) = admin
            .call("mail/set_settings", json!({"input": input}))
            .await;
        assert_eq!((status, code(&body)), (422, "invalid"), "{body}");
        assert_eq!(body["field"], field, "{body}");
    }
    assert_eq!(admin.call("mail/settings", json!({})).await.1["from"], "");
    // A password is never shown back, and kept when the form is saved as shown.
    let with_password = format!("smtp://help:s3cret@127.0.0.1:{}", smtp.port);
    let shown = set_mail(&admin, &with_password).await;
    let shown_url = shown["smtp_url"].as_str().unwrap().to_string();
    assert!(
        !shown_url.contains("s3cret") && shown_url.contains("********"),
        "{shown_url}"
    );
    set_mail(&admin, &shown_url).await;
    let kept = app::server::mail::servers(&app.state)
        .await
        .unwrap()
        .smtp
        .unwrap();
    assert_eq!(kept, format!("{with_password}"));
    // Back to a server without authentication, for the test e-mail.
    set_mail(&admin, &smtp.url()).await;
    let (status, body) = admin
        .call("mail/send_test", json!({"address": "boss@support.example"}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["waiting"], 1);
    let (status, body) = admin
        .call("mail/send_test", json!({"address": "nobody"}))
        .await;
    assert_eq!((status, code(&body)), (422, "invalid"));
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    let mail = smtp.wait_for(1).await;
    assert_eq!(mail[0].to, "boss@support.example");
    assert!(
        mail[0].subject.contains("Test e-mail"),
        "{}",
        mail[0].subject
    );
    // Only admins.
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (status, _) = client
        .call("mail/send_test", json!({"address": "a@b.example"}))
        .await;
    assert_eq!(status, 403);
    app.stop().await;
}

async fn a_mail_server_that_is_down_gets_the_mail_when_it_is_back(backend: Backend) {
    let mut smtp = MailServer::not_yet();
    let app = TestApp::spawn(backend).await;
    app.state.clock.pin_ms(app.state.clock.now_ms());
    let admin = app.admin().await;
    set_mail(&admin, &smtp.url()).await;
    let (client, _) = app
        .user_with(&admin, "Ana Kovač", "client", Some(CLIENT_MAIL))
        .await;
    open_ticket(&client, "Printer jams", "down-0001").await;
    assert_eq!(
        deliver_due(&app.state).await.unwrap(),
        0,
        "the server is down"
    );
    assert_eq!(outbox(&admin).await["waiting"], 1, "kept");
    smtp.resume().await;
    // Tried again after its backoff, not before.
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0);
    app.state.clock.advance_ms(30_000);
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    assert_eq!(smtp.wait_for(1).await.len(), 1);
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0, "once");

    // Mail that failed waits for its backoff — unless the admin saves the server again (having
    // corrected it): then it goes at once.
    smtp.stop();
    open_ticket(&client, "Toner low", "down-0003").await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0);
    smtp.resume().await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0, "backoff");
    set_mail(&admin, &smtp.url()).await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1, "at once");
    assert_eq!(smtp.wait_for(2).await.len(), 2);

    // A server that stays away: given up after about a day, and shown to the admin.
    smtp.stop();
    open_ticket(&client, "Scanner too", "down-0002").await;
    for _ in 0..40 {
        deliver_due(&app.state).await.unwrap();
        app.state.clock.advance_ms(3_600_000);
    }
    // (The day ended every session: read the outbox as the admin's page does.)
    let state = serde_json::to_value(
        app::server::mail::outbox::state_of(&app.state)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(state["waiting"], 0);
    let failed = state["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{state}");
    assert_eq!(failed[0]["address"], CLIENT_MAIL);
    assert_eq!(failed[0]["attempts"], 30);
    assert!(!failed[0]["error"].as_str().unwrap().is_empty());
    app.stop().await;
}

/// The server process is killed after it acknowledged a change and before it sent the e-mail
/// the change made (no sender address yet, so the row waited untouched — as it does in the
/// moment between the commit and the sender taking it); started again, it sends it, once.
async fn a_process_killed_before_sending_sends_after_its_restart(backend: Backend) {
    let smtp = MailServer::start().await;
    let (url, _guard) = fresh_database(backend).await;
    let files = tempfile::tempdir().expect("files directory");
    let username = {
        let app = TestApp::spawn_on(&url, DbGuard::Kept, test_config()).await;
        let admin = app.admin().await;
        let (_, username) = app
            .user_with(&admin, "Lejla Hasić", "client", Some(CLIENT_MAIL))
            .await;
        app.stop().await;
        username
    };
    let server = Process::start_with(&url, files.path(), &["--smtp-url", &smtp.url()]);
    let client = Browser::new(&server.base);
    client.sign_in_ok(&username, USER_PASSWORD, "client").await;
    let id = open_ticket(&client, "Printer jams", "kill-0001").await;
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .expect("kill");
    assert!(smtp.messages().is_empty());

    let server = Process::start_with(
        &url,
        files.path(),
        &[
            "--smtp-url",
            &smtp.url(),
            "--mail-from",
            "help@support.example",
        ],
    );
    let mail = smtp.wait_for(1).await;
    assert!(mail[0].subject.contains(&format!("[T-{id:06}]")));
    // A while later still once.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(smtp.messages().len(), 1);
    tokio::task::spawn_blocking(move || server.kill())
        .await
        .expect("kill");
}

async fn people_choose_their_address_and_which_mail_they_get(backend: Backend) {
    let smtp = MailServer::start().await;
    let app = TestApp::spawn(backend).await;
    let admin = app.admin().await;
    set_mail(&admin, &smtp.url()).await;
    let (client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (operator, _) = app.user(&admin, "Đorđe Šarić", "operator").await;
    let operator_id = operator.id().await;
    // No address yet: no e-mail, and the choices say so.
    let (status, body) = client.call("mail/choices", json!({})).await;
    assert_eq!((status, &body), (200, &json!({"email": "", "off": []})));
    let id = open_ticket(&client, "Printer jams", "choice-0001").await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0);
    // A bad address is refused and changes nothing.
    let (status, body) = client
        .call(
            "mail/set_choices",
            json!({"input": {"email": "ana@", "off": []}}),
        )
        .await;
    assert_eq!(
        (status, code(&body), body["field"].as_str()),
        (422, "invalid", Some("email"))
    );
    let (status, body) = client
        .call(
            "mail/set_choices",
            json!({"input": {"email": CLIENT_MAIL, "off": ["answered"]}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"email": CLIENT_MAIL, "off": ["answered"]}));
    // An answer is muted; being asked for more is not.
    assign(&admin, id, operator_id).await;
    step_ok(&operator, id, "start", None).await;
    post_ok(&operator, id, "Looking into it.", false).await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 0, "muted");
    step_ok(&operator, id, "return_to_client", Some("Which model?")).await;
    assert_eq!(deliver_due(&app.state).await.unwrap(), 1);
    let mail = smtp.wait_for(1).await;
    assert_eq!(mail[0].to, CLIENT_MAIL);
    assert!(mail[0].subject.contains("We need more information"));
    app.stop().await;
}

on_both_databases!(
    people_choose_their_address_and_which_mail_they_get,
    each_side_hears_of_the_other_in_their_language,
    the_admin_sets_the_server_and_sends_a_test,
    a_mail_server_that_is_down_gets_the_mail_when_it_is_back,
    a_process_killed_before_sending_sends_after_its_restart,
);
