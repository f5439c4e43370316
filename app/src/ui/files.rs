//! Attachments in the apps: choosing files (each is uploaded at once, as the raw body of
//! `POST /api/attachments`, and sent along with the form by id), and links that download them.

use super::{t, FormCall};
use crate::client;
use crate::dto::Attachment;
use crate::error::AppError;
use crate::i18n::Msg;
use leptos::prelude::*;

/// A file under way: its name and how much of it is sent (percent; `None` before the first
/// report, shown as a bar without a value).
pub type Uploading = (String, Option<u32>);

/// Uploads the files one after another, the first of `uploading` being the one under way: its
/// bar moves as it is sent, and once stored it leaves the bars and goes to `stored`.
async fn upload_all(
    picked: Vec<web_sys::File>,
    uploading: RwSignal<Vec<Uploading>>,
    stored: impl Fn(Attachment),
) -> Result<(), AppError> {
    for file in picked {
        let url = format!(
            "/api/attachments?name={}&key={}",
            js_sys::encode_uri_component(&file.name()),
            super::fresh_key()
        );
        let moved = move |p| uploading.update(|u| u.iter_mut().take(1).for_each(|f| f.1 = Some(p)));
        let file: Attachment = client::decode(&client::upload(&url, &file, moved).await?)?;
        // Another batch may have ended meanwhile and cleared the list (a refused file does).
        uploading.update(|u| {
            if !u.is_empty() {
                u.remove(0);
            }
        });
        stored(file);
    }
    Ok(())
}

/// "12 KB": a file's size for people.
pub fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1_048_576 => format!("{} KB", (b + 1023) / 1024),
        // Integer tenths: float formatting would cost ~20 KB of WebAssembly.
        b => format!("{}.{} MB", b / 1_048_576, b % 1_048_576 * 10 / 1_048_576),
    }
}

/// Uploads the files of `list` — picked, dropped or pasted — at once, each shown as under way
/// with a bar that fills as it is sent (a refused one leaves the form's error, not a bar); each
/// one stored joins `files`.
pub fn add_files(
    list: Option<web_sys::FileList>,
    files: RwSignal<Vec<Attachment>>,
    uploading: RwSignal<Vec<Uploading>>,
    call: FormCall,
) {
    upload_files(list, uploading, call, move |a| files.update(|f| f.push(a)));
}

/// Uploads the files of `list` at once, as `add_files` does; each one stored goes to `stored`.
pub fn upload_files(
    list: Option<web_sys::FileList>,
    uploading: RwSignal<Vec<Uploading>>,
    call: FormCall,
    stored: impl Fn(Attachment) + 'static,
) {
    let picked: Vec<web_sys::File> = list
        .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
        .unwrap_or_default();
    if picked.is_empty() {
        return;
    }
    uploading.set(picked.iter().map(|f| (f.name(), None)).collect());
    let task = async move {
        let done = upload_all(picked, uploading, stored).await;
        // A refused file stops the rest: the form shows why, and no bar stays behind.
        uploading.set(Vec::new());
        done
    };
    call.run_task(task, |()| ());
}

/// A file input that is also a drop zone: chosen or dropped files are uploaded at once, listed
/// with a bar while they go (and a way to remove them once in); the form sends their ids. A
/// form may pass pasted files to `add_files` with the same `uploading`. Busy state and errors
/// are the form's own `call`.
#[component]
pub fn FilePicker(
    id: &'static str,
    files: RwSignal<Vec<Attachment>>,
    call: FormCall,
    #[prop(optional)] uploading: Option<RwSignal<Vec<Uploading>>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let uploading = uploading.unwrap_or_else(|| RwSignal::new(Vec::new()));
    let chosen = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        add_files(input.files(), files, uploading, call);
        input.set_value("");
    };
    let dropped = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        add_files(
            ev.data_transfer().and_then(|d| d.files()),
            files,
            uploading,
            call,
        );
    };
    view! {
        <div class="field drop" on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=dropped>
            <label for=id>{t(Msg::Attachments)}</label>
            <input type="file" id=id multiple aria-describedby=hint_id.clone() on:change=chosen/>
            <p class="hint" id=hint_id>{t(Msg::AttachHint)}</p>
            <ul class="files" aria-live="polite">
                <UnderWay uploading/>
                {move || files.get().into_iter().map(|a| {
                    let id = a.id;
                    view! {
                        <li>
                            {a.name} " · " {file_size(a.size)} " "
                            <button type="button" class="link" on:click=move |_| files.update(|f| f.retain(|x| x.id != id))>
                                {t(Msg::Remove)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// The files under way, each with a bar that fills as it is sent.
#[component]
pub fn UnderWay(uploading: RwSignal<Vec<Uploading>>) -> impl IntoView {
    move || {
        uploading
            .get()
            .into_iter()
            .map(|(name, sent)| {
                view! {
                    <li class="uploading">{name} " "
                        <progress max="100" value=sent.map(|p| p.to_string()) aria-label=t(Msg::Uploading)></progress>
                    </li>
                }
            })
            .collect_view()
    }
}

/// Download links for files (always downloads: the server says so too).
#[component]
pub fn FileLinks(files: Vec<Attachment>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="files">
                {files.into_iter().map(|a| view! {
                    <li>
                        <a href=format!("/api/attachments/{}", a.id) download=a.name.clone()>{a.name.clone()}</a>
                        " · " {file_size(a.size)}
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}
