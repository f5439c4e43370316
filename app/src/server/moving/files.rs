//! Readers of files: an export's directory in the moving format (`Directory`), and CSV files of
//! accounts and of tickets without threads (`Csv`). Each reads everything once before the
//! first write: a line the format does not allow stops the import with its file and line,
//! and nothing is imported. Files are read on the blocking pool (`off_runtime`).

use super::format::{self, Account, Category, Manifest, Ticket};
use super::import::{ImportError, Reader};
use crate::roles::Role;
use crate::tickets::{Priority, Status};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Component, Path, PathBuf};

/// Reading files blocks: it runs on the blocking pool, off the async runtime.
pub async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ImportError> + Send + 'static,
) -> Result<T, ImportError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ImportError::Source(format!("reading the files: {e}")))?
}

fn unreadable(path: &Path, e: impl std::fmt::Display) -> ImportError {
    ImportError::Source(format!("{}: {e}", path.display()))
}

/// Every record of a JSON Lines file, or the first line that is not one.
fn read_all<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, ImportError> {
    let mut records = Vec::new();
    for_each_line(path, |record| {
        records.push(record);
    })?;
    Ok(records)
}

/// Calls `each` with every record of a JSON Lines file (a missing file holds none); blank lines
/// are skipped.
fn for_each_line<T: serde::de::DeserializeOwned>(
    path: &Path,
    mut each: impl FnMut(T),
) -> Result<(), ImportError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(unreadable(path, e)),
    };
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| unreadable(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let record = serde_json::from_str(&line)
            .map_err(|e| unreadable(path, format!("line {}: {e}", n + 1)))?;
        each(record);
    }
    Ok(())
}

/// An export's directory.
pub struct Directory {
    dir: PathBuf,
    manifest: Manifest,
    tickets: u64,
    lines: Option<Lines<BufReader<std::fs::File>>>,
}

impl Directory {
    /// Opens `dir` and reads it through once, checking every line.
    pub fn open(dir: &Path) -> Result<Directory, ImportError> {
        let path = dir.join(format::MANIFEST);
        let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| unreadable(&path, e))?;
        if manifest.format != format::FORMAT || manifest.version != format::VERSION {
            return Err(unreadable(
                &path,
                format!(
                    "format {} version {}; this Šalter reads {} version {}",
                    manifest.format,
                    manifest.version,
                    format::FORMAT,
                    format::VERSION
                ),
            ));
        }
        read_all::<Account>(&dir.join(format::ACCOUNTS))?;
        read_all::<Category>(&dir.join(format::CATEGORIES))?;
        let mut tickets = 0;
        let mut refs = BTreeSet::new();
        let mut twice = None;
        for_each_line(&dir.join(format::TICKETS), |t: Ticket| {
            tickets += 1;
            if !refs.insert(t.id.clone()) {
                twice.get_or_insert(t.id);
            }
        })?;
        if let Some(id) = twice {
            return Err(unreadable(
                &dir.join(format::TICKETS),
                format!("ticket {id} is there twice"),
            ));
        }
        Ok(Directory {
            dir: dir.to_path_buf(),
            manifest,
            tickets,
            lines: None,
        })
    }
}

impl Reader for Directory {
    fn source(&self) -> String {
        self.manifest.source.clone()
    }

    async fn accounts(&mut self) -> Result<Vec<Account>, ImportError> {
        let path = self.dir.join(format::ACCOUNTS);
        off_runtime(move || read_all(&path)).await
    }

    async fn categories(&mut self) -> Result<Vec<Category>, ImportError> {
        let path = self.dir.join(format::CATEGORIES);
        off_runtime(move || read_all(&path)).await
    }

    async fn ticket_count(&mut self) -> Result<Option<u64>, ImportError> {
        Ok(Some(self.tickets))
    }

    async fn tickets(&mut self, n: usize) -> Result<Vec<Ticket>, ImportError> {
        let path = self.dir.join(format::TICKETS);
        let lines = self.lines.take();
        let (lines, batch) = off_runtime(move || {
            let mut lines = match lines {
                Some(lines) => lines,
                None => match std::fs::File::open(&path) {
                    Ok(file) => BufReader::new(file).lines(),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Ok((None, Vec::new()))
                    }
                    Err(e) => return Err(unreadable(&path, e)),
                },
            };
            let mut batch = Vec::with_capacity(n);
            while batch.len() < n {
                let Some(line) = lines.next() else { break };
                let line = line.map_err(|e| unreadable(&path, e))?;
                if !line.trim().is_empty() {
                    batch.push(serde_json::from_str(&line).map_err(|e| unreadable(&path, e))?);
                }
            }
            Ok((Some(lines), batch))
        })
        .await?;
        self.lines = lines;
        Ok(batch)
    }

    async fn file(&mut self, path: &str) -> Result<Option<Vec<u8>>, ImportError> {
        // Only a path inside the directory: no `..`, no absolute path.
        let relative = Path::new(path);
        if !relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            return Ok(None);
        }
        match tokio::fs::read(self.dir.join(relative)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(unreadable(&self.dir.join(relative), e)),
        }
    }
}

/// CSV files: accounts (`ref,full_name,email,role,username`) and tickets without threads
/// (`ref,client,subject,description,category,priority,status,operator,created_at,closed_at`),
/// each with that header line; a ticket's category is a name, made when missing. Empty cells
/// are left out; times are RFC 3339.
pub struct Csv {
    source: String,
    accounts: Vec<Account>,
    categories: Vec<Category>,
    tickets: std::vec::IntoIter<Ticket>,
    count: u64,
}

#[derive(serde::Deserialize)]
struct AccountRow {
    #[serde(rename = "ref")]
    id: String,
    full_name: String,
    #[serde(default)]
    email: Option<String>,
    role: String,
    #[serde(default)]
    username: Option<String>,
}

#[derive(serde::Deserialize)]
struct TicketRow {
    #[serde(rename = "ref")]
    id: String,
    client: String,
    subject: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    operator: Option<String>,
    created_at: String,
    #[serde(default)]
    closed_at: Option<String>,
}

fn rows<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| unreadable(path, e))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(n, row)| row.map_err(|e| unreadable(path, format!("row {}: {e}", n + 1))))
        .collect()
}

/// An empty cell is no value.
fn given(cell: Option<String>) -> Option<String> {
    cell.filter(|c| !c.trim().is_empty())
}

impl Csv {
    /// Reads the files named (either may be left out); `source` names them in `imported`.
    pub fn open(
        source: &str,
        accounts: Option<&Path>,
        tickets: Option<&Path>,
    ) -> Result<Csv, ImportError> {
        if accounts.is_none() && tickets.is_none() {
            return Err(ImportError::Source(
                "name the accounts' file (--accounts), the tickets' file (--tickets) or both"
                    .into(),
            ));
        }
        let mut people = Vec::new();
        if let Some(path) = accounts {
            for (n, row) in rows::<AccountRow>(path)?.into_iter().enumerate() {
                let bad = |what: &str| unreadable(path, format!("row {}: {what}", n + 1));
                people.push(Account {
                    id: row.id,
                    username: given(row.username),
                    full_name: row.full_name,
                    email: given(row.email),
                    role: Role::parse(&row.role).ok_or_else(|| {
                        bad(&format!("role {:?} (client, operator or admin)", row.role))
                    })?,
                    disabled: false,
                    created_at: None,
                });
            }
        }
        let mut names = BTreeSet::new();
        let mut work = Vec::new();
        if let Some(path) = tickets {
            for (n, row) in rows::<TicketRow>(path)?.into_iter().enumerate() {
                let bad = |what: String| unreadable(path, format!("row {}: {what}", n + 1));
                let time = |text: &str| {
                    text.parse::<jiff::Timestamp>()
                        .map_err(|e| bad(format!("time {text:?}: {e}")))
                };
                let category = given(row.category);
                names.extend(category.clone());
                work.push(Ticket {
                    id: row.id,
                    subject: row.subject,
                    description: row.description.unwrap_or_default(),
                    category,
                    priority: match given(row.priority) {
                        Some(p) => {
                            Priority::parse(&p).ok_or_else(|| bad(format!("priority {p:?}")))?
                        }
                        None => Priority::Normal,
                    },
                    status: match given(row.status) {
                        Some(s) => Status::parse(&s).ok_or_else(|| bad(format!("status {s:?}")))?,
                        None => Status::Open,
                    },
                    client: row.client,
                    operator: given(row.operator),
                    created_at: time(&row.created_at)?,
                    updated_at: None,
                    closed_at: given(row.closed_at).map(|c| time(&c)).transpose()?,
                    files: Vec::new(),
                    messages: Vec::new(),
                    ratings: Vec::new(),
                });
            }
        }
        // Categories are named in the tickets' file: the name is their ref.
        let categories = names
            .into_iter()
            .map(|name| Category {
                id: name.clone(),
                name,
                active: true,
            })
            .collect();
        Ok(Csv {
            source: source.to_string(),
            accounts: people,
            categories,
            count: work.len() as u64,
            tickets: work.into_iter(),
        })
    }
}

impl Reader for Csv {
    fn source(&self) -> String {
        self.source.clone()
    }

    async fn accounts(&mut self) -> Result<Vec<Account>, ImportError> {
        Ok(std::mem::take(&mut self.accounts))
    }

    async fn categories(&mut self) -> Result<Vec<Category>, ImportError> {
        Ok(std::mem::take(&mut self.categories))
    }

    async fn ticket_count(&mut self) -> Result<Option<u64>, ImportError> {
        Ok(Some(self.count))
    }

    async fn tickets(&mut self, n: usize) -> Result<Vec<Ticket>, ImportError> {
        Ok(self.tickets.by_ref().take(n).collect())
    }

    async fn file(&mut self, _path: &str) -> Result<Option<Vec<u8>>, ImportError> {
        Ok(None)
    }
}
