//! E-mail out. A change's ticket events decide who is told what (`notify`, called by the history
//! writer inside the change's transaction), as rows of the `outbox`; a sender task delivers them
//! over SMTP (`outbox`), written in each person's language at the time of sending (`compose`,
//! with the texts in `texts`). The SMTP server, sender and reply-to addresses are settings the
//! admin changes in the console; `salter serve --smtp-url …` sets them at each start.

pub mod compose;
pub mod notify;
pub mod outbox;
pub mod texts;

use super::settings;
use super::AppState;
use crate::dto::limits::EMAIL_MAX;
use crate::dto::{MailChoices, MailSettings, Notice};
use crate::error::{AppError, Field, Problem};

/// Of two notices for one person at one moment, the one sent is the weightier: a reply that
/// also returns the ticket is told as "returned" (quoting the reply).
pub const fn weight(notice: Notice) -> i64 {
    match notice {
        Notice::Test | Notice::Received | Notice::Assigned => 1,
        Notice::Answered | Notice::ClientAnswered => 2,
        Notice::Returned | Notice::Proposed => 3,
        Notice::Closed | Notice::Reopened => 4,
    }
}

/// A person's address and the notices they turned off.
pub async fn choices_of(state: &AppState, user: i64) -> Result<MailChoices, AppError> {
    let (email, muted): (Option<String>, String) =
        sqlx::query_as("SELECT email, mail_muted FROM users WHERE id = $1")
            .bind(user)
            .fetch_one(&state.db.pool)
            .await?;
    Ok(MailChoices {
        email: email.unwrap_or_default(),
        off: muted.split(',').filter_map(Notice::parse).collect(),
    })
}

/// A person sets their own address (checked as the admin's form checks it; empty: none, and no
/// e-mail) and the notices they do not want.
pub async fn set_choices(
    state: &AppState,
    user: i64,
    input: &MailChoices,
) -> Result<MailChoices, AppError> {
    let email = super::accounts::clean_email(Some(&input.email))?;
    let muted: Vec<&str> = input.off.iter().map(|n| n.code()).collect();
    let muted = muted.join(",");
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET email = $2, mail_muted = $3 WHERE id = $1")
                    .bind(user)
                    .bind(email)
                    .bind(muted)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            })
        })
        .await?;
    choices_of(state, user).await
}

const SMTP_URL: &str = "smtp_url";
const MAIL_FROM: &str = "mail_from";
const MAIL_REPLY_TO: &str = "mail_reply_to";

/// Where e-mail goes out, as the settings hold it; `None` where unset (e-mail then waits).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Smtp {
    /// `smtp://[user:password@]host[:port][?tls=required]` (STARTTLS when asked) or
    /// `smtps://…` (TLS from the start), as `lettre` reads it.
    pub url: Option<String>,
    pub from: Option<String>,
    pub reply_to: Option<String>,
}

pub async fn smtp(state: &AppState) -> Result<Smtp, AppError> {
    Ok(Smtp {
        url: settings::get(state, SMTP_URL).await?,
        from: settings::get(state, MAIL_FROM).await?,
        reply_to: settings::get(state, MAIL_REPLY_TO).await?,
    })
}

/// The URL without its password, for showing.
fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("********"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// The mail settings as the admin sees them (the password never leaves the server).
pub async fn settings_of(state: &AppState) -> Result<MailSettings, AppError> {
    let smtp = smtp(state).await?;
    Ok(MailSettings {
        smtp_url: smtp.url.as_deref().map(shown).unwrap_or_default(),
        from: smtp.from.unwrap_or_default(),
        reply_to: smtp.reply_to.unwrap_or_default(),
    })
}

fn address(field: Field, text: &str) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > EMAIL_MAX || text.parse::<lettre::Address>().is_err() {
        return Err(AppError::invalid(field, Problem::Malformed));
    }
    Ok(Some(text.to_string()))
}

/// An address to send to, or the reason it is not one.
pub fn checked_address(text: &str) -> Result<String, AppError> {
    address(Field::Email, text)?.ok_or(AppError::invalid(Field::Email, Problem::Required))
}

/// Checks and stores new mail settings. An URL shown with its password hidden keeps the stored
/// password. Empty fields clear the setting.
pub async fn set_settings(
    state: &AppState,
    input: &MailSettings,
) -> Result<MailSettings, AppError> {
    let url = input.smtp_url.trim();
    let url = if url.is_empty() {
        None
    } else {
        let old = smtp(state).await?.url;
        let url = match (&old, url::Url::parse(url)) {
            (Some(old), Ok(new)) if new.password() == Some("********") => {
                let mut keep = new.clone();
                let password = url::Url::parse(old)
                    .ok()
                    .and_then(|o| o.password().map(str::to_string));
                let _ = keep.set_password(password.as_deref());
                keep.to_string()
            }
            _ => url.to_string(),
        };
        transport(&url)?;
        Some(url)
    };
    let from = address(Field::MailFrom, &input.from)?;
    let reply_to = address(Field::MailReplyTo, &input.reply_to)?;
    store(
        state,
        Smtp {
            url,
            from,
            reply_to,
        },
    )
    .await?;
    settings_of(state).await
}

/// The flags given to `salter serve`, each in place of its setting (checked as the console's).
pub async fn set_from_flags(state: &AppState, flags: Smtp) -> Result<(), AppError> {
    let mut smtp = smtp(state).await?;
    if let Some(url) = flags.url {
        transport(&url)?;
        smtp.url = Some(url);
    }
    if let Some(from) = flags.from {
        smtp.from = address(Field::MailFrom, &from)?;
    }
    if let Some(reply_to) = flags.reply_to {
        smtp.reply_to = address(Field::MailReplyTo, &reply_to)?;
    }
    store(state, smtp).await
}

/// Writes all three settings; `None` clears one.
async fn store(state: &AppState, smtp: Smtp) -> Result<(), AppError> {
    for (key, value) in [
        (SMTP_URL, smtp.url),
        (MAIL_FROM, smtp.from),
        (MAIL_REPLY_TO, smtp.reply_to),
    ] {
        match value {
            Some(value) => settings::put(state, key, value).await?,
            None => settings::clear(state, key).await?,
        }
    }
    Ok(())
}

pub type Transport = lettre::AsyncSmtpTransport<lettre::Tokio1Executor>;

/// The SMTP connection an URL describes; refused with a clear reason when it is not one.
pub fn transport(url: &str) -> Result<Transport, AppError> {
    let builder = Transport::from_url(url)
        .map_err(|_| AppError::invalid(Field::SmtpUrl, Problem::Malformed))?;
    Ok(builder
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build())
}
