//! Who may call what. Every server function names a `Policy`, checked by the gateway before
//! its body runs; objects with finer rules get one function each here, called from every path
//! that touches them.

use super::auth::Session;
use crate::dto::Role;
use crate::error::AppError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not (company name, sign-in).
    Public,
    /// Any signed-in user, even one who still holds a one-time password: only "who am I",
    /// "change password" and "sign out" use this.
    SignedIn,
    /// A signed-in user of this role who has replaced the one-time password.
    Role(Role),
}

/// The session, if the policy admits the caller.
pub fn check(session: Option<&Session>, policy: Policy) -> Result<Option<&Session>, AppError> {
    match (policy, session) {
        (Policy::Public, s) => Ok(s),
        (_, None) => Err(AppError::Unauthenticated),
        (Policy::SignedIn, Some(s)) => Ok(Some(s)),
        (Policy::Role(role), Some(s)) => {
            if s.user.must_change_password() {
                Err(AppError::PasswordChangeRequired)
            } else if s.user.role()? != role {
                Err(AppError::Forbidden)
            } else {
                Ok(Some(s))
            }
        }
    }
}

/// Accounts: admins manage every account but their own, which they change in their own
/// account settings (so no admin can disable or reset themselves out of the system).
pub fn manage_account(session: &Session, account_id: i64) -> Result<(), AppError> {
    if session.user.role()? != Role::Admin || session.user.id == account_id {
        return Err(AppError::Forbidden);
    }
    Ok(())
}
