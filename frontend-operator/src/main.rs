//! The operator console: my duty and queue, one ticket, my account.

#[cfg(target_arch = "wasm32")]
mod duty;

#[cfg(target_arch = "wasm32")]
mod pages {
    use app::i18n::Msg;
    use app::ui::{common_page, t, ticket_path, NavItem, StaffTicketView, TicketList, WorkHistory};
    use leptos::prelude::*;

    pub const NAV: &[NavItem] = &[
        NavItem {
            path: "/",
            label: Msg::Queue,
        },
        NavItem {
            path: "/work",
            label: Msg::MyWork,
        },
        NavItem {
            path: "/account",
            label: Msg::Account,
        },
    ];

    pub fn page(path: &str) -> AnyView {
        match path {
            "/" => view! {
                <super::duty::DutyBar/>
                <TicketList title=Msg::Queue empty=Msg::NoTicketsQueue/>
            }
            .into_any(),
            "/work" => view! { <h1>{t(Msg::MyWork)}</h1> <WorkHistory/> }.into_any(),
            _ => match ticket_path(path) {
                Some(id) => view! { <StaffTicketView id=id/> }.into_any(),
                None => common_page(path),
            },
        }
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Operator, pages::NAV, pages::page);
}
