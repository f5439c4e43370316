//! The browser apps as the server sends them: gzipped where the build left a `.gz` beside a
//! file (so the first download is what `cargo xtask size` measures), plain otherwise, and each
//! app's `index.html` for its deep links.

use crate::common::{fresh_database, test_config, Backend, TestApp};
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_files_go_out_gzipped_to_browsers_that_accept_it() {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(site.path().join("admin")).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("admin_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(pkg.join("admin_bg.wasm.gz"), b"gzipped bytes").unwrap();
    std::fs::write(site.path().join("admin/index.html"), "<p>admin</p>").unwrap();
    std::fs::write(site.path().join("admin/index.html.gz"), "gzipped page").unwrap();
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

    // A deep link gets the app's page, gzipped too.
    let page = get("/admin/tickets/42", true).await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()[CONTENT_ENCODING], "gzip");
    assert_eq!(page.bytes().await.unwrap(), "gzipped page");
    app.stop().await;
}
