//! `regelverk serve`: the rule engine as an HTTP service for programs (a JSON API under `/v1`)
//! and a page for purchasers (`/`), over one shared [`RuleSet`].
//!
//! Invariants: bad input gets a 4xx with a JSON error (the position in the body for a case that
//! cannot be read), never a 500, and the server keeps serving; every request is bounded (body
//! size, time to send the headers and each part of the body, time to answer, requests in
//! flight, connections); on SIGTERM or Ctrl-C it stops accepting, lets the requests in flight
//! finish (within a grace period) and returns. Deciding runs on blocking threads, so that a
//! slow case never stalls the network. The server's clock is read only for the "time of the
//! check" on the decision record page; it never selects the law (the case's date does). The
//! access log (one line per request on standard error) has the method, the path without the
//! query, the status and the time taken: no addresses, no query strings, no bodies.

mod api;
mod openapi;
mod page;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::RuleSet;
use crate::diagnostic::Diagnostic;

/// How much the server accepts, and for how long.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// The largest body of `POST /v1/decide`, in bytes ([`crate::case::MAX_CASE_BYTES`]).
    pub max_case_bytes: usize,
    /// The largest body of `POST /v1/batch`, in bytes; each line is also held to
    /// `max_case_bytes`.
    pub max_batch_bytes: u64,
    /// The time to read a request's headers, and the longest pause between parts of a body.
    pub read_timeout: Duration,
    /// The time to answer a request (for a batch: to start answering; the lines then stream).
    pub request_timeout: Duration,
    /// Requests handled at once; more wait for a free place (within `request_timeout`).
    pub max_concurrent_requests: usize,
    /// Open connections; more wait to be accepted.
    pub max_connections: usize,
    /// How long the requests in flight may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_case_bytes: crate::case::MAX_CASE_BYTES,
            max_batch_bytes: 64 * 1024 * 1024,
            read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 256,
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// How the server runs.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// What it accepts and for how long.
    pub limits: Limits,
    /// Write one line per request on standard error.
    pub access_log: bool,
}

impl Options {
    /// The default limits, with the access log on or off.
    pub fn new(access_log: bool) -> Options {
        Options {
            limits: Limits::default(),
            access_log,
        }
    }
}

/// What every handler shares: the rules, read once and never changed.
#[derive(Clone)]
struct AppState {
    rules: Arc<RuleSet>,
    limits: Arc<Limits>,
}

/// The service's routes with their limits, for [`serve`] (or to mount in another axum app).
pub fn router(rules: Arc<RuleSet>, options: &Options) -> Router {
    let limits = &options.limits;
    let state = AppState {
        rules,
        limits: Arc::new(limits.clone()),
    };
    let app = Router::new()
        .route("/", get(page::form))
        .route("/answer", get(page::answer))
        .route("/record", get(page::record))
        .route("/partnership", get(page::partnership_form))
        .route("/modification", get(page::modification_form))
        .route("/case", get(page::case_text))
        .route("/healthz", get(api::healthz))
        .route("/v1/decide", post(api::decide))
        .route("/v1/batch", post(api::batch))
        .route("/v1/thresholds", get(api::thresholds))
        .route("/v1/rules", get(api::rule_set))
        .route("/v1/schema/case", get(api::case_schema))
        .route("/v1/schema/decision", get(api::decision_schema))
        .route("/v1/openapi.json", get(api::openapi))
        .fallback(not_found)
        .with_state(state)
        // Bodies are read by the handlers, each to its own limit.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::map_response(json_for_bare_errors))
        .layer(tower::limit::ConcurrencyLimitLayer::new(
            limits.max_concurrent_requests.max(1),
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ));
    if options.access_log {
        app.layer(middleware::from_fn(access_log))
    } else {
        app
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish (at most `limits.shutdown_grace`).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let read_timeout = limits.read_timeout;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
            let request = request
                .map(|body| Body::new(tower_http::timeout::TimeoutBody::new(read_timeout, body)));
            app.clone().oneshot(request)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request is not the server's problem.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    // Whatever is still running after the grace period is dropped with the runtime.
    let _ = tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await;
    Ok(())
}

/// Runs the service on an already bound listener until SIGTERM or Ctrl-C, on a runtime of its
/// own: what `regelverk serve` calls.
pub fn run(listener: std::net::TcpListener, rules: RuleSet, options: &Options) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        listener.set_nonblocking(true)?;
        let listener = TcpListener::from_std(listener)?;
        let app = router(Arc::new(rules), options);
        serve(listener, app, &options.limits, stop_signal()).await
    })
}

/// A server running on a thread of its own, until [`Running::stop`]: for tests, and for a
/// program that serves the rules beside other work.
pub struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Running {
    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets the requests in flight finish, and waits for the thread.
    pub fn stop(mut self) -> io::Result<()> {
        self.finish()
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the server thread panicked"))),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// Starts the service on an already bound listener, on a thread and runtime of its own.
pub fn start(
    listener: std::net::TcpListener,
    rules: Arc<RuleSet>,
    options: &Options,
) -> io::Result<Running> {
    let addr = listener.local_addr()?;
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = options.clone();
    let thread = std::thread::Builder::new()
        .name("regelverk-serve".into())
        .spawn(move || {
            runtime.block_on(async {
                let listener = TcpListener::from_std(listener)?;
                let app = router(rules, &options);
                serve(listener, app, &options.limits, async {
                    let _ = stopped.await;
                })
                .await
            })
        })?;
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

/// SIGTERM (what service managers send) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Binds a listening socket, e.g. for `127.0.0.1:8080` (`:0` picks a free port).
pub fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    std::net::TcpListener::bind(addr)
}

/// One line per request on standard error: method, path (never the query: a page's query is a
/// case), status, milliseconds.
async fn access_log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    eprintln!(
        "{method} {path} {} {elapsed:.1}ms",
        response.status().as_u16()
    );
    response
}

/// An error as the API gives it: a status and a JSON body
/// `{"error": {"status", "message", "diagnostics"}}`, the diagnostics with line and column.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    diagnostics: Vec<Diagnostic>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }

    fn with_diagnostics(status: StatusCode, diagnostics: Vec<Diagnostic>) -> ApiError {
        let message = diagnostics.first().map_or_else(
            || "the case is not valid".to_string(),
            |d| d.message.clone(),
        );
        ApiError {
            status,
            message,
            diagnostics,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, &self.message, &self.diagnostics)
    }
}

fn json_error(status: StatusCode, message: &str, diagnostics: &[Diagnostic]) -> Response {
    let body = serde_json::json!({
        "error": {
            "status": status.as_u16(),
            "message": message,
            "diagnostics": diagnostics,
        }
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Errors the stack makes itself (a timeout, a wrong method) have no body: give them the
/// API's JSON form, so that a client reads every error the same way.
async fn json_for_bare_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.headers().contains_key(header::CONTENT_TYPE)
    {
        return response;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this path does not take that method",
        StatusCode::SERVICE_UNAVAILABLE => "the request took too long; try again",
        StatusCode::REQUEST_TIMEOUT => "the request was not sent in time",
        _ => status.canonical_reason().unwrap_or("error"),
    };
    let mut json = json_error(status, message, &[]);
    if let Some(allow) = response.headers().get(header::ALLOW) {
        json.headers_mut().insert(header::ALLOW, allow.clone());
    }
    json
}

async fn not_found(request: Request) -> Response {
    if request.uri().path().starts_with("/v1") {
        json_error(
            StatusCode::NOT_FOUND,
            "no such endpoint; see GET /v1/openapi.json",
            &[],
        )
    } else {
        page::not_found(request).await
    }
}
