//! The support mailbox over IMAP: new messages are fetched (by UID, in order) and each taken in
//! by `incoming`; the last UID done is kept (`settings.imap_seen`, with the mailbox's
//! UIDVALIDITY), so a restart goes on where it stopped. A message taken in but not yet counted
//! when the process stopped is fetched again and recognised by `mail_in` — exactly once.
//!
//! `keep_fetching` stays connected: it waits with IDLE where the server has it (new mail is
//! seen at once) and polls every `POLL` otherwise; it reconnects after an error, and starts over
//! when the admin changes the mailbox. Messages are only read (`BODY.PEEK`): the mailbox stays
//! as it was for anyone else who reads it.

use super::incoming::take_in;
use super::servers;
use crate::error::{AppError, Field, Problem};
use crate::server::{settings, AppState};
use futures_util::TryStreamExt;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Where the last UID done is kept: `"<uidvalidity> <uid>"`.
const SEEN: &str = "imap_seen";
/// Without IDLE, the mailbox is looked at this often.
const POLL: Duration = Duration::from_secs(30);
/// An IDLE is renewed this often (servers drop one after 30 minutes), and the setting re-read.
const IDLE_FOR: Duration = Duration::from_secs(5 * 60);
/// After a failure (the server down, a wrong password), the next try waits this long.
const RETRY: Duration = Duration::from_secs(30);
/// Connecting and each command give up after this long.
const TIMEOUT: Duration = Duration::from_secs(60);
/// Messages fetched per command.
const BATCH: usize = 20;

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

/// A connection, plain or TLS.
trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}

type Session = async_imap::Session<Box<dyn Io>>;

/// What went wrong with the mailbox, for the log.
fn failed(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

async fn within<T, E: std::fmt::Display>(
    what: &str,
    work: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(TIMEOUT, work).await {
        Ok(done) => done.map_err(|e| failed(what, e)),
        Err(_) => Err(failed(what, "no answer")),
    }
}

/// Signs in to the mailbox and selects its folder; the folder's UIDVALIDITY.
async fn connect(mailbox: &Mailbox) -> Result<(Session, u32), String> {
    let address = (mailbox.host.as_str(), mailbox.port);
    let tcp = within("connecting", TcpStream::connect(address)).await?;
    let stream: Box<dyn Io> = if mailbox.tls {
        let mut roots = tokio_rustls::rustls::RootCertStore::empty();
        roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        // The one cryptography provider built in (`ring`, as for lettre's SMTP).
        let config = tokio_rustls::rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(mailbox.host.clone())
            .map_err(|e| failed("TLS", e))?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        Box::new(within("TLS", connector.connect(name, tcp)).await?)
    } else {
        Box::new(tcp)
    };
    let mut client = async_imap::Client::new(stream);
    within("greeting", client.read_response()).await?;
    let login = client.login(&mailbox.user, &mailbox.password);
    let mut session = within("signing in", async { login.await.map_err(|(e, _)| e) }).await?;
    let selected = within("selecting the folder", session.select(&mailbox.folder)).await?;
    Ok((session, selected.uid_validity.unwrap_or(0)))
}

/// The last UID done in a folder of this UIDVALIDITY (0: none; a folder made anew starts over).
async fn last_done(state: &AppState, validity: u32) -> Result<u32, AppError> {
    let seen = settings::get(state, SEEN).await?.unwrap_or_default();
    Ok(match seen.split_once(' ') {
        Some((v, uid)) if v == validity.to_string() => uid.parse().unwrap_or(0),
        _ => 0,
    })
}

/// Takes in every message after the last done, in UID order; how many were new.
async fn fetch_new(
    state: &AppState,
    session: &mut Session,
    validity: u32,
) -> Result<usize, String> {
    let last = last_done(state, validity)
        .await
        .map_err(|e| failed("the database", e))?;
    let query = format!("UID {}:*", last.saturating_add(1));
    let mut uids: Vec<u32> = within("searching", session.uid_search(&query))
        .await?
        .into_iter()
        .filter(|uid| *uid > last)
        .collect();
    uids.sort_unstable();
    let mut taken = 0;
    for batch in uids.chunks(BATCH) {
        let set: Vec<String> = batch.iter().map(u32::to_string).collect();
        let mut fetched = within("fetching", async {
            session
                .uid_fetch(set.join(","), "(UID BODY.PEEK[])")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        fetched.sort_by_key(|f| f.uid);
        for message in fetched {
            let (Some(uid), Some(body)) = (message.uid, message.body()) else {
                continue;
            };
            take_in(state, body)
                .await
                .map_err(|e| failed("taking a message in", e))?;
            settings::put(state, SEEN, format!("{validity} {uid}"))
                .await
                .map_err(|e| failed("the database", e))?;
            taken += 1;
        }
    }
    while session.unsolicited_responses.try_recv().is_ok() {}
    Ok(taken)
}

/// Fetches what is new in the mailbox now, once; how many messages. Nothing without a mailbox.
pub async fn fetch_once(state: &AppState) -> Result<usize, AppError> {
    let Some(url) = servers(state).await?.imap else {
        return Ok(0);
    };
    let mailbox = Mailbox::parse(&url)?;
    let unreachable = |e: String| AppError::Network { detail: e };
    let (mut session, validity) = connect(&mailbox).await.map_err(unreachable)?;
    let taken = fetch_new(state, &mut session, validity)
        .await
        .map_err(unreachable)?;
    let _ = session.logout().await;
    Ok(taken)
}

/// Runs for the life of the process: mail in the mailbox becomes tickets and replies.
pub async fn keep_fetching(state: AppState) {
    loop {
        let url = match servers(&state).await {
            Ok(servers) => servers.imap,
            Err(e) => {
                tracing::warn!(error = %e, "reading the mailbox setting");
                None
            }
        };
        let Some(url) = url else {
            state.live.mail_in.notified().await;
            continue;
        };
        if let Err(e) = watch(&state, &url).await {
            tracing::warn!(error = %e, "the support mailbox");
            tokio::select! {
                _ = tokio::time::sleep(RETRY) => {}
                _ = state.live.mail_in.notified() => {}
            }
        }
    }
}

/// Fetches from the mailbox at `url` as mail arrives, until the setting changes.
async fn watch(state: &AppState, url: &str) -> Result<(), String> {
    let mailbox = Mailbox::parse(url).map_err(|e| failed("the mailbox setting", e))?;
    let (mut session, validity) = connect(&mailbox).await?;
    let idle = within("asking what the server does", session.capabilities())
        .await?
        .has_str("IDLE");
    loop {
        fetch_new(state, &mut session, validity).await?;
        let current = servers(state).await.ok().and_then(|s| s.imap);
        if current.as_deref() != Some(url) {
            let _ = session.logout().await;
            return Ok(());
        }
        if !idle {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = state.live.mail_in.notified() => {}
            }
            continue;
        }
        let mut waiting = session.idle();
        within("waiting for mail", waiting.init()).await?;
        {
            let (news, _stop) = waiting.wait_with_timeout(IDLE_FOR);
            tokio::select! {
                answer = news => { answer.map_err(|e| failed("waiting for mail", e))?; }
                _ = state.live.mail_in.notified() => {}
            }
        }
        session = within("waiting for mail", waiting.done()).await?;
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
