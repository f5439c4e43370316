//! The server's benchmarks, one binary — the server is linked once for all of them:
//! `cargo xtask bench NAME [ARGS…]` runs `NAME` here, built for release, and `cargo xtask bench`
//! every one at a small size (each module's head says what it measures and takes). Each writes
//! `target/bench/<name>.json` beside its printed table (`common::Report`).

mod assignment;
mod chat;
mod common;
mod email;
mod import;
mod kb;
mod live;
mod memory;
mod stats;
mod tickets;

fn main() {
    // `cargo bench` adds `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (name, args) = args.split_first().unwrap_or_else(|| {
        eprintln!("which benchmark? (cargo xtask help)");
        std::process::exit(2)
    });
    match name.as_str() {
        "tickets" => tickets::run(args),
        "stats" => stats::run(args),
        "email" => email::run(args),
        "kb" => kb::run(args),
        "import" => import::run(args),
        "assignment" => assignment::run(),
        "memory" => memory::run(args),
        "live" => live::run(args),
        "chat" => chat::run(args),
        other => {
            eprintln!("no benchmark {other:?} (cargo xtask help)");
            std::process::exit(2)
        }
    }
}
