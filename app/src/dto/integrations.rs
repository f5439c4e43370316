//! The wire's types of API tokens and webhooks.

use serde::{Deserialize, Serialize};

/// An API token as its account's owner and the admins see it: never its secret.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    /// The account it acts as, and its username.
    pub account_id: i64,
    pub account: String,
    pub scopes: Vec<crate::tokens::Scope>,
    pub created_at: i64,
    /// Who made it (username): the account's owner, or an admin.
    pub created_by: String,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub last_used_from: Option<String>,
    pub revoked_at: Option<i64>,
}

/// A token to make: for oneself, or (admins) for the account an integration acts as.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NewApiToken {
    pub name: String,
    pub scopes: Vec<crate::tokens::Scope>,
    /// 1 to `tokens::MAX_DAYS`; none: it never expires.
    pub expires_in_days: Option<i64>,
    /// None: the caller's own account.
    #[serde(default)]
    pub account_id: Option<i64>,
}

/// A token just made, with its secret: the one answer that carries a secret, shown once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// A webhook as the admin sees it: never its secret.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    pub topics: Vec<crate::webhooks::Topic>,
    /// A loopback, link-local or private address was allowed for it.
    pub allow_private: bool,
    pub created_at: i64,
    pub created_by: String,
    /// Attempts failed in a row.
    pub failing: i64,
    /// Paused since; its deliveries wait.
    pub paused_at: Option<i64>,
    /// Paused by the sender because it kept failing (not by an admin).
    pub paused_by_failures: bool,
    /// Deliveries waiting to be sent, and given up.
    pub waiting: i64,
    pub failed: i64,
}

/// A webhook to register.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct NewWebhook {
    pub url: String,
    pub topics: Vec<crate::webhooks::Topic>,
    /// Allow an address on this machine or a private network (refused otherwise).
    #[serde(default)]
    pub allow_private: bool,
}

/// A webhook just registered, with the secret its deliveries are signed with, shown once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct IssuedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// One delivery of a webhook, with every attempt to post it, newest first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WebhookDelivery {
    pub id: i64,
    pub topic: crate::webhooks::Topic,
    pub ticket_id: i64,
    pub at: i64,
    pub delivered_at: Option<i64>,
    pub failed_at: Option<i64>,
    /// When it is tried next, while it waits.
    pub next_at: Option<i64>,
    pub attempts: Vec<WebhookAttempt>,
}

/// One post of a delivery: the receiver's HTTP status (none: it did not answer), how long it
/// took, and why it failed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct WebhookAttempt {
    pub at: i64,
    pub status: Option<i64>,
    pub ms: i64,
    pub error: Option<String>,
}
