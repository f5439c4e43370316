//! `cargo xtask test`: every test, in the order that fails fastest. Installs what the tests need
//! (npm packages; Chromium and the test mail server through apt when missing and we are root)
//! or stops with one message naming the command to run.

use super::{cargo, run, site};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub fn all(root: &Path) -> Result<()> {
    site::build(root, true)?;
    site::size(root)?;
    ensure_mail_server()?;
    ensure_mariadb()?;
    // Unit and integration tests, SQLite and PostgreSQL; builds the `salter` binary too.
    // A failing test prints its message without a backtrace, which would push the message out
    // of a log's excerpt (`RUST_BACKTRACE=1 cargo test …` for one).
    run(cargo()
        .args(["test", "--workspace", "--locked"])
        .env("RUST_BACKTRACE", "0"))?;
    end_to_end(root)
}

fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Debian packages the tests run, each known by a file it installs: Chromium for the browser
/// tests, the mail server the e-mail tests send to (`python3-aiosmtpd`) and the mailbox they
/// fetch from (`dovecot-imapd`).
const CHROMIUM_PACKAGE: (&str, &str) = (CHROMIUM, "chromium");
const MAIL_PACKAGES: &[(&str, &str)] = &[
    (
        "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py",
        "python3-aiosmtpd",
    ),
    ("/usr/lib/dovecot/imap", "dovecot-imapd"),
];

pub fn ensure_chromium() -> Result<()> {
    ensure_packages(&[CHROMIUM_PACKAGE])
}

/// The SMTP server the e-mail tests and benchmark send to, and the IMAP server they fetch from.
pub fn ensure_mail_server() -> Result<()> {
    ensure_packages(MAIL_PACKAGES)
}

/// The MariaDB the osTicket import is tested against (`SALTER_TEST_MARIADB_URL`, by default root
/// on 127.0.0.1:3306): when nothing answers there, installed through apt (as root) and started.
fn ensure_mariadb() -> Result<()> {
    let listening = || std::net::TcpStream::connect(("127.0.0.1", 3306)).is_ok();
    if std::env::var_os("SALTER_TEST_MARIADB_URL").is_some() || listening() {
        return Ok(());
    }
    ensure_packages(&[("/usr/sbin/mariadbd", "mariadb-server")])?;
    run(Command::new("service").args(["mariadb", "start"]))?;
    if !listening() {
        bail!("MariaDB does not answer on 127.0.0.1:3306 after `service mariadb start`");
    }
    Ok(())
}

/// Installs the packages whose file is missing, through apt when we are root; otherwise stops
/// with the command to run.
fn ensure_packages(packages: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(file, _)| !Path::new(file).exists())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !(root_user && have("apt-get")) {
        bail!(
            "the tests need {0}: run `sudo apt-get install -y --no-install-recommends {0}`",
            missing.join(" ")
        );
    }
    println!("installing {} for the tests (apt-get)…", missing.join(", "));
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing))
}

pub fn ensure_node_modules(e2e: &Path) -> Result<()> {
    if !have("npm") {
        bail!(
            "the browser tests need Node.js 18+ and npm: run `sudo apt-get install -y nodejs npm`"
        );
    }
    let lock = e2e.join("package-lock.json");
    let installed = e2e.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock), std::fs::metadata(&installed)) {
        (Ok(l), Ok(i)) => l.modified()? <= i.modified()?,
        _ => false,
    };
    if !fresh {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(e2e))?;
    }
    Ok(())
}

fn end_to_end(root: &Path) -> Result<()> {
    let e2e = root.join("end2end");
    ensure_chromium()?;
    ensure_node_modules(&e2e)?;
    let salter = root.join("target/debug/salter");
    if !salter.exists() {
        bail!("{} was not built by `cargo test`", salter.display());
    }
    let outcome = run(Command::new("npx")
        .args(["playwright", "test"])
        .env("SALTER_BIN", &salter)
        .env("SALTER_SITE_DIR", site::site_dir(root))
        .env("CHROMIUM_PATH", CHROMIUM)
        .current_dir(&e2e));
    print_summary(&e2e.join("test-results/report.json"));
    outcome.context("end-to-end tests")
}

/// The browser tests' counts as one plain closing line.
fn print_summary(report: &Path) {
    let Ok(text) = std::fs::read_to_string(report) else {
        return;
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return;
    };
    let stat = |key: &str| json["stats"][key].as_u64().unwrap_or(0);
    println!(
        "end2end: {} passed, {} failed",
        stat("expected") + stat("flaky"),
        stat("unexpected")
    );
}
