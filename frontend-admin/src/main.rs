//! The admin console: its pages only; everything shared comes from `app::ui`.

#[cfg(target_arch = "wasm32")]
mod accounts;
#[cfg(target_arch = "wasm32")]
mod audit;
#[cfg(target_arch = "wasm32")]
mod categories;
#[cfg(target_arch = "wasm32")]
mod charts;
#[cfg(target_arch = "wasm32")]
mod floor;
#[cfg(target_arch = "wasm32")]
mod mail;
#[cfg(target_arch = "wasm32")]
mod overview;
#[cfg(target_arch = "wasm32")]
mod reports;
#[cfg(target_arch = "wasm32")]
mod service_levels;
#[cfg(target_arch = "wasm32")]
mod settings;
#[cfg(target_arch = "wasm32")]
mod stats;
#[cfg(target_arch = "wasm32")]
mod ticket_tools;
#[cfg(target_arch = "wasm32")]
mod tickets;
#[cfg(target_arch = "wasm32")]
mod webhooks;
#[cfg(target_arch = "wasm32")]
mod week;

#[cfg(target_arch = "wasm32")]
mod pages {
    use app::i18n::Msg;
    use app::ui::{common_page, ticket_path, NavItem};
    use leptos::prelude::*;

    pub const NAV: &[NavItem] = &[
        NavItem {
            path: "/",
            label: Msg::Overview,
        },
        NavItem {
            path: "/accounts",
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
            path: "/stats",
            label: Msg::Statistics,
        },
        NavItem {
            path: "/kb",
            label: Msg::KnowledgeBase,
        },
        NavItem {
            path: "/canned",
            label: Msg::CannedResponses,
        },
        NavItem {
            path: "/settings",
            label: Msg::Settings,
        },
        NavItem {
            path: "/webhooks",
            label: Msg::Webhooks,
        },
        NavItem {
            path: "/audit",
            label: Msg::AuditLog,
        },
        NavItem {
            path: "/account",
            label: Msg::Account,
        },
    ];

    /// The overview (where the console opens) is in the first download; every other page is a
    /// `#[lazy]` chunk (the account page too, as in every app: `common_page`), downloaded when first opened, so the console
    /// keeps within its budget as pages grow.
    pub fn page(path: &str) -> AnyView {
        match path {
            "/" => view! { <super::overview::OverviewPage/> }.into_any(),
            "/accounts" => Suspend::new(accounts_page()).into_any(),
            "/settings" => Suspend::new(settings_page()).into_any(),
            "/floor" => Suspend::new(floor_page()).into_any(),
            "/stats" => Suspend::new(stats_page()).into_any(),
            "/tickets" => Suspend::new(tickets_page()).into_any(),
            "/canned" => Suspend::new(canned_page()).into_any(),
            "/kb" => Suspend::new(kb_page()).into_any(),
            "/kb/new" => Suspend::new(kb_article(None)).into_any(),
            "/audit" => Suspend::new(audit_page()).into_any(),
            "/webhooks" => Suspend::new(webhooks_page()).into_any(),
            _ => match ticket_path(path) {
                Some(id) => Suspend::new(ticket_page(id)).into_any(),
                None => match app::ui::kb_path(path) {
                    Some(id) => Suspend::new(kb_article(Some(id))).into_any(),
                    None => common_page(path),
                },
            },
        }
    }

    #[lazy]
    fn accounts_page() -> AnyView {
        view! { <super::accounts::AccountsPage/> }.into_any()
    }

    #[lazy]
    fn settings_page() -> AnyView {
        view! { <super::settings::SettingsPage/> }.into_any()
    }

    #[lazy]
    fn audit_page() -> AnyView {
        view! { <super::audit::AuditLogPage/> }.into_any()
    }

    #[lazy]
    fn webhooks_page() -> AnyView {
        view! { <super::webhooks::WebhooksPage/> }.into_any()
    }

    #[lazy]
    fn floor_page() -> AnyView {
        view! { <super::floor::FloorPage/> }.into_any()
    }

    #[lazy]
    fn stats_page() -> AnyView {
        view! { <super::stats::StatsPage/> }.into_any()
    }

    #[lazy]
    fn tickets_page() -> AnyView {
        view! { <super::tickets::AdminTicketsPage/> }.into_any()
    }

    #[lazy]
    fn canned_page() -> AnyView {
        view! { <app::ui::CannedPage/> }.into_any()
    }

    /// The knowledge base: the list, and one article's page.
    #[lazy]
    fn kb_page() -> AnyView {
        view! { <app::ui::KbPage/> }.into_any()
    }

    #[lazy]
    fn kb_article(id: Option<i64>) -> AnyView {
        view! { <app::ui::KbArticlePage id=id/> }.into_any()
    }

    #[lazy]
    fn ticket_page(id: i64) -> AnyView {
        view! { <super::ticket_tools::AdminTicketPage id=id/> }.into_any()
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Admin, pages::NAV, pages::page);
}
