//! Who is who: the three kinds of account, each with its own app. Part of the domain (the
//! ticket rules and the access rules speak of roles); `dto` re-exports it for the wire.

use serde::{Deserialize, Serialize};

/// The kind of account, and so the app it signs in to.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Client,
    Operator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Client, Role::Operator, Role::Admin];

    /// The name stored in the database.
    pub const fn as_str(self) -> &'static str {
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
