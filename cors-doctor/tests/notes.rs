//! The notes that follow a BLOCKED verdict, each for a refused preflight
//! only: an ok answer without any CORS header (and without the reason of a
//! CORS layer in debug mode) names what the preflight asked for; a `404` or
//! `405` to `OPTIONS` suggests that no CORS layer answers on the path.

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use super::{doctor, url, Run, ANY, ORIGIN};

/// `/options/bare`: `OPTIONS` answered `200 OK` with no CORS header, as a
/// server or proxy that answers `OPTIONS` itself does; `/options/partial`:
/// a `204` preflight answer with `Access-Control-Allow-Origin` only;
/// `/options/says`: a `200` without CORS header but with the reason of a
/// CORS layer in debug mode; `/get-only`: no `OPTIONS` handler, so `405`.
/// Every `GET` allows any origin. Any other path is a `404`.
pub(super) fn routes() -> Router {
    Router::new()
        .route(
            "/options/bare",
            get(|| async { ([ANY], "[]") }).options(|| async { "GET, HEAD, OPTIONS, PUT" }),
        )
        .route(
            "/options/partial",
            get(|| async { ([ANY], "[]") }).options(|| async { (StatusCode::NO_CONTENT, [ANY]) }),
        )
        .route(
            "/options/says",
            get(|| async { ([ANY], "[]") }).options(|| async {
                [("x-cors-refusal", "origin http://www.cors.com not allowed")]
            }),
        )
        .route("/get-only", get(|| async { ([ANY], "[]") }))
}

/// The start of the note on Local Network Access, which every run from
/// the public [`ORIGIN`] to the test server on 127.0.0.1 gets.
const LOCAL_NETWORK: &str = "note: the page reaches a more private network than its own";

/// The lines of stdout that start with `note:`, but the one on Local
/// Network Access.
fn notes(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|line| line.starts_with("note:") && !line.starts_with(LOCAL_NETWORK))
        .collect()
}

// checklist: P9
#[test]
fn a_public_page_reaching_a_local_address_is_told_of_local_network_access() {
    // http://www.cors.com is public, 127.0.0.1 local.
    let run = doctor(&[&url("/ok"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.line_starts(LOCAL_NETWORK), "{run}");
    assert!(
        run.stdout
            .contains("Chromium 142 and later ask the user first"),
        "{run}"
    );
    // A local page: nothing to ask.
    let run = doctor(&[&url("/ok"), "--origin", "http://localhost:5173"]);
    assert!(!run.line_starts(LOCAL_NETWORK), "{run}");
    let json = doctor(&[&url("/ok"), "--origin", ORIGIN, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["verdict"]["local_network_permission"], true, "{json}");
}

#[test]
fn an_ok_preflight_answer_without_cors_headers_names_what_was_asked() {
    let url = url("/options/bare");
    let run = doctor(&[&url, "--origin", ORIGIN, "-X", "PUT", "-H", "x-stage:1"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/1.1 200 OK"), "{run}");
    assert!(run.line_starts("BLOCKED at the preflight: "), "{run}");
    assert_eq!(
        notes(&run),
        [
            "note: the preflight's answer has no CORS header at all: the server's CORS policy \
             may have refused the origin http://www.cors.com, the method PUT and the headers \
             x-stage, or no CORS layer saw the request."
        ],
        "{run}"
    );
    assert!(!run.stdout.contains("> PUT"), "no actual request: {run}");

    // A preflight for the method alone names no headers.
    let run = doctor(&[&url, "--origin", ORIGIN, "-X", "DELETE"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert_eq!(
        notes(&run),
        [
            "note: the preflight's answer has no CORS header at all: the server's CORS policy \
             may have refused the origin http://www.cors.com, the method DELETE, or no CORS \
             layer saw the request."
        ],
        "{run}"
    );
}

#[test]
fn a_preflight_answer_with_some_cors_header_gets_no_note() {
    let run = doctor(&[&url("/options/partial"), "--origin", ORIGIN, "-X", "PUT"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/1.1 204 No Content"), "{run}");
    assert!(run.line_starts("BLOCKED at the preflight: "), "{run}");
    assert!(run.line_starts("fix: "), "{run}");
    assert!(notes(&run).is_empty(), "{run}");
}

#[test]
fn the_reason_of_a_cors_layer_replaces_the_note() {
    let run = doctor(&[&url("/options/says"), "--origin", ORIGIN, "-X", "PUT"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/1.1 200 OK"), "{run}");
    assert!(
        run.has_line("the server's CORS layer says: origin http://www.cors.com not allowed"),
        "{run}"
    );
    assert!(notes(&run).is_empty(), "{run}");
}

#[test]
fn an_actual_response_without_cors_headers_gets_no_preflight_note() {
    // 200 OK, no CORS header, no preflight.
    let run = doctor(&[&url("/bare"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("BLOCKED at the actual request: "), "{run}");
    assert!(notes(&run).is_empty(), "{run}");
    // 404 Not Found, no CORS header, no preflight.
    let run = doctor(&[&url("/nowhere"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/1.1 404 Not Found"), "{run}");
    assert!(run.line_starts("BLOCKED at the actual request: "), "{run}");
    assert!(notes(&run).is_empty(), "{run}");
}

#[test]
fn a_404_or_405_to_options_suggests_that_no_cors_layer_answers() {
    for (path, status) in [
        ("/get-only", "405 Method Not Allowed"),
        ("/nowhere", "404 Not Found"),
    ] {
        let run = doctor(&[&url(path), "--origin", ORIGIN, "-X", "PUT"]);
        assert_eq!(run.code, Some(1), "{path}: {run}");
        assert!(
            run.line_starts(&format!(
                "BLOCKED at the preflight: the preflight's status is {status}, not 200-299"
            )),
            "{path}: {run}"
        );
        assert_eq!(
            notes(&run),
            [format!(
                "note: a {status} to OPTIONS suggests that no CORS layer answers preflights on \
                 this path: is the layer applied to this route?"
            )],
            "{path}: {run}"
        );
    }
    // Another refusal status says nothing of the kind.
    let run = doctor(&[&url("/refusing"), "--origin", ORIGIN, "-X", "DELETE"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.line_starts("< HTTP/1.1 403 Forbidden"), "{run}");
    assert!(notes(&run).is_empty(), "{run}");
}
