//! The browser's side of the API: one non-generic `post` (fetch, status, error decoding) that
//! every server-function call and every upload goes through; only the conversion of each call's
//! own types is generic. JSON text is parsed and written by the browser (`JSON.parse`,
//! `JSON.stringify`) and converted by `decode` (answers) and serde-wasm-bindgen (arguments), so
//! no JSON parser is compiled into the apps (~7 KB gzip each). Browser-only (`csr`).

mod decode;

use crate::error::AppError;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

fn network(e: JsValue) -> AppError {
    AppError::Network {
        detail: e.as_string().unwrap_or_default(),
    }
}

/// POSTs `body` to `url` (same origin, with the session cookie) and returns the answer's text;
/// an answer that is not a success is the server's `AppError` (or `Internal` if it is not one).
pub async fn post(url: &str, body: &JsValue, content_type: &str) -> Result<String, AppError> {
    let headers = web_sys::Headers::new().map_err(network)?;
    headers.set("content-type", content_type).map_err(network)?;
    headers.set("accept", "application/json").map_err(network)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_headers(&headers);
    init.set_body(body);
    let res: web_sys::Response = JsFuture::from(
        web_sys::window()
            .ok_or(AppError::Internal)?
            .fetch_with_str_and_init(url, &init),
    )
    .await
    .map_err(network)?
    .unchecked_into();
    let text = JsFuture::from(res.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    if res.ok() {
        Ok(text)
    } else {
        Err(decode(&text).unwrap_or(AppError::Internal))
    }
}

/// Uploads `file` as the raw body of a POST to `url`, reporting how much of it is sent
/// (`progress`, 0–100) as it goes — `fetch` cannot tell, so this one request is an
/// XMLHttpRequest. The answer is read as `post` reads it.
pub async fn upload(
    url: &str,
    file: &web_sys::File,
    progress: impl Fn(u32) + 'static,
) -> Result<String, AppError> {
    use wasm_bindgen::closure::Closure;
    let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
    xhr.open("POST", url).map_err(network)?;
    xhr.set_request_header("content-type", "application/octet-stream")
        .map_err(network)?;
    xhr.set_request_header("accept", "application/json")
        .map_err(network)?;
    let on_progress =
        Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                // Whole percents: float formatting would cost WebAssembly.
                progress((e.loaded() * 100.0 / e.total()) as u32);
            }
        });
    xhr.upload()
        .map_err(network)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    // Settles when the request ends, whether it was answered or failed.
    let ended = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    xhr.send_with_opt_blob(Some(file)).map_err(network)?;
    JsFuture::from(ended).await.map_err(network)?;
    drop(on_progress);
    let status = xhr.status().map_err(network)?;
    let text = xhr.response_text().map_err(network)?.unwrap_or_default();
    match status {
        0 => Err(network(JsValue::from_str("upload failed"))),
        200..=299 => Ok(text),
        _ => Err(decode(&text).unwrap_or(AppError::Internal)),
    }
}

/// Decodes a successful answer.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    let value = js_sys::JSON::parse(text).map_err(network)?;
    T::deserialize(decode::Value(value)).map_err(|e| AppError::Network { detail: e.0 })
}

/// The request under way: one boxed, non-generic future for every call.
pub(crate) type Posting = Pin<Box<dyn Future<Output = Result<String, AppError>>>>;

/// A server-function call: the request (compiled once) and the decoding of its answer into `O`
/// (the only part compiled per type). A plain future rather than an `async fn`, so no state
/// machine is generated per call.
pub struct Call<O> {
    posting: Posting,
    decoded: PhantomData<fn() -> O>,
}

impl<O> Call<O> {
    /// The request alone; its answer's text is for the caller to decode.
    pub(crate) fn posting(self) -> Posting {
        self.posting
    }
}

impl<O: DeserializeOwned> Future for Call<O> {
    type Output = Result<O, AppError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.posting.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(answer) => Poll::Ready(answer.and_then(|text| decode(&text))),
        }
    }
}

/// A value as JSON text (`None` as null, not left out; maps as objects).
pub fn encode<I: Serialize>(input: &I) -> Result<js_sys::JsString, AppError> {
    input
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|_| AppError::Internal)
        .and_then(|value| js_sys::JSON::stringify(&value).map_err(network))
}

/// Calls a server function: its arguments as a JSON object, its value decoded from JSON.
pub fn call<I: Serialize, O: DeserializeOwned>(url: &'static str, input: &I) -> Call<O> {
    let body = encode(input);
    Call {
        posting: Box::pin(post_json(url, body)),
        decoded: PhantomData,
    }
}

async fn post_json(
    url: &'static str,
    body: Result<js_sys::JsString, AppError>,
) -> Result<String, AppError> {
    post(url, &body?.into(), "application/json").await
}
