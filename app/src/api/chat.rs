//! Live chat (`server::chat`): a client starts or resumes one while operators are on duty;
//! either side ends it; its operator hands it to a colleague. Messages, files and moves are the
//! ticket's own calls (`tickets`).

use crate::dto::{ChatAvailability, ChatTransfer, Colleague, NewChat, TicketDetail};

endpoint! {
    /// Whether a chat can start now (someone is on duty), and when support is staffed.
    "chat/availability" for Client => pub async fn can_chat() -> ChatAvailability |caller| {
        crate::server::chat::availability(&caller.state).await
    }
}

endpoint! {
    /// The client's chat under way, if any: the portal resumes it.
    "chat/current" for Client => pub async fn current_chat() -> Option<i64> |caller| {
        crate::server::chat::current(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Starts a chat with the client's first words (or gives back the one under way).
    "chat/start" for Client => pub async fn start_chat(input: NewChat) -> TicketDetail |caller| {
        crate::server::tickets::start_chat(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// Ends a chat, by its client, its operator or an admin; the ticket goes on.
    "chat/end" for AnyRole => pub async fn end_chat(ticket_id: i64) -> TicketDetail |caller| {
        crate::server::tickets::end_chat(&caller.state, caller.session()?, ticket_id).await
    }
}

endpoint! {
    /// The colleagues on duty an operator may hand a chat to.
    "chat/colleagues" for Operator => pub async fn chat_colleagues() -> Vec<Colleague> |caller| {
        crate::server::chat::colleagues(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Its operator hands a chat to a colleague on duty, with a note for them; the ticket as
    /// they last held it.
    "chat/transfer" for Operator => pub async fn transfer_chat(input: ChatTransfer) -> TicketDetail |caller| {
        crate::server::tickets::transfer(&caller.state, caller.session()?, &input).await
    }
}
