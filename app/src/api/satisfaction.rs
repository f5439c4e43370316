//! Client satisfaction: a client rates a closed ticket; an operator reads their ratings, an
//! admin anyone's.

use crate::dto::{Rate, Ratings, TicketDetail};

endpoint! {
    /// The client's rating of their closed ticket (a later one replaces it); the ticket as the
    /// client now sees it.
    "satisfaction/rate" for Client => pub async fn rate_ticket(input: Rate) -> TicketDetail |caller| {
        use crate::server::{satisfaction, tickets};
        let session = caller.session()?;
        let ticket = satisfaction::rate(&caller.state, session, &input).await?;
        tickets::view(&caller.state, session, ticket).await
    }
}

endpoint! {
    /// How an operator's clients rated the help: their own for an operator, anyone's for an
    /// admin.
    "satisfaction/of_operator" for AnyRole => pub async fn operator_ratings(operator_id: Option<i64>) -> Ratings |caller| {
        use crate::server::{access, satisfaction};
        let operator = access::work_history(caller.session()?, operator_id)?;
        satisfaction::of_operator(&caller.state, operator).await
    }
}
