//! Canned responses: answers staff insert into a reply, shared (the admins') or their own.

use crate::dto::{Canned, CannedInput};

endpoint! {
    /// The shared responses and the caller's own, by shortcut.
    "canned/list" for Staff => pub async fn list_canned() -> Vec<Canned> |caller| {
        use crate::server::canned;
        canned::list(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Writes a response (no `id`) or changes one — shared ones only admins —; the list comes
    /// back.
    "canned/save" for Staff => pub async fn save_canned(input: CannedInput) -> Vec<Canned> |caller| {
        use crate::server::canned;
        canned::save(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// Deletes a response the caller may change; the list comes back.
    "canned/delete" for Staff => pub async fn delete_canned(id: i64) -> Vec<Canned> |caller| {
        use crate::server::canned;
        canned::delete(&caller.state, caller.session()?, id).await
    }
}

endpoint! {
    /// A response's text for a reply on a ticket, its placeholders filled for that ticket; the
    /// use is counted.
    "canned/fill" for Staff => pub async fn fill_canned(id: i64, ticket_id: i64) -> String |caller| {
        use crate::server::canned;
        canned::fill(&caller.state, caller.session()?, id, ticket_id).await
    }
}
