//! The connection loop: what axum's `serve` leaves open. Request headers must arrive within
//! `header_timeout` (which also closes a keep-alive connection idle that long), a request body
//! must keep up a minimum rate, and a shutdown gives the requests under way a bounded grace
//! period — then returns, whatever the clients do. A few slow or half-sent requests can hold
//! neither the server's memory nor its exit.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use bytes::Bytes;
use http_body::Frame;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::time::{Instant, Sleep};
use tower::Service;

/// The edge's limits (from `app::server::Config`).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_timeout: Duration,
    /// Bytes a second a request body must keep up, after a first `header_timeout`.
    pub body_min_rate: u64,
    pub shutdown_grace: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests under way finish for at most `shutdown_grace`, and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    // HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in front ends; and
    // guessing the version would wait for a first byte without any timeout.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was taken:
                    // wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let req = req.map(|body| Body::new(MinRate::new(body, limits)));
            app.clone().call(req)
        });
        let (builder, watcher) = (builder.clone(), graceful.watcher());
        tokio::spawn(async move {
            // Hyper's header timeout starts with the first byte; a connection that sends none
            // gets the same time to begin.
            let mut first = [0u8; 1];
            if !matches!(
                tokio::time::timeout(limits.header_timeout, stream.peek(&mut first)).await,
                Ok(Ok(1))
            ) {
                return;
            }
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(e) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(grace = ?limits.shutdown_grace, "requests still under way at the end of the grace period; stopping anyway");
    }
    Ok(())
}

pin_project! {
    /// A request body that fails once it falls behind `body_min_rate` after a first
    /// `header_timeout`: a client that stops mid-body is cut off.
    struct MinRate {
        #[pin]
        body: Incoming,
        #[pin]
        deadline: Sleep,
        started: Instant,
        received: u64,
        limits: Limits,
    }
}

impl MinRate {
    fn new(body: Incoming, limits: Limits) -> MinRate {
        let started = Instant::now();
        MinRate {
            body,
            deadline: tokio::time::sleep_until(Self::due(started, 0, limits)),
            started,
            received: 0,
            limits,
        }
    }

    fn due(started: Instant, received: u64, limits: Limits) -> Instant {
        let allowed = received as f64 / limits.body_min_rate.max(1) as f64;
        started + limits.header_timeout + Duration::from_secs_f64(allowed)
    }
}

impl http_body::Body for MinRate {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let mut this = self.project();
        match this.body.poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    *this.received += data.len() as u64;
                    let due = MinRate::due(*this.started, *this.received, *this.limits);
                    this.deadline.as_mut().reset(due);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other.map(|r| r.map_err(Into::into))),
            Poll::Pending => match this.deadline.poll(cx) {
                Poll::Ready(()) => {
                    tracing::info!(received = *this.received, "request body too slow; cut off");
                    Poll::Ready(Some(Err("the request body arrived too slowly".into())))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
