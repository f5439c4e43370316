//! Voice and video calls on a ticket. The browsers talk to each other directly (WebRTC); the
//! server decides who may call whom, keeps each call's steps in the ticket's history, and
//! passes the browsers' signalling between the two sides over their live sockets. Nothing of a
//! call's sound, picture or signalling is stored — only that it rang, was answered and ended.
//!
//! - **Who**: staff (the ticket's operator, an admin) call its client; the client calls its
//!   operator when the admin allows it (`CallSettings::clients_may_call`). `access::ticket`
//!   decides, as for everything on a ticket, at ringing and at every word relayed. A ticket
//!   has one call at a time, and nobody is in two.
//! - **Steps** (`ring`, `answer`, `end`): each is a row in `calls` and an `EventKind::Call` in
//!   the history, written together. Ending a call that rings is declining it: missed.
//! - **Who hears**: a call's change, and every signal (`dto::Signal`), go to the two sides'
//!   sockets only (`note_for`) — a signal to the side that did not say it. On PostgreSQL they
//!   travel as NOTIFY `salter_calls` to every process (deflated past NOTIFY's size).
//! - **Still there**: a tab with a call on screen says so (`dto::Say::call`, heard as presence).
//!   `sweep` ends a call whose side is gone (closed tab, dead process) longer than `GONE`, and
//!   misses one that rang `RING` without an answer.

use super::access::{self, TicketRole};
use super::auth::Session;
use super::history;
use super::input::clean_text;
use super::settings;
use super::ticket::{ticket_row, Parties};
use super::{db, live, AppState};
use crate::dto::limits::ICE_SERVERS_MAX;
use crate::dto::{
    Call, CallSettings, CallSetup, Cursor, IceServer, LiveNote, NewCall, Signal, SignalData,
};
use crate::error::{AppError, Field, Problem};
use crate::events::Event;
use crate::events::{CallStep, EventKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// How long a call rings before it is missed.
pub const RING: Duration = Duration::from_secs(45);
/// How long a side of a call may be gone (a reload, a lost connection) before the call ends.
pub const GONE: Duration = Duration::from_secs(20);
/// How often calls are looked at.
const SWEEP: Duration = Duration::from_secs(5);
const ICE_SERVERS: &str = "ice_servers";
const CLIENTS_MAY_CALL: &str = "clients_may_call";
/// NOTIFY takes under 8,000 bytes: a longer word (a session description) goes deflated, and
/// one too long even then reaches only this process's sockets.
const NOTIFY_PLAIN_MAX: usize = 7_000;
const NOTIFY_MAX: usize = 7_900;

/// A call as the server keeps it: its row, its two sides' names and the ticket's parties
/// (who may still hear of it).
#[derive(sqlx::FromRow, Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CallRow {
    pub id: i64,
    pub ticket_id: i64,
    pub subject: String,
    pub caller_id: i64,
    pub caller_name: String,
    pub callee_id: i64,
    pub callee_name: String,
    pub video: i64,
    pub rang_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub client_id: i64,
    pub operator_id: Option<i64>,
}

impl CallRow {
    fn parties(&self) -> Parties {
        Parties {
            client_id: self.client_id,
            operator_id: self.operator_id,
        }
    }

    fn side(&self, user: i64) -> bool {
        user == self.caller_id || user == self.callee_id
    }

    /// The call as `user` (one of its sides) sees it.
    fn seen_by(&self, user: i64) -> Call {
        let calling = user == self.caller_id;
        Call {
            id: self.id,
            ticket_id: self.ticket_id,
            subject: self.subject.clone(),
            video: db::flag(self.video),
            with: if calling {
                &self.callee_name
            } else {
                &self.caller_name
            }
            .clone(),
            calling,
            rang_at: self.rang_at,
            answered_at: self.answered_at,
            ended_at: self.ended_at,
        }
    }
}

const CALL_ROW: &str =
    "SELECT c.id, c.ticket_id, t.subject, c.caller_id, a.full_name AS caller_name, \
     c.callee_id, b.full_name AS callee_name, c.video, c.rang_at, c.answered_at, c.ended_at, \
     t.client_id, t.operator_id \
     FROM calls c JOIN tickets t ON t.id = c.ticket_id \
     JOIN users a ON a.id = c.caller_id JOIN users b ON b.id = c.callee_id";

/// What travels to every socket (and every process): a call as it is now, or a signal one of
/// its sides (`from`) said.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub call: CallRow,
    pub signal: Option<(i64, SignalData)>,
}

/// What `session` hears of a word, as a live note at `cursor`: nothing unless it is one of the
/// call's two sides and may see the ticket now; a signal only on the side that did not say it.
/// The call or signal goes as JSON text (`LiveNote::call`, `LiveNote::signal`).
pub fn note_for(session: &Session, word: &Word, cursor: Cursor) -> Option<LiveNote> {
    let me = session.user.id;
    if !word.call.side(me) || access::ticket(session, word.call.parties()).is_err() {
        return None;
    }
    let (call, signal) = match &word.signal {
        Some((from, _)) if *from == me => return None,
        Some((_, data)) => {
            let signal = Signal {
                call_id: word.call.id,
                data: data.clone(),
            };
            (None, Some(serde_json::to_string(&signal).ok()?))
        }
        None => (
            Some(serde_json::to_string(&word.call.seen_by(me)).ok()?),
            None,
        ),
    };
    Some(LiveNote {
        call,
        signal,
        ..live::start_note(cursor, false)
    })
}

async fn row(state: &AppState, id: i64) -> Result<CallRow, AppError> {
    sqlx::query_as::<_, CallRow>(&format!("{CALL_ROW} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// A call `session` is a side of, on a ticket it may still see; others are not found.
async fn own(state: &AppState, session: &Session, id: i64) -> Result<CallRow, AppError> {
    let call = row(state, id).await?;
    if !call.side(session.user.id) {
        return Err(AppError::NotFound);
    }
    access::ticket(session, call.parties())?;
    Ok(call)
}

/// Tells both sides (every process) how a call is now, or passes a signal on.
async fn announce(state: &AppState, word: Word) {
    let sent = match encode(&word) {
        Some(payload) => state.db.notify(db::CALLS_CHANNEL, &payload).await,
        None => false,
    };
    if !sent {
        let _ = state.calls.send(word);
    }
}

/// A word as NOTIFY carries it: JSON, or `z` and the deflated JSON in base64 when long.
fn encode(word: &Word) -> Option<String> {
    use base64::Engine;
    let json = serde_json::to_string(word).ok()?;
    if json.len() <= NOTIFY_PLAIN_MAX {
        return Some(json);
    }
    let mut deflated = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflated.write_all(json.as_bytes()).ok()?;
    let packed = base64::engine::general_purpose::STANDARD.encode(deflated.finish().ok()?);
    (packed.len() < NOTIFY_MAX).then(|| format!("z{packed}"))
}

fn decode(payload: &str) -> Option<Word> {
    use base64::Engine;
    let Some(packed) = payload.strip_prefix('z') else {
        return serde_json::from_str(payload).ok();
    };
    let deflated = base64::engine::general_purpose::STANDARD
        .decode(packed)
        .ok()?;
    let mut json = String::new();
    flate2::read::DeflateDecoder::new(&deflated[..])
        .take(64 * 1024)
        .read_to_string(&mut json)
        .ok()?;
    serde_json::from_str(&json).ok()
}

/// A word heard from NOTIFY.
pub fn heard(state: &AppState, payload: &str) {
    match decode(payload) {
        Some(word) => {
            let _ = state.calls.send(word);
        }
        None => tracing::warn!("calls: a word that does not decode"),
    }
}

/// Rings the ticket's other side: its client when staff call, its operator when the client
/// does (where the admin allows it). Refused while the ticket or either side is in a call.
pub async fn ring(state: &AppState, session: &Session, input: &NewCall) -> Result<Call, AppError> {
    let ticket = ticket_row(state, input.ticket_id).await?;
    let callee = match access::ticket(session, &ticket)? {
        TicketRole::Client => {
            if !call_settings(state).await?.clients_may_call {
                return Err(AppError::CallsOff);
            }
            ticket.operator_id.ok_or(AppError::NoOneToCall)?
        }
        TicketRole::Operator | TicketRole::Admin => ticket.client_id,
    };
    let (ticket, caller, video) = (ticket.id, session.user.id, input.video);
    let now = state.clock.now_ms();
    let id = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let busy: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM calls WHERE ended_at IS NULL AND (ticket_id = $1 \
                     OR caller_id IN ($2, $3) OR callee_id IN ($2, $3)) LIMIT 1",
                )
                .bind(ticket)
                .bind(caller)
                .bind(callee)
                .fetch_optional(&mut *conn)
                .await?;
                if busy.is_some() {
                    return Err(AppError::CallUnderWay);
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO calls (ticket_id, caller_id, callee_id, video, rang_at) \
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(ticket)
                .bind(caller)
                .bind(callee)
                .bind(i64::from(video))
                .bind(now)
                .fetch_one(&mut *conn)
                .await?;
                let rang = Event {
                    ticket,
                    actor: Some(caller),
                    at: now,
                    what: EventKind::Call {
                        step: CallStep::Rang,
                        video,
                    },
                };
                history::record(conn, rang).await?;
                Ok(id)
            })
        })
        .await?;
    told(state, id, caller).await
}

/// Announces a call as it is now; the call as `user` sees it.
async fn told(state: &AppState, id: i64, user: i64) -> Result<Call, AppError> {
    let call = row(state, id).await?;
    let seen = call.seen_by(user);
    announce(state, Word { call, signal: None }).await;
    Ok(seen)
}

/// The one called answers a call that rings.
pub async fn answer(state: &AppState, session: &Session, id: i64) -> Result<Call, AppError> {
    let call = own(state, session, id).await?;
    let me = session.user.id;
    if call.callee_id != me {
        return Err(AppError::MoveNotAllowed);
    }
    let (ticket, video, now) = (call.ticket_id, db::flag(call.video), state.clock.now_ms());
    let answered = state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let answered = sqlx::query(
                    "UPDATE calls SET answered_at = $2 \
                     WHERE id = $1 AND answered_at IS NULL AND ended_at IS NULL",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *conn)
                .await?
                .rows_affected()
                    == 1;
                if answered {
                    let event = Event {
                        ticket,
                        actor: Some(me),
                        at: now,
                        what: EventKind::Call {
                            step: CallStep::Answered,
                            video,
                        },
                    };
                    history::record(conn, event).await?;
                }
                Ok(answered)
            })
        })
        .await?;
    if !answered {
        return Err(AppError::MoveNotAllowed);
    }
    told(state, id, me).await
}

/// Either side ends a call: hanging up one answered, declining (or giving up on) one that
/// rings — missed. Ending one already ended changes nothing.
pub async fn end(state: &AppState, session: &Session, id: i64) -> Result<Call, AppError> {
    own(state, session, id).await?;
    finish(state, id, Some(session.user.id)).await?;
    told(state, id, session.user.id).await
}

/// Ends a call under way with its history row (`actor` none: the system); whether it did.
async fn finish(state: &AppState, id: i64, actor: Option<i64>) -> Result<bool, AppError> {
    let now = state.clock.now_ms();
    state
        .db
        .write(move |conn| {
            Box::pin(async move {
                let call: Option<(i64, i64, Option<i64>)> = sqlx::query_as(
                    "SELECT ticket_id, video, answered_at FROM calls \
                     WHERE id = $1 AND ended_at IS NULL",
                )
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
                let Some((ticket, video, answered_at)) = call else {
                    return Ok(false);
                };
                sqlx::query("UPDATE calls SET ended_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                let step = match answered_at {
                    Some(at) => CallStep::Ended {
                        seconds: (now - at).max(0) / 1000,
                    },
                    None => CallStep::Missed,
                };
                let event = Event {
                    ticket,
                    actor,
                    at: now,
                    what: EventKind::Call {
                        step,
                        video: db::flag(video),
                    },
                };
                history::record(conn, event).await?;
                Ok(true)
            })
        })
        .await
}

/// The calls under way (ringing or answered) `session` is a side of.
pub async fn current(state: &AppState, session: &Session) -> Result<Vec<Call>, AppError> {
    let me = session.user.id;
    let calls: Vec<CallRow> = sqlx::query_as(&format!(
        "{CALL_ROW} WHERE c.ended_at IS NULL AND (c.caller_id = $1 OR c.callee_id = $1) \
         ORDER BY c.id"
    ))
    .bind(me)
    .fetch_all(&state.db.pool)
    .await?;
    Ok(calls
        .into_iter()
        .filter(|c| access::ticket(session, c.parties()).is_ok())
        .map(|c| c.seen_by(me))
        .collect())
}

/// Passes a signal to the other side of a call under way, if `session` is one side of it and
/// may still see its ticket; refused (and passed to nobody) otherwise.
pub async fn relay(state: &AppState, session: &Session, signal: Signal) -> Result<(), AppError> {
    let call = own(state, session, signal.call_id).await?;
    if call.ended_at.is_some() {
        return Err(AppError::MoveNotAllowed);
    }
    let word = Word {
        call,
        signal: Some((session.user.id, signal.data)),
    };
    announce(state, word).await;
    Ok(())
}

/// Whether a tab of `session` may say it is in call `id`: it is one of its sides.
pub async fn may_be_in(state: &AppState, session: &Session, id: i64) -> bool {
    own(state, session, id)
        .await
        .is_ok_and(|c| c.ended_at.is_none())
}

/// How calls are made: the admin's STUN/TURN servers (one per line: the address, then for
/// TURN its username and credential) and whether clients may call.
pub async fn call_settings(state: &AppState) -> Result<CallSettings, AppError> {
    Ok(CallSettings {
        ice_servers: settings::get(state, ICE_SERVERS).await?.unwrap_or_default(),
        clients_may_call: settings::get(state, CLIENTS_MAY_CALL).await?.as_deref() == Some("1"),
    })
}

pub async fn set_call_settings(
    state: &AppState,
    input: &CallSettings,
) -> Result<CallSettings, AppError> {
    let text = if input.ice_servers.trim().is_empty() {
        String::new()
    } else {
        clean_text(Field::IceServers, &input.ice_servers, ICE_SERVERS_MAX)?
    };
    ice_servers(&text)?;
    settings::put(state, ICE_SERVERS, text).await?;
    let may = if input.clients_may_call { "1" } else { "0" };
    settings::put(state, CLIENTS_MAY_CALL, may.into()).await?;
    call_settings(state).await
}

/// What a browser needs to call: the servers it uses to reach the other side (none: the same
/// network only), and whether a client may call.
pub async fn setup(state: &AppState) -> Result<CallSetup, AppError> {
    let settings = call_settings(state).await?;
    Ok(CallSetup {
        ice_servers: ice_servers(&settings.ice_servers)?,
        clients_may_call: settings.clients_may_call,
    })
}

/// The admin's lines as servers: `stun:` or `stuns:` alone, `turn:` or `turns:` with a
/// username and a credential.
fn ice_servers(text: &str) -> Result<Vec<IceServer>, AppError> {
    let malformed = || AppError::invalid(Field::IceServers, Problem::Malformed);
    text.lines()
        .map(str::split_whitespace)
        .filter_map(|mut words| Some((words.next()?, words.collect::<Vec<_>>())))
        .map(|(url, rest)| {
            let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or_default();
            let host = url.split_once(':').map(|(_, h)| h).unwrap_or_default();
            if host.is_empty() || host.contains(['/', '@']) {
                return Err(malformed());
            }
            match (scheme, rest.as_slice()) {
                ("stun" | "stuns", []) => Ok(IceServer {
                    url: url.to_string(),
                    username: None,
                    credential: None,
                }),
                ("turn" | "turns", [username, credential]) => Ok(IceServer {
                    url: url.to_string(),
                    username: Some(username.to_string()),
                    credential: Some(credential.to_string()),
                }),
                _ => Err(malformed()),
            }
        })
        .collect()
}

/// Looks at the calls under way for the process's life (`sweep`).
pub async fn keep_sweeping(state: AppState) {
    let mut gone: HashMap<i64, Instant> = HashMap::new();
    loop {
        tokio::time::sleep(SWEEP).await;
        if let Err(e) = sweep(&state, &mut gone, Instant::now()).await {
            tracing::warn!(error = %e, "call sweep failed");
        }
    }
}

/// One look: a call that rang `RING` unanswered is missed; one with a side that has had no tab
/// on it (`presence`: every process hears every tab) for `GONE` ends — counted from when this
/// process first saw that side gone (`gone`). How many ended.
pub async fn sweep(
    state: &AppState,
    gone: &mut HashMap<i64, Instant>,
    now: Instant,
) -> Result<usize, AppError> {
    let ring_ms = RING.as_millis() as i64;
    let calls: Vec<(i64, i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, caller_id, callee_id, rang_at, answered_at FROM calls WHERE ended_at IS NULL",
    )
    .fetch_all(&state.db.pool)
    .await?;
    gone.retain(|id, _| calls.iter().any(|c| c.0 == *id));
    let clock = state.clock.now_ms();
    let mut ended = 0;
    for (id, caller, callee, rang_at, answered_at) in calls {
        let presence = &state.presence;
        let sides_there =
            presence.in_call(id, caller) && (answered_at.is_none() || presence.in_call(id, callee));
        let over = if sides_there {
            gone.remove(&id);
            answered_at.is_none() && clock - rang_at >= ring_ms
        } else {
            now.duration_since(*gone.entry(id).or_insert(now)) >= GONE
        };
        if over && finish(state, id, None).await? {
            gone.remove(&id);
            let call = row(state, id).await?;
            announce(state, Word { call, signal: None }).await;
            ended += 1;
        }
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admins_lines_become_servers_or_are_refused_whole() {
        let servers = ice_servers(
            "stun:stun.example.org:3478\n\n  turns:turn.example.org:5349 desk s3cret \n",
        )
        .expect("two servers");
        assert_eq!(servers.len(), 2);
        assert_eq!(servers[1].username.as_deref(), Some("desk"));
        assert_eq!(servers[1].credential.as_deref(), Some("s3cret"));
        for bad in [
            "turn:turn.example.org:3478",
            "stun:stun.example.org extra",
            "https://stun.example.org",
            "stun:",
            "turn:user@host:3478 a b",
        ] {
            assert!(ice_servers(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_long_word_travels_deflated_and_comes_back_whole() {
        let call = CallRow {
            id: 1,
            ticket_id: 2,
            subject: "Printer".into(),
            caller_id: 3,
            caller_name: "Ana".into(),
            callee_id: 4,
            callee_name: "Edin".into(),
            video: 1,
            rang_at: 5,
            answered_at: Some(6),
            ended_at: None,
            client_id: 4,
            operator_id: Some(3),
        };
        let sdp: String = (0..300)
            .map(|i| format!("a=rtpmap:{i} VP9/90000\r\n"))
            .collect();
        let word = Word {
            call,
            signal: Some((3, SignalData::Description { offer: true, sdp })),
        };
        let payload = encode(&word).expect("fits once deflated");
        assert!(payload.starts_with('z') && payload.len() < 7_900);
        assert_eq!(decode(&payload), Some(word));
    }
}
