//! Erasing a client's data (an admin's act), and how long closed tickets keep theirs. The export is a download, so it is a plain route
//! of the server crate (`server/src/privacy.rs`) that goes through the same access function.

#[cfg(feature = "ssr")]
use crate::audit::Action;
use crate::dto::{Erased, PrivacyNotice, Retention};

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

endpoint! {
    /// How long closed tickets keep their texts and files, and how many are past it now.
    "privacy/retention" for Admin => pub async fn get_retention() -> Retention |caller| {
        crate::server::privacy::retention::retention(&caller.state).await
    }
}

endpoint! {
    /// The dry run: how many closed tickets `days` would erase now.
    "privacy/retention_preview" for Admin => pub async fn preview_retention(days: i64) -> i64 |caller| {
        crate::server::privacy::retention::preview(&caller.state, days).await
    }
}

endpoint! {
    /// Sets the period (none: kept for ever); the hourly job applies it.
    "privacy/set_retention" for Admin => pub async fn set_retention(days: Option<i64>) -> Retention |caller| {
        let set = crate::server::privacy::retention::set(&caller.state, days).await?;
        let detail = days.map_or_else(|| "for ever".to_string(), |d| format!("{d} days"));
        caller.audit(Action::RetentionSet, None, &detail).await?;
        Ok(set)
    }
}

endpoint! {
    /// The privacy notice (none until the admin writes one), with when the caller accepted it.
    "privacy/notice" for Public => pub async fn read_privacy_notice() -> Option<PrivacyNotice> |caller| {
        crate::server::privacy::notice::notice(&caller.state, caller.session.as_ref()).await
    }
}

endpoint! {
    /// Writes the privacy notice (empty: none); clients accept the new version once.
    "privacy/set_notice" for Admin => pub async fn set_privacy_notice(text: String) -> Option<PrivacyNotice> |caller| {
        let notice = crate::server::privacy::notice::set(&caller.state, &text).await?;
        let detail = notice.as_ref().map(|n| n.version.clone()).unwrap_or_default();
        caller.audit(Action::PrivacyNoticeSet, None, &detail).await?;
        Ok(notice)
    }
}

endpoint! {
    /// The client accepts `version` of the privacy notice.
    "privacy/accept_notice" for Client => pub async fn accept_privacy_notice(version: String) -> PrivacyNotice |caller| {
        crate::server::privacy::notice::accept(&caller.state, caller.session()?, &version).await
    }
}
