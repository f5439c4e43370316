//! The operator console: my duty (always in view), my queue, one ticket beside it, my work,
//! the knowledge base, my canned responses, my account — and keys for all of it.

#[cfg(target_arch = "wasm32")]
mod alerts;
#[cfg(target_arch = "wasm32")]
mod duty;
#[cfg(target_arch = "wasm32")]
mod keys;

#[cfg(target_arch = "wasm32")]
mod pages {
    use app::i18n::Msg;
    use app::ui::{
        common_page, kb_path, t, ticket_path, CannedPage, NavItem, StaffTicketView, TicketList,
        WorkHistory,
    };
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
            path: "/kb",
            label: Msg::KnowledgeBase,
        },
        NavItem {
            path: "/canned",
            label: Msg::CannedResponses,
        },
        NavItem {
            path: "/account",
            label: Msg::Account,
        },
    ];

    /// The duty bar over every page; on the queue and on a ticket, the console's keys. A ticket
    /// opens beside the queue on a wide screen (the queue hides on a narrow one).
    pub fn page(path: &str) -> AnyView {
        let inner = match path {
            "/" => view! {
                <super::keys::Keys/>
                <TicketList title=Msg::Queue empty=Msg::NoTicketsQueue/>
            }
            .into_any(),
            "/work" => Suspend::new(work_page()).into_any(),
            "/canned" => Suspend::new(canned_page()).into_any(),
            "/kb" => Suspend::new(kb_page()).into_any(),
            "/kb/new" => Suspend::new(kb_article(None)).into_any(),
            _ => match ticket_path(path) {
                Some(id) => view! {
                    <super::keys::Keys/>
                    <div class="panes">
                        <div class="queue-pane">
                            <TicketList title=Msg::Queue empty=Msg::NoTicketsQueue/>
                        </div>
                        <div class="ticket-pane">{Suspend::new(ticket_page(id))}</div>
                    </div>
                }
                .into_any(),
                None => match kb_path(path) {
                    Some(id) => Suspend::new(kb_article(Some(id))).into_any(),
                    None => return common_page(path),
                },
            },
        };
        view! { <super::duty::DutyBar/> {inner} }.into_any()
    }

    /// The operator's work history: a page of its own, downloaded when opened.
    #[lazy]
    fn work_page() -> AnyView {
        view! { <h1>{t(Msg::MyWork)}</h1> <WorkHistory/> }.into_any()
    }

    /// The operator's canned responses: a page of its own, downloaded when opened.
    #[lazy]
    fn canned_page() -> AnyView {
        view! { <CannedPage/> }.into_any()
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

    /// One ticket — its conversation, composer, files and forms, the console's heaviest
    /// view — is a `#[lazy]` chunk, downloaded when the first ticket opens: the queue, where
    /// the console starts, keeps the first download within its budget.
    #[lazy]
    fn ticket_page(id: i64) -> AnyView {
        view! { <StaffTicketView id=id/> }.into_any()
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    app::ui::start(app::dto::Role::Operator, pages::NAV, pages::page);
}
