//! `cargo xtask …`: Šalter's build tool. It builds the three browser apps to WebAssembly and
//! lays them out for the server without downloading any binary (wasm-bindgen runs as a
//! library here), serves Šalter, and runs every test. `cargo xtask help` lists the commands.

mod site;
mod test;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const HELP: &str = "\
cargo xtask <command>
  build [--release]   build the three apps into target/site (release: small, for serving)
  size                print each app's download size (wasm + js), raw and gzip; fails over budget
  serve [ARGS…]       build what is stale, then run `salter serve ARGS…` (SQLite at ./data)
  test                run every test: unit, integration (SQLite and PostgreSQL), end-to-end
  bench               every benchmark at a small size, built as the tests are (what CI runs:
                      proves each one runs); a named one below is built for release
  bench tickets [N…] [--sqlite|--postgres] [--seconds N]
                      seed N tickets (default 100000) on SQLite and PostgreSQL; print latencies
                      and throughput (each paced phase N seconds, default 5)
  bench stats [N…] [--sqlite|--postgres] [--days N] [--samples N]
                      seed N tickets with two years of history (default 1000000); time the
                      admin's statistics over 30 and 7 days
  bench email [N] [--sqlite|--postgres]
                      N notifications (default 10000) to a local SMTP server: messages/s; then
                      paced ones, commit → handed to SMTP p50/p99
  bench kb [N] [--sqlite|--postgres] [--samples N]
                      N published articles (default 100000): the Help search and the suggestions
                      beside a new ticket, p50/p99
  bench import [N] [--sqlite|--postgres]
                      import an export of N tickets (default 100000) with five messages each:
                      tickets/s, messages/s; then again (nothing twice)
  bench assignment    simulate a day of fair assignment; print spread, waiting, decision time
  bench memory [N]    the server's resident memory: idle, after work (N tickets, default 2000),
                      with 1,000 idle connections
  bench live [N…]     N live sockets (default 1,000 and 10,000): one event's fan-out p50/p99, KB per
                      socket; then an event → another browser's screen in Chromium (p50/p99)
  bench chat [N] [--seconds N]
                      N live chats (default 500) exchanging messages both ways for N seconds
                      (default 20): delivery p50/p99, server memory per chat
  bench app-start [RUNS]
                      each app from navigation to its first screen with data, in Chromium, on
                      loopback and with Slow 4G throttling (default 20 runs)
Each benchmark also writes target/bench/<name>.json (metric, value, unit, target, met).
";

/// Every benchmark, and the arguments of its small run.
const BENCHES: [(&str, &[&str]); 10] = [
    ("tickets", &["2000", "--seconds", "1"]),
    ("stats", &["3000"]),
    ("email", &["300"]),
    ("kb", &["2000", "--samples", "100"]),
    ("import", &["1000"]),
    ("assignment", &[]),
    ("memory", &["300"]),
    ("live", &["1000"]),
    ("chat", &["20", "--seconds", "4"]),
    ("app-start", &["1"]),
];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("build") => site::build(&root, args.iter().any(|a| a == "--release")),
        Some("size") => site::size(&root),
        Some("serve") => serve(&root, &args[1..]),
        Some("test") => test::all(&root),
        Some("bench") => bench(&args[1..]),
        Some("help") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => bail!("unknown command {other:?}\n{HELP}"),
    }
}

/// How a benchmark's code is built.
enum Build {
    /// Optimised: the figures that count (a named benchmark).
    Release,
    /// As the tests build it (`dev_build`), reusing what they compiled — the benchmarks' binary
    /// that build made: the small run CI makes to prove every benchmark runs and writes its
    /// records, without a release build of the whole server of its own (about ten minutes on two
    /// cores). Its figures are not the ones that count.
    Dev(PathBuf),
}

impl Build {
    /// The cargo profile a benchmark is built with.
    fn profile(&self) -> &'static str {
        match self {
            Build::Release => "bench",
            Build::Dev(_) => "dev",
        }
    }

    /// The benchmarks' binary (`server/benches/main.rs`), to be given a benchmark's name and
    /// arguments: built for release by `cargo bench`, or as the tests built it.
    fn benchmarks(&self) -> Command {
        match self {
            Build::Release => {
                let mut cmd = cargo();
                cmd.args(["bench", "--package", "server", "--profile", "bench"])
                    .args(["--bench", "all", "--"]);
                cmd
            }
            Build::Dev(binary) => {
                // Where cargo runs a benchmark: its package.
                let mut cmd = Command::new(binary);
                cmd.current_dir(workspace_root().join("server"));
                cmd
            }
        }
    }
}

/// Builds what `cargo xtask test` builds — the tests, the `salter` they run — and the
/// benchmarks' binary beside, in one `cargo test --all-targets --no-run`: the features the tests
/// resolved, so nothing they compiled is compiled again (`cargo bench -p server` compiled some
/// 70 crates again, with the server's features alone); the benchmarks' binary.
fn dev_build() -> Result<PathBuf> {
    let built = cargo()
        .args([
            "test",
            "--workspace",
            "--locked",
            "--all-targets",
            "--no-run",
        ])
        .arg("--message-format=json-render-diagnostics")
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("cannot start cargo")?;
    if !built.status.success() {
        bail!("the build as the tests build it failed");
    }
    String::from_utf8_lossy(&built.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "all")
        .and_then(|m| m["executable"].as_str().map(PathBuf::from))
        .context("the build made no benchmarks' binary")
}

/// `cargo xtask bench [NAME ARGS…]`: one benchmark, built for release; or every one at its small
/// size, built as the tests are.
fn bench(args: &[String]) -> Result<()> {
    let bench = |name: &str, args: &[String], build: &Build| match name {
        "app-start" => in_browser(
            "app-start",
            args.first().map_or("20", String::as_str),
            build,
        ),
        _ => {
            if name == "email" {
                test::ensure_mail_server()?;
            }
            run(build.benchmarks().arg(name).args(args))?;
            // The live benchmark's other half: an event reaching another browser's screen.
            match name {
                "live" => in_browser(
                    "live-screen",
                    if args.is_empty() { "50" } else { "20" },
                    build,
                ),
                _ => Ok(()),
            }
        }
    };
    match args.first() {
        None => {
            let all = std::time::Instant::now();
            let build = Build::Dev(dev_build()?);
            let mut took = vec![format!("build {:.0} s", all.elapsed().as_secs_f64())];
            for (name, small) in BENCHES {
                println!("\n==== bench {name} (small)");
                let one = std::time::Instant::now();
                bench(
                    name,
                    &small.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
                    &build,
                )?;
                took.push(format!("{name} {:.0} s", one.elapsed().as_secs_f64()));
            }
            println!(
                "\nevery benchmark, small: {:.0} s ({})",
                all.elapsed().as_secs_f64(),
                took.join(", ")
            );
            Ok(())
        }
        Some(name) if BENCHES.iter().any(|(b, _)| b == name) => {
            bench(name, &args[1..], &Build::Release)
        }
        Some(other) => bail!("unknown benchmark {other:?}\n{HELP}"),
    }
}

/// A benchmark in Chromium, `end2end/bench/<spec>.spec.ts`, against the release apps and a
/// `salter` built as `build` says, `runs` times.
fn in_browser(spec: &str, runs: &str, build: &Build) -> Result<()> {
    let root = workspace_root();
    let salter = match build {
        Build::Release => release_build(&root)?,
        Build::Dev(_) => {
            site::build(&root, true)?;
            // The `salter` the tests run, which `dev_build` built with them.
            root.join("target/debug/salter")
        }
    };
    let e2e = root.join("end2end");
    test::ensure_chromium()?;
    test::ensure_node_modules(&e2e)?;
    run(Command::new("npx")
        .args(["playwright", "test", "--config", "bench.config.ts"])
        .arg(format!("bench/{spec}.spec.ts"))
        .env("SALTER_BIN", salter)
        .env("SALTER_SITE_DIR", site::site_dir(&root))
        .env("CHROMIUM_PATH", test::CHROMIUM)
        .env("BENCH_RUNS", runs)
        .env("BENCH_PROFILE", build.profile())
        .env("BENCH_OUT", root.join("target/bench"))
        .current_dir(&e2e))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The cargo that runs us, so the toolchain of rust-toolchain.toml is used throughout.
fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Runs a command, failing with its description when it fails.
fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed ({status})");
    }
    Ok(())
}

/// The release apps and the release `salter`, built where stale; the binary's path.
fn release_build(root: &Path) -> Result<PathBuf> {
    site::build(root, true)?;
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "server",
        "--bin",
        "salter",
    ]))?;
    Ok(root.join("target/release/salter"))
}

fn serve(root: &Path, args: &[String]) -> Result<()> {
    let mut salter = Command::new(release_build(root)?);
    salter.arg("serve").args(args);
    run(&mut salter)
}
