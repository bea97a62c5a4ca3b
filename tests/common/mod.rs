//! Shared helpers for the integration tests: drive a `CorsLayer` around a
//! small in-memory handler and look at what comes out.
#![allow(dead_code)]

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{service_fn, ServiceExt};
use tower_cors::{CorsLayer, RequestKind};
use tower_layer::Layer;

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

/// Sends `req` through `layer` around a handler that answers `200 OK` with
/// the body `inner` and the headers `upstream`.
pub async fn send_with(
    layer: &CorsLayer,
    upstream: &[(&'static str, &'static str)],
    req: Request<Full<Bytes>>,
) -> (Answer, Seen) {
    let seen = Seen::default();
    let handler_seen = seen.clone();
    let upstream: Vec<_> = upstream.to_vec();
    let handler = service_fn(move |req: Request<Full<Bytes>>| {
        let seen = handler_seen.clone();
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
    });
    let res = layer.layer(handler).oneshot(req).await.unwrap();
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

/// A request with the given method, URI and headers, and an empty body.
pub fn request(method: &str, headers: &[(&str, &str)]) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri("http://api.example.com/r");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Full::new(Bytes::new())).unwrap()
}

/// A preflight from `origin` asking for `method` and the header list `headers`
/// (no `Access-Control-Request-Headers` when `None`).
pub fn preflight(origin: &str, method: &str, headers: Option<&str>) -> Request<Full<Bytes>> {
    let mut h = vec![
        ("origin", origin),
        ("access-control-request-method", method),
    ];
    if let Some(list) = headers {
        h.push(("access-control-request-headers", list));
    }
    request("OPTIONS", &h)
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
