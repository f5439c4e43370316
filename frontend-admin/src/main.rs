//! The admin console: its pages only; everything shared comes from `app::ui`.

#[cfg(target_arch = "wasm32")]
mod accounts;
#[cfg(target_arch = "wasm32")]
mod categories;
#[cfg(target_arch = "wasm32")]
mod floor;
#[cfg(target_arch = "wasm32")]
mod settings;
#[cfg(target_arch = "wasm32")]
mod ticket_tools;
#[cfg(target_arch = "wasm32")]
mod tickets;

#[cfg(target_arch = "wasm32")]
mod pages {
    use app::i18n::Msg;
    use app::ui::{ticket_path, AccountPage, NavItem, NotFound};
    use leptos::prelude::*;

    pub const NAV: &[NavItem] = &[
        NavItem {
            path: "/",
            label: Msg::Accounts,
        },
        NavItem {
            path: "/tickets",
            label: Msg::Tickets,
        },
        NavItem {
            path: "/floor",
            label: Msg::Floor,
        },
        NavItem {
            path: "/settings",
            label: Msg::Settings,
        },
        NavItem {
            path: "/account",
            label: Msg::Account,
        },
    ];

    pub fn page(path: &str) -> AnyView {
        match path {
            "/" => view! { <super::accounts::AccountsPage/> }.into_any(),
            "/settings" => view! { <super::settings::SettingsPage/> }.into_any(),
            "/floor" => view! { <super::floor::FloorPage/> }.into_any(),
            "/tickets" => view! { <super::tickets::AdminTicketsPage/> }.into_any(),
            "/account" => view! { <AccountPage/> }.into_any(),
            _ => match ticket_path(path) {
                Some(id) => view! { <super::ticket_tools::AdminTicketPage id=id/> }.into_any(),
                None => view! { <NotFound/> }.into_any(),
            },
        }
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Admin, pages::NAV, pages::page);
}
