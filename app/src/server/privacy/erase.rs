//! Erasing one client: irreversible, in one transaction, then their files off the disk.
//!
//! - **Their account** stays as a row (tickets and the statistics point at it) with its name,
//!   username, e-mail and password replaced and disabled; their sessions, second factor,
//!   recovery codes, API tokens, idempotency keys, sign-in failures, searches, feedback comments, queued
//!   e-mail and received mail go.
//! - **Their files** — every file on their tickets, internal ones too, and their pending
//!   uploads — are deleted; a ticket's file rows stay, named `[erased]`, so the history holds.
//! - **Their tickets** stay, with their status, times, category, priority, operator and
//!   facts, so every figure is unchanged. With `keep_texts` off, the subject, description,
//!   every message and note and every reason written on them become `[erased]` and leave the
//!   search index; with it on, those texts stay (the admin judged them free of personal data).
//!   Their own words in ratings go either way.
//! - **The audit log** keeps every act: where they acted or tried to sign in as themselves,
//!   their name and address become `[erased]`, and so does the detail of each act done to their
//!   account (`Action::ON_ACCOUNTS`, which names it) and of test e-mail sent to their address —
//!   exact matches, never a neighbour whose name contains theirs. The append-only triggers allow
//!   exactly that change and no other (migration 0028).

use super::ERASED;
use crate::audit::Action;
use crate::dto::{Erased, Role};
use crate::error::{AppError, Field, Problem};
use crate::server::AppState;
use crate::tickets::Status;

/// Erases client `client_id`: `confirm` must be their username (the second confirmation, typed
/// by the admin). Refused, changing nothing, for someone who is not a client (`NotFound`), a
/// wrong confirmation, or a client with a ticket not closed yet.
pub async fn erase(
    state: &AppState,
    client_id: i64,
    confirm: &str,
    keep_texts: bool,
) -> Result<Erased, AppError> {
    let person: (String, Option<String>) =
        sqlx::query_as("SELECT username, email FROM users WHERE id = $1 AND role = $2")
            .bind(client_id)
            .bind(Role::Client.as_str())
            .fetch_optional(&state.db.pool)
            .await?
            .ok_or(AppError::NotFound)?;
    let (username, email) = person;
    if confirm.trim() != username {
        return Err(AppError::invalid(Field::Confirmation, Problem::Wrong));
    }
    let now = state.clock.now_ms();
    let (erased, stored) = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let open: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM tickets WHERE client_id = $1 AND status <> $2",
                )
                .bind(client_id)
                .bind(Status::Closed.as_str())
                .fetch_one(&mut *conn)
                .await?;
                if open > 0 {
                    return Err(AppError::invalid(Field::Client, Problem::StillOpen));
                }
                let tickets: Vec<i64> =
                    sqlx::query_scalar("SELECT id FROM tickets WHERE client_id = $1")
                        .bind(client_id)
                        .fetch_all(&mut *conn)
                        .await?;
                let mut stored = erase_tickets(conn, &tickets, keep_texts, now).await?;
                stored.extend(
                    sqlx::query_scalar::<_, String>(
                        "SELECT storage_name FROM attachments WHERE uploader_id = $1 \
                         AND ticket_id IS NULL AND article_id IS NULL",
                    )
                    .bind(client_id)
                    .fetch_all(&mut *conn)
                    .await?,
                );
                let statements = [
                    "DELETE FROM attachments WHERE uploader_id = $1 AND ticket_id IS NULL \
                     AND article_id IS NULL"
                        .to_string(),
                    format!(
                        "UPDATE users SET username = 'erased-' || id, full_name = '{ERASED}', \
                         email = NULL, password_hash = '!', disabled = 1, mail_muted = '', \
                         otp_expires_at = NULL, updated_at = {now} WHERE id = $1"
                    ),
                    "DELETE FROM sessions WHERE user_id = $1".to_string(),
                    "DELETE FROM second_factors WHERE user_id = $1".to_string(),
                    "DELETE FROM recovery_codes WHERE user_id = $1".to_string(),
                    "DELETE FROM api_tokens WHERE account_id = $1 OR created_by = $1".to_string(),
                    "DELETE FROM request_keys WHERE user_id = $1".to_string(),
                    "DELETE FROM kb_searches WHERE user_id = $1".to_string(),
                    "UPDATE kb_feedback SET comment = NULL WHERE user_id = $1".to_string(),
                    "DELETE FROM outbox WHERE recipient_id = $1".to_string(),
                    format!(
                        "UPDATE audit_log SET actor = '{ERASED}', address = '{ERASED}' \
                         WHERE actor_id = $1"
                    ),
                ];
                for statement in &statements {
                    sqlx::query(statement)
                        .bind(client_id)
                        .execute(&mut *conn)
                        .await?;
                }
                // Their sign-in name in failed attempts, the acts done to their account (whose
                // detail names it), test e-mail sent to them and mail they sent: exact matches,
                // so a neighbour's name that merely contains theirs is left alone.
                sqlx::query("DELETE FROM signin_failures WHERE username = $1")
                    .bind(&username)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(&format!(
                    "UPDATE audit_log SET actor = '{ERASED}', address = '{ERASED}' \
                     WHERE actor_id IS NULL AND actor = $1"
                ))
                .bind(&username)
                .execute(&mut *conn)
                .await?;
                let on_account = Action::ON_ACCOUNTS
                    .iter()
                    .map(|a| format!("'{}'", a.code()))
                    .collect::<Vec<_>>()
                    .join(", ");
                sqlx::query(&format!(
                    "UPDATE audit_log SET detail = '{ERASED}' \
                     WHERE target_id = $1 AND action IN ({on_account})"
                ))
                .bind(client_id)
                .execute(&mut *conn)
                .await?;
                if let Some(email) = email {
                    sqlx::query(&format!(
                        "UPDATE audit_log SET detail = '{ERASED}' WHERE action = '{}' AND detail = $1",
                        Action::TestMailSent.code()
                    ))
                    .bind(&email)
                    .execute(&mut *conn)
                    .await?;
                    sqlx::query("DELETE FROM mail_in WHERE lower(from_address) = lower($1)")
                        .bind(&email)
                        .execute(&mut *conn)
                        .await?;
                }
                let erased = Erased {
                    tickets: tickets.len() as i64,
                    files: stored.len() as i64,
                };
                Ok((erased, stored))
            })
        })
        .await?;
    remove_files(state, stored).await;
    Ok(erased)
}

/// Erases what tickets `ids` hold of people, keeping the tickets: their files (the rows stay,
/// named `[erased]`, for the history), the client's words in ratings, mail received on them,
/// and — unless `keep_texts` — the subject, description, every message and note and every
/// reason written on them, and their place in the search index. Marks them erased at `now`.
/// The storage names of the files, to delete once this has committed.
pub(super) async fn erase_tickets(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
    keep_texts: bool,
    now: i64,
) -> Result<Vec<String>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let these = format!("({list})");
    let stored: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT storage_name FROM attachments WHERE ticket_id IN {these} \
         AND storage_name NOT LIKE 'erased-%'"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let mut statements = vec![
        format!(
            "UPDATE attachments SET name = '{ERASED}', size = 0, \
             storage_name = 'erased-' || id WHERE ticket_id IN {these}"
        ),
        format!(
            "UPDATE ticket_events SET to_value = '{ERASED}' \
             WHERE kind = 'attachment' AND ticket_id IN {these}"
        ),
        format!(
            "UPDATE ticket_events SET reason = '{ERASED}' WHERE kind = 'rated' \
             AND reason IS NOT NULL AND ticket_id IN {these}"
        ),
        format!("DELETE FROM mail_in WHERE ticket_id IN {these}"),
        // Webhook deliveries carry the ticket's texts: gone, sent or not.
        format!(
            "DELETE FROM webhook_attempts WHERE delivery_id IN \
             (SELECT id FROM webhook_deliveries WHERE ticket_id IN {these})"
        ),
        format!("DELETE FROM webhook_deliveries WHERE ticket_id IN {these}"),
        format!("UPDATE tickets SET erased_at = {now} WHERE id IN {these}"),
    ];
    if !keep_texts {
        statements.extend([
            format!(
                "UPDATE tickets SET subject = '{ERASED}', description = '{ERASED}' \
                 WHERE id IN {these}"
            ),
            format!("UPDATE messages SET body = '{ERASED}' WHERE ticket_id IN {these}"),
            format!("DELETE FROM ticket_text WHERE ticket_id IN {these}"),
            format!(
                "UPDATE ticket_events SET reason = '{ERASED}' WHERE reason IS NOT NULL \
                 AND kind IN ('status', 'forced', 'escalated') AND ticket_id IN {these}"
            ),
        ]);
    }
    for statement in &statements {
        sqlx::query(statement).execute(&mut *conn).await?;
    }
    Ok(stored)
}

/// Deletes erased files from the disk, once no row points at them any more.
pub(super) async fn remove_files(state: &AppState, stored: Vec<String>) {
    for name in stored {
        let _ = tokio::fs::remove_file(state.config.files_dir.join(name)).await;
    }
}
