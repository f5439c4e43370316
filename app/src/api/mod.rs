//! The server functions, one file per domain. Each has an explicit `/api/…` endpoint and JSON
//! input, and its body is one call through `server::gateway::run` with the policy that guards it.
//! The browser gets only the client half; the body compiles on the server alone.
//!
//! Each is declared once with `endpoint!`: on the server (`ssr`) it is a Leptos `#[server]`
//! function; in the browser (`csr`) a function of the same name and signature that posts the
//! same JSON to the same path through `client::call`. Leptos' generated client would do the same
//! job, but compiles its whole request and response machinery once per function; the shared,
//! non-generic `client::post` cut ~N KB from every app (see ARCHITECTURE.md, "Keeping the apps
//! small").
#![cfg_attr(not(any(feature = "ssr", feature = "csr")), allow(unused_imports))]

/// One server function: `"<domain>/<name>" => pub async fn name(args…) -> Output { body }`.
/// The body runs on the server only; the browser gets a typed call of the endpoint.
macro_rules! endpoint {
    (
        $(#[doc = $doc:literal])*
        $path:literal => pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $body:block
    ) => {
        $(#[doc = $doc])*
        #[cfg(feature = "ssr")]
        #[leptos::server(prefix = "/api", endpoint = $path, input = server_fn::codec::Json)]
        pub async fn $name($($arg: $ty),*) -> Result<$out, crate::error::AppError> $body

        $(#[doc = $doc])*
        #[cfg(feature = "csr")]
        pub fn $name($($arg: $ty),*) -> crate::client::Call<$out> {
            #[derive(serde::Serialize)]
            struct Args {
                $($arg: $ty),*
            }
            crate::client::call(concat!("/api/", $path), &Args { $($arg),* })
        }
    };
}

pub mod accounts;
pub mod assignment;
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
    ("/api/assignment/floor", Guard::Admin),
    ("/api/assignment/set_plan", Guard::Admin),
    ("/api/assignment/my_duty", Guard::Operator),
    ("/api/assignment/set_break", Guard::Operator),
    ("/api/assignment/work_history", Guard::AnyRole),
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
