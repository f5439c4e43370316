//! Šalter's integration tests, one binary (so the workspace links the server once for them):
//! each module a domain, every database test on SQLite and on PostgreSQL through the harness in
//! `common`. `TEST_LOG=1 cargo test -p server --test api` shows the server's tracing output
//! (`TEST_LOG=debug` or any `EnvFilter` for more).

#[macro_use]
mod common;

mod accounts;
mod assignment;
mod attachments;
mod audit;
mod auth;
mod calls;
mod canned;
mod chat;
mod cli;
mod edge;
mod history;
mod input;
mod kb;
mod layout;
mod live;
mod mail;
mod mail_in;
mod moving;
mod multiprocess;
mod osticket;
mod privacy;
mod reliability;
mod rest;
mod satisfaction;
mod schema;
mod site;
mod sla;
mod solutions;
mod stats;
mod tickets;
mod two_factor;
mod webhooks;
