//! What every measurement of the layer shares: the scenarios, the four
//! implementations of each scenario's policy, the way a request is sent
//! through a service, the check of the answers, and a counting allocator.
//!
//! Used by every bench binary and by the allocation tests, so that the
//! criterion benchmarks, the instruction counts and the allocation counts
//! measure the same thing.
//!
//! The four implementations, all in front of the same trivial handler
//! ([`Hello`]; in the scenario whose handler sets `Vary`, [`HelloVary`]):
//!
//! - `tower-cors`: this crate's `CorsLayer`;
//! - `tower-http`: tower-http's `CorsLayer`, configured for the same policy;
//! - `bare`: the handler alone, no layer;
//! - `floor`: [`FloorLayer`], a layer that does no parsing at all and only
//!   inserts precomputed header values: the cost that no CORS layer can beat
//!   by much.
//!
//! Beside tower-cors, on the scenarios of [`VARIANT_SCENARIOS`], its
//! variants ([`VARIANTS`]) with the same policy: `tower-cors-routes` (a
//! layer of `CorsRoutes` with two prefixes, the request's second) and, with the
//! `reload` feature, `tower-cors-reload` (a layer made by `CorsLayer::reloadable`),
//! and `tower-cors-candidate` (the policy with itself as a report-only
//! candidate: every request decided twice).
//!
//! Requests are sent without a runtime or a network: `poll_ready`, `call`,
//! and one poll of the response future with a waker that does nothing (every
//! future here is ready at once). One request is the same work for every
//! implementation ([`Driver::send_one`]): clone the prebuilt request, call,
//! drop the response (and, in the clone-then-call scenario, clone the service
//! first and drop the clone after).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::convert::Infallible;
use std::fmt::{self, Debug};
use std::future::{ready, Future, Ready};
use std::hint::black_box;
use std::pin::{pin, Pin};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::header::{self, Entry, HeaderMap, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use pin_project_lite::pin_project;
use tower::{Layer, Service};

/// The request and response body of every implementation's handler.
pub type Body = Full<Bytes>;

// ----------------------------------------------------------------------------
// Implementations
// ----------------------------------------------------------------------------

/// One of the four implementations a scenario is measured on, or one of
/// the variants of tower-cors measured beside them on a few scenarios
/// ([`VARIANT_SCENARIOS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    TowerCors,
    TowerHttp,
    Bare,
    Floor,
    /// The scenario's tower-cors policy bound to `/api` in a
    /// layer of `CorsRoutes` whose first binding (`/public`) does not cover
    /// the request.
    Routed,
    /// The scenario's tower-cors policy in a layer made by `CorsLayer::reloadable`
    /// (feature `reload`).
    #[cfg(feature = "reload")]
    Reloadable,
    /// The scenario's tower-cors policy with itself as a report-only
    /// candidate (`CorsLayer::with_candidate`): decided twice, the two
    /// decisions always agree.
    Candidate,
}

/// The variants of tower-cors this build measures: the routed layer, the
/// reloadable one with the `reload` feature, and the layer with a
/// candidate.
#[cfg(feature = "reload")]
pub const VARIANTS: &[Implementation] = &[
    Implementation::Routed,
    Implementation::Reloadable,
    Implementation::Candidate,
];
#[cfg(not(feature = "reload"))]
pub const VARIANTS: &[Implementation] = &[Implementation::Routed, Implementation::Candidate];

/// The scenarios the variants are measured on, beside the static layer.
pub const VARIANT_SCENARIOS: [&str; 3] =
    ["simple_allowed", "preflight_allowed", "gateway_preflight"];

impl Implementation {
    /// Every implementation, in the order tables show them.
    pub const ALL: [Implementation; 4] = [
        Implementation::TowerCors,
        Implementation::TowerHttp,
        Implementation::Bare,
        Implementation::Floor,
    ];

    /// The name benchmarks, scripts and tables use.
    pub fn name(self) -> &'static str {
        match self {
            Implementation::TowerCors => "tower-cors",
            Implementation::TowerHttp => "tower-http",
            Implementation::Bare => "bare",
            Implementation::Floor => "floor",
            Implementation::Routed => "tower-cors-routes",
            #[cfg(feature = "reload")]
            Implementation::Reloadable => "tower-cors-reload",
            Implementation::Candidate => "tower-cors-candidate",
        }
    }

    pub fn from_name(name: &str) -> Option<Implementation> {
        Implementation::ALL
            .iter()
            .chain(VARIANTS)
            .copied()
            .find(|i| i.name() == name)
    }

    /// Whether this is a variant of tower-cors, which must answer as the
    /// static layer does.
    pub fn is_variant(self) -> bool {
        VARIANTS.contains(&self)
    }
}

impl fmt::Display for Implementation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The trivial handler behind every implementation: `200 hello`, at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hello;

impl Service<Request<Body>> for Hello {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Ready<Result<Response<Body>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<Body>) -> Self::Future {
        ready(Ok(Response::new(Full::new(Bytes::from_static(b"hello")))))
    }
}

/// The trivial handler of the scenario with an outer `Vary`: `200 hello`
/// with `Vary: Accept-Encoding`, as a compression layer between the CORS
/// layer and the handler (or the handler itself) would answer, so that the
/// layer must add its own tokens to a `Vary` already there.
#[derive(Debug, Clone, Copy, Default)]
pub struct HelloVary;

/// The `Vary` that [`HelloVary`] answers with.
pub const INNER_VARY: &str = "Accept-Encoding";

impl Service<Request<Body>> for HelloVary {
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = HelloVaryFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _req: Request<Body>) -> Self::Future {
        let mut res = Response::new(Full::new(Bytes::from_static(b"hello")));
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static(INNER_VARY));
        HelloVaryFuture(ready(Ok(res)))
    }
}

/// The response future of [`HelloVary`]: ready at once, as [`Hello`]'s,
/// and a type of its own, so that the layers' response futures around it
/// are compiled apart from those around [`Hello`] (one future type behind
/// both handlers would change how the other scenarios are inlined).
#[derive(Debug)]
pub struct HelloVaryFuture(Ready<Result<Response<Body>, Infallible>>);

impl Future for HelloVaryFuture {
    type Output = Result<Response<Body>, Infallible>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

/// The handler a scenario's implementations are in front of: the same for
/// all four.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handler {
    Hello,
    HelloVary,
}

/// Something to do with an implementation's service, whatever its type:
/// [`Scenario::with_service`] builds the service and hands it to
/// [`WithService::with`].
pub trait WithService {
    type Output;

    fn with<S, B>(
        self,
        scenario: &Scenario,
        implementation: Implementation,
        service: S,
    ) -> Self::Output
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: Debug;
}

// ----------------------------------------------------------------------------
// Sending a request without a runtime
// ----------------------------------------------------------------------------

/// A waker for futures that are ready when first polled. (`Waker::noop` is
/// stable only since Rust 1.85, above the crate's `rust-version`, which
/// clippy's `incompatible_msrv` lint enforces.)
struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

pub fn noop_waker() -> Waker {
    Waker::from(Arc::new(NoopWake))
}

/// Sends `req` through `svc` and returns the response; the service and its
/// future must be ready when first polled.
pub fn send<S, B>(svc: &mut S, req: Request<Body>, waker: &Waker) -> Response<B>
where
    S: Service<Request<Body>, Response = Response<B>>,
    S::Error: Debug,
{
    let mut cx = Context::from_waker(waker);
    match svc.poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => {}
        Poll::Ready(Err(e)) => panic!("poll_ready failed: {e:?}"),
        Poll::Pending => panic!("the service is not ready at once"),
    }
    let future = pin!(svc.call(req));
    match future.poll(&mut cx) {
        Poll::Ready(Ok(res)) => res,
        Poll::Ready(Err(e)) => panic!("the service failed: {e:?}"),
        Poll::Pending => panic!("the response future is not ready at once"),
    }
}

/// One scenario's service and request, ready to send the request again and
/// again with the same work per request for every implementation.
pub struct Driver<S> {
    service: S,
    request: Request<Body>,
    clone_service: bool,
    waker: Waker,
}

impl<S, B> Driver<S>
where
    S: Service<Request<Body>, Response = Response<B>> + Clone,
    S::Error: Debug,
{
    pub fn new(scenario: &Scenario, service: S) -> Self {
        Driver {
            service,
            request: scenario.request.clone(),
            clone_service: scenario.clone_service,
            waker: noop_waker(),
        }
    }

    /// Sends the request once and returns the response, for checking.
    pub fn response(&mut self) -> Response<B> {
        let mut service = self.service.clone();
        send(&mut service, self.request.clone(), &self.waker)
    }

    /// One request: clone the prebuilt request, call (on a clone of the
    /// service in the clone-then-call scenario), drop the response.
    #[inline(never)]
    pub fn send_one(&mut self) {
        let req = black_box(self.request.clone());
        if self.clone_service {
            let mut service = self.service.clone();
            drop(black_box(send(&mut service, req, &self.waker)));
        } else {
            drop(black_box(send(&mut self.service, req, &self.waker)));
        }
    }

    /// Sends the request `n` times (`n >= 2`) and counts the allocations
    /// made on this thread: the first request's apart, so that what it
    /// does once (warming up) is left out of the count per request.
    pub fn count_allocations(&mut self, n: u64) -> AllocationCount {
        assert!(n >= 2, "counting needs at least two requests");
        let start = allocations();
        self.send_one();
        let after_first = allocations();
        for _ in 1..n {
            self.send_one();
        }
        let end = allocations();
        AllocationCount {
            first: after_first - start,
            rest: end - after_first,
            requests: n - 1,
        }
    }
}

// ----------------------------------------------------------------------------
// Counting allocations
// ----------------------------------------------------------------------------

/// A global allocator that counts, per thread, the allocations (and
/// reallocations) and the bytes they ask for, then hands them to the
/// system allocator. Counting per thread keeps the count deterministic
/// when tests run in parallel: only the requests sent on the thread that
/// reads the count are in it. Install it in a binary with
/// `#[global_allocator] static ALLOCATOR: CountingAllocator = CountingAllocator;`.
pub struct CountingAllocator;

thread_local! {
    static ALLOCATED: Cell<Allocations> = const {
        Cell::new(Allocations { count: 0, bytes: 0 })
    };
}

/// Allocations counted on one thread so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allocations {
    pub count: u64,
    pub bytes: u64,
}

impl std::ops::Sub for Allocations {
    type Output = Allocations;

    fn sub(self, earlier: Allocations) -> Allocations {
        Allocations {
            count: self.count - earlier.count,
            bytes: self.bytes - earlier.bytes,
        }
    }
}

fn record(bytes: usize) {
    // `try_with`: the allocator may run while the thread's locals are torn down.
    let _ = ALLOCATED.try_with(|a| {
        let mut now = a.get();
        now.count += 1;
        now.bytes += bytes as u64;
        a.set(now);
    });
}

/// The allocations made on this thread so far (zero without the
/// [`CountingAllocator`]).
pub fn allocations() -> Allocations {
    ALLOCATED.try_with(Cell::get).unwrap_or_default()
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: the caller's obligations are the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The allocations of `requests + 1` requests sent one after another.
#[derive(Debug, Clone, Copy)]
pub struct AllocationCount {
    /// Those of the first request, warm-up included.
    pub first: Allocations,
    /// Those of the `requests` requests after it.
    pub rest: Allocations,
    pub requests: u64,
}

impl AllocationCount {
    /// Allocations per request, the first request left out.
    pub fn per_request(&self) -> f64 {
        self.rest.count as f64 / self.requests as f64
    }

    /// Bytes allocated per request, the first request left out.
    pub fn bytes_per_request(&self) -> f64 {
        self.rest.bytes as f64 / self.requests as f64
    }
}

// ----------------------------------------------------------------------------
// The floor
// ----------------------------------------------------------------------------

/// What the floor puts in `Access-Control-Allow-Origin`.
#[derive(Debug, Clone)]
enum FloorOrigin {
    /// The request's `Origin`, echoed.
    Echo,
    /// A fixed value: `*`.
    Fixed(HeaderValue),
    /// Nothing: the origin is refused.
    Omit,
}

impl FloorOrigin {
    fn value(&self, origin: &HeaderValue) -> Option<HeaderValue> {
        match self {
            FloorOrigin::Echo => Some(origin.clone()),
            FloorOrigin::Fixed(value) => Some(value.clone()),
            FloorOrigin::Omit => None,
        }
    }
}

type Headers = Vec<(HeaderName, HeaderValue)>;

/// The floor's precomputed answers for one policy and one verdict on the
/// scenario's origin. The floor does not look the origin up, parse
/// anything, or check anything: it is told in advance whether the
/// scenario's origin (and preflight) is allowed, and answers with the same
/// headers that tower-cors sends.
#[derive(Debug)]
pub struct FloorAnswers {
    /// Added to actual responses to requests without `Origin`.
    no_origin: Headers,
    /// `Access-Control-Allow-Origin` of actual responses to requests with
    /// `Origin`.
    allow_origin: FloorOrigin,
    /// The other headers added to actual responses to requests with `Origin`.
    actual: Headers,
    preflight_status: StatusCode,
    preflight_allow_origin: FloorOrigin,
    /// The other headers of the answer to a preflight.
    preflight: Headers,
    /// The handler answers with a `Vary` of its own ([`HelloVary`]): the
    /// floor's `Vary` is appended to it in the same field line, as
    /// tower-cors folds its tokens into it, without looking at what is
    /// there.
    inner_vary: bool,
}

/// A minimal CORS layer with no parsing: for a request with `Origin` it
/// inserts precomputed header values into the response, and it answers an
/// `OPTIONS` with `Origin` and `Access-Control-Request-Method` itself, with
/// a clone of a prebuilt `HeaderMap` (the cheapest way to a map of several
/// headers) into which it inserts `Access-Control-Allow-Origin`.
#[derive(Debug, Clone)]
pub struct FloorLayer {
    answers: Arc<FloorAnswers>,
    preflight: Arc<HeaderMap>,
}

impl FloorLayer {
    fn new(answers: FloorAnswers) -> Self {
        let mut preflight = HeaderMap::with_capacity(answers.preflight.len() + 1);
        for (name, value) in &answers.preflight {
            preflight.insert(name.clone(), value.clone());
        }
        // A slot for `Access-Control-Allow-Origin`, replaced per request,
        // and room to spare, so that the clone never grows.
        if let FloorOrigin::Echo | FloorOrigin::Fixed(_) = answers.preflight_allow_origin {
            preflight.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, static_value("*"));
        }
        preflight.reserve(1);
        FloorLayer {
            answers: Arc::new(answers),
            preflight: Arc::new(preflight),
        }
    }
}

impl<S> Layer<S> for FloorLayer {
    type Service = Floor<S>;

    fn layer(&self, inner: S) -> Floor<S> {
        Floor {
            inner,
            answers: Arc::clone(&self.answers),
            preflight: Arc::clone(&self.preflight),
        }
    }
}

/// The service of [`FloorLayer`].
#[derive(Debug, Clone)]
pub struct Floor<S> {
    inner: S,
    answers: Arc<FloorAnswers>,
    preflight: Arc<HeaderMap>,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for Floor<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = FloorFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<ReqBody>) -> Self::Future {
        let answers = &self.answers;
        let Some(origin) = req.headers().get(header::ORIGIN) else {
            return FloorFuture::Inner {
                future: self.inner.call(req),
                origin: None,
                answers: Arc::clone(answers),
            };
        };
        if req.method() == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            let mut headers = HeaderMap::clone(&self.preflight);
            if let Some(value) = answers.preflight_allow_origin.value(origin) {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            }
            let mut res = Response::new(ResBody::default());
            *res.status_mut() = answers.preflight_status;
            *res.headers_mut() = headers;
            return FloorFuture::Answered {
                response: Some(res),
            };
        }
        let origin = Some(answers.allow_origin.value(origin));
        FloorFuture::Inner {
            future: self.inner.call(req),
            origin,
            answers: Arc::clone(answers),
        }
    }
}

pin_project! {
    /// The response future of [`Floor`].
    #[project = FloorProj]
    pub enum FloorFuture<F, B> {
        Inner {
            #[pin]
            future: F,
            // `None`: no `Origin`; `Some(None)`: `Origin`, refused.
            origin: Option<Option<HeaderValue>>,
            answers: Arc<FloorAnswers>,
        },
        Answered {
            response: Option<Response<B>>,
        },
    }
}

impl<F, B, E> Future for FloorFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            FloorProj::Inner {
                future,
                origin,
                answers,
            } => {
                let mut res = match future.poll(cx) {
                    Poll::Ready(Ok(res)) => res,
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => return Poll::Pending,
                };
                let headers = res.headers_mut();
                let added = match origin.take() {
                    None => &answers.no_origin,
                    Some(allow_origin) => {
                        if let Some(value) = allow_origin {
                            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
                        }
                        &answers.actual
                    }
                };
                if answers.inner_vary {
                    add_to_inner_vary(headers, added);
                } else {
                    for (name, value) in added {
                        headers.insert(name.clone(), value.clone());
                    }
                }
                Poll::Ready(Ok(res))
            }
            FloorProj::Answered { response } => match response.take() {
                Some(res) => Poll::Ready(Ok(res)),
                None => Poll::Pending,
            },
        }
    }
}

/// Inserts `added`, its `Vary` appended to the handler's. Out of line, so
/// that the other scenarios' floor stays as it was.
#[cold]
#[inline(never)]
fn add_to_inner_vary(headers: &mut HeaderMap, added: &Headers) {
    for (name, value) in added {
        if *name == header::VARY {
            append_to_vary(headers, value);
        } else {
            headers.insert(name.clone(), value.clone());
        }
    }
}

/// Appends `value` to the response's `Vary`, `, ` between the two, in one
/// field line: one allocation for the joined bytes, and no look at the
/// tokens already there (the floor knows they are not its own).
fn append_to_vary(headers: &mut HeaderMap, value: &HeaderValue) {
    match headers.entry(header::VARY) {
        Entry::Vacant(slot) => {
            slot.insert(value.clone());
        }
        Entry::Occupied(mut vary) => {
            let inner = vary.get().as_bytes();
            let mut joined = BytesMut::with_capacity(inner.len() + 2 + value.len());
            joined.extend_from_slice(inner);
            joined.extend_from_slice(b", ");
            joined.extend_from_slice(value.as_bytes());
            // SAFETY: two valid header values joined by `, ` are a valid
            // header value (no control character, no line break).
            vary.insert(unsafe { HeaderValue::from_maybe_shared_unchecked(joined.freeze()) });
        }
    }
}

// ----------------------------------------------------------------------------
// Policies, in each implementation's words
// ----------------------------------------------------------------------------

/// The three origins of the small policies; requests come from the second.
pub const ORIGINS: [&str; 3] = [
    "https://app.example.com",
    "https://admin.example.com",
    "https://docs.example.com",
];
const ORIGIN: &str = ORIGINS[1];
const REFUSED_ORIGIN: &str = "https://evil.example.net";

fn static_value(value: &'static str) -> HeaderValue {
    HeaderValue::from_static(value)
}

/// A `'static` header value, as tower-cors renders a policy's values (no
/// reference count to touch per answer); leaked once per policy built here.
fn leaked_static(value: &str) -> HeaderValue {
    static_value(Box::leak(value.to_owned().into_boxed_str()))
}

fn value(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).expect("a valid header value")
}

fn header_values<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<HeaderValue> {
    items.into_iter().map(value).collect()
}

fn header_names<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<HeaderName> {
    items
        .into_iter()
        .map(|s| HeaderName::from_bytes(s.as_bytes()).expect("a valid header name"))
        .collect()
}

/// `Vary` of tower-cors's preflight answers under a policy that depends on
/// the origin, and under an any-origin one.
const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
const PREFLIGHT_VARY_ANY: &str = "Access-Control-Request-Method, Access-Control-Request-Headers";

/// Which origins a "small" policy allows.
enum Origins<'a> {
    List(&'a [String]),
    /// `https://*.example.com` (tower-http: a predicate, `ends_with`).
    Subdomains,
}

/// How a "small" policy allows request headers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RequestHeaders {
    /// `content-type` and `x-custom`, with credentials.
    Listed,
    /// Any header (`*`), without credentials.
    Any,
}

/// The policy of the crate's documentation: the given origins, methods GET
/// and PUT, request headers `content-type` and `x-custom` (or any),
/// exposed `x-request-id`, credentials (not with any header), max-age 600
/// seconds. Returns it for tower-cors and tower-http, and the floor's
/// answers given whether the scenario's origin is allowed.
fn small_policy(
    origins: Origins<'_>,
    request_headers: RequestHeaders,
    origin_allowed: bool,
) -> Policies {
    let credentials = request_headers == RequestHeaders::Listed;
    let ours = tower_cors::CorsLayer::builder();
    let ours = match &origins {
        Origins::List(list) => ours.allow_origins(*list),
        Origins::Subdomains => ours.allow_origins(["https://*.example.com"]),
    };
    let ours = match request_headers {
        RequestHeaders::Listed => ours.allow_headers(["content-type", "x-custom"]),
        RequestHeaders::Any => ours.allow_any_header(),
    };
    let ours = ours
        .allow_methods([Method::GET, Method::PUT])
        .expose_headers(["x-request-id"])
        .allow_credentials(credentials)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("a valid policy");

    let theirs = tower_http::cors::CorsLayer::new();
    let theirs = match &origins {
        Origins::List(list) => theirs.allow_origin(tower_http::cors::AllowOrigin::list(
            header_values(list.iter().map(String::as_str)),
        )),
        Origins::Subdomains => {
            theirs.allow_origin(tower_http::cors::AllowOrigin::predicate(|origin, _| {
                origin.as_bytes().ends_with(b".example.com")
            }))
        }
    };
    let theirs = match request_headers {
        RequestHeaders::Listed => theirs.allow_headers(header_names(["content-type", "x-custom"])),
        RequestHeaders::Any => theirs.allow_headers(tower_http::cors::Any),
    };
    let theirs = theirs
        .allow_methods([Method::GET, Method::PUT])
        .expose_headers(header_names(["x-request-id"]))
        .allow_credentials(credentials)
        .max_age(Duration::from_secs(600));

    let vary_origin = (header::VARY, static_value("Origin"));
    let credentials = credentials.then(|| {
        (
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            static_value("true"),
        )
    });
    let expose = (
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        static_value("x-request-id"),
    );
    let floor = if origin_allowed {
        let mut actual: Headers = credentials.iter().cloned().collect();
        actual.push(expose.clone());
        actual.push(vary_origin.clone());
        let allow_headers = match request_headers {
            RequestHeaders::Listed => "content-type,x-custom",
            RequestHeaders::Any => "*",
        };
        let mut preflight = vec![
            (header::VARY, static_value(PREFLIGHT_VARY)),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                static_value("GET,PUT"),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                static_value(allow_headers),
            ),
            expose,
            (header::ACCESS_CONTROL_MAX_AGE, static_value("600")),
        ];
        preflight.extend(credentials);
        FloorAnswers {
            no_origin: vec![vary_origin],
            allow_origin: FloorOrigin::Echo,
            actual,
            preflight_status: StatusCode::NO_CONTENT,
            preflight_allow_origin: FloorOrigin::Echo,
            preflight,
            inner_vary: false,
        }
    } else {
        FloorAnswers {
            no_origin: vec![vary_origin.clone()],
            allow_origin: FloorOrigin::Omit,
            actual: vec![vary_origin],
            preflight_status: StatusCode::FORBIDDEN,
            preflight_allow_origin: FloorOrigin::Omit,
            preflight: vec![
                (header::VARY, static_value(PREFLIGHT_VARY)),
                (header::CONTENT_LENGTH, static_value("0")),
            ],
            inner_vary: false,
        }
    };
    (ours, theirs, floor)
}

/// The API gateway's defaults (`CorsLayer::gateway()`), written out for
/// tower-http and the floor.
fn gateway_policy() -> Policies {
    use tower_cors::presets::{
        GATEWAY_ALLOWED_HEADERS, GATEWAY_EXPOSED_HEADERS, GATEWAY_MAX_AGE_SECS, GATEWAY_METHODS,
    };
    let methods: Vec<Method> = GATEWAY_METHODS
        .iter()
        .map(|m| Method::from_bytes(m.as_bytes()).expect("a valid method"))
        .collect();
    let theirs = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods(methods)
        .allow_headers(header_names(GATEWAY_ALLOWED_HEADERS))
        .expose_headers(header_names(GATEWAY_EXPOSED_HEADERS))
        .max_age(Duration::from_secs(GATEWAY_MAX_AGE_SECS));

    let any = static_value("*");
    let expose = (
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        leaked_static(&GATEWAY_EXPOSED_HEADERS.join(",")),
    );
    let floor = FloorAnswers {
        no_origin: vec![
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, any.clone()),
            expose.clone(),
        ],
        allow_origin: FloorOrigin::Fixed(any.clone()),
        actual: vec![expose.clone()],
        preflight_status: StatusCode::OK,
        preflight_allow_origin: FloorOrigin::Fixed(any),
        preflight: vec![
            (header::CONTENT_LENGTH, static_value("0")),
            (header::VARY, static_value(PREFLIGHT_VARY_ANY)),
            (
                header::ACCESS_CONTROL_ALLOW_METHODS,
                leaked_static(&GATEWAY_METHODS.join(",")),
            ),
            (
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                leaked_static(&GATEWAY_ALLOWED_HEADERS.join(",")),
            ),
            expose,
            (
                header::ACCESS_CONTROL_MAX_AGE,
                leaked_static(&GATEWAY_MAX_AGE_SECS.to_string()),
            ),
        ],
        inner_vary: false,
    };
    (tower_cors::CorsLayer::gateway(), theirs, floor)
}

fn n_origins(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

fn small_origins() -> Vec<String> {
    ORIGINS.iter().map(|o| (*o).to_owned()).collect()
}

// ----------------------------------------------------------------------------
// Requests
// ----------------------------------------------------------------------------

fn get(origin: Option<&str>) -> Request<Body> {
    let mut req = Request::get("/api/items");
    if let Some(origin) = origin {
        req = req.header(header::ORIGIN, origin);
    }
    req.header(header::ACCEPT, "*/*")
        .body(Body::default())
        .expect("a valid request")
}

fn preflight(origin: &str, method: &str, request_headers: &str) -> Request<Body> {
    preflight_lines(origin, method, &[request_headers])
}

/// A preflight with one `Access-Control-Request-Headers` field line per
/// item of `request_headers`.
fn preflight_lines(
    origin: &str,
    method: &str,
    request_headers: &[impl AsRef<str>],
) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/items")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method);
    for line in request_headers {
        req = req.header(header::ACCESS_CONTROL_REQUEST_HEADERS, line.as_ref());
    }
    req.body(Body::default()).expect("a valid request")
}

/// `https://` and a host name of the longest length DNS allows, 253 bytes:
/// `first` and 126 labels `a`.
fn long_origin(first: char) -> String {
    format!("https://{first}{}", ".a".repeat(126))
}

// ----------------------------------------------------------------------------
// Scenarios
// ----------------------------------------------------------------------------

/// What a response must carry: its status and its
/// `Access-Control-Allow-Origin` (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub allow_origin: Option<String>,
}

impl Answer {
    fn new(status: StatusCode, allow_origin: Option<&str>) -> Self {
        Answer {
            status,
            allow_origin: allow_origin.map(str::to_owned),
        }
    }

    fn of<B>(res: &Response<B>) -> Self {
        Answer {
            status: res.status(),
            allow_origin: res
                .headers()
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .map(|v| v.to_str().expect("an ASCII origin").to_owned()),
        }
    }
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.allow_origin {
            Some(origin) => write!(f, "{} with {origin}", self.status),
            None => write!(f, "{} without Access-Control-Allow-Origin", self.status),
        }
    }
}

/// One request under one policy, in each implementation's words, with the
/// answers each must give.
pub struct Scenario {
    /// A short name, for benchmark groups and command lines.
    pub id: &'static str,
    pub title: &'static str,
    pub request: Request<Body>,
    /// Clone the layered service before each request and drop the clone
    /// after it (servers such as axum clone the service per request).
    pub clone_service: bool,
    /// The handler behind every implementation.
    handler: Handler,
    tower_cors: tower_cors::CorsLayer,
    tower_http: tower_http::cors::CorsLayer,
    floor: FloorLayer,
    /// What tower-cors may answer: one answer, or, where either is correct
    /// (a bound on the requested headers may refuse), two.
    tower_cors_answers: Vec<Answer>,
    tower_http_answer: Answer,
    /// What tower-cors answered when the scenario was built, and the names
    /// of its response headers, sorted: the floor must send the same.
    tower_cors_answer: Answer,
    tower_cors_header_names: Vec<String>,
}

/// Every scenario's id, in order. The last six are the hostile cases of
/// jub0bs/cors's benchmarks, in tower-cors's terms: a preflight whose
/// `Access-Control-Request-Headers` is one name repeated, mostly
/// whitespace, or many empty field lines; preflights under a policy of two
/// origins as long as a host name can be, from one of them and from a third
/// as long; and an actual request whose handler answers with a `Vary` of
/// its own.
pub const SCENARIOS: [&str; 20] = [
    "no_origin",
    "simple_allowed",
    "simple_refused",
    "preflight_allowed",
    "preflight_refused",
    "origins_100_last",
    "gateway_preflight",
    "gateway_simple",
    "deep_subdomain",
    "origins_1000_last",
    "acrh_1mib_commas",
    "acrh_100k_names",
    "acrh_at_limit",
    "clone_then_call",
    "acrh_one_name_repeated",
    "acrh_whitespace",
    "acrh_1024_empty_lines",
    "long_origins_allowed",
    "long_origins_refused",
    "outer_vary",
];

/// Builds every scenario, in order.
pub fn scenarios() -> Vec<Scenario> {
    SCENARIOS
        .iter()
        .map(|id| scenario(id).expect("a known scenario"))
        .collect()
}

/// Builds the scenario `id`, `None` for an unknown id.
pub fn scenario(id: &str) -> Option<Scenario> {
    use StatusCode as S;
    let ok = |origin: Option<&str>| Answer::new(S::OK, origin);
    let scenario = match id {
        "no_origin" => {
            let (ours, theirs, floor) = small_policy(
                Origins::List(&small_origins()),
                RequestHeaders::Listed,
                true,
            );
            Scenario::new(
                ("no_origin", "no Origin"),
                get(None),
                (ours, theirs, floor),
                vec![ok(None)],
                ok(None),
            )
        }
        "simple_allowed" => {
            let (ours, theirs, floor) = small_policy(
                Origins::List(&small_origins()),
                RequestHeaders::Listed,
                true,
            );
            Scenario::new(
                ("simple_allowed", "simple GET, allowed origin"),
                get(Some(ORIGIN)),
                (ours, theirs, floor),
                vec![ok(Some(ORIGIN))],
                ok(Some(ORIGIN)),
            )
        }
        "simple_refused" => {
            let (ours, theirs, floor) = small_policy(
                Origins::List(&small_origins()),
                RequestHeaders::Listed,
                false,
            );
            Scenario::new(
                ("simple_refused", "simple GET, refused origin"),
                get(Some(REFUSED_ORIGIN)),
                (ours, theirs, floor),
                vec![ok(None)],
                ok(None),
            )
        }
        "preflight_allowed" => {
            let (ours, theirs, floor) = small_policy(
                Origins::List(&small_origins()),
                RequestHeaders::Listed,
                true,
            );
            Scenario::new(
                ("preflight_allowed", "preflight, allowed (PUT, 2 headers)"),
                preflight(ORIGIN, "PUT", "content-type,x-custom"),
                (ours, theirs, floor),
                vec![Answer::new(S::NO_CONTENT, Some(ORIGIN))],
                // tower-http answers preflights with 200.
                ok(Some(ORIGIN)),
            )
        }
        "preflight_refused" => {
            let (ours, theirs, floor) = small_policy(
                Origins::List(&small_origins()),
                RequestHeaders::Listed,
                false,
            );
            Scenario::new(
                ("preflight_refused", "preflight, refused origin"),
                preflight(REFUSED_ORIGIN, "PUT", "content-type,x-custom"),
                (ours, theirs, floor),
                vec![Answer::new(S::FORBIDDEN, None)],
                // tower-http answers 200 without CORS headers.
                ok(None),
            )
        }
        "origins_100_last" | "origins_1000_last" | "clone_then_call" => {
            let n = if id == "origins_100_last" { 100 } else { 1000 };
            let origins = n_origins(n);
            let last = origins.last().expect("n > 0").clone();
            let (ours, theirs, floor) =
                small_policy(Origins::List(&origins), RequestHeaders::Listed, true);
            let ids = match id {
                "origins_100_last" => ("origins_100_last", "100 exact origins, the last matches"),
                "origins_1000_last" => {
                    ("origins_1000_last", "1,000 exact origins, the last matches")
                }
                _ => (
                    "clone_then_call",
                    "clone the service (1,000 origins), then a simple GET",
                ),
            };
            let mut scenario = Scenario::new(
                ids,
                get(Some(&last)),
                (ours, theirs, floor),
                vec![ok(Some(&last))],
                ok(Some(&last)),
            );
            scenario.clone_service = id == "clone_then_call";
            scenario
        }
        "gateway_preflight" => Scenario::new(
            ("gateway_preflight", "gateway preflight"),
            preflight(ORIGIN, "PUT", "authorization,content-type,x-sdk-date"),
            gateway_policy(),
            vec![ok(Some("*"))],
            ok(Some("*")),
        ),
        "gateway_simple" => Scenario::new(
            ("gateway_simple", "gateway simple GET"),
            get(Some(ORIGIN)),
            gateway_policy(),
            vec![ok(Some("*"))],
            ok(Some("*")),
        ),
        "deep_subdomain" => {
            const DEEP: &str = "https://a.b.c.d.e.example.com";
            let (ours, theirs, floor) =
                small_policy(Origins::Subdomains, RequestHeaders::Listed, true);
            Scenario::new(
                (
                    "deep_subdomain",
                    "deep subdomain, pattern https://*.example.com",
                ),
                get(Some(DEEP)),
                (ours, theirs, floor),
                vec![ok(Some(DEEP))],
                ok(Some(DEEP)),
            )
        }
        "acrh_1mib_commas" => adversarial(
            (
                "acrh_1mib_commas",
                "preflight, Access-Control-Request-Headers: 1 MiB of commas",
            ),
            vec![",".repeat(1 << 20)],
        ),
        "acrh_100k_names" => adversarial(
            (
                "acrh_100k_names",
                "preflight, Access-Control-Request-Headers: 100,000 names",
            ),
            vec![(0..100_000)
                .map(|i| format!("x-h{i}"))
                .collect::<Vec<_>>()
                .join(",")],
        ),
        "acrh_at_limit" => adversarial(
            (
                "acrh_at_limit",
                "preflight, Access-Control-Request-Headers: 4096 bytes of names (the most the layer reads)",
            ),
            vec![names_up_to(ACRH_LIMIT)],
        ),
        // jub0bs/cors sends these lists at the size a Go server admits
        // (1 MiB), which tower-cors refuses unread by their length (as
        // `acrh_1mib_commas`); at the limit, it reads them to the end.
        "acrh_one_name_repeated" => adversarial(
            (
                "acrh_one_name_repeated",
                "preflight, Access-Control-Request-Headers: `accept,` repeated up to 4096 bytes",
            ),
            vec!["accept,".repeat(ACRH_LIMIT / "accept,".len())],
        ),
        "acrh_whitespace" => adversarial(
            (
                "acrh_whitespace",
                "preflight, Access-Control-Request-Headers: `accept,`, spaces, `content-type` (4096 bytes)",
            ),
            vec![format!(
                "accept,{}content-type",
                " ".repeat(ACRH_LIMIT - "accept,content-type".len())
            )],
        ),
        "acrh_1024_empty_lines" => adversarial(
            (
                "acrh_1024_empty_lines",
                "preflight, 1,024 empty Access-Control-Request-Headers field lines",
            ),
            vec![String::new(); 1024],
        ),
        "long_origins_allowed" | "long_origins_refused" => {
            let allowed = id == "long_origins_allowed";
            let origins = [long_origin('a'), long_origin('b')];
            let origin = long_origin(if allowed { 'a' } else { 'c' });
            let (ours, theirs, floor) =
                small_policy(Origins::List(&origins), RequestHeaders::Listed, allowed);
            let ids = match allowed {
                true => (
                    "long_origins_allowed",
                    "preflight under 2 origins of 253-byte hosts, from the first",
                ),
                false => (
                    "long_origins_refused",
                    "preflight under 2 origins of 253-byte hosts, from a third as long",
                ),
            };
            let answers = match allowed {
                true => (Answer::new(S::NO_CONTENT, Some(&origin)), ok(Some(&origin))),
                false => (Answer::new(S::FORBIDDEN, None), ok(None)),
            };
            Scenario::new(
                ids,
                preflight(&origin, "PUT", "content-type,x-custom"),
                (ours, theirs, floor),
                vec![answers.0],
                answers.1,
            )
        }
        "outer_vary" => {
            let (ours, theirs, mut floor) = small_policy(
                Origins::List(&small_origins()),
                RequestHeaders::Listed,
                true,
            );
            floor.inner_vary = true;
            Scenario::with_handler_new(
                Handler::HelloVary,
                (
                    "outer_vary",
                    "simple GET, allowed origin, the handler's response has Vary already",
                ),
                get(Some(ORIGIN)),
                (ours, theirs, floor),
                vec![ok(Some(ORIGIN))],
                ok(Some(ORIGIN)),
            )
        }
        _ => return None,
    };
    Some(scenario)
}

/// The longest `Access-Control-Request-Headers` tower-cors reads, all
/// field lines together; a longer one is refused unread.
pub const ACRH_LIMIT: usize = 4096;

/// `x-h0,x-h1,...`: as many names as fit in `len` bytes.
pub fn names_up_to(len: usize) -> String {
    let mut list = String::new();
    for i in 0.. {
        let name = format!("x-h{i}");
        let more = usize::from(!list.is_empty()) + name.len();
        if list.len() + more > len {
            break;
        }
        if !list.is_empty() {
            list.push(',');
        }
        list.push_str(&name);
    }
    list
}

/// A preflight from an allowed origin whose `Access-Control-Request-Headers`
/// field lines are `requested`, under the small policy with any request
/// header allowed (so that a layer that reads every name has to read them
/// all). tower-cors may accept it (every name is allowed) or refuse it (a
/// bound on the field); the floor answers as tower-cors does.
fn adversarial(ids: (&'static str, &'static str), requested: Vec<String>) -> Scenario {
    let request = preflight_lines(ORIGIN, "PUT", &requested);
    let accepted = Answer::new(StatusCode::NO_CONTENT, Some(ORIGIN));
    let refused = Answer::new(StatusCode::FORBIDDEN, None);
    let origins = small_origins();
    let (ours, theirs, _) = small_policy(Origins::List(&origins), RequestHeaders::Any, true);
    let tower_cors_accepts = Answer::of(&send(
        &mut ours.layer(Hello),
        request.clone(),
        &noop_waker(),
    )) == accepted;
    let (_, _, floor) = small_policy(
        Origins::List(&origins),
        RequestHeaders::Any,
        tower_cors_accepts,
    );
    Scenario::new(
        ids,
        request,
        (ours, theirs, floor),
        vec![accepted, refused],
        // tower-http does not read the field under a policy of any header.
        Answer::new(StatusCode::OK, Some(ORIGIN)),
    )
}

/// A scenario's policy in the words of tower-cors, tower-http and the floor.
type Policies = (
    tower_cors::CorsLayer,
    tower_http::cors::CorsLayer,
    FloorAnswers,
);

impl Scenario {
    fn new(
        ids: (&'static str, &'static str),
        request: Request<Body>,
        policies: Policies,
        tower_cors_answers: Vec<Answer>,
        tower_http_answer: Answer,
    ) -> Self {
        Scenario::with_handler_new(
            Handler::Hello,
            ids,
            request,
            policies,
            tower_cors_answers,
            tower_http_answer,
        )
    }

    /// [`new`](Self::new), with `handler` behind every implementation.
    fn with_handler_new(
        handler: Handler,
        (id, title): (&'static str, &'static str),
        request: Request<Body>,
        (tower_cors, tower_http, floor): Policies,
        tower_cors_answers: Vec<Answer>,
        tower_http_answer: Answer,
    ) -> Self {
        let waker = noop_waker();
        let reference = match handler {
            Handler::Hello => send(&mut tower_cors.layer(Hello), request.clone(), &waker),
            Handler::HelloVary => send(&mut tower_cors.layer(HelloVary), request.clone(), &waker),
        };
        Scenario {
            id,
            title,
            request,
            clone_service: false,
            handler,
            tower_cors,
            tower_http,
            floor: FloorLayer::new(floor),
            tower_cors_answers,
            tower_http_answer,
            tower_cors_answer: Answer::of(&reference),
            tower_cors_header_names: header_names_of(&reference),
        }
    }

    /// Builds `implementation`'s service for this scenario and hands it to
    /// `with`.
    pub fn with_service<W: WithService>(
        &self,
        implementation: Implementation,
        with: W,
    ) -> W::Output {
        match self.handler {
            Handler::Hello => self.with_handler(implementation, Hello, with),
            Handler::HelloVary => self.with_handler(implementation, HelloVary, with),
        }
    }

    /// [`with_service`](Self::with_service) with the scenario's handler.
    fn with_handler<H, W>(&self, implementation: Implementation, handler: H, with: W) -> W::Output
    where
        H: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone,
        W: WithService,
    {
        match implementation {
            Implementation::TowerCors => {
                with.with(self, implementation, self.tower_cors.layer(handler))
            }
            Implementation::TowerHttp => {
                with.with(self, implementation, self.tower_http.layer(handler))
            }
            Implementation::Bare => with.with(self, implementation, handler),
            Implementation::Floor => with.with(self, implementation, self.floor.layer(handler)),
            Implementation::Routed => with.with(self, implementation, self.routed().layer(handler)),
            #[cfg(feature = "reload")]
            Implementation::Reloadable => with.with(
                self,
                implementation,
                self.tower_cors.clone().reloadable().0.layer(handler),
            ),
            Implementation::Candidate => {
                let cors = self.tower_cors.clone();
                let layer = cors.clone().with_candidate(cors);
                with.with(self, implementation, layer.layer(handler))
            }
        }
    }

    /// The routed variant: the gateway's policy on `/public`, this
    /// scenario's on `/api` (the requests' path), nothing else bound.
    fn routed(&self) -> tower_cors::CorsLayer {
        // The scenario's policy has no predicate: its settings rebuild it.
        let api = self.tower_cors.config().expect("one policy");
        tower_cors::CorsRoutes::new()
            .policy("public", tower_cors::CorsBuilder::gateway())
            .policy("api", api)
            .bind_prefix("/public", "public")
            .bind_prefix("/api", "api")
            .build()
            .expect("valid routes")
    }

    /// Checks `implementation`'s response to this scenario's request, and
    /// panics with the difference when it is not what it must be. The floor
    /// must answer as tower-cors does, with the same header names.
    pub fn check<B>(&self, implementation: Implementation, res: &Response<B>) {
        let answer = Answer::of(res);
        let context = format!("{}/{implementation}", self.id);
        match implementation {
            Implementation::TowerCors => assert!(
                self.tower_cors_answers.contains(&answer),
                "{context}: answered {answer}, expected one of {:?}",
                self.tower_cors_answers
            ),
            Implementation::TowerHttp => assert_eq!(
                answer, self.tower_http_answer,
                "{context}: status and Access-Control-Allow-Origin"
            ),
            Implementation::Bare => assert_eq!(
                answer,
                Answer::new(StatusCode::OK, None),
                "{context}: status and Access-Control-Allow-Origin"
            ),
            // The floor, and the variants of tower-cors.
            _ => {
                assert_eq!(
                    answer, self.tower_cors_answer,
                    "{context}: status and Access-Control-Allow-Origin, as tower-cors answers"
                );
                assert_eq!(
                    header_names_of(res),
                    self.tower_cors_header_names,
                    "{context}: the floor and the variants must send the headers tower-cors sends"
                );
            }
        }
    }
}

fn header_names_of<B>(res: &Response<B>) -> Vec<String> {
    let mut names: Vec<String> = res
        .headers()
        .iter()
        .map(|(name, _)| name.as_str().to_owned())
        .collect();
    names.sort();
    names
}

/// Sends the scenario's request once through `implementation`'s service
/// and checks the answer, then returns a driver for measuring.
pub fn checked_driver<S, B>(
    scenario: &Scenario,
    implementation: Implementation,
    service: S,
) -> Driver<S>
where
    S: Service<Request<Body>, Response = Response<B>> + Clone,
    S::Error: Debug,
{
    let mut driver = Driver::new(scenario, service);
    let res = driver.response();
    scenario.check(implementation, &res);
    driver
}

/// Counts the allocations per request of one implementation on one
/// scenario, after checking its answer: `n` requests, the first one's
/// allocations left out.
pub struct CountAllocations(pub u64);

impl WithService for CountAllocations {
    type Output = AllocationCount;

    fn with<S, B>(
        self,
        scenario: &Scenario,
        implementation: Implementation,
        service: S,
    ) -> AllocationCount
    where
        S: Service<Request<Body>, Response = Response<B>> + Clone,
        S::Error: Debug,
    {
        checked_driver(scenario, implementation, service).count_allocations(self.0)
    }
}
