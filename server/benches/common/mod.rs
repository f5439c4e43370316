//! What every benchmark shares: its records. Beside its printed table each benchmark writes
//! `target/bench/<name>.json` — a list of `{"metric", "value", "unit", "target", "met"}` with the
//! settings it ran with (database, build profile, sizes) and the machine facts that explain a
//! difference between two runs: CPU model, cores, load average before and after, and the disk's
//! measured fsync latency. A missed target is printed, never a failure: machines are shared, and
//! the full run on a quiet machine is the one that counts.

#[path = "../../tests/api/common/mail.rs"]
#[allow(dead_code)] // the tests' SMTP server: the e-mail benchmark uses part of it
pub mod mail;
pub mod process;
pub mod served;
pub mod stats;

use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// What a figure should be.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    AtMost(f64),
    AtLeast(f64),
    /// Reported for comparison only.
    None,
}

impl Target {
    fn met(self, value: f64) -> Value {
        match self {
            Target::AtMost(t) => json!(value <= t),
            Target::AtLeast(t) => json!(value >= t),
            Target::None => Value::Null,
        }
    }

    fn describe(self, unit: &str) -> Value {
        match self {
            Target::AtMost(t) => json!(format!("≤ {t} {unit}")),
            Target::AtLeast(t) => json!(format!("≥ {t} {unit}")),
            Target::None => Value::Null,
        }
    }
}

/// One benchmark's records, written when it ends.
pub struct Report {
    name: String,
    settings: Map<String, Value>,
    records: Vec<Value>,
    missed: Vec<String>,
    load_before: Value,
}

impl Report {
    pub fn new(name: &str) -> Report {
        let mut settings = Map::new();
        let profile = if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        };
        settings.insert("profile".into(), json!(profile));
        Report {
            name: name.to_string(),
            settings,
            records: Vec::new(),
            missed: Vec::new(),
            load_before: load_average(),
        }
    }

    /// A setting the figures depend on (database, sizes, clients…).
    pub fn setting(&mut self, key: &str, value: impl Into<Value>) {
        self.settings.insert(key.to_string(), value.into());
    }

    /// One figure. A metric measured at several sizes or on several databases names them
    /// (`sqlite 100000 · operator queue p99`).
    pub fn record(&mut self, metric: &str, value: f64, unit: &str, target: Target) {
        let met = target.met(value);
        if met == json!(false) {
            self.missed.push(format!(
                "{metric}: {value:.2} {unit}, target {}",
                target.describe(unit).as_str().unwrap_or("")
            ));
        }
        self.records.push(json!({
            "metric": metric,
            "value": value,
            "unit": unit,
            "target": target.describe(unit),
            "met": met,
        }));
    }

    /// Writes `target/bench/<name>.json` and prints where, and every missed target.
    pub fn write(self) {
        let machine = json!({
            "cpu": cpu_model(),
            "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
            "load_average_before": self.load_before,
            "load_average_after": load_average(),
            "fsync_ms_median": fsync_latency_ms(),
        });
        let report = json!({
            "benchmark": self.name,
            "settings": self.settings,
            "machine": machine,
            "records": self.records,
        });
        let dir = bench_dir();
        let path = dir.join(format!("{}.json", self.name));
        let written = std::fs::create_dir_all(&dir).and_then(|_| {
            std::fs::write(
                &path,
                serde_json::to_string_pretty(&report).unwrap_or_default(),
            )
        });
        match written {
            Ok(()) => println!("records: {}", path.display()),
            Err(e) => println!("records not written to {}: {e}", path.display()),
        }
        for missed in &self.missed {
            println!("MISSED {missed}");
        }
    }
}

/// `target/bench` of the workspace (benchmarks run with the package as working directory).
fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("bench")
}

fn cpu_model() -> Value {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .map_or(Value::Null, Value::from)
}

/// The 1-, 5- and 15-minute load averages.
fn load_average() -> Value {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| {
            l.split_whitespace()
                .take(3)
                .filter_map(|x| x.parse::<f64>().ok())
                .collect::<Vec<_>>()
        })
        .map_or(Value::Null, Value::from)
}

/// The median time of writing 4 KiB and fsyncing it, over 20 tries, in the bench directory:
/// what one SQLite commit with `synchronous = FULL` waits for at least.
fn fsync_latency_ms() -> Value {
    let dir = bench_dir();
    if std::fs::create_dir_all(&dir).is_err() {
        return Value::Null;
    }
    let path = dir.join(".fsync-probe");
    let Ok(mut file) = std::fs::File::create(&path) else {
        return Value::Null;
    };
    let mut times = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        if file.write_all(&[7u8; 4096]).is_err() || file.sync_all().is_err() {
            return Value::Null;
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let _ = std::fs::remove_file(&path);
    times.sort_by(f64::total_cmp);
    json!((times[times.len() / 2] * 1000.0).round() / 1000.0)
}
