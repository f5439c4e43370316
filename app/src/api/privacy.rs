//! Erasing a client's data (an admin's act). The export is a download, so it is a plain route
//! of the server crate (`server/src/privacy.rs`) that goes through the same access function.

#[cfg(feature = "ssr")]
use crate::audit::Action;
use crate::dto::Erased;

endpoint! {
    /// Erases client `client_id` for good: `confirm` is their username, typed again; with
    /// `keep_texts` the texts of their tickets stay (their identity goes either way).
    "privacy/erase" for Admin => pub async fn erase_client(client_id: i64, confirm: String, keep_texts: bool) -> Erased |caller| {
        let client = crate::server::access::client_data(caller.session()?, Some(client_id))?;
        let erased = crate::server::privacy::erase(&caller.state, client, &confirm, keep_texts).await?;
        let texts = if keep_texts { "texts kept" } else { "texts removed" };
        let detail = format!("{} tickets, {} files, {texts}", erased.tickets, erased.files);
        caller.audit(Action::ClientErased, Some(client), &detail).await?;
        Ok(erased)
    }
}
