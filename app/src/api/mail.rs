//! E-mail: the mail servers, a test message, and the outbox as the admin watches it; mail held
//! from the support mailbox; each person's address and which e-mails they get.

use crate::dto::{AcceptedMail, HeldMail, MailChoices, MailSettings, OutboxState};

endpoint! {
    "mail/settings" for Admin => pub async fn get_mail_settings() -> MailSettings |caller| {
        crate::server::mail::settings_of(&caller.state).await
    }
}

endpoint! {
    "mail/set_settings" for Admin => pub async fn set_mail_settings(input: MailSettings) -> MailSettings |caller| {
        let settings = crate::server::mail::set_settings(&caller.state, &input).await?;
        caller.audit(crate::audit::Action::MailSettingsSet, None, &settings.from).await?;
        Ok(settings)
    }
}

endpoint! {
    /// Queues a test e-mail to `address`; the outbox tells whether it went.
    "mail/send_test" for Admin => pub async fn send_test_mail(address: String) -> OutboxState |caller| {
        use crate::server::mail;
        let address = mail::checked_address(&address)?;
        mail::outbox::queue_test(&caller.state, caller.session()?.user.id, address.clone()).await?;
        caller.audit(crate::audit::Action::TestMailSent, None, &address).await?;
        mail::outbox::state_of(&caller.state).await
    }
}

endpoint! {
    "mail/outbox" for Admin => pub async fn get_outbox() -> OutboxState |caller| {
        crate::server::mail::outbox::state_of(&caller.state).await
    }
}

endpoint! {
    "mail/choices" for AnyRole => pub async fn get_mail_choices() -> MailChoices |caller| {
        crate::server::mail::choices_of(&caller.state, caller.session()?.user.id).await
    }
}

endpoint! {
    "mail/set_choices" for AnyRole => pub async fn set_mail_choices(input: MailChoices) -> MailChoices |caller| {
        crate::server::mail::set_choices(&caller.state, caller.session()?.user.id, &input).await
    }
}

endpoint! {
    /// Fetches the support mailbox now (as the fetcher does by itself); how many messages were
    /// new. Says why when the mailbox cannot be reached.
    "mail/fetch_now" for Admin => pub async fn fetch_mail_now() -> usize |caller| {
        let fetched = crate::server::inbox::fetch_once(&caller.state).await?;
        caller.audit(crate::audit::Action::MailboxChecked, None, &fetched.to_string()).await?;
        Ok(fetched)
    }
}

endpoint! {
    "mail/held" for Admin => pub async fn get_held_mail() -> Vec<HeldMail> |caller| {
        crate::server::inbox::quarantine::list(&caller.state).await
    }
}

endpoint! {
    /// Opens a ticket from held mail; a client account named `full_name` is made for its
    /// sender when the address has none.
    "mail/accept_held" for Admin => pub async fn accept_held_mail(id: i64, full_name: String) -> AcceptedMail |caller| {
        let accepted = crate::server::inbox::quarantine::accept(&caller.state, id, &full_name).await?;
        let detail = format!("T-{:06}", accepted.ticket_id);
        caller.audit(crate::audit::Action::HeldMailAccepted, Some(id), &detail).await?;
        Ok(accepted)
    }
}

endpoint! {
    "mail/drop_held" for Admin => pub async fn drop_held_mail(id: i64) -> Vec<HeldMail> |caller| {
        use crate::server::inbox::quarantine;
        quarantine::drop(&caller.state, id).await?;
        caller.audit(crate::audit::Action::HeldMailDropped, Some(id), "").await?;
        quarantine::list(&caller.state).await
    }
}
