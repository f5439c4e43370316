//! API tokens for the REST API: one's own, and (admins) every token, an integration's among them.

use crate::dto::{ApiToken, IssuedToken, NewApiToken};

endpoint! {
    /// The tokens acting as the caller; for an admin with `all`, every token.
    "tokens/list" for AnyRole => pub async fn list_api_tokens(all: bool) -> Vec<ApiToken> |caller| {
        crate::server::tokens::list(&caller.state, caller.session()?, all).await
    }
}

endpoint! {
    /// Makes a token and answers its secret, this once.
    "tokens/create" for AnyRole => pub async fn create_api_token(input: NewApiToken) -> IssuedToken |caller| {
        let issued = crate::server::tokens::create(&caller.state, caller.session()?, &input).await?;
        let token = &issued.token;
        let scopes = crate::codes::join(&token.scopes);
        let what = format!("{} ({}) as {}: {scopes}", token.name, token.id, token.account);
        caller.audit(crate::audit::Action::ApiTokenCreated, Some(token.account_id), &what).await?;
        Ok(issued)
    }
}

endpoint! {
    "tokens/revoke" for AnyRole => pub async fn revoke_api_token(id: i64) -> ApiToken |caller| {
        let token = crate::server::tokens::revoke(&caller.state, caller.session()?, id).await?;
        let what = format!("{} ({}) as {}", token.name, token.id, token.account);
        caller.audit(crate::audit::Action::ApiTokenRevoked, Some(token.account_id), &what).await?;
        Ok(token)
    }
}
