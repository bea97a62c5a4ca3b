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
