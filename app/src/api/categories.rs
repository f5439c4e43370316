//! Ticket categories: an admin-managed list the client picks from.

use crate::dto::{Category, CategoryInput};
use crate::error::AppError;
use leptos::server;
use server_fn::codec::Json;

/// Active categories for clients and operators; all of them, deactivated too, for admins.
#[server(prefix = "/api", endpoint = "categories/list", input = Json)]
pub async fn list_categories() -> Result<Vec<Category>, AppError> {
    use crate::server::{access::Policy, categories, gateway};
    gateway::run(Policy::AnyRole, |caller| async move {
        categories::list(&caller.state, caller.session()?).await
    })
    .await
}

/// Creates a category (no `id`) or renames and (de)activates one; the whole list comes back.
#[server(prefix = "/api", endpoint = "categories/save", input = Json)]
pub async fn save_category(input: CategoryInput) -> Result<Vec<Category>, AppError> {
    use crate::dto::Role;
    use crate::server::{access::Policy, categories, gateway};
    gateway::run(Policy::Role(Role::Admin), |caller| async move {
        categories::save(&caller.state, caller.session()?, &input).await
    })
    .await
}
