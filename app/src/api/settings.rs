//! Installation settings: the company name every app shows, and how tickets read to clients.

use crate::dto::{PublicSettings, TicketSettings};

endpoint! {
    "settings/public_info" for Public => pub async fn public_info() -> PublicSettings |caller| {
        use crate::server::settings;
        settings::public_info(&caller.state).await
    }
}

endpoint! {
    "settings/set_company_name" for Admin => pub async fn set_company_name(name: String) -> PublicSettings |caller| {
        use crate::server::settings;
        settings::set_company_name(&caller.state, &name).await
    }
}

endpoint! {
    "settings/ticket_settings" for Admin => pub async fn get_ticket_settings() -> TicketSettings |caller| {
        use crate::server::settings;
        settings::ticket_settings(&caller.state).await
    }
}

endpoint! {
    "settings/set_ticket_settings" for Admin => pub async fn set_ticket_settings(input: TicketSettings) -> TicketSettings |caller| {
        use crate::server::settings;
        settings::set_ticket_settings(&caller.state, &input).await
    }
}
