//! Ticket categories: an admin-managed list the client picks from.

use crate::dto::{Category, CategoryInput};

endpoint! {
    /// Active categories for clients and operators; all of them, deactivated too, for admins.
    "categories/list" for AnyRole => pub async fn list_categories() -> Vec<Category> |caller| {
        use crate::server::categories;
        categories::list(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Creates a category (no `id`) or renames and (de)activates one; the whole list comes back.
    "categories/save" for Admin => pub async fn save_category(input: CategoryInput) -> Vec<Category> |caller| {
        use crate::server::categories;
        let list = categories::save(&caller.state, caller.session()?, &input).await?;
        let saved = list.iter().find(|c| Some(c.id) == input.id || c.name == input.name.trim());
        let target = saved.map(|c| c.id);
        caller.audit(crate::audit::Action::CategorySaved, target, input.name.trim()).await?;
        Ok(list)
    }
}
