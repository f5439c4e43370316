//! E-mail: where it goes out from, a test message, and the outbox as the admin watches it;
//! each person's address and which e-mails they get.

use crate::dto::{MailChoices, MailSettings, OutboxState};

endpoint! {
    "mail/settings" for Admin => pub async fn get_mail_settings() -> MailSettings |caller| {
        crate::server::mail::settings_of(&caller.state).await
    }
}

endpoint! {
    "mail/set_settings" for Admin => pub async fn set_mail_settings(input: MailSettings) -> MailSettings |caller| {
        crate::server::mail::set_settings(&caller.state, &input).await
    }
}

endpoint! {
    /// Queues a test e-mail to `address`; the outbox tells whether it went.
    "mail/send_test" for Admin => pub async fn send_test_mail(address: String) -> OutboxState |caller| {
        use crate::server::mail;
        let address = mail::checked_address(&address)?;
        mail::outbox::queue_test(&caller.state, caller.session()?.user.id, address).await?;
        mail::outbox::state_of(&caller.state).await
    }
}

endpoint! {
    "mail/outbox" for Admin => pub async fn get_outbox() -> OutboxState |caller| {
        crate::server::mail::outbox::state_of(&caller.state).await
    }
}

endpoint! {
    "mail/choices" for SignedIn => pub async fn get_mail_choices() -> MailChoices |caller| {
        crate::server::mail::choices_of(&caller.state, caller.session()?.user.id).await
    }
}

endpoint! {
    "mail/set_choices" for SignedIn => pub async fn set_mail_choices(input: MailChoices) -> MailChoices |caller| {
        crate::server::mail::set_choices(&caller.state, caller.session()?.user.id, &input).await
    }
}
