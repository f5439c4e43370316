//! Mail held for an admin (`incoming` could not tell whose it is): listed, accepted — a ticket
//! for its sender, with a client account made the usual way when the address has none — or
//! dropped. Either choice is made once; the message's bytes go with it.

use super::incoming::{self, as_sender, Incoming, Outcome};
use crate::dto::{AcceptedMail, Held, HeldMail, NewAccount, Role};
use crate::error::{AppError, Field, Problem};
use crate::server::{accounts, AppState};
use base64::Engine;

#[derive(sqlx::FromRow)]
struct HeldRow {
    id: i64,
    from_address: String,
    from_name: Option<String>,
    subject: String,
    excerpt: String,
    held_why: Option<String>,
    received_at: i64,
}

/// The held mail, newest first.
pub async fn list(state: &AppState) -> Result<Vec<HeldMail>, AppError> {
    let rows: Vec<HeldRow> = sqlx::query_as(
        "SELECT id, from_address, from_name, subject, excerpt, held_why, received_at \
         FROM mail_in WHERE outcome = 'held' ORDER BY received_at DESC, id DESC LIMIT 200",
    )
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HeldMail {
            id: r.id,
            from_address: r.from_address,
            from_name: r.from_name,
            subject: r.subject,
            excerpt: r.excerpt,
            why: r
                .held_why
                .as_deref()
                .and_then(Held::parse)
                .unwrap_or(Held::Unreadable),
            received_at: r.received_at,
        })
        .collect())
}

/// The held message `id`, read again from its bytes.
async fn held(state: &AppState, id: i64) -> Result<Incoming, AppError> {
    let raw: Option<Option<String>> =
        sqlx::query_scalar("SELECT raw FROM mail_in WHERE id = $1 AND outcome = 'held'")
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await?;
    let raw = raw.flatten().ok_or(AppError::NotFound)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw)
        .map_err(|_| AppError::Internal)?;
    Incoming::read(&bytes).ok_or(AppError::Internal)
}

/// Opens a ticket from held mail for the client with its sender's address — made first, named
/// `full_name`, when there is none. Staff's addresses stay theirs: their mail is only dropped.
pub async fn accept(state: &AppState, id: i64, full_name: &str) -> Result<AcceptedMail, AppError> {
    let mail = held(state, id).await?;
    let people = incoming::people_at(state, &mail.from).await?;
    let client = people
        .iter()
        .find(|u| u.role() == Ok(Role::Client))
        .cloned();
    let (client, new_account) = match client {
        Some(client) => (client, None),
        None if !people.is_empty() => return Err(AppError::invalid(Field::Email, Problem::Taken)),
        None => {
            let issued = accounts::create(
                state,
                &NewAccount {
                    full_name: full_name.to_string(),
                    email: Some(mail.from.clone()),
                    role: Role::Client,
                },
            )
            .await?;
            let client = incoming::people_at(state, &mail.from)
                .await?
                .into_iter()
                .find(|u| u.id == issued.account.id)
                .ok_or(AppError::Internal)?;
            (client, Some(issued))
        }
    };
    let Outcome::Opened(ticket) = incoming::open(state, &as_sender(&client), &mail, None).await?
    else {
        return Err(AppError::invalid(Field::Text, Problem::Malformed));
    };
    decide(state, id, "accepted", Some(ticket)).await?;
    Ok(AcceptedMail {
        ticket_id: ticket,
        new_account,
    })
}

/// Drops held mail: nothing is made of it.
pub async fn drop(state: &AppState, id: i64) -> Result<(), AppError> {
    decide(state, id, "dropped", None).await
}

/// Records the admin's choice, once.
async fn decide(
    state: &AppState,
    id: i64,
    outcome: &'static str,
    ticket: Option<i64>,
) -> Result<(), AppError> {
    let changed = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                Ok(sqlx::query(
                    "UPDATE mail_in SET outcome = $2, ticket_id = $3, raw = NULL \
                     WHERE id = $1 AND outcome = 'held'",
                )
                .bind(id)
                .bind(outcome)
                .bind(ticket)
                .execute(&mut *conn)
                .await?
                .rows_affected())
            })
        })
        .await?;
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
