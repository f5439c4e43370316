//! The data layer's connection: one `sqlx::AnyPool` over SQLite (the embedded default) or
//! PostgreSQL (selected by a `postgres://` URL). Every query in this crate is written once and
//! runs on both; see ARCHITECTURE.md for the rules that make that work (`$n` placeholders,
//! BIGINT ids and times, integer flags).

use crate::error::AppError;
use futures_util::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Executor};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, Notify};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite: the queue of the group-commit writer (`Db::write`).
    group: Option<mpsc::Sender<WriteJob>>,
    /// PostgreSQL: where to open a listening connection (`Db::listener`).
    url: String,
    /// Told after every write that committed through `Db` (`write`, `commit`): the live tail
    /// looks for new events then — and not after calls that only read.
    committed: Arc<Notify>,
    /// PostgreSQL: told likewise; `announce` then tells the other processes.
    announced: Arc<Notify>,
}

/// What a job tells its caller once the shared transaction committed (`true`) or not.
type Finish = Box<dyn FnOnce(bool) + Send>;
/// A piece of work for the group-commit writer: it runs on the writer's connection, inside
/// the shared transaction, and reports whether it succeeded.
type WriteJob =
    Box<dyn for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, (bool, Finish)> + Send>;

/// At most this many works share one SQLite transaction.
const GROUP_MAX: usize = 64;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The schema's migrations for a database, in order (`migrations/sqlite`, `migrations/postgres`).
pub fn migrator(backend: Backend) -> &'static sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot create the directory for the database file {path}: {source}")]
    Directory {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let pool = match backend {
            Backend::Sqlite => {
                let path = sqlite_path(url);
                if let Some(dir) = std::path::Path::new(path).parent() {
                    if !dir.as_os_str().is_empty() {
                        super::private_dir(dir)
                            .await
                            .map_err(|source| DbError::Directory {
                                path: dir.display().to_string(),
                                source,
                            })?;
                    }
                }
                let options = AnyConnectOptions::from_str(&format!("sqlite://{path}?mode=rwc"))?;
                AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    // sqlx sets none of these for SQLite through Any; every connection needs them.
                    // `mmap_size`: readers map the database instead of copying pages through
                    // read(): every commit empties the other connections' page caches, so under
                    // 200 creations/s each read refilled its cache by syscalls (perf: ~10 % of
                    // the CPU in the kernel's copy and page-cache paths). Mixed load, 20,000
                    // tickets: creation p50 72 → 7–15 ms, p99 234 → 60–99 ms; readers flat out
                    // 1,756 → 2,538–2,790 pages and searches (at 100,000 the p99 stays ~190 ms).
                    // 2 GB (SQLite's most): a million tickets make a database of ~2.5 GB, and
                    // with 256 MB the statistics read the rest by syscalls through a 2 MB cache —
                    // the last 30 days' p50 152 → 106 ms, p99 300 → 230 ms. The map is address
                    // space; only the pages read count in memory, as the OS's cache.
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                                 PRAGMA wal_autocheckpoint = 0; PRAGMA mmap_size = 2147418112;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    // Few: on two cores more connections only run more statements at once, each
                    // slower, and a creation's dozen statements each wait their turn for a core
                    // behind the readers'. 16 → 8: creation p99 under the mixed load 65 → 39 ms,
                    // flat out 1,055 → 1,267/s; 4 left creation flat out short of 1,000/s.
                    .max_connections(POOL)
                    // Fail fast while the database is away: a request waits at most this long
                    // for a connection, then answers 503 (`AppError::Unavailable`). Pooled
                    // connections are pinged before use, so a restarted server is found again.
                    .acquire_timeout(Duration::from_secs(3))
                    // No JIT: its compilation costs tens of milliseconds on queries the planner
                    // thinks large — the statistics' comments took 103 ms, 22 of them work.
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute("SET jit = off").await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
        };
        let group = match backend {
            Backend::Sqlite => {
                migrator(backend).run(&pool).await?;
                let (queue, jobs) = mpsc::channel(1024);
                tokio::spawn(group_writer(pool.clone(), jobs));
                tokio::spawn(checkpoints(pool.clone()));
                Some(queue)
            }
            Backend::Postgres => {
                migrator(backend).run(&pool).await?;
                None
            }
        };
        let announced = Arc::<Notify>::default();
        if backend == Backend::Postgres {
            tokio::spawn(announce(pool.clone(), announced.clone()));
        }
        Ok(Db {
            pool,
            backend,
            group,
            url: url.to_string(),
            committed: Arc::default(),
            announced,
        })
    }

    /// Runs `work` in a write transaction; its value comes back only once that has committed.
    /// On SQLite this is a group commit: works that arrive while the writer is busy share the
    /// next transaction — each in a savepoint of its own, so a failing one undoes only itself —
    /// and one flush to disk (`synchronous = FULL`) serves them all. PostgreSQL, which groups
    /// commits by itself, gets a plain transaction.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T, AppError>>
            + Send
            + 'static,
    {
        let Some(queue) = &self.group else {
            let mut tx = self.begin_write().await?;
            let value = work(&mut tx).await?;
            self.commit(tx).await?;
            return Ok(value);
        };
        let (answer, answered) = oneshot::channel();
        let job: WriteJob = Box::new(move |conn| {
            Box::pin(async move {
                let outcome = work(conn).await;
                let ok = outcome.is_ok();
                let finish: Finish = Box::new(move |committed| {
                    let _ = answer.send(match outcome {
                        Ok(_) if !committed => Err(AppError::Internal),
                        other => other,
                    });
                });
                (ok, finish)
            })
        });
        queue.send(job).await.map_err(|_| AppError::Internal)?;
        // A dropped job (the writer could not start a transaction) answers nothing.
        let value = answered.await.map_err(|_| AppError::Internal)??;
        self.tell_committed();
        Ok(value)
    }

    /// One statement through the one writer (`write`): the rows it changed.
    pub async fn execute(
        &self,
        statement: sqlx::query::Query<'static, Any, sqlx::any::AnyArguments<'static>>,
    ) -> Result<u64, AppError> {
        self.write(move |conn| {
            Box::pin(async move { Ok(statement.execute(&mut *conn).await?.rows_affected()) })
        })
        .await
    }

    /// Commits a transaction from `begin_write`, and tells whoever waits for commits.
    pub async fn commit(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Any>,
    ) -> Result<(), sqlx::Error> {
        tx.commit().await?;
        self.tell_committed();
        Ok(())
    }

    /// A write committed: this process's tail looks, and (PostgreSQL) the others are told.
    fn tell_committed(&self) {
        self.committed.notify_one();
        self.announced.notify_one();
    }

    /// Wakes once a write committed through `Db` since the last wake.
    pub async fn committed(&self) {
        self.committed.notified().await;
    }
}

/// PostgreSQL: the process's connections.
const POOL: u32 = 8;

/// PostgreSQL: tells every process's live tail (`EVENTS_CHANNEL`) that this one committed —
/// after the commit, one NOTIFY at a time however many commits came meanwhile. Not from inside
/// the writes' transactions (migration 0011's trigger did that until 0034): a transaction that
/// has sent a NOTIFY takes PostgreSQL's one notify-queue lock as it commits and holds it until
/// its commit is flushed, so every transaction that wrote a ticket event committed in turn, one
/// flush after another, never grouped. This NOTIFY's own transaction is not flushed before it
/// answers (`synchronous_commit` off): a wake-up lost in a crash is found by the tails' polling
/// (`live::POLL`).
async fn announce(pool: AnyPool, commits: Arc<Notify>) {
    loop {
        commits.notified().await;
        if pool.is_closed() {
            return;
        }
        let sent = async {
            let mut tx = pool.begin().await?;
            sqlx::query("SET LOCAL synchronous_commit TO off")
                .execute(&mut *tx)
                .await?;
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(EVENTS_CHANNEL)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
        .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "cannot tell the other processes of a commit");
        }
    }
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// SQLite's checkpoints, off the writer's path: with the automatic one (every 1,000 pages,
/// run by whichever commit passes the mark) a creation now and then waited for the database
/// file to be written and flushed (p99 at 200 creations/s: 29 ms at 100,000 tickets). Here a
/// task of its own checkpoints `PASSIVE`ly — never waiting for, or holding up, the writer or a
/// reader — once a second, so the WAL stays small.
async fn checkpoints(pool: AnyPool) {
    loop {
        tokio::time::sleep(CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = pool.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
            tracing::warn!(error = %e, "WAL checkpoint");
        }
    }
}

/// How long the writer keeps its connection with nothing to write.
const WRITER_IDLE: Duration = Duration::from_secs(1);

/// The SQLite writer behind `Db::write`: takes what is queued, runs it in one transaction,
/// commits, answers. While there is work it keeps one connection of the pool for itself, so a
/// write never waits behind readers for a connection; it gives it back after `WRITER_IDLE`
/// without work (so the pool can close), or when it fails (and takes another).
async fn group_writer(pool: AnyPool, mut jobs: mpsc::Receiver<WriteJob>) {
    let mut own: Option<PoolConnection<Any>> = None;
    loop {
        let next = if own.is_some() {
            match tokio::time::timeout(WRITER_IDLE, jobs.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    own = None;
                    continue;
                }
            }
        } else {
            jobs.recv().await
        };
        let Some(first) = next else {
            return;
        };
        let mut batch = vec![first];
        while batch.len() < GROUP_MAX {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut conn = match own.take() {
            Some(conn) => conn,
            None => match pool.acquire().await {
                Ok(conn) => conn,
                Err(e) => {
                    // The batch is dropped unanswered: each caller gets `Internal`.
                    tracing::error!(error = %e, "group commit: no connection");
                    continue;
                }
            },
        };
        if run_batch(&mut conn, batch).await {
            own = Some(conn);
        }
    }
}

/// Runs one batch in one transaction and answers each work; whether the connection is still
/// sound (a failed statement of the writer's own means it is not: it is given back).
async fn run_batch(conn: &mut AnyConnection, batch: Vec<WriteJob>) -> bool {
    if let Err(e) = (&mut *conn).execute("BEGIN IMMEDIATE").await {
        tracing::error!(error = %e, "group commit: BEGIN");
        return false;
    }
    let mut finishes = Vec::with_capacity(batch.len());
    let mut sound = true;
    for job in batch {
        if (&mut *conn).execute("SAVEPOINT job").await.is_err() {
            sound = false;
            break;
        }
        let (ok, finish) = job(&mut *conn).await;
        finishes.push(finish);
        let end = if ok {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        if (&mut *conn).execute(end).await.is_err() {
            sound = false;
            break;
        }
    }
    let committed = sound && (&mut *conn).execute("COMMIT").await.is_ok();
    if !committed {
        let _ = (&mut *conn).execute("ROLLBACK").await;
    }
    for finish in finishes {
        finish(committed);
    }
    sound
}

impl Db {
    /// Whether the database answers (the health check).
    pub async fn healthy(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// A transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and then writes fails at once
    /// with "database is locked" when another writer committed in between, instead of waiting.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }
}

/// Which database a URL names.
pub fn backend_of(url: &str) -> Result<Backend, DbError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(DbError::UnsupportedUrl(url.to_string()))
    }
}

/// The file a SQLite URL names: `sqlite://data/x.db`, `sqlite:data/x.db` → `data/x.db` (query
/// parameters dropped).
pub fn sqlite_path(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    rest.split('?').next().unwrap_or(rest)
}

/// A connection that hears NOTIFYs (PostgreSQL).
pub type Listener = sqlx::postgres::PgListener;

/// The NOTIFY channels of live updates: events committed (sent by `announce`),
/// the floor changed, and presence.
pub const EVENTS_CHANNEL: &str = "salter_events";
pub const FLOOR_CHANNEL: &str = "salter_floor";
pub const PRESENCE_CHANNEL: &str = "salter_presence";
pub const CALLS_CHANNEL: &str = "salter_calls";

impl Db {
    /// PostgreSQL: tells every process listening on `channel` (this one's too). Whether it was
    /// sent: on SQLite (one process) never, and the caller tells its own process directly.
    pub async fn notify(&self, channel: &str, payload: &str) -> bool {
        self.backend == Backend::Postgres
            && sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(&self.pool)
                .await
                .is_ok()
    }

    /// PostgreSQL: a connection listening on `channels` — how one process hears of another's
    /// commits and floor changes (live updates). None on SQLite, which serves from one process, or when it
    /// cannot connect (the tail then finds other processes' events by polling).
    pub async fn listener(&self, channels: &[&str]) -> Option<Listener> {
        if self.backend != Backend::Postgres {
            return None;
        }
        let listening = async {
            let mut listener = Listener::connect(&self.url).await?;
            listener.listen_all(channels.iter().copied()).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        listening
            .await
            .map_err(|e| tracing::warn!(error = %e, "cannot listen for other processes' commits"))
            .ok()
    }
}

/// Where the two databases differ: which ticket events have settled — may be delivered live,
/// in `(tx, id)` order, with no later commit ever taking a place before them (`live`). The
/// condition on `ticket_events` aliased `e`. SQLite's one writer commits in id order: every
/// committed event has settled. PostgreSQL: only those of transactions older than every one
/// still running (`pg_snapshot_xmin`), which have all ended; any later commit has a larger tx.
pub fn settled(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " AND e.tx < pg_snapshot_xmin(pg_current_snapshot())::text::bigint",
    }
}

/// The placeholders of an insert of `rows` rows of `columns` values each, numbered in order:
/// `($1, $2), ($3, $4)` — the `VALUES` of one statement that writes many rows.
pub fn rows_of(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ids an insert of many rows `RETURNING id` gave, in the order its rows were written:
/// they took their ids in that order, and `RETURNING` may give them in any.
pub fn in_written_order(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

/// Many rows of whole numbers read as one value: the SQL aggregate that writes each row's
/// `columns` (empty for NULL) joined by spaces, and the rows joined by commas. Decoding a row of
/// `sqlx`'s `Any` costs far more than the database's work for it: tens of thousands of rows,
/// read this way, take a few milliseconds instead of a hundred (`string_agg`: PostgreSQL, and
/// SQLite since 3.44). `unpacked` reads it back.
pub fn packed(columns: &[&str]) -> String {
    let cells: Vec<String> = columns
        .iter()
        .map(|c| format!("COALESCE(CAST({c} AS TEXT), '')"))
        .collect();
    format!("string_agg({}, ',')", cells.join(" || ' ' || "))
}

/// The rows of a `packed` value of `N` columns (none for no rows); a malformed one is a bug.
pub fn unpacked<const N: usize>(text: Option<&str>) -> Result<Vec<[Option<i64>; N]>, AppError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|row| {
            let mut cells = [None; N];
            let mut values = row.split(' ');
            for cell in &mut cells {
                let value = values.next().ok_or(AppError::Internal)?;
                if !value.is_empty() {
                    *cell = Some(value.parse().map_err(|_| AppError::Internal)?);
                }
            }
            match values.next() {
                Some(_) => Err(AppError::Internal),
                None => Ok(cells),
            }
        })
        .collect()
}

/// Where the two databases differ: full-text search. The condition on `ticket_text` (aliased
/// `x`) that matches the query bound at its `?`, and the query text to bind for `words`. Each
/// word is quoted, so the user's text is only ever data, never query syntax.
pub fn text_match(backend: Backend, words: &str) -> TextMatch {
    match backend {
        Backend::Sqlite => {
            let quoted: Vec<String> = words
                .split_whitespace()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect();
            TextMatch {
                condition: "x.text MATCH ?",
                newest_first: "x.rowid DESC",
                query: quoted.join(" "),
            }
        }
        Backend::Postgres => TextMatch {
            condition: "x.document @@ plainto_tsquery('simple', ?)",
            newest_first: "x.id DESC",
            query: words.to_string(),
        },
    }
}

/// A full-text condition on `ticket_text x`, its `?` standing for `query`.
pub struct TextMatch {
    pub condition: &'static str,
    /// The order of the indexed texts, newest first (FTS5 reads it straight off its index).
    pub newest_first: &'static str,
    /// The value for the condition's `?`.
    pub query: String,
}

/// How many matching articles a knowledge-base search ranks at most, and how many of the best
/// it hands on to be filtered for the reader and ordered by their language. Ranking costs per
/// match (bm25 / ts_rank read each text): a word in most articles would rank them all (at
/// 100,000 articles p99 159 ms on SQLite, 614 ms on PostgreSQL). A search matching more ranks
/// the most recently published 500 on SQLite, the first 500 found on PostgreSQL.
const KB_CANDIDATES: usize = 500;
const KB_BEST: usize = 200;

/// Where the two databases differ: searching the knowledge base. `candidates` is a subquery of
/// `(article_id, score)` — lower scores better — over at most `KB_CANDIDATES` matches of `$1`,
/// the best `KB_BEST` of them. Each word is folded letters and digits only
/// (`kb::search::words`), the last a prefix (results as the reader types); every word must
/// match.
pub fn kb_match(backend: Backend, words: &[String]) -> KbMatch {
    let last = words.len().saturating_sub(1);
    // Each word as the database's syntax writes a word, the last one as a prefix.
    let written = |word: fn(&str, bool) -> String, and: &str| {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| word(w, i == last))
            .collect::<Vec<_>>()
            .join(and)
    };
    match backend {
        // bm25 weights: title, body, tags. The newest matches by rowid, read off the index.
        Backend::Sqlite => KbMatch {
            candidates: format!(
                "SELECT article_id, bm25(kb_search, 10.0, 1.0, 4.0) AS score FROM kb_search \
                 WHERE kb_search MATCH $1 AND rowid >= (SELECT MIN(rowid) FROM (SELECT rowid \
                 FROM kb_search WHERE kb_search MATCH $1 ORDER BY rowid DESC \
                 LIMIT {KB_CANDIDATES})) ORDER BY score LIMIT {KB_BEST}"
            ),
            query: written(
                |w, last| format!("\"{w}\"{}", if last { "*" } else { "" }),
                " ",
            ),
        },
        // setweight A (title) 1.0, B (tags) 0.4, C (body) 0.2.
        Backend::Postgres => KbMatch {
            candidates: format!(
                "SELECT article_id, -ts_rank(document, to_tsquery('simple', $1)) AS score \
                 FROM (SELECT article_id, document FROM kb_search \
                 WHERE document @@ to_tsquery('simple', $1) LIMIT {KB_CANDIDATES}) m \
                 ORDER BY score LIMIT {KB_BEST}"
            ),
            query: written(
                |w, last| format!("{w}{}", if last { ":*" } else { "" }),
                " & ",
            ),
        },
    }
}

/// A knowledge-base search: the candidates' subquery on `$1`, and the value for `$1`.
pub struct KbMatch {
    pub candidates: String,
    pub query: String,
}

/// The statement that takes the assignment lock inside a write transaction: a row lock on
/// PostgreSQL (several processes may decide at once); nothing on SQLite, whose write
/// transactions already run one at a time.
pub fn assignment_lock(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some("SELECT id FROM assignment_lock WHERE id = 1 FOR UPDATE"),
    }
}

/// Flags are integers in both schemas.
pub fn flag(v: i64) -> bool {
    v != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_rows_are_numbered_in_order() {
        assert_eq!(rows_of(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(rows_of(1, 1), "($1)");
        assert_eq!(in_written_order(vec![9, 7, 8]), [7, 8, 9]);
    }

    #[test]
    fn packed_rows_read_back_with_their_nulls() {
        assert_eq!(unpacked::<2>(None).unwrap(), Vec::<[Option<i64>; 2]>::new());
        assert_eq!(
            unpacked::<3>(Some("1 -2 ,  7")).unwrap(),
            vec![[Some(1), Some(-2), None], [None, None, Some(7)]]
        );
        assert!(unpacked::<2>(Some("1 2 3")).is_err());
        assert!(unpacked::<2>(Some("1")).is_err());
        assert!(unpacked::<1>(Some("x")).is_err());
        assert_eq!(
            packed(&["a", "b"]),
            "string_agg(COALESCE(CAST(a AS TEXT), '') || ' ' || COALESCE(CAST(b AS TEXT), ''), ',')"
        );
    }

    #[test]
    fn sqlite_urls_name_a_file() {
        assert_eq!(sqlite_path("sqlite://data/salter.db"), "data/salter.db");
        assert_eq!(
            sqlite_path("sqlite:data/salter.db?mode=rwc"),
            "data/salter.db"
        );
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), "/tmp/x.db");
    }
}
