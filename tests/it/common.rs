//! Shared helpers for the integration tests: build requests and preflights,
//! drive a `CorsLayer` around a small in-memory handler (or send requests to
//! a server on 127.0.0.1), and look at what comes out.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::util::BoxCloneService;
use tower::{service_fn, Service, ServiceExt};
use tower_cors::{ConfigError, CorsBuilder, CorsLayer, Refusal, RequestKind};
use tower_layer::Layer;

/// The origin of the browser in the API gateway documentation's exchanges.
pub const SEED_ORIGIN: &str = "http://www.cors.com";

/// `Access-Control-Allow-Methods` of the gateway's preflight answer, as the
/// API gateway documentation writes it. This and the next three constants
/// are the tests' only copy of the gateway's values: tests compare the
/// layer's output with them, never with `tower_cors::presets`
/// (`gateway_preset.rs` checks that the presets spell the same values).
pub const GATEWAY_ALLOW_METHODS: &str = "GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH";

/// `Access-Control-Allow-Headers` of the gateway's preflight answer, as the
/// API gateway documentation writes it.
pub const GATEWAY_ALLOW_HEADERS: &str = "X-Stage,X-Sdk-Date,X-Sdk-Nonce,X-Proxy-Signed-Headers,X-Sdk-Content-Sha256,X-Forwarded-For,Authorization,Content-Type,Accept,Accept-Ranges,Cache-Control,Range";

/// `Access-Control-Expose-Headers` of the gateway's answers, as the API
/// gateway documentation writes it.
pub const GATEWAY_EXPOSE_HEADERS: &str = "X-Request-Id,X-Apig-Latency,X-Apig-Upstream-Latency,X-Apig-RateLimit-Api,X-Apig-RateLimit-User,X-Apig-RateLimit-App,X-Apig-RateLimit-Ip,X-Apig-RateLimit-Api-Allenv";

/// `Access-Control-Max-Age` of the gateway's preflight answer (two days),
/// as the API gateway documentation writes it.
pub const GATEWAY_MAX_AGE: &str = "172800";

/// What the inner handler saw, shared with the test.
#[derive(Clone, Default)]
pub struct Seen {
    calls: Arc<AtomicUsize>,
    kind: Arc<std::sync::Mutex<Option<RequestKind>>>,
}

impl Seen {
    /// How many times the inner handler ran.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The `RequestKind` the handler found in the request's extensions.
    pub fn kind(&self) -> Option<RequestKind> {
        *self.kind.lock().unwrap()
    }
}

/// A finished response: status, headers, extensions and the whole body.
pub struct Answer {
    pub status: StatusCode,
    pub version: Version,
    pub headers: HeaderMap,
    pub extensions: http::Extensions,
    pub body: Bytes,
}

impl Answer {
    /// The single value of `name`, as a string; panics if there are several.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.get_all(name).iter();
        let first = values.next()?;
        assert!(values.next().is_none(), "{name} has several values");
        Some(first.to_str().unwrap())
    }

    /// Every value of `name`, one per field line.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    }

    /// The body as text; panics if it is not UTF-8.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    /// The elements of every `name` line; see [`header_tokens`].
    pub fn tokens(&self, name: &str) -> Vec<String> {
        header_tokens(&self.headers, name)
    }

    /// The elements of every `name` line as a set; see [`token_set`].
    pub fn token_set(&self, name: &str) -> BTreeSet<String> {
        token_set(&self.headers, name)
    }

    /// Why the layer refused the request, if it did (the [`Refusal`] in the
    /// response's extensions).
    pub fn refusal(&self) -> Option<&Refusal> {
        self.extensions.get::<Refusal>()
    }

    /// The names of the `access-control-*` headers in the response, sorted.
    pub fn cors_headers(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .keys()
            .map(|k| k.as_str().to_owned())
            .filter(|k| k.starts_with("access-control-"))
            .collect();
        names.sort();
        names
    }
}

/// The comma-separated elements of every `name` field line, trimmed and
/// lowercased, empty elements left out: `a, B` and `,b` give `["a", "b",
/// "b"]`. Panics if a value is not visible ASCII.
pub fn header_tokens(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|value| list_tokens(value.to_str().unwrap()))
        .collect()
}

/// The comma-separated elements of one list, trimmed and lowercased, empty
/// elements left out.
pub fn list_tokens(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .map(|token| token.trim().to_ascii_lowercase())
        .filter(|token| !token.is_empty())
}

/// The elements of every `name` field line (as [`header_tokens`] gives
/// them) as a set; panics if an element appears twice.
pub fn token_set(headers: &HeaderMap, name: &str) -> BTreeSet<String> {
    let tokens = header_tokens(headers, name);
    let mut set = BTreeSet::new();
    for token in &tokens {
        assert!(
            set.insert(token.clone()),
            "{name} has {token:?} twice: {tokens:?}"
        );
    }
    set
}

/// The distinct elements of one comma-separated list (as [`list_tokens`]
/// gives them), as a set: `x-a, X-B, x-a` gives `{"x-a", "x-b"}`.
pub fn names(list: &str) -> BTreeSet<String> {
    list_tokens(list).collect()
}

/// `items` as a set of owned strings, to compare with [`token_set`] or
/// [`names`].
pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// The tokens of every `Vary` line, trimmed and lowercased (caches compare
/// them case-insensitively).
pub fn vary_tokens(answer: &Answer) -> Vec<String> {
    answer.tokens("vary")
}

/// The in-memory handler of [`send_with`], boxed.
pub type Handler = BoxCloneService<Request<Full<Bytes>>, Response<Full<Bytes>>, Infallible>;

/// A handler that answers `200 OK` with the body `inner` and the headers
/// `upstream`, and records in `seen` each call and the `RequestKind` it
/// found.
pub fn handler(upstream: &[(&'static str, &'static str)], seen: &Seen) -> Handler {
    let seen = seen.clone();
    let upstream: Vec<_> = upstream.to_vec();
    BoxCloneService::new(service_fn(move |req: Request<Full<Bytes>>| {
        let seen = seen.clone();
        let upstream = upstream.clone();
        async move {
            seen.calls.fetch_add(1, Ordering::SeqCst);
            *seen.kind.lock().unwrap() = req.extensions().get::<RequestKind>().copied();
            let mut res = Response::new(Full::new(Bytes::from_static(b"inner")));
            for (name, value) in upstream {
                res.headers_mut().append(name, value.parse().unwrap());
            }
            Ok::<_, Infallible>(res)
        }
    }))
}

/// Sends `req` through `layer` around a handler that answers `200 OK` with
/// the body `inner` and the headers `upstream`.
pub async fn send_with(
    layer: &CorsLayer,
    upstream: &[(&'static str, &'static str)],
    req: Request<Full<Bytes>>,
) -> (Answer, Seen) {
    send_through(layer, upstream, req).await
}

/// Like [`send_with`], through any layer (tower-http's `CorsLayer` too).
pub async fn send_through<L, B>(
    layer: &L,
    upstream: &[(&'static str, &'static str)],
    req: Request<Full<Bytes>>,
) -> (Answer, Seen)
where
    L: Layer<Handler>,
    L::Service: Service<Request<Full<Bytes>>, Response = Response<B>>,
    <L::Service as Service<Request<Full<Bytes>>>>::Error: std::fmt::Debug,
    B: http_body::Body<Data = Bytes>,
    B::Error: std::fmt::Debug,
{
    let seen = Seen::default();
    let service = layer.layer(handler(upstream, &seen));
    let res = service.oneshot(req).await.unwrap();
    (collect(res).await, seen)
}

/// Sends `req` through `layer` around a handler that sets no header.
pub async fn send(layer: &CorsLayer, req: Request<Full<Bytes>>) -> (Answer, Seen) {
    send_with(layer, &[], req).await
}

/// Reads a whole response, whatever its body type.
pub async fn collect<B>(res: Response<B>) -> Answer
where
    B: http_body::Body<Data = Bytes>,
    B::Error: std::fmt::Debug,
{
    let (parts, body) = res.into_parts();
    Answer {
        status: parts.status,
        version: parts.version,
        headers: parts.headers,
        extensions: parts.extensions,
        body: body.collect().await.unwrap().to_bytes(),
    }
}

/// The URI of the requests that [`request`], [`preflight`] and [`get_from`]
/// build.
pub const REQUEST_URI: &str = "http://api.example.com/r";

/// A request to `uri` with the given method and headers, and an empty body.
pub fn request_to(method: &str, uri: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut builder = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(Bytes::new())).unwrap()
}

/// A request to [`REQUEST_URI`] with the given method and headers, and an
/// empty body.
pub fn request(method: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    request_to(method, REQUEST_URI, headers)
}

/// An actual `GET` from `origin`, with no other header.
pub fn get_from(origin: &str) -> Request<Full<Bytes>> {
    request("GET", &[("origin", origin)])
}

/// A preflight to `uri` from `origin` asking for `method` and the header
/// list `headers` (no `Access-Control-Request-Headers` when `None`).
pub fn preflight_to(
    uri: &str,
    origin: &str,
    method: &str,
    headers: Option<&str>,
) -> Request<Full<Bytes>> {
    request_to("OPTIONS", uri, &preflight_headers(origin, method, headers))
}

/// The headers of a preflight from `origin` asking for `method` and the
/// header list `headers` (no `Access-Control-Request-Headers` when `None`).
fn preflight_headers<'a>(
    origin: &'a str,
    method: &'a str,
    headers: Option<&'a str>,
) -> Vec<(&'static str, &'a str)> {
    let mut h = vec![
        ("origin", origin),
        ("access-control-request-method", method),
    ];
    if let Some(list) = headers {
        h.push(("access-control-request-headers", list));
    }
    h
}

/// A preflight to [`REQUEST_URI`] from `origin` asking for `method` and the
/// header list `headers` (no `Access-Control-Request-Headers` when `None`).
pub fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<Full<Bytes>> {
    preflight_to(REQUEST_URI, origin, method, headers)
}

/// A preflight to [`REQUEST_URI`] like [`preflight`], with
/// `Access-Control-Request-Private-Network: value` when `private_network`
/// is `Some(value)`.
pub fn pna_preflight(
    origin: &str,
    method: &str,
    headers: Option<&str>,
    private_network: Option<&str>,
) -> Request<Full<Bytes>> {
    let mut h = preflight_headers(origin, method, headers);
    if let Some(value) = private_network {
        h.push(("access-control-request-private-network", value));
    }
    request("OPTIONS", &h)
}

/// The problems `builder` is refused with; panics if it builds.
pub fn errors(builder: CorsBuilder) -> Vec<ConfigError> {
    match builder.build() {
        Ok(_) => panic!("the policy was accepted"),
        Err(err) => err.errors().to_vec(),
    }
}

/// The single problem `builder` is refused with.
pub fn only_error(builder: CorsBuilder) -> ConfigError {
    let errs = errors(builder);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    errs.into_iter().next().unwrap()
}

/// Asserts that `value` alone is refused as an invalid origin, with a
/// reason that contains `why`; returns the error and the reason.
pub fn invalid_origin(value: &str, why: &str) -> (ConfigError, &'static str) {
    let err = only_error(CorsLayer::builder().allow_origins([value]));
    let ConfigError::InvalidOrigin { value: got, reason } = &err else {
        panic!("{value}: {err:?}");
    };
    assert_eq!(got, value);
    assert!(!reason.is_empty(), "{value}: no reason");
    assert!(reason.contains(why), "{value}: {reason:?}");
    let reason = *reason;
    (err, reason)
}

/// Whether `refusal` is one of an origin: not allowed, `null` without its
/// opt-in, or no serialized origin at all.
pub fn refuses_origin(refusal: Option<&Refusal>) -> bool {
    matches!(
        refusal,
        Some(
            Refusal::OriginNotAllowed | Refusal::NullOriginNotAllowed | Refusal::MalformedOrigin(_)
        )
    )
}

/// No test over real TCP may take longer than this, server start and stop
/// included.
pub const LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs a test over real TCP, failing it if it takes longer than [`LIMIT`].
pub async fn bounded(test: impl std::future::Future<Output = ()>) {
    tokio::time::timeout(LIMIT, test)
        .await
        .expect("the test did not finish in time");
}

/// An HTTP/1 client for the servers the tests start on 127.0.0.1.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A new [`HttpClient`].
pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

/// Sends `req` over TCP with `client` and reads the whole answer.
pub async fn fetch(client: &HttpClient, req: Request<Full<Bytes>>) -> Answer {
    let res = client.request(req).await.expect("the server answers");
    collect(res).await
}

/// A listener on 127.0.0.1, on a port the system picks, and its address.
pub async fn local_listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

/// A server running on its own task, and the means to stop it.
pub struct TestServer {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Spawns `serve(stopped)` for a server listening on `addr`; the future
    /// must stop accepting when `stopped` resolves, let open connections
    /// finish, and then return.
    pub fn spawn<F>(addr: SocketAddr, serve: impl FnOnce(oneshot::Receiver<()>) -> F) -> TestServer
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(stopped));
        TestServer { addr, stop, task }
    }

    /// `http://` + the address + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server and waits for its task to end. Drop the clients
    /// first: their pooled keep-alive connections would hold a graceful
    /// shutdown open.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.expect("the server task panicked");
    }
}

/// Serves `app` with `axum::serve` on 127.0.0.1, shutting down gracefully
/// on [`TestServer::stop`].
pub async fn serve_axum(app: axum::Router) -> TestServer {
    let (listener, addr) = local_listener().await;
    TestServer::spawn(addr, |stopped| async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
            .unwrap();
    })
}

/// Asserts that `res` has the `*` and the values of the gateway's preflight
/// answer, as the API gateway documentation writes them: the allowed
/// headers, the exposed headers, the allowed methods and the max age.
pub fn assert_gateway_preflight_headers(res: &Answer) {
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some(GATEWAY_ALLOW_HEADERS)
    );
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some(GATEWAY_EXPOSE_HEADERS)
    );
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some(GATEWAY_ALLOW_METHODS)
    );
    assert_eq!(res.header("access-control-max-age"), Some(GATEWAY_MAX_AGE));
}

/// The `Vary` of a preflight answer under a policy of listed origins: every
/// request header that decides it.
pub const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

/// The `Vary` of a preflight answer under an any-origin policy.
pub const ANY_ORIGIN_PREFLIGHT_VARY: &str =
    "Access-Control-Request-Method, Access-Control-Request-Headers";
