//! Redirects as a browser handles them: a preflight never follows one; an
//! actual request follows up to 20, with a CORS check at each hop and
//! `Origin: null` once it has moved between two other origins; a redirect
//! to a URL with credentials in it fails. Each hop is printed.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, get};
use axum::Router;

use super::{doctor_tls, https_url, tls_server, ANY, H2, ORIGIN};

/// `/hop/same`: a `307` to `/ok`; `/hop/to?url=U`: a `302` to `U`;
/// `/hop/bare`: a `302` to `/ok` without CORS headers; `/hop/loop`: a
/// `307` to itself; `/hop/preflight`: a `301` to `/ok`
/// for every method, preflights included; `/echo-origin`: the `Origin` it
/// got, in the exposed `x-seen-origin`. Each answer allows any origin.
pub(super) fn routes() -> Router {
    fn to(location: &str, status: StatusCode) -> (StatusCode, [(&'static str, String); 2]) {
        (
            status,
            [ANY, ("location", location)].map(|(n, v)| (n, v.to_owned())),
        )
    }
    Router::new()
        .route(
            "/hop/same",
            get(|| async { to("/ok", StatusCode::TEMPORARY_REDIRECT) }),
        )
        .route(
            "/hop/to",
            get(|Query(query): Query<HashMap<String, String>>| async move {
                let url = query.get("url").cloned().unwrap_or_default();
                to(&url, StatusCode::FOUND)
            }),
        )
        .route(
            "/hop/bare",
            get(|| async { (StatusCode::FOUND, [("location", "/ok")]) }),
        )
        .route(
            "/hop/loop",
            get(|| async { to("/hop/loop", StatusCode::TEMPORARY_REDIRECT) }),
        )
        .route(
            "/hop/preflight",
            any(|| async { to("/ok", StatusCode::MOVED_PERMANENTLY) }),
        )
        .route(
            "/echo-origin",
            get(|headers: HeaderMap| async move {
                let seen = headers
                    .get("origin")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none")
                    .to_owned();
                let expose = ("access-control-expose-headers", "x-seen-origin".to_owned());
                (
                    [
                        ("access-control-allow-origin", "*".to_owned()),
                        expose,
                        ("x-seen-origin", seen),
                    ],
                    "",
                )
            }),
        )
}

#[test]
fn a_same_origin_redirect_keeps_the_origin_and_is_printed() {
    let url = https_url("/hop/same");
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.line_starts("< HTTP/2 307"), "{run}");
    let next = https_url("/ok");
    assert!(
        run.has_line(&format!("redirect (307): the browser follows it to {next}")),
        "{run}"
    );
    assert!(
        run.has_line("== actual request, after redirect 1 =="),
        "{run}"
    );
    assert!(run.has_line("> GET /ok HTTP/2"), "{run}");
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| *l == format!("> origin: {ORIGIN}"))
            .count(),
        2,
        "{run}"
    );
    assert!(run.line_starts("ALLOWED"), "{run}");
}

#[test]
fn after_a_hop_to_another_origin_the_origin_is_null() {
    // localhost and 127.0.0.1: one server, two origins.
    let next = format!("https://127.0.0.1:{}/echo-origin", tls_server(H2).port());
    let url = https_url(&format!("/hop/to?url={next}"));
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.has_line(&format!("redirect (302): the browser follows it to {next}")),
        "{run}"
    );
    assert!(run.has_line(&format!("> origin: {ORIGIN}")), "{run}");
    assert!(run.has_line("> origin: null"), "{run}");
    assert!(run.has_line("< x-seen-origin: null"), "{run}");
    // WebKit drops Fetch Metadata after such a hop: it would send the
    // second request with other headers, which the doctor did not send.
    assert!(
        run.line_starts(&format!(
            "  WebKit 2.50: goes on with GET {next} with headers of its own, which the doctor did not send"
        )),
        "{run}"
    );
    let readable = run
        .line_after("script can read the headers: ")
        .unwrap_or_default();
    assert!(
        readable.split(", ").any(|name| name == "x-seen-origin"),
        "{run}"
    );
    assert!(
        run.line_starts("ALLOWED: the page reads the 200 OK response of GET "),
        "{run}"
    );
    assert!(
        run.line_starts(&format!("after 1 redirect, from {next}")),
        "{run}"
    );
}

#[test]
fn a_redirect_to_a_url_with_credentials_fails() {
    let port = tls_server(H2).port();
    let url = https_url(&format!(
        "/hop/to?url=https://user:secret@localhost:{port}/ok"
    ));
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("BLOCKED at the actual request: "), "{run}");
    assert!(run.stdout.contains("credentials"), "{run}");
    assert!(
        !run.stdout.contains("after redirect 1"),
        "not followed: {run}"
    );
}

#[test]
fn the_twenty_first_redirect_is_not_followed() {
    let url = https_url("/hop/loop");
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.has_line("== actual request, after redirect 20 =="),
        "{run}"
    );
    assert!(!run.stdout.contains("after redirect 21"), "{run}");
    assert!(run.line_starts("BLOCKED at the actual request: "), "{run}");
    assert!(run.stdout.contains("browsers follow 20"), "{run}");
}

#[test]
fn a_redirected_preflight_fails_and_is_not_followed() {
    let url = https_url("/hop/preflight");
    let run = doctor_tls(&url, ORIGIN, &["-X", "PUT"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/2 301"), "{run}");
    assert!(
        run.line_starts("BLOCKED at the preflight: the preflight's status is 301"),
        "{run}"
    );
    assert!(!run.stdout.contains("> PUT"), "{run}");
    assert!(!run.stdout.contains("after redirect"), "{run}");
}

#[test]
fn a_block_after_a_hop_to_another_origin_explains_origin_null() {
    // `/ok` answers `*`; `/bare` nothing, so the null origin is refused.
    let next = format!("https://127.0.0.1:{}/bare", tls_server(H2).port());
    let url = https_url(&format!("/hop/to?url={next}"));
    let run = doctor_tls(&url, ORIGIN, &[]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.has_line("> origin: null"), "{run}");
    assert!(
        run.line_starts("note: the request was redirected from one origin to another, so the browser sent Origin: null"),
        "{run}"
    );
    // Without a hop to another origin there is no such note.
    let run = doctor_tls(&https_url("/bare"), ORIGIN, &[]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(!run.stdout.contains("Origin: null"), "{run}");
}

#[test]
fn a_redirect_without_cors_headers_is_not_followed() {
    // The CORS check applies to the redirect itself.
    let run = doctor_tls(&https_url("/hop/bare"), ORIGIN, &[]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/2 302"), "{run}");
    assert!(
        run.line_starts(
            "BLOCKED at the actual request: the response has no Access-Control-Allow-Origin."
        ),
        "{run}"
    );
    assert!(!run.stdout.contains("after redirect 1"), "{run}");
}
