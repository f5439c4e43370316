//! Reading an osTicket 1.x database (MySQL or MariaDB) directly, into the moving format's
//! records: users → clients, staff → operators (inactive ones disabled), departments →
//! categories, tickets with their numbers (the original reference), subjects, priorities and
//! times, their thread — the first message is the description, then messages, responses and
//! internal notes, HTML made text — and attachments, kept in the database (`ost_file_chunk`) or
//! on osTicket's disk by its filesystem storage (`<uploads>/<first letter of the key>/<key>`,
//! when the folder is given). Statuses map by their
//! state: open with no agent → open; with an agent → in progress, or returned to the client when
//! osTicket marked it answered; closed and archived → closed; deleted tickets stay behind.
//! Times are read as UTC.

use super::format::{Account, Category, File, Message, Ticket};
use super::import::{ImportError, Reader};
use crate::roles::Role;
use crate::tickets::{Priority, Status};
use jiff::Timestamp;
use sqlx::mysql::MySqlConnection;
use sqlx::Connection;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

pub struct OsTicket {
    conn: MySqlConnection,
    prefix: String,
    database: String,
    /// The last ticket id read.
    after: i64,
    users: HashSet<i64>,
    staff: Vec<i64>,
    /// osTicket's attachment folder, for the files its filesystem storage keeps.
    uploads: Option<PathBuf>,
}

fn failed(e: sqlx::Error) -> ImportError {
    ImportError::Source(format!("osTicket's database: {e}"))
}

fn time(seconds: Option<i64>) -> Option<Timestamp> {
    seconds.and_then(|s| Timestamp::from_second(s).ok())
}

type TicketRow = (
    i64,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);
type StaffRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
);
type EntryRow = (
    i64,
    i64,
    String,
    i64,
    i64,
    Option<String>,
    String,
    Option<i64>,
);

impl OsTicket {
    /// Connects to `url` (`mysql://user:password@host/database`); osTicket's tables are named
    /// with `prefix` (`ost_` by default); files on osTicket's disk are read from `uploads`.
    pub async fn connect(
        url: &str,
        prefix: &str,
        uploads: Option<&Path>,
    ) -> Result<OsTicket, ImportError> {
        if !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(ImportError::Source(format!(
                "table prefix {prefix:?}: letters, digits and _ only"
            )));
        }
        let mut conn = MySqlConnection::connect(url).await.map_err(failed)?;
        sqlx::query("SET time_zone = '+00:00'")
            .execute(&mut conn)
            .await
            .map_err(failed)?;
        let database: Option<String> = sqlx::query_scalar("SELECT DATABASE()")
            .fetch_one(&mut conn)
            .await
            .map_err(failed)?;
        let Some(database) = database else {
            return Err(ImportError::Source(
                "name osTicket's database in the URL (mysql://user@host/DATABASE)".into(),
            ));
        };
        Ok(OsTicket {
            conn,
            prefix: prefix.to_string(),
            database,
            after: 0,
            users: HashSet::new(),
            staff: Vec::new(),
            uploads: uploads.map(Path::to_path_buf),
        })
    }

    /// A query with `{p}` standing for the tables' prefix.
    fn sql(&self, text: &str) -> String {
        text.replace("{p}", &self.prefix)
    }
}

impl Reader for OsTicket {
    fn source(&self) -> String {
        format!("osticket:{}", self.database)
    }

    async fn accounts(&mut self) -> Result<Vec<Account>, ImportError> {
        let users: Vec<(i64, String, Option<String>, Option<i64>)> = sqlx::query_as(&self.sql(
            "SELECT CAST(u.id AS SIGNED), u.name, e.address, \
             CAST(UNIX_TIMESTAMP(u.created) AS SIGNED) FROM {p}user u \
             LEFT JOIN {p}user_email e ON e.id = u.default_email_id ORDER BY u.id",
        ))
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        let staff: Vec<StaffRow> = sqlx::query_as(&self.sql(
            "SELECT CAST(staff_id AS SIGNED), username, COALESCE(firstname, ''), \
                 COALESCE(lastname, ''), email, \
                 CAST(isactive AS SIGNED), CAST(UNIX_TIMESTAMP(created) AS SIGNED) \
                 FROM {p}staff ORDER BY staff_id",
        ))
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        let mut accounts = Vec::with_capacity(users.len() + staff.len());
        for (id, name, email, created) in users {
            self.users.insert(id);
            accounts.push(Account {
                id: format!("user:{id}"),
                username: None,
                full_name: name,
                email,
                role: Role::Client,
                disabled: false,
                created_at: time(created),
            });
        }
        for (id, username, first, last, email, active, created) in staff {
            self.staff.push(id);
            accounts.push(Account {
                id: format!("staff:{id}"),
                username: Some(username),
                full_name: format!("{first} {last}").trim().to_string(),
                email,
                role: Role::Operator,
                disabled: active == 0,
                created_at: time(created),
            });
        }
        Ok(accounts)
    }

    async fn categories(&mut self) -> Result<Vec<Category>, ImportError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            &self.sql("SELECT CAST(id AS SIGNED), name FROM {p}department ORDER BY id"),
        )
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| Category {
                id: format!("dept:{id}"),
                name,
                active: true,
            })
            .collect())
    }

    async fn ticket_count(&mut self) -> Result<Option<u64>, ImportError> {
        let n: i64 = sqlx::query_scalar(&self.sql(
            "SELECT CAST(COUNT(*) AS SIGNED) FROM {p}ticket t \
             LEFT JOIN {p}ticket_status s ON s.id = t.status_id \
             WHERE s.state IS NULL OR s.state <> 'deleted'",
        ))
        .fetch_one(&mut self.conn)
        .await
        .map_err(failed)?;
        Ok(Some(n.max(0) as u64))
    }

    async fn tickets(&mut self, n: usize) -> Result<Vec<Ticket>, ImportError> {
        let rows: Vec<TicketRow> = sqlx::query_as(&self.sql(
            "SELECT CAST(t.ticket_id AS SIGNED), COALESCE(t.number, CAST(t.ticket_id AS CHAR CHARACTER SET utf8mb4)), \
             CAST(t.user_id AS SIGNED), \
             CAST(t.staff_id AS SIGNED), CAST(t.dept_id AS SIGNED), CAST(s.state AS CHAR CHARACTER SET utf8mb4), \
             CAST(t.isanswered AS SIGNED), CAST(UNIX_TIMESTAMP(t.created) AS SIGNED), \
             CAST(UNIX_TIMESTAMP(t.updated) AS SIGNED), CAST(UNIX_TIMESTAMP(t.closed) AS SIGNED), \
             c.subject, CAST(p.priority_urgency AS SIGNED) \
             FROM {p}ticket t LEFT JOIN {p}ticket_status s ON s.id = t.status_id \
             LEFT JOIN {p}ticket__cdata c ON c.ticket_id = t.ticket_id \
             LEFT JOIN {p}ticket_priority p ON p.priority_id = c.priority \
             WHERE t.ticket_id > ? AND (s.state IS NULL OR s.state <> 'deleted') \
             ORDER BY t.ticket_id LIMIT ?",
        ))
        .bind(self.after)
        .bind(n as i64)
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(Vec::new());
        };
        let (first, last) = (first.0, last.0);
        self.after = last;
        let entries: Vec<EntryRow> = sqlx::query_as(&self.sql(
            "SELECT CAST(th.object_id AS SIGNED), CAST(e.id AS SIGNED), CAST(e.type AS CHAR CHARACTER SET utf8mb4), \
             CAST(e.staff_id AS SIGNED), CAST(e.user_id AS SIGNED), e.body, \
             CAST(e.format AS CHAR CHARACTER SET utf8mb4), CAST(UNIX_TIMESTAMP(e.created) AS SIGNED) \
             FROM {p}thread th JOIN {p}thread_entry e ON e.thread_id = th.id \
             WHERE th.object_type = 'T' AND th.object_id BETWEEN ? AND ? ORDER BY e.id",
        ))
        .bind(first)
        .bind(last)
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        let files: Vec<(i64, i64, String, String, String)> = sqlx::query_as(&self.sql(
            "SELECT CAST(a.object_id AS SIGNED), CAST(f.id AS SIGNED), COALESCE(a.name, f.name), \
             CAST(f.bk AS CHAR CHARACTER SET utf8mb4), CAST(f.`key` AS CHAR CHARACTER SET utf8mb4) \
             FROM {p}attachment a JOIN {p}file f ON f.id = a.file_id \
             JOIN {p}thread_entry e ON e.id = a.object_id JOIN {p}thread th ON th.id = e.thread_id \
             WHERE a.type = 'H' AND th.object_type = 'T' AND th.object_id BETWEEN ? AND ? \
             ORDER BY a.id",
        ))
        .bind(first)
        .bind(last)
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        let mut files_of: BTreeMap<i64, Vec<File>> = BTreeMap::new();
        for (entry, file, name, backend, key) in files {
            // "F": osTicket's filesystem storage; anything else is read from the database.
            let path = match backend.as_str() {
                "F" => format!("ost_fs:{key}"),
                _ => format!("ost_file:{file}"),
            };
            files_of.entry(entry).or_default().push(File { name, path });
        }
        let mut thread_of: BTreeMap<i64, Vec<EntryRow>> = BTreeMap::new();
        for entry in entries {
            thread_of.entry(entry.0).or_default().push(entry);
        }
        let mut tickets = Vec::with_capacity(rows.len());
        for row in rows {
            let (id, number, user, staff, dept, state) = (row.0, row.1, row.2, row.3, row.4, row.5);
            let operator = self.staff.contains(&staff).then_some(staff);
            let status = match (state.as_deref(), operator, row.6 != 0) {
                (Some("closed" | "archived"), _, _) => Status::Closed,
                (_, None, _) => Status::Open,
                (_, Some(_), true) => Status::ReturnedToClient,
                (_, Some(_), false) => Status::InProgress,
            };
            let created = time(row.7).unwrap_or(Timestamp::UNIX_EPOCH);
            let mut ticket = Ticket {
                id: number,
                subject: row.10.unwrap_or_default(),
                description: String::new(),
                category: (dept > 0).then(|| format!("dept:{dept}")),
                priority: match row.11 {
                    Some(1) => Priority::Critical,
                    Some(2) => Priority::High,
                    Some(4) => Priority::Low,
                    _ => Priority::Normal,
                },
                status,
                client: format!("user:{user}"),
                operator: operator.map(|s| format!("staff:{s}")),
                created_at: created,
                updated_at: time(row.8),
                closed_at: time(row.9),
                files: Vec::new(),
                messages: Vec::new(),
                ratings: Vec::new(),
            };
            // Staff who left osTicket: their words are kept, said by the ticket's agent or the
            // first staff member.
            let fallback = operator.or(self.staff.first().copied());
            for (_, entry, kind, staff, user, body, format, at) in
                thread_of.remove(&id).unwrap_or_default()
            {
                let text = match format.as_str() {
                    "html" => text_of_html(body.as_deref().unwrap_or("")),
                    _ => body.unwrap_or_default(),
                };
                let files = files_of.remove(&entry).unwrap_or_default();
                if kind == "M" && ticket.description.is_empty() && ticket.messages.is_empty() {
                    ticket.description = text;
                    ticket.files = files;
                    continue;
                }
                let author = match kind.as_str() {
                    "M" if self.users.contains(&user) => format!("user:{user}"),
                    "M" => ticket.client.clone(),
                    _ => match self.staff.contains(&staff).then_some(staff).or(fallback) {
                        Some(s) => format!("staff:{s}"),
                        None => ticket.client.clone(),
                    },
                };
                ticket.messages.push(Message {
                    author,
                    body: text,
                    internal: kind == "N",
                    at: time(at).unwrap_or(created),
                    files,
                });
            }
            tickets.push(ticket);
        }
        Ok(tickets)
    }

    async fn file(&mut self, path: &str) -> Result<Option<Vec<u8>>, ImportError> {
        if let Some(key) = path.strip_prefix("ost_fs:") {
            return read_upload(self.uploads.as_deref(), key).await;
        }
        let Some(id) = path
            .strip_prefix("ost_file:")
            .and_then(|id| id.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        let chunks: Vec<Vec<u8>> = sqlx::query_scalar(
            &self.sql("SELECT filedata FROM {p}file_chunk WHERE file_id = ? ORDER BY chunk_id"),
        )
        .bind(id)
        .fetch_all(&mut self.conn)
        .await
        .map_err(failed)?;
        Ok((!chunks.is_empty()).then(|| chunks.concat()))
    }
}

/// A file of osTicket's filesystem storage: `<uploads>/<first letter of the key>/<key>`; `None`
/// without the folder, for a key that is not one, or when the file is not there.
async fn read_upload(uploads: Option<&Path>, key: &str) -> Result<Option<Vec<u8>>, ImportError> {
    let fine = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='));
    let (Some(uploads), Some(first), true) = (uploads, key.chars().next(), fine) else {
        return Ok(None);
    };
    let path = uploads.join(first.to_string()).join(key);
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ImportError::Source(format!("{}: {e}", path.display()))),
    }
}

/// osTicket's HTML as plain text: paragraphs and line breaks kept, list items marked, every
/// other tag dropped (scripts and styles with their content), entities decoded.
pub fn text_of_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&decode(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        rest = &rest[start + end + 1..];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let close = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(at) => &rest[at..],
                None => "",
            };
            continue;
        }
        match (name.as_str(), tag.starts_with('/')) {
            ("br", _) => out.push('\n'),
            ("li", false) => out.push_str("\n- "),
            ("p" | "div" | "tr" | "blockquote" | "ul" | "ol" | "table", _)
            | ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => out.push_str("\n\n"),
            _ => {}
        }
    }
    out.push_str(&decode(rest));
    // At most one empty line in a row, no spaces at the ends of lines.
    let mut text = String::with_capacity(out.len());
    let mut empty = 0;
    for line in out.lines().map(str::trim_end) {
        empty = if line.trim().is_empty() { empty + 1 } else { 0 };
        if empty <= 1 {
            text.push_str(line);
            text.push('\n');
        }
    }
    text.trim().to_string()
}

/// HTML entities in a run of text.
fn decode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|n| n.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::text_of_html;

    #[test]
    fn html_bodies_read_as_their_text() {
        let html =
            "<p>Dear support,</p><p>the VPN &amp; mail are <b>down</b> since 8:00&nbsp;h.<br />\
                    Steps:</p><ul><li>reboot</li><li>pray</li></ul>\
                    <script>alert(1)</script><style>p{}</style><p>&#268;ekam &#x17E;urno &lt;3</p>";
        assert_eq!(
            text_of_html(html),
            "Dear support,\n\nthe VPN & mail are down since 8:00 h.\nSteps:\n\n- reboot\n- pray\n\nČekam žurno <3"
        );
        assert_eq!(text_of_html("a & b &unknown; c <"), "a & b &unknown; c <");
    }
}
