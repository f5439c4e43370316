//! Account administration: list, create, reset a password, disable or enable.

use crate::dto::{Account, AccountList, IssuedCredentials, NewAccount, SetDisabled};

endpoint! {
    "accounts/overview" => pub async fn accounts_overview() -> AccountList {
        use crate::dto::Role;
        use crate::server::{access::Policy, accounts, gateway};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            accounts::overview(&caller.state).await
        })
        .await
    }
}

endpoint! {
    "accounts/create" => pub async fn create_account(input: NewAccount) -> IssuedCredentials {
        use crate::dto::Role;
        use crate::server::{access::Policy, accounts, gateway};
        gateway::run(Policy::Role(Role::Admin), |caller| async move {
            accounts::create(&caller.state, &input).await
        })
        .await
    }
}

endpoint! {
    "accounts/reset_password" => pub async fn reset_password(account_id: i64) -> IssuedCredentials {
        use crate::dto::Role;
        use crate::server::{access, accounts, gateway};
        gateway::run(access::Policy::Role(Role::Admin), |caller| async move {
            access::manage_account(caller.session()?, account_id)?;
            accounts::reset_password(&caller.state, account_id).await
        })
        .await
    }
}

endpoint! {
    "accounts/set_disabled" => pub async fn set_account_disabled(input: SetDisabled) -> Account {
        use crate::dto::Role;
        use crate::server::{access, accounts, gateway};
        gateway::run(access::Policy::Role(Role::Admin), |caller| async move {
            access::manage_account(caller.session()?, input.account_id)?;
            accounts::set_disabled(&caller.state, input.account_id, input.disabled).await
        })
        .await
    }
}
