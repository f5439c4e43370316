//! API tokens' scopes: what a token may be used for on the REST API (`/api/v1`), beside the
//! account it acts as — a token never does more than its account could, and no more than its
//! scopes say. Both sides need them: the server checks them, the apps offer them.

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
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::TicketsRead,
        Scope::TicketsWrite,
        Scope::AccountsRead,
        Scope::AccountsManage,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Scope::TicketsRead => "tickets:read",
            Scope::TicketsWrite => "tickets:write",
            Scope::AccountsRead => "accounts:read",
            Scope::AccountsManage => "accounts:manage",
        }
    }

    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether an account of `role` may hold a token with this scope: the accounts scopes are
    /// an admin's (no one else may read or make accounts).
    pub fn allowed_for(self, role: Role) -> bool {
        match self {
            Scope::TicketsRead | Scope::TicketsWrite => true,
            Scope::AccountsRead | Scope::AccountsManage => role == Role::Admin,
        }
    }

    /// The scopes as stored: their codes, comma-separated, in a fixed order.
    pub fn join(scopes: &[Scope]) -> String {
        let mut codes: Vec<Scope> = scopes.to_vec();
        codes.sort();
        codes.dedup();
        codes
            .into_iter()
            .map(Scope::code)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The scopes stored by `join`; a code no version wrote is dropped (it grants nothing).
    pub fn split(stored: &str) -> Vec<Scope> {
        stored.split(',').filter_map(Scope::parse).collect()
    }
}

/// How long a new token may be given at most, in days (none: it never expires).
pub const MAX_DAYS: i64 = 730;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_travel_and_are_stored_as_their_codes() {
        for scope in Scope::ALL {
            assert_eq!(
                serde_json::to_value(scope).unwrap(),
                serde_json::json!(scope.code())
            );
            assert_eq!(Scope::parse(scope.code()), Some(scope));
        }
        let stored = Scope::join(&[Scope::TicketsWrite, Scope::TicketsRead, Scope::TicketsWrite]);
        assert_eq!(stored, "tickets:read,tickets:write");
        assert_eq!(
            Scope::split(&stored),
            vec![Scope::TicketsRead, Scope::TicketsWrite]
        );
        assert_eq!(
            Scope::split("tickets:read,admin:all,"),
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
