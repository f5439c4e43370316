//! Several `salter` processes on one PostgreSQL, as behind a load balancer: a session made on
//! one process works on the other, and tickets arriving through both at once are shared out
//! under the fair-assignment rule as if one process served them all — nobody over capacity,
//! no ticket assigned twice, nothing left waiting while someone has room.

use crate::common::{
    fresh_database, new_ticket, test_config, Backend, Browser, DbGuard, Process, TestApp,
};
use std::time::{Duration, Instant};

/// How many active (assigned or started) tickets each operator holds, and how many wait.
async fn floor(pool: &sqlx::PgPool) -> (Vec<i64>, i64) {
    let loads: Vec<i64> = sqlx::query_scalar(
        "SELECT count(*) FROM tickets WHERE status IN ('assigned', 'in_progress') \
         GROUP BY operator_id ORDER BY operator_id",
    )
    .fetch_all(pool)
    .await
    .expect("loads");
    let waiting: i64 = sqlx::query_scalar("SELECT count(*) FROM tickets WHERE status = 'open'")
        .fetch_one(pool)
        .await
        .expect("waiting");
    (loads, waiting)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgresql_share_the_work_fairly() {
    let (url, _guard) = fresh_database(Backend::Postgres).await;
    let files = tempfile::tempdir().expect("shared files directory");
    let (client_name, operators) = {
        let app = TestApp::spawn_on(&url, DbGuard::Kept, test_config()).await;
        let admin = app.admin().await;
        let (_, client) = app.user(&admin, "Lejla Hasić", "client").await;
        let (_, first) = app.user(&admin, "Amra Delić", "operator").await;
        let (_, second) = app.user(&admin, "Haris Mujić", "operator").await;
        app.stop().await;
        (client, [first, second])
    };
    let a = Process::start(&url, files.path());
    let b = Process::start(&url, files.path());

    // One operator on each process, on duty (signed in and active).
    for (operator, process) in operators.iter().zip([&a, &b]) {
        let op = Browser::new(&process.base);
        op.sign_in_ok(operator, crate::common::USER_PASSWORD, "operator")
            .await;
        let (status, duty) = op.call("assignment/my_duty", serde_json::json!({})).await;
        assert_eq!(status, 200, "{duty}");
    }
    // The client signs in on one process; the same session works on the other.
    let on_a = Browser::new(&a.base);
    on_a.sign_in_ok(&client_name, crate::common::USER_PASSWORD, "client")
        .await;
    let on_b = on_a.on(&b.base);
    let (status, me) = on_b.me().await;
    assert_eq!(
        (status, me["username"].as_str()),
        (200, Some(client_name.as_str()))
    );

    // 30 tickets at once, half through each process: capacity 10 each, so 20 are assigned.
    let creations: Vec<_> = (0..30)
        .map(|i| {
            let via = if i % 2 == 0 { &on_a } else { &on_b };
            let browser = via.on(&via.base);
            tokio::spawn(async move {
                browser
                    .call(
                        "tickets/create",
                        new_ticket(&format!("Ticket {i}"), &format!("mp-{i}")),
                    )
                    .await
            })
        })
        .collect();
    for creation in creations {
        let (status, body) = creation.await.expect("creation");
        assert_eq!(status, 200, "{body}");
    }

    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    let deadline = Instant::now() + Duration::from_secs(40);
    loop {
        let (loads, waiting) = floor(&pool).await;
        if loads == [10, 10] && waiting == 10 {
            break;
        }
        assert!(loads.iter().all(|&l| l <= 10), "over capacity: {loads:?}");
        assert!(
            Instant::now() < deadline,
            "not shared out: {loads:?}, {waiting} waiting"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let twice: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT ticket_id FROM ticket_events WHERE kind = 'assigned' \
         GROUP BY ticket_id HAVING count(*) > 1) x",
    )
    .fetch_one(&pool)
    .await
    .expect("assignments per ticket");
    assert_eq!(twice, 0, "a ticket assigned twice");
    pool.close().await;
    for process in [a, b] {
        tokio::task::spawn_blocking(move || process.kill())
            .await
            .expect("kill");
    }
}
