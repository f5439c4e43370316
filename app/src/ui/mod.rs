//! The UI the three apps share: the shell (header, language, sign-in, forced password change,
//! wrong-app refusal), form pieces and the account page. Each app adds only its own pages.

mod account;
mod fields;
mod shell;

pub use account::{AccountPage, PasswordForm};
pub use fields::{ErrorNote, TextField};
pub use shell::{start, HomePage, NavItem, NotFound};

use crate::dto::{CurrentUser, Role};
use crate::error::AppError;
use crate::i18n::{error_text, Lang, Msg};
use leptos::prelude::*;

const LANG_KEY: &str = "salter.lang";

/// What every page may read: the language, the company name and the signed-in user.
#[derive(Clone, Copy)]
pub struct Ui {
    /// The app this page belongs to.
    pub app: Role,
    pub lang: RwSignal<Lang>,
    pub company: RwSignal<Option<String>>,
    pub me: RwSignal<Option<CurrentUser>>,
}

impl Ui {
    fn new(app: Role) -> Ui {
        Ui {
            app,
            lang: RwSignal::new(initial_lang()),
            company: RwSignal::new(None),
            me: RwSignal::new(None),
        }
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.set(lang);
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = storage.set_item(LANG_KEY, lang.code());
        }
    }

    /// A path inside this app (`/settings` → `/admin/settings`).
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.app.app_path().trim_end_matches('/'), path)
    }

    /// Shows a failed call's error; an ended session sends the user back to sign in.
    pub fn fail(&self, slot: RwSignal<Option<AppError>>, error: AppError) {
        if error == AppError::Unauthenticated {
            self.me.set(None);
        }
        slot.set(Some(error));
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

/// A translated text that follows the language picker.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = use_ui().lang;
    move || msg.text(lang.get())
}

/// A translated error message that follows the language picker.
pub fn error_message(error: RwSignal<Option<AppError>>) -> impl Fn() -> Option<String> + Copy {
    let lang = use_ui().lang;
    move || error.get().map(|e| error_text(&e, lang.get()))
}

/// A unix-millisecond time as the reader's local date and time.
pub fn local_time(ms: i64, lang: Lang) -> String {
    let date = js_sys::Date::new(&wasm_bindgen_value(ms));
    String::from(date.to_locale_string(lang.code(), &js_sys::Object::new().into()))
}

fn wasm_bindgen_value(ms: i64) -> js_sys::wasm_bindgen::JsValue {
    js_sys::wasm_bindgen::JsValue::from_f64(ms as f64)
}
