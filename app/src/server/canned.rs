//! Canned responses: answers staff keep to insert into a reply. Shared ones are the admins' to
//! write and every staff member's to use; personal ones are their owner's alone
//! (`access::canned`). Inserting one into a ticket's reply fills its placeholders for that
//! ticket (`crate::canned::fill`) and counts a use.

use super::access::{self, CannedUse};
use super::auth::Session;
use super::input::clean_text;
use super::ticket::ticket_row;
use super::AppState;
use crate::canned::{fill as fill_in, placeholders_known, shortcut, Values};
use crate::dto::limits::{SHORTCUT_MAX, TEXT_MAX};
use crate::dto::{Canned, CannedInput};
use crate::error::{AppError, Field, Problem};
use crate::i18n::{Lang, Msg};
use crate::tickets::reference;

#[derive(sqlx::FromRow)]
struct CannedRow {
    id: i64,
    owner_id: Option<i64>,
    name: String,
    body: String,
    uses: i64,
    last_used_at: Option<i64>,
}

impl From<CannedRow> for Canned {
    fn from(r: CannedRow) -> Canned {
        Canned {
            id: r.id,
            name: r.name,
            body: r.body,
            shared: r.owner_id.is_none(),
            uses: r.uses,
            last_used_at: r.last_used_at,
        }
    }
}

const COLUMNS: &str = "id, owner_id, name, body, uses, last_used_at";

/// The responses the caller may use: the shared ones and their own, by shortcut (their own
/// first where both have one).
pub async fn list(state: &AppState, session: &Session) -> Result<Vec<Canned>, AppError> {
    let rows: Vec<CannedRow> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM canned_responses WHERE owner_id IS NULL OR owner_id = $1 \
         ORDER BY name, COALESCE(owner_id, 0) DESC"
    ))
    .bind(session.user.id)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows.into_iter().map(Canned::from).collect())
}

/// One response, as the caller may deal with it (`access::canned`).
async fn one(
    state: &AppState,
    session: &Session,
    id: i64,
    what: CannedUse,
) -> Result<CannedRow, AppError> {
    let row: CannedRow = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM canned_responses WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    access::canned(session, row.owner_id, what)?;
    Ok(row)
}

/// Writes a new response (no `id`) or changes one; every response the caller may use. A
/// shortcut is letters, digits, `-` and `_`, unique among the shared ones and among each
/// person's own; the text may hold only the placeholders that are filled.
pub async fn save(
    state: &AppState,
    session: &Session,
    input: &CannedInput,
) -> Result<Vec<Canned>, AppError> {
    let name = match shortcut(&input.name) {
        Some(name) if name.chars().count() > SHORTCUT_MAX => {
            return Err(AppError::invalid(
                Field::Shortcut,
                Problem::TooLong { max: SHORTCUT_MAX },
            ))
        }
        Some(name) => name,
        None if input.name.trim().trim_start_matches('/').is_empty() => {
            return Err(AppError::invalid(Field::Shortcut, Problem::Required))
        }
        None => return Err(AppError::invalid(Field::Shortcut, Problem::Malformed)),
    };
    let body = clean_text(Field::Text, &input.body, TEXT_MAX)?;
    if !placeholders_known(&body) {
        return Err(AppError::invalid(Field::Text, Problem::Placeholder));
    }
    let me = session.user.id;
    let owner = (!input.shared).then_some(me);
    // Whose it becomes, and whose it was, both as the caller may change them.
    access::canned(session, owner, CannedUse::Change)?;
    if let Some(id) = input.id {
        one(state, session, id, CannedUse::Change).await?;
    }
    let (id, now) = (input.id, state.clock.now_ms());
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let taken: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM canned_responses WHERE COALESCE(owner_id, 0) = $1 AND name = $2",
                )
                .bind(owner.unwrap_or(0))
                .bind(&name)
                .fetch_optional(&mut *conn)
                .await?;
                if taken.is_some_and(|t| Some(t) != id) {
                    return Err(AppError::invalid(Field::Shortcut, Problem::Taken));
                }
                let done = match id {
                    None => sqlx::query(
                        "INSERT INTO canned_responses (owner_id, name, body, updated_by, updated_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(owner)
                    .bind(&name)
                    .bind(&body)
                    .bind(me)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?,
                    Some(id) => sqlx::query(
                        "UPDATE canned_responses SET owner_id = $1, name = $2, body = $3, \
                         updated_by = $4, updated_at = $5 WHERE id = $6",
                    )
                    .bind(owner)
                    .bind(&name)
                    .bind(&body)
                    .bind(me)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?,
                };
                if done.rows_affected() != 1 {
                    return Err(AppError::NotFound);
                }
                Ok(())
            })
        })
        .await?;
    list(state, session).await
}

/// Deletes a response; every one left that the caller may use.
pub async fn delete(state: &AppState, session: &Session, id: i64) -> Result<Vec<Canned>, AppError> {
    one(state, session, id, CannedUse::Change).await?;
    state
        .db
        .execute(sqlx::query("DELETE FROM canned_responses WHERE id = $1").bind(id))
        .await?;
    list(state, session).await
}

/// A response's text for a reply on a ticket the caller deals with, its placeholders filled —
/// the client's name, the ticket's reference, the caller's name, the company (in the client's
/// language when none is set) —, and one more use counted.
pub async fn fill(
    state: &AppState,
    session: &Session,
    id: i64,
    ticket_id: i64,
) -> Result<String, AppError> {
    let ticket = ticket_row(state, ticket_id).await?;
    access::ticket(session, &ticket)?;
    let body = one(state, session, id, CannedUse::Insert).await?.body;
    let (client_name, language): (String, Option<String>) =
        sqlx::query_as("SELECT full_name, language FROM users WHERE id = $1")
            .bind(ticket.client_id)
            .fetch_one(&state.db.pool)
            .await?;
    let lang = language
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or_default();
    let company_name = super::settings::public_info(state)
        .await?
        .company_name
        .unwrap_or_else(|| Msg::DefaultCompany.text(lang).to_string());
    let values = Values {
        client_name,
        ticket_ref: reference(ticket.id),
        operator_name: session.user.full_name.clone(),
        company_name,
    };
    let now = state.clock.now_ms();
    state
        .db
        .execute(
            sqlx::query(
                "UPDATE canned_responses SET uses = uses + 1, last_used_at = $1 WHERE id = $2",
            )
            .bind(now)
            .bind(id),
        )
        .await?;
    Ok(fill_in(&body, &values))
}
