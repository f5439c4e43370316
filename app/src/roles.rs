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

    /// The page of this role's app a browser path shows: the path below the app's base (`/`,
    /// `/settings`, `/tickets/7`).
    pub fn page_of(self, browser_path: &str) -> String {
        let base = self.app_path().trim_end_matches('/');
        let inner = browser_path.strip_prefix(base).unwrap_or(browser_path);
        let inner = inner.trim_end_matches('/');
        if inner.is_empty() {
            "/".to_string()
        } else {
            inner.to_string()
        }
    }

    /// Whether the app's `page` opens on the ticket list with no filter: the portal's and the
    /// console's home (the console's beside an open ticket too), the admin's ticket list.
    pub fn opens_on_list(self, page: &str) -> bool {
        match self {
            Role::Client => page == "/",
            Role::Operator => page == "/" || page.starts_with("/tickets/"),
            Role::Admin => page == "/tickets",
        }
    }

    /// The `#[lazy]` page — its function's name in the app's `pages` — that draws `page`, where
    /// the server has the page fetch that page's bundle as it arrives: any app's ticket, and the
    /// admin's ticket list. Other lazy pages are fetched when opened, or prefetched after load.
    pub fn lazy_page_of(self, page: &str) -> Option<&'static str> {
        let ticket = page
            .strip_prefix("/tickets/")
            .is_some_and(|id| id.parse::<i64>().is_ok());
        match self {
            _ if ticket => Some("ticket_page"),
            Role::Admin if page == "/tickets" => Some("tickets_page"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_path_is_a_page_below_its_apps_base() {
        assert_eq!(Role::Admin.page_of("/admin/settings/"), "/settings");
        assert_eq!(Role::Admin.page_of("/admin/"), "/");
        assert_eq!(Role::Operator.page_of("/operator"), "/");
        assert_eq!(Role::Operator.page_of("/operator/tickets/7"), "/tickets/7");
        assert_eq!(Role::Client.page_of("/"), "/");
        assert_eq!(Role::Client.page_of("/tickets/7"), "/tickets/7");
    }

    #[test]
    fn a_ticket_and_the_admins_list_name_the_lazy_page_that_draws_them() {
        for role in [Role::Client, Role::Operator, Role::Admin] {
            assert_eq!(role.lazy_page_of("/tickets/7"), Some("ticket_page"));
            assert_eq!(role.lazy_page_of("/tickets/new"), None);
            assert_eq!(role.lazy_page_of("/"), None);
        }
        assert_eq!(Role::Admin.lazy_page_of("/tickets"), Some("tickets_page"));
        assert_eq!(Role::Operator.lazy_page_of("/tickets"), None);
    }

    #[test]
    fn each_app_opens_on_the_ticket_list_where_it_shows_it() {
        assert!(Role::Client.opens_on_list("/"));
        assert!(!Role::Client.opens_on_list("/tickets/7"));
        assert!(Role::Operator.opens_on_list("/"));
        assert!(Role::Operator.opens_on_list("/tickets/7"));
        assert!(!Role::Operator.opens_on_list("/kb"));
        assert!(Role::Admin.opens_on_list("/tickets"));
        assert!(!Role::Admin.opens_on_list("/"));
    }
}
