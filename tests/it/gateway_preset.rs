//! The API gateway documentation's three exchanges, reproduced with
//! `CorsLayer::gateway()`.

use crate::common::*;
use tower_cors::{presets, CorsBuilder, CorsLayer, RequestKind};

/// The crate's gateway preset spells the documentation's values, which the
/// tests keep as literal text in `common`.
#[test]
fn the_gateway_presets_are_the_documented_values() {
    assert_eq!(presets::GATEWAY_METHODS.join(","), GATEWAY_ALLOW_METHODS);
    assert_eq!(
        presets::GATEWAY_ALLOWED_HEADERS.join(","),
        GATEWAY_ALLOW_HEADERS
    );
    assert_eq!(
        presets::GATEWAY_EXPOSED_HEADERS.join(","),
        GATEWAY_EXPOSE_HEADERS
    );
    assert_eq!(presets::GATEWAY_MAX_AGE_SECS.to_string(), GATEWAY_MAX_AGE);
}

/// The browser's request of both simple-request scenarios.
fn simple_request(method: &str) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    request(
        method,
        &[
            ("host", "www.test.com"),
            ("origin", SEED_ORIGIN),
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("accept", "application/json"),
            ("date", "Tue, 15 Jan 2019 01:25:52 GMT"),
        ],
    )
}

/// The gateway preset, recording its decisions so that the tests can read
/// the kind it found (`CorsLayer::gateway()` does not record them).
fn recording_gateway() -> CorsLayer {
    CorsBuilder::gateway()
        .record_decisions(true)
        .build()
        .unwrap()
}

const BACKEND: &[(&str, &str)] = &[
    ("date", "Tue, 15 Jan 2019 01:25:52 GMT"),
    ("content-type", "application/json"),
    ("content-length", "16"),
    ("server", "api-gateway"),
];

// checklist: A1, K3
#[tokio::test]
async fn scenario_1_backend_without_cors_headers_gets_a_wildcard() {
    let (res, seen) = send_with(&recording_gateway(), BACKEND, simple_request("GET")).await;
    assert_eq!(seen.calls(), 1);
    assert_eq!(seen.kind(), Some(RequestKind::Simple));
    assert_eq!(res.status, 200);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    // The backend's own headers are untouched.
    for (name, value) in BACKEND {
        assert_eq!(res.header(name), Some(*value), "{name}");
    }
    // Nothing depends on the origin, so no `Vary`.
    assert_eq!(res.header("vary"), None);
    assert_eq!(res.header("access-control-allow-credentials"), None);
}

// checklist: A7
#[tokio::test]
async fn scenario_2_backend_cors_header_overrides_the_gateway() {
    let mut backend = BACKEND.to_vec();
    backend.push(("access-control-allow-origin", SEED_ORIGIN));
    let (res, _) = send_with(&CorsLayer::gateway(), &backend, simple_request("GET")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.all("access-control-allow-origin"), [SEED_ORIGIN]);
}

// checklist: P1, P2, P8
#[tokio::test]
async fn not_so_simple_preflight_gets_the_gateway_answer() {
    let req = request(
        "OPTIONS",
        &[
            ("user-agent", "curl/7.29.0"),
            ("host", "localhost"),
            ("accept", "*/*"),
            ("origin", SEED_ORIGIN),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "X-Sdk-Date"),
        ],
    );
    let (res, seen) = send(&recording_gateway(), req).await;
    assert_eq!(seen.calls(), 0, "the backend is not called");
    assert_eq!(res.status, 200);
    assert_gateway_preflight_headers(&res);
    assert_eq!(
        res.cors_headers(),
        [
            "access-control-allow-headers",
            "access-control-allow-methods",
            "access-control-allow-origin",
            "access-control-expose-headers",
            "access-control-max-age",
        ]
    );
    assert_eq!(res.header("content-length"), Some("0"));
    assert!(res.body.is_empty());
    assert_eq!(res.extensions.get(), Some(&RequestKind::Preflight));
}

#[tokio::test]
async fn the_actual_put_after_the_preflight_gets_a_wildcard() {
    let (res, seen) = send_with(&recording_gateway(), BACKEND, simple_request("PUT")).await;
    assert_eq!(seen.kind(), Some(RequestKind::NotSoSimple));
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    // Exposed headers are sent where browsers read them: on actual responses.
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some(GATEWAY_EXPOSE_HEADERS)
    );
}

#[tokio::test]
async fn the_gateway_builder_gives_the_same_answers_as_the_preset() {
    let built = CorsBuilder::gateway().build().unwrap();
    for req in [
        || preflight(SEED_ORIGIN, "PUT", Some("x-sdk-date, authorization")),
        || preflight("https://a.example", "PATCH", None),
        || preflight("https://a.example", "PURGE", None),
        || preflight("https://a.example", "GET", Some("x-unknown")),
    ] {
        let (a, _) = send(&CorsLayer::gateway(), req()).await;
        let (b, _) = send(&built, req()).await;
        assert_eq!(a.status, b.status);
        assert_eq!(a.headers, b.headers);
    }
}

#[tokio::test]
async fn the_gateway_refuses_methods_and_headers_it_does_not_list() {
    let (res, _) = send(&CorsLayer::gateway(), preflight(SEED_ORIGIN, "PURGE", None)).await;
    assert_eq!(res.status, 403);
    assert!(res.cors_headers().is_empty());
    let (res, _) = send(
        &CorsLayer::gateway(),
        preflight(SEED_ORIGIN, "PUT", Some("X-Sdk-Date, X-Other")),
    )
    .await;
    assert_eq!(res.status, 403);
    assert!(res.cors_headers().is_empty());
}
