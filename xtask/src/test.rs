//! `cargo xtask test`: every test, in the order that fails fastest. Installs what the browser
//! tests need (npm packages; Chromium through apt when missing and we are root) or stops with
//! one message naming the command to run.

use super::{cargo, run, site};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub fn all(root: &Path) -> Result<()> {
    site::build(root, true)?;
    site::size(root)?;
    // Unit and integration tests, SQLite and PostgreSQL; builds the `salter` binary too.
    run(cargo().args(["test", "--workspace", "--locked"]))?;
    end_to_end(root)
}

fn have(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

pub fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    let root_user = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !(root_user && have("apt-get")) {
        bail!(
            "the browser tests need Chromium at {CHROMIUM}: run \
             `sudo apt-get install -y --no-install-recommends chromium`"
        );
    }
    println!("installing Chromium for the browser tests (apt-get)…");
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get").args([
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "chromium",
    ]))
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
