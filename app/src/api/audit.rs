//! The audit log, read by admins: filtered by act, person and period, newest first.

use crate::audit::{AuditPage, AuditQuery};

endpoint! {
    "audit/list" for Admin => pub async fn audit_log(query: AuditQuery) -> AuditPage |caller| {
        crate::server::audit::list(&caller.state, &query).await
    }
}
