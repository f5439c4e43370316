//! Ticket categories: an admin-managed list the client picks from.

use crate::dto::{Category, CategoryInput};

endpoint! {
    /// Active categories for clients and operators; all of them, deactivated too, for admins.
    "categories/list" => pub async fn list_categories() -> Vec<Category> {
        use crate::server::{access::Policy, categories, gateway};
        gateway::run(Policy::AnyRole, |caller| async move {
            categories::list(&caller.state, caller.session()?).await
        })
        .await
    }
}

endpoint! {
    /// Creates a category (no `id`) or renames and (de)activates one; the whole list comes back.
    "categories/save" => pub async fn save_category(input: CategoryInput) -> Vec<Category> {
        use crate::dto::Role;
        use crate::server::{access::Policy, categories, gateway};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            categories::save(&caller.state, caller.session()?, &input).await
        })
        .await
    }
}
