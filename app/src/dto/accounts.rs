//! The wire's types of people: who is signed in, their sessions and second factor, accounts and the
//! edition's seats.

use serde::{Deserialize, Serialize};

use super::Role;

/// The signed-in user, as the apps see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Set while the user still holds a one-time password: nothing but changing it is allowed.
    pub must_change_password: bool,
    /// Set while the user's role requires a second factor and they have none: nothing but
    /// setting one up is allowed.
    pub must_set_up_second_factor: bool,
}

/// Where a person's two-factor sign-in stands, on their account page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TwoFactorStatus {
    /// Signing in asks for a code.
    pub on: bool,
    /// The person's role must sign in with one: it cannot be turned off.
    pub required: bool,
    /// Recovery codes not yet used.
    pub recovery_codes_left: i64,
}

/// A second factor being set up: the secret an authenticator app takes, typed in or from the
/// QR code of `uri`, drawn as `qr_path` (dark modules, one unit each, `qr_width` wide).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TwoFactorSetup {
    pub secret: String,
    pub uri: String,
    pub qr_width: u32,
    pub qr_path: String,
}

/// One of a person's sessions, as they see it on their account page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SessionInfo {
    /// Names the session for ending it (not its token, nor enough to use it).
    pub handle: String,
    /// The app it signed in to.
    pub app: Role,
    /// "Firefox 133 · Linux"; `None` when the browser did not say or is not known.
    pub browser: Option<String>,
    /// The address it signed in from (empty for sessions older than this record).
    pub address: String,
    pub signed_in_at: i64,
    pub last_seen_at: i64,
    /// The session this request came with.
    pub current: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// The app the user signs in to; an account of another role is refused.
    pub app: Role,
    /// A code from the authenticator app, or a recovery code: for an account with a second
    /// factor (asked for with `second_factor_needed`).
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PasswordChange {
    /// Required, except right after signing in with a one-time password.
    pub current_password: Option<String>,
    pub new_password: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct NewAccount {
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub disabled: bool,
    pub must_change_password: bool,
    /// Whether the person signs in with a second factor.
    pub second_factor: bool,
    /// When a client accepted the privacy notice in force (Unix milliseconds).
    pub notice_accepted_at: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// A new or reset account's credentials: shown to the admin once, never stored in clear.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuedCredentials {
    pub account: Account,
    pub one_time_password: String,
    /// Unix milliseconds after which the one-time password no longer signs in.
    pub expires_at: i64,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Edition {
    Free,
    Commercial,
}

/// How many accounts of a role the edition allows, and how many are active.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RoleUsage {
    pub role: Role,
    pub active: i64,
    /// `None`: unlimited.
    pub limit: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AccountList {
    pub accounts: Vec<Account>,
    /// The edition in force: free without a licence or when it expired.
    pub edition: Edition,
    pub usage: Vec<RoleUsage>,
    pub licence: Option<LicenceInfo>,
}

/// The licence installed: who it is for and what it allows.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LicenceInfo {
    pub licensee: String,
    /// Active admin accounts allowed; `None`: unlimited.
    pub admins: Option<i64>,
    pub operators: Option<i64>,
    /// `YYYY-MM-DD`.
    pub issued: String,
    /// The last day it holds (`YYYY-MM-DD`); `None`: never expires.
    pub expires: Option<String>,
    /// Past its last day: the free edition's limits apply again.
    pub expired: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SetDisabled {
    pub account_id: i64,
    pub disabled: bool,
}
