//! E-mail in: the support mailbox over IMAP (`mail::Mailbox`, a setting of `mail`'s). New
//! messages are fetched (by UID, in order) and each taken in by `incoming` — a ticket, a reply,
//! or held for an admin (`quarantine`); the last UID done is kept (`settings.imap_seen`, with
//! the mailbox's UIDVALIDITY), so a restart goes on where it stopped. A message taken in but not yet counted
//! when the process stopped is fetched again and recognised by `mail_in` — exactly once.
//!
//! `keep_fetching` stays connected: it waits with IDLE where the server has it (new mail is
//! seen at once) and polls every `POLL` otherwise; it reconnects after an error, and starts over
//! when the admin changes the mailbox. Messages are only read (`BODY.PEEK`): the mailbox stays
//! as it was for anyone else who reads it.

pub mod incoming;
pub mod quarantine;

use crate::error::AppError;
use crate::server::mail::{servers, Mailbox};
use crate::server::{settings, AppState};
use futures_util::TryStreamExt;
use incoming::take_in;
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
