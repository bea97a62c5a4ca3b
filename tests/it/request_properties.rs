//! Properties that hold for every request: no panic, and the answer is
//! always well-formed.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;
use bytes::Bytes;
use http::{HeaderValue, Method, Request};
use http_body_util::Full;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use tower_cors::CorsLayer;

/// How many requests the property is checked on.
const CASES: u32 = 300;

const ALLOWED: [&str; 2] = ["https://app.example.com", "http://localhost:3000"];

fn policy(credentials: bool) -> CorsLayer {
    let builder = CorsLayer::builder()
        .allow_origins(ALLOWED)
        .allow_methods(["PUT", "PATCH"])
        .allow_headers(["content-type", "x-custom"])
        .expose_headers(["x-request-id"]);
    builder.allow_credentials(credentials).build().unwrap()
}

/// A byte `HeaderValue::from_bytes` accepts: tab, visible ASCII, space and
/// obs-text (0x80-0xFF); it refuses only the other control characters.
fn value_byte() -> impl Strategy<Value = u8> {
    prop_oneof![Just(b'\t'), 0x20u8..=0x7e, 0x80u8..=0xff]
}

/// A header value: arbitrary valid bytes, or one the policy knows.
fn header_value() -> impl Strategy<Value = HeaderValue> {
    let bytes = prop_oneof![
        proptest::collection::vec(value_byte(), 0..40),
        Just(ALLOWED[0].as_bytes().to_vec()),
        Just(ALLOWED[1].as_bytes().to_vec()),
        Just(b"PUT".to_vec()),
        Just(b"content-type, X-Custom,,".to_vec()),
    ];
    bytes.prop_map(|bytes| {
        HeaderValue::from_bytes(&bytes).unwrap_or_else(|e| panic!("{bytes:?}: {e}"))
    })
}

/// One generated request: its method, its `Origin`, its
/// `Access-Control-Request-Method`, its `Access-Control-Request-Headers`
/// lines, and whether the policy allows credentials.
type Case = (
    &'static str,
    Option<HeaderValue>,
    Option<HeaderValue>,
    Vec<HeaderValue>,
    bool,
);

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just("GET"), Just("OPTIONS"), Just("PUT"), Just("patch")],
        proptest::option::weighted(0.8, header_value()),
        proptest::option::weighted(0.8, header_value()),
        proptest::collection::vec(header_value(), 0..3),
        any::<bool>(),
    )
}

fn build_request(
    method: &str,
    origin: Option<HeaderValue>,
    acrm: Option<HeaderValue>,
    acrh: Vec<HeaderValue>,
) -> Request<Full<Bytes>> {
    let mut req = Request::new(Full::new(Bytes::new()));
    *req.method_mut() = Method::from_bytes(method.as_bytes()).unwrap();
    let headers = req.headers_mut();
    if let Some(origin) = origin {
        headers.insert("origin", origin);
    }
    if let Some(acrm) = acrm {
        headers.insert("access-control-request-method", acrm);
    }
    for line in acrh {
        headers.append("access-control-request-headers", line);
    }
    req
}

// checklist: C1, P7, A2, A7
#[test]
fn every_request_gets_a_well_formed_answer() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Every generated case is a valid request, and each one that ran is
    // counted: `ran` must end at `CASES`. The other counters show that the
    // conditional properties below were exercised, not just vacuously true.
    let ran = AtomicUsize::new(0);
    let refused = AtomicUsize::new(0);
    let allowed = AtomicUsize::new(0);
    let credentialed = AtomicUsize::new(0);
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::with_cases(CASES)
    });
    let result = runner.run(&case(), |(method, origin, acrm, acrh, credentials)| {
        let req = build_request(method, origin, acrm, acrh);
        let (res, seen) = runtime.block_on(send(&policy(credentials), req));
        ran.fetch_add(1, Ordering::SeqCst);
        let acao = res.all("access-control-allow-origin");
        prop_assert!(acao.len() <= 1);
        if res.status.is_client_error() {
            refused.fetch_add(1, Ordering::SeqCst);
            prop_assert!(res.cors_headers().is_empty());
            prop_assert_eq!(seen.calls(), 0);
        }
        if let Some(origin) = acao.first() {
            allowed.fetch_add(1, Ordering::SeqCst);
            prop_assert!(ALLOWED.contains(origin), "{}", origin);
        }
        if res.header("access-control-allow-credentials").is_some() {
            credentialed.fetch_add(1, Ordering::SeqCst);
            prop_assert!(credentials);
            prop_assert_eq!(acao.len(), 1);
        }
        // The layer's own (preflight) answers name every request header
        // that decided them; the handler's responses vary by origin.
        let vary = if seen.calls() == 0 {
            PREFLIGHT_VARY
        } else {
            "Origin"
        };
        prop_assert_eq!(res.all("vary"), [vary]);
        Ok(())
    });
    if let Err(err) = result {
        panic!("{err}");
    }
    let count = |c: &AtomicUsize| c.load(Ordering::SeqCst);
    println!(
        "{} cases ran: {} refused preflights, {} allowed origins, {} with credentials",
        count(&ran),
        count(&refused),
        count(&allowed),
        count(&credentialed)
    );
    assert_eq!(count(&ran), CASES as usize, "every case must run");
    assert!(count(&refused) > 0, "no case was refused");
    assert!(count(&allowed) > 0, "no case was allowed");
    assert!(count(&credentialed) > 0, "no case had credentials");
}
