//! Online backups and their restore (`salter backup DIR`, `salter restore DIR`).
//!
//! A backup is a directory: a consistent copy of the database taken while Šalter keeps serving
//! (`salter.db` made by SQLite's `VACUUM INTO`, or `salter.pgdump` made by `pg_dump`, one
//! snapshot), then `files/`, the attachments. The database is copied first: an attachment's
//! file is on disk before its row is written, so every attachment the copy names is in the
//! directory the moment the copy ends, and files are never changed once written.
//!
//! A restore goes into an empty database (a SQLite file that does not exist yet, or a
//! PostgreSQL database without tables) and a files directory; it refuses anything else and
//! then changes nothing.

use super::db::{backend_of, sqlite_path, Backend, DbError};
use super::private_dir;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use tokio::process::Command;

const SQLITE_FILE: &str = "salter.db";
const POSTGRES_FILE: &str = "salter.pgdump";
const FILES: &str = "files";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("{0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not empty: a backup goes into a new or empty directory")]
    DestinationNotEmpty(PathBuf),
    #[error("{0} holds no Šalter backup for this kind of database ({1} is missing)")]
    NotABackup(PathBuf, &'static str),
    #[error("the target database is not empty: restore into a new one")]
    TargetNotEmpty,
    #[error("`{tool}` could not run ({detail}); it comes with PostgreSQL's client programs: `apt-get install -y postgresql-client`")]
    ToolMissing { tool: &'static str, detail: String },
    #[error("`{tool}` failed: {detail}")]
    ToolFailed { tool: &'static str, detail: String },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What a backup or restore copied.
#[derive(Debug)]
pub struct Copied {
    pub database: PathBuf,
    pub files: usize,
}

/// Copies the database at `url` and the attachments in `files_dir` into `dest`.
pub async fn backup(url: &str, files_dir: &Path, dest: &Path) -> Result<Copied, BackupError> {
    let backend = backend_of(url)?;
    if let Ok(mut entries) = tokio::fs::read_dir(dest).await {
        if entries.next_entry().await.ok().flatten().is_some() {
            return Err(BackupError::DestinationNotEmpty(dest.to_path_buf()));
        }
    }
    private_dir(dest).await.map_err(io(dest))?;
    let database = match backend {
        Backend::Sqlite => {
            let copy = dest.join(SQLITE_FILE);
            let mut conn =
                sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rw", sqlite_path(url)))
                    .await?;
            // One read transaction: the copy is the database as of one moment.
            sqlx::query("VACUUM INTO $1")
                .bind(copy.to_string_lossy().into_owned())
                .execute(&mut conn)
                .await?;
            conn.close().await?;
            copy
        }
        Backend::Postgres => {
            let copy = dest.join(POSTGRES_FILE);
            run_tool(
                "pg_dump",
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(&copy),
                url,
            )
            .await?;
            copy
        }
    };
    let files = copy_files(files_dir.to_path_buf(), dest.join(FILES)).await?;
    Ok(Copied { database, files })
}

/// Puts the backup in `src` into the empty database at `url` and into `files_dir`: the files
/// first, then the database, so a restore that stops half-way leaves the database empty (and
/// can be run again) rather than naming files that are not there.
pub async fn restore(url: &str, files_dir: &Path, src: &Path) -> Result<Copied, BackupError> {
    let backend = backend_of(url)?;
    let file = match backend {
        Backend::Sqlite => SQLITE_FILE,
        Backend::Postgres => POSTGRES_FILE,
    };
    let copy = src.join(file);
    if !tokio::fs::metadata(&copy).await.is_ok_and(|m| m.is_file()) {
        return Err(BackupError::NotABackup(src.to_path_buf(), file));
    }
    let empty = match backend {
        Backend::Sqlite => !tokio::fs::try_exists(sqlite_path(url))
            .await
            .map_err(io(Path::new(sqlite_path(url))))?,
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await?;
            let tables: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_one(&mut conn)
            .await?;
            conn.close().await?;
            tables == 0
        }
    };
    if !empty {
        return Err(BackupError::TargetNotEmpty);
    }
    let files = copy_files(src.join(FILES), files_dir.to_path_buf()).await?;
    let database = match backend {
        Backend::Sqlite => {
            let target = PathBuf::from(sqlite_path(url));
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                private_dir(dir).await.map_err(io(dir))?;
            }
            // Copied beside the target, then renamed: the target never exists half-written.
            let partial = target.with_extension("restoring");
            off_runtime(move || {
                std::fs::copy(&copy, &partial).map_err(io(&partial))?;
                std::fs::rename(&partial, &target).map_err(io(&target))?;
                Ok(target)
            })
            .await?
        }
        Backend::Postgres => {
            run_tool(
                "pg_restore",
                Command::new("pg_restore")
                    .args(["--no-owner", "--exit-on-error", "--single-transaction"])
                    .arg(&copy),
                url,
            )
            .await?;
            copy
        }
    };
    Ok(Copied { database, files })
}

/// Runs a PostgreSQL client program on the database at `url`. The password, if the URL has
/// one, goes through the environment (`PGPASSWORD`), not the command line others can list.
async fn run_tool(tool: &'static str, command: &mut Command, url: &str) -> Result<(), BackupError> {
    let (url, password) = without_password(url);
    command.arg(format!("--dbname={url}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let out = command
        .output()
        .await
        .map_err(|e| BackupError::ToolMissing {
            tool,
            detail: e.to_string(),
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BackupError::ToolFailed {
            tool,
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, the password decoded).
fn without_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{path}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Copying files blocks: it runs on the blocking pool, off the async runtime.
async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> Result<T, BackupError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| BackupError::Io {
            path: PathBuf::new(),
            source: std::io::Error::other(e),
        })?
}

/// Copies the stored files (not uploads still being written, `*.part`) from `from` to `to`,
/// leaving any already there; how many were copied. A missing `from` holds none.
async fn copy_files(from: PathBuf, to: PathBuf) -> Result<usize, BackupError> {
    if !tokio::fs::metadata(&from).await.is_ok_and(|m| m.is_dir()) {
        return Ok(0);
    }
    private_dir(&to).await.map_err(io(&to))?;
    off_runtime(move || copy_files_blocking(&from, &to)).await
}

fn copy_files_blocking(from: &Path, to: &Path) -> Result<usize, BackupError> {
    let entries = std::fs::read_dir(from).map_err(io(from))?;
    let mut copied = 0;
    for entry in entries {
        let entry = entry.map_err(io(from))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        let stored = path.is_file() && path.extension().is_none_or(|e| e != "part");
        if stored && !target.exists() {
            std::fs::copy(&path, &target).map_err(io(&target))?;
            copied += 1;
        }
    }
    Ok(copied)
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            without_password("postgres://salter:p%40ss:w@db.example:5432/salter?sslmode=require"),
            (
                "postgres://salter@db.example:5432/salter?sslmode=require".to_string(),
                Some("p@ss:w".to_string())
            )
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1:5432/x"),
            ("postgres://postgres@127.0.0.1:5432/x".to_string(), None)
        );
        assert_eq!(
            without_password("postgres:///x"),
            ("postgres:///x".to_string(), None)
        );
    }
}
