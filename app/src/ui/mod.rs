//! The UI the three apps share: the shell (header, language, sign-in, forced password change,
//! wrong-app refusal), form pieces and the account page. Each app adds only its own pages.

mod account;
mod call;
mod canned;
mod chat;
mod fields;
mod files;
mod kb;
mod live;
mod nav;
mod shell;
mod tickets;
mod tokens;
mod two_factor;
mod work;

pub use account::{AccountPage, PasswordForm};
pub use call::{CallButtons, ClientCallButtons};
pub use canned::CannedPage;
pub use chat::{ChatOffer, ChatStart};
pub use fields::{choices, id_options, Checks, ErrorNote, Options, Select, TextArea, TextField};
pub use files::{add_files, FileLinks, FilePicker};
pub use kb::{kb_path, AsTyped, KbArticlePage, KbPage, Library};
pub use nav::Link;
pub use shell::{common_page, start, NavItem, NotFound, NoticeText};
pub use tickets::{
    follow, ticket_path, Since, StaffTicketView, StatusBadge, TicketLink, TicketList, TicketView,
    When,
};
pub use two_factor::{SetUpSecondFactor, TwoFactorCard};
pub use work::WorkHistory;

use crate::client::{Call, Posting};
use crate::dto::{CurrentUser, Here, Present, Role, TicketPage, TicketQuery};
use crate::error::AppError;
use crate::i18n::{error_text, Lang, Msg};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

const LANG_KEY: &str = "salter.lang";

/// What every page may read: the language, the company name and the signed-in user.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The app this page belongs to.
    pub app: Role,
    pub lang: RwSignal<Lang>,
    pub company: RwSignal<Option<String>>,
    pub me: RwSignal<Option<CurrentUser>>,
    /// The installation's time zone (IANA name), once known: exact times are shown in it.
    pub time_zone: RwSignal<Option<String>>,
    /// Now, in unix milliseconds, moved on every half minute: "12 min ago" stays true while a
    /// page stays open.
    pub now: RwSignal<i64>,
    /// The page shown: the path below the app's base (`/`, `/settings`, …).
    pub path: RwSignal<String>,
    /// Counts the changes to tickets — the user's own, and those the live connection hears
    /// of: every list and counter that shows tickets (the queue beside a ticket, the duty bar's
    /// load) loads again when it moves.
    pub changes: RwSignal<u32>,
    /// Set by the live connection to the ticket that changed (`None`: any ticket may have):
    /// a ticket on screen that it names loads again.
    pub touched: RwSignal<Option<i64>>,
    /// Whether the live connection is up (it reconnects by itself when not).
    pub online: RwSignal<bool>,
    /// The ticket on screen, and whether its person is writing on it: the live connection
    /// tells the server, which tells staff (presence).
    pub viewing: RwSignal<Option<i64>>,
    pub typing: RwSignal<bool>,
    /// What is being written is an internal note (a chat's client never hears of it).
    pub note: RwSignal<bool>,
    /// On a live chat: how far the tab has received and read its thread (`dto::Say`).
    pub marks: RwSignal<(i64, i64)>,
    /// Staff: who else is on which ticket now, as the live connection hears it.
    pub presence: RwSignal<Vec<Here>>,
    /// The last change of one of this person's calls the live connection heard, as the JSON
    /// the server sent: only the call screen (a lazy chunk) reads it.
    pub call: RwSignal<Option<String>>,
    /// Signals from the other side of a call, as JSON, waiting for the call screen.
    pub signals: RwSignal<Vec<String>>,
    /// The call this tab rang or answered: the live connection tells the server it is still
    /// on it (`dto::Say::call`).
    pub in_call: RwSignal<Option<i64>>,
}

thread_local! {
    /// The ticket list the page came with (`Boot::tickets`), until the list takes it.
    static FIRST_LIST: std::cell::RefCell<Option<(String, TicketPage)>> = const { std::cell::RefCell::new(None) };
}

impl Ui {
    fn new(app: Role) -> Ui {
        Ui {
            app,
            lang: RwSignal::new(initial_lang()),
            company: RwSignal::new(None),
            me: RwSignal::new(None),
            time_zone: RwSignal::new(None),
            now: RwSignal::new(js_sys::Date::now() as i64),
            path: RwSignal::new(String::new()),
            changes: RwSignal::new(0),
            touched: RwSignal::new(None),
            online: RwSignal::new(true),
            viewing: RwSignal::new(None),
            typing: RwSignal::new(false),
            note: RwSignal::new(false),
            marks: RwSignal::new((0, 0)),
            presence: RwSignal::new(Vec::new()),
            call: RwSignal::new(None),
            signals: RwSignal::new(Vec::new()),
            in_call: RwSignal::new(None),
        }
    }

    /// Keeps the list the page came with for the list to take, with the page it is for.
    fn keep_first_list(&self, list: Option<TicketPage>) {
        FIRST_LIST.set(list.map(|list| (self.path.get_untracked(), list)));
    }

    /// The list the page came with, once: for the page it was made for, unfiltered, and only
    /// while no change has been heard of since (the live socket starts from its place).
    fn take_first_list(&self, query: &TicketQuery) -> Option<TicketPage> {
        let (page, list) = FIRST_LIST.with_borrow_mut(Option::take)?;
        let fresh = *query == TicketQuery::default()
            && self.changes.get_untracked() == 0
            && page == self.path.get_untracked();
        fresh.then_some(list)
    }

    /// Who else is on a ticket (the user left out), tracked.
    pub fn others_on(&self, ticket: i64) -> Vec<Present> {
        let me = self.me.with(|m| m.as_ref().map(|m| m.id));
        self.presence.with(|all| {
            all.iter()
                .find(|h| h.ticket_id == ticket)
                .map(|h| {
                    h.people
                        .iter()
                        .filter(|p| Some(p.user_id) != me)
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// The user changed a ticket: what shows tickets elsewhere on the screen follows.
    pub fn changed(&self) {
        self.changes.update(|n| *n += 1);
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(LANG_KEY, lang.code());
        }
    }

    /// A unix-millisecond time as a date and time in the installation's time zone (the
    /// browser's until it is known), with the zone's name, in the reader's language.
    pub fn exact_time(&self, ms: i64) -> String {
        // The language's own way, on a 24-hour clock: "6. 12. 2026. 07:43", "6 Dec 2026, 07:43".
        let month = if self.lang.get() == Lang::En {
            "short"
        } else {
            "numeric"
        };
        self.local_time(
            ms,
            &[
                ("day", "numeric"),
                ("month", month),
                ("year", "numeric"),
                ("hour", "2-digit"),
                ("minute", "2-digit"),
                ("hourCycle", "h23"),
                ("timeZoneName", "short"),
            ],
        )
    }

    /// A unix-millisecond time in the installation's time zone, in the reader's language, with
    /// the parts `Intl.DateTimeFormat` is given (`("day", "numeric")`, …).
    pub fn local_time(&self, ms: i64, parts: &[(&str, &str)]) -> String {
        use js_sys::{Array, Function, Object, Reflect};
        use wasm_bindgen::{JsCast, JsValue};
        let lang = self.lang.get();
        let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        let options = Object::new();
        let set = |key: &str, value: &str| {
            let _ = Reflect::set(&options, &key.into(), &value.into());
        };
        for (key, value) in parts {
            set(key, value);
        }
        if let Some(zone) = self.time_zone.get() {
            set("timeZone", &zone);
        }
        // Called through Reflect so a zone this browser does not know is an error, not a
        // crash; the browser's own zone is used then.
        let format = Reflect::get(&date, &"toLocaleString".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        let args = Array::of2(&lang.locale().into(), &options);
        format
            .and_then(|f| Reflect::apply(&f, &date, &args).ok())
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| {
                String::from(date.to_locale_string(lang.code(), &Object::new().into()))
            })
    }

    /// The company name, or the neutral default until the admin sets one.
    pub fn company_name(&self) -> String {
        self.company
            .get()
            .unwrap_or_else(|| Msg::DefaultCompany.text(self.lang.get()).to_string())
    }
}

/// The stored choice, else the browser's language, else English.
fn initial_lang() -> Lang {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
    stored
        .as_deref()
        .and_then(Lang::from_tag)
        .or_else(|| {
            window()
                .navigator()
                .language()
                .as_deref()
                .and_then(Lang::from_tag)
        })
        .unwrap_or_default()
}

pub fn use_ui() -> Ui {
    expect_context::<Ui>()
}

/// Where a page's data will be, while it is on its way: placeholder lines in its place (so
/// nothing jumps when it comes), and the word for assistive technology.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <div class="loading" aria-busy="true">
            <span class="visually-hidden">{t(Msg::Loading)}</span>
            <span class="line"></span><span class="line"></span><span class="line"></span>
        </div>
    }
}

/// A translated text that follows the language picker.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_ui().lang;
    move || msg.text(lang.get())
}

/// A translated label of a value that follows the language picker. One closure type per type
/// of value, however many places show one: every distinct closure costs WebAssembly.
pub fn label<T: Copy + Send + Sync + 'static>(
    value: T,
    text: fn(T, Lang) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_ui().lang;
    move || text(value, lang.get())
}

/// A server call whose success is already bound to what to do with its value.
type PendingCall = Pin<Box<dyn Future<Output = Result<Box<dyn FnOnce()>, AppError>>>>;

/// What to do with a call's answer: decode it, and bind the value to what the form does next.
type Then = Box<dyn FnOnce(String) -> Result<Box<dyn FnOnce()>, AppError>>;

/// A call's answer, once it has come, through `then`.
async fn answered(posting: Posting, then: Then) -> Result<Box<dyn FnOnce()>, AppError> {
    then(posting.await?)
}

/// A new idempotency key: the time and 53 random bits.
pub fn fresh_key() -> String {
    let random = (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64;
    format!("{:x}-{random:x}", js_sys::Date::now() as u64)
}

/// One form's idempotency key: the same while the user retries its action (the server answers
/// a retry from what the first request did, so a lost answer never posts twice), a new one once
/// the action succeeded.
#[derive(Clone, Copy)]
pub struct ActionKey(RwSignal<String>);

impl ActionKey {
    pub fn new() -> ActionKey {
        ActionKey(RwSignal::new(fresh_key()))
    }

    pub fn current(self) -> String {
        self.0.get_untracked()
    }

    /// The action succeeded: the next one is another.
    pub fn renew(self) {
        self.0.set(fresh_key());
    }
}

impl Default for ActionKey {
    fn default() -> Self {
        ActionKey::new()
    }
}

/// One action's call to the server (a form's submit, a button, a page's load): whether it is
/// under way, and its last error. Give each action its own, so one's end is not another's.
#[derive(Clone, Copy)]
pub struct FormCall {
    /// Calls under way: busy until the last of them has answered.
    pending: RwSignal<u32>,
    pub error: RwSignal<Option<AppError>>,
    ui: Ui,
}

impl FormCall {
    pub fn new() -> FormCall {
        FormCall {
            pending: RwSignal::new(0),
            error: RwSignal::new(None),
            ui: use_ui(),
        }
    }

    /// Whether a call is under way (tracked: a view reading it follows it).
    pub fn busy(self) -> bool {
        self.pending.get() > 0
    }

    /// Runs a server call; `done` gets its value, the error line gets its error. An ended
    /// session sends the user back to sign in.
    pub fn run<O: DeserializeOwned + 'static>(self, call: Call<O>, done: impl FnOnce(O) + 'static) {
        // Per call site only this closure is compiled (and `decode` once per type of value);
        // the request, its waiting and the error handling are compiled once for every form.
        let then: Then = Box::new(move |text| {
            let value = crate::client::decode::<O>(&text)?;
            Ok(Box::new(move || done(value)) as Box<dyn FnOnce()>)
        });
        self.start(Box::pin(answered(call.posting(), then)));
    }

    /// Runs any other work the way `run` runs a server call (uploads: several requests).
    pub fn run_task<T: 'static>(
        self,
        task: impl Future<Output = Result<T, AppError>> + 'static,
        done: impl FnOnce(T) + 'static,
    ) {
        self.start(Box::pin(async move {
            task.await
                .map(|value| Box::new(move || done(value)) as Box<dyn FnOnce()>)
        }));
    }

    fn start(self, call: PendingCall) {
        self.pending.update(|n| *n += 1);
        self.error.set(None);
        spawn_local(async move {
            match call.await {
                Ok(done) => done(),
                Err(e) => {
                    if e == AppError::Unauthenticated {
                        self.ui.me.set(None);
                    }
                    self.error.set(Some(e));
                }
            }
            self.pending.update(|n| *n = n.saturating_sub(1));
        });
    }

    /// The last error in the reader's language.
    pub fn message(self) -> Signal<Option<String>> {
        let lang = self.ui.lang;
        let error = self.error;
        Signal::derive(move || error.get().map(|e| error_text(&e, lang.get())))
    }
}

impl Default for FormCall {
    fn default() -> Self {
        FormCall::new()
    }
}
