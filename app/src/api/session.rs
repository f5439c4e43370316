//! Signing in and out, who am I, changing one's password.

use crate::dto::{Credentials, CurrentUser, PasswordChange};

endpoint! {
    "session/sign_in" => pub async fn sign_in(input: Credentials) -> CurrentUser {
        use crate::server::{access::Policy, auth, gateway};
        gateway::run(Policy::Public, |caller| async move {
            if let Some(old) = &caller.session {
                auth::end_session(&caller.state, &old.token_hash).await?;
            }
            let (me, token) = auth::sign_in(&caller.state, caller.ip, &input).await?;
            caller.set_session_cookie(&token);
            Ok(me)
        })
        .await
    }
}

endpoint! {
    "session/sign_out" => pub async fn sign_out() -> () {
        use crate::server::{access::Policy, auth, gateway};
        gateway::run(Policy::Public, |caller| async move {
            if let Some(session) = &caller.session {
                auth::end_session(&caller.state, &session.token_hash).await?;
            }
            caller.clear_session_cookie();
            Ok(())
        })
        .await
    }
}

endpoint! {
    /// The signed-in user; `Unauthenticated` when there is none.
    "session/me" => pub async fn me() -> CurrentUser {
        use crate::server::{access::Policy, gateway};
        gateway::run(Policy::SignedIn, |caller| async move {
            caller.session()?.user.me()
        })
        .await
    }
}

endpoint! {
    "session/change_password" => pub async fn change_password(input: PasswordChange) -> CurrentUser {
        use crate::server::{access::Policy, auth, gateway};
        gateway::run(Policy::SignedIn, |caller| async move {
            let session = caller.session()?;
            auth::change_password(&caller.state, session, &input).await?;
            let mut me = session.user.me()?;
            me.must_change_password = false;
            Ok(me)
        })
        .await
    }
}
