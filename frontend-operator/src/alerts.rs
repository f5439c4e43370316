//! How a new assignment reaches an operator who is not looking at the console: a short tone,
//! if they turned it on, and the browser's notification while the console is in a background
//! tab, if they allowed it. Both choices belong to this browser (the tone is kept in its local
//! storage; the permission is the browser's own).

use app::i18n::{Lang, Msg};
use app::ui::t;
use leptos::prelude::*;
use std::cell::RefCell;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};

const SOUND_KEY: &str = "salter.sound";

thread_local! {
    /// One audio context for the console's life (browsers allow only a few).
    static AUDIO: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

fn sound_on() -> bool {
    let stored = window().local_storage().ok().flatten();
    stored
        .and_then(|s| s.get_item(SOUND_KEY).ok().flatten())
        .as_deref()
        == Some("on")
}

fn set_sound(on: bool) {
    if let Ok(Some(storage)) = window().local_storage() {
        let _ = storage.set_item(SOUND_KEY, if on { "on" } else { "off" });
    }
}

/// A short, quiet two-note chime.
fn chime() {
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = AudioContext::new().ok();
        }
        let Some(ctx) = audio.as_ref() else { return };
        // A context made before any click starts suspended; a click on the page resumes it.
        let _ = ctx.resume();
        let now = ctx.current_time();
        for (i, pitch) in [660.0, 880.0].into_iter().enumerate() {
            let (Ok(tone), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
                return;
            };
            let at = now + 0.15 * i as f64;
            tone.frequency().set_value(pitch);
            gain.gain().set_value(0.08);
            let _ = tone.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&ctx.destination());
            let _ = tone.start_with_when(at);
            let _ = tone.stop_with_when(at + 0.12);
        }
    });
}

/// `count` new tickets arrived in the queue.
pub fn announce(count: i64, lang: Lang) {
    if sound_on() {
        chime();
    }
    if Notification::permission() == NotificationPermission::Granted && document().hidden() {
        let options = NotificationOptions::new();
        options.set_body(&format!("{}: {count}", Msg::NewInQueue.text(lang)));
        // One notification, replaced by the next, rather than a pile.
        options.set_tag("salter-new-in-queue");
        let title = document().title();
        let _ = Notification::new_with_options(&title, &options);
    }
}

/// The operator's choices: the tone, and (until the browser was asked) its notifications.
#[component]
pub fn AlertChoices() -> impl IntoView {
    let sound = RwSignal::new(sound_on());
    let permission = RwSignal::new(Notification::permission());
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        sound.set(on);
        set_sound(on);
        if on {
            // Heard once now, so the operator knows it (and the browser allows it from now on).
            chime();
        }
    };
    let ask = move |_| {
        if let Ok(asked) = Notification::request_permission() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(asked).await;
                permission.set(Notification::permission());
            });
        }
    };
    view! {
        <label class="check">
            <input type="checkbox" id="alert-sound" prop:checked=sound on:change=toggle/>
            {t(Msg::SoundAlert)}
        </label>
        {move || (permission.get() == NotificationPermission::Default).then(|| view! {
            <button type="button" class="link" on:click=ask>{t(Msg::AllowNotifications)}</button>
        })}
    }
}
