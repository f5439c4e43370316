//! The client portal: my tickets, a new ticket, one ticket (rated once closed; a lazy chunk),
//! my account.

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
            path: "/account",
            label: Msg::Account,
        },
    ];

    pub fn page(path: &str) -> AnyView {
        match path {
            "/" => view! {
                <p class="actions cta"><app::ui::Link path="/new" label=Msg::NewTicket/></p>
                <TicketList title=Msg::MyTickets empty=Msg::NoTicketsClient filter=true/>
            }
            .into_any(),
            "/new" => view! { <super::new_ticket::NewTicketPage/> }.into_any(),
            _ => match ticket_path(path) {
                Some(id) => Suspend::new(ticket_page(id)).into_any(),
                None => common_page(path),
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
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Client, pages::NAV, pages::page);
}
