//! The client portal: my tickets, a new ticket, one ticket (rated once closed), my account.

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
                Some(id) => view! { <super::rating::RatedTicketView id=id/> }.into_any(),
                None => common_page(path),
            },
        }
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Client, pages::NAV, pages::page);
}
