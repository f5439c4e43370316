//! Installation settings: the company name every app shows.

use crate::dto::PublicSettings;

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
