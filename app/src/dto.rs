//! Data that crosses the wire between the browser apps and the server.
//! Nothing here may carry a password hash or a session token.

use serde::{Deserialize, Serialize};

/// The kind of account, and so the app it signs in to.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Client,
    Operator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Client, Role::Operator, Role::Admin];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Where this role's app is served.
    pub fn app_path(self) -> &'static str {
        match self {
            Role::Client => "/",
            Role::Operator => "/operator/",
            Role::Admin => "/admin/",
        }
    }
}

/// The signed-in user, as the apps see it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    /// Set while the user still holds a one-time password: nothing but changing it is allowed.
    pub must_change_password: bool,
}

/// What anyone may know before signing in.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct PublicSettings {
    /// `None` until the admin names the company; the apps then show a neutral name.
    pub company_name: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Credentials {
    pub username: String,
    pub password: String,
    /// The app the user signs in to; an account of another role is refused.
    pub app: Role,
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
    pub edition: Edition,
    pub usage: Vec<RoleUsage>,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct SetDisabled {
    pub account_id: i64,
    pub disabled: bool,
}

/// Limits on free text, shared by the server (which enforces them) and the forms.
pub mod limits {
    pub const FULL_NAME_MAX: usize = 100;
    pub const EMAIL_MAX: usize = 254;
    pub const COMPANY_NAME_MAX: usize = 100;
    pub const PASSWORD_MIN: usize = 12;
    pub const PASSWORD_MAX: usize = 128;
    pub const USERNAME_MAX: usize = 64;
}
