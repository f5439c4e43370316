//! Voice and video calls on a ticket (`server::calls`): staff ring its client (the client its
//! operator, where the admin allows it), the other side answers, either ends it. What the two
//! browsers say to each other goes over the live socket (`dto::Signal`), not through these.

use crate::dto::{Call, CallSettings, CallSetup, NewCall};

endpoint! {
    /// What a browser needs to make or take a call: the STUN/TURN servers, and whether a
    /// client may call.
    "call/setup" for AnyRole => pub async fn get_call_setup() -> CallSetup |caller| {
        crate::server::calls::setup(&caller.state).await
    }
}

endpoint! {
    /// The calls under way (ringing or answered) the caller is a side of: an app that starts
    /// or comes back rings, or goes on talking.
    "call/current" for AnyRole => pub async fn current_calls() -> Vec<Call> |caller| {
        crate::server::calls::current(&caller.state, caller.session()?).await
    }
}

endpoint! {
    /// Rings the ticket's other side.
    "call/ring" for AnyRole => pub async fn ring_call(input: NewCall) -> Call |caller| {
        crate::server::calls::ring(&caller.state, caller.session()?, &input).await
    }
}

endpoint! {
    /// The one called takes the call.
    "call/answer" for AnyRole => pub async fn answer_call(call_id: i64) -> Call |caller| {
        crate::server::calls::answer(&caller.state, caller.session()?, call_id).await
    }
}

endpoint! {
    /// Either side ends the call; ending one that rings declines it (missed).
    "call/end" for AnyRole => pub async fn end_call(call_id: i64) -> Call |caller| {
        crate::server::calls::end(&caller.state, caller.session()?, call_id).await
    }
}

endpoint! {
    "call/settings" for Admin => pub async fn get_call_settings() -> CallSettings |caller| {
        crate::server::calls::call_settings(&caller.state).await
    }
}

endpoint! {
    "call/set_settings" for Admin => pub async fn set_call_settings(input: CallSettings) -> CallSettings |caller| {
        let set = crate::server::calls::set_call_settings(&caller.state, &input).await?;
        let servers = set.ice_servers.lines().filter(|l| !l.trim().is_empty()).count();
        let detail = format!("servers: {servers}, clients may call: {}", set.clients_may_call);
        caller.audit(crate::audit::Action::CallSettingsSet, None, &detail).await?;
        Ok(set)
    }
}
