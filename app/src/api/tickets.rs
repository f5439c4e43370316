//! Tickets: open one, list, view, move through the statuses, talk, and (admins) force.

use crate::dto::{
    ForcedChange, NewTicket, TicketDetail, TicketEdit, TicketMessage, TicketMove, TicketPage,
    TicketQuery,
};
use crate::error::AppError;
use leptos::server;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "tickets/create", input = Json)]
pub async fn create_ticket(input: NewTicket) -> Result<TicketDetail, AppError> {
    use crate::dto::Role;
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::Role(Role::Client), |caller| async move {
        tickets::create(&caller.state, caller.session()?, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "tickets/list", input = Json)]
pub async fn list_tickets(query: TicketQuery) -> Result<TicketPage, AppError> {
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::AnyRole, |caller| async move {
        tickets::list(&caller.state, caller.session()?, &query).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "tickets/view", input = Json)]
pub async fn view_ticket(ticket_id: i64) -> Result<TicketDetail, AppError> {
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::AnyRole, |caller| async move {
        tickets::view(&caller.state, caller.session()?, ticket_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "tickets/move", input = Json)]
pub async fn move_ticket(input: TicketMove) -> Result<TicketDetail, AppError> {
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::AnyRole, |caller| async move {
        tickets::make_move(&caller.state, caller.session()?, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "tickets/post", input = Json)]
pub async fn post_message(input: TicketMessage) -> Result<TicketDetail, AppError> {
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::AnyRole, |caller| async move {
        tickets::post(&caller.state, caller.session()?, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "tickets/force", input = Json)]
pub async fn force_ticket(input: ForcedChange) -> Result<TicketDetail, AppError> {
    use crate::dto::Role;
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::Role(Role::Admin), |caller| async move {
        tickets::force(&caller.state, caller.session()?, &input).await
    })
    .await
}

/// Priority and category, by the ticket's operator or an admin.
#[server(prefix = "/api", endpoint = "tickets/edit", input = Json)]
pub async fn edit_ticket(input: TicketEdit) -> Result<TicketDetail, AppError> {
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::AnyRole, |caller| async move {
        tickets::edit(&caller.state, caller.session()?, &input).await
    })
    .await
}

/// Full-text search over the tickets the caller may see.
#[server(prefix = "/api", endpoint = "tickets/search", input = Json)]
pub async fn search_tickets(words: String) -> Result<TicketPage, AppError> {
    use crate::server::{access::Policy, gateway, tickets};
    gateway::run(Policy::AnyRole, |caller| async move {
        tickets::search(&caller.state, caller.session()?, &words).await
    })
    .await
}
