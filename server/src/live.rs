//! The live socket, `GET /ws`: one per browser tab, for a signed-in user (the session cookie),
//! from Šalter's own pages (`security::refuse_foreign_socket`). It sends `LiveNote`s as JSON
//! text frames: first where the app starts and what it missed since its cursor (`?tx=&id=`,
//! `app::server::live::catch_up`), then every event its session may see as it settles. It
//! pings every `Config::live_heartbeat` and drops a socket that did not answer the previous
//! ping; it closes with `SESSION_ENDED` once the session is over, and with `RESTARTING` when
//! the server stops (the app comes back and catches up). An operator's open socket keeps them
//! on duty (`assignment::seen` at every heartbeat). The app says which ticket its tab shows and
//! whether its person is writing (`Say`) and, on a live chat, how far it has received and read
//! it (kept by `app::server::chat::mark`); staff hear who is on the tickets they may see, a
//! chat's client who is on their chat (`app::server::presence`). The rules — order, catch-up, who may see what — are
//! `app::server::live`'s and `presence`'s; this is the HTTP side.

use app::dto::{Cursor, LiveNote, Say, Up};
use app::error::AppError;
use app::server::access::{self, Policy};
use app::server::auth::{self, Session};
use app::server::live::{self, start_note};
use app::server::presence::{self, OnTicket, Saying};
use app::server::{assignment, calls, chat, gateway, AppState};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::broadcast::error::RecvError;

/// Close code: the session is over (signed out, expired, disabled) — the app signs in again.
pub const SESSION_ENDED: u16 = 4401;
/// Close code: the server is stopping — the app reconnects (to it or another) and catches up.
pub const RESTARTING: u16 = 1012;
/// An app sends pongs, what its tab shows (`Say`) and, in a call, the browsers' signalling
/// (`Signal`: a session description is a few KB). Reads go in small pieces (an idle socket costs
/// a few KB); a message is at most `MESSAGE_MAX`.
const READ_BUFFER: usize = 1024;
const MESSAGE_MAX: usize = 16 * 1024;

/// The app's cursor, when it has one.
#[derive(serde::Deserialize)]
pub struct After {
    tx: Option<i64>,
    id: Option<i64>,
}

pub async fn socket(
    State(state): State<AppState>,
    Query(after): Query<After>,
    req: Request,
) -> Response {
    let (mut parts, _) = req.into_parts();
    let caller = match gateway::caller_from(state.clone(), &parts).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let session = match access::check(caller.session.as_ref(), Policy::AnyRole) {
        Ok(Some(session)) => session.clone(),
        Ok(None) => return AppError::Unauthenticated.into_response(),
        Err(e) => return e.into_response(),
    };
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
        Ok(upgrade) => upgrade,
        Err(refused) => return refused.into_response(),
    };
    let after = match (after.tx, after.id) {
        (Some(tx), Some(id)) => Some(Cursor { tx, id }),
        _ => None,
    };
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(MESSAGE_MAX)
        .max_frame_size(MESSAGE_MAX)
        .on_upgrade(move |ws| serve(ws, state, session, after))
}

async fn send(ws: &mut WebSocket, note: LiveNote) -> bool {
    match serde_json::to_string(&note) {
        Ok(text) => ws.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn close(mut ws: WebSocket, code: u16) {
    let frame = CloseFrame {
        code,
        reason: "".into(),
    };
    let _ = ws.send(Message::Close(Some(frame))).await;
}

/// What a socket's tab shows, as it last said, the ticket as read then (`None`: no ticket, or
/// one it may not see), on a chat the marks kept for it (`chat::mark`), and the call it has
/// on screen if it is one of its sides.
struct Tab {
    key: (u64, u64),
    say: Say,
    on: Option<OnTicket>,
    marks: (i64, i64),
    in_call: Option<i64>,
}

impl Tab {
    /// Reads the ticket the tab says it shows, if the session may see it.
    async fn look(&mut self, state: &AppState, session: &Session) {
        self.on = match self.say.viewing {
            Some(id) => presence::may_be_on(state, session, id).await,
            None => None,
        };
    }

    /// Whether others hear of the tab: it is on a ticket or in a call.
    fn present(&self) -> bool {
        self.on.is_some() || self.in_call.is_some()
    }

    /// Takes the call the tab says it has on screen, if the session is one of its sides.
    async fn join(&mut self, state: &AppState, session: &Session) {
        self.in_call = match self.say.call {
            Some(id) if calls::may_be_in(state, session, id).await => Some(id),
            _ => None,
        };
    }

    fn saying(&self, session: &Session) -> Saying {
        let parties = self.on.map(|on| on.parties);
        Saying {
            socket: self.key,
            ticket: self.on.and(self.say.viewing),
            client_id: parties.map_or(0, |p| p.client_id),
            operator_id: parties.and_then(|p| p.operator_id),
            user_id: session.user.id,
            name: session.user.full_name.clone(),
            typing: self.say.typing,
            note: self.say.note,
            chat: self.on.is_some_and(|on| on.chat),
            got: self.marks.0,
            read: self.marks.1,
            call: self.in_call,
        }
    }

    /// Keeps the marks the tab says, on a chat; whether they changed.
    async fn mark(&mut self, state: &AppState) -> bool {
        let (Some(on), Some(ticket)) = (self.on, self.say.viewing) else {
            return false;
        };
        let kept = if on.chat {
            chat::mark(state, on.seen_as, ticket, self.say.got, self.say.read).await
        } else {
            Ok((0, 0))
        };
        match kept {
            Ok(kept) if kept != self.marks => {
                self.marks = kept;
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "could not keep a chat's marks");
                false
            }
        }
    }
}

async fn serve(ws: WebSocket, state: AppState, session: Session, after: Option<Cursor>) {
    static SOCKETS: AtomicU64 = AtomicU64::new(0);
    let mut tab = Tab {
        key: (
            state.presence.process,
            SOCKETS.fetch_add(1, Ordering::Relaxed),
        ),
        say: Say::default(),
        on: None,
        marks: (0, 0),
        in_call: None,
    };
    run(ws, &state, &session, after, &mut tab).await;
    if tab.present() {
        // Gone: no longer on the ticket nor in the call, for everyone at once.
        tab.on = None;
        tab.in_call = None;
        presence::say(&state, tab.saying(&session)).await;
    }
}

async fn run(
    mut ws: WebSocket,
    state: &AppState,
    session: &Session,
    after: Option<Cursor>,
    tab: &mut Tab,
) {
    // Subscribed before the catch-up is read, so nothing falls between the two.
    let mut events = state.live.subscribe();
    let mut floor = state.live.floor();
    let mut people = state.presence.subscribe();
    let mut calls_heard = state.calls.subscribe();
    let mut closing = state.live.closing();
    let start = after.unwrap_or_else(|| state.live.head());
    let Ok((missed, mut reached)) = live::catch_up(state, session, start).await else {
        // The database is away: the app tries again shortly.
        return close(ws, RESTARTING).await;
    };
    if after.is_none() && !send(&mut ws, start_note(start, false)).await {
        return;
    }
    for note in missed {
        if !send(&mut ws, note).await {
            return;
        }
    }
    if !tell_who_is_where(&mut ws, state, session, reached).await {
        return;
    }
    let mut beat = tokio::time::interval(state.config.live_heartbeat);
    beat.tick().await;
    let mut refresh = tokio::time::interval(presence::REFRESH);
    refresh.tick().await;
    let mut answered = true;
    // An operator's open console is their sign of life: on duty while it is open, however
    // long they read without a request; once it closes, the duty window runs out.
    let on_duty = || async {
        if let Err(e) = assignment::seen(state, session).await {
            tracing::warn!(error = %e, "could not mark the operator as seen");
        }
    };
    on_duty().await;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) if event.cursor <= reached => {}
                Ok(event) => {
                    reached = event.cursor;
                    if event.seen_by(session) && !send(&mut ws, event.note()).await {
                        return;
                    }
                }
                // Fell behind the fan-out: the app loads everything again.
                Err(RecvError::Lagged(_)) => {
                    reached = state.live.head().max(reached);
                    if !send(&mut ws, start_note(reached, true)).await {
                        return;
                    }
                }
                Err(RecvError::Closed) => return close(ws, RESTARTING).await,
            },
            changed = floor.recv() => {
                if matches!(changed, Err(RecvError::Closed)) {
                    return close(ws, RESTARTING).await;
                }
                if let Some(note) = live::floor_note(reached, session) {
                    if !send(&mut ws, note).await {
                        return;
                    }
                }
            }
            changed = people.recv() => {
                let told = match changed {
                    Ok(changed) => match presence::here_for(state, session, changed) {
                        Some(here) => send(&mut ws, live::here_note(reached, here)).await,
                        None => true,
                    },
                    Err(RecvError::Lagged(_)) => tell_who_is_where(&mut ws, state, session, reached).await,
                    Err(RecvError::Closed) => return close(ws, RESTARTING).await,
                };
                if !told {
                    return;
                }
            }
            word = calls_heard.recv() => match word {
                Ok(word) => {
                    if let Some(note) = calls::note_for(session, &word, reached) {
                        if !send(&mut ws, note).await {
                            return;
                        }
                    }
                }
                // A signal lost is a call that does not connect: the app asks again.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return close(ws, RESTARTING).await,
            },
            _ = refresh.tick() => {
                if tab.present() {
                    // Said again, with the ticket read again: one this session lost is left.
                    tab.look(state, session).await;
                    presence::say(state, tab.saying(session)).await;
                }
            }
            _ = beat.tick() => {
                if !answered {
                    return;
                }
                // A database that does not answer ends nothing; a session that is over does.
                if matches!(auth::session_holds(state, session).await, Ok(false)) {
                    return close(ws, SESSION_ENDED).await;
                }
                answered = false;
                if ws.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
                on_duty().await;
            }
            incoming = ws.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                // What the tab shows now: it is there, and perhaps elsewhere.
                Some(Ok(Message::Text(text))) => {
                    answered = true;
                    match serde_json::from_str::<Up>(&text) {
                        Ok(Up::Say(say)) if say != tab.say => {
                            let was = tab.present();
                            let moved = say.viewing != tab.say.viewing;
                            let marked = (say.got, say.read) != (tab.say.got, tab.say.read);
                            let called = say.call != tab.say.call;
                            tab.say = say;
                            // Writing or not changes no ticket: read only when it moved.
                            if moved {
                                tab.marks = (0, 0);
                                tab.look(state, session).await;
                            }
                            if moved || marked {
                                tab.mark(state).await;
                            }
                            if called {
                                tab.join(state, session).await;
                            }
                            if was || tab.present() {
                                presence::say(state, tab.saying(session)).await;
                            }
                        }
                        // Passed to the call's other side, if this one may say it; else to nobody.
                        Ok(Up::Signal(signal)) => {
                            if let Err(e) = calls::relay(state, session, signal).await {
                                tracing::debug!(error = %e, "a call signal refused");
                            }
                        }
                        _ => {}
                    }
                }
                // A pong, or anything else the app says: it is there.
                Some(Ok(_)) => answered = true,
            },
            _ = closing.changed() => return close(ws, RESTARTING).await,
        }
    }
}

/// Who is on each ticket the session may hear of (staff: those they may see), as now.
async fn tell_who_is_where(
    ws: &mut WebSocket,
    state: &AppState,
    session: &Session,
    reached: Cursor,
) -> bool {
    for changed in state.presence.tickets() {
        if let Some(here) = presence::here_for(state, session, changed) {
            if !send(ws, live::here_note(reached, here)).await {
                return false;
            }
        }
    }
    true
}
