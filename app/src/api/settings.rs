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
        let public = settings::set_company_name(&caller.state, &name).await?;
        let detail = public.company_name.clone().unwrap_or_default();
        caller.audit(crate::audit::Action::CompanyNameSet, None, &detail).await?;
        Ok(public)
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
        let set = settings::set_ticket_settings(&caller.state, &input).await?;
        let detail = format!("reasons shown to clients: {}, solution days: {}", set.forced_reasons_to_clients, set.solution_days);
        caller.audit(crate::audit::Action::TicketSettingsSet, None, &detail).await?;
        Ok(set)
    }
}
