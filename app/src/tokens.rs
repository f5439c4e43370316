//! API tokens' scopes: what a token may be used for on the REST API (`/api/v1`), beside the
//! account it acts as — a token never does more than its account could, and no more than its
//! scopes say. Both sides need them: the server checks them, the apps offer them.

use crate::codes::Code;
use crate::roles::Role;
use serde::{Deserialize, Serialize};

/// One power a token may be given; stored and sent as its code (`tickets:read`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Scope {
    /// Read the tickets the account may see, their threads and files, and the categories.
    #[serde(rename = "tickets:read")]
    TicketsRead,
    /// Open tickets, write messages and notes, move tickets, upload files.
    #[serde(rename = "tickets:write")]
    TicketsWrite,
    /// Read clients and operators (admins' accounts only).
    #[serde(rename = "accounts:read")]
    AccountsRead,
    /// Create accounts (admins' accounts only).
    #[serde(rename = "accounts:manage")]
    AccountsManage,
    /// Read the knowledge base's articles the account may read.
    #[serde(rename = "articles:read")]
    ArticlesRead,
    /// Read the statistics (admins' accounts only).
    #[serde(rename = "statistics:read")]
    StatisticsRead,
}

impl Code for Scope {
    const ALL: &'static [Scope] = &[
        Scope::TicketsRead,
        Scope::TicketsWrite,
        Scope::ArticlesRead,
        Scope::AccountsRead,
        Scope::AccountsManage,
        Scope::StatisticsRead,
    ];

    fn code(self) -> &'static str {
        match self {
            Scope::TicketsRead => "tickets:read",
            Scope::TicketsWrite => "tickets:write",
            Scope::AccountsRead => "accounts:read",
            Scope::AccountsManage => "accounts:manage",
            Scope::ArticlesRead => "articles:read",
            Scope::StatisticsRead => "statistics:read",
        }
    }
}

impl Scope {
    /// Whether an account of `role` may hold a token with this scope: the accounts and
    /// statistics scopes are an admin's (no one else may read or make accounts, or read the
    /// statistics).
    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            Scope::TicketsRead | Scope::TicketsWrite | Scope::ArticlesRead => true,
            Scope::AccountsRead | Scope::AccountsManage | Scope::StatisticsRead => {
                role == Role::Admin
            }
        }
    }
}

/// How long a new token may be given at most, in days (none: it never expires).
pub const MAX_DAYS: i64 = 730;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn scopes_travel_and_are_stored_as_their_codes() {
        for &scope in Scope::ALL {
            assert_eq!(
                serde_json::to_value(scope).unwrap(),
                serde_json::json!(scope.code())
            );
            assert_eq!(Scope::parse(scope.code()), Some(scope));
        }
        let stored = codes::join(&[Scope::TicketsWrite, Scope::TicketsRead, Scope::TicketsWrite]);
        assert_eq!(stored, "tickets:read,tickets:write");
        assert_eq!(
            codes::split::<Scope>(&stored),
            vec![Scope::TicketsRead, Scope::TicketsWrite]
        );
        assert_eq!(
            codes::split::<Scope>("tickets:read,admin:all,"),
            vec![Scope::TicketsRead]
        );
    }

    #[test]
    fn only_admins_may_hold_the_accounts_scopes() {
        assert!(Scope::TicketsWrite.allowed_for(Role::Client));
        assert!(!Scope::AccountsRead.allowed_for(Role::Client));
        assert!(!Scope::AccountsManage.allowed_for(Role::Operator));
        assert!(Scope::AccountsManage.allowed_for(Role::Admin));
    }
}
