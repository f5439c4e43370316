//! Tickets: open one, list, view, move through the statuses, talk, and (admins) force.

use crate::dto::{
    ForcedChange, NewTicket, TicketDetail, TicketEdit, TicketMessage, TicketMove, TicketPage,
    TicketQuery,
};

endpoint! {
    "tickets/create" => pub async fn create_ticket(input: NewTicket) -> TicketDetail {
        use crate::dto::Role;
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::Role(Role::Client), |caller| async move {
            tickets::create(&caller.state, caller.session()?, &input).await
        })
        .await
    }
}

endpoint! {
    "tickets/list" => pub async fn list_tickets(query: TicketQuery) -> TicketPage {
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::AnyRole, |caller| async move {
            tickets::list(&caller.state, caller.session()?, &query).await
        })
        .await
    }
}

endpoint! {
    "tickets/view" => pub async fn view_ticket(ticket_id: i64) -> TicketDetail {
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::AnyRole, |caller| async move {
            tickets::view(&caller.state, caller.session()?, ticket_id).await
        })
        .await
    }
}

endpoint! {
    "tickets/move" => pub async fn move_ticket(input: TicketMove) -> TicketDetail {
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::AnyRole, |caller| async move {
            tickets::make_move(&caller.state, caller.session()?, &input).await
        })
        .await
    }
}

endpoint! {
    "tickets/post" => pub async fn post_message(input: TicketMessage) -> TicketDetail {
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::AnyRole, |caller| async move {
            tickets::post(&caller.state, caller.session()?, &input).await
        })
        .await
    }
}

endpoint! {
    "tickets/force" => pub async fn force_ticket(input: ForcedChange) -> TicketDetail {
        use crate::dto::Role;
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            tickets::force(&caller.state, caller.session()?, &input).await
        })
        .await
    }
}

endpoint! {
    /// Priority and category, by the ticket's operator or an admin.
    "tickets/edit" => pub async fn edit_ticket(input: TicketEdit) -> TicketDetail {
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::AnyRole, |caller| async move {
            tickets::edit(&caller.state, caller.session()?, &input).await
        })
        .await
    }
}

endpoint! {
    /// Full-text search over the tickets the caller may see.
    "tickets/search" => pub async fn search_tickets(words: String) -> TicketPage {
        use crate::server::{access::Policy, gateway, tickets};
        gateway::run(Policy::AnyRole, |caller| async move {
            tickets::search(&caller.state, caller.session()?, &words).await
        })
        .await
    }
}
