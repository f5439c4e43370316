//! The server functions, one file per domain. Each has an explicit `/api/…` endpoint and JSON
//! input, and its body is one call through `server::gateway::run` with the policy that guards it.
//! The browser gets only the client half; the body compiles on the server alone.

pub mod accounts;
pub mod categories;
pub mod session;
pub mod settings;
pub mod tickets;

/// Every server function's path, with the policy that guards it: the access matrix that
/// the integration tests walk. A function missing here fails `every_server_function_is_listed`.
pub const ENDPOINTS: &[(&str, Guard)] = &[
    ("/api/session/sign_in", Guard::Public),
    ("/api/session/sign_out", Guard::Public),
    ("/api/session/me", Guard::SignedIn),
    ("/api/session/change_password", Guard::SignedIn),
    ("/api/settings/public_info", Guard::Public),
    ("/api/settings/set_company_name", Guard::Admin),
    ("/api/accounts/overview", Guard::Admin),
    ("/api/accounts/create", Guard::Admin),
    ("/api/accounts/reset_password", Guard::Admin),
    ("/api/accounts/set_disabled", Guard::Admin),
    ("/api/tickets/create", Guard::Client),
    ("/api/tickets/list", Guard::AnyRole),
    ("/api/tickets/view", Guard::AnyRole),
    ("/api/tickets/move", Guard::AnyRole),
    ("/api/tickets/post", Guard::AnyRole),
    ("/api/tickets/force", Guard::Admin),
    ("/api/tickets/search", Guard::AnyRole),
    ("/api/tickets/edit", Guard::AnyRole),
    ("/api/categories/list", Guard::AnyRole),
    ("/api/categories/save", Guard::Admin),
];

/// Who may call an endpoint (mirrors `server::access::Policy`, readable by tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    Public,
    SignedIn,
    /// Any role, password replaced; the object's access function decides the rest.
    AnyRole,
    Client,
    Operator,
    Admin,
}
