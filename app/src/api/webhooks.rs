//! Webhooks (admins): registered, paused and resumed, deleted; their deliveries seen and sent
//! again.

use crate::dto::{IssuedWebhook, NewWebhook, Webhook, WebhookDelivery};

endpoint! {
    "webhooks/list" for Admin => pub async fn list_webhooks() -> Vec<Webhook> |caller| {
        crate::server::webhooks::list(&caller.state).await
    }
}

endpoint! {
    /// Registers a webhook and answers the secret its deliveries are signed with, this once.
    "webhooks/create" for Admin => pub async fn create_webhook(input: NewWebhook) -> IssuedWebhook |caller| {
        let issued = crate::server::webhooks::create(&caller.state, caller.session()?, &input).await?;
        let hook = &issued.webhook;
        let topics = crate::codes::join(&hook.topics);
        let what = format!("{} ({}): {topics}", hook.url, hook.id);
        caller.audit(crate::audit::Action::WebhookCreated, None, &what).await?;
        Ok(issued)
    }
}

endpoint! {
    /// Pauses a webhook (its deliveries wait) or resumes it (they go now).
    "webhooks/set_paused" for Admin => pub async fn set_webhook_paused(id: i64, paused: bool) -> Webhook |caller| {
        let hook = crate::server::webhooks::set_paused(&caller.state, id, paused).await?;
        let action = if paused {
            crate::audit::Action::WebhookPaused
        } else {
            crate::audit::Action::WebhookResumed
        };
        caller.audit(action, None, &format!("{} ({})", hook.url, hook.id)).await?;
        Ok(hook)
    }
}

endpoint! {
    "webhooks/delete" for Admin => pub async fn delete_webhook(id: i64) -> Webhook |caller| {
        let hook = crate::server::webhooks::delete(&caller.state, id).await?;
        caller.audit(crate::audit::Action::WebhookDeleted, None, &format!("{} ({})", hook.url, hook.id)).await?;
        Ok(hook)
    }
}

endpoint! {
    /// A webhook's latest deliveries with their attempts, newest first.
    "webhooks/deliveries" for Admin => pub async fn webhook_deliveries(id: i64) -> Vec<WebhookDelivery> |caller| {
        crate::server::webhooks::deliveries(&caller.state, id).await
    }
}

endpoint! {
    /// Sends a delivery again, now; its webhook.
    "webhooks/redeliver" for Admin => pub async fn redeliver_webhook(delivery_id: i64) -> Webhook |caller| {
        let hook = crate::server::webhooks::redeliver(&caller.state, delivery_id).await?;
        let what = format!("{} ({}): delivery {delivery_id}", hook.url, hook.id);
        caller.audit(crate::audit::Action::WebhookRedelivered, None, &what).await?;
        Ok(hook)
    }
}
