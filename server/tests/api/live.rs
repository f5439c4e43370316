//! Live updates (`/ws`, `app::server::live`): who may open a socket, that every socket hears
//! exactly the events its user may see — what the database holds for them, never another
//! client's ticket or an internal note, nothing more of a ticket its operator lost — that a
//! reconnecting app catches up exactly, and that on PostgreSQL events are delivered in commit
//! order with nothing skipped.

use crate::common::{
    assign, desk, fresh_database, open_ticket, step_ok, test_config, two_processes, Backend,
    Browser, DbGuard, TestApp, TwoProcesses, ADMIN_PASSWORD, USER_PASSWORD,
};
use app::dto::Cursor;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// What an app's socket receives, as the tests read it.
#[derive(Debug)]
pub(crate) enum Frame {
    Note(Value),
    Closed(Option<u16>),
}

/// An app's live socket, read all the time (as a browser does: it answers the server's
/// pings), its notes kept for the test.
pub(crate) struct Socket {
    frames: tokio::sync::mpsc::UnboundedReceiver<Frame>,
    /// What the app says (`Say`).
    says: tokio::sync::mpsc::UnboundedSender<String>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Socket {
    /// The tab closes.
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Opens `/ws` as `who`'s page would (its cookie, its origin), from `after` when given.
async fn connect(who: &Browser, origin: &str, after: Option<Cursor>) -> Result<Socket, WsError> {
    let query = after.map_or(String::new(), |c| format!("?tx={}&id={}", c.tx, c.id));
    let url = format!("{}/ws{query}", who.base.replacen("http", "ws", 1));
    let mut request = url.into_client_request()?;
    request
        .headers_mut()
        .insert("origin", origin.parse().expect("origin"));
    if let Some(cookie) = who.cookie() {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().expect("cookie"));
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
    let (sender, frames) = tokio::sync::mpsc::unbounded_channel();
    let (says, mut said) = tokio::sync::mpsc::unbounded_channel::<String>();
    let reader = tokio::spawn(async move {
        loop {
            let message = tokio::select! {
                Some(text) = said.recv() => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                    continue;
                }
                message = ws.next() => match message {
                    Some(Ok(message)) => message,
                    _ => return,
                },
            };
            let frame = match message {
                Message::Text(text) => {
                    Frame::Note(serde_json::from_str(&text).expect("a note is JSON"))
                }
                Message::Close(frame) => Frame::Closed(frame.map(|f| u16::from(f.code))),
                _ => continue,
            };
            if sender.send(frame).is_err() {
                return;
            }
        }
    });
    Ok(Socket {
        frames,
        says,
        reader,
    })
}

pub(crate) async fn open(who: &Browser, after: Option<Cursor>) -> Socket {
    connect(who, &who.base, after).await.expect("socket")
}

fn cursor_of(note: &Value) -> Cursor {
    serde_json::from_value(note["cursor"].clone()).expect("cursor")
}

impl Socket {
    /// The next frame, if one comes within `wait`.
    async fn frame(&mut self, wait: Duration) -> Option<Frame> {
        tokio::time::timeout(wait, self.frames.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next note, if one comes within `wait`.
    pub(crate) async fn next(&mut self, wait: Duration) -> Option<Value> {
        match self.frame(wait).await? {
            Frame::Note(note) => Some(note),
            Frame::Closed(code) => panic!("closed ({code:?}) while a note was awaited"),
        }
    }

    /// The first note: where the app starts.
    pub(crate) async fn hello(&mut self) -> Cursor {
        let hello = self.next(Duration::from_secs(5)).await.expect("hello");
        assert_eq!(hello["ticket_id"], Value::Null, "{hello}");
        assert_eq!(hello["reload"], false, "{hello}");
        cursor_of(&hello)
    }

    /// The app says which ticket its tab shows, and whether its person is writing.
    fn say(&self, viewing: Option<i64>, typing: bool) {
        self.say_json(json!({"viewing": viewing, "typing": typing}));
    }

    /// The app says what its tab shows, as its own JSON (`Say` with every field).
    pub(crate) fn say_json(&self, say: Value) {
        self.up(json!({ "say": say }));
    }

    /// The app says anything (`dto::Up`), as its own JSON.
    pub(crate) fn up(&self, up: Value) {
        self.says.send(up.to_string()).expect("socket open");
    }

    /// Who is on `ticket` by the next presence note about it.
    async fn here(&mut self, ticket: i64) -> Vec<(i64, bool)> {
        loop {
            let note = self
                .next(Duration::from_secs(5))
                .await
                .expect("a presence note");
            if note["here"]["ticket_id"] == json!(ticket) {
                return people(&note);
            }
        }
    }

    /// Every note until the socket has been quiet for a while.
    pub(crate) async fn drain(&mut self) -> Vec<Value> {
        let mut notes = Vec::new();
        while let Some(note) = self.next(Duration::from_millis(700)).await {
            notes.push(note);
        }
        notes
    }
}

/// The events of `ticket` after `after` that a reader sees: all, or (`client`) none internal.
async fn held(app: &TestApp, ticket: i64, after: Cursor, client: bool) -> Vec<Cursor> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT tx, id, internal FROM ticket_events WHERE ticket_id = $1 ORDER BY tx, id",
    )
    .bind(ticket)
    .fetch_all(&app.state.db.pool)
    .await
    .expect("events");
    rows.into_iter()
        .map(|(tx, id, internal)| (Cursor { tx, id }, internal))
        .filter(|(c, internal)| *c > after && !(client && *internal == 1))
        .map(|(c, _)| c)
        .collect()
}

/// The places of the notes about `ticket`.
fn about(notes: &[Value], ticket: i64) -> Vec<Cursor> {
    notes
        .iter()
        .filter(|n| n["ticket_id"] == json!(ticket))
        .map(cursor_of)
        .collect()
}

/// A presence note's people: (user, writing).
fn people(note: &Value) -> Vec<(i64, bool)> {
    note["here"]["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| (p["user_id"].as_i64().unwrap(), p["typing"] == true))
        .collect()
}

async fn note(who: &Browser, ticket: i64, body: &str, internal: bool) {
    let (status, answer) = who
        .call(
            "tickets/post",
            json!({"input": {"ticket_id": ticket, "body": body, "internal": internal}}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
}

async fn only_our_signed_in_pages_open_a_socket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_admin, client, _, _) = desk(&app).await;
    let refused = |e: WsError| match e {
        WsError::Http(res) => res.status().as_u16(),
        other => panic!("not refused by status: {other}"),
    };
    let stranger = app.browser();
    let signed_out = connect(&stranger, &stranger.base, None).await;
    assert_eq!(signed_out.map(|_| ()).map_err(refused), Err(401));
    let foreign = connect(&client, "https://evil.example", None).await;
    assert_eq!(foreign.map(|_| ()).map_err(refused), Err(403));
    let mut socket = open(&client, None).await;
    socket.hello().await;
    // Signing out ends the session: the socket closes at its next heartbeat, saying so.
    let (status, _) = client.call("session/sign_out", json!({})).await;
    assert_eq!(status, 200);
    let closed = loop {
        match socket.frame(Duration::from_secs(5)).await {
            Some(Frame::Closed(code)) => break code,
            Some(Frame::Note(_)) => continue,
            None => panic!("not closed"),
        }
    };
    assert_eq!(closed, Some(4401));
    app.stop().await;
}

async fn every_socket_hears_exactly_what_its_user_may_see(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other_client, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (second, _) = app.user(&admin, "Selma Dedić", "operator").await;
    let second_id = second.id().await;
    let mut sockets = Vec::new();
    for who in [&admin, &client, &other_client, &operator, &second] {
        let mut socket = open(who, None).await;
        let start = socket.hello().await;
        sockets.push((socket, start));
    }
    // The client's ticket is worked by the first operator, with a note only staff may read.
    let ticket = open_ticket(&client, "Printer", "live-1").await;
    assign(&admin, ticket, operator_id).await;
    step_ok(&operator, ticket, "start", None).await;
    note(&operator, ticket, "staff only: marker-internal", true).await;
    note(&operator, ticket, "Which model?", false).await;
    let before_reassigning = sockets[3].0.drain().await;
    // Then an admin gives it to the second operator: the first hears nothing more of it.
    let (status, body) = admin
        .call(
            "tickets/force",
            json!({"input": {"ticket_id": ticket, "status": "in_progress",
                "operator_id": second_id, "reason": "Handover"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    note(&client, ticket, "The LX-300.", false).await;
    note(&second, ticket, "Another note: marker-internal-2", true).await;

    let mut heard = Vec::new();
    for (socket, start) in &mut sockets {
        heard.push((about(&socket.drain().await, ticket), *start));
    }
    let (admin_heard, admin_start) = &heard[0];
    assert_eq!(*admin_heard, held(&app, ticket, *admin_start, false).await);
    let (client_heard, client_start) = &heard[1];
    assert_eq!(*client_heard, held(&app, ticket, *client_start, true).await);
    assert!(client_heard.len() < admin_heard.len(), "no internal note");
    assert!(heard[2].0.is_empty(), "another client's ticket");
    // The first operator heard its time with the ticket (its note and message at least), then
    // only that the ticket was taken from it — nothing of what was said after.
    let first = about(&before_reassigning, ticket);
    assert!(first.len() >= 3, "{first:?}");
    let taken: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT tx, id FROM ticket_events WHERE ticket_id = $1 AND kind = 'assigned' \
         AND from_value = $2",
    )
    .bind(ticket)
    .bind(operator_id.to_string())
    .fetch_all(&app.state.db.pool)
    .await
    .expect("events");
    let taken: Vec<Cursor> = taken
        .into_iter()
        .map(|(tx, id)| Cursor { tx, id })
        .collect();
    assert_eq!(taken.len(), 1);
    assert_eq!(heard[3].0, taken, "after losing the ticket");
    // The second hears from the reassignment on, its own note included.
    assert!(heard[4].0.len() >= 3, "{:?}", heard[4].0);
    app.stop().await;
}

async fn a_reconnecting_app_catches_up_exactly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let ticket = open_ticket(&client, "Network", "live-2").await;
    let mut socket = open(&client, None).await;
    let mut at = socket.hello().await;
    assign(&admin, ticket, operator_id).await;
    for note in socket.drain().await {
        at = cursor_of(&note);
    }
    drop(socket);
    // While the app is away: a start, a note, a message, a return.
    step_ok(&operator, ticket, "start", None).await;
    note(&operator, ticket, "marker-internal", true).await;
    note(&operator, ticket, "Still there?", false).await;
    step_ok(&operator, ticket, "return_to_client", Some("Which cable?")).await;
    let mut back = open(&client, Some(at)).await;
    let caught_up = back.drain().await;
    assert!(caught_up.iter().all(|n| n["reload"] == false));
    let heard = about(&caught_up, ticket);
    assert_eq!(heard, held(&app, ticket, at, true).await);
    assert_eq!(
        heard.len(),
        BTreeSet::from_iter(&heard).len(),
        "no event twice"
    );
    assert!(!heard.is_empty());
    // And it goes on live from there.
    note(&client, ticket, "The blue one.", false).await;
    let next = back
        .next(Duration::from_secs(5))
        .await
        .expect("a live note");
    assert_eq!(next["ticket_id"], json!(ticket));
    assert!(cursor_of(&next) > *heard.last().expect("caught up"));
    app.stop().await;
}

/// Whether the one operator of the desk is on duty, as the admin's floor says.
async fn on_duty(admin: &Browser) -> bool {
    let (status, floor) = admin.call("assignment/floor", json!({})).await;
    assert_eq!(status, 200, "{floor}");
    floor["operators"][0]["on_duty"].as_bool().expect("on_duty")
}

async fn an_open_console_keeps_its_operator_on_duty(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, _, operator, _) = desk(&app).await;
    let window = app.state.config.duty_window_ms;
    let socket = open(&operator, None).await;
    // Reading for longer than the duty window without a request: still on duty.
    app.state.clock.advance_ms(window + 1);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(on_duty(&admin).await);
    // The console closes: once the window has run out, off duty.
    drop(socket);
    tokio::time::sleep(Duration::from_secs(1)).await;
    app.state.clock.advance_ms(window + 1);
    assert!(!on_duty(&admin).await);
    app.stop().await;
}

/// PostgreSQL commits concurrent transactions in an order of its own: writers that hold their
/// transaction open for a random while after writing an event, and a reader tailing the log
/// the whole time, which must end up with every event exactly once.
async fn concurrent_commits_reach_a_tailing_reader_without_gaps(backend: Backend) {
    use rand::Rng;
    let app = TestApp::spawn(backend).await;
    let (_, client, _, _) = desk(&app).await;
    let ticket = open_ticket(&client, "Order", "live-3").await;
    // The ticket's own events, committed by now.
    let start = *held(&app, ticket, Cursor::default(), false)
        .await
        .last()
        .expect("the ticket's creation");
    let mut writers = Vec::new();
    for _ in 0..8 {
        let db = app.state.db.clone();
        writers.push(tokio::spawn(async move {
            for _ in 0..20 {
                let hold = rand::thread_rng().gen_range(0..15);
                let mut tx = db.begin_write().await.expect("begin");
                sqlx::query(
                    "INSERT INTO ticket_events (ticket_id, actor_id, at, kind, internal) \
                     VALUES ($1, NULL, 0, 'created', 0)",
                )
                .bind(ticket)
                .execute(&mut *tx)
                .await
                .expect("insert");
                tokio::time::sleep(Duration::from_millis(hold)).await;
                tx.commit().await.expect("commit");
            }
        }));
    }
    let mut read = Vec::new();
    let mut at = start;
    let mut writing = true;
    while writing {
        writing = !writers.iter().all(|w| w.is_finished());
        for event in app::server::live::settled_after(&app.state, at, 50)
            .await
            .expect("read")
        {
            at = event.cursor;
            read.push(event.cursor);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    loop {
        let rest = app::server::live::settled_after(&app.state, at, 500)
            .await
            .expect("read");
        let Some(last) = rest.last() else { break };
        at = last.cursor;
        read.extend(rest.iter().map(|e| e.cursor));
    }
    let committed = held(&app, ticket, start, false).await;
    assert_eq!(committed.len(), 8 * 20);
    assert_eq!(read, committed, "the tail skipped or repeated events");
    app.stop().await;
}

async fn staff_hear_of_the_floor_and_clients_do_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, _) = desk(&app).await;
    let mut watching = open(&admin, None).await;
    watching.hello().await;
    let mut outside = open(&client, None).await;
    outside.hello().await;
    let (status, duty) = operator
        .call("assignment/set_break", json!({"on_break": true}))
        .await;
    assert_eq!(status, 200, "{duty}");
    let note = watching
        .next(Duration::from_secs(5))
        .await
        .expect("a floor note");
    assert_eq!(
        (note["floor"].as_bool(), note["ticket_id"].as_i64()),
        (Some(true), None)
    );
    assert!(
        outside.drain().await.is_empty(),
        "a client hears nothing of the floor"
    );
    app.stop().await;
}

/// Presence: staff who may see a ticket hear who is on it and who is writing, at once and
/// again on connecting; a client never hears of it, nor an operator who does not hold the
/// ticket; saying a ticket one may not see puts nobody on it; a closed tab is gone at once.
async fn staff_see_who_is_on_a_ticket_and_who_is_writing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (second, _) = app.user(&admin, "Selma Dedić", "operator").await;
    let (client_id, second_id) = (client.id().await, second.id().await);
    let ticket = open_ticket(&client, "Keyboard", "here-1").await;
    assign(&admin, ticket, operator_id).await;
    let mut watching = open(&admin, None).await;
    watching.hello().await;
    let mut working = open(&operator, None).await;
    working.hello().await;
    working.say(Some(ticket), false);
    assert_eq!(watching.here(ticket).await, vec![(operator_id, false)]);
    working.say(Some(ticket), true);
    assert_eq!(watching.here(ticket).await, vec![(operator_id, true)]);
    // The client on its ticket is seen by staff; the client hears nothing of anyone.
    let mut asking = open(&client, None).await;
    asking.hello().await;
    asking.say(Some(ticket), false);
    let mut both = vec![(client_id, false), (operator_id, true)];
    both.sort();
    let mut heard = watching.here(ticket).await;
    heard.sort();
    assert_eq!(heard, both);
    assert_eq!(people(working.drain().await.last().expect("a note")), heard);
    // Another operator may not see the ticket: saying it changes nothing, and tells them nothing.
    let mut outside = open(&second, None).await;
    outside.hello().await;
    outside.say(Some(ticket), true);
    let rest = watching.drain().await;
    assert!(
        rest.iter()
            .all(|n| n["here"].is_null() || !people(n).iter().any(|p| p.0 == second_id)),
        "{rest:?}"
    );
    for quiet in [&mut asking, &mut outside] {
        let notes = quiet.drain().await;
        assert!(notes.iter().all(|n| n["here"].is_null()), "{notes:?}");
    }
    // Someone connecting hears who is there already.
    let mut late = open(&admin, None).await;
    late.hello().await;
    let mut now = late.here(ticket).await;
    now.sort();
    assert_eq!(now, both);
    // The operator's tab closes: gone at once.
    drop(working);
    assert_eq!(watching.here(ticket).await, vec![(client_id, false)]);
    asking.say(None, false);
    assert_eq!(watching.here(ticket).await, vec![]);
    app.stop().await;
}

/// Two processes on one PostgreSQL, as behind a load balancer: a change made through one
/// reaches a socket held by the other (its commit NOTIFYs every process's tail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_through_one_process_reaches_sockets_on_another() {
    let TwoProcesses { a, b, client, .. } = &two_processes().await;
    let on_a = Browser::new(&a.base);
    on_a.sign_in_ok(client, USER_PASSWORD, "client").await;
    let mut on_b = open(&on_a.on(&b.base), None).await;
    on_b.hello().await;
    let ticket = open_ticket(&on_a, "Through A", "two-1").await;
    let note = on_b
        .next(Duration::from_secs(5))
        .await
        .expect("a note on B of what was done through A");
    assert_eq!(note["ticket_id"], json!(ticket));
    // Who is on a ticket crosses processes too: the client on A, the admin watching on B.
    let admin = Browser::new(&b.base);
    admin.sign_in_ok("admin", ADMIN_PASSWORD, "admin").await;
    let mut watching = open(&admin, None).await;
    watching.hello().await;
    let on_ticket = open(&on_a, None).await;
    on_ticket.say(Some(ticket), true);
    let client_id = on_a.id().await;
    assert_eq!(watching.here(ticket).await, vec![(client_id, true)]);
}

/// PostgreSQL: a process tells the others of its commits once they have committed (`db::announce`
/// — no NOTIFY inside a write's transaction, where it made every writer commit one at a time):
/// a connection listening as another process's tail does hears of a new ticket.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_is_announced_to_the_other_processes() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let (_admin, client, _operator, _) = desk(&app).await;
    let mut listener = app
        .state
        .db
        .listener(&[app::server::db::EVENTS_CHANNEL])
        .await
        .expect("a listening connection");
    // Whatever the set-up announced is heard first; then nothing comes until the next write.
    while tokio::time::timeout(Duration::from_millis(300), listener.recv())
        .await
        .is_ok()
    {}
    open_ticket(&client, "Announced", "announce-1").await;
    let heard = tokio::time::timeout(Duration::from_secs(10), listener.recv())
        .await
        .expect("a NOTIFY after the creation committed")
        .expect("the listening connection holds");
    assert_eq!(heard.channel(), app::server::db::EVENTS_CHANNEL);
    app.stop().await;
}

/// One simulated app in the convergence test: whose it is, and every note it applied, in
/// order, over all its connections.
struct App {
    who: Browser,
    heard: Vec<Value>,
}

impl App {
    /// Connects, listens for a while (0.1–3 s), goes away (0.1–5 s), and again, until `stop`;
    /// then comes back once more and catches up. A refused or failed connection (the server
    /// restarting) is tried again shortly. Each connection starts from the last place applied.
    async fn live(
        mut self,
        base: std::sync::Arc<std::sync::RwLock<String>>,
        stop: tokio::sync::watch::Receiver<bool>,
    ) -> App {
        use rand::Rng;
        let mut at: Option<Cursor> = None;
        loop {
            let last = *stop.borrow();
            let here = base.read().expect("base").clone();
            let who = self.who.on(&here);
            let Ok(mut socket) = connect(&who, &who.base, at).await else {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            let stay = rand::thread_rng().gen_range(100..3_000);
            let until = tokio::time::Instant::now() + Duration::from_millis(stay);
            loop {
                let wait = until.saturating_duration_since(tokio::time::Instant::now());
                let quiet = if last {
                    Duration::from_millis(1_500)
                } else {
                    wait
                };
                match socket.frame(quiet).await {
                    Some(Frame::Note(note)) => {
                        at = Some(cursor_of(&note));
                        self.heard.push(note);
                    }
                    // Closed by the server (restarting): back as after any disconnect.
                    Some(Frame::Closed(_)) => break,
                    None => break,
                }
                if !last && tokio::time::Instant::now() >= until {
                    break;
                }
            }
            drop(socket);
            if last {
                return self;
            }
            let away = rand::thread_rng().gen_range(100..5_000);
            tokio::time::sleep(Duration::from_millis(away)).await;
        }
    }
}

/// Convergence: five apps (an admin, two clients, two operators) connect, drop and reconnect at
/// random while a stream of random changes flows — messages, internal notes, tickets taken from
/// one operator and given to the other — and the server restarts once. When it settles, every
/// app has heard, for every ticket its user may see, the ticket's last event it may see (so it
/// has loaded what the database holds for it), never the same event twice and never anything of
/// another's ticket; no note carries any text; an operator heard nothing of a ticket after the
/// event that took it.
async fn apps_converge_through_random_disconnects_and_a_restart(backend: Backend) {
    use rand::seq::SliceRandom;
    use rand::Rng;
    let (url, _guard) = fresh_database(backend).await;
    let mut app = TestApp::spawn_on(&url, DbGuard::Kept, test_config()).await;
    let admin = app.admin().await;
    let (ana, _) = app.user(&admin, "Ana Kovač", "client").await;
    let (emir, _) = app.user(&admin, "Emir Hadžić", "client").await;
    let (tarik, _) = app.user(&admin, "Tarik Mešić", "operator").await;
    let (selma, _) = app.user(&admin, "Selma Dedić", "operator").await;
    let operators = [tarik.id().await, selma.id().await];
    let ids = [
        admin.id().await,
        ana.id().await,
        emir.id().await,
        operators[0],
        operators[1],
    ];
    let mut tickets = Vec::new();
    for (i, client) in [&ana, &emir, &ana, &emir].into_iter().enumerate() {
        let id = open_ticket(client, &format!("Case {i}"), &format!("conv-{i}")).await;
        assign(&admin, id, operators[i % 2]).await;
        tickets.push((id, i % 2));
    }
    let base = std::sync::Arc::new(std::sync::RwLock::new(app.base.clone()));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let people = [&admin, &ana, &emir, &tarik, &selma];
    let apps: Vec<_> = people
        .iter()
        .map(|who| {
            let sim = App {
                who: who.on(&app.base),
                heard: Vec::new(),
            };
            tokio::spawn(sim.live(base.clone(), stopping.clone()))
        })
        .collect();

    let clients = [&ana, &emir, &ana, &emir];
    for round in 0..200 {
        if round == 100 {
            // The server restarts: sockets close, the apps come back to the new one.
            app.stop().await;
            app = TestApp::spawn_on(&url, DbGuard::Kept, test_config()).await;
            *base.write().expect("base") = app.base.clone();
        }
        let here = app.base.clone();
        let pick = rand::thread_rng().gen_range(0..tickets.len());
        let (ticket, holder) = tickets[pick];
        let operator = [&tarik, &selma][holder].on(&here);
        let action = [0, 1, 2, 3].choose(&mut rand::thread_rng()).copied();
        let (status, body) = match action {
            Some(0) => {
                let input = json!({"ticket_id": ticket, "body": format!("marker-client-{round}"), "internal": false});
                clients[pick]
                    .on(&here)
                    .call("tickets/post", json!({"input": input}))
                    .await
            }
            Some(1) => {
                let input = json!({"ticket_id": ticket, "body": format!("marker-internal-{round}"), "internal": true});
                operator.call("tickets/post", json!({"input": input})).await
            }
            Some(2) => {
                let input = json!({"ticket_id": ticket, "body": format!("marker-answer-{round}"), "internal": false});
                operator.call("tickets/post", json!({"input": input})).await
            }
            _ => {
                // Taken from its operator and given to the other.
                let other = 1 - holder;
                tickets[pick].1 = other;
                let input = json!({"ticket_id": ticket, "status": "in_progress",
                    "operator_id": operators[other], "reason": format!("marker-reason-{round}")});
                admin
                    .on(&here)
                    .call("tickets/force", json!({"input": input}))
                    .await
            }
        };
        assert_eq!(status, 200, "round {round}: {body}");
        let pause = rand::thread_rng().gen_range(10..80);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    stop.send_replace(true);
    let mut settled = Vec::new();
    for sim in apps {
        settled.push(sim.await.expect("an app"));
    }

    // What each user may see at the end, and the last event of each such ticket they may see.
    let events: Vec<(i64, i64, i64, i64)> =
        sqlx::query_as("SELECT tx, id, ticket_id, internal FROM ticket_events ORDER BY tx, id")
            .fetch_all(&app.state.db.pool)
            .await
            .expect("events");
    let held: Vec<(i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, client_id, operator_id FROM tickets")
            .fetch_all(&app.state.db.pool)
            .await
            .expect("tickets");

    for (n, sim) in settled.iter().enumerate() {
        let me = ids[n];
        let client = n == 1 || n == 2;
        assert!(
            sim.heard.iter().all(|note| note["reload"] == false),
            "app {n} had to reload"
        );
        let text = serde_json::to_string(&sim.heard).expect("json");
        assert!(!text.contains("marker"), "a note carried text: app {n}");
        let places: Vec<Cursor> = sim
            .heard
            .iter()
            .filter(|n| !n["ticket_id"].is_null())
            .map(cursor_of)
            .collect();
        let once: BTreeSet<&Cursor> = places.iter().collect();
        assert_eq!(places.len(), once.len(), "app {n} heard an event twice");
        for (ticket, client_id, operator_id) in &held {
            let may = match n {
                0 => true,
                1 | 2 => *client_id == me,
                _ => *operator_id == Some(me),
            };
            let heard_last = sim
                .heard
                .iter()
                .filter(|note| note["ticket_id"] == json!(ticket))
                .map(cursor_of)
                .max();
            let last = events
                .iter()
                .filter(|(_, _, t, internal)| t == ticket && !(client && *internal == 1))
                .map(|(tx, id, _, _)| Cursor { tx: *tx, id: *id })
                .max();
            if may {
                assert_eq!(
                    heard_last, last,
                    "app {n}, ticket {ticket}: behind the database"
                );
            } else if client {
                assert_eq!(
                    heard_last, None,
                    "app {n} heard of another's ticket {ticket}"
                );
            } else if let Some(heard_last) = heard_last {
                // An operator who lost it: nothing after the event that took it from them.
                let taken: Option<(i64, i64)> = sqlx::query_as(
                    "SELECT tx, id FROM ticket_events WHERE ticket_id = $1 AND kind = 'assigned' \
                     AND from_value = $2 ORDER BY tx DESC, id DESC LIMIT 1",
                )
                .bind(ticket)
                .bind(me.to_string())
                .fetch_optional(&app.state.db.pool)
                .await
                .expect("taken");
                let taken = taken.map(|(tx, id)| Cursor { tx, id });
                assert_eq!(
                    Some(heard_last),
                    taken,
                    "app {n} heard of ticket {ticket} after losing it"
                );
            }
        }
    }
    app.stop().await;
}

/// The access matrix of the socket: each kind of message the server sends, and who receives
/// it — an admin, the ticket's client, another client, the ticket's operator, another
/// operator. (What an app sends, `Say`, is checked by `staff_see_who_is_on_a_ticket…`: a
/// ticket one may not see puts nobody on it.)
async fn every_socket_message_reaches_exactly_whom_it_may(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (admin, client, operator, operator_id) = desk(&app).await;
    let (other_client, _) = app.user(&admin, "Emir Hadžić", "client").await;
    let (other_operator, _) = app.user(&admin, "Selma Dedić", "operator").await;
    let ticket = open_ticket(&client, "Matrix", "matrix-1").await;
    assign(&admin, ticket, operator_id).await;
    let people = [&admin, &client, &other_client, &operator, &other_operator];
    let mut sockets = Vec::new();
    for who in people {
        let mut socket = open(who, None).await;
        socket.hello().await;
        sockets.push(socket);
    }
    let second_tab = open(&admin, None).await;
    type Is = fn(&Value, i64) -> bool;
    let event: Is = |n, t| n["ticket_id"] == json!(t);
    let floor: Is = |n, _| n["floor"] == true;
    let here: Is = |n, t| n["here"]["ticket_id"] == json!(t);
    //                        admin  client other-client operator other-operator
    let matrix: [(&str, Is, [bool; 5]); 4] = [
        ("a message", event, [true, true, false, true, false]),
        ("an internal note", event, [true, false, false, true, false]),
        ("the floor", floor, [true, false, false, true, true]),
        ("who is on it", here, [true, false, false, true, false]),
    ];
    for (what, is, expected) in matrix {
        match what {
            "a message" => note(&client, ticket, "A message", false).await,
            "an internal note" => note(&operator, ticket, "A note", true).await,
            "the floor" => {
                let (status, body) = other_operator
                    .call("assignment/set_break", json!({"on_break": true}))
                    .await;
                assert_eq!(status, 200, "{body}");
            }
            _ => second_tab.say(Some(ticket), false),
        }
        let mut received = [false; 5];
        for (n, socket) in sockets.iter_mut().enumerate() {
            received[n] = socket.drain().await.iter().any(|note| is(note, ticket));
        }
        assert_eq!(received, expected, "{what}: who received it");
    }
    app.stop().await;
}

on_both_databases!(
    every_socket_message_reaches_exactly_whom_it_may,
    apps_converge_through_random_disconnects_and_a_restart,
    staff_see_who_is_on_a_ticket_and_who_is_writing,
    only_our_signed_in_pages_open_a_socket,
    staff_hear_of_the_floor_and_clients_do_not,
    an_open_console_keeps_its_operator_on_duty,
    every_socket_hears_exactly_what_its_user_may_see,
    a_reconnecting_app_catches_up_exactly,
    concurrent_commits_reach_a_tailing_reader_without_gaps,
);
