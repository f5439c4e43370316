//! The app's live connection: one websocket per tab (`/ws`), open while someone is signed in.
//! Each note names a ticket that changed (never what changed): the lists and counters that show
//! tickets load again (`Ui::changed`), and so does a ticket on screen that is the one named
//! (`Ui::touched`), through the server functions. Notes that come together are taken as one.
//! After any disconnect it reconnects by itself — waiting longer each time, with jitter, at most
//! `BACKOFF_MAX` — from the last place it applied, so nothing that happened meanwhile is missed.
//! Whether it is connected is shown in the header and told to screen readers (`Ui::online`).
//! It also tells the server which ticket the tab shows and whether its person is writing
//! (`Ui::viewing`, `Ui::typing`, `Ui::note`) and, on a live chat, how far it has received and
//! read it (`Ui::marks`); it hears who else is on tickets (`Ui::presence`: staff, and a chat's
//! client on their chat). It carries calls too: their changes and the other side's signals
//! for the call screen (`Ui::call`, `Ui::signals`), the call this tab is in (`Ui::in_call`),
//! and this tab's signals (`Live::send`).

use super::Ui;
use crate::api::session::me;
use crate::client;
use crate::dto::{Cursor, LiveNote, Say, Up};
use crate::error::AppError;
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The server closes with this when the session is over: sign in again.
const SESSION_ENDED: u16 = 4401;
const BACKOFF_FIRST_MS: f64 = 500.0;
const BACKOFF_MAX_MS: f64 = 30_000.0;
/// Notes within this time make one reload: long enough for a catch-up's burst (its notes
/// arrive back to back), short against the 100 ms an event may take to reach the screen.
const GATHER: Duration = Duration::from_millis(5);

/// The connection's state, kept for the tab's life.
#[derive(Clone, Copy)]
pub(super) struct Live {
    ui: Ui,
    /// The last place applied (at first, the place the page's list was read at); where a
    /// connection starts.
    cursor: StoredValue<Option<Cursor>>,
    /// Whether a socket has been open since the person signed in: the next is a reconnect.
    connected: StoredValue<bool>,
    /// Failed attempts in a row (the next wait grows with them).
    attempts: StoredValue<u32>,
    /// The tickets named since the last reload (`None` among them: every ticket).
    pending: StoredValue<Option<Vec<Option<i64>>>>,
    socket: StoredValue<Option<web_sys::WebSocket>, LocalStorage>,
    /// The socket's handlers, dropped with the next socket's arrival.
    handlers: StoredValue<Option<Handlers>, LocalStorage>,
}

type Handlers = (
    Closure<dyn FnMut()>,
    Closure<dyn FnMut(web_sys::MessageEvent)>,
    Closure<dyn FnMut(web_sys::CloseEvent)>,
);

impl Live {
    /// Opens the connection whenever someone may use the app, closes it when they sign out.
    /// `start_at`: where the first connection starts (the page's list's place), if anywhere.
    pub(super) fn keep(ui: Ui, signed_in: Memo<bool>, start_at: Option<Cursor>) {
        let live = Live {
            ui,
            cursor: StoredValue::new(start_at),
            connected: StoredValue::new(false),
            attempts: StoredValue::new(0),
            pending: StoredValue::new(None),
            socket: StoredValue::new_local(None),
            handlers: StoredValue::new_local(None),
        };
        Effect::new(move |_| {
            if signed_in.get() {
                live.open();
            } else {
                live.close();
            }
        });
        // What the tab shows, told whenever it changes (and on every connect).
        Effect::new(move |_| {
            ui.viewing.track();
            ui.typing.track();
            ui.note.track();
            ui.marks.track();
            ui.in_call.track();
            live.say();
        });
        provide_context(live);
    }

    /// Tells the server which ticket the tab shows and whether its person is writing.
    fn say(self) {
        let (got, read) = self.ui.marks.get_untracked();
        let say = Say {
            viewing: self.ui.viewing.get_untracked(),
            typing: self.ui.typing.get_untracked(),
            note: self.ui.note.get_untracked(),
            got,
            read,
            call: self.ui.in_call.get_untracked(),
        };
        self.send(&Up::Say(say));
    }

    /// Says something to the server, if the socket is open (what the tab shows is said again
    /// on every connect; a signal lost makes a call that does not connect, ended by its side).
    pub(super) fn send(self, up: &Up) {
        if let (Some(socket), Ok(text)) = (self.socket.get_value(), client::encode(up)) {
            if socket.ready_state() == web_sys::WebSocket::OPEN {
                let _ = socket.send_with_str(&String::from(text));
            }
        }
    }

    fn close(self) {
        if let Some(socket) = self.socket.get_value() {
            socket.set_onclose(None);
            let _ = socket.close();
        }
        self.socket.set_value(None);
        self.cursor.set_value(None);
        self.connected.set_value(false);
    }

    fn open(self) {
        let location = window().location();
        let secure = location.protocol().ok().as_deref() == Some("https:");
        let scheme = if secure { "wss" } else { "ws" };
        let after = self
            .cursor
            .get_value()
            .map_or(String::new(), |c| format!("?tx={}&id={}", c.tx, c.id));
        let host = location.host().unwrap_or_default();
        let Ok(socket) = web_sys::WebSocket::new(&format!("{scheme}://{host}/ws{after}")) else {
            return self.retry();
        };
        let opened = Closure::<dyn FnMut()>::new(move || {
            self.attempts.set_value(0);
            self.ui.online.set(true);
            // Who is where comes again from this connection.
            self.ui.presence.set(Vec::new());
            self.say();
            // Back after a disconnect: the catch-up names the tickets that changed, and what
            // no event records (the floor) loads again too. (The first connection's catch-up,
            // from the page's own place, names what changed since the page was made.)
            if self.connected.get_value() && self.cursor.get_value().is_some() {
                self.ui.changed();
            }
            self.connected.set_value(true);
        });
        let heard =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(note) = e
                    .data()
                    .as_string()
                    .and_then(|text| client::decode::<LiveNote>(&text).ok())
                {
                    self.apply(note);
                }
            });
        let closed =
            Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |e: web_sys::CloseEvent| {
                self.socket.set_value(None);
                if e.code() == SESSION_ENDED {
                    self.ui.me.set(None);
                } else {
                    self.ui.online.set(false);
                    self.retry();
                }
            });
        socket.set_onopen(Some(opened.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(heard.as_ref().unchecked_ref()));
        socket.set_onclose(Some(closed.as_ref().unchecked_ref()));
        self.handlers.set_value(Some((opened, heard, closed)));
        self.socket.set_value(Some(socket));
    }

    /// Tries again after a while: 0.5 s, 1 s, 2 s … at most 30 s, each between half and all
    /// of it, so that tabs cut off together do not all come back at the same moment.
    fn retry(self) {
        let attempts = self.attempts.get_value();
        self.attempts.set_value(attempts + 1);
        let wait = (BACKOFF_FIRST_MS * f64::from(1u32 << attempts.min(6))).min(BACKOFF_MAX_MS)
            * (0.5 + js_sys::Math::random() / 2.0);
        set_timeout(
            move || {
                if self.ui.me.get_untracked().is_none() || self.socket.get_value().is_some() {
                    return;
                }
                // A socket refused for an ended session looks like any other failure: ask.
                leptos::task::spawn_local(async move {
                    match me().await {
                        Err(AppError::Unauthenticated) => self.ui.me.set(None),
                        _ => self.open(),
                    }
                });
            },
            Duration::from_millis(wait as u64),
        );
    }

    fn apply(self, note: LiveNote) {
        // A call's change or signal is for the call screen alone, and moves no cursor.
        if note.call.is_some() || note.signal.is_some() {
            if let Some(call) = note.call {
                self.ui.call.set(Some(call));
            }
            if let Some(signal) = note.signal {
                self.ui.signals.update(|queue| queue.push(signal));
            }
            return;
        }
        self.cursor.set_value(Some(note.cursor));
        if let Some(here) = note.here {
            self.ui.presence.update(|all| {
                all.retain(|h| h.ticket_id != here.ticket_id);
                if !here.people.is_empty() {
                    all.push(here);
                }
            });
            return;
        }
        if note.floor {
            // What shows the floor (the admin's floor, the duty bar) loads again.
            self.ui.changed();
            return;
        }
        let named = match (note.reload, note.ticket_id) {
            (false, None) => return,
            (true, _) => None,
            (false, Some(id)) => Some(id),
        };
        let first = self.pending.get_value().is_none();
        self.pending
            .update_value(|p| p.get_or_insert_with(Vec::new).push(named));
        if first {
            set_timeout(move || self.flush(), GATHER);
        }
    }

    fn flush(self) {
        let Some(named) = self.pending.get_value() else {
            return;
        };
        self.pending.set_value(None);
        let one = named.first().copied().flatten();
        let touched = one.filter(|id| named.iter().all(|n| *n == Some(*id)));
        self.ui.touched.set(touched);
        self.ui.changed();
    }
}
