//! The audit log's acts, typed. Every privileged act — signing in (or failing to), changing
//! one's password or second factor, each use of an admin's powers, the machine's own commands —
//! is one `Action` row of `audit_log`, append-only like the ticket history: `server::audit`
//! writes and reads it, `i18n::action_text` names each act in every language.

use serde::{Deserialize, Serialize};

macro_rules! actions {
    ($($name:ident = $code:literal,)*) => {
        /// One kind of act; stored as its code.
        #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($name,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$name,)*];

            /// The code stored in `audit_log.action` (and sent: the same as serde's name).
            pub const fn code(self) -> &'static str {
                match self {
                    $(Action::$name => $code,)*
                }
            }
        }
    };
}

actions! {
    SignedIn = "signed_in",
    SignInFailed = "sign_in_failed",
    SignInLocked = "sign_in_locked",
    PasswordChanged = "password_changed",
    SecondFactorOn = "second_factor_on",
    SecondFactorOff = "second_factor_off",
    RecoveryCodesRenewed = "recovery_codes_renewed",
    AccountCreated = "account_created",
    PasswordReset = "password_reset",
    AccountDisabled = "account_disabled",
    AccountEnabled = "account_enabled",
    SecondFactorReset = "second_factor_reset",
    TwoFactorRolesSet = "two_factor_roles_set",
    LicenceInstalled = "licence_installed",
    PlanSet = "plan_set",
    CategorySaved = "category_saved",
    SectionSaved = "section_saved",
    PublisherSet = "publisher_set",
    CompanyNameSet = "company_name_set",
    TicketSettingsSet = "ticket_settings_set",
    CallSettingsSet = "call_settings_set",
    ServiceLevelsSet = "service_levels_set",
    MailSettingsSet = "mail_settings_set",
    TestMailSent = "test_mail_sent",
    MailboxChecked = "mailbox_checked",
    HeldMailAccepted = "held_mail_accepted",
    HeldMailDropped = "held_mail_dropped",
    ReportSaved = "report_saved",
    ReportDeleted = "report_deleted",
    TicketForced = "ticket_forced",
    FilesKeyRotated = "files_key_rotated",
    DataImported = "data_imported",
    DataExported = "data_exported",
    ClientDataExported = "client_data_exported",
    ClientErased = "client_erased",
    RetentionSet = "retention_set",
    PrivacyNoticeSet = "privacy_notice_set",
    ApiTokenCreated = "api_token_created",
    ApiTokenRevoked = "api_token_revoked",
    WebhookCreated = "webhook_created",
    WebhookPaused = "webhook_paused",
    WebhookResumed = "webhook_resumed",
    WebhookDeleted = "webhook_deleted",
    WebhookRedelivered = "webhook_redelivered",
}

impl Action {
    /// The acts done to one account: their target is the account, their detail names it.
    pub const ON_ACCOUNTS: &'static [Action] = &[
        Action::AccountCreated,
        Action::PasswordReset,
        Action::AccountDisabled,
        Action::AccountEnabled,
        Action::SecondFactorReset,
    ];

    pub fn parse(code: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.code() == code)
    }
}

/// One row of the audit log as the admin reads it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix milliseconds.
    pub at: i64,
    /// The account that acted; none for the machine's commands and for sign-ins that failed.
    pub actor_id: Option<i64>,
    /// Its username then, or the name tried at a failed sign-in; empty for the machine.
    pub actor: String,
    /// The address the request came from; empty for the machine.
    pub address: String,
    pub action: Action,
    /// The account, ticket, category … acted on, by id.
    pub target_id: Option<i64>,
    /// What changed, as the server wrote it (a username, a status and reason, roles …).
    pub detail: String,
}

/// Which rows to read: newest first, `before` an id for the next page.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<Action>,
    /// Part of the actor's username.
    pub actor: Option<String>,
    /// Unix milliseconds, from (inclusive) and to (exclusive).
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub before: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Whether older rows match too.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_act_travels_and_is_stored_as_its_code() {
        for &action in Action::ALL {
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                serde_json::json!(action.code())
            );
            assert_eq!(Action::parse(action.code()), Some(action));
        }
        assert_eq!(Action::parse("nothing"), None);
    }
}
