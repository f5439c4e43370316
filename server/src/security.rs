//! Request-level protections that hold for every request at once: where requests may come
//! from (the public address, its origin and host), what form a server-function call must have,
//! that every error under `/api/` answers JSON with a code and its proper status, and that a
//! browser that reached Šalter over https keeps to https (HSTS).

use app::error::{AppError, Refusal};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN, RETRY_AFTER, STRICT_TRANSPORT_SECURITY,
    TRANSFER_ENCODING,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use std::net::SocketAddr;

/// The largest server-function call accepted (the longest text, 20,000 characters, fits many
/// times over); attachments have their own limit.
pub const API_BODY_MAX: usize = 256 * 1024;
/// The longest URL (path and query) accepted.
pub const URI_MAX: usize = 8 * 1024;
/// The routes whose body is a file, not JSON: the apps' upload and the REST API's.
const UPLOADS: [&str; 2] = ["/api/attachments", "/api/v1/attachments"];

/// `https://Help.Example.com:443/x` → `https://help.example.com`: a URL's origin, with the
/// scheme's default port left out; None unless it is http(s) with a host.
pub fn origin_of(url: &str) -> Option<String> {
    let url = url.trim().to_ascii_lowercase();
    let (scheme, rest) = url.split_once("://")?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return None,
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    Some(format!("{scheme}://{authority}"))
}

/// Where Šalter is reached: the origins its pages have, and the `Host` it answers to.
#[derive(Clone, Debug)]
pub struct Site {
    origins: Vec<String>,
    /// The configured public origin: then the only `Host` answered is its own.
    public: Option<String>,
    /// Bound to every address without a public URL: the page's origin is `http://` + `Host`.
    any_host: bool,
}

impl Site {
    /// The configured public origin (`--public-url`); without one, the bound address (and
    /// `localhost` when that is a loopback address).
    pub fn new(public_origin: Option<&str>, bound: SocketAddr) -> Site {
        if let Some(origin) = public_origin {
            return Site {
                origins: vec![origin.to_string()],
                public: Some(origin.to_string()),
                any_host: false,
            };
        }
        let mut origins = vec![format!("http://{bound}")];
        if bound.ip().is_loopback() {
            origins.push(format!("http://localhost:{}", bound.port()));
        }
        Site {
            origins,
            public: None,
            any_host: bound.ip().is_unspecified(),
        }
    }

    fn admits_origin(&self, origin: &str, host: Option<&str>) -> bool {
        let Some(origin) = origin_of(origin) else {
            return false;
        };
        self.origins.contains(&origin)
            || (self.any_host
                && host.and_then(|h| origin_of(&format!("http://{h}"))) == Some(origin))
    }
}

fn header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// How long a browser keeps to https once told (a year; the company's other subdomains are not
/// Šalter's to decide, so no `includeSubDomains`).
const HSTS: &str = "max-age=31536000";

/// HSTS on every answer to a request that came over https: the public address is https, or
/// the proxy in front says so (`X-Forwarded-Proto: https`). Browsers ignore it over plain
/// http, so it is never sent there.
pub async fn strict_transport(State(site): State<Site>, req: Request, next: Next) -> Response {
    let https = site
        .public
        .as_deref()
        .is_some_and(|p| p.starts_with("https://"))
        || header(&req, "x-forwarded-proto") == Some("https");
    let mut res = next.run(req).await;
    if https {
        res.headers_mut()
            .insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    res
}

/// CSRF: a state-changing request that a browser marks as coming from another site, or whose
/// `Origin` (scheme, host and port) is not Šalter's, is refused before it reaches any server
/// function. (The session cookie is SameSite=Strict as well.)
pub async fn refuse_cross_origin(State(site): State<Site>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || same_origin(&site, &req)
    {
        return next.run(req).await;
    }
    tracing::warn!(uri = %req.uri(), origin = ?header(&req, ORIGIN.as_str()), "cross-origin request refused");
    AppError::CrossOrigin.into_response()
}

/// The live socket: a page of another site may open a websocket to any address (no
/// same-origin rule holds for them, and the browser names the page's `Origin`), so a socket
/// whose `Origin` is not Šalter's is refused like a cross-origin write.
pub async fn refuse_foreign_socket(State(site): State<Site>, req: Request, next: Next) -> Response {
    if same_origin(&site, &req) {
        return next.run(req).await;
    }
    tracing::warn!(origin = ?header(&req, ORIGIN.as_str()), "cross-origin live socket refused");
    AppError::CrossOrigin.into_response()
}

fn same_origin(site: &Site, req: &Request) -> bool {
    if let Some(fetch_site) = header(req, "sec-fetch-site") {
        if fetch_site != "same-origin" && fetch_site != "none" {
            return false;
        }
    }
    match header(req, ORIGIN.as_str()) {
        // Not from a browser page (curl, scripts): no ambient cookie to abuse.
        None => true,
        Some(origin) => site.admits_origin(origin, header(req, HOST.as_str())),
    }
}

/// With a public URL configured, a request for any other `Host` is refused (DNS rebinding, a
/// proxy sending what is not ours); the health check answers whatever the load balancer calls
/// it. An over-long URL is refused too.
pub async fn check_request_line(State(site): State<Site>, req: Request, next: Next) -> Response {
    let uri_len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if uri_len > URI_MAX {
        return AppError::Refused(Refusal::UriTooLong).into_response();
    }
    if let Some(public) = &site.public {
        let host = header(&req, HOST.as_str())
            .map(str::to_string)
            .or_else(|| req.uri().authority().map(|a| a.to_string()));
        let scheme = public.split("://").next().unwrap_or("http");
        let admitted = host
            .as_deref()
            .and_then(|h| origin_of(&format!("{scheme}://{h}")))
            .is_some_and(|origin| &origin == public);
        if !admitted && req.uri().path() != "/healthz" {
            tracing::warn!(host = ?host, "request for another host refused");
            return AppError::Refused(Refusal::UnknownHost).into_response();
        }
    }
    next.run(req).await
}

/// A server-function call is JSON with a declared length within `API_BODY_MAX`.
pub async fn json_calls(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && !UPLOADS.contains(&req.uri().path()) {
        let media_type = header(&req, CONTENT_TYPE.as_str())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        if media_type.as_deref() != Some("application/json") {
            return AppError::Refused(Refusal::UnsupportedMediaType).into_response();
        }
        let length = header(&req, CONTENT_LENGTH.as_str()).and_then(|v| v.parse::<usize>().ok());
        match length {
            None if req.headers().contains_key(TRANSFER_ENCODING) => {
                return AppError::Refused(Refusal::LengthRequired).into_response()
            }
            Some(n) if n > API_BODY_MAX => return too_large(req, n).await,
            _ => {}
        }
    }
    next.run(req).await
}

/// Refuses an over-long call. A body of moderate size is read and dropped first, so the client
/// (still sending) gets the answer instead of a reset connection; a huge one is not waited for.
async fn too_large(req: Request, declared: usize) -> Response {
    if declared <= 4 * API_BODY_MAX {
        let _ = axum::body::to_bytes(req.into_body(), declared).await;
    }
    let mut res = AppError::Refused(Refusal::TooLarge).into_response();
    res.headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Every error under `/api/` answers JSON with a code and its status. A server function's
/// error arrives as 500 with the `serverfnerror` header and our `AppError` as its body, which
/// knows its status; any other error (an unknown function, a wrong method, a path that did not
/// parse) gets the `AppError` its status stands for.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.headers().contains_key(SERVER_FN_ERROR_HEADER) {
        return server_fn_error(res).await;
    }
    let status = res.status();
    let is_json = res
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let text = axum::body::to_bytes(res.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let error = if text.starts_with("Could not find a server function") {
        AppError::NotFound
    } else if let Some(refusal) = Refusal::of_status(status.as_u16()) {
        AppError::Refused(refusal)
    } else if status == StatusCode::NOT_FOUND {
        AppError::NotFound
    } else if status.is_client_error() {
        AppError::bad_request(&text)
    } else if status == StatusCode::SERVICE_UNAVAILABLE {
        AppError::Unavailable
    } else {
        AppError::Internal
    };
    error.into_response()
}

async fn server_fn_error(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return AppError::Internal.into_response();
    };
    let Ok(err) = serde_json::from_slice::<AppError>(&bytes) else {
        return AppError::Internal.into_response();
    };
    parts.status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let AppError::TooManyAttempts { retry_after_secs } = err {
        parts
            .headers
            .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
    }
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://Help.Example.com:443/x").as_deref(),
            Some("https://help.example.com")
        );
        assert_eq!(
            origin_of("http://a.b:8080").as_deref(),
            Some("http://a.b:8080")
        );
        assert_eq!(origin_of("ftp://a.b"), None);
        assert_eq!(origin_of("https://user@a.b"), None);
        let site = Site::new(None, "127.0.0.1:3000".parse().unwrap());
        assert!(site.admits_origin("http://127.0.0.1:3000", None));
        assert!(site.admits_origin("http://localhost:3000", None));
        assert!(!site.admits_origin("https://127.0.0.1:3000", None));
        assert!(!site.admits_origin("http://127.0.0.1:3001", None));
        let public = Site::new(
            Some("https://help.example.com"),
            "0.0.0.0:3000".parse().unwrap(),
        );
        assert!(public.admits_origin("https://help.example.com", Some("evil.example")));
        assert!(!public.admits_origin("http://help.example.com", None));
        let any = Site::new(None, "0.0.0.0:3000".parse().unwrap());
        assert!(any.admits_origin("http://10.0.0.5:3000", Some("10.0.0.5:3000")));
        assert!(!any.admits_origin("https://10.0.0.5:3000", Some("10.0.0.5:3000")));
        assert!(!any.admits_origin("http://evil.example", Some("10.0.0.5:3000")));
    }
}
