//! The HTTP server: actix-web's `HttpServer` wiring, with one difference: a connection
//! that ends in an error (a malformed request, a slow or vanished client) is logged at
//! WARN with the peer's address, instead of actix-http's own ERROR line without it
//! (silenced by the default log filter, see [`crate::telemetry`]). SIGTERM and SIGINT
//! stop the server gracefully: idle keep-alive connections are closed at once, requests
//! in flight get the shutdown timeout.

use std::fmt;
use std::net::TcpListener;
use std::time::Duration;

use actix_http::body::MessageBody;
use actix_http::{HttpService, Request, Response};
use actix_service::{IntoServiceFactory, Service, ServiceFactory, ServiceFactoryExt, map_config};
use actix_web::dev::AppConfig;
use actix_web::rt::net::TcpStream;

/// How the server treats its connections.
#[derive(Debug, Clone, Copy)]
pub struct Connections {
    pub keep_alive: Duration,
    /// Time for a client to send a request's head.
    pub header_timeout: Duration,
    /// Seconds that requests in flight get on shutdown.
    pub shutdown_timeout: u64,
    /// Worker threads (`None`: one per core).
    pub workers: Option<usize>,
    /// Threads per worker for the blocking database work: no more can hold a pooled
    /// connection at once (actix's default, 512 per process, spawned a thread per waiting
    /// request under load: 150 threads and their memory at 256 connections).
    pub blocking_threads: usize,
}

/// The most of a response body a connection buffers at once: bodies are written in
/// slices of this size, and a connection's write buffer is flushed once it holds this
/// much. actix-http copies a body into the connection's write buffer and keeps the
/// buffer's capacity for the connection's life (up to 128 KiB), so a 46 KiB decision
/// list left ~64 KiB on every keep-alive connection: 12 MiB of the heap at 256
/// connections, the largest part of it (measured with heaptrack, see README). The price
/// is a write per slice: the 50-row list (46 KiB, three writes) serves ~17 % fewer
/// requests a second at 16 connections than in one write; 8 KiB slices cost ~24 % and
/// peaked no lower under 256 connections (66 MiB, against 59–66 at 16 KiB).
pub const SLICE: usize = 16 * 1024;

pin_project_lite::pin_project! {
    /// A body handed on in slices of at most [`SLICE`] bytes (no copy: each is a view
    /// of the chunk the inner body gave). Its size, and so `Content-Length`, is the inner
    /// body's.
    pub struct Sliced<B> {
        #[pin]
        inner: B,
        rest: actix_web::web::Bytes,
    }
}

impl<B> Sliced<B> {
    pub fn new(inner: B) -> Self {
        Sliced {
            inner,
            rest: actix_web::web::Bytes::new(),
        }
    }
}

impl<B: MessageBody> MessageBody for Sliced<B> {
    type Error = B::Error;

    fn size(&self) -> actix_http::body::BodySize {
        self.inner.size()
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        use std::task::Poll;
        let this = self.project();
        if this.rest.is_empty() {
            match this.inner.poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => *this.rest = chunk,
                other => return other,
            }
        }
        let n = this.rest.len().min(SLICE);
        Poll::Ready(Some(Ok(this.rest.split_to(n))))
    }
}

/// Builds and starts the server on `listeners` (it runs when awaited).
pub fn http_server<F, I, S, B>(
    listeners: Vec<TcpListener>,
    conns: Connections,
    factory: F,
) -> std::io::Result<actix_server::Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<actix_web::Error> + 'static,
    S::InitError: fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    B: MessageBody + 'static,
{
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut builder = actix_server::Server::build()
        .shutdown_timeout(conns.shutdown_timeout)
        .disable_signals();
    if let Some(w) = conns.workers {
        builder = builder.workers(w);
    }
    builder = builder.worker_max_blocking_threads(conns.blocking_threads.max(1));
    for lst in listeners {
        let addr = lst.local_addr()?;
        let factory = factory.clone();
        let stop_rx = stop_rx.clone();
        builder = builder.listen(format!("samverkan-{addr}"), lst, move || {
            let stop_rx = stop_rx.clone();
            let app = factory()
                .into_factory()
                .map_err(|err| err.into().error_response());
            let app = app.map(|res| -> Response<Sliced<B>> {
                let res: Response<B> = res.into();
                res.map_body(|_, b| Sliced::new(b))
            });
            let http = HttpService::build()
                .keep_alive(conns.keep_alive)
                .h1_write_buffer_size(SLICE)
                // A body in slices is several writes: without this, Nagle's algorithm
                // holds the last short one until the client's delayed ACK (40 ms a
                // response, measured: 364 req/s on the decision list at 16 connections).
                .tcp_nodelay(true)
                .client_request_timeout(conns.header_timeout)
                .local_addr(addr)
                .graceful_shutdown_signal(move || {
                    let mut rx = stop_rx.clone();
                    async move {
                        let _ = rx.wait_for(|stopping| *stopping).await;
                    }
                })
                .finish(map_config(app, |_| AppConfig::default()))
                .tcp();
            actix_service::apply_fn_factory(http, |io: TcpStream, svc: &_| {
                let peer = io.peer_addr().ok();
                let served = Service::call(svc, io);
                async move {
                    served.await.inspect_err(|e| {
                        let peer = peer.map(|p| p.to_string()).unwrap_or_default();
                        tracing::warn!(target: "samverkan::http", peer, "connection ended: {e}");
                    })
                }
            })
        })?;
    }
    let server = builder.run();
    // Once every worker has built its routes, what only starting needed goes.
    actix_web::rt::spawn(async {
        actix_web::rt::time::sleep(std::time::Duration::from_secs(1)).await;
        samverkan_http::release_startup_memory();
        // And what traffic freed, once it stops.
        samverkan_http::trim_when_quiet(std::time::Duration::from_secs(2)).await;
    });
    let handle = server.handle();
    actix_web::rt::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            tracing::warn!("cannot listen for SIGTERM/SIGINT");
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        tracing::info!("stopping: requests in flight may finish");
        let _ = stop_tx.send(true);
        handle.stop(true).await;
    });
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_sliced_body_is_the_same_bytes_in_slices() {
        let body: Vec<u8> = (0..3 * SLICE + 17).map(|i| (i % 251) as u8).collect();
        let sliced = Sliced::new(actix_web::web::Bytes::from(body.clone()));
        assert_eq!(
            sliced.size(),
            actix_http::body::BodySize::Sized(body.len() as u64)
        );
        let mut sliced = std::pin::pin!(sliced);
        let mut got = Vec::new();
        let mut slices = 0;
        while let Some(chunk) = std::future::poll_fn(|cx| sliced.as_mut().poll_next(cx)).await {
            let chunk = chunk.expect("a chunk");
            assert!(!chunk.is_empty() && chunk.len() <= SLICE, "{}", chunk.len());
            got.extend_from_slice(&chunk);
            slices += 1;
        }
        assert_eq!(got, body);
        assert_eq!(slices, 4);
        // An empty body stays empty.
        let empty = Sliced::new(actix_web::web::Bytes::new());
        assert_eq!(empty.size(), actix_http::body::BodySize::Sized(0));
    }
}
