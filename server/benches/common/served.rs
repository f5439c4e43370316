//! A release `salter` router of the benchmark's own, in process, on a database of its own —
//! SQLite in a temporary directory, or a new PostgreSQL database dropped at the end — with a
//! licence without limits (trusted by this state only) and its admin's one-time password; and
//! signed-in HTTP clients for it.

use app::server::db::Backend;
use app::server::{accounts, licence, two_factor, AppState, Config, Db};
use serde_json::json;

pub fn name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// The databases a run asks for: `--sqlite` or `--postgres` alone, else both.
pub fn databases(args: &[String]) -> Vec<Backend> {
    let named = |flag: &str| args.iter().any(|a| a == flag);
    match (named("--sqlite"), named("--postgres")) {
        (true, false) => vec![Backend::Sqlite],
        (false, true) => vec![Backend::Postgres],
        _ => vec![Backend::Sqlite, Backend::Postgres],
    }
}

/// The database and the state, not serving yet: what a benchmark seeds before the server's
/// live tail starts (it starts from the log's head, so a seed is not fanned out).
pub struct Opened {
    pub state: AppState,
    pub admin_otp: String,
    dir: Option<tempfile::TempDir>,
    /// The PostgreSQL server's admin URL and the database's name.
    postgres: Option<(String, String)>,
}

pub struct Served {
    pub base: String,
    pub state: AppState,
    pub admin_otp: String,
    server: tokio::task::JoinHandle<()>,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

/// A database of the run's own: its URL, and what keeps it.
async fn database(
    backend: Backend,
) -> (String, Option<tempfile::TempDir>, Option<(String, String)>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("bench.db").display());
            (url, Some(dir), None)
        }
        Backend::Postgres => {
            use sqlx::{Connection, Executor};
            let admin = std::env::var("SALTER_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("salter_bench_{:016x}", rand::random::<u64>());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL for the benchmark (SALTER_TEST_POSTGRES_URL)");
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            (format!("{base}/{name}"), None, Some((admin, name)))
        }
    }
}

impl Opened {
    pub async fn open(backend: Backend) -> Opened {
        let (url, dir, postgres) = database(backend).await;
        let opened = Db::open(&url).await.unwrap();
        let (licence_text, key) = licence::self_signed(&licence::unlimited("Benchmark"));
        let mut config = Config {
            signin_address_limit: i64::MAX,
            ..Config::default()
        };
        config.licence_keys.push(key);
        let state = AppState::new(opened, config);
        licence::install(&state, &licence_text).await.unwrap();
        let admin_otp = accounts::bootstrap(&state)
            .await
            .unwrap()
            .unwrap()
            .one_time_password;
        // The benchmarks' admin works without a second factor.
        two_factor::require(&state, &[]).await.unwrap();
        Opened {
            state,
            admin_otp,
            dir,
            postgres,
        }
    }

    pub async fn serve(self) -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server_state = self.state.clone();
        let server = tokio::spawn(async move {
            let _ = server::serve(
                listener,
                server_state,
                std::path::Path::new("/nonexistent"),
                std::future::pending(),
            )
            .await;
        });
        Served {
            base,
            state: self.state,
            admin_otp: self.admin_otp,
            server,
            _dir: self.dir,
            postgres: self.postgres,
        }
    }
}

impl Served {
    /// An HTTP client signed in as `username`, past the forced password change.
    pub async fn browser(&self, username: &str, password: &str, role: &str) -> reqwest::Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let res = http
            .post(format!("{}/api/session/sign_in", self.base))
            .json(&json!({"input": {"username": username, "password": password, "app": role}}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "sign-in of {username}");
        let res = http
            .post(format!("{}/api/session/change_password", self.base))
            .json(&json!({"input": {"current_password": null, "new_password": "benchmark passphrase"}}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success());
        http
    }

    /// The database flushed as a running one is: PostgreSQL analyzed (autovacuum does it to a
    /// table that changed this much) and checkpointed, SQLite's log checkpointed — so that no
    /// measurement waits behind a seed's own writes.
    pub async fn settle(&self) {
        let pool = &self.state.db.pool;
        if self.state.db.backend == Backend::Postgres {
            sqlx::query("VACUUM ANALYZE").execute(pool).await.unwrap();
            sqlx::query("CHECKPOINT").execute(pool).await.unwrap();
        } else {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
        }
    }

    pub async fn stop(self) {
        use sqlx::{Connection, Executor};
        self.server.abort();
        self.state.db.pool.close().await;
        if let Some((admin, name)) = self.postgres {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await;
            }
        }
    }
}
