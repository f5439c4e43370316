//! A ticket's history written before events were typed reads as typed events: the migration
//! that turned the English reasons of assignments into codes, on both databases — and the log
//! is append-only again afterwards.

use crate::common::{fresh_database, Backend};
use app::events::{EventKind, Why};
use app::server::db::{backend_of, migrator};
use app::server::history::{EventRow, Reader, EVENT_COLUMNS};
use app::server::Db;
use sqlx::migrate::Migrator;
use std::borrow::Cow;

/// The first migration of typed events.
const TYPED_EVENTS: i64 = 8;

/// A history row as written before typed events: actor, kind, from, to, reason.
type OldRow = (
    Option<i64>,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
);

async fn reasons_written_as_text_become_codes(backend: Backend) {
    let (url, _guard) = fresh_database(backend).await;
    sqlx::any::install_default_drivers();
    let connect = match backend {
        Backend::Sqlite => format!("{url}?mode=rwc"),
        Backend::Postgres => url.clone(),
    };
    let pool = sqlx::AnyPool::connect(&connect).await.expect("connect");
    let all = migrator(backend_of(&url).expect("a database URL"));
    let before = Migrator {
        migrations: Cow::Owned(
            all.migrations
                .iter()
                .filter(|m| m.version < TYPED_EVENTS)
                .cloned()
                .collect(),
        ),
        ..Migrator::DEFAULT
    };
    before
        .run(&pool)
        .await
        .expect("the schema before typed events");
    let people = "INSERT INTO users (username, full_name, role, password_hash, created_at, \
                  updated_at) VALUES ('admin', 'Admin', 'admin', 'x', 0, 0), \
                  ('selma', 'Selma Dedić', 'operator', 'x', 0, 0), \
                  ('ana', 'Ana Kovač', 'client', 'x', 0, 0)";
    let ticket = "INSERT INTO tickets (subject, description, priority, status, client_id, \
                  operator_id, idempotency_key, request_hash, created_at, updated_at) \
                  VALUES ('Printer', 'It smokes.', 1, 'closed', 3, 2, 'k', 'h', 0, 0)";
    // As the server wrote them until now: (actor, kind, from, to, reason).
    let old: [OldRow; 6] = [
        (None, "assigned", None, Some("2"), "automatic:0/10:2"),
        (None, "assigned", Some("2"), None, "off-duty"),
        (Some(1), "assigned", None, Some("2"), "manual by admin"),
        (
            Some(3),
            "assigned",
            Some("2"),
            None,
            "its operator is no longer active: back to the queue",
        ),
        (
            Some(1),
            "assigned",
            None,
            Some("2"),
            "Training: skip the queue",
        ),
        (Some(1), "forced", Some("open"), Some("closed"), "Duplicate"),
    ];
    sqlx::query(people).execute(&pool).await.expect("people");
    sqlx::query(ticket).execute(&pool).await.expect("a ticket");
    for (actor, kind, from, to, reason) in old {
        sqlx::query(
            "INSERT INTO ticket_events (ticket_id, actor_id, at, kind, from_value, to_value, \
             reason) VALUES (1, $1, 0, $2, $3, $4, $5)",
        )
        .bind(actor)
        .bind(kind)
        .bind(from)
        .bind(to)
        .bind(reason)
        .execute(&pool)
        .await
        .expect("an old history row");
    }
    pool.close().await;

    let db = Db::open(&url).await.expect("migrate to typed events");
    let rows: Vec<EventRow> = sqlx::query_as(&format!(
        "SELECT {EVENT_COLUMNS} FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id \
         ORDER BY e.id"
    ))
    .fetch_all(&db.pool)
    .await
    .expect("the history");
    let read: Vec<EventKind> = rows
        .into_iter()
        .map(|row| row.into_event(Reader::Staff).expect("a typed event").what)
        .collect();
    let assigned = |from, to, why| EventKind::Assigned {
        from,
        to,
        to_name: None,
        why: Some(why),
    };
    assert_eq!(
        read,
        [
            assigned(
                None,
                Some(2),
                Why::Automatic {
                    load: 0,
                    capacity: 10,
                    on_duty: 2
                }
            ),
            assigned(Some(2), None, Why::OffDuty),
            assigned(None, Some(2), Why::Manual),
            assigned(Some(2), None, Why::OperatorGone),
            assigned(
                None,
                Some(2),
                Why::Forced("Training: skip the queue".into())
            ),
            EventKind::Forced {
                from: app::tickets::Status::Open,
                to: app::tickets::Status::Closed,
                reason: Some("Duplicate".into()),
            },
        ]
    );
    let rewrite = sqlx::query("UPDATE ticket_events SET reason = 'manual'")
        .execute(&db.pool)
        .await;
    assert!(rewrite.is_err(), "the history is append-only again");
}

crate::on_both_databases!(reasons_written_as_text_become_codes);
