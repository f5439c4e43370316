//! Ticket categories: created, renamed and deactivated by admins, never deleted (tickets keep
//! pointing at them); clients choose among the active ones.

use super::auth::Session;
use super::db::flag;
use super::input::clean_line;
use super::AppState;
use crate::dto::limits::CATEGORY_MAX;
use crate::dto::{Category, CategoryInput, Role};
use crate::error::{AppError, Field, Problem};

#[derive(sqlx::FromRow)]
struct CategoryRow {
    id: i64,
    name: String,
    active: i64,
    restricted: i64,
}

pub async fn list(state: &AppState, session: &Session) -> Result<Vec<Category>, AppError> {
    let all = session.user.role()? == Role::Admin;
    let rows: Vec<CategoryRow> = sqlx::query_as(
        "SELECT id, name, active, restricted FROM categories WHERE $1 = 1 OR active = 1 \
         ORDER BY name",
    )
    .bind(i64::from(all))
    .fetch_all(&state.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Category {
            id: r.id,
            name: r.name,
            active: flag(r.active),
            restricted: flag(r.restricted),
        })
        .collect())
}

/// The category named `name`, whatever its case (names are unique that way).
pub(crate) async fn named<'c, E>(conn: E, name: &str) -> Result<Option<i64>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query_scalar("SELECT id FROM categories WHERE lower(name) = lower($1)")
        .bind(name)
        .fetch_optional(conn)
        .await
}

pub async fn save(
    state: &AppState,
    session: &Session,
    input: &CategoryInput,
) -> Result<Vec<Category>, AppError> {
    let name = clean_line(Field::Category, &input.name, CATEGORY_MAX)?;
    let taken = named(&state.db.pool, &name).await?;
    if taken.is_some_and(|id| Some(id) != input.id) {
        return Err(AppError::invalid(Field::Category, Problem::Taken));
    }
    let (active, restricted, id) = (
        i64::from(input.active),
        i64::from(input.restricted),
        input.id,
    );
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let changed =
                    match id {
                        None => sqlx::query(
                            "INSERT INTO categories (name, active, restricted) VALUES ($1, $2, $3)",
                        )
                        .bind(name)
                        .bind(active)
                        .bind(restricted)
                        .execute(&mut *conn)
                        .await?,
                        Some(id) => {
                            sqlx::query(
                                "UPDATE categories SET name = $1, active = $2, restricted = $3 \
                             WHERE id = $4",
                            )
                            .bind(name)
                            .bind(active)
                            .bind(restricted)
                            .bind(id)
                            .execute(&mut *conn)
                            .await?
                        }
                    };
                match changed.rows_affected() {
                    1 => Ok(()),
                    _ => Err(AppError::NotFound),
                }
            })
        })
        .await?;
    state.wake_assignment();
    list(state, session).await
}
