//! A webhook receiver for the tests: a real HTTP server on a port of its own that keeps every
//! request it is sent (headers and body) and answers with the status the test sets — or is not
//! there yet (`not_yet`), as a receiver that is down.

use super::free_port;
use axum::http::{HeaderMap, StatusCode};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request received.
#[derive(Clone, Debug)]
pub struct Got {
    pub headers: HeaderMap,
    pub body: String,
}

impl Got {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

pub struct Receiver {
    pub port: u16,
    got: Arc<Mutex<Vec<Got>>>,
    answer: Arc<AtomicU16>,
}

impl Receiver {
    /// A receiver on a free port, not started yet: posts to it are refused.
    pub fn not_yet() -> Receiver {
        Receiver {
            port: free_port(),
            got: Arc::default(),
            answer: Arc::new(AtomicU16::new(200)),
        }
    }

    pub async fn start() -> Receiver {
        let receiver = Receiver::not_yet();
        receiver.resume().await;
        receiver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/salter", self.port)
    }

    /// Starts it on its port.
    pub async fn resume(&self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .expect("the receiver's port");
        let (got, answer) = (self.got.clone(), self.answer.clone());
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: String| {
            let (got, answer) = (got.clone(), answer.clone());
            async move {
                got.lock().unwrap().push(Got { headers, body });
                StatusCode::from_u16(answer.load(Ordering::SeqCst)).unwrap()
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
    }

    /// Answers every request from now on with `status`.
    pub fn answer_with(&self, status: u16) {
        self.answer.store(status, Ordering::SeqCst);
    }

    pub fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }

    /// What it received, once there are `n` requests (at most 20 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Got> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.got();
            if got.len() >= n || Instant::now() > deadline {
                assert_eq!(got.len(), n, "requests received");
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
