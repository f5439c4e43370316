//! One's own second factor — set up, confirm, turn off, new recovery codes — and the roles that
//! must have one. Each person's own take `SignedIn`: someone whose role requires a second
//! factor reaches them before anything else.

#[cfg(feature = "ssr")]
use crate::audit::Action;
use crate::dto::{Role, TwoFactorSetup, TwoFactorStatus};

endpoint! {
    "two_factor/status" for SignedIn => pub async fn second_factor_status() -> TwoFactorStatus |caller| {
        crate::server::two_factor::status(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// A new secret to put into an authenticator app, with its QR code; on once confirmed.
    "two_factor/begin" for SignedIn => pub async fn begin_second_factor() -> TwoFactorSetup |caller| {
        crate::server::two_factor::begin(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Turns the second factor on with a first code from the app; the recovery codes, shown
    /// this once.
    "two_factor/confirm" for SignedIn => pub async fn confirm_second_factor(code: String) -> Vec<String> |caller| {
        let codes = crate::server::two_factor::confirm(&caller.state, caller.session()?, &code).await?;
        caller.audit(Action::SecondFactorOn, None, "").await?;
        Ok(codes)
    }
}

endpoint! {
    "two_factor/turn_off" for SignedIn => pub async fn turn_off_second_factor(code: String) -> () |caller| {
        crate::server::two_factor::turn_off(&caller.state, caller.session()?, &code).await?;
        caller.audit(Action::SecondFactorOff, None, "").await
    }
}

endpoint! {
    /// Ten new recovery codes in place of the old ones.
    "two_factor/recovery_codes" for SignedIn => pub async fn new_recovery_codes(code: String) -> Vec<String> |caller| {
        let codes = crate::server::two_factor::new_recovery_codes(&caller.state, caller.session()?, &code).await?;
        caller.audit(Action::RecoveryCodesRenewed, None, "").await?;
        Ok(codes)
    }
}

endpoint! {
    "two_factor/roles" for Admin => pub async fn second_factor_roles() -> Vec<Role> |caller| {
        crate::server::two_factor::required_roles(&caller.state).await
    }
}

endpoint! {
    /// The roles that must sign in with a second factor.
    "two_factor/require" for Admin => pub async fn require_second_factor(roles: Vec<Role>) -> Vec<Role> |caller| {
        let roles = crate::server::two_factor::require(&caller.state, &roles).await?;
        let detail = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        caller.audit(Action::TwoFactorRolesSet, None, &detail).await?;
        Ok(roles)
    }
}
