//! Installation settings: the company name every app shows.

use crate::dto::PublicSettings;
use crate::error::AppError;
use leptos::server;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/public_info", input = Json)]
pub async fn public_info() -> Result<PublicSettings, AppError> {
    use crate::server::{access::Policy, gateway, settings};
    gateway::run(Policy::Public, |caller| async move {
        settings::public_info(&caller.state).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "settings/set_company_name", input = Json)]
pub async fn set_company_name(name: String) -> Result<PublicSettings, AppError> {
    use crate::dto::Role;
    use crate::server::{access::Policy, gateway, settings};
    gateway::run(Policy::Role(Role::Admin), |caller| async move {
        settings::set_company_name(&caller.state, &name).await
    })
    .await
}
