//! Tickets: open one, list, view, move through the statuses, talk, and (admins) force.

use crate::dto::{
    ForcedChange, NewTicket, TicketDetail, TicketEdit, TicketMessage, TicketMove, TicketPage,
    TicketQuery,
};

endpoint! {
    "tickets/create" for Client => pub async fn create_ticket(input: NewTicket) -> TicketDetail |caller| {
        use crate::server::tickets;
        tickets::create(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    "tickets/list" for AnyRole => pub async fn list_tickets(query: TicketQuery) -> TicketPage |caller| {
        use crate::server::tickets;
        tickets::list(&caller.state, caller.session()?, &query).await
    }
}

endpoint! {
    "tickets/view" for AnyRole => pub async fn view_ticket(ticket_id: i64) -> TicketDetail |caller| {
        use crate::server::tickets;
        tickets::view(&caller.state, caller.session()?, ticket_id).await
    }
}

endpoint! {
    "tickets/move" for AnyRole => pub async fn move_ticket(input: TicketMove) -> TicketDetail |caller| {
        use crate::server::tickets;
        tickets::make_move(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    "tickets/post" for AnyRole => pub async fn post_message(input: TicketMessage) -> TicketDetail |caller| {
        use crate::server::tickets;
        tickets::post(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    "tickets/force" for Admin => pub async fn force_ticket(input: ForcedChange) -> TicketDetail |caller| {
        use crate::server::tickets;
        let detail = tickets::force(&caller.state, caller.session()?, &input).await?;
        let what = format!("{}: {}", input.status.as_str(), input.reason.trim());
        caller.audit(crate::audit::Action::TicketForced, Some(input.ticket_id), &what).await?;
        Ok(detail)
    }
}

endpoint! {
    /// Priority and category, by the ticket's operator or an admin.
    "tickets/edit" for AnyRole => pub async fn edit_ticket(input: TicketEdit) -> TicketDetail |caller| {
        use crate::server::tickets;
        tickets::edit(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// Full-text search over the tickets the caller may see.
    "tickets/search" for AnyRole => pub async fn search_tickets(words: String) -> TicketPage |caller| {
        use crate::server::tickets;
        tickets::search(&caller.state, caller.session()?, &words).await
    }
}

endpoint! {
    /// The composer's preview: a text as it will read once sent (Markdown, cleaned).
    "tickets/preview" for AnyRole => pub async fn preview_text(text: String) -> String |_caller| {
        crate::server::markdown::preview(&text)
    }
}
