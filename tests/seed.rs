//! The API gateway documentation's three exchanges, reproduced with
//! `CorsLayer::gateway()`.

mod common;

use common::*;
use tower_cors::{CorsBuilder, CorsLayer, RequestKind};

const ALLOW_HEADERS: &str = "X-Stage,X-Sdk-Date,X-Sdk-Nonce,X-Proxy-Signed-Headers,X-Sdk-Content-Sha256,X-Forwarded-For,Authorization,Content-Type,Accept,Accept-Ranges,Cache-Control,Range";
const EXPOSE_HEADERS: &str = "X-Request-Id,X-Apig-Latency,X-Apig-Upstream-Latency,X-Apig-RateLimit-Api,X-Apig-RateLimit-User,X-Apig-RateLimit-App,X-Apig-RateLimit-Ip,X-Apig-RateLimit-Api-Allenv";
const ALLOW_METHODS: &str = "GET,POST,PUT,DELETE,HEAD,OPTIONS,PATCH";

/// The browser's request of both simple-request scenarios.
fn simple_request(method: &str) -> http::Request<http_body_util::Full<bytes::Bytes>> {
    request(
        method,
        &[
            ("host", "www.test.com"),
            ("origin", "http://www.cors.com"),
            (
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
            ("accept", "application/json"),
            ("date", "Tue, 15 Jan 2019 01:25:52 GMT"),
        ],
    )
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
    let (res, seen) = send_with(&CorsLayer::gateway(), BACKEND, simple_request("GET")).await;
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
    backend.push(("access-control-allow-origin", "http://www.cors.com"));
    let (res, _) = send_with(&CorsLayer::gateway(), &backend, simple_request("GET")).await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.all("access-control-allow-origin"),
        ["http://www.cors.com"]
    );
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
            ("origin", "http://www.cors.com"),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "X-Sdk-Date"),
        ],
    );
    let (res, seen) = send(&CorsLayer::gateway(), req).await;
    assert_eq!(seen.calls(), 0, "the backend is not called");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        res.header("access-control-allow-headers"),
        Some(ALLOW_HEADERS)
    );
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some(EXPOSE_HEADERS)
    );
    assert_eq!(
        res.header("access-control-allow-methods"),
        Some(ALLOW_METHODS)
    );
    assert_eq!(res.header("access-control-max-age"), Some("172800"));
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
    let (res, seen) = send_with(&CorsLayer::gateway(), BACKEND, simple_request("PUT")).await;
    assert_eq!(seen.kind(), Some(RequestKind::NotSoSimple));
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    // Exposed headers are sent where browsers read them: on actual responses.
    assert_eq!(
        res.header("access-control-expose-headers"),
        Some(EXPOSE_HEADERS)
    );
}

#[tokio::test]
async fn the_gateway_builder_gives_the_same_answers_as_the_preset() {
    let built = CorsBuilder::gateway().build().unwrap();
    for req in [
        || {
            preflight(
                "http://www.cors.com",
                "PUT",
                Some("x-sdk-date, authorization"),
            )
        },
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
    let (res, _) = send(
        &CorsLayer::gateway(),
        preflight("http://www.cors.com", "PURGE", None),
    )
    .await;
    assert_eq!(res.status, 403);
    assert!(res.cors_headers().is_empty());
    let (res, _) = send(
        &CorsLayer::gateway(),
        preflight("http://www.cors.com", "PUT", Some("X-Sdk-Date, X-Other")),
    )
    .await;
    assert_eq!(res.status, 403);
    assert!(res.cors_headers().is_empty());
}
