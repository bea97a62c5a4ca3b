//! The exchanges as the doctor prints them: the request line and headers
//! (`Host` first, as browsers send it), the answer's headers (non-printable
//! bytes escaped, long values cut), the size of its body (read up to 1 MiB,
//! and only counted), and which headers the page's script can read.

use std::collections::BTreeSet;

use axum::routing::get;
use axum::Router;

use super::{doctor, server, url, ANY, ORIGIN};

/// The most body the doctor reads.
const MIB: usize = 1 << 20;

/// `/long` answers with header values of 300 and 301 bytes and with
/// bytes that are not printable ASCII; `/body/limit` with a body of
/// exactly 1 MiB, `/body/over` with one byte more.
pub(super) fn routes() -> Router {
    Router::new()
        .route(
            "/long",
            get(|| async {
                let headers = [
                    ("access-control-allow-origin", "*".to_owned()),
                    ("x-300", "a".repeat(300)),
                    ("x-301", "b".repeat(301)),
                    ("x-400", "c".repeat(400)),
                    ("x-bytes", "tab\there caf\u{e9}".to_owned()),
                ];
                (headers, "")
            }),
        )
        .route("/body/limit", get(|| async { ([ANY], vec![b'.'; MIB]) }))
        .route(
            "/body/echo",
            axum::routing::post(|headers: axum::http::HeaderMap, body: String| async move {
                let content_type = headers
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none")
                    .to_owned();
                let got = [
                    ("access-control-allow-origin", "*".to_owned()),
                    ("x-got-body", body),
                    ("x-got-type", content_type),
                ];
                (got, "")
            }),
        )
        .route("/body/over", get(|| async { ([ANY], vec![b'.'; MIB + 1]) }))
}

#[test]
fn each_request_is_printed_with_host_first() {
    let run = doctor(&[
        &url("/ok"),
        "--origin",
        ORIGIN,
        "-X",
        "PUT",
        "-H",
        "x-stage:1",
    ]);
    assert_eq!(run.code, Some(0), "{run}");
    let host = format!("> host: {}", server());
    let lines: Vec<&str> = run.stdout.lines().collect();
    for (title, request_line) in [
        ("== preflight ==", "> OPTIONS /ok HTTP/1.1"),
        ("== actual request ==", "> PUT /ok HTTP/1.1"),
    ] {
        let at = lines.iter().position(|line| *line == title);
        let at = at.unwrap_or_else(|| panic!("no {title}: {run}"));
        assert_eq!(lines.get(at + 1), Some(&request_line), "{run}");
        assert_eq!(lines.get(at + 2), Some(&host.as_str()), "{run}");
    }
    // Host once per request.
    assert_eq!(
        lines.iter().filter(|line| **line == host).count(),
        2,
        "{run}"
    );
}

#[test]
fn header_values_over_300_bytes_are_cut_and_odd_bytes_escaped() {
    let run = doctor(&[&url("/long"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    // 300 bytes are shown whole, without a mark.
    assert!(
        run.has_line(&format!("< x-300: {}", "a".repeat(300))),
        "{run}"
    );
    // Longer values: their first 300 bytes, then "...".
    assert!(
        run.has_line(&format!("< x-301: {}...", "b".repeat(300))),
        "{run}"
    );
    assert!(
        run.has_line(&format!("< x-400: {}...", "c".repeat(300))),
        "{run}"
    );
    // Short values are not marked.
    assert!(run.has_line("< access-control-allow-origin: *"), "{run}");
    assert!(
        run.has_line("< x-bytes: tab\\x09here caf\\xc3\\xa9"),
        "{run}"
    );
}

#[test]
fn the_body_is_counted_up_to_1_mib() {
    let run = doctor(&[&url("/ok"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line("< (2 bytes of body)"), "{run}");

    let run = doctor(&[&url("/body/limit"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.has_line(&format!("< ({MIB} bytes of body)")), "{run}");

    // A longer body is read up to the limit, which does not change the
    // verdict: only the headers decide.
    let run = doctor(&[&url("/body/over"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.has_line(&format!(
            "< (the first {MIB} bytes of body read, the rest left unread: the doctor reads at most {MIB})"
        )),
        "{run}"
    );
    assert!(!run.stdout.contains("bytes of body)"), "{run}");
}

#[test]
fn allowed_lists_the_headers_script_reads_and_the_hidden_ones() {
    let run = doctor(&[&url("/ok"), "--origin", ORIGIN]);
    assert_eq!(run.code, Some(0), "{run}");
    let list = |start: &str| -> BTreeSet<String> {
        let line = run.line_after(start);
        let line = line.unwrap_or_else(|| panic!("no {start:?}: {run}"));
        line.split(", ").map(str::to_owned).collect()
    };
    // The safelisted response headers and the exposed one.
    let readable = list("script can read the headers: ");
    assert_eq!(
        readable,
        BTreeSet::from(["content-length", "content-type", "x-request-id"].map(String::from)),
        "{run}"
    );
    // Every other header of the answer.
    let hidden = list("hidden from script: ");
    assert_eq!(
        hidden,
        BTreeSet::from(
            [
                "access-control-allow-origin",
                "access-control-expose-headers",
                "date"
            ]
            .map(String::from)
        ),
        "{run}"
    );
}

#[test]
fn a_string_body_is_sent_with_the_type_fetch_gives_it() {
    let url = url("/body/echo");
    let run = doctor(&[&url, "--origin", ORIGIN, "-X", "POST", "-d", "hello"]);
    assert_eq!(run.code, Some(0), "{run}");
    // text/plain is CORS-safelisted: no preflight.
    assert!(run.line_starts("No preflight: a POST"), "{run}");
    assert!(
        run.has_line("> content-type: text/plain;charset=UTF-8"),
        "{run}"
    );
    assert!(run.has_line("> (5 bytes of body)"), "{run}");
    assert!(run.has_line("< x-got-body: hello"), "{run}");
    assert!(
        run.has_line(&format!(
            "    fetch(\"{url}\", {{ method: \"POST\", body: \"hello\" }})"
        )),
        "{run}"
    );
    // The script's own Content-Type wins, and JSON needs a preflight.
    let run = doctor(&[
        &url,
        "--origin",
        ORIGIN,
        "-X",
        "POST",
        "-d",
        "{}",
        "-H",
        "content-type: application/json",
    ]);
    assert!(run.has_line("== preflight =="), "{run}");
    // No body: no body line.
    let run = doctor(&[&url, "--origin", ORIGIN, "-X", "POST"]);
    assert!(run.has_line("< x-got-body: "), "{run}");
    assert!(!run.stdout.contains("bytes of body)\n>"), "{run}");
    assert!(!run.line_starts("> (0 bytes"), "{run}");
}
