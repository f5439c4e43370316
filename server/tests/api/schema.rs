//! The two migration folders describe one schema: after migrating a fresh SQLite and a fresh
//! PostgreSQL database, their tables, columns, types (mapped), nullability, indexes and triggers
//! match — except the full-text search table, which is each database's own by design
//! (ARCHITECTURE.md, "One data layer for two databases").

use crate::common::{fresh_database, Backend};
use app::server::Db;
use std::collections::BTreeSet;

/// Where the schemas differ on purpose: FTS5 on SQLite (a virtual table and its shadow tables),
/// a `tsvector` column with a GIN index on PostgreSQL; and each database's own bookkeeping.
fn by_design(table: &str) -> bool {
    table.starts_with("ticket_text")
        || table.starts_with("kb_search")
        || table == "_sqlx_migrations"
        || table == "sqlite_sequence"
}

/// `table.column type null|not null`, `index table.name`, `trigger table timing event`.
async fn shape(backend: Backend) -> BTreeSet<String> {
    let (url, _guard) = fresh_database(backend).await;
    let db = Db::open(&url).await.expect("migrate");
    let pool = &db.pool;
    let mut shape = BTreeSet::new();
    match backend {
        Backend::Sqlite => {
            let tables: Vec<(String,)> =
                sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            for (table,) in tables.into_iter().filter(|(t,)| !by_design(t)) {
                let columns: Vec<(String, String, i64, i64)> = sqlx::query_as(&format!(
                    "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"
                ))
                .fetch_all(pool)
                .await
                .unwrap();
                for (name, kind, not_null, pk) in columns {
                    let null = if not_null == 1 || pk > 0 {
                        "not null"
                    } else {
                        "null"
                    };
                    let kind = match kind.as_str() {
                        "INTEGER" => "integer",
                        "TEXT" => "text",
                        "BLOB" => "bytes",
                        other => other,
                    };
                    shape.insert(format!("{table}.{name} {kind} {null}"));
                }
            }
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, name) in indexes.into_iter().filter(|(t, _)| !by_design(t)) {
                shape.insert(format!("index {table}.{name}"));
            }
            let triggers: Vec<(String, String)> =
                sqlx::query_as("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            for (table, sql) in triggers {
                let words: Vec<String> = sql
                    .split_whitespace()
                    .map(|w| w.to_ascii_uppercase())
                    .collect();
                let at = words
                    .iter()
                    .position(|w| w == "BEFORE" || w == "AFTER")
                    .expect("a trigger's timing");
                shape.insert(format!(
                    "trigger {table} {} {}",
                    words[at].to_lowercase(),
                    words[at + 1].to_lowercase()
                ));
            }
        }
        Backend::Postgres => {
            let columns: Vec<(String, String, String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
                 FROM information_schema.columns WHERE table_schema = 'public'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, name, kind, nullable) in columns {
                if by_design(&table) {
                    continue;
                }
                let kind = match kind.as_str() {
                    "bigint" => "integer",
                    "text" => "text",
                    "bytea" => "bytes",
                    other => other,
                };
                let null = if nullable == "YES" {
                    "null"
                } else {
                    "not null"
                };
                shape.insert(format!("{table}.{name} {kind} {null}"));
            }
            // Indexes of our own, not those PostgreSQL makes for a key or a UNIQUE constraint
            // (SQLite's own for those are left out above too).
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT tablename::text, indexname::text FROM pg_indexes \
                 WHERE schemaname = 'public' \
                 AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, name) in indexes.into_iter().filter(|(t, _)| !by_design(t)) {
                shape.insert(format!("index {table}.{name}"));
            }
            let triggers: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT event_object_table::text, action_timing::text, \
                 event_manipulation::text FROM information_schema.triggers \
                 WHERE trigger_schema = 'public'",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for (table, timing, event) in triggers {
                shape.insert(format!(
                    "trigger {table} {} {}",
                    timing.to_lowercase(),
                    event.to_lowercase()
                ));
            }
        }
    }
    db.pool.close().await;
    shape
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_databases_have_one_schema() {
    let sqlite = shape(Backend::Sqlite).await;
    let postgres = shape(Backend::Postgres).await;
    assert!(
        sqlite.iter().any(|l| l.starts_with("tickets.status"))
            && sqlite
                .iter()
                .any(|l| l.starts_with("trigger ticket_events")),
        "the schema was read: {sqlite:#?}"
    );
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migration folders disagree\nonly on SQLite: {only_sqlite:#?}\nonly on PostgreSQL: \
         {only_postgres:#?}"
    );
}
