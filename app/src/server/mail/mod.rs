//! E-mail out. A change's ticket events decide who is told what (`notify`, called by the history
//! writer inside the change's transaction), as rows of the `outbox`; a sender task delivers them
//! over SMTP (`outbox`), written in each person's language at the time of sending (`compose`,
//! with the texts in `texts`). The SMTP server, the support mailbox (read by `inbox`), sender
//! and reply-to addresses are settings the admin changes in the console; `salter serve
//! --smtp-url …` sets them at each start.

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
        Notice::Answered | Notice::ClientAnswered | Notice::SlaWarning => 2,
        Notice::SlaBreached | Notice::WebhookPaused => 3,
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
        .execute(
            sqlx::query("UPDATE users SET email = $2, mail_muted = $3 WHERE id = $1")
                .bind(user)
                .bind(email)
                .bind(muted),
        )
        .await?;
    choices_of(state, user).await
}

const SMTP_URL: &str = "smtp_url";
const IMAP_URL: &str = "imap_url";
const MAIL_FROM: &str = "mail_from";
const MAIL_REPLY_TO: &str = "mail_reply_to";

/// The mail servers and addresses, as the settings hold them; `None` where unset (e-mail out
/// then waits; nothing is fetched).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Servers {
    /// `smtp://[user:password@]host[:port][?tls=required]` (STARTTLS when asked) or
    /// `smtps://…` (TLS from the start), as `lettre` reads it.
    pub smtp: Option<String>,
    /// The mailbox mail comes in to: `imaps://user:password@host[:port][/mailbox]` (TLS) or
    /// `imap://…` (plain, a server on the same machine), as `Mailbox` reads it.
    pub imap: Option<String>,
    pub from: Option<String>,
    pub reply_to: Option<String>,
}

pub async fn servers(state: &AppState) -> Result<Servers, AppError> {
    Ok(Servers {
        smtp: settings::get(state, SMTP_URL).await?,
        imap: settings::get(state, IMAP_URL).await?,
        from: settings::get(state, MAIL_FROM).await?,
        reply_to: settings::get(state, MAIL_REPLY_TO).await?,
    })
}

/// What a password is shown as: it never leaves the server.
const HIDDEN: &str = "********";

/// The URL without its password, for showing.
fn shown(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some(HIDDEN));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// A server URL as the admin sent it back: one showing the hidden password keeps the stored
/// one. Empty: none.
fn with_kept_password(sent: &str, stored: Option<&str>) -> Option<String> {
    let sent = sent.trim();
    if sent.is_empty() {
        return None;
    }
    Some(match (stored, url::Url::parse(sent)) {
        (Some(stored), Ok(mut new)) if new.password() == Some(HIDDEN) => {
            let password = url::Url::parse(stored)
                .ok()
                .and_then(|o| o.password().map(str::to_string));
            let _ = new.set_password(password.as_deref());
            new.to_string()
        }
        _ => sent.to_string(),
    })
}

/// The mail settings as the admin sees them (the passwords never leave the server).
pub async fn settings_of(state: &AppState) -> Result<MailSettings, AppError> {
    let servers = servers(state).await?;
    Ok(MailSettings {
        smtp_url: servers.smtp.as_deref().map(shown).unwrap_or_default(),
        imap_url: servers.imap.as_deref().map(shown).unwrap_or_default(),
        from: servers.from.unwrap_or_default(),
        reply_to: servers.reply_to.unwrap_or_default(),
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
    let old = servers(state).await?;
    let new = Servers {
        smtp: with_kept_password(&input.smtp_url, old.smtp.as_deref()),
        imap: with_kept_password(&input.imap_url, old.imap.as_deref()),
        from: address(Field::MailFrom, &input.from)?,
        reply_to: address(Field::MailReplyTo, &input.reply_to)?,
    };
    store(state, new).await?;
    settings_of(state).await
}

/// The flags given to `salter serve`, each in place of its setting (checked as the console's).
pub async fn set_from_flags(state: &AppState, flags: Servers) -> Result<(), AppError> {
    let mut servers = servers(state).await?;
    if let Some(url) = flags.smtp {
        servers.smtp = Some(url);
    }
    if let Some(url) = flags.imap {
        servers.imap = Some(url);
    }
    if let Some(from) = flags.from {
        servers.from = address(Field::MailFrom, &from)?;
    }
    if let Some(reply_to) = flags.reply_to {
        servers.reply_to = address(Field::MailReplyTo, &reply_to)?;
    }
    store(state, servers).await
}

/// Checks the server URLs and writes all four settings; `None` clears one. Mail waiting for a
/// retry is tried again at once (the server it failed on may be the one just corrected), and
/// the fetcher reads from the mailbox now set.
async fn store(state: &AppState, servers: Servers) -> Result<(), AppError> {
    if let Some(url) = &servers.smtp {
        transport(url)?;
    }
    if let Some(url) = &servers.imap {
        Mailbox::parse(url)?;
    }
    for (key, value) in [
        (SMTP_URL, servers.smtp),
        (IMAP_URL, servers.imap),
        (MAIL_FROM, servers.from),
        (MAIL_REPLY_TO, servers.reply_to),
    ] {
        match value {
            Some(value) => settings::put(state, key, value).await?,
            None => settings::clear(state, key).await?,
        }
    }
    let now = state.clock.now_ms();
    state
        .db
        .execute(
            sqlx::query(
                "UPDATE outbox SET next_at = $1 WHERE sent_at IS NULL AND failed_at IS NULL \
                     AND next_at > $1",
            )
            .bind(now),
        )
        .await?;
    state.live.mail.notify_one();
    state.live.mail_in.notify_one();
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

/// A mailbox as its URL describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: String,
    pub folder: String,
}

impl Mailbox {
    /// `imaps://user:password@host[:port][/folder]` (TLS, port 993) or `imap://…` (plain,
    /// port 143); the folder is `INBOX` unless named. Refused with the field to fix.
    pub fn parse(url: &str) -> Result<Mailbox, AppError> {
        let malformed = || AppError::invalid(Field::ImapUrl, Problem::Malformed);
        let parsed = url::Url::parse(url.trim()).map_err(|_| malformed())?;
        let tls = match parsed.scheme() {
            "imaps" => true,
            "imap" => false,
            _ => return Err(malformed()),
        };
        let decode = |text: &str| {
            url::form_urlencoded::parse(format!("x={text}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let user = decode(parsed.username());
        let password = parsed.password().map(decode).unwrap_or_default();
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(malformed)?;
        if user.is_empty() {
            return Err(AppError::invalid(Field::ImapUrl, Problem::Required));
        }
        let folder = decode(parsed.path().trim_start_matches('/'));
        Ok(Mailbox {
            host: host.trim_matches(['[', ']']).to_string(),
            port: parsed.port().unwrap_or(if tls { 993 } else { 143 }),
            tls,
            user,
            password,
            folder: if folder.is_empty() {
                "INBOX".to_string()
            } else {
                folder
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_url_names_server_account_and_folder() {
        let mailbox =
            Mailbox::parse("imaps://help%40acme.example:p%40ss%20w@mail.acme.example").unwrap();
        assert_eq!(
            mailbox,
            Mailbox {
                host: "mail.acme.example".into(),
                port: 993,
                tls: true,
                user: "help@acme.example".into(),
                password: "p@ss w".into(),
                folder: "INBOX".into(),
            }
        );
        let plain = Mailbox::parse("imap://support:secret@127.0.0.1:1143/Support").unwrap();
        assert_eq!(
            (plain.port, plain.tls, plain.folder.as_str()),
            (1143, false, "Support")
        );
        for wrong in [
            "",
            "http://a:b@host",
            "imap://host",
            "imaps://user@",
            "not a url",
        ] {
            assert!(Mailbox::parse(wrong).is_err(), "{wrong}");
        }
    }
}
