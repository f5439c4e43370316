//! Account administration: list, create, reset a password or a second factor, disable or
//! enable.

#[cfg(feature = "ssr")]
use crate::audit::Action;
use crate::dto::{Account, AccountList, IssuedCredentials, NewAccount, SetDisabled};

endpoint! {
    "accounts/overview" for Admin => pub async fn accounts_overview() -> AccountList |caller| {
        use crate::server::accounts;
        accounts::overview(&caller.state).await
    }
}

endpoint! {
    "accounts/create" for Admin => pub async fn create_account(input: NewAccount) -> IssuedCredentials |caller| {
        use crate::server::accounts;
        let issued = accounts::create(&caller.state, &input).await?;
        let detail = format!("{} ({})", issued.account.username, input.role.as_str());
        caller.audit(Action::AccountCreated, Some(issued.account.id), &detail).await?;
        Ok(issued)
    }
}

endpoint! {
    "accounts/reset_password" for Admin => pub async fn reset_password(account_id: i64) -> IssuedCredentials |caller| {
        use crate::server::{access, accounts};
        access::manage_account(caller.session()?, account_id)?;
        let issued = accounts::reset_password(&caller.state, account_id).await?;
        caller.audit(Action::PasswordReset, Some(account_id), &issued.account.username).await?;
        Ok(issued)
    }
}

endpoint! {
    "accounts/set_disabled" for Admin => pub async fn set_account_disabled(input: SetDisabled) -> Account |caller| {
        use crate::server::{access, accounts};
        access::manage_account(caller.session()?, input.account_id)?;
        let account = accounts::set_disabled(&caller.state, input.account_id, input.disabled).await?;
        let act = if input.disabled { Action::AccountDisabled } else { Action::AccountEnabled };
        caller.audit(act, Some(account.id), &account.username).await?;
        Ok(account)
    }
}

endpoint! {
    /// Installs a signed licence (its text), in place of the one before.
    "accounts/install_licence" for Admin => pub async fn install_licence(text: String) -> AccountList |caller| {
        use crate::server::{accounts, licence};
        licence::install(&caller.state, &text).await?;
        let list = accounts::overview(&caller.state).await?;
        let licensee = list.licence.as_ref().map(|l| l.licensee.clone()).unwrap_or_default();
        caller.audit(Action::LicenceInstalled, None, &licensee).await?;
        Ok(list)
    }
}

endpoint! {
    /// Removes an account's second factor (a lost phone): it signs in with its password alone
    /// until it sets up a new one.
    "accounts/reset_second_factor" for Admin => pub async fn reset_second_factor(account_id: i64) -> Account |caller| {
        use crate::server::{access, accounts, two_factor};
        access::manage_account(caller.session()?, account_id)?;
        let account = accounts::account(&caller.state, account_id).await?;
        two_factor::reset(&caller.state, account.id).await?;
        caller.audit(Action::SecondFactorReset, Some(account.id), &account.username).await?;
        accounts::account(&caller.state, account_id).await
    }
}
