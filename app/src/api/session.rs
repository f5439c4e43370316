//! Signing in and out, who am I, changing one's password.

use crate::dto::{Credentials, CurrentUser, PasswordChange, SessionInfo};
use crate::i18n::Lang;

endpoint! {
    "session/sign_in" for Public => pub async fn sign_in(input: Credentials) -> CurrentUser |caller| {
        use crate::server::{audit, auth, sign_in};
        use crate::audit::Action;
        use crate::error::{AppError, Field};
        // A failed sign-in leaves the session this browser had alone; a new one replaces it.
        let signed = sign_in::sign_in(&caller.state, caller.ip, &caller.agent, &input).await;
        let act = match &signed {
            Ok(_) => Some(Action::SignedIn),
            Err(AppError::TooManyAttempts { .. }) => Some(Action::SignInLocked),
            Err(AppError::WrongCredentials | AppError::AccountDisabled | AppError::OneTimePasswordExpired) => Some(Action::SignInFailed),
            Err(AppError::Invalid { field: Field::Code, .. }) => Some(Action::SignInFailed),
            Err(_) => None,
        };
        if let Some(act) = act {
            let actor = audit::Actor {
                id: signed.as_ref().ok().map(|(me, _)| me.id),
                name: input.username.trim().to_lowercase(),
                address: caller.ip.to_string(),
            };
            let detail = signed.as_ref().err().map(AppError::code).unwrap_or_default();
            audit::record(&caller.state, &actor, act, None, detail).await?;
        }
        let (me, token) = signed?;
        if let Some(old) = &caller.session {
            auth::end_session(&caller.state, &old.token_hash).await?;
        }
        caller.set_session_cookie(&token);
        Ok(me)
    }
}

endpoint! {
    "session/sign_out" for Public => pub async fn sign_out() -> () |caller| {
        use crate::server::auth;
        if let Some(session) = &caller.session {
            auth::end_session(&caller.state, &session.token_hash).await?;
        }
        caller.clear_session_cookie();
        Ok(())
    }
}

endpoint! {
    /// The signed-in user; `Unauthenticated` when there is none.
    "session/me" for SignedIn => pub async fn me() -> CurrentUser |caller| {
        caller.session()?.user.me()
    }
}

endpoint! {
    "session/change_password" for SignedIn => pub async fn change_password(input: PasswordChange) -> CurrentUser |caller| {
        use crate::server::auth;
        let session = caller.session()?;
        auth::change_password(&caller.state, session, &input).await?;
        caller.audit(crate::audit::Action::PasswordChanged, None, "").await?;
        let mut me = session.user.me()?;
        me.must_change_password = false;
        Ok(me)
    }
}

endpoint! {
    /// The language the person reads the apps in: their e-mail is written in it.
    "session/set_language" for SignedIn => pub async fn set_language(lang: Lang) -> () |caller| {
        crate::server::accounts::set_language(&caller.state, caller.session()?.user.id, lang).await
    }
}

endpoint! {
    /// The caller's sessions: browser, address, when signed in and last active.
    "session/list" for SignedIn => pub async fn my_sessions() -> Vec<SessionInfo> |caller| {
        crate::server::sessions::list(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Ends one of the caller's other sessions (`handle`), or all of them (none); the sessions
    /// left.
    "session/end" for SignedIn => pub async fn end_sessions(handle: Option<String>) -> Vec<SessionInfo> |caller| {
        crate::server::sessions::end(&caller.state, caller.session()?, handle.as_deref()).await
    }
}
