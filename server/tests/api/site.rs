//! The browser apps as the server sends them: gzipped where the build left a `.gz` beside a
//! file (so the first download is what `cargo xtask size` measures), plain otherwise, and each
//! app's page for its deep links, with what the app starts with written in.

use crate::common::{fresh_database, open_ticket, test_config, Backend, Browser, TestApp};
use app::dto::Cursor;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_files_go_out_gzipped_to_browsers_that_accept_it() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(site.path().join("admin")).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("admin_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(pkg.join("admin_bg.wasm.gz"), b"gzipped bytes").unwrap();
    std::fs::write(site.path().join("admin/index.html"), "<p>admin</p>").unwrap();
    let (url, guard) = fresh_database(Backend::Sqlite).await;
    let app = TestApp::serving(&url, guard, test_config(), site.path()).await;
    let http = reqwest::Client::new();
    let get = |path: &'static str, gzip: bool| {
        let mut req = http.get(format!("{}{path}", app.base));
        if gzip {
            req = req.header(ACCEPT_ENCODING, "gzip, deflate, br");
        }
        req.send()
    };

    let zipped = get("/pkg/admin_bg.wasm", true).await.unwrap();
    assert_eq!(zipped.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(zipped.headers()[CONTENT_TYPE], "application/wasm");
    assert_eq!(zipped.bytes().await.unwrap(), "gzipped bytes");

    let plain = get("/pkg/admin_bg.wasm", false).await.unwrap();
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    assert_eq!(plain.bytes().await.unwrap(), "\0asm plain");

    // A deep link gets the app's page, with its start data: made for each request, not gzipped.
    let page = get("/admin/tickets/42", true).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers().get(CONTENT_ENCODING).is_none());
    let html = page.text().await.unwrap();
    assert!(html.ends_with("<p>admin</p>"), "{html}");
    assert!(html.contains(r#"<script type="application/json" id="boot">"#));
    app.stop().await;
}

/// The start data in a page: the JSON of `<script id="boot">`, checking it is the page's only
/// script element and that the page is never stored.
async fn start_data(browser: &Browser, path: &str) -> Value {
    let (status, headers, body) = browser.get(path).await;
    assert_eq!(status, 200, "{path}");
    assert_eq!(headers[CACHE_CONTROL], "no-store", "{path}");
    assert_eq!(headers[CONTENT_TYPE], "text/html; charset=utf-8");
    let html = String::from_utf8(body).unwrap();
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert_eq!(html.matches("</script>").count(), 1, "{html}");
    let json = html
        .split_once(r#"<script type="application/json" id="boot">"#)
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .expect("start data in the page")
        .0;
    serde_json::from_str(json).unwrap()
}

/// Each app's page carries what the app would otherwise ask for before its first screen — the
/// company's settings, who is signed in, in the portal the privacy notice, on a page that opens
/// on the ticket list its first page and the live place read before it — exactly as those
/// server functions answer the same browser; no name in it can end its element.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apps_page_carries_what_it_starts_with() {
    let site = tempfile::tempdir().unwrap();
    let page = "<html><head><title>Support</title></head><body></body></html>";
    for dir in ["", "operator", "admin"] {
        std::fs::create_dir_all(site.path().join(dir)).unwrap();
        std::fs::write(site.path().join(dir).join("index.html"), page).unwrap();
    }
    let (url, guard) = fresh_database(Backend::Sqlite).await;
    let app = TestApp::serving(&url, guard, test_config(), site.path()).await;
    let admin = app.admin().await;
    admin
        .call_ok(
            "settings/set_company_name",
            json!({"name": "Kovač </script><script>alert(1)</script>"}),
        )
        .await;
    admin
        .call_ok(
            "privacy/set_notice",
            json!({"text": "We keep your tickets."}),
        )
        .await;
    let (client, _) = app.user(&admin, "Ana Anić", "client").await;
    let info = client.call_ok("settings/public_info", json!({})).await;

    let seen = start_data(&client, "/tickets/5").await;
    assert_eq!(seen["settings"], info);
    assert_eq!(seen["me"], client.me().await.1);
    assert_eq!(seen["me"]["full_name"], "Ana Anić");
    assert_eq!(
        seen["notice"],
        client.call_ok("privacy/notice", json!({})).await
    );
    assert!(seen["notice"]["accepted_at"].is_null());

    // Accepted: the next page says so.
    let version = seen["notice"]["version"].clone();
    client
        .call_ok("privacy/accept_notice", json!({"version": version}))
        .await;
    assert!(start_data(&client, "/").await["notice"]["accepted_at"].is_i64());

    // The portal's home opens on the list: the client's tickets, as the list answers them, and
    // a live place to start from that is not past the ticket's creation.
    let made = open_ticket(&client, "Kotao ne grije", "site-1").await;
    let home = start_data(&client, "/").await;
    assert_eq!(
        home["tickets"],
        client.call_ok("tickets/list", json!({"query": {}})).await
    );
    assert_eq!(home["tickets"]["tickets"][0]["id"], made);
    let view = client
        .call_ok("tickets/view", json!({"ticket_id": made}))
        .await;
    let created = view["history"][0]["id"].as_i64().unwrap();
    assert!(home["cursor"]["id"].as_i64().unwrap() >= created);
    // A ticket opened after the page was made, before its socket connects: the socket, started
    // from the page's place, names it — the list on screen will load again.
    let later = open_ticket(&client, "Radijator curi", "site-2").await;
    let place: Cursor = serde_json::from_value(home["cursor"].clone()).unwrap();
    let heard = crate::live::open(&client, Some(place)).await.drain().await;
    assert!(
        heard.iter().any(|note| note["ticket_id"] == later),
        "{heard:?}"
    );
    // A page that does not open on the list carries none.
    let help = start_data(&client, "/help").await;
    assert!(help["tickets"].is_null() && help["cursor"].is_null());

    // Nobody signed in: the settings and the notice, no one.
    let nobody = start_data(&app.browser(), "/").await;
    assert!(nobody["me"].is_null());
    assert_eq!(nobody["settings"], info);
    assert_eq!(nobody["notice"]["version"], version);

    // The consoles: their person, no notice.
    let console = start_data(&admin, "/admin/settings").await;
    assert_eq!(console["me"]["role"], "admin");
    assert!(console["notice"].is_null());
    assert!(console["tickets"].is_null());
    let all = start_data(&admin, "/admin/tickets").await;
    assert_eq!(
        all["tickets"],
        admin.call_ok("tickets/list", json!({"query": {}})).await
    );
    // A person of another role gets the refusal page, and no list.
    assert!(start_data(&client, "/admin/tickets").await["tickets"].is_null());
    let (operator, _) = app.user(&admin, "Edin Operater", "operator").await;
    let queue = start_data(&operator, "/operator/").await;
    assert_eq!(queue["me"], operator.me().await.1);
    assert_eq!(
        queue["tickets"],
        operator.call_ok("tickets/list", json!({"query": {}})).await
    );
    app.stop().await;
}

/// A page that a lazy page draws — a ticket in any app, the admin's list — has that page's
/// bundle fetched as it arrives, from the files the build made; other pages, and an app whose
/// build made no such bundle, fetch none.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_drawn_by_a_lazy_page_fetches_its_bundle_at_once() {
    let site = tempfile::tempdir().unwrap();
    let page = "<html><head><title>Support</title></head><body></body></html>";
    for dir in ["", "operator", "admin", "pkg/client", "pkg/admin"] {
        std::fs::create_dir_all(site.path().join(dir)).unwrap();
    }
    for dir in ["", "operator", "admin"] {
        std::fs::write(site.path().join(dir).join("index.html"), page).unwrap();
    }
    for file in [
        "pkg/admin/tickets_page_123.bundle",
        "pkg/admin/tickets_page_123.bundle.gz",
        "pkg/admin/ticket_page_77.bundle",
        "pkg/admin/kb_page_5.bundle",
        "pkg/client/ticket_page_5.bundle",
    ] {
        std::fs::write(site.path().join(file), b"bundle").unwrap();
    }
    let (url, guard) = fresh_database(Backend::Sqlite).await;
    let app = TestApp::serving(&url, guard, test_config(), site.path()).await;
    let http = reqwest::Client::new();
    let head = |path: &'static str| {
        let get = http.get(format!("{}{path}", app.base)).send();
        async move {
            let html = get.await.unwrap().text().await.unwrap();
            html.split_once("</head>").expect("a head").0.to_string()
        }
    };
    let preload =
        |href: &str| format!(r#"<link rel="preload" href="{href}" as="fetch" crossorigin>"#);

    let list = head("/admin/tickets").await;
    assert!(
        list.contains(&preload("/pkg/admin/tickets_page_123.bundle")),
        "{list}"
    );
    assert_eq!(list.matches("<link").count(), 1, "{list}");
    for (path, bundle) in [
        ("/admin/tickets/9", "/pkg/admin/ticket_page_77.bundle"),
        ("/tickets/9", "/pkg/client/ticket_page_5.bundle"),
    ] {
        assert!(head(path).await.contains(&preload(bundle)), "{path}");
        let served = http
            .get(format!("{}{bundle}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{bundle}");
    }
    for path in [
        "/admin/kb",
        "/admin/",
        "/",
        "/tickets/new",
        "/operator/tickets/9",
    ] {
        assert!(!head(path).await.contains("<link"), "{path}");
    }
    app.stop().await;
}
