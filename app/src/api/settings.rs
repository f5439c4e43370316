//! Installation settings: the company name every app shows.

use crate::dto::PublicSettings;

endpoint! {
    "settings/public_info" => pub async fn public_info() -> PublicSettings {
        use crate::server::{access::Policy, gateway, settings};
        gateway::run(Policy::Public, |caller| async move {
            settings::public_info(&caller.state).await
        })
        .await
    }
}

endpoint! {
    "settings/set_company_name" => pub async fn set_company_name(name: String) -> PublicSettings {
        use crate::dto::Role;
        use crate::server::{access::Policy, gateway, settings};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            settings::set_company_name(&caller.state, &name).await
        })
        .await
    }
}
