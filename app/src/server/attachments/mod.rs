//! Attachments: files on a ticket's thread, and pictures and files in knowledge-base articles.
//!
//! **Upload** (`POST /api/attachments?name=<file name>`, the file as the raw request body). The
//! caller is checked first (signed in, password replaced), then the declared length: an
//! over-size upload is refused before a byte of it is read. The body is then streamed to a
//! temporary file under `Config::files_dir` (never inside the served site), counted as it goes
//! and refused the moment it passes the limit. Its kind is decided by its content, never by its
//! name (`Kind::of`): PNG, JPEG, GIF, PDF and ZIP by their magic bytes, text when it is UTF-8
//! without NUL bytes and does not start like markup — so HTML and SVG are refused whatever they
//! are called. The file is flushed to disk and renamed to its random name (and the directory
//! flushed) *before* the row that points to it commits.
//!
//! The row starts **pending**: it belongs to its uploader and no ticket. A ticket creation, a
//! message or a move claims it (`claim`) in its own transaction, which writes the history row
//! too; from then on it is part of the ticket (an internal note's files are internal). Or an
//! article's saved text refers to it and it becomes the article's (`kb::files`).
//!
//! **Download** (`GET /api/attachments/<id>`): for whoever may see the ticket (`access::ticket`;
//! internal ones for staff only), for whoever may read an article's version that shows it
//! (`kb::files::may_fetch`), or for the uploader while pending; anyone else gets `404`.
//! Always `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, and a sandbox
//! CSP, so no file is ever rendered as a page of this origin.
//!
//! One file per reason to change: `sniff` (what a file is and what it is called — pure),
//! `store` (the file on disk and its row: upload, download, the sweep of abandoned uploads),
//! `claim` (files joining a ticket, and a ticket's files). The HTTP handlers are the server
//! crate's (`server/src/attachments.rs`): they find the caller through the gateway and call these.

mod claim;
pub mod keys;
pub mod seal;
mod sniff;
mod store;

pub use claim::{claim, of_ticket};
pub use sniff::{content_disposition, display_name, Kind};
pub use store::{keep_tidy, open, store, sweep, upload, Download, Stored, PENDING_FOR_MS};

/// At most this many files on one message.
pub const MAX_PER_MESSAGE: usize = 10;
