//! Per-request cost of `tower_cors::CorsLayer`, side by side with
//! `tower_http::cors::CorsLayer` configured the same way.
//!
//! The services are driven directly, without a runtime or a network: each
//! iteration calls `poll_ready` and `call` on a clone of the layered service
//! and polls the response future once with a waker that does nothing (the
//! handler's future is ready at once). The clone of the service and of the
//! prebuilt request is made before the timer starts, and the service and the
//! response are dropped after it stops (`ServiceExt::oneshot` would drop the
//! service inside the timed region), so what is timed is the middleware's
//! work on one request plus a trivial handler. The `service_clone` group
//! measures the clone (and drop) of each service on its own, since servers
//! such as axum clone the service for every request.
//!
//! Before a benchmark runs, its request is sent once and the response is
//! checked (status, `Access-Control-Allow-Origin`), so that each crate is
//! seen to accept what it is timed on. Nothing here looks at times.
//!
//! `cargo bench --bench cors -- --test` runs every benchmark once.

use std::convert::Infallible;
use std::fmt::Debug;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use bytes::Bytes;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, BenchmarkId, Criterion,
};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use tower::{service_fn, Layer, Service};

type Body = Full<Bytes>;

const TOWER_CORS: &str = "tower-cors";
const TOWER_HTTP: &str = "tower-http";

/// The three origins of the small policies; requests come from the second.
const ORIGINS: [&str; 3] = [
    "https://app.example.com",
    "https://admin.example.com",
    "https://docs.example.com",
];
const ORIGIN: &str = ORIGINS[1];

/// Inputs prepared (and outputs kept) per timed batch. Small, so that the
/// requests, services and responses of a batch stay in cache: with criterion's
/// `SmallInput` a batch holds a tenth of all iterations, and fresh pages and
/// page faults for thousands of header maps would be timed with the requests.
const BATCH: u64 = 64;

// ----------------------------------------------------------------------------
// Driving a service without a runtime
// ----------------------------------------------------------------------------

/// A waker for futures that are ready when first polled. (`Waker::noop` is
/// stable only since Rust 1.85, above the crate's `rust-version`, which
/// clippy's `incompatible_msrv` lint enforces.)
struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// The trivial handler behind both layers.
async fn hello(_req: Request<Body>) -> Result<Response<Body>, Infallible> {
    Ok(Response::new(Full::new(Bytes::from_static(b"hello"))))
}

/// Sends `req` through `svc` and returns the response; the service and its
/// future must be ready when first polled.
fn drive<S, B>(svc: &mut S, req: Request<Body>, waker: &Waker) -> Response<B>
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

/// What the response to a benchmark's request must look like.
#[derive(Clone, Copy)]
struct Expect<'a> {
    status: StatusCode,
    /// The expected `Access-Control-Allow-Origin`, `None` for its absence.
    allow_origin: Option<&'a str>,
}

impl<'a> Expect<'a> {
    fn new(status: StatusCode, allow_origin: Option<&'a str>) -> Self {
        Expect {
            status,
            allow_origin,
        }
    }
}

/// Checks once that `svc` answers `req` as expected, then benchmarks it as
/// `id` in `group`.
fn bench_service<S, B>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: (&str, &str),
    svc: &S,
    req: &Request<Body>,
    expect: Expect<'_>,
) where
    S: Service<Request<Body>, Response = Response<B>> + Clone,
    S::Error: Debug,
{
    let waker = Waker::from(Arc::new(NoopWake));
    let (function, param) = id;

    let res = drive(&mut svc.clone(), req.clone(), &waker);
    assert_eq!(res.status(), expect.status, "{function}/{param}: status");
    assert_eq!(
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|v| v.to_str().expect("ASCII")),
        expect.allow_origin,
        "{function}/{param}: access-control-allow-origin"
    );

    group.bench_function(benchmark_id(function, param), |b| {
        b.iter_batched(
            || (svc.clone(), req.clone()),
            |(mut svc, req)| {
                let res = drive(&mut svc, black_box(req), &waker);
                // Both are dropped after the timer stops.
                (svc, res)
            },
            BatchSize::NumIterations(BATCH),
        );
    });
}

/// Benchmarks both crates' services on the same request, as
/// `tower-cors/<param>` and `tower-http/<param>` (or without a parameter
/// when `param` is empty).
fn bench_pair<S1, B1, S2, B2>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    param: &str,
    req: &Request<Body>,
    ours: (&S1, Expect<'_>),
    theirs: (&S2, Expect<'_>),
) where
    S1: Service<Request<Body>, Response = Response<B1>> + Clone,
    S1::Error: Debug,
    S2: Service<Request<Body>, Response = Response<B2>> + Clone,
    S2::Error: Debug,
{
    bench_service(group, (TOWER_CORS, param), ours.0, req, ours.1);
    bench_service(group, (TOWER_HTTP, param), theirs.0, req, theirs.1);
}

fn benchmark_id(function: &str, param: &str) -> BenchmarkId {
    if param.is_empty() {
        BenchmarkId::from_parameter(function)
    } else {
        BenchmarkId::new(function, param)
    }
}

// ----------------------------------------------------------------------------
// Equivalent policies
// ----------------------------------------------------------------------------

fn header_values<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<HeaderValue> {
    items
        .into_iter()
        .map(|s| HeaderValue::from_str(s).expect("valid header value"))
        .collect()
}

fn header_names<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<HeaderName> {
    items
        .into_iter()
        .map(|s| HeaderName::from_bytes(s.as_bytes()).expect("valid header name"))
        .collect()
}

/// A credentialed policy for a few exact origins, as in the crate's
/// documentation: methods GET and PUT, request headers `content-type` and
/// `x-custom`, exposed `x-request-id`, max-age 600 seconds.
fn small_policy<'a>(
    origins: impl IntoIterator<Item = &'a str> + Clone,
) -> (tower_cors::CorsLayer, tower_http::cors::CorsLayer) {
    let ours = tower_cors::CorsLayer::builder()
        .allow_origins(origins.clone())
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"])
        .allow_credentials(true)
        .max_age(Duration::from_secs(600))
        .build()
        .expect("a valid policy");
    let theirs = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(header_values(origins)))
        .allow_methods([Method::GET, Method::PUT])
        .allow_headers(header_names(["content-type", "x-custom"]))
        .expose_headers(header_names(["x-request-id"]))
        .allow_credentials(true)
        .max_age(Duration::from_secs(600));
    (ours, theirs)
}

/// Only exact origins: what `origin_lookup` measures.
fn origins_only_policy(origins: &[String]) -> (tower_cors::CorsLayer, tower_http::cors::CorsLayer) {
    let ours = tower_cors::CorsLayer::builder()
        .allow_origins(origins)
        .build()
        .expect("a valid policy");
    let theirs = tower_http::cors::CorsLayer::new().allow_origin(
        tower_http::cors::AllowOrigin::list(header_values(origins.iter().map(String::as_str))),
    );
    (ours, theirs)
}

/// The API gateway's defaults, written out for tower-http.
fn gateway_policy() -> (tower_cors::CorsLayer, tower_http::cors::CorsLayer) {
    use tower_cors::presets::{
        GATEWAY_ALLOWED_HEADERS, GATEWAY_EXPOSED_HEADERS, GATEWAY_MAX_AGE_SECS, GATEWAY_METHODS,
    };
    let methods: Vec<Method> = GATEWAY_METHODS
        .iter()
        .map(|m| Method::from_bytes(m.as_bytes()).expect("valid method"))
        .collect();
    let theirs = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::Any)
        .allow_methods(methods)
        .allow_headers(header_names(GATEWAY_ALLOWED_HEADERS))
        .expose_headers(header_names(GATEWAY_EXPOSED_HEADERS))
        .max_age(Duration::from_secs(GATEWAY_MAX_AGE_SECS));
    (tower_cors::CorsLayer::gateway(), theirs)
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

fn preflight(origin: &str, method: &str, request_headers: Option<&str>) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::OPTIONS)
        .uri("/api/items")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, method);
    if let Some(names) = request_headers {
        req = req.header(header::ACCESS_CONTROL_REQUEST_HEADERS, names);
    }
    req.body(Body::default()).expect("a valid request")
}

// ----------------------------------------------------------------------------
// Benchmarks
// ----------------------------------------------------------------------------

/// A simple GET from an allowed origin, with a list of three origins.
fn simple_get(c: &mut Criterion) {
    let (ours, theirs) = small_policy(ORIGINS);
    let ours = ours.layer(service_fn(hello));
    let theirs = theirs.layer(service_fn(hello));
    let req = get(Some(ORIGIN));
    let expect = Expect::new(StatusCode::OK, Some(ORIGIN));

    let mut group = c.benchmark_group("simple_get");
    bench_pair(&mut group, "", &req, (&ours, expect), (&theirs, expect));
    group.finish();
}

/// An accepted preflight for PUT with two requested headers.
fn preflight_accepted(c: &mut Criterion) {
    let (ours, theirs) = small_policy(ORIGINS);
    let ours = ours.layer(service_fn(hello));
    let theirs = theirs.layer(service_fn(hello));
    let req = preflight(ORIGIN, "PUT", Some("content-type,x-custom"));

    let mut group = c.benchmark_group("preflight_accepted");
    bench_pair(
        &mut group,
        "",
        &req,
        // tower-http answers preflights with 200.
        (&ours, Expect::new(StatusCode::NO_CONTENT, Some(ORIGIN))),
        (&theirs, Expect::new(StatusCode::OK, Some(ORIGIN))),
    );
    group.finish();
}

/// A GET without `Origin`; `handler_only` is the handler without any layer.
fn not_cors(c: &mut Criterion) {
    let (ours, theirs) = small_policy(ORIGINS);
    let ours = ours.layer(service_fn(hello));
    let theirs = theirs.layer(service_fn(hello));
    let req = get(None);
    let expect = Expect::new(StatusCode::OK, None);

    let mut group = c.benchmark_group("not_cors");
    bench_pair(&mut group, "", &req, (&ours, expect), (&theirs, expect));
    bench_service(
        &mut group,
        ("handler_only", ""),
        &service_fn(hello),
        &req,
        expect,
    );
    group.finish();
}

/// A simple GET from the last of n exact origins: tower-cors looks it up in
/// a hash set, tower-http scans a list, where the last one costs most.
fn origin_lookup(c: &mut Criterion) {
    let mut group = c.benchmark_group("origin_lookup");
    for n in [10usize, 100, 1000] {
        let origins: Vec<String> = (0..n)
            .map(|i| format!("https://app{i}.example.com"))
            .collect();
        let last = origins.last().expect("n > 0").as_str();
        let (ours, theirs) = origins_only_policy(&origins);
        let ours = ours.layer(service_fn(hello));
        let theirs = theirs.layer(service_fn(hello));
        let req = get(Some(last));
        let expect = Expect::new(StatusCode::OK, Some(last));
        bench_pair(
            &mut group,
            &n.to_string(),
            &req,
            (&ours, expect),
            (&theirs, expect),
        );
    }
    group.finish();
}

/// Preflights whose `Access-Control-Request-Headers` is long. tower-cors
/// checks every name against its allowed set (here 1000 names); tower-http
/// does not read the field for a list policy and is shown as the baseline.
fn acrh_parsing(c: &mut Criterion) {
    const ALLOWED: usize = 1000;
    let allowed: Vec<String> = (0..ALLOWED).map(|i| format!("x-custom-{i}")).collect();
    let ours = tower_cors::CorsLayer::builder()
        .allow_origins(ORIGINS)
        .allow_methods([Method::PUT])
        .allow_headers(&allowed)
        .build()
        .expect("a valid policy")
        .layer(service_fn(hello));
    let theirs = tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(header_values(ORIGINS)))
        .allow_methods([Method::PUT])
        .allow_headers(header_names(allowed.iter().map(String::as_str)))
        .layer(service_fn(hello));

    let names = |n: usize| allowed[..n].join(",");
    let mixed_case = |n: usize| {
        (0..n)
            .map(|i| format!("X-Custom-{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cases = [
        ("1_name", names(1)),
        ("100_names", names(100)),
        ("1000_names", names(1000)),
        ("100_names_mixed_case", mixed_case(100)),
        ("10000_commas", ",".repeat(10_000)),
    ];

    let mut group = c.benchmark_group("acrh_parsing");
    for (param, value) in &cases {
        let req = preflight(ORIGIN, "PUT", Some(value));
        bench_pair(
            &mut group,
            param,
            &req,
            (&ours, Expect::new(StatusCode::NO_CONTENT, Some(ORIGIN))),
            (&theirs, Expect::new(StatusCode::OK, Some(ORIGIN))),
        );
    }
    group.finish();
}

/// A preflight against the API gateway's defaults.
fn gateway_preset(c: &mut Criterion) {
    let (ours, theirs) = gateway_policy();
    let ours = ours.layer(service_fn(hello));
    let theirs = theirs.layer(service_fn(hello));
    let req = preflight(
        "https://app.example.com",
        "PUT",
        Some("authorization,content-type,x-sdk-date"),
    );
    let expect = Expect::new(StatusCode::OK, Some("*"));

    let mut group = c.benchmark_group("gateway_preset");
    bench_pair(&mut group, "", &req, (&ours, expect), (&theirs, expect));
    group.finish();
}

/// Cloning and dropping the layered service, which servers such as axum do
/// for every request; the other groups leave it out of their timings.
fn service_clone(c: &mut Criterion) {
    fn bench_clone<S: Clone>(group: &mut BenchmarkGroup<'_, WallTime>, id: BenchmarkId, svc: &S) {
        group.bench_function(id, |b| b.iter(|| drop(black_box(svc.clone()))));
    }

    let mut group = c.benchmark_group("service_clone");
    let (ours, theirs) = small_policy(ORIGINS);
    bench_clone(
        &mut group,
        benchmark_id(TOWER_CORS, "3_origins"),
        &ours.layer(service_fn(hello)),
    );
    bench_clone(
        &mut group,
        benchmark_id(TOWER_HTTP, "3_origins"),
        &theirs.layer(service_fn(hello)),
    );

    let origins: Vec<String> = (0..1000)
        .map(|i| format!("https://app{i}.example.com"))
        .collect();
    let (ours, theirs) = origins_only_policy(&origins);
    bench_clone(
        &mut group,
        benchmark_id(TOWER_CORS, "1000_origins"),
        &ours.layer(service_fn(hello)),
    );
    bench_clone(
        &mut group,
        benchmark_id(TOWER_HTTP, "1000_origins"),
        &theirs.layer(service_fn(hello)),
    );

    let (ours, theirs) = gateway_policy();
    bench_clone(
        &mut group,
        benchmark_id(TOWER_CORS, "gateway"),
        &ours.layer(service_fn(hello)),
    );
    bench_clone(
        &mut group,
        benchmark_id(TOWER_HTTP, "gateway"),
        &theirs.layer(service_fn(hello)),
    );
    group.finish();
}

/// Short measurements so that `cargo bench` stays within a few minutes on two
/// cores; command-line options (`--measurement-time`, `--sample-size`, ...)
/// still override these.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = simple_get, preflight_accepted, not_cors, origin_lookup, acrh_parsing,
        gateway_preset, service_clone
}
criterion_main!(benches);
