//! What the fuzz targets share: sending a request through a `CorsLayer`
//! without a runtime, around a handler that answers at once with the
//! headers it is given and counts its calls.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Request, Response, StatusCode};
use tower_cors::CorsLayer;
use tower_layer::Layer;
use tower_service::Service;

/// The handler behind the layer: answers `status` with `headers`, at once.
#[derive(Clone)]
pub struct Handler {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub calls: Arc<AtomicUsize>,
}

impl Handler {
    pub fn new(status: StatusCode, headers: HeaderMap) -> Handler {
        Handler {
            status,
            headers,
            calls: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl Service<Request<String>> for Handler {
    type Response = Response<String>;
    type Error = Infallible;
    type Future = Ready<Result<Response<String>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<String>) -> Self::Future {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let mut res = Response::new(String::from("inner"));
        *res.status_mut() = self.status;
        *res.headers_mut() = self.headers.clone();
        ready(Ok(res))
    }
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Sends `req` through `cors` around `handler` and returns the response
/// head (status and headers); every future here is ready at once.
pub fn send(cors: &CorsLayer, handler: &Handler, req: Request<String>) -> (StatusCode, HeaderMap) {
    let mut service = cors.layer(handler.clone());
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    assert!(service.poll_ready(&mut cx).is_ready());
    let future = pin!(service.call(req));
    match future.poll(&mut cx) {
        Poll::Ready(Ok(res)) => (res.status(), res.headers().clone()),
        Poll::Ready(Err(never)) => match never {},
        Poll::Pending => panic!("the layer's future is pending with a ready handler"),
    }
}

/// A request with this method, these headers and an empty body.
pub fn request(method: http::Method, headers: HeaderMap) -> Request<String> {
    let mut req = Request::new(String::new());
    *req.method_mut() = method;
    *req.uri_mut() = http::Uri::from_static("http://api.example.net/r");
    *req.headers_mut() = headers;
    req
}

/// A `GET` with `Origin: origin`.
pub fn get_from(origin: HeaderValue) -> Request<String> {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::ORIGIN, origin);
    request(http::Method::GET, headers)
}

/// The values of `name`, as bytes.
pub fn values<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Vec<&'h [u8]> {
    headers.get_all(name).iter().map(HeaderValue::as_bytes).collect()
}

/// Whether the allowed `origin` gets exactly its own value back (or `*`
/// when `any`), and a refused one no CORS header at all; panics otherwise.
pub fn assert_answer(origin: &[u8], allowed: bool, any: bool, headers: &HeaderMap) {
    let acao = values(headers, &http::header::ACCESS_CONTROL_ALLOW_ORIGIN);
    if allowed {
        let want: &[u8] = if any { b"*" } else { origin };
        assert_eq!(acao, vec![want], "allowed origin {:?}", String::from_utf8_lossy(origin));
    } else {
        let cors: Vec<_> = headers
            .keys()
            .filter(|k| k.as_str().starts_with("access-control-"))
            .collect();
        assert!(cors.is_empty(), "refused origin {:?} got {cors:?}", String::from_utf8_lossy(origin));
    }
}
