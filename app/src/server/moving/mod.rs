//! Moving in and out: `salter export DIR` writes this installation in the moving format
//! (`format`, documented in `docs/moving.md`); `salter import` brings in an export, CSV files
//! (`files`) or an osTicket database (`osticket`) through one importer (`import`). One client's
//! data, the zip of `privacy::export`, is the same format (`export::Scope::Client`).

pub mod export;
pub mod files;
pub mod format;
pub mod import;
pub mod osticket;

use super::AppState;
use axum::body::Bytes;
use export::{ExportError, Scope, Sink};
use format::{Counts, Manifest};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use import::{ImportError, Progress, Summary};
use std::collections::hash_map::{Entry, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// Writes everything into `dir`, which must be new or empty.
pub async fn export_to(state: &AppState, dir: &Path) -> Result<Counts, ExportError> {
    if let Ok(mut entries) = tokio::fs::read_dir(dir).await {
        if entries.next_entry().await?.is_some() {
            return Err(std::io::Error::other(format!(
                "{} is not empty: export into a new directory",
                dir.display()
            ))
            .into());
        }
    }
    tokio::fs::create_dir_all(dir).await?;
    let mut folder = Folder {
        dir: dir.to_path_buf(),
        open: HashMap::new(),
    };
    export::write(state, Scope::Everything, &mut folder).await
}

/// Imports an export's directory.
pub async fn import_export(
    state: &AppState,
    dir: &Path,
    progress: Progress<'_>,
) -> Result<Summary, ImportError> {
    let dir = dir.to_path_buf();
    let mut reader = files::off_runtime(move || files::Directory::open(&dir)).await?;
    import::run(state, &mut reader, progress).await
}

/// Imports CSV files of accounts and tickets, named `source` in the import's records.
pub async fn import_csv(
    state: &AppState,
    source: &str,
    accounts: Option<&Path>,
    tickets: Option<&Path>,
    progress: Progress<'_>,
) -> Result<Summary, ImportError> {
    let source = format!("csv:{source}");
    let (accounts, tickets) = (
        accounts.map(Path::to_path_buf),
        tickets.map(Path::to_path_buf),
    );
    let mut reader = files::off_runtime(move || {
        files::Csv::open(&source, accounts.as_deref(), tickets.as_deref())
    })
    .await?;
    import::run(state, &mut reader, progress).await
}

/// Imports an osTicket 1.x database (`mysql://…`), its tables named with `prefix`, the files
/// its filesystem storage kept read from `uploads`.
pub async fn import_osticket(
    state: &AppState,
    url: &str,
    prefix: &str,
    uploads: Option<&Path>,
    progress: Progress<'_>,
) -> Result<Summary, ImportError> {
    let mut reader = osticket::OsTicket::connect(url, prefix, uploads).await?;
    import::run(state, &mut reader, progress).await
}

/// An export's directory: the JSON Lines files kept open while they grow.
struct Folder {
    dir: PathBuf,
    open: HashMap<String, tokio::io::BufWriter<tokio::fs::File>>,
}

impl Sink for Folder {
    async fn line(&mut self, name: &str, mut line: Vec<u8>) -> std::io::Result<()> {
        let file = match self.open.entry(name.to_string()) {
            Entry::Occupied(open) => open.into_mut(),
            Entry::Vacant(new) => {
                let file = tokio::fs::File::create(self.dir.join(name)).await?;
                new.insert(tokio::io::BufWriter::new(file))
            }
        };
        line.push(b'\n');
        file.write_all(&line).await
    }

    async fn file(
        &mut self,
        path: &str,
        mut content: BoxStream<'static, std::io::Result<Bytes>>,
    ) -> std::io::Result<()> {
        let path = self.dir.join(path);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let mut file = tokio::fs::File::create(&path).await?;
        while let Some(chunk) = content.next().await {
            file.write_all(&chunk?).await?;
        }
        file.flush().await
    }

    async fn finish(&mut self, manifest: &Manifest) -> std::io::Result<()> {
        for name in [format::ACCOUNTS, format::CATEGORIES, format::TICKETS] {
            if !self.open.contains_key(name) {
                tokio::fs::File::create(self.dir.join(name)).await?;
            }
        }
        for (_, mut file) in self.open.drain() {
            file.flush().await?;
            file.into_inner().sync_all().await?;
        }
        let text = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
        tokio::fs::write(self.dir.join(format::MANIFEST), text).await
    }
}

/// A zip in memory (one client's data): files as they come, the JSON Lines files at the end.
pub(crate) struct Zipped {
    zip: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
    lines: std::collections::BTreeMap<String, Vec<u8>>,
}

fn zip_error(e: zip::result::ZipError) -> std::io::Error {
    std::io::Error::other(e)
}

impl Zipped {
    pub(crate) fn new() -> Zipped {
        Zipped {
            zip: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
            lines: Default::default(),
        }
    }

    fn options() -> zip::write::SimpleFileOptions {
        // Stored, not compressed: files mostly are already.
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true)
    }

    /// Adds a whole file.
    pub(crate) fn add(&mut self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.zip
            .start_file(path, Self::options())
            .map_err(zip_error)?;
        self.zip.write_all(bytes)
    }

    /// The zip's bytes.
    pub(crate) fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        Ok(self.zip.finish().map_err(zip_error)?.into_inner())
    }
}

impl Sink for Zipped {
    async fn line(&mut self, name: &str, mut line: Vec<u8>) -> std::io::Result<()> {
        line.push(b'\n');
        self.lines.entry(name.to_string()).or_default().extend(line);
        Ok(())
    }

    async fn file(
        &mut self,
        path: &str,
        mut content: BoxStream<'static, std::io::Result<Bytes>>,
    ) -> std::io::Result<()> {
        self.zip
            .start_file(path, Self::options())
            .map_err(zip_error)?;
        while let Some(chunk) = content.next().await {
            self.zip.write_all(&chunk?)?;
        }
        Ok(())
    }

    async fn finish(&mut self, manifest: &Manifest) -> std::io::Result<()> {
        for name in [format::ACCOUNTS, format::CATEGORIES, format::TICKETS] {
            let lines = self.lines.remove(name).unwrap_or_default();
            self.add(name, &lines)?;
        }
        let text = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
        self.add(format::MANIFEST, &text)
    }
}
