//! A client's data, on their request or the admin's: **exported** — their account, tickets,
//! the messages they can read (never internal notes), their files and ratings — as a zip of
//! JSON and files (`export`), and **erased** — their name, contact and sign-in data replaced by
//! a placeholder, their files deleted, the texts of their tickets removed or kept as the admin
//! chooses, the tickets themselves kept without a name so the statistics stay right (`erase`).
//!
//! **Retention** (`retention`): closed tickets past the admin's period lose their texts and
//! files the same way, by an hourly job, after a dry run showed how many it would take.
//!
//! **The privacy notice** (`notice`): the admin's text, linked from sign-in, accepted by each
//! client once per version, with the date kept.
//!
//! Who may: `access::client_data` (a client their own data, an admin anyone's), for the export
//! route and the erasure function alike.

mod erase;
mod export;
pub mod notice;
pub mod retention;

pub use erase::erase;
pub use export::{export, Export};

/// What stands where a person's data or words were.
pub const ERASED: &str = "[erased]";
