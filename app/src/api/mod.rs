//! The server functions, one file per domain. Each has an explicit `/api/…` endpoint and JSON
//! input, and the guard that admits its callers written once, where it is declared; its body
//! runs through `server::gateway::run` with that guard's policy. The browser gets only the client
//! half; the body compiles on the server alone.
//!
//! Each is declared once with `endpoint!`: on the server (`ssr`) it is a Leptos `#[server]`
//! function, and an `Endpoint` entry in the access matrix (`endpoints()`, collected at link
//! time); in the browser (`csr`) a function of the same name and signature that posts the same
//! JSON to the same path through `client::call`. Leptos' generated client would do the same
//! job, but compiles its whole request and response machinery once per function; the shared,
//! non-generic `client::post` cut ~4 KB of WebAssembly per function from every app (see
//! ARCHITECTURE.md, "Keeping the apps small").
#![cfg_attr(not(any(feature = "ssr", feature = "csr")), allow(unused_imports))]

/// One server function:
/// `"<domain>/<name>" for Guard => pub async fn name(args…) -> Output |caller| { body }`.
/// The body runs on the server only, after the gateway admitted `caller` under the guard; the
/// browser gets a typed call of the endpoint.
macro_rules! endpoint {
    (
        $(#[doc = $doc:literal])*
        $path:literal for $guard:ident =>
        pub async fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty |$caller:ident| $body:block
    ) => {
        $(#[doc = $doc])*
        #[cfg(feature = "ssr")]
        #[leptos::server(prefix = "/api", endpoint = $path, input = server_fn::codec::Json)]
        pub async fn $name($($arg: $ty),*) -> Result<$out, crate::error::AppError> {
            let policy = crate::api::Guard::$guard.policy();
            crate::server::gateway::run(policy, |$caller| async move $body).await
        }

        #[cfg(feature = "ssr")]
        inventory::submit! {
            crate::api::Endpoint {
                path: concat!("/api/", $path),
                guard: crate::api::Guard::$guard,
            }
        }

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
pub mod audit;
pub mod calls;
pub mod canned;
pub mod categories;
pub mod chat;
pub mod kb;
pub mod mail;
pub mod privacy;
pub mod satisfaction;
pub mod session;
pub mod settings;
pub mod sla;
pub mod stats;
pub mod tickets;
pub mod tokens;
pub mod two_factor;
pub mod webhooks;

/// One server function in the access matrix: its path and its guard, as declared.
#[cfg(feature = "ssr")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub path: &'static str,
    pub guard: Guard,
}

#[cfg(feature = "ssr")]
inventory::collect!(Endpoint);

/// Every server function with its guard, by path: the access matrix the integration tests
/// walk, derived from the declarations (a registered function missing here fails
/// `every_server_function_is_listed`).
#[cfg(feature = "ssr")]
pub fn endpoints() -> Vec<Endpoint> {
    let mut all: Vec<Endpoint> = inventory::iter::<Endpoint>.into_iter().copied().collect();
    all.sort_by_key(|e| e.path);
    all
}

/// Who may call an endpoint: the declaration's word for the `server::access::Policy` that the
/// gateway checks, readable by tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    Public,
    SignedIn,
    /// Any role, password replaced; the object's access function decides the rest.
    AnyRole,
    Client,
    Operator,
    Admin,
    /// Operators and admins.
    Staff,
}

#[cfg(feature = "ssr")]
impl Guard {
    pub fn policy(self) -> crate::server::access::Policy {
        use crate::dto::Role;
        use crate::server::access::Policy;
        match self {
            Guard::Public => Policy::Public,
            Guard::SignedIn => Policy::SignedIn,
            Guard::AnyRole => Policy::AnyRole,
            Guard::Client => Policy::Role(Role::Client),
            Guard::Operator => Policy::Role(Role::Operator),
            Guard::Admin => Policy::Role(Role::Admin),
            Guard::Staff => Policy::Staff,
        }
    }
}
