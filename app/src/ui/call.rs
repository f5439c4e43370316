//! Voice and video calls, the browser's side (`server::calls` decides who may call whom and
//! passes the signalling). `CallHost` — a lazy chunk of every app, mounted once the app is
//! ready — hears its person's calls (`Ui::call`, and those under way when it starts), rings,
//! and holds the peer connection (WebRTC) in the one tab that rang or answered (`Ui::in_call`,
//! which the live connection tells the server, so the call lasts while that tab is open).
//! Staff start a call from a ticket (`CallButtons`), and so does a client where the admin
//! allows it (`ClientCallButtons`).
//!
//! The caller's tab makes the offer once the call is answered; the other answers it; both
//! pass their ICE candidates as they come (`Up::Signal`). Signals are handled one after the
//! other, in the order they came, so none is applied before the description it belongs to.

use super::live::Live;
use super::{t, use_ui, ErrorNote, FormCall};
use crate::api::calls::{answer_call, current_calls, end_call, get_call_setup, ring_call};
use crate::client;
use crate::dto::{Call, CallSetup, IceServer, NewCall, Role, Signal, SignalData, Up};
use crate::i18n::{duration_text, Msg};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::VecDeque;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    MediaStream, MediaStreamConstraints, MediaStreamTrack, RtcConfiguration, RtcIceCandidateInit,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcRtpSender, RtcSdpType,
    RtcSessionDescriptionInit, RtcTrackEvent,
};

/// Staff's buttons on a ticket: ring its client, voice only or with cameras.
#[component]
pub fn CallButtons(ticket: i64) -> impl IntoView {
    let ui = use_ui();
    let action = FormCall::new();
    let ring = move |video: bool| {
        let input = NewCall {
            ticket_id: ticket,
            video,
        };
        action.run(ring_call(input), move |call: Call| {
            ui.in_call.set(Some(call.id))
        });
    };
    let busy = move || action.busy() || ui.in_call.get().is_some();
    view! {
        <section class="card call-start" aria-label=t(Msg::Calls)>
            <button type="button" on:click=move |_| ring(false) disabled=busy>{t(Msg::VoiceCall)}</button>
            " "
            <button type="button" on:click=move |_| ring(true) disabled=busy>{t(Msg::VideoCall)}</button>
            <p class="hint">{t(Msg::CallPermissionHint)}</p>
            <ErrorNote message=action.message()/>
        </section>
    }
}

/// The client's buttons on their ticket, where the admin lets clients ask for a call: its
/// operator is rung.
#[component]
pub fn ClientCallButtons(ticket: i64) -> impl IntoView {
    let allowed = RwSignal::new(false);
    let setup = FormCall::new();
    setup.run(get_call_setup(), move |s: CallSetup| {
        allowed.set(s.clients_may_call)
    });
    view! {
        <Show when=move || allowed.get()>
            <CallButtons ticket=ticket/>
        </Show>
    }
}

/// The tab's side of a call: the peer connection, its own camera and microphone, and what
/// its handlers need to stay alive.
struct Peer {
    pc: RtcPeerConnection,
    local: MediaStream,
    _found: Closure<dyn FnMut(RtcPeerConnectionIceEvent)>,
    _track: Closure<dyn FnMut(RtcTrackEvent)>,
}

impl Peer {
    fn close(&self) {
        self.pc.close();
        stop_tracks(&self.local);
    }

    /// The sender of the tab's picture, if the call has one.
    fn video_sender(&self) -> Option<RtcRtpSender> {
        self.pc
            .get_senders()
            .iter()
            .map(|s| s.unchecked_into::<RtcRtpSender>())
            .find(|s| s.track().is_some_and(|t| t.kind() == "video"))
    }
}

fn stop_tracks(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

async fn wait(promise: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(promise).await
}

/// The screen of a call: ringing in, calling out, talking, or ended.
#[component]
pub fn CallHost() -> impl IntoView {
    let ui = use_ui();
    let live = use_context::<Live>();
    let call = RwSignal::new(None::<Call>);
    let ended = RwSignal::new(None::<Call>);
    let peer = StoredValue::new_local(None::<Peer>);
    let inbox = StoredValue::new(VecDeque::<Signal>::new());
    let draining = StoredValue::new(false);
    let offered = StoredValue::new(false);
    // The call this tab's media were asked for (once per call, however often it changes).
    let started = StoredValue::new(None::<i64>);
    let received = RwSignal::new(0f64);
    let muted = RwSignal::new(false);
    let camera = RwSignal::new(true);
    let sharing = RwSignal::new(false);
    let their_mic_off = RwSignal::new(false);
    let remote_video = NodeRef::<html::Video>::new();
    let local_video = NodeRef::<html::Video>::new();
    let action = FormCall::new();
    let media_error = RwSignal::new(None::<String>);

    let send = move |call_id: i64, data: SignalData| {
        if let Some(live) = live {
            live.send(&Up::Signal(Signal { call_id, data }));
        }
    };
    // The caller's tab offers once the call is answered and its own media is ready.
    let offer = move |call_id: i64| {
        if offered.get_value() || peer.with_value(Option::is_none) {
            return;
        }
        offered.set_value(true);
        spawn_local(async move {
            let Some(pc) = peer.with_value(|p| p.as_ref().map(|p| p.pc.clone())) else {
                return;
            };
            let Ok(made) = wait(pc.create_offer()).await else {
                return;
            };
            let sdp = sdp_of(&made);
            let init = RtcSessionDescriptionInit::new(RtcSdpType::Offer);
            init.set_sdp(&sdp);
            if wait(pc.set_local_description(&init)).await.is_ok() {
                send(call_id, SignalData::Description { offer: true, sdp });
            }
        });
    };

    let leave = move || {
        peer.update_value(|p| {
            if let Some(p) = p.take() {
                p.close();
            }
        });
        offered.set_value(false);
        started.set_value(None);
        received.set(0.0);
        muted.set(false);
        camera.set(true);
        sharing.set(false);
        their_mic_off.set(false);
        ui.in_call.set(None);
    };

    // A call's change, heard or answered: shown, followed, or gone.
    let heard = move |c: Call| {
        let mine = ui.in_call.get_untracked() == Some(c.id);
        if c.ended_at.is_some() {
            if mine {
                leave();
                ended.set(Some(c));
                call.set(None);
            } else if call.with_untracked(|now| now.as_ref().is_some_and(|n| n.id == c.id)) {
                call.set(None);
            }
            return;
        }
        if c.answered_at.is_some() && !mine && !c.calling {
            // Answered in another tab.
            call.set(None);
            return;
        }
        if mine && c.calling && c.answered_at.is_some() {
            offer(c.id);
        }
        call.set(Some(c));
    };

    // Calls under way when the app starts: one that rings rings here too.
    action.run(current_calls(), move |calls: Vec<Call>| {
        if let Some(c) = calls.into_iter().find(|c| c.answered_at.is_none()) {
            heard(c);
        }
    });
    Effect::new(move |_| {
        if let Some(c) = ui
            .call
            .get()
            .and_then(|text| client::decode::<Call>(&text).ok())
        {
            heard(c);
        }
    });

    // This tab's call starts: its camera and microphone (the browser asks), the peer
    // connection with the admin's servers; the called side answers once ready for the offer.
    let start = move |c: Call| {
        media_error.set(None);
        spawn_local(async move {
            match connect(&c, remote_video, local_video, send).await {
                // Ended (or declined) while the camera was being asked for.
                Ok(p) if ui.in_call.get_untracked() != Some(c.id) => p.close(),
                Ok(p) => {
                    peer.set_value(Some(p));
                    if c.calling {
                        // Answered while the camera was being asked for: offer now.
                        let answered = call.with_untracked(|now| {
                            now.as_ref()
                                .is_some_and(|n| n.id == c.id && n.answered_at.is_some())
                        });
                        if answered {
                            offer(c.id);
                        }
                    } else {
                        action.run(answer_call(c.id), heard);
                    }
                }
                Err(_) => {
                    media_error.set(Some(Msg::NoMedia.text(ui.lang.get_untracked()).into()));
                    started.set_value(None);
                    ui.in_call.set(None);
                }
            }
        });
    };
    Effect::new(move |_| {
        let (Some(c), Some(id)) = (call.get(), ui.in_call.get()) else {
            return;
        };
        if c.id == id && c.ended_at.is_none() && started.get_value() != Some(id) {
            started.set_value(Some(id));
            start(c);
        }
    });

    // The other side's signals, one after the other.
    let drain = move || {
        if draining.get_value() {
            return;
        }
        draining.set_value(true);
        spawn_local(async move {
            while let Some(signal) = inbox.try_update_value(VecDeque::pop_front).flatten() {
                let pc = peer.with_value(|p| p.as_ref().map(|p| p.pc.clone()));
                let Some(pc) = pc.filter(|_| ui.in_call.get_untracked() == Some(signal.call_id))
                else {
                    continue;
                };
                match signal.data {
                    SignalData::Media { muted, .. } => their_mic_off.set(muted),
                    data => {
                        if let Some(answer) = apply(&pc, data).await {
                            send(signal.call_id, answer);
                        }
                    }
                }
            }
            draining.set_value(false);
        });
    };
    Effect::new(move |_| {
        ui.signals.track();
        let texts = ui
            .signals
            .try_update_untracked(std::mem::take)
            .unwrap_or_default();
        if texts.is_empty() {
            return;
        }
        inbox.update_value(|q| {
            q.extend(
                texts
                    .iter()
                    .filter_map(|t| client::decode::<Signal>(t).ok()),
            )
        });
        drain();
    });

    // How much of the other side has arrived, every second: the call is alive.
    let stats = set_interval_with_handle(
        move || {
            let Some(pc) = peer.with_value(|p| p.as_ref().map(|p| p.pc.clone())) else {
                return;
            };
            spawn_local(async move {
                if let Ok(report) = wait(pc.get_stats()).await {
                    received.set(bytes_received(&report));
                }
            });
        },
        Duration::from_secs(1),
    );
    on_cleanup(move || {
        if let Ok(handle) = stats {
            handle.clear();
        }
        peer.update_value(|p| {
            if let Some(p) = p.take() {
                p.close();
            }
        });
    });

    let hang_up = move |id: i64| action.run(end_call(id), heard);
    // The tab's own microphone (`audio`) or camera on or off.
    let switch = move |audio: bool, on: bool| {
        peer.with_value(|p| {
            if let Some(p) = p {
                let tracks = if audio {
                    p.local.get_audio_tracks()
                } else {
                    p.local.get_video_tracks()
                };
                for track in tracks.iter() {
                    track.unchecked_into::<MediaStreamTrack>().set_enabled(on);
                }
            }
        });
    };
    // Muting is told to the other side, which shows it.
    let toggle_mute = move |id: i64| {
        muted.update(|m| *m = !*m);
        let muted = muted.get_untracked();
        switch(true, !muted);
        send(id, SignalData::Media { muted });
    };
    let toggle_camera = move || {
        camera.update(|c| *c = !*c);
        switch(false, camera.get_untracked());
    };
    let toggle_share = move || {
        spawn_local(async move {
            let Some((sender, camera_track)) = peer.with_value(|p| {
                let p = p.as_ref()?;
                let camera = p.local.get_video_tracks().get(0);
                Some((
                    p.video_sender()?,
                    camera.unchecked_into::<MediaStreamTrack>(),
                ))
            }) else {
                return;
            };
            if sharing.get_untracked() {
                let _ = wait(sender.replace_track(Some(&camera_track))).await;
                sharing.set(false);
            } else if let Some(screen) = screen_track().await {
                if wait(sender.replace_track(Some(&screen))).await.is_ok() {
                    sharing.set(true);
                }
            }
        });
    };

    let staff = ui.app != Role::Client;
    // The call on screen: this tab's own, or one ringing for its person.
    let current = Memo::new(move |_| {
        call.get()
            .filter(|c| ui.in_call.get() == Some(c.id) || (!c.calling && c.answered_at.is_none()))
    });
    let ringing_in = move || {
        current.with(|c| {
            c.as_ref().is_some_and(|c| {
                !c.calling && c.answered_at.is_none() && ui.in_call.get() != Some(c.id)
            })
        })
    };
    let video = move || current.with(|c| c.as_ref().is_some_and(|c| c.video));
    let id = move || current.with_untracked(|c| c.as_ref().map(|c| c.id));
    let title = move || {
        current.get().map(|c| {
            let what = match (ringing_in(), c.calling && c.answered_at.is_none()) {
                (true, _) => Msg::CallFrom,
                (false, true) => Msg::CallingTo,
                (false, false) => Msg::InCallWith,
            };
            view! { {t(what)} " " {c.with} }
        })
    };
    let kind = move || {
        current.get().map(|c| {
            let kind = if c.video {
                Msg::VideoCall
            } else {
                Msg::VoiceCall
            };
            view! { {t(kind)} " · " {c.subject} }
        })
    };
    view! {
        {move || ended.get().map(|c| view! {
            <section class="call-screen ended" role="dialog" aria-labelledby="call-ended-title">
                <h2 id="call-ended-title">{t(Msg::CallEnded)}</h2>
                <p>{c.with.clone()} " · " {
                    let seconds = c.answered_at.zip(c.ended_at).map(|(a, e)| e - a);
                    seconds.map(duration_text)
                }</p>
                <button type="button" on:click=move |_| ended.set(None)>{t(Msg::Dismiss)}</button>
            </section>
        })}
        // Screen readers hear a call ring (a dialog that appears is not announced by itself).
        <p class="visually-hidden" aria-live="assertive">
            {move || ringing_in().then(title)}
        </p>
        {move || media_error.get().map(|text| view! {
            <p class="error call-error" role="alert">{text}</p>
        })}
        // Always in the page while the app runs, so its pictures keep their streams.
        <section class="call-screen" role="dialog" aria-labelledby="call-title"
            hidden=move || current.with(Option::is_none)>
            <h2 id="call-title">{title}</h2>
            <p class="call-kind">{kind}</p>
            <div class="call-answer" hidden=move || !ringing_in()>
                <p class="hint">{t(Msg::CallPermissionHint)}</p>
                <div class="actions">
                    <button type="button" class="primary" on:click=move |_| ui.in_call.set(id())>
                        {t(Msg::AnswerCall)}
                    </button>
                    <button type="button" class="danger" on:click=move |_| {
                        if let Some(id) = id() {
                            action.run(end_call(id), move |_: Call| call.set(None));
                        }
                    }>{t(Msg::DeclineCall)}</button>
                </div>
            </div>
            <div class="call-live" hidden=ringing_in>
                <div class="call-media" hidden=move || !video()>
                    <video node_ref=remote_video class="remote" autoplay=true playsinline=true
                        aria-label=t(Msg::TheirPicture)></video>
                    <video node_ref=local_video class="local" autoplay=true playsinline=true
                        muted=true aria-label=t(Msg::YourPicture)></video>
                </div>
                <p class="call-stats" data-received=move || received.get().to_string()>
                    {t(Msg::CallReceived)} ": " {move || format!("{:.0} KB", received.get() / 1024.0)}
                </p>
                <p class="hint" hidden=move || !their_mic_off.get()>{t(Msg::TheirMicOff)}</p>
                <div class="actions">
                    <button type="button" aria-pressed=move || muted.get().to_string()
                        on:click=move |_| { if let Some(id) = id() { toggle_mute(id) } }>
                        {move || t(if muted.get() { Msg::Unmute } else { Msg::Mute })}
                    </button>
                    <button type="button" hidden=move || !video()
                        aria-pressed=move || (!camera.get()).to_string()
                        on:click=move |_| toggle_camera()>
                        {move || t(if camera.get() { Msg::CameraOff } else { Msg::CameraOn })}
                    </button>
                    <button type="button" hidden=move || !(video() && staff)
                        aria-pressed=move || sharing.get().to_string()
                        on:click=move |_| toggle_share()>
                        {move || t(if sharing.get() { Msg::StopSharing } else { Msg::ShareScreen })}
                    </button>
                    <button type="button" class="danger"
                        on:click=move |_| { if let Some(id) = id() { hang_up(id) } }>
                        {t(Msg::HangUp)}
                    </button>
                </div>
            </div>
            <ErrorNote message=action.message()/>
        </section>
    }
}

/// The tab's media and peer connection for `call`: the other side's picture in `remote`, its
/// own in `local`; its candidates go out through `send` as they are found.
async fn connect(
    call: &Call,
    remote: NodeRef<html::Video>,
    local: NodeRef<html::Video>,
    send: impl Fn(i64, SignalData) + Copy + 'static,
) -> Result<Peer, JsValue> {
    let servers = get_call_setup()
        .await
        .map(|s| s.ice_servers)
        .unwrap_or_default();
    let devices = web_sys::window()
        .ok_or(JsValue::NULL)?
        .navigator()
        .media_devices()?;
    let wanted = MediaStreamConstraints::new();
    wanted.set_audio_bool(true);
    wanted.set_video_bool(call.video);
    let stream: MediaStream = wait(devices.get_user_media_with_constraints(&wanted)?)
        .await?
        .unchecked_into();
    if let Some(video) = local.get_untracked() {
        video.set_src_object(Some(&stream));
    }
    let config = RtcConfiguration::new();
    config.set_ice_servers(&ice_servers(&servers));
    let pc = RtcPeerConnection::new_with_configuration(&config)?;
    for track in stream.get_tracks().iter() {
        pc.add_track_0(&track.unchecked_into::<MediaStreamTrack>(), &stream);
    }
    let call_id = call.id;
    let found = Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
        move |e: RtcPeerConnectionIceEvent| {
            if let Some(c) = e.candidate() {
                send(
                    call_id,
                    SignalData::Candidate {
                        candidate: c.candidate(),
                        sdp_mid: c.sdp_mid(),
                        sdp_m_line_index: c.sdp_m_line_index(),
                    },
                );
            }
        },
    );
    let track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |e: RtcTrackEvent| {
        if let (Some(video), Some(stream)) = (
            remote.get_untracked(),
            e.streams().get(0).dyn_ref::<MediaStream>(),
        ) {
            video.set_src_object(Some(stream));
        }
    });
    pc.set_onicecandidate(Some(found.as_ref().unchecked_ref()));
    pc.set_ontrack(Some(track.as_ref().unchecked_ref()));
    Ok(Peer {
        pc,
        local: stream,
        _found: found,
        _track: track,
    })
}

/// The admin's servers as `RTCConfiguration.iceServers` wants them.
fn ice_servers(servers: &[IceServer]) -> JsValue {
    let list = js_sys::Array::new();
    for s in servers {
        let entry = js_sys::Object::new();
        let set = |key: &str, value: &str| {
            let _ = js_sys::Reflect::set(&entry, &key.into(), &value.into());
        };
        set("urls", &s.url);
        if let (Some(user), Some(credential)) = (&s.username, &s.credential) {
            set("username", user);
            set("credential", credential);
        }
        list.push(&entry);
    }
    list.into()
}

fn sdp_of(description: &JsValue) -> String {
    js_sys::Reflect::get(description, &"sdp".into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// Applies a description or candidate from the other side; an answer to send back, when the
/// other side offered.
async fn apply(pc: &RtcPeerConnection, data: SignalData) -> Option<SignalData> {
    match data {
        SignalData::Description { offer, sdp } => {
            let kind = if offer {
                RtcSdpType::Offer
            } else {
                RtcSdpType::Answer
            };
            let init = RtcSessionDescriptionInit::new(kind);
            init.set_sdp(&sdp);
            wait(pc.set_remote_description(&init)).await.ok()?;
            if !offer {
                return None;
            }
            let made = wait(pc.create_answer()).await.ok()?;
            let sdp = sdp_of(&made);
            let init = RtcSessionDescriptionInit::new(RtcSdpType::Answer);
            init.set_sdp(&sdp);
            wait(pc.set_local_description(&init)).await.ok()?;
            Some(SignalData::Description { offer: false, sdp })
        }
        SignalData::Candidate {
            candidate,
            sdp_mid,
            sdp_m_line_index,
        } => {
            let init = RtcIceCandidateInit::new(&candidate);
            init.set_sdp_mid(sdp_mid.as_deref());
            init.set_sdp_m_line_index(sdp_m_line_index);
            let _ = wait(pc.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init))).await;
            None
        }
        SignalData::Media { .. } => None,
    }
}

/// The bytes received so far over every incoming stream (`getStats`, `inbound-rtp`).
fn bytes_received(report: &JsValue) -> f64 {
    let mut total = 0.0;
    let map: &js_sys::Map = report.unchecked_ref();
    map.for_each(&mut |stat, _| {
        let get = |key: &str| js_sys::Reflect::get(&stat, &key.into()).ok();
        if get("type").and_then(|t| t.as_string()).as_deref() == Some("inbound-rtp") {
            total += get("bytesReceived").and_then(|b| b.as_f64()).unwrap_or(0.0);
        }
    });
    total
}

/// The screen (a window, a tab) the operator picks to share, if they pick one.
async fn screen_track() -> Option<MediaStreamTrack> {
    let devices = web_sys::window()?.navigator().media_devices().ok()?;
    let stream: MediaStream = wait(devices.get_display_media().ok()?)
        .await
        .ok()?
        .unchecked_into();
    stream
        .get_video_tracks()
        .get(0)
        .dyn_into::<MediaStreamTrack>()
        .ok()
}
