//! What script can read of an accepted answer: the response headers, and
//! what a preflight's answer allows.

use std::time::Duration;

use cors_check::BrowserRequest;
use http::StatusCode;

use crate::support::{response_headers, O};

#[test]
fn readable_headers() {
    let request = BrowserRequest::new(O, "GET", "https://api.example/").unwrap();
    let listed = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-expose-headers", "X-Request-Id, set-cookie"),
        ("x-request-id", "1"),
        ("x-secret", "2"),
        ("set-cookie", "a=b"),
        ("content-type", "text/plain"),
    ]);
    let readable = request.check_response(StatusCode::OK, &listed).unwrap();
    assert!(readable.contains("x-request-id") && readable.contains("X-REQUEST-ID"));
    assert!(readable.contains("expires"));
    assert!(!readable.contains("x-secret"));
    assert!(!readable.contains("set-cookie"));
    assert_eq!(readable.names(), ["content-type", "x-request-id"]);

    let star = response_headers(&[
        ("access-control-allow-origin", O),
        ("access-control-allow-credentials", "true"),
        ("access-control-expose-headers", "*"),
        ("x-secret", "2"),
        ("set-cookie", "a=b"),
    ]);
    let readable = request.check_response(StatusCode::OK, &star).unwrap();
    assert!(readable.contains("x-secret"));
    assert!(!readable.contains("set-cookie"));
    assert_eq!(
        readable.names(),
        [
            "access-control-allow-credentials",
            "access-control-allow-origin",
            "access-control-expose-headers",
            "x-secret"
        ]
    );

    let credentialed = request.clone().credentials(true);
    let readable = credentialed.check_response(StatusCode::OK, &star).unwrap();
    assert!(
        !readable.contains("x-secret"),
        "* is literal with credentials"
    );

    let broken = response_headers(&[
        ("access-control-allow-origin", "*"),
        ("access-control-expose-headers", "x a"),
        ("x-a", "1"),
    ]);
    let readable = request.check_response(StatusCode::OK, &broken).unwrap();
    assert!(!readable.contains("x-a"));
}

#[test]
fn preflight_result_parses_lists_and_max_age() {
    let request = BrowserRequest::new(O, "PUT", "https://api.example/")
        .unwrap()
        .header("X-A", "1");
    let headers = response_headers(&[
        ("access-control-allow-origin", O),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-allow-methods", "DELETE"),
        ("access-control-allow-headers", "X-A"),
        ("access-control-max-age", "60"),
    ]);
    let result = request.check_preflight(StatusCode::OK, &headers).unwrap();
    assert_eq!(result.methods, ["GET", "PUT", "DELETE"]);
    assert_eq!(result.headers, ["x-a"]);
    assert_eq!(result.max_age, Duration::from_secs(60));
}

/// `response.headers.get(name)` as a test writes it: the value, its field
/// lines joined by `, `, for the readable headers only.
#[tokio::test]
async fn a_test_reads_header_values_as_the_script_does() {
    use axum::http::{HeaderMap, HeaderValue};
    use axum::routing::get;
    use axum::Router;

    let app: Router = Router::new().route(
        "/items",
        get(|| async {
            let mut headers = HeaderMap::new();
            headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
            headers.insert(
                "access-control-expose-headers",
                HeaderValue::from_static("x-request-id, x-tag, x-latin"),
            );
            headers.insert("x-request-id", HeaderValue::from_static("req-7"));
            headers.append("x-tag", HeaderValue::from_static("a"));
            headers.append("x-tag", HeaderValue::from_static("b"));
            // One byte of Latin-1 (é), which Headers.get decodes byte by byte.
            headers.insert("x-latin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
            headers.insert("x-secret", HeaderValue::from_static("s3cret"));
            (headers, "[]")
        }),
    );
    let outcome = cors_check::check(&app).from(O).get("/items").run().await;
    assert_eq!(outcome.header("x-request-id"), Some("req-7"));
    assert_eq!(outcome.header("X-Tag"), Some("a, b"));
    assert_eq!(outcome.header("x-latin"), Some("café"));
    assert_eq!(outcome.header("x-secret"), None, "not exposed");
    assert_eq!(outcome.header("x-absent"), None);
    assert_eq!(
        outcome.header("content-type"),
        Some("text/plain; charset=utf-8")
    );

    let blocked = cors_check::check(&app)
        .from(O)
        .get("/items")
        .credentials()
        .run()
        .await;
    assert!(blocked.is_blocked());
    assert_eq!(
        blocked.header("x-request-id"),
        None,
        "blocked: nothing to read"
    );
}

#[test]
fn the_virtual_clock_can_be_read() {
    let mut browser = cors_check::Browser::new();
    assert_eq!(browser.now(), Duration::ZERO);
    browser.advance(Duration::from_secs(90));
    browser.advance(Duration::from_millis(500));
    assert_eq!(browser.now(), Duration::from_millis(90_500));
}

/// A test matches on the two stages without a catch-all arm.
#[test]
fn the_stages_are_matched_exhaustively() {
    use cors_check::Stage;
    let name = |stage: Stage| match stage {
        Stage::Preflight => "preflight",
        Stage::Actual => "actual",
    };
    assert_eq!(
        [Stage::Preflight, Stage::Actual].map(name),
        ["preflight", "actual"]
    );
}
