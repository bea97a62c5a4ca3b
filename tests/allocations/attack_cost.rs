//! Cost under attack, counted, not timed: a preflight whose
//! `Access-Control-Request-Headers` is 1 MiB of commas (or 16 MiB, or 10,000
//! field lines of names) costs the layer the same allocations, and the
//! same bytes allocated, as one just over the 4096-byte limit: the layer
//! refuses it by its length, without reading or copying it. And a list
//! at the limit, read name by name, allocates no more than a list of one
//! name: the work it does per name is a lookup, nothing kept. (That the
//! length is checked before any name is read, whatever the names, is a
//! preflight test: `tests/it/preflight.rs`.)
//!
//! Print the counts with
//! `cargo test --test allocations attack_cost -- --nocapture`.

use bytes::Bytes;
use http::{HeaderValue, Request, StatusCode};
use tower_cors::CorsLayer;
use tower_cors_test_support::bench::{self, allocations, Allocations, Body, Hello, ACRH_LIMIT};
use tower_layer::Layer;

const ORIGIN: &str = "https://app.example.com";
/// Requests counted per case (the first one, which warms up, left out).
const REQUESTS: usize = 8;

/// Any header with credentials: the policy that echoes the requested
/// names, so that a layer that reads the list must read all of it.
fn policy() -> CorsLayer {
    CorsLayer::builder()
        .allow_origins([ORIGIN])
        .allow_methods(["PUT"])
        .allow_any_header()
        .allow_credentials(true)
        .build()
        .unwrap()
}

/// A preflight whose `Access-Control-Request-Headers` lines are `lines`.
fn preflight(lines: &[HeaderValue]) -> Request<Body> {
    let mut req = Request::builder()
        .method("OPTIONS")
        .uri("/r")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PUT")
        .body(Body::default())
        .unwrap();
    for line in lines {
        req.headers_mut()
            .append("access-control-request-headers", line.clone());
    }
    req
}

/// The allocations of one preflight through the layer, per request, with
/// its status. The requests are built before counting starts.
fn cost(lines: &[HeaderValue]) -> (Allocations, StatusCode) {
    let mut service = policy().layer(Hello);
    let waker = bench::noop_waker();
    let mut requests: Vec<_> = (0..=REQUESTS).map(|_| preflight(lines)).collect();
    let status = bench::send(&mut service, requests.pop().unwrap(), &waker).status();
    let before = allocations();
    for req in requests {
        drop(bench::send(&mut service, req, &waker));
    }
    let spent = allocations() - before;
    let n = REQUESTS as u64;
    (
        Allocations {
            count: spent.count / n,
            bytes: spent.bytes / n,
        },
        status,
    )
}

/// One field line of `len` bytes of commas, shared by every request.
fn commas(len: usize) -> Vec<HeaderValue> {
    vec![HeaderValue::from_maybe_shared(Bytes::from(",".repeat(len))).unwrap()]
}

// checklist: P5
#[test]
fn a_preflight_over_the_limit_costs_the_same_whatever_its_size() {
    let cases = [
        ("4097 B of commas", commas(ACRH_LIMIT + 1)),
        ("1 MiB of commas", commas(1 << 20)),
        ("16 MiB of commas", commas(16 << 20)),
        (
            "10,000 lines of names",
            vec![HeaderValue::from_static("x-custom"); 10_000],
        ),
    ];
    let mut costs = Vec::new();
    for (what, lines) in &cases {
        let (spent, status) = cost(lines);
        println!(
            "{what}: {status}, {} allocations, {} B per request",
            spent.count, spent.bytes
        );
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
        costs.push((what, spent));
    }
    let (first, reference) = costs[0];
    for (what, spent) in &costs {
        assert_eq!(
            *spent, reference,
            "{what} costs {spent:?}, {first} {reference:?}: the cost grows with the input"
        );
    }
    // Nothing of the input is copied: a refused answer allocates its
    // header map only, a few hundred bytes.
    assert!(reference.bytes < 1024, "{reference:?}");
}

// checklist: P5
#[test]
fn a_list_at_the_limit_is_read_without_allocating_per_name() {
    let at_limit = bench::names_up_to(ACRH_LIMIT);
    assert!(at_limit.len() <= ACRH_LIMIT && at_limit.len() > ACRH_LIMIT - 10);
    let names = at_limit.split(',').count();
    let (one, status_one) = cost(&[HeaderValue::from_static("x-h0")]);
    let (all, status_all) = cost(&[HeaderValue::from_str(&at_limit).unwrap()]);
    println!(
        "1 name: {} allocations, {} B; {names} names ({} B): {} allocations, {} B",
        one.count,
        one.bytes,
        at_limit.len(),
        all.count,
        all.bytes
    );
    assert!(status_one.is_success() && status_all.is_success());
    assert_eq!(all, one, "reading {names} names allocates per name");
}
