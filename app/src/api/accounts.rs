//! Account administration: list, create, reset a password, disable or enable.

use crate::dto::{Account, AccountList, IssuedCredentials, NewAccount, SetDisabled};
use crate::error::AppError;
use leptos::server;
use server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "accounts/overview", input = Json)]
pub async fn accounts_overview() -> Result<AccountList, AppError> {
    use crate::dto::Role;
    use crate::server::{access::Policy, accounts, gateway};
    gateway::run(Policy::Role(Role::Admin), |caller| async move {
        accounts::overview(&caller.state).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "accounts/create", input = Json)]
pub async fn create_account(input: NewAccount) -> Result<IssuedCredentials, AppError> {
    use crate::dto::Role;
    use crate::server::{access::Policy, accounts, gateway};
    gateway::run(Policy::Role(Role::Admin), |caller| async move {
        accounts::create(&caller.state, &input).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "accounts/reset_password", input = Json)]
pub async fn reset_password(account_id: i64) -> Result<IssuedCredentials, AppError> {
    use crate::dto::Role;
    use crate::server::{access, accounts, gateway};
    gateway::run(access::Policy::Role(Role::Admin), |caller| async move {
        access::manage_account(caller.session()?, account_id)?;
        accounts::reset_password(&caller.state, account_id).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "accounts/set_disabled", input = Json)]
pub async fn set_account_disabled(input: SetDisabled) -> Result<Account, AppError> {
    use crate::dto::Role;
    use crate::server::{access, accounts, gateway};
    gateway::run(access::Policy::Role(Role::Admin), |caller| async move {
        access::manage_account(caller.session()?, input.account_id)?;
        accounts::set_disabled(&caller.state, input.account_id, input.disabled).await
    })
    .await
}
