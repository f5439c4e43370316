//! Šalter's shared crate: the types both sides speak (`dto`, `error`), the translation layer
//! (`i18n`), the server functions (`api`), and — per side — the business rules and SQL
//! (`server`, only with the `ssr` feature) or the shared UI (`ui`, only with `csr`).
//! See ARCHITECTURE.md for the map and the invariants.

pub mod api;
pub mod assignment;
pub mod audit;
pub mod canned;
#[cfg(feature = "csr")]
pub mod client;
pub mod codes;
pub mod dto;
pub mod error;
pub mod events;
pub mod i18n;
pub mod kb;
pub mod report;
pub mod roles;
#[cfg(feature = "ssr")]
pub mod server;
pub mod tickets;
pub mod tokens;
#[cfg(feature = "csr")]
pub mod ui;
pub mod webhooks;
