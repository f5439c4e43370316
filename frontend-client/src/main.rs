//! The client portal: my tickets (with the offer of a chat), a new ticket (lazy), a chat's
//! start (lazy), one ticket — a chat's too — (rated once closed; lazy), help (lazy), my account.

#[cfg(target_arch = "wasm32")]
mod help;
#[cfg(target_arch = "wasm32")]
mod new_ticket;
#[cfg(target_arch = "wasm32")]
mod rating;

#[cfg(target_arch = "wasm32")]
mod pages {
    use app::i18n::Msg;
    use app::ui::{common_page, ticket_path, NavItem, TicketList};
    use leptos::prelude::*;

    pub const NAV: &[NavItem] = &[
        NavItem {
            path: "/",
            label: Msg::MyTickets,
        },
        NavItem {
            path: "/new",
            label: Msg::NewTicket,
        },
        NavItem {
            path: "/chat",
            label: Msg::ChatWithUs,
        },
        NavItem {
            path: "/help",
            label: Msg::Help,
        },
        NavItem {
            path: "/account",
            label: Msg::Account,
        },
    ];

    pub fn page(path: &str) -> AnyView {
        match path {
            "/" => view! {
                <p class="actions cta"><app::ui::Link path="/new" label=Msg::NewTicket/> " " <app::ui::ChatOffer/></p>
                <TicketList title=Msg::MyTickets empty=Msg::NoTicketsClient filter=true/>
            }
            .into_any(),
            "/new" => Suspend::new(new_ticket_page()).into_any(),
            "/help" => Suspend::new(help_page()).into_any(),
            "/chat" => Suspend::new(chat_page()).into_any(),
            _ => match (ticket_path(path), super::help::help_path(path)) {
                (Some(id), _) => Suspend::new(ticket_page(id)).into_any(),
                (None, Some(id)) => Suspend::new(help_article(id)).into_any(),
                (None, None) => common_page(path),
            },
        }
    }

    /// One ticket — its conversation, composer, files and rating — is a `#[lazy]` chunk,
    /// prefetched once the portal has started: the list, where the portal starts, keeps the
    /// first download within its budget.
    #[lazy]
    fn ticket_page(id: i64) -> AnyView {
        view! { <super::rating::RatedTicketView id=id/> }.into_any()
    }

    /// A new ticket — its form, files and the articles suggested beside it — is lazy too,
    /// prefetched with the rest.
    #[lazy]
    fn new_ticket_page() -> AnyView {
        view! { <super::new_ticket::NewTicketPage/> }.into_any()
    }

    /// A chat's start (or the hours when nobody is on duty) is lazy too; the chat itself is
    /// its ticket's page.
    #[lazy]
    fn chat_page() -> AnyView {
        view! { <app::ui::ChatStart/> }.into_any()
    }

    /// Help — its front page and each article — is lazy too.
    #[lazy]
    fn help_page() -> AnyView {
        view! { <super::help::HelpPage/> }.into_any()
    }

    #[lazy]
    fn help_article(id: i64) -> AnyView {
        view! { <super::help::HelpArticle id=id/> }.into_any()
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Client, pages::NAV, pages::page);
}
